"""The constitutive state at quadrature points and its coupling to the UFL forms.

The Hencky / exponential-map law (:mod:`solver.physics.hencky`) runs in NumPy at every
quadrature point; its internal variables (Cv^-1 and the accumulated equivalent viscous strain p)
never enter the global system. Before each residual assembly :meth:`MaterialPoints.evaluate`
takes the displacement gradient, the growth and the moduli at the points (one
``fem.Expression``), runs the return map from the committed state, and stores in quadrature
functions the stress P_q, the consistent tangent C_q = dP/dGrad(u) and, on Li hosts,
dP/dtheta. The forms see the stress as the linearisation about that evaluation,

    P(u, theta) = P_q + C_q : (Grad u - G_q) + (dP/dtheta)_q (theta - theta_q),

which equals P_q at the iterate and whose UFL derivative is the consistent tangent: every form
built on it (equilibrium, plunger row, stress potential of the hosts) linearises correctly
without knowing about the law. Forms that use it must integrate with :attr:`dx`, the rule the
points come from. The state is committed only when a step is accepted (:meth:`commit`).

Tensors are 3x3 in every mode (see :mod:`solver.physics.kinematics`); only the components that
can be nonzero are stored: 5 in the 2-D modes ((x0,x0), (x0,z), (out,out), (z,x0), (z,z)), 9 in 3-D.
Points on ghost cells are evaluated too (the same inputs give the same values on every rank),
so no communication is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import basix
import basix.ufl
import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI

from solver.physics import fbar, hencky
from solver.physics.flow import LIQUID_STEP_RELAXATION, ViscousFlow, liquid_scale

FLOW_FLOOR = 1.0e-14
"""A step whose largest viscous strain increment is below this does not flow (no estimate)."""

RELAXED_FRACTION = 10.0 * LIQUID_STEP_RELAXATION
"""A liquid point whose Maxwell time is below this fraction of the step relaxes within it
whatever dt is: its flow is left out of the step-size controls (max_increment, rate_error)."""

COMPONENTS = {
    "2d": [(0, 0), (0, 2), (1, 1), (2, 0), (2, 2)],
    "3d": [(i, j) for i in range(3) for j in range(3)],
}


CHUNK_POINTS = 32768
"""Points per pass through the law in :meth:`MaterialPoints.evaluate` (about 200 MB of
temporaries in 3-D; a pass costs tens of milliseconds, so the loop's overhead is nil)."""


@dataclass
class Trial:
    """The state a step would commit at every point: Cv^-1 - I, dp, q (MPa), Cauchy stress (MPa)."""

    dcv: np.ndarray
    dp: np.ndarray
    q: np.ndarray
    sigma: np.ndarray


def components(mode: str) -> list[tuple[int, int]]:
    """The (i, j) entries of Grad u (and of P) that can be nonzero in ``mode``."""
    return COMPONENTS["3d" if mode == "3d" else "2d"]


def quadrature_degree(element_degree: int) -> int:
    """2k - 1 for displacement degree k: Grad u . Grad v is of degree 2k - 2 on affine cells,
    and the axisymmetric weight r adds one."""
    return max(2 * element_degree - 1, 1)


@dataclass
class LawInputs:
    """UFL expressions of the law's inputs at the points (theta-dependent on hosts)."""

    growth: ufl.core.expr.Expr  # Fg, 3x3
    shear_modulus: ufl.core.expr.Expr  # mu, MPa
    bulk_modulus: ufl.core.expr.Expr  # K, MPa
    creep_rate: ufl.core.expr.Expr  # rate of eps_dot = rate <(q - k) / s>^n, 1/s (0: elastic)
    threshold: ufl.core.expr.Expr  # k, MPa (0 for Norton and the liquid, sigma_y for Perzyna)
    reference_stress: ufl.core.expr.Expr  # s, MPa (sigma_ref; sigma_y; 3 eta x 1/s)
    exponent: ufl.core.expr.Expr  # n
    liquid: ufl.core.expr.Expr  # 1 where the law is a liquid's, else 0


def _scaled(scale, tensors: np.ndarray) -> np.ndarray:
    """Per-point factor times (N, ..., 3, 3) tensors."""
    scale = np.asarray(scale)
    return tensors * (scale.reshape(-1, *([1] * (tensors.ndim - 1))) if scale.ndim else scale)


class MaterialPoints:
    """Committed and trial state of every quadrature point of a mesh, with its UFL coupling."""

    def __init__(self, mesh, mode: str, element_degree: int, grad_u, inputs: LawInputs, dt,
                 theta=None, theta_variable=None, f_bar=None):
        """``inputs`` are built on ``theta_variable`` (``ufl.variable(theta)``) on hosts, so
        that their theta-derivatives can be taken; ``theta`` None: no transport. ``f_bar``:
        (e_bar, indicator), the projected elastic dilatation and 1 where F_bar replaces F
        (:mod:`solver.physics.fbar`); None: the law sees F everywhere."""
        self.mesh, self.mode, self.dt = mesh, mode, dt
        self.comps = components(mode)
        m = len(self.comps)
        self.degree = quadrature_degree(element_degree)
        cell = mesh.basix_cell()
        self.points, self.weights = basix.make_quadrature(cell, self.degree)
        self.dx = ufl.Measure("dx", domain=mesh, metadata={
            "quadrature_degree": self.degree, "quadrature_scheme": "default"})
        tdim = mesh.topology.dim
        imap = mesh.topology.index_map(tdim)
        self.n_owned = imap.size_local
        self.cells = np.arange(imap.size_local + imap.num_ghosts, dtype=np.int32)
        self.n_points = len(self.weights)
        N = len(self.cells) * self.n_points

        def space(size):
            shape = (size,) if size else ()
            return fem.functionspace(mesh, basix.ufl.quadrature_element(
                cell, value_shape=shape, scheme="default", degree=self.degree))

        self.P_q = fem.Function(space(m), name="first_piola_q")
        self.C_q = fem.Function(space(m * m), name="tangent_q")
        self.G_q = fem.Function(space(m), name="grad_u_q")
        self.coupled = theta is not None
        exprs = [grad_u[i, j] for i, j in self.comps]
        exprs += [inputs.growth[i, j] for i in range(3) for j in range(3)]
        exprs += [inputs.shear_modulus, inputs.bulk_modulus, inputs.creep_rate,
                  inputs.threshold, inputs.reference_stress, inputs.exponent, inputs.liquid]
        self.f_bar = f_bar is not None
        if self.f_bar:
            self.dP_debar_q = fem.Function(space(m), name="dP_debar_q")
            self.ebar_q = fem.Function(space(0), name="ebar_q")
            self._ebar = f_bar[0]
            exprs += [f_bar[0], f_bar[1]]
        if self.coupled:
            self.dP_dtheta_q = fem.Function(space(m), name="dP_dtheta_q")
            self.theta_q = fem.Function(space(0), name="theta_q")
            tv = theta_variable

            def d(e):
                return ufl.diff(e, tv)

            exprs += [theta] + [d(inputs.growth)[i, j] for i in range(3) for j in range(3)]
            exprs += [d(inputs.shear_modulus), d(inputs.bulk_modulus),
                      d(inputs.reference_stress), d(inputs.threshold)]
        self._inputs = fem.Expression(ufl.as_vector(exprs), self.points)
        # committed state
        self.dcv = np.zeros((N, 3, 3))  # Cv^-1 - I
        self.p = np.zeros(N)
        self.q = np.zeros(N)  # equivalent Mandel stress, MPa
        self.sigma = np.zeros((N, 3, 3))
        self.trial: Trial | None = None
        self._trial_dt = 0.0
        self._owned = slice(0, self.n_owned * self.n_points)

    # -- UFL side ------------------------------------------------------------------------------

    def first_piola(self, grad_u, theta=None):
        """P(u, theta[, e_bar]) linearised about the last evaluation (3x3 UFL tensor)."""
        m = len(self.comps)
        entries = {}
        for a, ij in enumerate(self.comps):
            value = self.P_q[a] + sum(self.C_q[a * m + b] * (grad_u[kl] - self.G_q[b])
                                      for b, kl in enumerate(self.comps))
            if self.coupled:
                value = value + self.dP_dtheta_q[a] * (theta - self.theta_q)
            if self.f_bar:
                value = value + self.dP_debar_q[a] * (self._ebar - self.ebar_q)
            entries[ij] = value
        return ufl.as_matrix([[entries.get((i, j), 0) for j in range(3)] for i in range(3)])

    # -- NumPy side ----------------------------------------------------------------------------

    def _evaluate_inputs(self) -> np.ndarray:
        values = self._inputs.eval(self.mesh, self.cells)
        return values.reshape(len(self.cells) * self.n_points, -1)

    def _full(self, compact: np.ndarray) -> np.ndarray:
        """(N, ..., m) compact components -> (N, ..., 3, 3)."""
        if len(self.comps) == 9:  # 3-D: every entry, row by row
            return compact.reshape(*compact.shape[:-1], 3, 3)
        out = np.zeros((*compact.shape[:-1], 3, 3))
        for a, (i, j) in enumerate(self.comps):
            out[..., i, j] = compact[..., a]
        return out

    def _compact(self, full: np.ndarray) -> np.ndarray:
        if len(self.comps) == 9:
            return full.reshape(*full.shape[:-2], 9)
        return np.stack([full[..., i, j] for i, j in self.comps], axis=-1)

    def evaluate(self) -> None:
        """Run the law at the current fields from the committed state; fill the quadrature
        functions the forms read. The points go through the law in chunks of CHUNK_POINTS:
        the tangent's temporaries (a few (N, m, 3, 3) arrays) would otherwise peak at several
        times the state's memory on a large mesh."""
        m = len(self.comps)
        X = self._evaluate_inputs()
        N = len(X)
        mu, K, rate, k, s, n, liquid = (X[:, m + 9 + j] for j in range(7))
        dt = float(self.dt.value)
        liquid = liquid > 0.5
        floored = np.zeros_like(liquid)
        if np.any(liquid):  # rate = 1/s there: s = 3 eta (1/s)
            s_floor, floored = liquid_scale(s, mu, dt)
            s, floored = np.where(liquid, s_floor, s), liquid & floored
        trial = Trial(np.empty((N, 3, 3)), np.empty(N), np.empty(N), np.empty((N, 3, 3)))
        fields = [self.P_q, self.C_q, self.G_q]
        fields += [self.dP_debar_q, self.ebar_q] if self.f_bar else []
        fields += [self.dP_dtheta_q, self.theta_q] if self.coupled else []
        out = {f.name: f.x.array.reshape(N, -1) for f in fields}
        try:
            for first in range(0, N, CHUNK_POINTS):
                rows = slice(first, min(first + CHUNK_POINTS, N))
                law = (mu[rows], K[rows], ViscousFlow(rate[rows], k[rows], s[rows], n[rows]))
                self._evaluate_chunk(X[rows], law, floored[rows], dt, rows, trial, out)
        except np.linalg.LinAlgError:
            # a singular F (an iterate that folds a cell, e.g. in a line search): no stress
            # exists there; a non-finite residual makes Newton back off or the step be cut
            self.trial = None
            for q in (self.P_q, self.C_q):
                q.x.array[:] = np.nan
            return
        self.trial, self._trial_dt = trial, dt
        # explicit rate at the start of the step (committed stress), for the error estimate
        self._start_rate = rate * (np.maximum(self.q - k, 0.0) / s) ** n
        # liquid points relaxed within the step (Maxwell time eta / mu = s / (3 mu rate))
        relaxed = liquid & (s < RELAXED_FRACTION * 3.0 * mu * rate * dt)
        self._controlled = ~relaxed

    def _evaluate_chunk(self, X, law, floored, dt, rows, trial, out) -> None:
        """The law at the points ``rows``: their trial state into ``trial``, their entries of
        the quadrature functions into ``out`` (views by function name)."""
        m = len(self.comps)
        G = X[:, :m]
        H = self._full(G)
        Fg = X[:, m:m + 9].reshape(-1, 3, 3)
        mu, K, flow = law
        o = m + 16
        if self.f_bar:
            e_bar, active = X[:, o], X[:, o + 1] > 0.5
            o += 2
            H_law, c = fbar.modified_gradient(H, Fg - np.eye(3), e_bar, active)
        else:
            H_law = H
        up = hencky.update(H_law, Fg - np.eye(3), mu, K, flow, self.dcv[rows], dt)
        trial.dcv[rows], trial.dp[rows], trial.q[rows] = up.dcv, up.dp, up.q
        trial.sigma[rows] = up.sigma
        if self.f_bar:
            P, tangent_full, scale = self._f_bar_stress(up, H, c, e_bar, active, out, rows)
        else:
            P, tangent_full, scale = up.P, up.gradient_tangent(self.comps), 1.0
        tangent = self._compact(tangent_full)  # (N, b, a) = dP_a / dG_b
        out["first_piola_q"][rows] = self._compact(P)
        out["tangent_q"][rows] = np.swapaxes(tangent, 1, 2).reshape(len(G), m * m)
        out["grad_u_q"][rows] = G
        if self.coupled:
            theta = X[:, o]
            dFg = X[:, o + 1:o + 10].reshape(-1, 3, 3)
            dmu, dK, ds, dk = X[:, o + 10], X[:, o + 11], X[:, o + 12], X[:, o + 13]
            # a floored liquid scale 3 LIQUID_STEP_RELAXATION mu dt moves with mu, not eta
            ds = np.where(floored, 3.0 * LIQUID_STEP_RELAXATION * dt * dmu, ds)
            if self.f_bar:  # J_bar = (1 + e_bar) J_g moves with the growth
                dFbar, rel = self._f_bar_growth(H, Fg, dFg, c, active)
                dP = (up.derivative(dFbar, dFg, dmu, dK, ds, dk)
                      - (2.0 / 3.0) * rel[:, None, None] * up.P)
            else:
                dP = up.derivative(np.zeros_like(H), dFg, dmu, dK, ds, dk)
            out["dP_dtheta_q"][rows] = self._compact(_scaled(scale, dP))
            out["theta_q"][rows, 0] = theta

    def _f_bar_stress(self, up, H, c, e_bar, active, out, rows):
        """P = (J / J_bar)^(2/3) P(F_bar), its derivatives along Grad u (at fixed e_bar) and along
        e_bar (into ``out``), and the prefactor; plain F where not ``active``.

        Along a unit direction E of Grad u, F_bar moves by c (E - (F^-T : E) F / 3) and, along
        dJ_bar / J_bar, by c F / 3 (:mod:`solver.physics.fbar`): the law's
        derivative is linear in the direction, so both come from its derivative along E (the
        gradient tangent) and along F_bar's own F, taken once."""
        scale = np.where(active, (c * c) ** -1.0, 1.0)  # (J / J_bar)^(2/3) = c^-2
        F = np.eye(3) + H
        F_inv_t = np.swapaxes(hencky.inverse(F), -1, -2)
        trace = np.where(active[:, None], np.stack([F_inv_t[:, i, j] for i, j in self.comps],
                                                   axis=-1), 0.0)  # F^-T : E
        along_basis = up.gradient_tangent(self.comps)
        along_F = up.derivative(F)
        cb = np.where(active, c, 1.0)[:, None, None, None]
        d_grad = cb * (along_basis - (trace / 3.0)[:, :, None, None] * along_F[:, None])
        tangent = _scaled(scale, d_grad + (2.0 / 3.0) * trace[:, :, None, None] * up.P[:, None])
        # dJ_bar / J_bar = de_bar / (1 + e_bar)
        per = 1.0 / (1.0 + e_bar)
        d_ebar = _scaled(scale * per, (c / 3.0)[:, None, None] * along_F - (2.0 / 3.0) * up.P)
        d_ebar = np.where(active[:, None, None], d_ebar, 0.0)
        out["dP_debar_q"][rows] = self._compact(d_ebar)
        out["ebar_q"][rows, 0] = e_bar
        return _scaled(scale, up.P), tangent, scale

    @staticmethod
    def _f_bar_growth(H, Fg, dFg, c, active):
        """The direction of F_bar and dJ_bar / J_bar = dJ_g / J_g along theta (zero where F
        is kept)."""
        rel = np.where(active, np.einsum("nij,nji->n", hencky.inverse(Fg), dFg), 0.0)
        F = np.eye(3) + H
        return (c * rel / 3.0)[:, None, None] * F, rel

    def commit(self) -> None:
        """Accept the last evaluation as the state at the end of the step."""
        up = self.trial
        if up is None:
            return
        self.dcv = up.dcv
        self.p = self.p + up.dp
        self.q = up.q
        self.sigma = up.sigma

    COMMITTED = ("dcv", "p", "q", "sigma")
    """The committed state: Cv^-1 - I, p, the equivalent Mandel stress (the error estimate's
    start-of-step rate comes from it) and the Cauchy stress (the diagnostics read it). The rest
    (the trial update, the quadrature functions) is rebuilt by the next evaluation."""

    def committed(self) -> dict[str, np.ndarray]:
        """The committed arrays, per local cell: (cells incl. ghosts, points, ...)."""
        n = len(self.cells)
        return {k: getattr(self, k).reshape(n, self.n_points, *getattr(self, k).shape[1:])
                for k in self.COMMITTED}

    def restore_committed(self, arrays: dict[str, np.ndarray]) -> None:
        """Take up arrays shaped as :meth:`committed` gives them."""
        for k in self.COMMITTED:
            current = getattr(self, k)
            setattr(self, k, np.ascontiguousarray(arrays[k], dtype=float).reshape(current.shape))
        self.trial = None

    # -- what the stepper and the diagnostics read (reduced over ranks) -------------------------

    def _max(self, local: np.ndarray) -> float:
        value = float(np.max(local)) if local.size else 0.0
        return self.mesh.comm.allreduce(value, op=MPI.MAX)

    def _controlled_dp(self) -> np.ndarray:
        """The trial step's dp at the owned points whose flow the step size controls."""
        own = self._owned
        return np.where(self._controlled[own], self.trial.dp[own], 0.0)

    def max_increment(self) -> float:
        """Largest equivalent viscous strain increment of the trial step (relaxed liquid points
        excluded: they flow to the relaxed state in any step)."""
        return self._max(self._controlled_dp()) if self.trial is not None else 0.0

    def rate_error(self) -> float:
        """Error estimate of the trial step's viscous flow, relative to the flow (dimensionless).

        Backward Euler takes dp = dt eps_dot(end of step); dt eps_dot(start of step) is the
        explicit step, and their difference, about dt^2 |d eps_dot/dt|, is twice the local
        error. Held below tol times the step's flow, the local errors add up to at most
        tol / 2 of the accumulated viscous strain, so of the relaxed stress in a relaxation
        (3 mu times the strain). Measured against the largest dp of the step; relaxed liquid
        points are left out (backward Euler relaxes them to within eta / (mu dt) of the
        viscous state in any step, and the explicit rate of a held liquid is meaningless).
        """
        up = self.trial
        if up is None or self._trial_dt <= 0.0:
            return 0.0
        own = self._owned
        dp = self._controlled_dp()
        flow = self._max(dp)
        if flow <= FLOW_FLOOR:
            return 0.0
        explicit = np.where(self._controlled[own], self._trial_dt * self._start_rate[own], 0.0)
        return self._max(np.abs(dp - explicit)) / flow

    def rate_error_rms(self) -> float:
        """The estimate of :meth:`rate_error` in root-mean-square form: over the owned points
        whose flow the step size controls, RMS(dp - dt eps_dot(start)) / RMS(dp). The error in
        the bulk of the flow, which a few points at a stress singularity (the edge of a contact
        patch, where the Li's rate is unbounded and changes as nodes touch down) do not set."""
        up = self.trial
        if up is None or self._trial_dt <= 0.0:
            return 0.0
        own = self._owned
        dp = self._controlled_dp()
        if self._max(dp) <= FLOW_FLOOR:
            return 0.0
        explicit = np.where(self._controlled[own], self._trial_dt * self._start_rate[own], 0.0)
        comm = self.mesh.comm
        miss = comm.allreduce(float(np.sum((dp - explicit) ** 2)), op=MPI.SUM)
        flow = comm.allreduce(float(np.sum(dp**2)), op=MPI.SUM)
        return float(np.sqrt(miss / flow))

    def owned_cell_state(self) -> tuple[np.ndarray, np.ndarray]:
        """(cell-mean coordinates, cell-mean committed Cauchy stress) of the owned cells: the
        centroid and the centroid stress where the stress is linear in the cell."""
        x = fem.Expression(ufl.SpatialCoordinate(self.mesh), self.points)
        coords = x.eval(self.mesh, self.cells).reshape(len(self.cells) * self.n_points, -1)
        n = self.n_owned
        return self.cell_means(coords)[:n], self.cell_means(self.sigma)[:n]

    def cell_means(self, values: np.ndarray) -> np.ndarray:
        """Per-cell quadrature-weighted means of a per-point array (cells incl. ghosts)."""
        v = values.reshape(len(self.cells), self.n_points, *values.shape[1:])
        w = self.weights / self.weights.sum()
        return np.tensordot(w, v, axes=(0, 1))
