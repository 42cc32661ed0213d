"""The Perzyna and liquid laws at single material points, without a mesh.

* Perzyna, eps_dot = eps0 <q / sigma_y - 1>^m: the return solves its scalar equation and is
  elastic at and below yield; the consistent tangent (dP/dF, and dP along the yield stress
  that theta moves) against central differences, in states below, at and above yield; the
  tangent is continuous across the elastic/plastic switch (m > 1); relaxation at fixed strain
  against its closed form; isochoric straining at a constant rate against an independent
  integration of the scalar ODE (scipy) and its steady state sigma_y (1 + (eps_dot/eps0)^(1/m)).
* Liquid (Maxwell), eps_dot = q / (3 eta): relaxation of the deviator at fixed strain against
  exp(-mu t / eta); a step far longer than the Maxwell time leaves the hydrostatic Hencky stress
  alone, p = -K ln(J) / J (volume change p / K at small strain), whatever the nominal shear
  modulus; the tangent against central differences.

Central differences with h = 1e-6 are accurate to ~h^2 |P'''| / |P'| ~ 1e-9 here (1e-6 is
allowed, as in tests/test_material_point.py); points within h of the yield surface are not
used there, since the second derivative of the return jumps at yield.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from solver.physics import hencky
from solver.physics.flow import MaxwellFlow, PerzynaFlow, ViscousFlow, liquid_scale

I3 = np.eye(3)
MU, BULK = 1000.0, 2500.0  # MPa
SIGMA_Y, EPS0, M = 100.0, 1.0e-3, 2.0  # MPa, 1/s, -


def _update(F, mu, K, flow, cv, dt, Fg=None):
    Fg = np.broadcast_to(I3, F.shape) if Fg is None else Fg
    return hencky.update(F - I3, Fg - I3, mu, K, flow, cv - I3, dt)


def _isochoric(strain):
    """F of an isochoric stretch with equivalent log strain ``strain`` along z."""
    return np.diag([np.exp(-strain / 2), np.exp(-strain / 2), np.exp(strain)])


def _perzyna(n, sigma_y=SIGMA_Y):
    return PerzynaFlow(np.full(n, EPS0), np.full(n, sigma_y), np.full(n, M))


# -- Perzyna: the return ------------------------------------------------------------------------


def test_perzyna_return_solves_its_equation_and_is_elastic_below_yield():
    """q + 3 mu dt eps0 (q / sigma_y - 1)^m = q_tr above yield (to 1e-13 of the overstress, or
    the round-off of q), q = q_tr at and below it."""
    q_tr = np.array([10.0, 99.0, 100.0, 100.0 + 1e-9, 101.0, 150.0, 1e3, 1e5])
    n = len(q_tr)
    mu = np.full(n, MU)
    for dt in (1e-6, 1.0, 1e6):
        r = _perzyna(n).solve(q_tr, mu, dt)
        elastic = q_tr <= SIGMA_Y
        assert np.array_equal(r.q[elastic], q_tr[elastic])
        assert np.all(r.dq_dq_trial[elastic] == 1.0)
        x, x_tr = r.q - SIGMA_Y, q_tr - SIGMA_Y
        residual = x + 3 * MU * dt * EPS0 * (np.maximum(x, 0) / SIGMA_Y) ** M - x_tr
        bound = 1e-13 * x_tr + 1e-15 * q_tr
        assert np.all(np.abs(residual[~elastic]) <= bound[~elastic])
        assert np.all((r.q[~elastic] > SIGMA_Y) & (r.q[~elastic] <= q_tr[~elastic]))


def _states(n=8, seed=3):
    """Random F around isochoric stretches whose trial stress lies below, near and above yield,
    from random committed Cv^-1."""
    rng = np.random.default_rng(seed)
    # equivalent trial stress 3 mu e: 0.5, 0.9, 1.01, 1.2, 2, 5, 20, 100 sigma_y
    ratios = np.array([0.5, 0.9, 1.01, 1.2, 2.0, 5.0, 20.0, 100.0])[:n]
    F = np.stack([_isochoric(r * SIGMA_Y / (3 * MU)) for r in ratios])
    F = F * np.cbrt(1.0 + 0.01 * rng.standard_normal(n))[:, None, None]  # some volume change
    F[1:] = F[1:] @ (I3 + 1e-3 * rng.standard_normal((n - 1, 3, 3)))  # off the principal axes
    A = 1e-3 * rng.standard_normal((n, 3, 3))
    cv = np.linalg.inv(I3 + 0.5 * (A + np.swapaxes(A, 1, 2)))
    cv /= np.cbrt(np.linalg.det(cv))[:, None, None]
    return F, cv, rng


def _basis(n):
    basis = np.zeros((n, 9, 3, 3))
    for k in range(9):
        basis[:, k, k // 3, k % 3] = 1.0
    return basis


@pytest.mark.parametrize("dt", [1e-3, 1.0, 1e3])
def test_perzyna_tangent_matches_finite_differences(dt):
    F, cv, rng = _states()
    n = len(F)
    mu, K = np.full(n, MU), np.full(n, BULK)
    up = _update(F, mu, K, _perzyna(n), cv, dt)
    plastic = up.dp > 0
    assert plastic.any() and (~plastic).any()  # both branches are exercised
    tangent = up.derivative(_basis(n))
    h = 1e-6
    scale = np.abs(tangent).max()
    for k in range(9):
        dF = _basis(n)[:, k]
        plus = _update(F + h * dF, mu, K, _perzyna(n), cv, dt).P
        minus = _update(F - h * dF, mu, K, _perzyna(n), cv, dt).P
        assert np.abs(tangent[:, k] - (plus - minus) / (2 * h)).max() < 1e-6 * scale
    # along the yield stress (how theta enters) and the moduli
    dmu, dK, dy = np.full(n, 20.0), np.full(n, 50.0), np.full(n, 3.0)
    analytic = up.derivative(np.zeros_like(F), None, dmu, dK, dy)

    def P(t):
        return _update(F, mu + t * dmu, K + t * dK, _perzyna(n, SIGMA_Y + t * 3.0), cv, dt).P

    fd = (P(h) - P(-h)) / (2 * h)
    assert np.abs(analytic - fd).max() < 1e-6 * np.abs(fd).max()


def test_threshold_and_scale_derivatives_of_the_general_law():
    """ViscousFlow with k != s: dP along k (``dthreshold``) and along s (``dsref``) apart."""
    F, cv, _ = _states()
    n = len(F)
    mu, K = np.full(n, MU), np.full(n, BULK)

    def law(k, s):
        return ViscousFlow(np.full(n, EPS0), np.full(n, k), np.full(n, s), np.full(n, 3.0))

    dt, h = 1.0, 1e-6
    up = _update(F, mu, K, law(80.0, 120.0), cv, dt)
    zero = np.zeros_like(F)
    for dk, ds in ((1.0, 0.0), (0.0, 1.0)):
        analytic = up.derivative(zero, None, None, None, np.full(n, ds), np.full(n, dk))
        fd = (_update(F, mu, K, law(80.0 + h * dk, 120.0 + h * ds), cv, dt).P
              - _update(F, mu, K, law(80.0 - h * dk, 120.0 - h * ds), cv, dt).P) / (2 * h)
        assert np.abs(analytic - fd).max() < 1e-6 * np.abs(fd).max()


def test_perzyna_tangent_is_continuous_across_yield():
    """dq/dq_tr -> 1 (the elastic value) as q_tr -> sigma_y from above: for m = 2 the slope of
    the scalar equation is 1 + 2 c x / sigma_y^2 (c = 3 mu dt eps0, x the overstress), so the
    jump 1 - dq/dq_tr vanishes like the overstress; below yield dq/dq_tr is exactly 1."""
    dt = 10.0
    c = 3 * MU * dt * EPS0
    for gap in (1e-2, 1e-4, 1e-6):
        q_tr = np.array([SIGMA_Y * (1 - gap), SIGMA_Y * (1 + gap)])
        r = _perzyna(2).solve(q_tr, np.full(2, MU), dt)
        assert r.dq_dq_trial[0] == 1.0
        x = r.q[1] - SIGMA_Y
        slope = 1 + 2 * c * x / SIGMA_Y**2
        assert 1.0 - r.dq_dq_trial[1] == pytest.approx((slope - 1) / slope, rel=1e-9)
        assert 1.0 - r.dq_dq_trial[1] < 2 * c * gap / SIGMA_Y


# -- Perzyna: closed forms ----------------------------------------------------------------------


def _march_fixed_strain(flow, strain, dt, steps, mu=MU):
    """Backward-Euler steps at a held isochoric strain: q after each step."""
    F = _isochoric(strain)[None]
    cv = I3[None].copy()
    out = []
    for _ in range(steps):
        up = _update(F, np.array([mu]), np.array([BULK]), flow, cv, dt)
        cv = I3 + up.dcv
        out.append(up.q[0])
    return np.array(out)


def test_perzyna_relaxation_at_fixed_strain():
    """A held isochoric strain e0 = 5 sigma_y / (3 mu): the overstress x = q - sigma_y decays as
    x(t) = [x0^(1-m) + (m-1) 3 mu eps0 t / sigma_y^m]^(-1/(m-1)), x0 = 3 mu e0 - sigma_y (the
    first step from the stress-free state is the elastic loading). Backward Euler is first
    order: measured max error over t <= 2 s, relative to x0: 3.35e-4 at dt = 0.02 s,
    1.68e-4 at 0.01 s; the test asserts the ratio (1.9-2.1) and 5e-4 at 0.02 s."""
    e0 = 5 * SIGMA_Y / (3 * MU)
    x0 = 3 * MU * e0 - SIGMA_Y
    a = (M - 1) * 3 * MU * EPS0 / SIGMA_Y**M

    def error(dt):
        steps = round(2.0 / dt)
        q = _march_fixed_strain(_perzyna(1), e0, dt, steps)
        t = dt * np.arange(1, steps + 1)
        x = (x0 ** (1 - M) + a * t) ** (-1 / (M - 1))
        return np.max(np.abs(q - SIGMA_Y - x)) / x0

    coarse, fine = error(0.02), error(0.01)
    print(f"relaxation errors {coarse:.3e}, {fine:.3e}")
    assert coarse < 5e-4
    assert 1.9 < coarse / fine < 2.1


def test_perzyna_constant_strain_rate_against_the_ode():
    """Isochoric straining at eps_dot = 1e-2 1/s (principal axes fixed, so log strains add):
    q' = 3 mu (eps_dot - eps0 <q / sigma_y - 1>^m), integrated by scipy (Radau, rtol 1e-11);
    the steady state is sigma_y (1 + (eps_dot / eps0)^(1/m)) = 416.2 MPa, approached with the
    time constant 1 / (3 mu d eps_dot / dq) = 5.3 s. Backward Euler is first order: measured
    max error over 0-15 s, relative to the steady stress, 2.65e-4 at dt = 0.02 s and 1.33e-4
    at 0.01 s; the test asserts the ratio (1.9-2.1) and 4e-4 at 0.02 s. The steady state is a
    fixed point of backward Euler: 10 more steps of 100 s reach it to 1e-9."""
    rate = 1e-2
    q_inf = SIGMA_Y * (1 + (rate / EPS0) ** (1 / M))

    def rhs(t, q):
        return 3 * MU * (rate - EPS0 * np.maximum(q / SIGMA_Y - 1, 0.0) ** M)

    t_end = 15.0
    ode = solve_ivp(rhs, (0.0, t_end), [0.0], method="Radau", rtol=1e-11, atol=1e-9,
                    dense_output=True)

    def march(dt, steps, cv, t0=0.0):
        out = []
        for j in range(1, steps + 1):
            up = _update(_isochoric(rate * (t0 + j * dt))[None], np.array([MU]),
                         np.array([BULK]), _perzyna(1), cv, dt)
            cv = I3 + up.dcv
            out.append(up.q[0])
        return np.array(out), cv

    errors = []
    for dt in (0.02, 0.01):
        steps = round(t_end / dt)
        q, cv = march(dt, steps, I3[None].copy())
        errors.append(np.max(np.abs(q - ode.sol(dt * np.arange(1, steps + 1))[0])) / q_inf)
    q_end, _ = march(100.0, 10, cv, t_end)
    coarse, fine = errors
    print(f"constant-rate errors {coarse:.3e}, {fine:.3e}; end {q_end[-1]:.9f} vs {q_inf:.9f}")
    assert coarse < 4e-4
    assert 1.9 < coarse / fine < 2.1
    assert abs(q_end[-1] - q_inf) < 1e-9 * q_inf


# -- the liquid ---------------------------------------------------------------------------------


def test_maxwell_relaxation_at_fixed_strain():
    """A held isochoric strain: q(t) = q0 exp(-mu t / eta) (the Maxwell time eta / mu = 1 s
    here, to resolve it). Backward Euler gives q0 / (1 + mu dt / eta)^k: measured max error
    relative to q0 over t <= 3 s: 9.01e-3 at dt = 0.05 s, 4.55e-3 at 0.025 s (first order);
    the test asserts the ratio (1.9-2.1) and 1e-2 at 0.05 s."""
    eta = MU * 1.0  # MPa s: Maxwell time 1 s
    e0 = 1e-3
    q0 = 3 * MU * e0

    def error(dt):
        steps = round(3.0 / dt)
        q = _march_fixed_strain(MaxwellFlow(np.array([eta])), e0, dt, steps)
        t = dt * np.arange(1, steps + 1)
        return np.max(np.abs(q - q0 * np.exp(-MU * t / eta))) / q0

    coarse, fine = error(0.05), error(0.025)
    print(f"Maxwell errors {coarse:.3e}, {fine:.3e}")
    assert coarse < 1e-2
    assert 1.9 < coarse / fine < 2.1


@pytest.mark.parametrize("mu", [1.0, 100.0, 1.0e4])
def test_liquid_keeps_only_the_hydrostatic_stress(mu):
    """Ga-In's eta = 2 mPa s, one step of 1 s from a sheared and compressed state: the Cauchy
    stress is -p I with p = -K ln(J) / J (Hencky), the volume change ln J = -p J / K (p / K at
    small strain), to the relative eta / (mu dt) of the relaxed deviator, whatever the nominal
    shear modulus mu (1 MPa to 10 GPa)."""
    eta, dt, K = 2.0e-9, 1.0, 50.0e3
    J = 0.98
    F = np.cbrt(J) * np.array([[1.0, 0.3, 0.0], [0.0, 1.0, 0.1], [0.0, 0.0, 1.0]])[None]
    up = _update(F, np.array([mu]), np.array([K]), MaxwellFlow(np.array([eta])), I3[None], dt)
    sigma = up.sigma[0]
    p = -K * np.log(J) / J
    deviator = sigma - np.trace(sigma) / 3 * I3
    assert np.trace(sigma) / 3 == pytest.approx(-p, rel=1e-12)
    assert np.abs(deviator).max() < 10 * eta / (mu * dt) * mu
    assert np.log(np.linalg.det(F[0])) == pytest.approx(-p * J / K, rel=1e-12)


@pytest.mark.parametrize("dt", [1e-3, 1.0])
def test_liquid_tangent_matches_finite_differences(dt):
    """Maxwell times of 1 s (partly relaxed at dt = 1e-3 s) and 2e-11 s (Ga-In: relaxed, the
    tangent is K's plus mu / (1 + mu dt / eta) on the deviator); along eta where its effect
    on P is above round-off."""
    F, cv, _ = _states()
    n = len(F)
    mu, K = np.full(n, MU), np.full(n, BULK)
    for eta in (MU * 1.0, 2.0e-9):
        flow = MaxwellFlow(np.full(n, eta))
        up = _update(F, mu, K, flow, cv, dt)
        tangent = up.derivative(_basis(n))
        h = 1e-6
        scale = np.abs(tangent).max()
        for k in range(9):
            dF = _basis(n)[:, k]
            fd = (_update(F + h * dF, mu, K, flow, cv, dt).P
                  - _update(F - h * dF, mu, K, flow, cv, dt).P) / (2 * h)
            assert np.abs(tangent[:, k] - fd).max() < 1e-6 * scale
        if eta < 1.0:  # relaxed: dP/deta is at the round-off of P, nothing to difference
            continue
        # along the viscosity (how a solidifying liquid's theta enters)
        deta = np.full(n, 0.1 * eta)
        analytic = up.derivative(np.zeros_like(F), None, None, None, deta)
        fd = (_update(F, mu, K, MaxwellFlow(np.full(n, eta) + h * deta), cv, dt).P
              - _update(F, mu, K, MaxwellFlow(np.full(n, eta) - h * deta), cv, dt).P) / (2 * h)
        assert np.abs(analytic - fd).max() < 1e-6 * np.abs(fd).max()


def test_liquid_viscosity_floor_keeps_the_stirring_modes_stiff():
    """The finite-element model floors a liquid's viscosity at 1e-4 mu dt
    (solver.physics.flow.liquid_scale): the step then leaves 1e-4 / (1 + 1e-4) of the trial
    deviator, and the shear stiffness of the tangent is that fraction of mu, instead of
    eta / dt ~ 1e-15 K for Ga-In at dt = 100 s. Above the floor the viscosity is untouched."""
    mu, dt = np.array([100.0, 100.0]), 100.0
    s, floored = liquid_scale(3 * np.array([2.0e-9, 1.0e6]), mu, dt)
    assert list(floored) == [True, False]
    assert s[1] == 3.0e6
    flow = ViscousFlow(np.ones(2), np.zeros(2), s, np.ones(2))
    r = flow.solve(np.array([1.0, 1.0]), mu, dt)
    assert r.q[0] == pytest.approx(1e-4 / (1 + 1e-4), rel=1e-12)
    assert r.dq_dq_trial[0] == pytest.approx(1e-4 / (1 + 1e-4), rel=1e-12)


# -- selection in the case file and the library listing -----------------------------------------


@pytest.mark.parametrize(
    ("overrides", "key", "match"),
    [
        ({"creep": "perzina"}, "regions.li.overrides.creep", "did you mean 'perzyna'"),
        ({"creep_overstress_exponent": 0.5}, "regions.li.overrides.creep_overstress_exponent",
         r"must be in \[1, 20\]"),
        ({"creep_viscosity_Pa_s": 1e-3}, "regions.li.overrides",
         "'creep_viscosity_Pa_s'.*'liquid' law.*uses 'norton'"),
        ({"creep": "liquid"}, "regions.li.overrides", "give creep_viscosity_Pa_s"),
    ],
)
def test_law_selection_errors_name_the_key(overrides, key, match):
    from solver.case import CaseError, validate
    from tests.conftest import stack_doc

    doc = stack_doc(geometry__stack=["li"],
                    geometry__layers={"li": {"thickness_um": 100.0}},
                    regions={"li": {"material": "li", "overrides": overrides}},
                    electrochemistry={}, protocol=[{"step": "hold", "duration_h": 0.01}])
    with pytest.raises(CaseError, match=match) as err:
        validate(doc)
    assert str(err.value).startswith(key)


def test_law_selection_in_the_case_file():
    from solver.case import validate
    from tests.conftest import stack_doc

    def law(material, overrides):
        doc = stack_doc(geometry__stack=["separator", "x"],
                        geometry__layers={"separator": {"thickness_um": 100.0},
                                          "x": {"thickness_um": 100.0}},
                        regions={"separator": {"material": "li6ps5cl"},
                                 "x": {"material": material, "overrides": overrides}},
                        electrochemistry={}, protocol=[{"step": "hold", "duration_h": 0.01}])
        return validate(doc).layer("x").material.creep

    assert law("gain", {}).kind == "liquid"
    si = law("si", {"creep": "perzyna", "creep_yield_stress_MPa": 800.0})
    assert si.kind == "perzyna" and si.yield_stress_MPa == 800.0
    assert si.yield_stress_vs_theta is None  # the constant replaces sigma_y(theta)
    assert law("si", {}) is None
    liquid = law("li", {"creep": "liquid", "creep_viscosity_Pa_s": 2e-3})
    assert liquid.viscosity_MPa_s == pytest.approx(2e-9)
    norton = law("in", {"creep": "norton", "creep_prefactor_per_s": 1e-4,
                        "creep_reference_stress_MPa": 1.0, "creep_stress_exponent": 4.5})
    assert norton.activation_energy_J_per_mol == 0.0 and "set in the case file" in norton.source


def test_materials_listing_names_each_default_law(capsys):
    from solver.cli import main

    assert main(["materials"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]
            if line.strip() and not line.startswith("Names")}
    for name, law in (("li", "norton"), ("sn", "norton"), ("gain", "liquid"), ("al", "none"),
                      ("si", "none, perzyna")):
        assert rows[name].split(None, 2)[2].startswith(law), name
