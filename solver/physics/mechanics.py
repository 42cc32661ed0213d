"""Equilibrium and stress measures of the total-Lagrangian formulation.

The stress itself comes from the material points (:mod:`solver.physics.material_points`,
Hencky elasticity with viscous flow, :mod:`solver.physics.hencky`); this module turns it into
the weak form and into the measures the outputs report.
"""

from __future__ import annotations

import ufl


def cauchy_stress(F, P):
    """sigma = P F^T / det F (MPa)."""
    return P * F.T / ufl.det(F)


def mechanics_residual(P, grad_v, weight, dx):
    """Internal virtual work int P : Grad v dV (whole cell in axisymmetric mode via weight)."""
    return ufl.inner(P, grad_v) * weight * dx
