"""Li stripping at an interface that can open (solver.physics.stripping, solver.interface_run).

Each check has its own independent reference:

* patch test: Li pressed on a flat rigid electrolyte by a uniform pressure p carries p at
  every node of the interface (the homogeneous stress state; the penalty's penetration
  p / k is ~1e-10 mm);
* zero pressure, creep off, the Li held where it is: every stripped atom leaves a void, so the
  void volume per area equals the stripped thickness q V_m / F from the charge passed alone
  (4.85 um per mAh/cm^2), to round-off;
* a flat interface under 45 MPa, Li creeping and the stripped Li plating at the counter
  electrode (fixed gap): full contact at every step and no void;
* the current: its integral over the interface equals the protocol's current at every step,
  integrated here by a form of the test's own; and the local current at a void's edge is
  I / A_c, rising as the contact area falls.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import ufl
from dolfinx import fem
from mpi4py import MPI

from solver.geometry import InterfaceSpec, build_interface
from solver.interface_run import InterfaceStepper, StrippingProtocol
from solver.materials import library
from solver.physics.interface_cell import build_interface_cell
from solver.units import plated_thickness_mm

LI_VM_MM3_PER_MOL = 13.0e3  # Li molar volume, 13.0 cm^3/mol


def _cell(kind="flat", mode="plane_strain", creep=True, **shape):
    spec = InterfaceSpec(kind, li_thickness_mm=0.02, electrolyte_thickness_mm=0.01,
                         extent_mm=0.05, mesh_size_mm=0.005, interface_mesh_size_mm=0.0025,
                         **shape)
    cell = build_interface(MPI.COMM_WORLD, spec, mode)
    li = library.get("li")
    if not creep:
        li = dataclasses.replace(li, creep=None)
    return build_interface_cell(cell, li, library.get("li6ps5cl"), f_bar=creep)


def _run(model, **protocol):
    stepper = InterfaceStepper(model, StrippingProtocol(**protocol))
    return stepper, stepper.run()


VOID = dict(void_count=1, void_width_mm=0.02, void_depth_mm=0.004)


@pytest.mark.parametrize("mode", ["plane_strain", "axisymmetric"])
def test_patch_uniform_pressure(mode):
    model = _cell(mode=mode, creep=False)
    stepper, result = _run(model, pressure_MPa=5.0, current_mA_cm2=0.0, capacity_mAh_cm2=0.0,
                           fixture="constant_pressure")
    interface = model.interface
    interface.refresh_contact()
    g = interface.gap_nodes.x.array[interface.surface_dofs]
    p_nodes = interface.stiffness * np.maximum(-g, 0.0)
    p_min = model.W.mesh.comm.allreduce(float(p_nodes.min()), op=MPI.MIN)
    p_max = model.W.mesh.comm.allreduce(float(p_nodes.max()), op=MPI.MAX)
    row = result.rows[-1]
    print(f"{mode}: nodal contact pressure {p_min:.9f} .. {p_max:.9f} MPa, plunger "
          f"{row['pressure_MPa']:.9f} MPa, contact fraction {row['contact_fraction']}")
    assert row["contact_fraction"] == pytest.approx(1.0, abs=1e-12)
    assert p_min == pytest.approx(5.0, rel=1e-6) and p_max == pytest.approx(5.0, rel=1e-6)
    assert row["pressure_MPa"] == pytest.approx(5.0, rel=1e-9)


@pytest.mark.parametrize("kind", ["flat", "voids"])
def test_zero_pressure_void_is_the_stripped_volume(kind):
    shape = VOID if kind == "voids" else {}
    model = _cell(kind, creep=False, **shape)
    _, result = _run(model, pressure_MPa=0.0, current_mA_cm2=1.0, capacity_mAh_cm2=0.01,
                     fixture="fixed_gap", counter_electrode_growth=0.0, dt_initial_s=1.0)
    initial = result.rows[0]["void_fraction_um"]
    strip = [r for r in result.rows if r["phase"] == "strip"]
    assert strip and result.event.startswith("contact fraction")
    for r in strip:
        stripped_um = 1e3 * plated_thickness_mm(r["stripped_mAh_cm2"], LI_VM_MM3_PER_MOL)
        grown = r["void_fraction_um"] - initial
        print(f"{kind}: q {r['stripped_mAh_cm2']:.6f} mAh/cm2: void grown {grown:.9f} um, "
              f"stripped {stripped_um:.9f} um, contact {r['contact_fraction']:.3f}")
        assert grown == pytest.approx(stripped_um, rel=1e-6)


def test_flat_high_pressure_keeps_full_contact():
    model = _cell("flat", creep=True)
    _, result = _run(model, pressure_MPa=45.0, current_mA_cm2=1.0, capacity_mAh_cm2=0.05,
                     fixture="fixed_gap", counter_electrode_growth=1.0, dt_initial_s=1.0)
    strip = [r for r in result.rows if r["phase"] == "strip"]
    print(f"{len(strip)} steps to {strip[-1]['stripped_mAh_cm2']:.4f} mAh/cm2; pressure "
          f"{strip[-1]['pressure_MPa']:.3f} MPa; max void {max(r['void_fraction_um'] for r in strip):.2e} um")
    assert result.event == ""
    assert strip[-1]["stripped_mAh_cm2"] == pytest.approx(0.05, rel=1e-9)
    assert all(r["contact_fraction"] == pytest.approx(1.0, abs=1e-12) for r in strip)
    assert all(r["void_fraction_um"] < 1e-6 for r in strip)
    assert all(r["pressure_MPa"] > 1.0 for r in strip)


def test_current_is_conserved_and_focused_at_the_void():
    model = _cell("voids", creep=True, **VOID)
    interface = model.interface
    mesh = model.W.mesh
    cell = model.cell
    n = ufl.FacetNormal(mesh)
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=cell.facet_tags,
                     metadata={"quadrature_degree": 2})
    local_current = fem.Function(interface.chi.function_space)
    total = fem.form(local_current * abs(n[1]) * ds(cell.facet_regions["li_surface"]))
    edge = 0.025 + 0.5 * VOID["void_width_mm"]  # the void's right rim
    x = interface.chi.function_space.tabulate_dof_coordinates()
    surface = interface.surface_dofs
    at_edge = surface[np.argmin(np.abs(x[surface, 0] - edge) + np.abs(x[surface, 1] - 0.01))]
    samples = []
    advance = interface.advance

    def advance_and_check(dt):
        """The current as it is applied over a step: I / A_c on the step's contact set."""
        local_current.x.array[:] = interface.current_scale * interface.chi.x.array
        integral = mesh.comm.allreduce(fem.assemble_scalar(total), op=MPI.SUM)
        if dt > 0.0:
            samples.append((interface.integral("contact_area") / model.nominal_area_mm2,
                            interface.current_scale * 1e5, integral * 1e5 / model.nominal_area_mm2,
                            interface.current_scale * 1e5 if interface.chi.x.array[at_edge]
                            else math.nan))
        advance(dt)

    interface.advance = advance_and_check
    stepper = InterfaceStepper(model, StrippingProtocol(
        pressure_MPa=5.0, current_mA_cm2=1.0, capacity_mAh_cm2=0.01, fixture="fixed_gap",
        counter_electrode_growth=1.0, dt_initial_s=1.0))
    stepper.run()
    assert len(samples) >= 3
    for fraction, peak, integral, edge_current in samples:
        print(f"contact {fraction:.4f}: integral of i {integral:.12f} mA/cm2, peak {peak:.4f}, "
              f"at the void's edge {edge_current:.4f}")
        assert integral == pytest.approx(1.0, rel=1e-10)
    # the current on the contact set is I / A_c, and at the void's edge it rises as A_c falls
    for fraction, peak, _, _ in samples:
        assert peak == pytest.approx(1.0 / fraction, rel=1e-10)
    edge_values = sorted((-f, c) for f, _, _, c in samples if not math.isnan(c))
    assert len({f for f, _ in edge_values}) >= 2
    assert all(b[1] >= a[1] for a, b in zip(edge_values, edge_values[1:]))
