"""Where a run writes: a new default directory, and a quiet terminal.

The default is ``runs/<case>-<UTC timestamp>``, so no run replaces another.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path


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
