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

Relaxing frame: a standard linear solid, a spring (1 - r) k in parallel with a Maxwell arm (a
spring r k in series with a dashpot, time constant tau). The arm's force F_m obeys
dF_m/dt = r k dU/dt - F_m / tau, so at a held gap the fixture force decays from F0 to
(1 - r) F0 as exp(-t / tau); a spring in series with a Maxwell arm alone would relax to zero
force. Over a step of length dt with U linear in time the exact update is

    F_m(t + dt) = F_m(t) e^(-x) + r k phi(x) (U(t + dt) - U(t)),  x = dt / tau,
    phi(x) = (1 - e^(-x)) / x,

so within a step the fixture is again linear in U, F = F_start + k_dt (U - U(t)) with
k_dt = (1 - r) k + r k phi(x) (:func:`relaxing_frame_step`). A re-set of the fixture (a
protocol step's ``pressure_MPa``) loads the arm with its share r F of the new force.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from solver.materials import Elastic


def holder_stiffness_MPa_per_mm(holder: Elastic, bore_mm: float, outer_mm: float) -> float:
    """Radial stiffness p / u(a) (MPa/mm) of a thick-walled elastic holder, plane strain."""
    a2, b2 = bore_mm**2, outer_mm**2
    nu = holder.poisson_ratio
    return holder.youngs_modulus_MPa * (b2 - a2) / (bore_mm * (1 + nu) * ((1 - 2 * nu) * a2 + b2))


def fixture_force(preload_N: float, stiffness_N_per_mm: float, U: float, U0: float) -> float:
    """F = F0 + k (U - U0) for finite k (N); positive pushes the plunger onto the stack."""
    return preload_N + stiffness_N_per_mm * (U - U0)


@dataclass(frozen=True)
class FrameStep:
    """The fixture over one step: F(U) = force_N + stiffness_N_per_mm (U - U_start)."""

    force_N: float
    stiffness_N_per_mm: float
    arm_decay: float  # e^(-x)
    arm_stiffness_N_per_mm: float  # r k phi(x)

    def arm_force(self, arm_start_N: float, dU: float) -> float:
        """Maxwell arm force at the end of the step for a plunger travel dU (exact for U linear in t)."""
        return arm_start_N * self.arm_decay + self.arm_stiffness_N_per_mm * dU


def relaxing_frame_step(elastic_force_N: float, arm_force_N: float, stiffness_N_per_mm: float,
                        fraction: float, tau_s: float, dt_s: float) -> FrameStep:
    """The step's linear fixture law from its start: ``elastic_force_N`` is the parallel
    spring's force (1 - r) F0 + (1 - r) k (U - U0) and ``arm_force_N`` the arm's, at U(t)."""
    x = dt_s / tau_s
    decay = math.exp(-x)
    phi = -math.expm1(-x) / x if x > 0.0 else 1.0
    arm_k = fraction * stiffness_N_per_mm * phi
    return FrameStep(elastic_force_N + arm_force_N * decay,
                     (1.0 - fraction) * stiffness_N_per_mm + arm_k, decay, arm_k)
