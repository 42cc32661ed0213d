"""Finite-strain Hencky elasticity with isochoric viscous flow, at material points (NumPy).

Kinematics: F = Fe Fv Fg. The growth Fg (swelling, plating) acts on the
reference; the viscous part Fv (det Fv = 1) acts on the grown configuration, whose metric
Cv = Fv^T Fv is the internal variable, stored as Cv^-1 at each quadrature point. For isotropic
growth Fg = J_g^(1/3) I this is the same as F = Fe Fg Fv; for the axial growth of plated Li the
flow acts on the grown layer.

Elastic law (Hencky, logarithmic strain; e.g. de Souza Neto, Peric & Owen, Computational
Methods for Plasticity, Wiley 2008, section 14.2):

    eps_e = (1/2) ln(b_e),  b_e = Fe Fe^T,  tau = K tr(eps_e) I + 2 mu dev(eps_e),

tau the Kirchhoff stress per unit volume of the grown, stress-free configuration. Then
sigma = tau / J_e with J_e = det F / J_g, and P = J sigma F^-T = J_g tau F^-T.

Flow (exponential map, Weber & Anand 1990; Eterovic & Bathe 1990; de Souza Neto et al.
section 14.4): with the trial b_e,tr = Fbar Cv_n^-1 Fbar^T, Fbar = F Fg^-1, backward Euler
on Lv = dp (3/2) dev(tau) / q gives, for an isotropic law, the radial return in log strain

    eps_e = eps_e,tr - dp (3/2) dev(tau) / q,   q = q_tr - 3 mu dp,   q = sqrt(3/2) |dev tau|,

with dp from the flow law (:mod:`solver.physics.flow`), and Cv^-1 = Fbar^-1 exp(2 eps_e) Fbar^-T.
The flow is deviatoric, so det Cv^-1 is kept exactly (to round-off): volume is conserved at any
viscous strain, unlike an additive split of the Green-Lagrange strain.

Consistent tangent: the derivative of ln(b) along a symmetric db is the Daleckii-Krein formula
d ln(b) = Q [G o (Q^T db Q)] Q^T, b = Q diag(lambda) Q^T, with the first divided differences
G_ij = (ln lambda_i - ln lambda_j) / (lambda_i - lambda_j) (G_ii = 1 / lambda_i), evaluated
without loss of accuracy for equal eigenvalues. :meth:`PointUpdate.derivative` returns dP along
any direction (dF, dFg, dmu, dK, dsigma_ref, dk): the columns of dP/dF and the coupling to theta
(through the growth, the moduli and the flow law's stress parameters: the reference stress or
yield stress, and the threshold of an overstress law, :mod:`solver.physics.flow`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.physics.flow import ViscousFlow

I3 = np.eye(3)
TINY_STRAIN = 1.0e-14
"""Below this equivalent trial strain the deviator is treated as zero (no flow direction)."""


def _t(a):
    return np.swapaxes(a, -1, -2)


def inverse(A: np.ndarray) -> np.ndarray:
    """Inverses of (..., 3, 3) matrices by the adjugate, A^-1 = adj(A) / det(A): about 2.4
    times faster than :func:`numpy.linalg.inv`'s per-matrix LU (32 768 matrices: 10 ms against
    25 ms). A singular matrix raises
    :class:`numpy.linalg.LinAlgError`, as :func:`numpy.linalg.inv` does."""
    a = [[A[..., i, j] for j in range(3)] for i in range(3)]
    cof = np.empty_like(A)
    for i in range(3):
        for j in range(3):
            r, s = (i + 1) % 3, (i + 2) % 3
            u, v = (j + 1) % 3, (j + 2) % 3
            cof[..., j, i] = a[r][u] * a[s][v] - a[r][v] * a[s][u]  # transposed: adj(A)
    det = a[0][0] * cof[..., 0, 0] + a[0][1] * cof[..., 1, 0] + a[0][2] * cof[..., 2, 0]
    if np.any(det == 0.0):
        raise np.linalg.LinAlgError("Singular matrix")
    return cof / det[..., None, None]


def log_divided_differences(beta: np.ndarray) -> np.ndarray:
    """G_ij = (ln l_i - ln l_j) / (l_i - l_j), G_ii = 1 / l_i, for eigenvalues l = 1 + beta
    given as beta (N, 3) (the differences l_i - l_j = beta_i - beta_j keep their digits).

    Written as log1p(d) / (d l_j) with d = (l_i - l_j) / l_j, and its series near d = 0.
    """
    lj = 1.0 + beta[:, None, :]
    d = (beta[:, :, None] - beta[:, None, :]) / lj
    small = np.abs(d) < 1.0e-6
    d_safe = np.where(small, 1.0, d)
    ratio = np.where(small, 1.0 - d / 2.0 + d * d / 3.0, np.log1p(d_safe) / d_safe)
    return ratio / lj


@dataclass
class PointUpdate:
    """The state after one backward-Euler step at every point, and what its tangent needs."""

    P: np.ndarray  # first Piola-Kirchhoff stress (N, 3, 3), MPa
    tau: np.ndarray  # Kirchhoff stress (N, 3, 3), MPa
    sigma: np.ndarray  # Cauchy stress (N, 3, 3), MPa
    dcv: np.ndarray  # updated Cv^-1 - I (N, 3, 3)
    dp: np.ndarray  # equivalent viscous strain increment (N,)
    q: np.ndarray  # equivalent Mandel stress after the step (N,), MPa
    # kept for derivative()
    _F_inv_t: np.ndarray
    _Fg_inv: np.ndarray
    _Fbar: np.ndarray
    _cv_n: np.ndarray
    _Q: np.ndarray
    _G: np.ndarray
    _trace: np.ndarray
    _dev: np.ndarray  # principal deviatoric trial strains (N, 3)
    _ebar: np.ndarray
    _rho: np.ndarray
    _flow: object
    _mu: np.ndarray
    _K: np.ndarray
    _Jg: np.ndarray

    def derivative(self, dF, dFg=None, dmu=None, dK=None, dsref=None,
                   dthreshold=None) -> np.ndarray:
        """dP along the given directions; arrays carry a leading point axis and may carry one
        direction axis after it: dF (N, m, 3, 3) -> dP (N, m, 3, 3). ``dsref`` moves the law's
        stress parameter (``FlowReturn.dq_dreference_stress``), ``dthreshold`` its threshold."""
        many = dF.ndim == 4
        ex = (lambda a: a[:, None]) if many else (lambda a: a)
        zeros_s = np.zeros(dF.shape[:-2])
        dFg = np.zeros_like(dF) if dFg is None else dFg
        dmu = zeros_s if dmu is None else dmu
        dK = zeros_s if dK is None else dK
        dsref = zeros_s if dsref is None else dsref
        dthreshold = zeros_s if dthreshold is None else dthreshold
        Fg_inv, Fbar, cv, Q = ex(self._Fg_inv), ex(self._Fbar), ex(self._cv_n), ex(self._Q)
        dFbar = dF @ Fg_inv - Fbar @ dFg @ Fg_inv
        dbe = dFbar @ cv @ _t(Fbar)
        dbe = dbe + _t(dbe)
        de = 0.5 * ex(self._G) * (_t(Q) @ dbe @ Q)  # d eps_e,tr in the eigenbasis
        dtau_hat = self._principal_stress_change(de, dmu, dK, dsref, dthreshold, ex)
        dtau = Q @ dtau_hat @ _t(Q)
        Jg, tau, FinvT = ex(self._Jg), ex(self.tau), ex(self._F_inv_t)
        dJg = Jg * np.einsum("...ij,...ji->...", Fg_inv, dFg)
        dFinvT = -FinvT @ _t(dF) @ FinvT
        return (dJg[..., None, None] * tau @ FinvT + Jg[..., None, None] * (dtau @ FinvT)
                + Jg[..., None, None] * (tau @ dFinvT))

    def _principal_stress_change(self, de, dmu, dK, dsref, dthreshold, ex):
        """d tau in the eigenbasis of b_e,tr from d eps_e,tr there (``de``) and the moduli and
        flow parameters' changes: the radial return differentiated."""
        dtr = np.trace(de, axis1=-2, axis2=-1)
        ddev = de - dtr[..., None, None] / 3.0 * I3
        dev, ebar, rho = ex(self._dev), ex(self._ebar), ex(self._rho)
        mu, K = ex(self._mu), ex(self._K)
        moving = ebar > TINY_STRAIN
        safe = np.where(moving, ebar, 1.0)
        debar = np.where(moving, (2.0 / 3.0) * np.einsum("...i,...ii->...", dev, ddev) / safe, 0.0)
        dq_tr = 3.0 * dmu * ebar + 3.0 * mu * debar
        r = self._flow
        dq = (ex(r.dq_dq_trial) * dq_tr + ex(r.dq_dmu) * dmu + ex(r.dq_dreference_stress) * dsref
              + ex(r.dq_dthreshold) * dthreshold)
        q_tr = 3.0 * mu * safe
        drho = np.where(moving, (dq - rho * dq_tr) / q_tr, 0.0)
        dev_m = dev[..., :, None] * I3  # diag(dev) as a matrix
        return ((dK * ex(self._trace) + K * dtr)[..., None, None] * I3
                + (2.0 * (dmu * rho + mu * drho))[..., None, None] * dev_m
                + (2.0 * mu * rho)[..., None, None] * ddev)

    def gradient_tangent(self, comps: list[tuple[int, int]]) -> np.ndarray:
        """dP along each unit direction dF = e_i e_j^T of ``comps`` (N, m, 3, 3): what
        :meth:`derivative` gives for those directions, with its products of a unit direction
        written out as the outer products they are,

            Q^T dbe_tr Q = X + X^T,  X = (Q^T e_i)(e_j^T Fg^-1 Cv_n^-1 Fbar^T Q),
            tau dF^-T = -(tau F^-T e_j)(e_i^T F^-T),

        so that only d tau F^-T = Q (d tau_hat)(Q^T F^-T) is a product per direction (two
        instead of about fourteen: the tangent is most of the material-point update)."""
        rows = [i for i, _ in comps]
        cols = [j for _, j in comps]
        Q, FinvT = self._Q, self._F_inv_t
        B = self._Fg_inv @ self._cv_n @ _t(self._Fbar) @ Q
        X = Q[:, rows, :, None] * B[:, cols, None, :]
        de = 0.5 * self._G[:, None] * (X + _t(X))
        zero = np.zeros(X.shape[:2])
        dtau_hat = self._principal_stress_change(de, zero, zero, zero, zero, lambda a: a[:, None])
        S = self.tau @ FinvT
        Jg = self._Jg[:, None, None, None]
        # einsum's pairwise contraction runs about 2.5 x faster than broadcast matmul here
        dtau_FinvT = np.einsum("nik,nbkl,nlj->nbij", Q, dtau_hat, _t(Q) @ FinvT, optimize=True)
        return Jg * (dtau_FinvT
                     - np.swapaxes(S[:, :, cols], 1, 2)[..., None] * FinvT[:, rows, None, :])


def update(H: np.ndarray, Hg: np.ndarray, mu: np.ndarray, K: np.ndarray, flow: ViscousFlow,
           dcv_n: np.ndarray, dt: float) -> PointUpdate:
    """One backward-Euler step of the Hencky / exponential-map law at N points.

    Arguments are the small parts, so that strains of 1e-4 keep their digits: H = F - I (the
    displacement gradient), Hg = Fg - I, and ``dcv_n`` = Cv^-1 - I of the committed state, all
    (N, 3, 3); mu, K (N,) in MPa; ``flow`` any law of :mod:`solver.physics.flow`; dt in s
    (dt = 0: an elastic step, no flow).
    b_e,tr - I = Hbar + Hbar^T + Hbar Hbar^T + Fbar dCv Fbar^T with Hbar = Fbar - I, and
    eps = (1/2) log1p(eigenvalues of b_e,tr - I).
    """
    F, Fg = I3 + H, I3 + Hg
    Fg_inv = inverse(Fg)
    Hbar = (H - Hg) @ Fg_inv
    Fbar = I3 + Hbar
    B = Hbar + _t(Hbar) + Hbar @ _t(Hbar) + Fbar @ dcv_n @ _t(Fbar)
    beta, Q = np.linalg.eigh(0.5 * (B + _t(B)))  # eigenvalues of b_e,tr, minus one
    e = 0.5 * np.log1p(beta)
    trace = e.sum(axis=1)
    dev = e - trace[:, None] / 3.0
    ebar = np.sqrt(2.0 / 3.0 * np.sum(dev * dev, axis=1))
    q_trial = 3.0 * mu * ebar
    result = flow.solve(q_trial, mu, dt)
    moving = ebar > TINY_STRAIN
    rho = np.where(moving, result.q / np.where(moving, q_trial, 1.0), 1.0)
    e_new = trace[:, None] / 3.0 + rho[:, None] * dev
    tau_pr = K[:, None] * trace[:, None] + 2.0 * mu[:, None] * rho[:, None] * dev
    tau = (Q * tau_pr[:, None, :]) @ _t(Q)
    # Cv^-1 - I = Fbar^-1 (I + M) Fbar^-T - I = -(I + Kc)^-1 Kc + Fbar^-1 M Fbar^-T,
    # M = b_e - I, Kc = Fbar^T Fbar - I
    M = (Q * np.expm1(2.0 * e_new)[:, None, :]) @ _t(Q)
    Kc = Hbar + _t(Hbar) + _t(Hbar) @ Hbar
    Fbar_inv = inverse(Fbar)
    dcv = -np.linalg.solve(I3 + Kc, Kc) + Fbar_inv @ M @ _t(Fbar_inv)
    Jg = np.linalg.det(Fg)
    F_inv_t = _t(inverse(F))
    J_e = np.linalg.det(F) / Jg
    P = Jg[:, None, None] * tau @ F_inv_t
    dp = np.where(moving, (q_trial - result.q) / (3.0 * mu), 0.0)
    return PointUpdate(
        P=P, tau=tau, sigma=tau / J_e[:, None, None], dcv=0.5 * (dcv + _t(dcv)), dp=dp,
        q=result.q, _F_inv_t=F_inv_t, _Fg_inv=Fg_inv, _Fbar=Fbar, _cv_n=I3 + dcv_n, _Q=Q,
        _G=log_divided_differences(beta), _trace=trace, _dev=dev, _ebar=ebar, _rho=rho,
        _flow=result, _mu=mu, _K=K, _Jg=Jg,
    )
