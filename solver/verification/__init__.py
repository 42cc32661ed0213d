"""Closed-form reference solutions (diffusion, diffusion-induced stress, depletion times) used
to verify the chemo-mechanical solver; see :mod:`solver.verification.closed_form`."""

from solver.verification.closed_form import (
    FARADAY,
    GAS_CONSTANT,
    film_inplane_stress,
    finite_slab_depletion_time,
    sand_time,
    slab_constant_flux,
    sphere_eigenvalues,
    sphere_galvanostatic,
    sphere_steady_state_stress,
    sphere_stresses,
    stress_driven_equilibrium,
)

__all__ = [
    "FARADAY",
    "GAS_CONSTANT",
    "film_inplane_stress",
    "finite_slab_depletion_time",
    "sand_time",
    "slab_constant_flux",
    "sphere_eigenvalues",
    "sphere_galvanostatic",
    "sphere_steady_state_stress",
    "sphere_stresses",
    "stress_driven_equilibrium",
]
