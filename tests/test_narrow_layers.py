"""Layers narrower than the bore: the mesh of the section and the case keys that set them."""

from __future__ import annotations

import math

import pytest
import ufl
from dolfinx import fem
from mpi4py import MPI

from solver.case import CaseError, validate
from solver.geometry import LayerSpec, build_die_stack
from tests.conftest import stack_doc

R = 5.0


def _integral(stack, expr, measure) -> float:
    return MPI.COMM_WORLD.allreduce(fem.assemble_scalar(fem.form(expr * measure)), op=MPI.SUM)


def test_section_of_a_narrow_layer_between_full_ones():
    """Volumes of revolution and areas of every group are those of the blocks: exact for the
    straight-sided section (the mesh is conforming across the column breaks)."""
    layers = [LayerSpec("base", 0.2, 0.1), LayerSpec("li", 0.4, 0.1, 4.0),
              LayerSpec("top", 0.3, 0.15, 4.5)]
    stack = build_die_stack(MPI.COMM_WORLD, layers, R, "axisymmetric", 0.5)
    x = ufl.SpatialCoordinate(stack.mesh)
    dx = ufl.Measure("dx", domain=stack.mesh, subdomain_data=stack.cell_tags)
    ds = ufl.Measure("ds", domain=stack.mesh, subdomain_data=stack.facet_tags)
    dS = ufl.Measure("dS", domain=stack.mesh, subdomain_data=stack.facet_tags)
    two_pi_r = 2 * math.pi * x[0]
    for layer in layers:
        r = layer.radius_mm or R
        volume = _integral(stack, two_pi_r, dx(stack.cell_regions[layer.name]))
        assert volume == pytest.approx(math.pi * r * r * layer.thickness_mm, rel=1e-12)
    # the lateral surface of every layer is the wall group, at its own radius
    wall = _integral(stack, two_pi_r, ds(stack.facet_regions["die_wall"]))
    expected = sum(2 * math.pi * (lay.radius_mm or R) * lay.thickness_mm for lay in layers)
    assert wall == pytest.approx(expected, rel=1e-12)
    # an interface is the part both layers cover; the plunger face is the top layer's
    iface = _integral(stack, two_pi_r("+"), dS(stack.facet_regions["li_base_interface"]))
    assert iface == pytest.approx(math.pi * 4.0**2, rel=1e-12)
    iface = _integral(stack, two_pi_r("+"), dS(stack.facet_regions["top_li_interface"]))
    assert iface == pytest.approx(math.pi * 4.0**2, rel=1e-12)
    plunger = _integral(stack, two_pi_r, ds(stack.facet_regions["plunger_face"]))
    assert plunger == pytest.approx(math.pi * 4.5**2, rel=1e-12)


@pytest.mark.parametrize(("overrides", "key"), [
    ({"geometry__layers": {"anode": {"thickness_um": 380.0, "diameter_mm": 12.0}}},
     "geometry.layers.anode.diameter_mm"),
    ({"geometry__mode": "3d",
      "geometry__layers": {"anode": {"thickness_um": 380.0, "diameter_mm": 9.0}}},
     "geometry.layers.anode.diameter_mm"),
    ({"interfaces": {"anode_separater": "tied"}}, "interfaces.anode_separater"),
    ({"interfaces": {"anode_separator": "frictionless"}}, "interfaces.anode_separator"),
    ({"interfaces": {"plunger_anode": "tied"}}, "interfaces.plunger_anode"),
])
def test_bad_layer_diameter_or_interface_names_the_key(overrides, key):
    doc = stack_doc(**overrides)
    if "geometry__layers" in overrides:  # keep the other layers
        base = stack_doc()["geometry"]["layers"]
        doc["geometry"]["layers"] = {**base, **doc["geometry"]["layers"]}
    with pytest.raises(CaseError) as err:
        validate(doc)
    assert err.value.key == key, str(err.value)


def test_interfaces_default_and_override():
    case = validate(stack_doc(interfaces={"plunger_anode": "sticking"}))
    assert case.interfaces == {"plunger_anode": "sticking", "base_cathode": "frictionless",
                               "separator_cathode": "tied", "anode_separator": "tied"}
