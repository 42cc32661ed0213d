"""The gmsh builders as scripts in meshes/, and the reference mesh they must reproduce."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import meshio
import numpy as np
from dolfinx import io
from mpi4py import MPI

from solver.geometry import LayerSpec, build_die_stack

MESHES = Path(__file__).resolve().parents[1] / "meshes"
REFERENCE = MESHES / "reference" / "die_stack_3_layers.msh"
LAYERS = ["cathode:80:40", "separator:600:300", "anode:380:190"]


def _script(name: str, *args: str) -> None:
    proc = subprocess.run([sys.executable, str(MESHES / name), *args], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]


def _cells_by_region(mesh: meshio.Mesh) -> dict[int, int]:
    tags = np.concatenate([d for c, d in zip(mesh.cells, mesh.cell_data["gmsh:physical"],
                                             strict=True) if c.type == "triangle"])
    return {int(t): int(n) for t, n in zip(*np.unique(tags, return_counts=True), strict=True)}


def test_die_stack_script_reproduces_the_reference_mesh(tmp_path):
    out = tmp_path / "stack.msh"
    args = [a for layer in LAYERS for a in ("--layer", layer)]
    _script("die_stack.py", *args, "--diameter-mm", "10", "--radial-size-um", "2500",
            "--out", str(out))
    new, ref = meshio.read(out), meshio.read(REFERENCE)
    assert _cells_by_region(new) == _cells_by_region(ref) == {1: 8, 2: 8, 3: 8}
    assert np.allclose(np.sort(new.points, axis=0), np.sort(ref.points, axis=0))
    assert set(ref.field_data) >= {"cathode", "separator", "anode", "plunger_face"}


def test_the_solver_mesh_is_the_reference_mesh():
    layers = [LayerSpec("cathode", 0.08, 0.04), LayerSpec("separator", 0.6, 0.3),
              LayerSpec("anode", 0.38, 0.19)]
    stack = build_die_stack(MPI.COMM_SELF, layers, 5.0, "axisymmetric", 2.5)
    ref = meshio.read(REFERENCE)
    assert stack.mesh.topology.index_map(2).size_global == sum(_cells_by_region(ref).values())
    assert stack.mesh.geometry.index_map().size_global == len(ref.points)


def test_sphere_script_writes_named_tags(tmp_path):
    out = tmp_path / "sphere.xdmf"
    _script("sphere.py", "--radius-mm", "1", "--size-mm", "0.25", "--out", str(out))
    with io.XDMFFile(MPI.COMM_SELF, str(out), "r") as xdmf:
        mesh = xdmf.read_mesh()
        assert xdmf.read_meshtags(mesh, "regions").values.size > 0
        assert xdmf.read_information("regions") == "1 particle"
