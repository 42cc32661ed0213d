"""Die wall and plunger: the supports of the stack.

Plunger: a rigid face with uniform axial displacement U, held by a fixture
whose force on the stack is F = F0 + k (U - U0): k = 0 holds a constant force (constant
pressure), finite k is a spring (or a frame of finite stiffness), k = inf a fixed gap. The
equilibrium of the plunger is  R_U = int P : Grad(phi) dV + F = 0, where phi is the virtual
motion of the face (1 on the face's axial dofs); -int P : Grad(phi) dV / A is the stack pressure.

Die wall: frictionless and unilateral (:mod:`solver.physics.contact`). An elastic holder is a
thick cylinder (bore a, outer radius b, E_h, nu_h) whose bore opens under internal pressure p by
(plane strain, Lame; e.g. Timoshenko & Goodier, Theory of Elasticity, section 30)

    u(a) = p a (1 + nu_h) [(1 - 2 nu_h) a^2 + b^2] / (E_h (b^2 - a^2)),

so the wall pushes on the stack with a radial stiffness k_w = p / u(a) per unit area.
"""

from __future__ import annotations

from solver.materials import Elastic


def holder_stiffness_MPa_per_mm(holder: Elastic, bore_mm: float, outer_mm: float) -> float:
    """Radial stiffness p / u(a) (MPa/mm) of a thick-walled elastic holder, plane strain."""
    a2, b2 = bore_mm**2, outer_mm**2
    nu = holder.poisson_ratio
    return holder.youngs_modulus_MPa * (b2 - a2) / (bore_mm * (1 + nu) * ((1 - 2 * nu) * a2 + b2))


def fixture_force(preload_N: float, stiffness_N_per_mm: float, U: float, U0: float) -> float:
    """F = F0 + k (U - U0) for finite k (N); positive pushes the plunger onto the stack."""
    return preload_N + stiffness_N_per_mm * (U - U0)
