"""Finite-strain hyperelasticity with growth and viscous (creep) strains.

Kinematics (DESIGN section 3): the growth Fg is split off multiplicatively, and the viscous
strain eps_v additively from the Green-Lagrange strain of the growth-relieved configuration
(a Green-Naghdi split):

    Ce = Fg^-T C Fg^-1 - 2 eps_v,  C = F^T F,  Je = sqrt(det Ce).

For small viscous strain this is the multiplicative F = Fe Fg Fv to first order in eps_v; the
die-cell stack keeps eps_v below about 1 % (reported per step as ``max_creep_strain``). Its
benefit: the deviatoric driving stress is linear in eps_v, so the local creep update is an
exact radial return (see :mod:`solver.physics.creep_predictor`).

Elastic law: compressible neo-Hookean energy per unit intermediate volume,

    psi(Ce) = mu/2 (tr Ce - 3) - mu ln Je + lambda/2 (ln Je)^2

(Holzapfel, Nonlinear Solid Mechanics, 2000, eq. 6.148), mu and lambda the small-strain Lame
moduli of each material. The stored energy per reference volume is W = det(Fg) psi, and the
first Piola-Kirchhoff stress is P = dW/dF (UFL differentiates it).

Creep is driven by the Mandel stress Me = Ce Se = mu (Ce - I) + lambda ln(Je) I, whose
deviator is mu dev(Ce).
"""

from __future__ import annotations

import ufl


def elastic_right_cauchy_green(F, Fg, eps_v):
    """Ce = Fg^-T F^T F Fg^-1 - 2 eps_v."""
    Fg_inv = ufl.inv(Fg)
    return Fg_inv.T * F.T * F * Fg_inv - 2.0 * eps_v


def neo_hookean_energy(Ce, mu, lmbda):
    """psi per unit intermediate volume (MPa)."""
    lnJe = 0.5 * ufl.ln(ufl.det(Ce))
    return mu / 2 * (ufl.tr(Ce) - 3) - mu * lnJe + lmbda / 2 * lnJe**2


def first_piola(F, Fg, eps_v, mu, lmbda):
    """P = dW/dF = det(Fg) F Fg^-1 Se Fg^-T, Se = 2 dpsi/dCe = mu (I - Ce^-1) + lambda ln(Je) Ce^-1."""
    Ce = elastic_right_cauchy_green(F, Fg, eps_v)
    Ce_inv = ufl.inv(Ce)
    Se = mu * (ufl.Identity(3) - Ce_inv) + lmbda * 0.5 * ufl.ln(ufl.det(Ce)) * Ce_inv
    Fg_inv = ufl.inv(Fg)
    return ufl.det(Fg) * F * Fg_inv * Se * Fg_inv.T


def mandel_stress(F, Fg, eps_v, mu, lmbda):
    """Me = mu (Ce - I) + lambda ln(Je) I (MPa)."""
    Ce = elastic_right_cauchy_green(F, Fg, eps_v)
    return mu * (Ce - ufl.Identity(3)) + lmbda * 0.5 * ufl.ln(ufl.det(Ce)) * ufl.Identity(3)


def cauchy_stress(F, P):
    """sigma = P F^T / det F (MPa)."""
    return P * F.T / ufl.det(F)


def von_mises(sigma):
    """sqrt(3/2 s:s) of a 3x3 stress."""
    s = ufl.dev(sigma)
    return ufl.sqrt(1.5 * ufl.inner(s, s))


def mechanics_residual(P, grad_v, weight, dx):
    """Internal virtual work int P : Grad v dV (whole cell in axisymmetric mode via weight)."""
    return ufl.inner(P, grad_v) * weight * dx
