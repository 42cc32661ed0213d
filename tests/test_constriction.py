"""The secondary current distribution (solver.physics.constriction) against closed forms.

* Full contact on a flat electrolyte: the current is uniform and the potential linear, so the
  Li's potential over the current density is R_ct + h_e / kappa exactly (P1 holds a linear
  field): the interface resistance the series reports is R_ct, to round-off.
* A periodic array of contact strips (half-width a, period 2b) on a thick electrolyte in the
  primary limit (Wa = kappa R_ct / b -> 0): the constriction resistance per nominal area of
  the conformal-map solution (Holm, *Electric Contacts*, 4th ed., Springer 1967, section 6;
  for strips: Greenwood, Br. J. Appl. Phys. 17 (1966) 1621, doi:10.1088/0508-3443/17/12/310),

      R_c = (2 b / (pi kappa)) ln(1 / sin(pi a / (2 b))),

  on top of R_ct / f (f = a / b) and h_e / kappa. Convergence, f = 0.5, b = 40 um,
  h_e = 80 um (the disturbance decays as exp(-pi z / b): 2e-3 at the bottom), Wa = 5e-4:
  R_c relative error -47 % (h = 4 um), -24.7 % (2 um), -12.4 % (1 um), -6.0 % (0.5 um):
  first order in h, from below (the P1 contact indicator widens the contact by about h / 2,
  and the current at the edge is singular as r^(-1/2)). The Richardson extrapolation of two
  meshes, 2 R(h/2) - R(h), is within 0.15 % (h = 2, 1 um) and 0.5 % (1, 0.5 um) of R_c. The test runs
  h = 2 and 1 um: the error ratio within 1.7-2.3 and the extrapolation within 2 %.
* The current is largest within a cell of the contact edge and zero off the contact.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from mpi4py import MPI

from solver.geometry import InterfaceSpec, build_interface
from solver.geometry.interface import BOTTOM, ELECTROLYTE, ELECTROLYTE_SURFACE
from solver.physics.constriction import Constriction
from solver.physics.kinetics import Kinetics


def _constriction(b_mm, h_e_mm, h_mm, kinetics):
    spec = InterfaceSpec("flat", li_thickness_mm=0.01, electrolyte_thickness_mm=h_e_mm,
                         extent_mm=b_mm, mesh_size_mm=max(h_mm, 0.01), interface_mesh_size_mm=h_mm)
    cell = build_interface(MPI.COMM_WORLD, spec, "plane_strain")
    c = Constriction(cell.mesh, cell.cell_tags, cell.facet_tags, cell.cell_regions[ELECTROLYTE],
                     cell.facet_regions[ELECTROLYTE_SURFACE], cell.facet_regions[BOTTOM], 1.0,
                     kinetics)
    return c


def _resistance(c, x, chi, b_mm, h_e_mm):
    """Li potential / nominal current density, less h_e / kappa (Ohm mm^2), and the current."""
    current, total = c.solve(x, chi)
    # the unit solution: E = 1 V drives `total` (A per mm of depth) through the width b
    return 1.0 / (total / b_mm) - h_e_mm / c.kinetics.kappa, current


def _surface_nodes(c, b_mm, h_mm):
    """Li surface node positions standing in for the Li's (a node every h)."""
    return np.linspace(0.0, b_mm, int(round(b_mm / h_mm)) + 1)


def test_full_contact_is_uniform():
    kin = Kinetics(2.0, 2.2)
    b, h_e, h = 0.04, 0.02, 0.005
    c = _constriction(b, h_e, h, kin)
    x = _surface_nodes(c, b, h)
    r, current = _resistance(c, x, np.ones_like(x), b, h_e)
    assert r == pytest.approx(kin.r_ct, rel=1e-9)
    assert np.ptp(current) <= 1e-9 * current.max()


def test_strip_constriction_resistance():
    kin = Kinetics(1.0e-3, 2.2)  # Wa = kappa R_ct / b = 5e-4: the primary limit
    b, h_e, a = 0.04, 0.08, 0.02
    r_c = 2 * b / (math.pi * kin.kappa) * math.log(1.0 / math.sin(math.pi * a / (2 * b)))
    errors = []
    for h in (0.002, 0.001):
        c = _constriction(b, h_e, h, kin)
        x = _surface_nodes(c, b, h)
        chi = (x <= a + 1e-12).astype(float)
        r, current = _resistance(c, x, chi, b, h_e)
        errors.append(r - kin.r_ct * b / a - r_c)
        in_contact = chi > 0
        edge = np.flatnonzero(in_contact)[-1]  # the most current within a cell of the edge
        assert edge - 1 <= np.argmax(current) <= edge
        assert np.all(current[~in_contact] == 0.0)
    extrapolated = r_c + 2 * errors[1] - errors[0]
    if MPI.COMM_WORLD.rank == 0:
        print(f"R_c: {[f'{e / r_c:+.2%}' for e in errors]} at h = 2, 1 um; extrapolated "
              f"{extrapolated:.5g} against {r_c:.5g} Ohm mm^2")
    assert 1.7 < errors[0] / errors[1] < 2.3
    assert extrapolated == pytest.approx(r_c, rel=0.02)
