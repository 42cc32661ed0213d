"""Checkpoints of a run and its continuation from one (``ssb run CASE --restart DIR``).

A checkpoint is taken at an accepted step, after its row, log line and snapshot are written,
and holds everything the steps after it depend on, so that the continued run computes them
as the uninterrupted run would, bit for bit where that run is itself reproducible (the same
rank count and partition, a solver whose result depends only on the matrix it is given):

* the fields: the mixed solution w (displacement, theta, stress potential) and w_old, and the
  predictor's rate (dw/dt, dU/dt) of the last step;
* the committed state of every quadrature point (:attr:`MaterialPoints.COMMITTED`);
* the plunger position U, every :class:`StepperState` field (time, time inside the protocol
  step, dt, capacity, the fixture's preload, anchor and Maxwell-arm force, step counts), where
  the protocol stands (:attr:`Stepper.position`) and the electrochemistry the last step set;
* the recorder's references (the reference layer thickness, the row count), the warnings
  given, the length of ``series.csv`` and the field file's snapshot times and XML.

The arrays are keyed by the mesh's input numbering (:mod:`solver.io.checkpoint`); the rest is
the manifest, JSON (floats written to round-trip exactly).
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tomli_w

from solver.io import checkpoint
from solver.io.checkpoint import CheckpointError, CheckpointFailed
from solver.numerics.stepper import START

FREE_TABLES = ("output",)
"""Case tables a restart may change: they choose what is written, not what is computed."""

_MISSING = "(not set)"


def case_difference(saved_case: str, resolved: dict) -> tuple[str, object, object] | None:
    """The first key (dotted, arrays by index) whose value differs between the checkpoint's
    resolved case (TOML text) and ``resolved``, with both values; None if only
    :data:`FREE_TABLES` differ."""
    old = tomllib.loads(saved_case)
    new = tomllib.loads(tomli_w.dumps(resolved))
    for table in FREE_TABLES:
        old.pop(table, None)
        new.pop(table, None)
    return _difference(old, new, "")


def _difference(a, b, prefix: str):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in [*a, *(k for k in b if k not in a)]:
            key = f"{prefix}.{k}" if prefix else k
            if k not in a or k not in b:
                return key, a.get(k, _MISSING), b.get(k, _MISSING)
            found = _difference(a[k], b[k], key)
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return prefix, f"{len(a)} entries", f"{len(b)} entries"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _difference(x, y, f"{prefix}.{i}")
            if found:
                return found
        return None
    return None if a == b and isinstance(a, str) == isinstance(b, str) else (prefix, a, b)


def check_case(manifest: dict, resolved: dict, run_dir) -> None:
    """Refuse a case that is not the checkpoint's (one line naming the first differing key).

    Raises:
        CheckpointError: naming the key and both values.

    """
    found = case_difference(manifest["case"], resolved)
    if found:
        key, old, new = found
        raise CheckpointError(
            f"--restart: the case differs from the one the run in '{run_dir}' was started with at "
            f"{key} (checkpoint: {old!r}, case: {new!r}); only output.* keys may change on a "
            "restart (run it as a new case instead)")


@dataclass
class Resume:
    """A checkpoint read and checked on every rank, ready to be taken up."""

    manifest: dict
    arrays: dict[str, np.ndarray]
    layout: dict[str, np.ndarray]
    same_partition: bool
    texts: list[str]  # the field file's XML of each earlier segment (rank 0; else empty)

    @property
    def segment(self) -> int:
        """The field-file segment the continued run writes."""
        return self.manifest["fields"]["segment"] + 1

    @property
    def series_bytes(self) -> int:
        return self.manifest["series"]["bytes"]


def read(run, manifest: dict) -> Resume:
    """Read this rank's part of the checkpoint ``manifest`` names and check the mesh
    (collective; before any output is touched).

    Raises:
        CheckpointError: on every rank, when it cannot be used.

    """
    layout = checkpoint.mesh_layout(run.model.W)
    arrays, same = checkpoint.load(run.out, manifest, run.comm, layout)
    texts = []
    if run.comm.rank == 0:
        texts = [checkpoint.read_file(run.out, manifest, f"fields-{k}.xdmf")
                 for k in range(manifest["fields"]["segments"])]
    return Resume(manifest, arrays, layout, same, texts)


def take_up(resume: Resume, run, stepper, recorder, fields) -> dict:
    """Put the run where the checkpoint was; returns its entry for ``summary.json``
    ``restarts``."""
    m, arrays, layout = resume.manifest, resume.arrays, resume.layout
    model = run.model
    size = len(model.w.x.array)
    local = {k: checkpoint.from_cells(arrays[k], layout["dofs"], size)
             for k in ("w", "w_old", "velocity") if k in arrays}
    stepper.restore(m["stepper"], local)
    model.points.restore_committed({k: arrays[k] for k in model.points.COMMITTED})
    rec = m["recorder"]
    recorder.rows, recorder.last = rec["rows"], rec["last"]
    recorder.reference_thickness = rec["reference_thickness"]
    recorder.warned = set(rec["warned"])
    run.warnings[:] = m["run"]["warnings"]
    run.ranges.reported = {tuple(r) for r in m["run"]["ranges_reported"]}
    fields.restore(m["fields"])
    state = stepper.state
    entry = {"time_s": state.time_s, "accepted_steps": state.accepted_steps,
             "rows": rec["rows"], "ranks_before": m["ranks"], "ranks": run.comm.size,
             "same_partition": resume.same_partition}
    how = ("the same partition: every rank's state as it saved it" if resume.same_partition
           else f"written on {m['ranks']} rank(s), repartitioned by input cell")
    run.log.info(f"restart from the checkpoint at step {state.accepted_steps}, t = "
                 f"{state.time_s:.6g} s, row {rec['rows']} ({how})")
    return entry


class Checkpoints:
    """When to write a checkpoint, and writing it: every ``output.checkpoint_every_steps``
    accepted steps, every ``output.checkpoint_every_min`` minutes of wall time (measured on
    rank 0, so that every rank agrees), and when a signal stops the run."""

    def __init__(self, run, stepper, recorder, fields, series, resume: Resume | None = None,
                 clock=time.monotonic):
        self.run, self.stepper, self.recorder = run, stepper, recorder
        self.fields, self.series = fields, series
        out = run.case.output
        self.every_steps, self.every_s = out.checkpoint_every_steps, 60.0 * out.checkpoint_every_min
        self.clock = clock
        self._since = clock()
        m = resume.manifest if resume else None
        self.seq = m["seq"] + 1 if m else 0
        self.restarts = list(m.get("restarts", [])) if m else []
        self._written = ((stepper.state.accepted_steps, recorder.rows) if m else (0, -1))
        self.seconds = 0.0
        self._failed: set[str] = set()

    def due(self) -> bool:
        """Whether a checkpoint is due at this row (collective with a wall-time period: rank
        0's clock decides). A pressure set at a step already saved adds no second one."""
        steps = self.stepper.state.accepted_steps
        due = (self.every_steps > 0 and steps % self.every_steps == 0
               and steps != self._written[0])
        if self.every_s > 0:
            comm = self.run.comm
            late = self.clock() - self._since >= self.every_s if comm.rank == 0 else None
            due = comm.bcast(late, root=0) or due
        return due

    def after_row(self) -> None:
        """Write a checkpoint if one is due; called on every rank after each row."""
        if self.due():
            self.write()

    def write(self) -> bool:
        """Write a checkpoint of the accepted state now, unless it is the last one written or
        nothing is accepted yet; a failure is a warning, never the end of the run."""
        stepper, recorder = self.stepper, self.recorder
        if stepper.position[0] == START or recorder.rows == self._written[1]:
            return False
        t0 = time.perf_counter()
        arrays, manifest, files = self._collect()
        try:
            checkpoint.write(self.run.out, self.run.comm, self.seq, arrays, manifest, files)
        except CheckpointFailed as err:
            if str(err) not in self._failed:
                self._failed.add(str(err))
                self.run.warn(f"no checkpoint written: {err}")
            return False
        finally:
            self.seconds += time.perf_counter() - t0
            self._since = self.clock()
        self._written = (stepper.state.accepted_steps, recorder.rows)
        self.run.log.info(f"checkpoint {self.seq} at step {stepper.state.accepted_steps}, t = "
                          f"{stepper.state.time_s:.6g} s ({time.perf_counter() - t0:.2g} s)")
        self.seq += 1
        return True

    def _collect(self) -> tuple[dict[str, np.ndarray], dict | None, dict[str, str]]:
        run, stepper, recorder = self.run, self.stepper, self.recorder
        layout = checkpoint.mesh_layout(run.model.W)
        scalars, local = stepper.saved()
        arrays = {k: layout[k] for k in ("cells", "owned", "nodes", "x")}
        arrays.update({k: checkpoint.per_cell(v, layout["dofs"]) for k, v in local.items()})
        arrays.update(run.model.points.committed())
        if run.comm.rank != 0:
            return arrays, None, {}
        from solver.run import versions  # the run module imports this one

        saved_fields = self.fields.saved()
        texts = saved_fields.pop("texts")
        manifest = {
            "case": tomli_w.dumps(run.case.resolved),
            "versions": versions(),
            "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "dofs": run.n_dofs,
            "stepper": scalars,
            "recorder": {"rows": recorder.rows, "last": recorder.last,
                         "reference_thickness": recorder.reference_thickness,
                         "warned": sorted(recorder.warned)},
            "run": {"warnings": list(run.warnings),
                    "ranges_reported": sorted(list(r) for r in run.ranges.reported)},
            "series": {"rows": recorder.rows, "bytes": self.series.size()},
            "fields": {**saved_fields, "segments": len(texts)},
            "restarts": self.restarts,
        }
        files = {f"fields-{k}.xdmf": text for k, text in enumerate(texts)}
        return arrays, manifest, files

    def completed(self) -> None:
        """The run completed: its checkpoints are of no further use (rank 0 removes them)."""
        if self.run.comm.rank == 0:
            import shutil

            shutil.rmtree(Path(self.run.out) / checkpoint.DIRECTORY, ignore_errors=True)
