"""A meshed elastic die holder (``die.wall = "meshed"``) in unilateral contact with the stack.

* The section: the holder annulus and the contact strip have the volumes of their rectangles,
  and the strip shares the stack's wall nodes (the die wall is an interior facet group).
* Lame: an elastic layer pressed axially at constant pressure P with frictionless faces, in a
  holder of the stack's height standing frictionless on the base, is a uniform state in the
  layer and the generalised-plane-stress Lame field in the holder (sigma_zz = 0, uniform
  eps_zz: an exact 3-D solution). The radial displacements match at the bore:

      a (nu_s P - (1 - nu_s) q) / E_s = q a [(a^2 + b^2) / (b^2 - a^2) + nu_h] / E_h,

  so the contact pressure is q = nu_s P / (E_s C_h + 1 - nu_s), C_h the bracket over E_h,
  and the wall force q 2 pi a H, with the holder's bore at a + g (the strip of width g, closed,
  passes q a / (a + g) on; ignoring it is a 7e-4 miss here). The regularisation of the strip
  (1e-6 of the holder's modulus) and the penalty's penetration (~1e-6 of u_r) are below the
  measured floor; the mesh study is in the test's docstring.
* Bad holder keys are one-line errors naming the key.
"""

from __future__ import annotations

import math

import dolfinx
import numpy as np
import pytest
import ufl
from dolfinx import fem
from mpi4py import MPI

from solver import materials
from solver.case import CaseError, validate
from solver.geometry import LayerSpec, build_die_stack
from solver.geometry.die_stack import HolderSpec
from solver.io.series import read_series
from solver.run import Run
from tests.conftest import stack_doc

LAME_PRESSURE_MPA = 0.5
"""Small enough that the finite strain (1e-5 of the layer) does not hide the discretisation:
the relative miss is -2.0e-4, -1.1e-5, +8e-6 at 5, 0.5, 0.05 MPa (holder cells of 1 mm)."""

HOLDER_KEYS = {"die__wall": "meshed", "die__holder_material": "peek",
               "die__holder_outer_diameter_mm": 30.0}


def _integral(expr) -> float:
    return MPI.COMM_WORLD.allreduce(fem.assemble_scalar(fem.form(expr)), op=MPI.SUM)


def test_section_with_a_meshed_holder():
    """Volumes of revolution of the holder and the strip are exact; the stack's lateral
    facets are interior (shared with the strip), the holder's inner face beyond the stack and
    its outer face are free."""
    R, b, g, height = 5.0, 15.0, 0.002, 4.0
    layers = [LayerSpec("counter", 0.38, 0.095), LayerSpec("separator", 0.604, 0.15)]
    H = sum(layer.thickness_mm for layer in layers)
    stack = build_die_stack(MPI.COMM_WORLD, layers, R, "axisymmetric", 1.0,
                            holder=HolderSpec(b, height, 0.5, g))
    x = ufl.SpatialCoordinate(stack.mesh)
    dx = ufl.Measure("dx", domain=stack.mesh, subdomain_data=stack.cell_tags)
    two_pi_r = 2 * math.pi * x[0]
    holder = _integral(two_pi_r * dx(stack.hardware_regions["die_holder"]))
    strip = _integral(two_pi_r * dx(stack.hardware_regions["wall_gap"]))
    assert holder == pytest.approx(math.pi * (b**2 - (R + g) ** 2) * height, rel=1e-12)
    assert strip == pytest.approx(math.pi * ((R + g) ** 2 - R**2) * H, rel=1e-9)
    for layer in layers:
        volume = _integral(two_pi_r * dx(stack.cell_regions[layer.name]))
        assert volume == pytest.approx(math.pi * R**2 * layer.thickness_mm, rel=1e-12)
    mesh = stack.mesh
    mesh.topology.create_connectivity(1, 2)
    exterior = dolfinx.mesh.exterior_facet_indices(mesh.topology)
    wall = stack.facet_tags.find(stack.facet_regions["die_wall"])
    assert wall.size == 0 or np.intersect1d(wall, exterior).size == 0
    base = stack.facet_tags.find(stack.facet_regions["holder_base"])
    z = mesh.geometry.x[dolfinx.mesh.entities_to_geometry(mesh, 1, base).ravel(), 1]
    assert np.allclose(z, -(height - H) / 2)


def _lame_doc(holder_mesh_um: float, layer_mesh_um: float) -> dict:
    layers = {"separator": {"thickness_um": 600.0, "mesh_size_um": layer_mesh_um}}
    doc = stack_doc(geometry__stack=["separator"], geometry__layers=layers,
                    geometry__radial_mesh_size_um=1250.0,
                    regions={"separator": {"material": "li6ps5cl"}},
                    fixture={"type": "constant_pressure", "preload_MPa": LAME_PRESSURE_MPA},
                    protocol=[{"step": "rest", "duration_h": 1e-4}],
                    die__holder_height_mm=0.6, die__holder_mesh_size_um=holder_mesh_um,
                    **HOLDER_KEYS)
    doc.pop("electrochemistry")
    return doc


def _lame_wall_force(P: float, a: float, b: float, H: float, g: float) -> float:
    """q 2 pi a H; the holder's bore is a + g (the strip, closed, carries q a / (a + g))."""
    sep, peek = materials.get("li6ps5cl").elastic, materials.get("peek").elastic
    Es, nus = sep.youngs_modulus_MPa, sep.poisson_ratio
    Eh, nuh = peek.youngs_modulus_MPa, peek.poisson_ratio
    c = a + g
    C = ((c**2 + b**2) / (b**2 - c**2) + nuh) / Eh
    q = nus * P / (Es * C + 1.0 - nus)
    return q * 2.0 * math.pi * a * H


@pytest.mark.parametrize("holder_mesh_um", [1000.0])
def test_lame_holder(tmp_path, holder_mesh_um):
    """Wall force of the meshed holder against the Lame closed form (module docstring).

    Mesh study (P2, holder cells of h across the 10 mm wall, 0.5 MPa): relative error +1.6e-4,
    -1.1e-5, -2.4e-5, -2.5e-5 at h = 2, 1, 0.5, 0.25 mm; the limit is the finite strain
    (LAME_PRESSURE_MPA). The bound 1e-4 at h = 1 mm is 4x the limit and 1/1.6 of the h = 2 mm
    miss."""
    doc = _lame_doc(holder_mesh_um, 150.0)
    doc["numerics"]["element_degree"] = 2
    case = validate(doc)
    run = Run(case, tmp_path / "lame", MPI.COMM_WORLD)
    run.execute()
    s = read_series(tmp_path / "lame" / "series.csv")
    expected = _lame_wall_force(LAME_PRESSURE_MPA, 5.0, 15.0, 0.6, run.stack.holder.gap_mm)
    force = s["wall_force_N"][-1]
    print(f"wall force {force:.6f} N, Lame {expected:.6f} N, rel {force / expected - 1:.2e}; "
          f"largest gap {s['max_wall_gap_um'][-1]:.2e} um")
    assert force == pytest.approx(expected, rel=1e-4)
    assert abs(s["max_wall_gap_um"][-1]) < 1e-4  # in contact everywhere, no tension


@pytest.mark.parametrize(("overrides", "key"), [
    ({"die__wall": "rigid", "die__holder_height_mm": 5.0}, "die.holder_material"),
    ({"die__holder_height_mm": 0.5}, "die.holder_height_mm"),  # below the stack's 1.06 mm
    ({"geometry__mode": "3d", "die__holder_height_mm": 5.0}, "die.wall"),
    ({"die__holder_height_mm": 5.0, "die__clearance_um": 20.0}, "die.clearance_um"),
    ({"die__holder_height_mm": 5.0,
      "geometry__layers__anode__diameter_mm": 9.0}, "die.wall"),
    ({}, "die.holder_height_mm"),  # missing
])
def test_bad_holder_keys(overrides, key):
    doc = stack_doc(**{**HOLDER_KEYS, **overrides})
    with pytest.raises(CaseError) as err:
        validate(doc)
    print(err.value)
    assert str(err.value).startswith(key) and "\n" not in str(err.value)
