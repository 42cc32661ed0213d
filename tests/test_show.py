"""``ssb show`` draws a field picture off-screen; ``ssb mesh`` writes a case's mesh."""

from __future__ import annotations

import subprocess
import sys

import meshio
import numpy as np
import pytest
import tomli_w
from dolfinx import io
from mpi4py import MPI

from solver.case import validate
from solver.run import Run
from solver.show import render
from tests.conftest import stack_doc

pv = pytest.importorskip("pyvista")
SSB = [sys.executable, "-m", "solver.cli"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("show")
    doc = stack_doc(output={"field_formats": ["xdmf"], "fields_every": 1})
    Run(validate(doc), out, MPI.COMM_SELF).execute()
    return out


def _pixels(png) -> np.ndarray:
    from matplotlib.image import imread

    return imread(png)[..., :3]


@pytest.mark.parametrize("field", ["von_mises_MPa", "displacement_mm", "region"])
def test_show_writes_a_picture(run_dir, tmp_path, field):
    png = render(run_dir, tmp_path / f"{field}.png", field=field, time_h=0.02)
    assert png.is_file()
    pixels = _pixels(png)
    assert pixels.shape[:2] == (640, 1600)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20  # drawn, not a blank window


def test_show_cli_and_its_errors(run_dir, tmp_path):
    png = tmp_path / "anode.png"
    proc = subprocess.run([*SSB, "show", str(run_dir), "--region", "anode", "--out", str(png)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert png.is_file()
    proc = subprocess.run([*SSB, "show", str(run_dir), "--field", "theta"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "no field 'theta'" in proc.stderr and "von_mises_MPa" in proc.stderr
    proc = subprocess.run([*SSB, "show", str(tmp_path)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2 and "fields.xdmf" in proc.stderr


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(tomli_w.dumps(stack_doc()))
    return path


def _mesh(case_file, out):
    proc = subprocess.run([*SSB, "mesh", str(case_file), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def test_mesh_msh_keeps_the_named_groups(case_file, tmp_path):
    text = _mesh(case_file, tmp_path / "stack.msh").read_text()
    for name in ("cathode", "separator", "anode", "plunger_face", "anode_separator_interface"):
        assert f'"{name}"' in text


def test_mesh_vtu_has_the_region_of_every_cell(case_file, tmp_path):
    mesh = meshio.read(_mesh(case_file, tmp_path / "stack.vtu"))
    assert [c.type for c in mesh.cells] == ["triangle"]
    assert set(np.unique(mesh.cell_data["region"][0])) == {1, 2, 3}


def test_mesh_xdmf_reads_back_with_named_tags(case_file, tmp_path):
    path = _mesh(case_file, tmp_path / "stack.xdmf")
    with io.XDMFFile(MPI.COMM_SELF, str(path), "r") as xdmf:
        mesh = xdmf.read_mesh()
        tags = xdmf.read_meshtags(mesh, "layers")
        assert xdmf.read_information("layers") == "1 cathode, 2 separator, 3 anode"
    assert set(np.unique(tags.values)) == {1, 2, 3}
    assert tags.indices.size == mesh.topology.index_map(2).size_local


def test_mesh_refuses_an_unknown_suffix(case_file, tmp_path):
    proc = subprocess.run([*SSB, "mesh", str(case_file), "--out", str(tmp_path / "a.stl")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and ".msh, .xdmf, .vtu" in proc.stderr


def test_show_draws_a_3d_stack(tmp_path):
    doc = stack_doc(output={"field_formats": ["xdmf"]})
    doc["geometry"]["mode"] = "3d"
    Run(validate(doc), tmp_path / "run", MPI.COMM_SELF).execute()
    png = render(tmp_path / "run", tmp_path / "vm.png")
    assert len(np.unique(_pixels(png).reshape(-1, 3), axis=0)) > 20


def test_colour_range_of_uniform_and_round_off_fields():
    from solver.show import _colour_range, _is_uniform

    assert _is_uniform(np.full(5, 0.162)) and not _is_uniform(np.array([0.0, 1.0]))
    lo, hi = _colour_range(np.full(5, 0.162))
    assert lo < 0.162 < hi  # a bar that reads the one value
    assert _colour_range(np.array([1.45e-17, 14.9])) == (0.0, 14.9)


def test_show_reads_the_file_the_writer_writes():
    import solver.io.fields
    import solver.show

    assert solver.show.FIELDS_FILE == solver.io.fields.FIELDS_FILE
