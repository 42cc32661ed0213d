"""Stops and faults of a parallel run: a signal is an agreed stop, an exception ends every rank.

A rank that raises while the others wait in a collective (the next Newton solve) can never be
joined again, so it reports its own message and aborts the job (:func:`abort_on_fault`): no
collective call may follow an exception. A signal, in contrast, only sets a flag
(:class:`SignalWatch`); every rank compares the flags at the next accepted step
(:meth:`SignalWatch.check`, one allreduce), so all ranks stop at the same point, close their
files collectively and write the summary, whether the signal reached one rank or all of them.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
import traceback

WATCHED = (signal.SIGINT, signal.SIGTERM)
"""SIGTERM is what a scheduler sends at the time limit; SIGINT is Ctrl-C."""

ABORT_DELAY_S = 0.5
"""Time for mpirun to forward a failing rank's message: MPI_Abort may drop unread output."""


def one_line(text: str) -> str:
    """Escape newlines and other control characters, so an error stays on one line.

    The input chooses the keys and paths an error names; they may hold any character.
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def exit_code(signum: int) -> int:
    """Return 128 + the signal number (130, 143): the shell convention for a signalled process."""
    return 128 + signum


class Interrupted(Exception):
    """Raised on every rank together when any rank received a watched signal."""

    def __init__(self, signum: int):
        self.signum = signum
        self.name = signal.Signals(signum).name
        self.exit_code = exit_code(signum)
        super().__init__(f"interrupted by {self.name}")


class SignalWatch:
    """Turn SIGINT and SIGTERM into a flag for the duration of a ``with`` block.

    The handler only records the signal: the run stops at the next accepted step, where
    :meth:`check` agrees on it across ranks. Repeated signals are ignored (a scheduler may
    deliver SIGTERM both directly and through ``mpirun``); SIGKILL ends a run at once, and the
    fields written up to the last snapshot stay readable.
    """

    def __init__(self):
        self.signum = 0
        self._previous: dict[int, object] = {}

    def __enter__(self) -> SignalWatch:
        for sig in WATCHED:
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    def rearm(self) -> None:
        """Install the handlers again: gmsh resets SIGTERM to its default action while meshing."""
        for sig in self._previous:
            signal.signal(sig, self._handle)

    @contextlib.contextmanager
    def around_gmsh(self):
        """Keep the watch through meshing.

        ``gmsh.initialize`` resets SIGTERM to its default action (the process would die at
        once), so gmsh is initialised here, the handlers installed again after it, and gmsh
        finalised at the end if it was started here.
        """
        import gmsh

        owns = not gmsh.isInitialized()
        if owns:
            gmsh.initialize(readConfigFiles=False, interruptible=False)
        self.rearm()
        try:
            yield
        finally:
            if owns:
                gmsh.finalize()
            self.rearm()

    def _handle(self, signum: int, frame) -> None:
        if not self.signum:
            self.signum = signum

    def check(self, comm) -> None:
        """Raise :class:`Interrupted` on every rank if any rank was signalled (collective)."""
        self.rearm()
        from mpi4py import MPI

        agreed = comm.allreduce(self.signum, op=MPI.MAX)
        if agreed:
            raise Interrupted(agreed)


class RootError(Exception):
    """An error of rank 0 raised on every rank (:func:`on_root`); ``user`` marks bad input."""

    def __init__(self, message: str, user: bool):
        super().__init__(message)
        self.user = user


def on_root(comm, fn, user_errors: tuple[type[BaseException], ...] = ()):
    """Call ``fn()`` on rank 0 only and give every rank its result, or raise its error on all.

    Whatever ``fn`` raises, even a bug, is broadcast as :class:`RootError` (``user`` when it is
    one of ``user_errors``), so no rank is left waiting for rank 0 in the broadcast. A
    traceback is printed on rank 0 for errors that are neither user errors nor OSError.
    """
    outcome = None
    if comm.rank == 0:
        try:
            outcome = (True, fn())
        except Exception as err:
            user = isinstance(err, user_errors)
            if not user and not isinstance(err, OSError):
                traceback.print_exception(err, file=sys.stderr)
            outcome = (False, (str(err) if user else f"{type(err).__name__}: {err}", user))
    ok, value = comm.bcast(outcome, root=0)
    if not ok:
        raise RootError(*value)
    return value


def fault_message(err: BaseException, rank: int) -> str:
    """One line: the rank and the error; an OSError (full disk, read-only file) names its file."""
    return f"error on rank {rank}: {type(err).__name__}: {err}"


def abort_on_fault(comm, err: BaseException, cleanup=None) -> int:
    """Report an exception of this rank and end every rank; returns the exit status (serial).

    The one-line message comes first, then a traceback for errors other than OSError (those
    are faults of the system, not of the solver). ``cleanup`` (local operations only) runs
    before the abort, which waits a moment so that mpirun forwards the message before it
    tears the job down.
    """
    print(f"ssb: {fault_message(err, comm.rank)}", file=sys.stderr, flush=True)
    if not isinstance(err, OSError):
        traceback.print_exception(err, file=sys.stderr)
        sys.stderr.flush()
    if cleanup is not None:
        try:
            cleanup()
        except Exception as second:  # the fault may also stop the cleanup (a full disk)
            print(f"ssb: cleanup after the error failed: {second}", file=sys.stderr, flush=True)
    if comm.size > 1:
        time.sleep(ABORT_DELAY_S)
        comm.Abort(1)
    return 1
