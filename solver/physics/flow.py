"""Viscous flow laws at material points: the scalar return of the exponential map.

A flow law fixes the equivalent viscous strain increment dp of a backward-Euler step from the
trial equivalent (Mandel) stress q_tr. With the Hencky law the deviatoric return is radial and
exact in logarithmic strain (see :mod:`solver.physics.hencky`), so every law reduces to one
scalar equation per point,

    q + 3 mu dp(q) = q_tr,      dp(q) = dt * eps_dot_eq(q),

and returns q with its partial derivatives (for the consistent tangent). Each law is a small
record of per-point arrays (one value per quadrature point) and knows nothing of the mesh.

Every law here is an overstress power law (:class:`ViscousFlow`),

    eps_dot_eq = rate_per_s <(q - k) / s>^n,     <x> = max(x, 0),

with a threshold k (MPa), a stress scale s (MPa) and an exponent n >= 1:

* Norton-Arrhenius (:class:`NortonFlow`): k = 0, s = sigma_ref, rate = A exp(-Q / (R T)) (the
  Arrhenius factor is folded in by the caller).
* Perzyna overstress viscoplasticity (:class:`PerzynaFlow`; Perzyna, Adv. Appl. Mech. 9 (1966)
  243; the form of Bower, Guduru & Sethuraman, J. Mech. Phys. Solids 59 (2011) 804,
  doi:10.1016/j.jmps.2011.01.003): eps_dot_eq = eps0 <q / sigma_y - 1>^m, i.e. k = s = sigma_y,
  rate = eps0, n = m. No flow at or below the yield stress.
* Maxwell liquid (:class:`MaxwellFlow`): eps_dot_eq = q / (3 eta), the Newtonian deviatoric law
  s_dev = 2 eta D_dev written with q = sqrt(3/2) |s_dev| and eps_dot_eq = sqrt(2/3) |D_dev|:
  k = 0, s = 3 eta (1/s), rate = 1/s, n = 1.

Shifted by k, the return is the same equation for every law: with x = q - k and
x_tr = q_tr - k > 0,

    g(x) = x + c (x / s)^n - x_tr = 0,   c = 3 mu dt rate,

increasing and convex in x for n >= 1, solved by Newton from above (below). A point with
x_tr <= 0 or c = 0 is elastic (q = q_tr). Across the yield surface (x_tr -> 0+) the slope
dg/dx = 1 + n c x^(n-1) / s^n tends to 1 for n > 1, so q(q_tr) and dq/dq_tr are continuous: the
return is C1 and Newton keeps its quadratic rate through the elastic/plastic switch (n = 1 has
a jump of the tangent there, as rate-independent plasticity does).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.materials.laws import (
    Curve,
    NortonCreep,
    PerzynaViscoplasticity,
    ViscousLaw,
    ViscousLiquid,
)
from solver.units import GAS_CONSTANT_J_PER_MOL_K

RETURN_RTOL = 1.0e-14
"""Relative tolerance on q of the local Newton iteration (it converges monotonically)."""

MAX_RETURN_ITERATIONS = 200


@dataclass(frozen=True)
class FlowReturn:
    """q and its partials at each point: dq/dq_tr, dq/dmu, dq/dsigma_ref (the law's stress
    parameter that theta moves: s for Norton, sigma_y for Perzyna, eta for the liquid) and,
    for :class:`ViscousFlow`, dq/dk (the threshold; zero elsewhere)."""

    q: np.ndarray
    dq_dq_trial: np.ndarray
    dq_dmu: np.ndarray
    dq_dreference_stress: np.ndarray
    dq_dthreshold: np.ndarray


@dataclass(frozen=True)
class ViscousFlow:
    """Per-point overstress power law eps_dot_eq = rate_per_s <(q - threshold) / scale>^n.

    ``threshold_MPa`` k >= 0, ``scale_MPa`` s > 0, ``exponent`` n >= 1; ``rate_per_s`` = 0
    makes a point elastic. ``dq_dreference_stress`` of the return is dq/ds, ``dq_dthreshold``
    dq/dk.
    """

    rate_per_s: np.ndarray
    threshold_MPa: np.ndarray
    scale_MPa: np.ndarray
    exponent: np.ndarray

    def solve(self, q_trial: np.ndarray, mu: np.ndarray, dt: float) -> FlowReturn:
        """Solve g(x) = x + c (x / s)^n - x_tr = 0 on [0, x_tr], x = q - k.

        g is increasing and convex, so Newton started to the right of the root converges
        monotonically from above. Both x_tr and the flow-only bound
        x_b = s (x_tr / c)^(1/n) satisfy g >= 0; the start is the smaller one, which is close to
        the root both in the elastic limit (x ~ x_tr) and in the stiff limit (x ~ x_b, the step
        relaxes the overstress almost fully).
        """
        c = 3.0 * mu * dt * self.rate_per_s  # MPa
        k, s, n = self.threshold_MPa, self.scale_MPa, self.exponent
        x_trial = q_trial - k
        q = q_trial.astype(float).copy()
        active = (c > 0.0) & (x_trial > 0.0)
        power = np.zeros_like(q)  # 3 mu dp = c (x / s)^n
        x = np.zeros_like(q)
        if np.any(active):
            xt, ca, sa, na = x_trial[active], c[active], s[active], n[active]
            xa = np.minimum(xt, sa * (xt / ca) ** (1.0 / na))
            for _ in range(MAX_RETURN_ITERATIONS):
                pw = ca * (xa / sa) ** na
                step = (xa + pw - xt) / (1.0 + na * pw / xa)
                xa = np.maximum(xa - step, 1e-300)
                if np.all(np.abs(step) <= RETURN_RTOL * xt):
                    break
            x[active] = xa
            q[active] = k[active] + xa
            power[active] = ca * (xa / sa) ** na
        # implicit derivatives of g(x; x_tr = q_tr - k, mu, s) = 0 with q = k + x
        safe_x = np.where(active, x, 1.0)
        slope = np.where(active, 1.0 + n * power / safe_x, 1.0)
        return FlowReturn(
            q=q,
            dq_dq_trial=1.0 / slope,
            dq_dmu=-np.where(active, power / mu, 0.0) / slope,
            dq_dreference_stress=np.where(active, n * power / s, 0.0) / slope,
            dq_dthreshold=np.where(active, 1.0 - 1.0 / slope, 0.0),
        )


@dataclass(frozen=True)
class NortonFlow:
    """Per-point Norton parameters: eps_dot_eq = rate_per_s (q / reference_stress_MPa)^n."""

    rate_per_s: np.ndarray
    reference_stress_MPa: np.ndarray
    exponent: np.ndarray

    def solve(self, q_trial: np.ndarray, mu: np.ndarray, dt: float) -> FlowReturn:
        """The overstress return with k = 0: q + 3 mu dt A' (q / s_ref)^n = q_tr."""
        return ViscousFlow(self.rate_per_s, np.zeros_like(self.rate_per_s),
                           self.reference_stress_MPa, self.exponent).solve(q_trial, mu, dt)


@dataclass(frozen=True)
class PerzynaFlow:
    """Per-point Perzyna parameters: eps_dot_eq = rate_per_s <q / yield_stress_MPa - 1>^m.

    ``dq_dreference_stress`` of the return is the derivative with respect to the yield stress,
    which moves both the threshold and the scale: dq/dsigma_y = dq/dk + dq/ds.
    """

    rate_per_s: np.ndarray  # eps0
    yield_stress_MPa: np.ndarray  # sigma_y
    exponent: np.ndarray  # m

    def solve(self, q_trial: np.ndarray, mu: np.ndarray, dt: float) -> FlowReturn:
        y = self.yield_stress_MPa
        r = ViscousFlow(self.rate_per_s, y, y, self.exponent).solve(q_trial, mu, dt)
        return FlowReturn(r.q, r.dq_dq_trial, r.dq_dmu,
                          r.dq_dreference_stress + r.dq_dthreshold, np.zeros_like(r.q))


@dataclass(frozen=True)
class MaxwellFlow:
    """Per-point Newtonian viscosity: eps_dot_eq = q / (3 viscosity_MPa_s).

    The backward-Euler return is q = q_tr / (1 + mu dt / eta): with the Maxwell time
    eta / mu far below dt the deviator is relaxed to 3 eta times the step's equivalent strain
    rate. ``dq_dreference_stress`` of the return is dq/deta.
    """

    viscosity_MPa_s: np.ndarray

    def solve(self, q_trial: np.ndarray, mu: np.ndarray, dt: float) -> FlowReturn:
        one = np.ones_like(self.viscosity_MPa_s)
        r = ViscousFlow(one, np.zeros_like(one), 3.0 * self.viscosity_MPa_s, one).solve(
            q_trial, mu, dt)
        return FlowReturn(r.q, r.dq_dq_trial, r.dq_dmu, 3.0 * r.dq_dreference_stress,
                          np.zeros_like(r.q))


LIQUID_STEP_RELAXATION = 1.0e-4
"""Floor of a liquid point's Maxwell time, as a fraction of the step (see :func:`liquid_scale`)."""


def liquid_scale(scale_MPa: np.ndarray, mu: np.ndarray, dt: float) -> np.ndarray:
    """The liquid's stress scale s = 3 eta (1/s) with the viscosity floored at
    LIQUID_STEP_RELAXATION mu dt, and where the floor acts (the derivative ds/deta is 0 there).

    Why: a liquid in a displacement formulation has isochoric modes (stirring) whose stiffness
    is the algorithmic shear modulus mu / (1 + mu dt / eta) ~ eta / dt. For Ga-In (eta = 2 mPa s)
    that is 1e-15 of the bulk modulus at dt = 100 s: the linear solve leaves those modes to
    round-off, and a 5 h hold of a liquid layer in the die accumulated a random "creep strain"
    of 0.03 (measured). With the floor the step leaves at most 1e-4 of the trial deviator (the
    relaxed deviator of a real liquid is eta / (mu dt) of it, below 1e-10 here); the stress is
    hydrostatic to that fraction of 3 mu times the step's strain, and the shear stiffness of the
    tangent stays above 1e-4 mu.
    """
    floor = 3.0 * LIQUID_STEP_RELAXATION * mu * dt
    return np.maximum(scale_MPa, floor), scale_MPa < floor


@dataclass(frozen=True)
class OverstressForm:
    """A library law as the constants of :class:`ViscousFlow` (k, s, n, rate) and the theta
    curves it moves: k(theta) = ``threshold_curve``, s(theta) = ``scale_factor`` times
    ``scale_curve``. ``liquid`` marks a law whose relaxation is instantaneous at cell time scales
    (its points are left out of the step-size controls while their Maxwell time is far below
    the step)."""

    rate_per_s: float
    threshold_MPa: float
    scale_MPa: float
    exponent: float
    liquid: bool = False
    threshold_curve: Curve | None = None
    scale_curve: Curve | None = None
    scale_factor: float = 1.0


ELASTIC = OverstressForm(0.0, 0.0, 1.0, 1.0)


def overstress_form(law: ViscousLaw | None, temperature_K: float) -> OverstressForm:
    """The library record ``law`` (None: elastic) in the overstress form at ``temperature_K``."""
    if law is None:
        return ELASTIC
    if isinstance(law, NortonCreep):
        gas = GAS_CONSTANT_J_PER_MOL_K * temperature_K
        rate = float(law.prefactor_per_s * np.exp(-law.activation_energy_J_per_mol / gas))
        return OverstressForm(rate, 0.0, law.reference_stress_MPa, law.stress_exponent,
                              scale_curve=law.reference_stress_vs_theta)
    if isinstance(law, PerzynaViscoplasticity):
        y = law.yield_stress_MPa
        return OverstressForm(law.reference_strain_rate_per_s, y, y, law.overstress_exponent,
                              threshold_curve=law.yield_stress_vs_theta,
                              scale_curve=law.yield_stress_vs_theta)
    if isinstance(law, ViscousLiquid):  # eps_dot = 1/s * q / (3 eta * 1/s)
        return OverstressForm(1.0, 0.0, 3.0 * law.viscosity_MPa_s, 1.0, liquid=True,
                              scale_curve=law.viscosity_vs_theta, scale_factor=3.0)
    raise TypeError(f"unknown viscous law {law!r}")
