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

from solver.physics import hencky
from solver.physics.flow import NortonFlow

FLOW_FLOOR = 1.0e-14
"""A step whose largest viscous strain increment is below this does not flow (no estimate)."""

COMPONENTS = {
    "2d": [(0, 0), (0, 2), (1, 1), (2, 0), (2, 2)],
    "3d": [(i, j) for i in range(3) for j in range(3)],
}


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
    creep_rate: ufl.core.expr.Expr  # A exp(-Q / R T), 1/s (0: elastic)
    reference_stress: ufl.core.expr.Expr  # sigma_ref, MPa
    exponent: ufl.core.expr.Expr  # n


class MaterialPoints:
    """Committed and trial state of every quadrature point of a mesh, with its UFL coupling."""

    def __init__(self, mesh, mode: str, element_degree: int, grad_u, inputs: LawInputs, dt,
                 theta=None, theta_variable=None):
        """``inputs`` are built on ``theta_variable`` (``ufl.variable(theta)``) on hosts, so
        that their theta-derivatives can be taken; ``theta`` None: no transport."""
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
                  inputs.reference_stress, inputs.exponent]
        if self.coupled:
            self.dP_dtheta_q = fem.Function(space(m), name="dP_dtheta_q")
            self.theta_q = fem.Function(space(0), name="theta_q")
            tv = theta_variable

            def d(e):
                return ufl.diff(e, tv)

            exprs += [theta] + [d(inputs.growth)[i, j] for i in range(3) for j in range(3)]
            exprs += [d(inputs.shear_modulus), d(inputs.bulk_modulus),
                      d(inputs.reference_stress)]
        self._inputs = fem.Expression(ufl.as_vector(exprs), self.points)
        # committed state
        self.dcv = np.zeros((N, 3, 3))  # Cv^-1 - I
        self.p = np.zeros(N)
        self.q = np.zeros(N)  # equivalent Mandel stress, MPa
        self.sigma = np.zeros((N, 3, 3))
        self._basis = np.zeros((N, m, 3, 3))  # dGrad u along each stored component
        for b, (i, j) in enumerate(self.comps):
            self._basis[:, b, i, j] = 1.0
        self.trial: hencky.PointUpdate | None = None
        self._trial_dt = 0.0
        self._owned = slice(0, self.n_owned * self.n_points)

    # -- UFL side ------------------------------------------------------------------------------

    def first_piola(self, grad_u, theta=None):
        """P(u, theta) linearised about the last evaluation (3x3 UFL tensor)."""
        m = len(self.comps)
        entries = {}
        for a, ij in enumerate(self.comps):
            value = self.P_q[a] + sum(self.C_q[a * m + b] * (grad_u[kl] - self.G_q[b])
                                      for b, kl in enumerate(self.comps))
            if self.coupled:
                value = value + self.dP_dtheta_q[a] * (theta - self.theta_q)
            entries[ij] = value
        return ufl.as_matrix([[entries.get((i, j), 0) for j in range(3)] for i in range(3)])

    # -- NumPy side ----------------------------------------------------------------------------

    def _evaluate_inputs(self) -> np.ndarray:
        values = self._inputs.eval(self.mesh, self.cells)
        return values.reshape(len(self.cells) * self.n_points, -1)

    def _full(self, compact: np.ndarray) -> np.ndarray:
        """(N, ..., m) compact components -> (N, ..., 3, 3)."""
        out = np.zeros((*compact.shape[:-1], 3, 3))
        for a, (i, j) in enumerate(self.comps):
            out[..., i, j] = compact[..., a]
        return out

    def _compact(self, full: np.ndarray) -> np.ndarray:
        return np.stack([full[..., i, j] for i, j in self.comps], axis=-1)

    def evaluate(self) -> None:
        """Run the law at the current fields from the committed state; fill the quadrature
        functions the forms read."""
        m = len(self.comps)
        X = self._evaluate_inputs()
        G = X[:, :m]
        H = self._full(G)
        Fg = X[:, m:m + 9].reshape(-1, 3, 3)
        mu, K, rate, sref, n = (X[:, m + 9 + k] for k in range(5))
        dt = float(self.dt.value)
        up = hencky.update(H, Fg - np.eye(3), mu, K, NortonFlow(rate, sref, n), self.dcv, dt)
        self.trial, self._trial_dt = up, dt
        # explicit rate at the start of the step (committed stress), for the error estimate
        self._start_rate = rate * (self.q / sref) ** n
        tangent = self._compact(up.derivative(self._basis))  # (N, b, a) = dP_a / dG_b
        self.P_q.x.array[:] = self._compact(up.P).ravel()
        self.C_q.x.array[:] = np.swapaxes(tangent, 1, 2).ravel()
        self.G_q.x.array[:] = G.ravel()
        if self.coupled:
            o = m + 14
            theta = X[:, o]
            dFg = X[:, o + 1:o + 10].reshape(-1, 3, 3)
            dmu, dK, dsref = X[:, o + 10], X[:, o + 11], X[:, o + 12]
            dP = up.derivative(np.zeros_like(H), dFg, dmu, dK, dsref)
            self.dP_dtheta_q.x.array[:] = self._compact(dP).ravel()
            self.theta_q.x.array[:] = theta

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

    def max_increment(self) -> float:
        """Largest equivalent viscous strain increment of the trial step."""
        return self._max(self.trial.dp[self._owned]) if self.trial is not None else 0.0

    def rate_error(self) -> float:
        """Error estimate of the trial step's viscous flow, relative to the flow (dimensionless).

        Backward Euler takes dp = dt eps_dot(end of step); dt eps_dot(start of step) is the
        explicit step, and their difference, about dt^2 |d eps_dot/dt|, is twice the local
        error. Held below tol times the step's flow, the local errors add up to at most
        tol / 2 of the accumulated viscous strain, so of the relaxed stress in a relaxation
        (3 mu times the strain). Measured against the largest dp of the step.
        """
        up = self.trial
        if up is None or self._trial_dt <= 0.0:
            return 0.0
        own = self._owned
        flow = self._max(up.dp[own])
        if flow <= FLOW_FLOOR:
            return 0.0
        return self._max(np.abs(up.dp[own] - self._trial_dt * self._start_rate[own])) / flow

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
