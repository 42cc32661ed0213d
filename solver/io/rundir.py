"""The default run directory: ``runs/<case name>-<UTC timestamp>``, so no run replaces another."""

from __future__ import annotations

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
