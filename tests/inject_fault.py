"""Run ``ssb`` with a fault injected on one rank: ``python tests/inject_fault.py RANK KIND ARGS``.

KIND ``raise``: a RuntimeError on rank RANK at the third accepted step, while the other ranks go
on into the next Newton solve. KIND ``enospc``: ``series.csv`` (written by rank 0) fails with
"No space left on device" after its second row, as on a full disk or an exhausted quota.
KIND ``sigterm:N``: SIGTERM to rank RANK itself as accepted step N is recorded (``sigterm:set``:
as a protocol step sets its pressure), a signal at a step chosen exactly; ``sigkill:N``: SIGKILL
to rank RANK once the row of step N is written (a kill that no handler sees).
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mpi4py import MPI

import solver.cli
import solver.io.series
import solver.run


def _raise_at_step_3(rank: int) -> None:
    record = solver.run._Recorder.__call__

    def call(self, state, event):
        if MPI.COMM_WORLD.rank == rank and state.accepted_steps == 3:
            raise RuntimeError("injected fault")
        record(self, state, event)

    solver.run._Recorder.__call__ = call


def _signal_at(rank: int, when: str, signum: int) -> None:
    record = solver.run._Recorder.__call__
    sent = []

    def call(self, state, event):
        due = ("fixture set" in event) if when == "set" else state.accepted_steps == int(when)
        due = due and MPI.COMM_WORLD.rank == rank and not sent
        if due and signum == signal.SIGTERM:
            sent.append(True)
            os.kill(os.getpid(), signum)  # caught: the run stops after this row
        record(self, state, event)
        if due and signum == signal.SIGKILL:
            os.kill(os.getpid(), signum)

    solver.run._Recorder.__call__ = call


def _full_disk_after_two_rows() -> None:
    write = solver.io.series.SeriesWriter.write

    def full(self, row):
        self.rows_written = getattr(self, "rows_written", 0) + 1
        if self._file and self.rows_written > 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.path))
        write(self, row)

    solver.io.series.SeriesWriter.write = full


if __name__ == "__main__":
    rank, kind = int(sys.argv[1]), sys.argv[2]
    if kind == "raise":
        _raise_at_step_3(rank)
    elif kind.startswith(("sigterm:", "sigkill:")):
        name, when = kind.split(":", 1)
        _signal_at(rank, when, signal.SIGTERM if name == "sigterm" else signal.SIGKILL)
    elif kind == "enospc":
        _full_disk_after_two_rows()
    else:
        raise SystemExit(f"unknown fault {kind!r}")
    sys.exit(solver.cli.main(sys.argv[3:]))
