"""Closed-form reference solutions for verifying the chemo-mechanical solver.

Diffusion in a sphere and a slab under constant flux, diffusion-induced stress in a sphere and
a bonded film, stress-driven equilibrium, Sand and finite-slab depletion times, void
closure in Norton creep; see
:mod:`solver.verification.closed_form` for the equations and their sources.
"""

from solver.verification.closed_form import (
    FARADAY,
    GAS_CONSTANT,
    film_inplane_stress,
    finite_slab_depletion_time,
    norton_coefficient,
    sand_time,
    slab_constant_flux,
    sphere_eigenvalues,
    sphere_galvanostatic,
    sphere_steady_state_stress,
    sphere_stresses,
    stress_driven_equilibrium,
    stripping_recession_velocity,
    void_closure_rate,
    void_healing_pressure,
    void_healing_velocity,
)

__all__ = [
    "FARADAY",
    "GAS_CONSTANT",
    "film_inplane_stress",
    "finite_slab_depletion_time",
    "norton_coefficient",
    "sand_time",
    "slab_constant_flux",
    "sphere_eigenvalues",
    "sphere_galvanostatic",
    "sphere_steady_state_stress",
    "sphere_stresses",
    "stress_driven_equilibrium",
    "stripping_recession_velocity",
    "void_closure_rate",
    "void_healing_pressure",
    "void_healing_velocity",
]
