"""Coupled diffusion and stress against closed-form solutions.

Tolerances come from the convergence study ``scripts/convergence.py`` (tables in the README):
each is about 1.5-2x the error measured at the resolution used here, and the study shows that
error falling at the expected order (h^2 for P1 theta, h^1.5-2 for the centroid stresses,
dt^1 for backward Euler), so a test fails on a wrong equation, not on discretisation.
Errors are maxima over the body, scaled as documented in :mod:`solver.verification.problems`.
"""

import math

import pytest

from solver.verification import problems


def test_sphere_axisymmetric_reaches_the_steady_state_stress():
    # h = 0.1: theta 3.4e-3, stress 4.9e-3 of sigma_ss = Omega E J R / (15 D (1 - nu))
    err = problems.sphere("axisymmetric", h=0.1, dt=0.01, t_end=1.0)
    assert err.theta < 5e-3
    assert err.stress < 7.5e-3


def test_sphere_axisymmetric_transient_series():
    # t = 0.05 R^2/D, the series' transient terms still large; h = 0.1: 3.0e-3 and 4.9e-3
    err = problems.sphere("axisymmetric", h=0.1, dt=0.0025, t_end=0.05)
    assert err.theta < 5e-3
    assert err.stress < 7.5e-3


def test_sphere_3d_octant():
    # unstructured tetrahedra, h = 0.2: theta 2.2e-2, stress 2.8e-2 (halving h: 4.4e-2, 6.5e-2)
    err = problems.sphere("3d", h=0.2, dt=0.05, t_end=1.0)
    assert err.theta < 0.035
    assert err.stress < 0.045


@pytest.mark.parametrize("mode", ["axisymmetric", "plane_strain"])
def test_film_on_rigid_substrate_follows_crank_and_thin_film_stress(mode):
    # ny = 16, dt = 0.005: theta 2.1e-3, stress 6.3e-3 (both dominated by the dt error)
    err = problems.film(mode, ny=16, dt=0.005, t_end=0.2)
    assert err.theta < 4e-3
    assert err.stress < 1e-2


def test_stress_driven_diffusion_reaches_equilibrium():
    # Omega sigma_h / RT swings by 0.7 across the bar; ny = 16: 6.8e-4 of theta0
    err = problems.bent_bar(16)
    assert err.detail["omega_sigma_over_RT"] > 0.5
    assert err.theta < 1.5e-3


def test_stress_driven_diffusion_dilute_limit():
    # theta0 = 1e-4: theta is c ~ exp(Omega sigma_h / RT) to within the discretisation error
    assert problems.bent_bar(16, theta0=1e-4, dilute=True).theta < 1.5e-3


def _order(e_coarse, e_fine, refinement=2.0):
    return math.log(e_coarse / e_fine) / math.log(refinement)


def test_rate_in_h_sphere():
    coarse, fine = problems.sphere("axisymmetric", 0.2), problems.sphere("axisymmetric", 0.1)
    assert _order(coarse.theta, fine.theta) > 1.7  # measured 2.24
    assert _order(coarse.stress, fine.stress) > 1.5  # measured 1.90


def test_rate_in_h_bent_bar():
    assert _order(problems.bent_bar(8).theta, problems.bent_bar(16).theta) > 1.5  # 1.74


def test_rate_in_dt_film():
    coarse = problems.film("axisymmetric", 64, dt=0.02)
    fine = problems.film("axisymmetric", 64, dt=0.01)
    assert _order(coarse.theta, fine.theta) > 0.85  # measured 0.95 (backward Euler: 1)
    assert _order(coarse.stress, fine.stress) > 0.85  # 0.98
