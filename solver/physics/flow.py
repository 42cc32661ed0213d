"""Viscous flow laws at material points: the scalar return of the exponential map.

A flow law fixes the equivalent viscous strain increment dp of a backward-Euler step from the
trial equivalent (Mandel) stress q_tr. With the Hencky law the deviatoric return is radial and
exact in logarithmic strain (see :mod:`solver.physics.hencky`), so every law reduces to one
scalar equation per point,

    q + 3 mu dp(q) = q_tr,      dp(q) = dt * eps_dot_eq(q),

and returns q with its partial derivatives (for the consistent tangent). Each law is a small
record of per-point arrays (one value per quadrature point) and knows nothing of the mesh.

Norton-Arrhenius: eps_dot_eq = A exp(-Q / (R T)) (q / sigma_ref)^n; the
Arrhenius factor is folded into ``rate_per_s`` = A exp(-Q / (R T)) by the caller. A point with
``rate_per_s`` = 0 is elastic (q = q_tr).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RETURN_RTOL = 1.0e-14
"""Relative tolerance on q of the local Newton iteration (it converges monotonically)."""

MAX_RETURN_ITERATIONS = 200


@dataclass(frozen=True)
class FlowReturn:
    """q and its partials dq/dq_tr, dq/dmu, dq/dsigma_ref at each point."""

    q: np.ndarray
    dq_dq_trial: np.ndarray
    dq_dmu: np.ndarray
    dq_dreference_stress: np.ndarray


@dataclass(frozen=True)
class NortonFlow:
    """Per-point Norton parameters: eps_dot_eq = rate_per_s (q / reference_stress_MPa)^n."""

    rate_per_s: np.ndarray
    reference_stress_MPa: np.ndarray
    exponent: np.ndarray

    def solve(self, q_trial: np.ndarray, mu: np.ndarray, dt: float) -> FlowReturn:
        """Solve f(q) = q + 3 mu dt A' (q / s_ref)^n - q_tr = 0 on [0, q_tr].

        f is increasing and convex in q, so Newton started to the right of the root converges
        monotonically from above. Both q_tr and the creep-only bound
        q_b = s_ref (q_tr / (3 mu dt A'))^(1/n) satisfy f >= 0; the start is the smaller one,
        which is close to the root both in the elastic limit (q ~ q_tr) and in the stiff limit
        (q ~ q_b, the step relaxes the stress almost fully).
        """
        c = 3.0 * mu * dt * self.rate_per_s  # MPa
        sref, n = self.reference_stress_MPa, self.exponent
        q = q_trial.astype(float).copy()
        active = (c > 0.0) & (q_trial > 0.0)
        power = np.zeros_like(q)  # 3 mu dp = c (q / s_ref)^n
        if np.any(active):
            qt, ca, sa, na = q_trial[active], c[active], sref[active], n[active]
            x = np.minimum(qt, sa * (qt / ca) ** (1.0 / na))
            for _ in range(MAX_RETURN_ITERATIONS):
                pw = ca * (x / sa) ** na
                step = (x + pw - qt) / (1.0 + na * pw / x)
                x = np.maximum(x - step, 1e-300)
                if np.all(np.abs(step) <= RETURN_RTOL * qt):
                    break
            q[active] = x
            power[active] = ca * (x / sa) ** na
        # implicit derivatives of f(q; q_tr, mu, s_ref) = 0
        safe_q = np.where(active, q, 1.0)
        slope = np.where(active, 1.0 + n * power / safe_q, 1.0)
        return FlowReturn(
            q=q,
            dq_dq_trial=1.0 / slope,
            dq_dmu=-np.where(active, power / mu, 0.0) / slope,
            dq_dreference_stress=np.where(active, n * power / sref, 0.0) / slope,
        )

