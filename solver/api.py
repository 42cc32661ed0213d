"""The Python API, for notebooks and scripts: load a case, run it, read its results.

::

    from solver import api

    case = api.load_case("cases/li_full_cell_fixed_gap.toml",
                         {"fixture.preload_MPa": 3.0, "output.field_formats": []})
    result = api.run(case, "runs/fg_3MPa", quiet=True)
    result.series["stack_pressure_MPa"]      # numpy array, one value per accepted step
    result.final["stack_pressure_MPa"]       # the last row, as a dict
    result.dataframe()                       # the series as a pandas DataFrame (if installed)
    result.plot("pressure.png")              # the per-step pressure plot, measured points too
    result.show("von_mises_MPa").show()      # a pyvista picture of a field (viz extra)
    again = api.open_run("runs/fg_3MPa")     # the same Result from a finished run directory
    api.run(case, "runs/fg_3MPa", restart=True)  # continue a stopped run from its checkpoint

``load_case`` takes the same dotted keys as ``ssb run --set`` and raises
:class:`solver.case.CaseError` naming the key on bad input. ``run`` runs on the MPI
communicator given (default: every rank of ``mpirun``; serial otherwise).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from solver.case import Case, CaseError
from solver.case.load import validate_overrides
from solver.io.series import read_series

__all__ = ["Case", "CaseError", "Result", "load_case", "open_run", "run"]


def load_case(path: str | Path, overrides: dict[str, Any] | None = None) -> Case:
    """Read and validate a case file, with ``{"dotted.key": value}`` overrides applied.

    Raises:
        CaseError: for a missing or invalid file, or an invalid key or value.

    """
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise CaseError("", f"case file not found: {path}") from None
    except tomllib.TOMLDecodeError as err:
        raise CaseError("", f"{path} is not valid TOML: {err}") from None
    return validate_overrides(doc, [(key.split("."), value)
                                    for key, value in (overrides or {}).items()])


@dataclass(frozen=True)
class Result:
    """A finished run: its directory, summary and series (one row per accepted step)."""

    directory: Path
    summary: dict[str, Any]

    @property
    def status(self) -> str:
        """'completed' or 'failed' (then ``summary['message']`` says why)."""
        return self.summary["status"]

    @property
    def final(self) -> dict[str, Any]:
        """The last row of the series."""
        return self.summary["final"]

    @property
    def series(self) -> dict[str, np.ndarray]:
        """Every ``series.csv`` column as an array: floats (NaN where empty), or strings."""
        return {name: _array(values) for name, values in
                read_series(self.directory / "series.csv").items()}

    def dataframe(self):
        """The series as a pandas DataFrame (``pip install pandas``)."""
        try:
            import pandas
        except ImportError as err:
            raise ImportError("Result.dataframe needs pandas (pip install pandas); "
                              "Result.series has the same columns as numpy arrays") from err
        return pandas.read_csv(self.directory / "series.csv")

    def plot(self, out: str | Path, y: str = "stack_pressure_MPa") -> Path:
        """The per-protocol-step plot of column ``y`` with the case's measured points."""
        from solver.io.plots import pressure_plot

        return pressure_plot({self.summary["case"]: self.directory}, Path(out), y)

    def show(self, field: str = "von_mises_MPa", time_h: float | None = None, **kwargs):
        """A pyvista Plotter of ``field`` (see :func:`solver.show.plot_field`)."""
        from solver.show import plot_field

        return plot_field(self.directory, field, time_h, **kwargs)


def _array(values: list) -> np.ndarray:
    if all(v is None or isinstance(v, float) for v in values):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    return np.array(["" if v is None else str(v) for v in values])


def run(case: Case, out: str | Path | None = None, quiet: bool = False, comm=None,
        restart: bool = False) -> Result:
    """Run ``case`` into ``out`` (default: a new ``runs/<case>-<timestamp>``).

    ``restart=True`` continues the stopped run in ``out`` from its last checkpoint, as
    ``ssb run CASE --restart OUT`` does: ``case`` must be the case it was started with (only
    ``output.*`` keys may differ), else :class:`solver.io.checkpoint.CheckpointError` names the
    first key that differs.
    """
    from mpi4py import MPI

    from solver.faults import RootError, on_root
    from solver.io.checkpoint import CheckpointError
    from solver.io.rundir import RunDirError, default_run_dir, silence_terminal
    from solver.run import Run

    comm = comm or MPI.COMM_WORLD
    if restart and out is None:
        raise ValueError("run(restart=True) needs out, the directory of the stopped run")
    out = Path(out) if out is not None else default_run_dir(case.name, comm)
    lock, manifest = None, None
    if restart:
        from solver.restart import claim_restart

        try:
            lock, manifest = on_root(comm, lambda: claim_restart(str(out), case),
                                     (RunDirError, CheckpointError))
        except RootError as err:  # the same error on every rank
            raise CheckpointError(str(err)) from None
    if getattr(case, "spec", None) is not None:  # an interface case
        if restart:
            raise ValueError("run(restart=True): an interface case writes no checkpoints yet")
        from solver.interface_case_run import InterfaceRun

        out = Path(out)
        job = InterfaceRun(case, out, comm)
        if quiet:
            silence_terminal(job.log)
        return Result(out, job.execute())
    try:
        job = Run(case, out, comm, restart=manifest)
        if quiet:
            silence_terminal(job.log)
        return Result(out, job.execute())
    finally:
        if lock is not None and comm.rank == 0:
            lock.release()


def open_run(directory: str | Path) -> Result:
    """The :class:`Result` of a finished run directory (its summary.json and series.csv)."""
    directory = Path(directory)
    summary = directory / "summary.json"
    if not summary.is_file():
        raise FileNotFoundError(f"no {summary}: not a finished run directory")
    return Result(directory, json.loads(summary.read_text()))
