"""Restart from a checkpoint: the continued run writes the uninterrupted run's series.csv.

The case creeps and charges: a Li anode under a spring, plating into it and swelling the
cathode, then a hold at a new pressure (a preload, a pressure set inside the protocol, two
creep transients with growing steps). A real SIGTERM stops it at a chosen accepted step
(``tests/inject_fault.py``), ``ssb run CASE --restart DIR`` continues it, and its
``series.csv`` is compared byte for byte with that of the run that was not stopped, on 1 rank
and on 2. The fields are compared too: the same snapshot times in ``fields.xdmf``, with the
same bits in every array.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import tomli_w

from solver.io import checkpoint
from solver.io.series import read_series
from solver.restart import case_difference
from tests.conftest import stack_doc
from tests.probes import INJECT, command, one_line, run

CASE = stack_doc(
    regions__anode={"material": "li"},  # with creep
    fixture={"type": "spring", "preload_MPa": 5.0, "spring_stiffness_N_per_mm": 2000.0},
    protocol=[{"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 0.05},
              {"step": "hold", "duration_h": 0.05, "pressure_MPa": 3.0}],
    # loose creep error control and fast growth: 34 steps, enough to stop in either step
    numerics={"element_degree": 1, "dt_initial_s": 0.01, "dt_max_s": 30.0, "dt_growth": 2.0,
              "creep_error_tolerance": 5.0},
    output={"field_formats": ["xdmf"], "fields_every": 5, "checkpoint_every_steps": 4},
)
ROWS = 36  # the preload, 17 charge steps, the pressure set, 17 hold steps


class Runs:
    """The case file, its uninterrupted runs and its stopped runs, each made once, when first
    asked for (the tests copy a stopped run before restarting it)."""

    def __init__(self, root):
        self.root = root
        self.case = root / "case.toml"
        self.case.write_text(tomli_w.dumps(CASE))
        self._made = {}

    def reference(self, ranks: int):
        out = self.root / f"reference-{ranks}"
        if out not in self._made:
            proc = run(command(["run", str(self.case), "--out", str(out), "-q"], ranks),
                       timeout=300)
            assert proc.returncode == 0, proc.stderr[-2000:]
            self._made[out] = True
        return out

    def stopped(self, ranks: int, rank: int, when: str, into):
        """A copy in ``into`` of the run stopped by SIGTERM to ``rank`` at step ``when``."""
        out = self.root / f"stopped-{ranks}-{rank}-{when}"
        if out not in self._made:
            _stop(ranks, rank, when, [str(self.case), "--out", str(out)])
            self._made[out] = True
        shutil.copytree(out, into)
        return into


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return Runs(tmp_path_factory.mktemp("restart"))


def _stop(ranks: int, rank: int, when: str, args: list[str], signal: str = "sigterm") -> None:
    """Run ``args`` with SIGTERM (or SIGKILL) sent to ``rank`` at accepted step ``when`` (or
    "set")."""
    proc = run(command([str(rank), f"{signal}:{when}", "run", *args, "-q"], ranks, [INJECT]),
               timeout=300)
    assert proc.returncode == (143 if signal == "sigterm" else -9), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def _restart(ranks: int, directory) -> dict:
    proc = run(command(["run", str(directory / "case.toml"), "--restart", str(directory), "-q"],
                       ranks), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads((directory / "summary.json").read_text())


def _fields(directory) -> dict:
    """(time, field) -> array, for every snapshot fields.xdmf lists (whatever .h5 holds it)."""
    import re

    h5py = pytest.importorskip("h5py")
    text = (directory / "fields" / "fields.xdmf").read_text()
    found = {}
    for time, grid in re.findall(r'<Time Value="([^"]+)" />(.*?)</Grid>', text, re.S):
        for name, ref in re.findall(r'<Attribute Name="([^"]+)"[^>]*>\s*<DataItem[^>]*'
                                    r'Format="HDF">([^<]+)</DataItem>', grid):
            file, path = ref.split(":")
            with h5py.File(directory / "fields" / file, "r") as h5:
                found[(time, name)] = h5[path][...]
    return found


def _same_fields(a, b) -> None:
    fa, fb = _fields(a), _fields(b)
    assert fa.keys() == fb.keys() and len(fa) > 10
    assert [k for k in fa if not np.array_equal(fa[k], fb[k])] == []


def test_stopped_thrice_and_restarted_is_the_same_run_bit_for_bit(runs, tmp_path):
    """1 rank: stopped by SIGTERM inside the charge (step 9); restarted and killed (SIGKILL)
    after step 14, which leaves rows past the last checkpoint (step 12), a stale lock and the
    field file's XML; restarted and stopped just after the hold set its pressure; restarted
    again: four field-file segments, one series."""
    out = runs.stopped(1, 0, "9", tmp_path / "run")
    manifest = checkpoint.read_manifest(out)
    assert manifest["stepper"]["state"]["accepted_steps"] == 9  # the signal's, not the 8th's
    assert manifest["stepper"]["position"] == ["within", ""]
    _stop(1, 0, "14", [str(out / "case.toml"), "--restart", str(out)], "sigkill")
    assert (out / ".ssb.lock").exists() and len(read_series(out / "series.csv")["time_s"]) == 15
    assert checkpoint.read_manifest(out)["stepper"]["state"]["accepted_steps"] == 12
    _stop(1, 0, "set", [str(out / "case.toml"), "--restart", str(out)])
    assert checkpoint.read_manifest(out)["stepper"]["position"] == ["pressure_set", ""]
    summary = _restart(1, out)
    expected = runs.reference(1)
    assert (out / "series.csv").read_bytes() == (expected / "series.csv").read_bytes()
    assert len(read_series(out / "series.csv")["time_s"]) == ROWS
    _same_fields(out, expected)
    assert summary["status"] == "completed"
    assert [r["accepted_steps"] for r in summary["restarts"]] == [9, 12, 17]
    assert all(r["same_partition"] for r in summary["restarts"])
    assert summary["fields"] == ["fields.xdmf", "fields_data.h5", "fields_data.1.h5",
                                 "fields_data.2.h5", "fields_data.3.h5"]
    assert not (out / "checkpoint").exists()  # a completed run needs none


@pytest.mark.mpi
def test_restart_on_two_ranks_is_the_same_run_bit_for_bit(runs, tmp_path):
    """2 ranks, the signal sent to rank 1 only: both stop at step 14 and write the checkpoint
    together; the restart finds the same partition and continues bit for bit. (This mesh is
    small enough for MUMPS to factor it the same way in every run on 2 ranks; on a larger 3-D
    mesh its parallel factorisation varies in the last bits from run to run, README.)"""
    out = runs.stopped(2, 1, "14", tmp_path / "run")
    manifest = checkpoint.read_manifest(out)
    assert manifest["ranks"] == 2 and manifest["stepper"]["state"]["accepted_steps"] == 14
    summary = _restart(2, out)
    expected = runs.reference(2)
    assert (out / "series.csv").read_bytes() == (expected / "series.csv").read_bytes()
    _same_fields(out, expected)
    assert summary["restarts"][0]["same_partition"] is True


@pytest.mark.mpi
@pytest.mark.parametrize(("before", "after"), [(1, 2), (2, 1)])
def test_restart_on_another_rank_count_agrees_to_solver_tolerance(runs, tmp_path, before, after):
    """A checkpoint of 1 rank continued on 2, and of 2 on 1: the state is taken up exactly (by
    input cell, from the rank that owned it), what follows is a run on the new rank count, as
    close to the uninterrupted run as test_parallel requires of 1 and 2 ranks."""
    rank, step = {1: (0, "9"), 2: (1, "14")}[before]
    out = runs.stopped(before, rank, step, tmp_path / "run")
    summary = _restart(after, out)
    entry = summary["restarts"][0]
    assert (entry["accepted_steps"], entry["ranks_before"], entry["ranks"]) == (
        int(step), before, after)
    assert entry["same_partition"] is False
    for ranks in (before, after):
        a, b = read_series(runs.reference(ranks) / "series.csv"), read_series(out / "series.csv")
        assert len(a["time_s"]) == len(b["time_s"]) == ROWS
        for key, rel in (("time_s", 1e-7), ("stack_pressure_MPa", 1e-7),
                         ("stack_displacement_um", 1e-7), ("max_von_mises_MPa", 1e-7),
                         ("wall_force_N", 1e-6)):
            for x, y in zip(a[key], b[key], strict=True):
                assert y == pytest.approx(x, rel=rel, abs=1e-9), key


def test_restart_refuses_another_case_or_a_directory_without_checkpoint(runs, tmp_path, capsys):
    """One line naming the first key that differs (exit status 2), before anything is read or
    written; --out does not go with --restart; a directory needs a checkpoint."""
    from solver.cli import main

    out = runs.stopped(1, 0, "9", tmp_path / "run")
    before = (out / "series.csv").read_bytes()
    assert main(["run", str(out / "case.toml"), "--restart", str(out), "--set",
                 "fixture.spring_stiffness_N_per_mm=3000"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "fixture.spring_stiffness_N_per_mm" in line and "2000" in line and "3000" in line
    assert main(["run", str(runs.case), "--restart", str(out), "--out", str(tmp_path)]) == 2
    assert "--out" in one_line(capsys.readouterr().err)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["run", str(runs.case), "--restart", str(empty)]) == 2
    assert "no checkpoint" in one_line(capsys.readouterr().err)
    assert (out / "series.csv").read_bytes() == before
    assert not (out / ".ssb.lock").exists() and not (empty / ".ssb.lock").exists()


def test_case_difference_names_the_first_key():
    resolved = {"fixture": {"preload_MPa": 5.0}, "protocol": [{"step": "hold"}],
                "output": {"fields_every": 10}}
    saved = tomli_w.dumps(resolved)
    assert case_difference(saved, {**resolved, "output": {"fields_every": 1}}) is None
    assert case_difference(saved, {**resolved, "fixture": {"preload_MPa": 5}}) is None
    assert case_difference(saved, {**resolved, "fixture": {"preload_MPa": 3.0}}) == (
        "fixture.preload_MPa", 5.0, 3.0)
    assert case_difference(saved, {**resolved, "protocol": [{"step": "rest"}]}) == (
        "protocol.0.step", "hold", "rest")


def test_a_checkpoint_is_valid_only_when_its_manifest_is_written(tmp_path, monkeypatch):
    """A write that fails (a full disk) or is killed before the manifest leaves the previous
    checkpoint named and whole; the next good one removes what the failed one left."""
    from mpi4py import MPI

    comm = MPI.COMM_SELF
    arrays = {"cells": np.arange(4), "w": np.linspace(0.0, 1.0, 4)}
    checkpoint.write(tmp_path, comm, 0, arrays, {"note": "first"})
    real = checkpoint.write_atomic

    def full(path, data):
        if path.name == checkpoint.MANIFEST:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(checkpoint, "write_atomic", full)
    with pytest.raises(checkpoint.CheckpointFailed, match="No space left"):
        checkpoint.write(tmp_path, comm, 1, {**arrays, "w": -arrays["w"]}, {"note": "second"})
    monkeypatch.setattr(checkpoint, "write_atomic", real)
    manifest = checkpoint.read_manifest(tmp_path)
    assert manifest["note"] == "first" and manifest["seq"] == 0
    with np.load(tmp_path / "checkpoint" / manifest["directory"] / "rank-0.npz") as data:
        assert np.array_equal(data["w"], arrays["w"])
    checkpoint.write(tmp_path, comm, 2, arrays, {"note": "third"})
    assert sorted(p.name for p in (tmp_path / "checkpoint").iterdir()) == ["000002",
                                                                           "manifest.json"]


def test_checkpoints_fall_due_by_steps_and_by_wall_time():
    """Every N accepted steps (not twice at one step: a pressure set after it), and once M
    minutes of wall time have passed since the last one."""
    from types import SimpleNamespace

    from mpi4py import MPI

    from solver.restart import Checkpoints

    now = [0.0]
    output = SimpleNamespace(checkpoint_every_steps=4, checkpoint_every_min=30.0)
    run_ = SimpleNamespace(case=SimpleNamespace(output=output), comm=MPI.COMM_SELF)
    stepper = SimpleNamespace(state=SimpleNamespace(accepted_steps=3))
    points = Checkpoints(run_, stepper, SimpleNamespace(rows=4), None, None, clock=lambda: now[0])
    assert not points.due()
    stepper.state.accepted_steps = 4
    assert points.due()
    points._written = (4, 5)  # as write() leaves it
    assert not points.due()  # the row of a pressure set at step 4
    now[0] = 30 * 60.0 - 1.0
    stepper.state.accepted_steps = 5
    assert not points.due()
    now[0] = 30 * 60.0
    assert points.due()
