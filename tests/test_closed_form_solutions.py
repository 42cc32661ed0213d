"""The closed-form reference solutions of solver.verification against independent facts.

Each solution is checked against what does not depend on the series that produced it: the
PDE and boundary conditions (finite differences of the returned field), mass balance
(quadrature), a finite-volume method-of-lines solution integrated with scipy, mechanical
equilibrium and compatibility, known roots and limits, and the documented truncation bounds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp
from scipy.optimize import brentq

from solver.verification import (
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
from solver.verification.closed_form import _slab_surface_rise

# A graphite-like particle in the solver's units (mm, s, mol, MPa).
R, D, FLUX, C0 = 5e-3, 1e-8, 2e-11, 3e-6  # mm, mm^2/s, mol/(mm^2 s) (0.2 mA/cm^2), mol/mm^3
OMEGA, E, NU = 3.5e3, 1.0e4, 0.3  # mm^3/mol, MPa, -
T_DIFF = R**2 / D  # diffusion time, s
SCALE = FLUX * R / D  # concentration scale, mol/mm^3
SIG = OMEGA * E / (9 * (1 - NU)) * SCALE  # stress scale, MPa


def fv_solution(faces, spherical, D, flux, c0, times):
    """Cell-centred finite volumes (slab or sphere) on `faces`, inward flux at the last face."""
    centres = 0.5 * (faces[1:] + faces[:-1])
    vol = np.diff(faces**3) / 3 if spherical else np.diff(faces)
    a = faces**2 if spherical else np.ones_like(faces)
    g = D * a[1:-1] / np.diff(centres)
    n = centres.size
    A = np.zeros((n, n))
    i = np.arange(n - 1)
    A[i, i] -= g
    A[i, i + 1] += g
    A[i + 1, i + 1] -= g
    A[i + 1, i] += g
    A /= vol[:, None]
    b = np.zeros(n)
    b[-1] = flux * a[-1] / vol[-1]
    sol = solve_ivp(lambda t, c: A @ c + b, (0, times[-1]), np.full(n, c0), t_eval=times,
                    method="BDF", jac=A, rtol=1e-10, atol=1e-12 * abs(flux) * faces[-1] / D)
    assert sol.success
    return centres, sol.y.T


# ---------------------------------------------------------------------------------- eigenvalues


def test_sphere_eigenvalues_are_the_roots_of_tan_x_equals_x():
    lam = sphere_eigenvalues(400)
    k = np.arange(1, 401)
    assert np.all((lam > k * np.pi) & (lam < (k + 0.5) * np.pi))
    newton_step = (np.sin(lam) - lam * np.cos(lam)) / (lam * np.sin(lam))
    assert np.all(np.abs(newton_step) <= 2 * np.spacing(lam))  # the root to the last ulp
    assert lam[0] == pytest.approx(4.493409457909064, abs=1e-14)
    assert lam[1] == pytest.approx(7.725251836937707, abs=1e-14)
    f = lambda x: np.sin(x) - x * np.cos(x)  # noqa: E731
    ref = [brentq(f, j * np.pi, (j + 0.5) * np.pi, xtol=1e-15) for j in range(1, 30)]
    np.testing.assert_allclose(lam[:29], ref, rtol=1e-14)
    q = (k[20:] + 0.5) * np.pi  # asymptotic expansion q - 1/q - 2/(3q^3) - 13/(15 q^5)
    np.testing.assert_allclose(lam[20:], q - 1 / q - 2 / (3 * q**3) - 13 / (15 * q**5), rtol=1e-13)
    assert sphere_eigenvalues(0).size == 0


# --------------------------------------------------------------------------------------- sphere


def test_sphere_initial_state_and_mean_concentration():
    r = np.linspace(0, R, 11)
    assert np.array_equal(sphere_galvanostatic(r, 0.0, R, D, FLUX, C0), np.full(11, C0))
    for tau in (1e-3, 0.05, 0.3, 3.0):
        t = tau * T_DIFF
        mean = 3 / R**3 * quad(lambda s: sphere_galvanostatic(s, t, R, D, FLUX, C0) * s * s, 0, R,
                               epsabs=0, epsrel=1e-12, limit=200)[0]
        assert mean == pytest.approx(C0 + 3 * FLUX * t / R, rel=1e-11)


def test_sphere_satisfies_pde_and_boundary_conditions():
    t, h, dt = 0.07 * T_DIFF, 1e-4 * R, 1e-4 * T_DIFF
    c = lambda r, s=t: sphere_galvanostatic(r, s, R, D, FLUX, C0)  # noqa: E731
    surface_slope = (3 * c(R) - 4 * c(R - h) + c(R - 2 * h)) / (2 * h)
    assert D * surface_slope == pytest.approx(FLUX, rel=1e-6)
    assert abs(c(h) - c(0.0)) < 1e-6 * SCALE  # zero slope at the centre
    r = np.linspace(0.1, 0.9, 9) * R
    dcdt = (c(r, t + dt) - c(r, t - dt)) / (2 * dt)
    lap = (c(r + h) - 2 * c(r) + c(r - h)) / h**2 + (c(r + h) - c(r - h)) / (h * r)
    np.testing.assert_allclose(dcdt, D * lap, rtol=0, atol=1e-5 * FLUX / R)


def test_sphere_against_finite_volumes():
    times = np.array([0.01, 0.1, 0.5]) * T_DIFF
    centres, c_fv = fv_solution(np.linspace(0, R, 301), True, D, FLUX, C0, times)
    for t, row in zip(times, c_fv):
        np.testing.assert_allclose(sphere_galvanostatic(centres, t, R, D, FLUX, C0), row,
                                   rtol=0, atol=2e-5 * SCALE)


def test_sphere_centre_limit_and_long_time_profile():
    t = 0.02 * T_DIFF
    assert sphere_galvanostatic(0.0, t, R, D, FLUX) == pytest.approx(
        sphere_galvanostatic(1e-9 * R, t, R, D, FLUX), rel=1e-12)
    lam = sphere_eigenvalues(200)
    tau = t / T_DIFF
    direct = SCALE * (3 * tau - 0.3 - 2 * np.sum(np.exp(-lam**2 * tau) / (lam * np.sin(lam))))
    assert sphere_galvanostatic(0.0, t, R, D, FLUX) == pytest.approx(direct, rel=1e-13)
    # Long times: a growing parabola, c(R) - c(0) = F R / (2 D).
    c_late = sphere_galvanostatic(np.array([0.0, R]), 5 * T_DIFF, R, D, FLUX)
    assert c_late[1] - c_late[0] == pytest.approx(0.5 * SCALE, rel=1e-12)
    # Broadcasting over t as well as r.
    grid = sphere_galvanostatic(np.linspace(0, R, 4)[:, None], np.array([0.0, t]), R, D, FLUX)
    assert grid.shape == (4, 2) and np.all(grid[:, 0] == 0)


@pytest.mark.parametrize("tau", [1e-5, 1e-4, 1e-3, 1e-2])
@pytest.mark.parametrize("n", [10, 50, 200])
def test_sphere_truncation_error_within_documented_bound(tau, n):
    r = np.linspace(0, R, 41)
    ref = sphere_galvanostatic(r, tau * T_DIFF, R, D, FLUX, n_terms=4000)
    err = np.max(np.abs(sphere_galvanostatic(r, tau * T_DIFF, R, D, FLUX, n_terms=n) - ref))
    q = (n + 1) ** 2 * math.pi**2 * tau
    bound = 0.66 * math.exp(-q) / ((n + 1) * (1 - math.exp(-(2 * n + 3) * math.pi**2 * tau)))
    assert err <= bound * SCALE + 1e-14 * SCALE
    if tau >= 1e-4 and n == 200:
        assert err < 1e-14 * SCALE


# ------------------------------------------------------------------------------- sphere stresses


def test_sphere_stress_boundary_and_centre_values():
    r = np.linspace(0, R, 101)
    for tau in (0.003, 0.05, 0.4):
        sr, st = sphere_stresses(r, tau * T_DIFF, R, D, FLUX, OMEGA, E, NU, C0)
        assert abs(sr[-1]) < 1e-13 * SIG
        assert sr[0] == pytest.approx(st[0], rel=1e-13)
        assert sr[0] > 0 and st[-1] < 0  # centre in tension, surface hoop compression
    sr, st = sphere_stresses(r, 0.0, R, D, FLUX, OMEGA, E, NU, C0)
    assert not np.any(sr) and not np.any(st)


def test_sphere_stress_matches_quadrature_of_the_integral_formula():
    t, c0 = 0.04 * T_DIFF, 7 * C0  # c0 must drop out
    c = lambda s: sphere_galvanostatic(s, t, R, D, FLUX, c0)  # noqa: E731

    def moment(r):
        return quad(lambda s: c(s) * s * s, 0, r, epsabs=0, epsrel=1e-13, limit=200)[0]

    whole = moment(R) / R**3
    k = OMEGA * E / (3 * (1 - NU))
    for r in (0.15 * R, 0.5 * R, 0.8 * R, 0.97 * R):
        sr, st = sphere_stresses(r, t, R, D, FLUX, OMEGA, E, NU, c0)
        part = moment(r) / r**3
        assert sr == pytest.approx(2 * k * (whole - part), abs=1e-9 * SIG)
        assert st == pytest.approx(k * (2 * whole + part - c(r)), abs=1e-9 * SIG)


def test_sphere_stress_satisfies_equilibrium_compatibility_and_zero_mean():
    t, h = 0.03 * T_DIFF, 1e-5 * R
    stress = lambda r: sphere_stresses(r, t, R, D, FLUX, OMEGA, E, NU, C0)  # noqa: E731
    r = np.linspace(0.05, 0.95, 19) * R
    (srp, _), (srm, _), (sr, st) = stress(r + h), stress(r - h), stress(r)
    # Equilibrium: d sigma_r/dr + 2 (sigma_r - sigma_t)/r = 0.
    np.testing.assert_allclose((srp - srm) / (2 * h) + 2 * (sr - st) / r, 0, atol=1e-8 * SIG / R)

    # Compatibility: with u = r eps_t from Hooke's law plus the chemical strain, du/dr = eps_r.
    def strains(r):
        s_r, s_t = stress(r)
        chem = OMEGA * (sphere_galvanostatic(r, t, R, D, FLUX, C0) - C0) / 3
        return (s_r - 2 * NU * s_t) / E + chem, ((1 - NU) * s_t - NU * s_r) / E + chem

    eps_r, _ = strains(r)
    du = ((r + h) * strains(r + h)[1] - (r - h) * strains(r - h)[1]) / (2 * h)
    np.testing.assert_allclose(du, eps_r, atol=1e-8 * SIG / E)
    # A traction-free body without body force has a zero volume integral of tr(sigma).
    trace = quad(lambda s: np.sum(stress(s)[0] + 2 * stress(s)[1]) * s * s, 0, R, epsrel=1e-12)[0]
    assert abs(trace) < 1e-10 * SIG * R**3


def test_sphere_stress_tends_to_the_steady_state():
    ss = sphere_steady_state_stress(R, D, FLUX, OMEGA, E, NU)
    assert ss == pytest.approx(OMEGA * E * FLUX * R / (15 * D * (1 - NU)))
    history = []
    for tau in (0.05, 0.2, 0.5, 2.0, 1e6):
        ends = np.array([0.0, R])
        (sr0, _), (st0, sta) = sphere_stresses(ends, tau * T_DIFF, R, D, FLUX, OMEGA, E, NU)
        history.append(sr0)
    assert history[0] < history[1] < history[2] < ss  # monotone approach from below
    assert history[3] == pytest.approx(ss, rel=1e-12)
    assert sr0 == pytest.approx(ss, rel=1e-12) and st0 == pytest.approx(ss, rel=1e-12)
    assert sta == pytest.approx(-ss, rel=1e-12)  # no digits lost to 3 tau at tau = 1e6


# ----------------------------------------------------------------------------------------- slab

L_SLAB, D_SLAB, F_SLAB = 0.1, 1e-5, 1e-8  # mm, mm^2/s, mol/(mm^2 s)
T_SLAB = L_SLAB**2 / D_SLAB


def test_slab_series_form_and_initial_state():
    x = np.linspace(0, L_SLAB, 7)
    assert np.array_equal(slab_constant_flux(x, 0.0, L_SLAB, D_SLAB, F_SLAB, C0), np.full(7, C0))
    # The t = 0 identity behind the series: xi^2/2 - 1/6 = (2/pi^2) sum (-1)^n cos(n pi xi)/n^2.
    xi, n = np.linspace(0, 1, 7)[:, None], np.arange(1, 200001)
    series = 2 / np.pi**2 * np.sum((-1.0) ** n * np.cos(n * np.pi * xi) / n**2, axis=1)
    np.testing.assert_allclose(series, xi[:, 0] ** 2 / 2 - 1 / 6, atol=1e-5)
    # Extraction is the mirror image of insertion.
    up = slab_constant_flux(x, 0.1 * T_SLAB, L_SLAB, D_SLAB, F_SLAB, C0)
    down = slab_constant_flux(x, 0.1 * T_SLAB, L_SLAB, D_SLAB, -F_SLAB, C0)
    np.testing.assert_allclose(up - C0, C0 - down, rtol=1e-13)


def test_slab_mass_balance_and_boundary_conditions():
    h = 1e-4 * L_SLAB
    for tau in (1e-3, 0.05, 1.0):
        t = tau * T_SLAB
        c = lambda x: slab_constant_flux(x, t, L_SLAB, D_SLAB, F_SLAB, C0)  # noqa: E731
        mean = quad(c, 0, L_SLAB, epsabs=0, epsrel=1e-12, limit=200)[0] / L_SLAB
        assert mean == pytest.approx(C0 + F_SLAB * t / L_SLAB, rel=1e-11)
        slope = (3 * c(L_SLAB) - 4 * c(L_SLAB - h) + c(L_SLAB - 2 * h)) / (2 * h)
        assert D_SLAB * slope == pytest.approx(F_SLAB, rel=1e-4)
        assert abs(c(h) - c(0.0)) < 1e-6 * F_SLAB * L_SLAB / D_SLAB


def test_slab_against_finite_volumes():
    times = np.array([0.01, 0.1, 0.6]) * T_SLAB
    centres, c_fv = fv_solution(np.linspace(0, L_SLAB, 401), False, D_SLAB, F_SLAB, C0, times)
    for t, row in zip(times, c_fv):
        np.testing.assert_allclose(slab_constant_flux(centres, t, L_SLAB, D_SLAB, F_SLAB, C0), row,
                                   rtol=0, atol=2e-5 * F_SLAB * L_SLAB / D_SLAB)


def test_slab_short_time_surface_is_semi_infinite_and_truncation_bound():
    t = 1e-3 * T_SLAB
    rise = slab_constant_flux(L_SLAB, t, L_SLAB, D_SLAB, F_SLAB, n_terms=3000)
    assert rise == pytest.approx(2 * F_SLAB * math.sqrt(t / (math.pi * D_SLAB)), rel=1e-12)
    x = np.linspace(0, L_SLAB, 41)
    for tau in (1e-4, 1e-3, 1e-2):
        ref = slab_constant_flux(x, tau * T_SLAB, L_SLAB, D_SLAB, 1.0, n_terms=5000)
        for n in (10, 50, 200):
            c = slab_constant_flux(x, tau * T_SLAB, L_SLAB, D_SLAB, 1.0, n_terms=n)
            err = np.max(np.abs(c - ref))
            bound = 2 * math.exp(-(((n + 1) * math.pi) ** 2) * tau) / (math.pi**2 * n)
            assert err <= (bound + 1e-14) * L_SLAB / D_SLAB


# ------------------------------------------------------------------------------------ thin film


def test_film_stress_from_three_dimensional_hooke_law():
    dc = 2e-6
    lam, mu = E * NU / ((1 + NU) * (1 - 2 * NU)), E / (2 * (1 + NU))
    chem = OMEGA * dc / 3
    # In-plane total strain zero (rigid substrate); out of plane free: sigma_zz = 0 fixes eps_zz.
    eps_zz = brentq(lambda e: lam * (e - 3 * chem) + 2 * mu * (e - chem), -1, 1, xtol=1e-16)
    sigma_xx = lam * (eps_zz - 3 * chem) + 2 * mu * (0 - chem)
    assert film_inplane_stress(E, NU, OMEGA, dc) == pytest.approx(sigma_xx, rel=1e-12)
    assert film_inplane_stress(E, NU, OMEGA, dc) < 0  # insertion compresses the film
    np.testing.assert_allclose(film_inplane_stress(E, NU, OMEGA, np.array([dc, -dc, 0.0])),
                               [sigma_xx, -sigma_xx, 0.0], rtol=1e-12)


# ---------------------------------------------------------------------- stress-driven equilibrium

T_K = 298.15
OMEGA_J = 3.5e-6  # m^3/mol, so omega * sigma[Pa] is in J/mol


def test_equilibrium_uniform_stress_and_weighted_mean():
    rng = np.random.default_rng(1)
    sigma = rng.uniform(-2e9, 2e9, 50)  # Pa
    w = rng.uniform(0.1, 3.0, 50)
    for dilute, mean in ((True, 0.01), (False, 0.01), (False, 0.5), (False, 0.97)):
        flat = stress_driven_equilibrium(np.full(5, 1e8), OMEGA_J, T_K, mean, dilute=dilute)
        np.testing.assert_allclose(flat, mean, rtol=1e-14)
        theta = stress_driven_equilibrium(sigma, OMEGA_J, T_K, mean, weights=w, dilute=dilute)
        assert np.sum(w * theta) / np.sum(w) == pytest.approx(mean, rel=1e-12)
        assert np.all(np.diff(theta[np.argsort(sigma)]) > 0)  # tension attracts solute


def test_equilibrium_chemical_potential_is_uniform():
    sigma = np.linspace(-1e9, 1.5e9, 30)
    rt = GAS_CONSTANT * T_K
    theta = stress_driven_equilibrium(sigma, OMEGA_J, T_K, 0.4, dilute=False)
    mu = rt * np.log(theta / (1 - theta)) - OMEGA_J * sigma
    assert np.ptp(mu) < 1e-9 * rt
    dil = stress_driven_equilibrium(sigma, OMEGA_J, T_K, 0.4, dilute=True)
    ratio = np.exp(OMEGA_J * np.diff(sigma) / rt)
    np.testing.assert_allclose(dil[1:] / dil[:-1], ratio, rtol=1e-12)
    # At low filling the lattice-gas form reduces to the dilute one.
    low = stress_driven_equilibrium(sigma, OMEGA_J, T_K, 1e-7, dilute=False)
    np.testing.assert_allclose(low, stress_driven_equilibrium(sigma, OMEGA_J, T_K, 1e-7), rtol=1e-5)


def test_equilibrium_extreme_stresses_stay_bounded():
    sigma = np.array([-1e12, 0.0, 1e12])  # omega sigma / RT ~ 1e3
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        theta = stress_driven_equilibrium(sigma, OMEGA_J, T_K, 0.5, dilute=False)
        dil = stress_driven_equilibrium(sigma, OMEGA_J, T_K, 0.1)
    assert np.all((theta >= 0) & (theta <= 1)) and np.mean(theta) == pytest.approx(0.5, rel=1e-12)
    assert np.all(np.isfinite(dil)) and np.mean(dil) == pytest.approx(0.1, rel=1e-12)
    with pytest.raises(ValueError):
        stress_driven_equilibrium(sigma, OMEGA_J, T_K, 1.2, dilute=False)


# ------------------------------------------------------------------------------------ depletion

D_E, C_E, I_E = 3e-4, 1.2e-6, 1e-4  # mm^2/s, mol/mm^3, A/mm^2 (10 mA/cm^2)


def test_sand_time_value_and_semi_infinite_surface():
    ts = sand_time(D_E, C_E, I_E)
    assert ts == pytest.approx(math.pi * D_E * (C_E * FARADAY) ** 2 / (4 * I_E**2), rel=1e-15)
    assert sand_time(D_E, C_E, -I_E) == ts and sand_time(4 * D_E, C_E, 2 * I_E) == pytest.approx(ts)
    # Independent of the erfc algebra: the Fourier slab series, thick slab, at the Sand time.
    length = 40 * math.sqrt(D_E * ts)
    surface = slab_constant_flux(length, ts, length, D_E, -I_E / FARADAY, C_E, n_terms=4000)
    assert abs(surface) < 1e-10 * C_E


def test_finite_slab_depletion_limits():
    ts = sand_time(D_E, C_E, I_E)
    thick = 50 * math.sqrt(D_E * ts)
    assert finite_slab_depletion_time(D_E, C_E, thick, I_E) == pytest.approx(ts, rel=1e-12)
    length = 0.05
    all_charge = C_E * length * FARADAY / I_E
    for d in (1e2, 1e4):  # fast diffusion: t -> c0 L F / i - L^2 / (3 D) -> all the charge
        t = finite_slab_depletion_time(d, C_E, length, I_E)
        assert t == pytest.approx(all_charge - length**2 / (3 * d), rel=1e-12)
    assert finite_slab_depletion_time(1e4, C_E, length, I_E) == pytest.approx(all_charge, rel=1e-7)
    lengths = np.geomspace(0.1, 30, 12) * math.sqrt(D_E * ts)
    times = [finite_slab_depletion_time(D_E, C_E, x, I_E) for x in lengths]
    assert np.all(np.diff(times) > -1e-12 * ts)  # thicker slab lasts longer ...
    assert np.all(np.array(times) <= ts * (1 + 1e-12))  # ... but never beyond the Sand time
    assert np.all(np.array(times) < C_E * lengths * FARADAY / I_E)  # ... nor all the charge


@pytest.mark.parametrize("ratio", [0.3, 1.0, 3.0])
def test_finite_slab_surface_is_zero_at_the_depletion_time(ratio):
    length = ratio * math.sqrt(D_E * sand_time(D_E, C_E, I_E))
    t = finite_slab_depletion_time(D_E, C_E, length, I_E)
    surface = slab_constant_flux(length, t, length, D_E, -I_E / FARADAY, C_E, n_terms=4000)
    assert abs(surface) < 1e-11 * C_E


def test_slab_surface_rise_image_and_fourier_forms_agree():
    for tau in (1e-4, 0.01, 0.2, 0.4999999, 0.5, 0.9, 3.0):
        fourier = slab_constant_flux(1.0, tau, 1.0, 1.0, 1.0, n_terms=20000)
        assert _slab_surface_rise(tau) == pytest.approx(float(fourier), rel=1e-12, abs=1e-15)
