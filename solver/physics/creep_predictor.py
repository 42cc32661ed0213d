"""Return-mapping predictor for the creep unknowns: a starting guess for Newton.

At the start of a step the displacement is held and each point of the viscous-strain field is
relaxed alone (radial return, e.g. Simo & Hughes, Computational Inelasticity, 1998, ch. 3):

    Delta_p = dt A exp(-Q/RT) ((sigma_eq_tr - 3 mu Delta_p) / sigma_ref)^n,  0 <= Delta_p <= sigma_eq_tr / (3 mu)
    eps_v = eps_v_n + Delta_p (3/2) s_tr / sigma_eq_tr,

with s_tr the deviatoric Mandel stress at the current displacement and eps_v = eps_v_n. Because
dev(Me) = s_tr - 2 mu eps_v increment exactly (see :mod:`solver.physics.mechanics`), this is
the exact solution of the creep residual at the cell's point. The scalar equation is monotone
in Delta_p and is solved by bisection, so it is robust however stiff the law is. The Newton
solver calls it after every update (a global-local scheme); without it Newton, moving eps_v
itself, needs many damped iterations whenever dt exceeds the relaxation time.
"""

from __future__ import annotations

import basix.ufl
import numpy as np
import ufl
from dolfinx import fem

from solver.physics import creep, kinematics
from solver.units import GAS_CONSTANT_J_PER_MOL_K


def _components(tensor, mode: str):
    if mode != "3d":
        idx = [(0, 0), (1, 1), (2, 2), (0, 2)]
    else:
        idx = [(0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)]
    return ufl.as_vector([tensor[i, j] for i, j in idx])


class CreepPredictor:
    def __init__(self, W, mode: str, Me, fields: dict, temperature, dt):
        mesh = W.mesh
        self.Vq, maps = W.sub(1).collapse()
        self.dofs = np.asarray(maps[0] if isinstance(maps, list) else maps).ravel()
        self.ncomp = kinematics.symmetric_components(mode)
        self.weights = np.array([1.0, 1.0, 1.0] + [2.0] * (self.ncomp - 3))
        points = self.Vq.element.interpolation_points
        self.s = fem.Function(self.Vq)
        self._s_expr = fem.Expression(_components(ufl.dev(Me), mode), points)
        arrhenius = ufl.exp(-fields["activation_energy"] / (GAS_CONSTANT_J_PER_MOL_K * temperature))
        params = ufl.as_vector(
            [fields["mu"], fields["prefactor"] * arrhenius, fields["reference_stress"], fields["exponent"]]
        )
        cell = mesh.basix_cell()
        degree = self.Vq.ufl_element().embedded_superdegree
        P = fem.functionspace(mesh, basix.ufl.element("DG", cell, degree, shape=(4,)))
        self.p = fem.Function(P)
        self._p_expr = fem.Expression(params, points)
        self.dt = dt

    def predict(self, w, w_old) -> None:
        """Overwrite the creep unknowns of ``w`` with the local solution at its displacement."""
        dt = float(self.dt.value)
        w.x.array[self.dofs] = w_old.x.array[self.dofs]
        if dt <= 0.0:
            w.x.scatter_forward()
            return
        self.s.interpolate(self._s_expr)
        self.p.interpolate(self._p_expr)
        s = self.s.x.array.reshape(-1, self.ncomp)
        mu, rate0, sref, n = self.p.x.array.reshape(-1, 4).T
        seq = np.sqrt(1.5 * np.sum(self.weights * s**2, axis=1))
        creeping = (rate0 > 0.0) & (seq > 0.0)
        hi = np.where(creeping, seq / (3.0 * mu), 0.0)
        lo = np.zeros_like(hi)
        for _ in range(60):  # bisection: g(lo) <= 0 <= g(hi)
            mid = 0.5 * (lo + hi)
            g = mid - dt * rate0 * (np.maximum(seq - 3.0 * mu * mid, 0.0) / sref) ** n
            lo, hi = np.where(g < 0.0, mid, lo), np.where(g < 0.0, hi, mid)
        dp = 0.5 * (lo + hi)
        direction = np.divide(1.5 * s, seq[:, None], out=np.zeros_like(s), where=seq[:, None] > 0)
        eps_old = w_old.x.array[self.dofs].reshape(-1, self.ncomp)
        w.x.array[self.dofs] = (eps_old + dp[:, None] * direction).ravel()
        w.x.scatter_forward()
