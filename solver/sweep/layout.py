"""The directory of a sweep: the spec and base case copied in, and one run directory per point.

::

    DIR/sweep.toml            the spec, as given
    DIR/base.toml             the base case, as given: every point runs from this copy, so an
                              edit of the original cannot change points still to run
    DIR/points.csv            index, name and varied values of every point
    DIR/points/NAME/          a run directory per point: case.toml (its resolved case, written
                              before it runs), the run's files, ssb.out (its terminal output)
    DIR/sweep.csv, sweep.png  the collected table and plot (solver/sweep/collect.py)
    DIR/slurm_array.sh, DIR/run_all.sh    the scripts of ``--slurm`` (solver/sweep/scripts.py)

A point whose ``summary.json`` says ``completed`` is finished and skipped. A directory holding
a finished point of a different case (the spec or base changed) is refused, so one sweep
directory never mixes two sweeps.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from pathlib import Path

import tomli_w

import solver
from solver.sweep.spec import Point, Sweep, SweepError, toml_literal, value_text

OUTPUT = "ssb.out"
"""A point's terminal output (standard output and error of its run)."""


def source_checkout() -> Path | None:
    """The source tree this ``solver`` package is imported from, if it is one (not installed).

    A point's run imports the same code as the sweep that started it: from a checkout, that
    tree goes first on the run's ``PYTHONPATH`` (an installed package needs nothing).
    """
    root = Path(solver.__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() else None


def run_environment() -> dict[str, str]:
    """The environment of a point's run: this one, one OpenMP thread unless set, this code."""
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    root = source_checkout()
    if root is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    return env


def find_mpirun() -> str | None:
    """The ``mpirun`` of the Python environment that runs the sweep, else the first on PATH.

    A system ``mpirun`` of another MPI cannot start ranks of the wheel's MPICH (README, MPI).
    """
    beside = Path(sys.executable).parent / "mpirun"
    if beside.is_file():
        return str(beside)
    return shutil.which("mpirun")


def last_line(path: Path) -> str:
    """The last non-empty line of a text file ('' if none or unreadable)."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return next((line.strip() for line in reversed(lines) if line.strip()), "")


def point_status(run_dir: Path) -> tuple[str, str, dict | None]:
    """(status, error, summary) of a point's run directory.

    ``completed`` / ``failed`` / ``interrupted`` from ``summary.json``; without it ``failed``
    when the output ends with the run's error line, ``not finished`` when the run started and
    has not ended (or was killed), ``not run`` otherwise. The error is the summary's message
    or the last line of the output.
    """
    try:
        summary = json.loads((run_dir / "summary.json").read_text())
    except (OSError, ValueError):
        summary = None
    if summary is not None:
        status = summary.get("status", "unknown")
        error = "" if status == "completed" else summary.get("message", "")
        return status, error, summary
    line = last_line(run_dir / OUTPUT)
    if line.startswith("ssb: error"):
        return "failed", line, None
    if line or (run_dir / "run.log").is_file():
        return "not finished", line, None
    return "not run", "", None


class SweepDir:
    """The sweep directory ``root`` of ``sweep``: paths, point commands and status."""

    def __init__(self, sweep: Sweep, root: str | Path):
        self.sweep, self.root = sweep, Path(root).resolve()
        self.base = self.root / "base.toml"

    def point_dir(self, point: Point) -> Path:
        """The run directory of ``point``."""
        return self.root / "points" / point.name

    def command(self, point: Point, ranks: int = 1, python: str = sys.executable,
                mpirun: str | None = None) -> list[str]:
        """``[mpirun -n R] python -m solver.cli run base.toml --out POINT ... --set ...``."""
        launch = []
        if ranks > 1:
            mpirun = mpirun or find_mpirun()
            if mpirun is None:
                raise SweepError("--ranks", f"got {ranks}; no mpirun beside {sys.executable} "
                                 "or on PATH")
            launch = [mpirun, "-n", str(ranks)]
        sets = [a for s in point.sets for a in ("--set", s)]
        return [*launch, python, "-m", "solver.cli", "run", str(self.base),
                "--out", str(self.point_dir(point)), "--overwrite", "--quiet", *sets]

    def spec_text(self) -> str:
        """Return the spec with its ranges written out and its base the copy beside it.

        The keys keep their order: it orders the points.
        """
        sweep = self.sweep
        lines = ["# The spec of this sweep, its base case copied beside it: ssb sweep "
                 "DIR/sweep.toml --out DIR", "# runs the points not finished yet.", "[sweep]",
                 'base = "base.toml"', f"name = {toml_literal(sweep.name)}",
                 f"combine = {toml_literal(sweep.combine)}",
                 f"collect = {toml_literal(list(sweep.collect))}", "", "[sweep.set]"]
        lines += [f"{toml_literal(k)} = {toml_literal(v)}" for k, v in sweep.fixed.items()]
        lines += ["", "[sweep.vary]"]
        lines += [f"{toml_literal(k)} = {toml_literal(v)}" for k, v in sweep.vary.items()]
        return "\n".join(lines) + "\n"

    def case_text(self, point: Point) -> str:
        """The resolved case of ``point``, as its run writes it to case.toml."""
        return tomli_w.dumps(point.case.resolved)

    def status(self, point: Point) -> tuple[str, str, dict | None]:
        """(status, error, summary) of ``point``: :func:`point_status`."""
        return point_status(self.point_dir(point))

    def finished(self, point: Point) -> bool:
        """Whether ``point`` completed (its summary.json says so): it is skipped."""
        return self.status(point)[0] == "completed"

    def prepare(self) -> None:
        """Write the spec, the base case, points.csv and each point's resolved case.

        Raises:
            SweepError: when a finished point in the directory ran a different case.

        """
        for point in self.sweep.points:
            case = self.point_dir(point) / "case.toml"
            if (self.finished(point) and case.is_file()
                    and case.read_text() != self.case_text(point)):
                raise SweepError("--out", f"'{self.root}' holds a finished point {point.index} "
                                 f"({point.name}) of a different case (the spec or its base "
                                 "changed); choose a new --out, or remove that point's directory")
        (self.root / "points").mkdir(parents=True, exist_ok=True)
        (self.root / "sweep.toml").write_text(self.spec_text())
        if self.sweep.base.resolve() != self.base:
            shutil.copyfile(self.sweep.base, self.base)
        with (self.root / "points.csv").open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["index", "name", *self.sweep.keys])
            for p in self.sweep.points:
                out.writerow([p.index, p.name, *(value_text(v) for v in p.values.values())])
        for point in self.sweep.points:
            if not self.finished(point):
                self.point_dir(point).mkdir(exist_ok=True)
                (self.point_dir(point) / "case.toml").write_text(self.case_text(point))
