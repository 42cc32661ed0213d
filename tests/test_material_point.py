"""The Hencky / exponential-map law at single material points, without a mesh.

* the consistent tangent against central finite differences of the stress (dP/dF and the
  directions of the growth, moduli and reference stress that theta moves), in general
  states and at repeated eigenvalues, elastic and creeping; central differences with
  h = 1e-6 are accurate to ~h^2 |P'''| / |P'| ~ 1e-9 here, so 1e-6 leaves room;
* volume: det(Cv^-1) stays 1 to round-off over many steps of large flow;
* the Hencky law against its closed form in uniaxial stretch (elastic), and the Norton
  return against the scalar equation it solves.
"""

from __future__ import annotations

import numpy as np
import pytest

from solver.physics import hencky
from solver.physics.flow import NortonFlow

N = 8
MU, BULK = 2833.0, 10861.0  # MPa, Li (E = 7.82 GPa, nu = 0.38)


def _states(seed: int = 1):
    rng = np.random.default_rng(seed)
    F = np.eye(3) + 0.05 * rng.standard_normal((N, 3, 3))
    F[0] = np.diag([1.01, 1.01, 0.97])  # two equal eigenvalues
    F[1] = np.eye(3)  # unstressed
    Fg = np.eye(3) * (1.0 + 0.1 * rng.random(N))[:, None, None]
    Fg[2, 2, 2] *= 1.3  # axial growth
    A = 0.02 * rng.standard_normal((N, 3, 3))
    cv = np.linalg.inv(np.eye(3) + 0.5 * (A + np.swapaxes(A, 1, 2)))
    cv /= np.cbrt(np.linalg.det(cv))[:, None, None]
    cv[1] = np.eye(3)
    return F, Fg, cv, rng


def _update(F, Fg, mu, K, flow, cv, dt):
    """hencky.update from the full F, Fg and Cv^-1."""
    return hencky.update(F - np.eye(3), Fg - np.eye(3), mu, K, flow, cv - np.eye(3), dt)


def _flow(sref=2.0):
    return NortonFlow(np.full(N, 1e-3), np.full(N, sref), np.full(N, 6.67))


@pytest.mark.parametrize("dt", [0.0, 1e-4, 1.0, 1e4])
def test_tangent_matches_finite_differences(dt):
    F, Fg, cv, rng = _states()
    mu, K = np.full(N, MU), np.full(N, BULK)
    up = _update(F, Fg, mu, K, _flow(), cv, dt)
    basis = np.zeros((N, 9, 3, 3))
    for k in range(9):
        basis[:, k, k // 3, k % 3] = 1.0
    tangent = up.derivative(basis)
    h = 1e-6
    scale = np.abs(tangent).max()
    for k in range(9):
        dF = basis[:, k]
        plus = _update(F + h * dF, Fg, mu, K, _flow(), cv, dt).P
        minus = _update(F - h * dF, Fg, mu, K, _flow(), cv, dt).P
        assert np.abs(tangent[:, k] - (plus - minus) / (2 * h)).max() < 1e-6 * scale
    # the directions theta moves: growth, moduli, reference stress
    dFg = 0.3 * rng.standard_normal((N, 3, 3))
    dmu, dK, ds = np.full(N, 50.0), np.full(N, 300.0), np.full(N, 0.2)
    analytic = up.derivative(np.zeros_like(F), dFg, dmu, dK, ds)

    def P(t):
        return _update(F, Fg + t * dFg, mu + t * dmu, K + t * dK, _flow(2.0 + t * 0.2),
                             cv, dt).P

    fd = (P(h) - P(-h)) / (2 * h)
    assert np.abs(analytic - fd).max() < 1e-6 * np.abs(fd).max()



@pytest.mark.parametrize("dt", [0.0, 1.0, 1e4])
@pytest.mark.parametrize("mode", ["2d", "3d"])
def test_gradient_tangent_is_the_derivative_along_the_basis(dt, mode):
    """The outer-product form of the tangent (what the material points use) against the
    general directional derivative along the same unit directions: one formula written two
    ways, equal to round-off (1e-12 of the largest entry)."""
    from solver.physics.material_points import components

    F, Fg, cv, _ = _states(seed=3)
    mu, K = np.full(N, MU), np.full(N, BULK)
    up = _update(F, Fg, mu, K, _flow(), cv, dt)
    comps = components(mode)
    basis = np.zeros((N, len(comps), 3, 3))
    for b, (i, j) in enumerate(comps):
        basis[:, b, i, j] = 1.0
    general = up.derivative(basis)
    fast = up.gradient_tangent(comps)
    assert np.abs(fast - general).max() < 1e-12 * np.abs(general).max()

def test_flow_conserves_volume_at_large_strain():
    """200 steps of fast flow under growing shear: p reaches 57, det Cv^-1 stays 1 (1.2e-11)."""
    F = np.tile(np.eye(3), (1, 1, 1))
    F[0, 0, 2] = 0.5
    cv = np.tile(np.eye(3), (1, 1, 1))
    flow = NortonFlow(np.array([1.0]), np.array([1.0]), np.array([3.0]))
    p = 0.0
    for step in range(200):
        Fs = F.copy()
        Fs[0, 0, 2] = 0.5 * (step + 1)  # keep shearing: the flow never stops
        up = _update(Fs, np.tile(np.eye(3), (1, 1, 1)), np.array([MU]), np.array([BULK]),
                           flow, cv, 1.0)
        cv, p = np.eye(3) + up.dcv, p + up.dp[0]
    assert p > 5.0
    assert abs(np.linalg.det(cv)[0] - 1.0) < 1e-10


def test_hencky_uniaxial_stretch_closed_form():
    """F = diag(l_r, l_r, l_z), no flow: tau = K ln(J) I + 2 mu dev(ln V) exactly."""
    lr, lz = 0.98, 1.3
    F = np.diag([lr, lr, lz])[None]
    up = _update(F, np.eye(3)[None], np.array([MU]), np.array([BULK]),
                       NortonFlow(np.zeros(1), np.ones(1), np.ones(1)), np.eye(3)[None], 1.0)
    e = np.log([lr, lr, lz])
    tau = BULK * e.sum() + 2 * MU * (e - e.sum() / 3)
    assert np.allclose(np.diag(up.tau[0]), tau, rtol=1e-13, atol=1e-10)
    J = lr * lr * lz
    assert np.allclose(up.sigma[0], up.tau[0] / J, rtol=1e-13)
    assert np.allclose(up.P[0], up.tau[0] @ np.linalg.inv(F[0]).T, rtol=1e-13)


def test_norton_return_solves_its_equation():
    """q + 3 mu dt A' (q / s_ref)^n = q_tr to 1e-13 over stiff and soft points."""
    q_tr = np.array([1e-3, 0.5, 5.0, 50.0, 500.0])
    mu = np.full(5, MU)
    law = NortonFlow(np.full(5, 1e-2), np.full(5, 2.0), np.full(5, 6.67))
    for dt in (1e-6, 1.0, 1e6):
        q = law.solve(q_tr, mu, dt).q
        residual = q + 3 * mu * dt * 1e-2 * (q / 2.0) ** 6.67 - q_tr
        assert np.all(np.abs(residual) <= 1e-13 * q_tr)
        assert np.all((q > 0) & (q <= q_tr))
