"""Run a shipped case in a subprocess (so each run has its own MPI/PETSc state) and read its
series; shared by the validation and demonstration scripts in this directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from solver.io.series import read_series  # noqa: E402


def run_case(case_file: str, out: Path, *sets: str) -> dict:
    """``ssb run cases/<case_file> --out OUT --overwrite --set ...``; the series of the run
    (a script re-run replaces its earlier runs)."""
    cmd = [sys.executable, "-m", "solver.cli", "run", str(ROOT / "cases" / case_file),
           "--out", str(out), "--overwrite"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return read_series(out / "series.csv")
