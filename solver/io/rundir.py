"""The run directory: checked before anything is written, owned by one run through a lock file.

A directory that already holds files is refused unless the user passes ``--overwrite``, which
removes the outputs of the earlier run (never other files, and never the case file being run),
so one directory never mixes two runs. The lock file is created atomically (``O_EXCL``, which
also holds on NFS and Lustre, where HDF5's own file locking is often disabled) and names the
host and process that own the directory; it is removed when the run ends, and a lock left by a
killed run on this host is recognised as stale and taken over with ``--overwrite``. Without ``--out`` a run gets a new directory,
``runs/<case>-<UTC timestamp>``, so no run replaces another.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import time
from pathlib import Path

from solver.faults import one_line

LOCK = ".ssb.lock"
OUTPUTS = ("case.toml", "series.csv", "summary.json", "summary.json.tmp", "run.log",
           "stack_pressure.png", "fields", "checkpoint")
"""What a run writes; ``--overwrite`` removes these and nothing else."""


class RunDirError(ValueError):
    """An unusable ``--out``: the message names the option, the path and what to do."""

    def __init__(self, message: str):
        super().__init__(one_line(message))


class RunDirectory:
    """An output directory owned by this process until :meth:`release`."""

    def __init__(self, path: Path, lock_text: str):
        self.path = path
        self._lock_text = lock_text

    def release(self) -> None:
        """Remove the lock if it is still this run's (idempotent)."""
        lock = self.path / LOCK
        with contextlib.suppress(OSError):
            if lock.read_text() == self._lock_text:
                lock.unlink()


def claim(out: str, case_path: Path, overwrite: bool = False) -> RunDirectory:
    """Validate ``--out``, create it, lock it and clear an earlier run's outputs if allowed.

    Raises:
        RunDirError: with a one-line message naming ``--out``.

    """
    if not out.strip():
        raise RunDirError(f"--out: got {out!r}; expected a directory path")
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise RunDirError(f"--out: got '{out}'; it exists and is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise RunDirError(f"--out: cannot create directory '{out}': {_reason(err)}") from None
    lock_text = _lock(path, out, overwrite)
    run_dir = RunDirectory(path, lock_text)
    try:
        _clear(path, out, Path(case_path), overwrite)
    except BaseException:
        run_dir.release()
        raise
    return run_dir


def claim_existing(out: str) -> RunDirectory:
    """Lock the directory of an earlier run to continue it (``--restart``); nothing is removed.

    A lock that a killed run left on this host is taken over; a live run's is refused.

    Raises:
        RunDirError: with a one-line message naming ``--restart``.

    """
    path = Path(out)
    if not out.strip() or not path.is_dir():
        raise RunDirError(f"--restart: got '{out}'; expected the directory of an earlier run")
    return RunDirectory(path, _lock(path, out, overwrite=True, option="--restart"))


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


def _lock(path: Path, out: str, overwrite: bool, option: str = "--out") -> str:
    """Create the lock file; returns its content (host and pid of this process)."""
    text = f"{socket.gethostname()} {os.getpid()}\n"
    lock = path / LOCK
    for attempt in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(lock)
            if attempt == 0 and overwrite and holder is not None and _is_stale(holder):
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()
                continue
            raise RunDirError(_in_use(out, lock, holder, option)) from None
        except OSError as err:
            raise RunDirError(f"{option}: cannot write in '{out}': {_reason(err)}") from None
        try:
            os.write(fd, text.encode())
        except OSError as err:
            raise RunDirError(f"{option}: cannot write in '{out}': {_reason(err)}") from None
        finally:
            os.close(fd)
        return text
    raise AssertionError("unreachable")


def _holder(lock: Path) -> tuple[str, int] | None:
    try:
        host, pid = lock.read_text().split()
        return host, int(pid)
    except (OSError, ValueError):
        return None


def _is_stale(holder: tuple[str, int]) -> bool:
    """Tell whether the lock's process is known to be gone (it ran on this host and ended)."""
    host, pid = holder
    if host != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by another user
        return False
    return False


def _in_use(out: str, lock: Path, holder: tuple[str, int] | None, option: str = "--out") -> str:
    if holder is not None and _is_stale(holder):
        return (f"{option}: '{out}' holds the lock of a run that did not end cleanly (pid "
                f"{holder[1]} on {holder[0]}, no longer running); pass --overwrite to replace it")
    who = f"pid {holder[1]} on {holder[0]}" if holder else "unknown owner"
    return (f"{option}: '{out}' is in use by another run ({who}); wait for it, or remove {lock} "
            "if that run has ended")


def _clear(path: Path, out: str, case_path: Path, overwrite: bool) -> None:
    """Refuse a directory with earlier files, or with ``overwrite`` remove the run outputs."""
    entries = sorted(e.name for e in path.iterdir() if e.name != LOCK)
    if not entries:
        return
    if not overwrite:
        shown = ", ".join(entries[:4]) + (", ..." if len(entries) > 4 else "")
        raise RunDirError(f"--out: '{out}' is not empty ({shown}); choose a new directory or "
                          "pass --overwrite to replace the run in it")
    case = case_path.resolve()
    for name in OUTPUTS:
        target = (path / name).resolve()
        if case == target or target in case.parents:
            raise RunDirError(f"--out: '{out}' would overwrite the case file being run "
                              f"({case_path}); choose another --out")
    for name in OUTPUTS:
        target = path / name
        try:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
        except OSError as err:
            raise RunDirError(
                f"--out: cannot remove the earlier '{target}': {_reason(err)}") from None


def write_summary(path: Path, summary: dict) -> None:
    """Write ``summary.json`` atomically: a reader sees the whole summary or none."""
    tmp = Path(path) / "summary.json.tmp"
    tmp.write_text(json.dumps(summary, indent=2))
    os.replace(tmp, Path(path) / "summary.json")


def default_run_dir(case_name: str, comm, root: Path = Path("runs")) -> Path:
    """A run directory that does not exist yet, the same on every rank of ``comm``.

    The name is ``<case>-<YYYYmmdd-HHMMSS>`` (UTC); a second run started within the same second
    gets ``-2``, ``-3``, ... appended. Rank 0 picks it and broadcasts it.
    """
    path = None
    if comm.rank == 0:
        stem = f"{case_name}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"
        path, n = root / stem, 1
        while path.exists():
            n += 1
            path = root / f"{stem}-{n}"
    return Path(comm.bcast(str(path) if path is not None else None, root=0))


def silence_terminal(log: logging.Logger) -> None:
    """Drop the terminal handler of a run's logger; its run.log file handler stays."""
    for handler in list(log.handlers):
        if not isinstance(handler, logging.FileHandler):
            log.removeHandler(handler)
