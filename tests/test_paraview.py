"""The written XDMF fields open in a real ParaView (pvpython) with all their time steps."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from mpi4py import MPI

from solver.case import validate
from solver.run import Run
from tests.conftest import stack_doc

PV_OPEN = Path(__file__).resolve().parents[2] / "shared" / "tools" / "pv_open.py"


@pytest.mark.skipif(shutil.which("pvpython") is None, reason="pvpython not installed (apt-get install paraview)")
@pytest.mark.skipif(not PV_OPEN.is_file(), reason="shared/tools/pv_open.py not beside the clone")
def test_fields_open_in_paraview(shared_dir):
    case = validate(stack_doc(output={"field_formats": ["xdmf"], "fields_every": 1}))
    summary = Run(case, shared_dir, MPI.COMM_WORLD).execute()
    files = [str((shared_dir / "fields" / f).resolve()) for f in summary["fields"]]
    proc = subprocess.run(
        ["pvpython", "--force-offscreen-rendering", str(PV_OPEN), *files],
        capture_output=True, text=True, timeout=300,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for line in proc.stdout.splitlines():
        if "times=" in line:
            assert int(line.rsplit("times=", 1)[1]) >= 2, line
