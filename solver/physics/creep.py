"""Norton-Arrhenius creep, integrated by backward Euler inside the monolithic Newton solve.

Flow rule (DESIGN section 3), with s = dev(Me) and sigma_eq = sqrt(3/2 s:s):

    d eps_v / dt = (3/2) A exp(-Q / (R T)) (sigma_eq / sigma_ref)^(n - 1) s / sigma_ref,

which is eps_dot_eq = A exp(-Q/RT) (sigma_eq/sigma_ref)^n along (3/2) s / sigma_eq, written so
that it is smooth at sigma_eq = 0. The viscous strain eps_v is an unknown field (one value per
component per cell for degree-0 spaces), and the residual

    E_ref [ (eps_v - eps_v_n) - dt * rate(eps_v, u) ] : tau = 0

is the backward-Euler update. eps_v lives at one point per cell (DG0, evaluated with the
one-point centroid rule), so the residual is the pointwise law there: after every Newton
update the local return map (:mod:`solver.physics.creep_predictor`) solves it exactly at fixed
displacement, and the monolithic Jacobian is then the consistent (condensed) tangent.
eps_v_n is committed only when a step is accepted.
"""

from __future__ import annotations

import ufl

from solver.units import GAS_CONSTANT_J_PER_MOL_K


def creep_rate(Me, prefactor, activation_energy, reference_stress, exponent, temperature):
    """Viscous strain rate (1/s) from the Mandel stress; zero where ``prefactor`` is 0."""
    s = ufl.dev(Me)
    seq2 = 1.5 * ufl.inner(s, s)
    arrhenius = ufl.exp(-activation_energy / (GAS_CONSTANT_J_PER_MOL_K * temperature))
    scaled = (seq2 / reference_stress**2 + 1e-30) ** ((exponent - 1.0) / 2.0)
    return 1.5 * prefactor * arrhenius * scaled * s / reference_stress


def creep_residual(eps_v, eps_v_old, rate, dt, tau, stiffness, weight, dx):
    """Backward-Euler residual, scaled by a stiffness so its rows weigh like forces."""
    return stiffness * ufl.inner(eps_v - eps_v_old - dt * rate, tau) * weight * dx


def equivalent_strain(eps_v):
    """sqrt(2/3 eps:eps), the von Mises equivalent of a deviatoric strain."""
    return ufl.sqrt(2.0 / 3.0 * ufl.inner(eps_v, eps_v) + 1e-30)
