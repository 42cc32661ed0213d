"""The run's field file opens in a real ParaView (pvpython) as one grid with every field,
every time step and the region names; the check script is ``tests/pvpython/open_fields.py``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from mpi4py import MPI

from solver.case import validate
from solver.run import Run
from tests.conftest import stack_doc

OPEN_FIELDS = Path(__file__).resolve().parent / "pvpython" / "open_fields.py"
PVPYTHON = shutil.which("pvpython")


def _describe(files: list[Path]) -> dict[str, str]:
    proc = subprocess.run(
        [PVPYTHON, "--force-offscreen-rendering", str(OPEN_FIELDS), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith(str(files[0])))
    return dict(item.split("=", 1) for item in line.split()[1:])


@pytest.mark.skipif(PVPYTHON is None, reason="pvpython not installed (apt-get install paraview)")
def test_one_field_file_opens_in_paraview(shared_dir):
    doc = stack_doc(output={"field_formats": ["xdmf"], "fields_every": 1})
    summary = Run(validate(doc), shared_dir, MPI.COMM_WORLD).execute()
    assert summary["fields"] == ["fields.xdmf", "fields_data.h5"]
    seen = _describe([(shared_dir / "fields" / "fields.xdmf").resolve()])
    assert seen["type"] == "vtkUnstructuredGrid"  # one grid, not a block per field
    assert int(seen["cells"]) > 0
    assert int(seen["times"]) == summary["stepper"]["accepted_steps"] + 1
    assert seen["point"].split(",") == ["displacement_mm"]
    assert {"von_mises_MPa", "axial_stress_MPa", "hydrostatic_stress_MPa", "region"} <= set(
        seen["cell"].split(","))
    assert set(seen["field"].split(",")) == {"cathode=1", "separator=2", "anode=3"}
