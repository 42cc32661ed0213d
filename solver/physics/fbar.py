"""F-bar: the volumetric part of F replaced by its projection, against volumetric locking.

Viscous flow is isochoric, so a creeping or liquid region deforms at (nearly) constant volume
and the displacement field must be (nearly) divergence-free at every quadrature point. With the
full quadrature of a P2 triangle (6 points per cell, 4 displacement dofs per cell) that is
more constraints than freedoms: the discretisation locks. Measured (scripts/locking_study.py,
tests/test_locking.py): the pressure of a thick-walled cylinder in steady Norton creep drifts
without bound as the steps lengthen and the flow approaches incompressibility, 10 % of p at
t = 1e4 relaxation times on a 8-cell mesh and growing.

The F-bar method (de Souza Neto, Peric, Dutko & Owen, Int. J. Solids Struct. 33 (1996)
3277; de Souza Neto, Peric & Owen, Computational Methods for Plasticity, Wiley 2008, ch. 15)
evaluates the law at

    F_bar = (J_bar / J)^(1/3) F,   J = det F,   J_bar = (1 + e_bar) J_g,

with e_bar the L2 projection of the elastic volume change J / J_g - 1 (weighted by the
reference volume, 2 pi r dA in axisymmetry) on a coarser space:

* continuous P1 over the flowing cells (the default, "p1"): one volumetric constraint per
  vertex, the inf-sup stable Taylor-Hood pair P2/P1 in the incompressible limit; second order.
  Its dofs that touch no flowing cell are held at zero, and the projection integrates over the
  flowing cells only, so an interface with an elastic layer does not pull it. Two flowing
  regions in contact share their interface values (the pressure is smoothed across them).
* cellwise constants ("p0"): P2/P0, also stable but first order, and far too soft where a
  pressure gradient must build across few cells: the squeeze flow of a Li disc (9 mm, 200 um,
  10 MPa) thinned 23x faster with 2 cells across its radius than with P2 or P2 + F-bar (P1),
  which agree to 2 % on every mesh; 7x faster with 5 cells, 2.3x with 9.

Averaging the elastic part, not J itself, keeps a growth J_g that varies inside a cell (a
lithiation front) out of the pressure: with J_bar the average of J, the elastic volume change
J_bar / J_g would vary with J_g at a constant average, a pressure gradient that only the
(creeping, nearly vanishing) shear stiffness resists (measured with P0: a delithiating
Li17Sn4 layer's Newton iterates ran to J = -1.3). The internal virtual work keeps the true F
in the pull-back, int J sigma(F_bar) : grad_x v dv = int P : Grad v dV with

    P = J sigma(F_bar) F^-T = (J / J_bar)^(2/3) P(F_bar),

P(F_bar) the law's first Piola stress at F_bar. e_bar is a field of the global system (one
dof per vertex of the flowing regions), the projection its equation; the consistent tangent
then follows from the derivatives of P along Grad u (at fixed e_bar), along e_bar and along
theta (through J_g in J_bar), taken as derivatives of the law along the directions of F_bar
they produce (at fixed J_bar, a change dF of Grad u moves F_bar by c (dF - (F^-T : dF) F / 3);
a relative change dJ_bar / J_bar moves it by c F / 3; c = (J_bar / J)^(1/3);
:meth:`solver.physics.material_points.MaterialPoints._f_bar_stress`). Homogeneous deformations
are unchanged (J_bar = J).
J - 1 = I1(H) + I2(H) + I3(H), H = F - I, is written with the invariants of H, so that
volumetric strains of 1e-10 keep their digits.

Only regions whose law flows use F_bar; elastic regions keep F. With P1 displacements F-bar
is not used (P1/P1 is not stable, and one-point P1 triangles lock whatever J_bar is).
"""

from __future__ import annotations

import numpy as np
import ufl

I3 = np.eye(3)

PROJECTIONS = {"p1": ("Lagrange", 1), "p0": ("DG", 0)}


def projection_space(f_bar: bool | str) -> tuple[str, int] | None:
    """The element of e_bar: True or "p1" continuous P1 (the default), "p0" cellwise constant,
    False none."""
    if f_bar is False or f_bar is None:
        return None
    key = "p1" if f_bar is True else f_bar
    if key not in PROJECTIONS:
        raise ValueError(f"f_bar must be True, False, 'p1' or 'p0', got {f_bar!r}")
    return PROJECTIONS[key]


def dilatation(H: np.ndarray) -> np.ndarray:
    """J - 1 = det(I + H) - 1 = tr H + (tr(H)^2 - tr(H^2)) / 2 + det H, for H (N, 3, 3)."""
    tr = np.trace(H, axis1=1, axis2=2)
    tr2 = np.einsum("nij,nji->n", H, H)
    return tr + 0.5 * (tr * tr - tr2) + np.linalg.det(H)


def dilatation_ufl(H):
    """J - 1 of a 3x3 UFL displacement gradient H, by the invariants of H."""
    tr = ufl.tr(H)
    return tr + 0.5 * (tr * tr - ufl.tr(H * H)) + ufl.det(H)


def elastic_dilatation_ufl(H, Hg):
    """J / J_g - 1 = ((J - 1) - (J_g - 1)) / J_g (UFL), H = Grad u, Hg = F_g - I."""
    dJg = dilatation_ufl(Hg)
    return (dilatation_ufl(H) - dJg) / (1.0 + dJg)


def modified_gradient(H: np.ndarray, Hg: np.ndarray, e_bar: np.ndarray, active: np.ndarray):
    """(H_bar = F_bar - I, c = (J_bar / J)^(1/3)) at points where ``active`` (H and 1
    elsewhere), with J_bar = (1 + e_bar) J_g: the cell-mean elastic volume change times the
    point's growth."""
    dJ, dJg = dilatation(H), dilatation(Hg)
    # a Newton trial that turns a point inside out (J <= 0) gives NaN here: the Newton finds
    # the residual non-finite and the step is cut, so numpy's warning would only be noise
    with np.errstate(invalid="ignore", divide="ignore"):
        log_ratio = np.where(active, np.log1p(e_bar) + np.log1p(dJg) - np.log1p(dJ), 0.0)
    c_minus_1 = np.expm1(log_ratio / 3.0)
    H_bar = c_minus_1[:, None, None] * (I3 + H) + H
    return H_bar, 1.0 + c_minus_1
