"""Void closure in creeping Li against steady Norton creep (Budiansky, Hutchinson & Slutsky 1982).

The closed forms (:func:`solver.verification.closed_form.void_closure_rate`) are checked first
against what does not share their algebra: the equilibrium equation integrated numerically
through the stress of the assumed isochoric flow, the Newtonian limits (Rayleigh-Plesset's
viscous term p / (4 eta); p / (2 eta) for the cylinder) and, for the cylinder, Bailey's
stresses of :func:`closed_form.thick_cylinder_steady_creep` (a hydrostatic shift of the
internal-pressure problem).

The solver (:func:`solver.verification.voids.void_closure`) is then run on the library's Li
(Norton n = 6.67, Hencky elastic E = 7.82 GPa, nu = 0.38, F-bar, P2 on curved P2 cells), a = 1,
b = 2 mm, from the elastic step to steady creep; the rate is measured from the void's volume
and compared with the closed form on the current geometry. STUDY_TABLE
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from solver.materials.entries.metals import LI
from solver.verification import closed_form as cf

N = LI.creep.stress_exponent
A_LI = cf.norton_coefficient(LI.creep.prefactor_per_s, LI.creep.activation_energy_J_per_mol,
                             LI.creep.reference_stress_MPa, N, 298.15)


def _pressure_of_flow(C, a, b, A, n, shape):
    """The pressure on r = b that drives the isochoric flow v_r = C / r^k (k = 2 sphere, 1
    cylinder) with a free void: the strain rate from the velocity by central differences, the
    von Mises stress from the Norton law, the deviator from the flow rule, and equilibrium
    d sigma_rr/dr = -(m / r)(s_rr - s_tt) integrated by quadrature (m = 2 sphere, 1 cylinder)."""
    k, m = (2, 2) if shape == "sphere" else (1, 1)

    def stress_difference(r):
        dr = 1e-6 * r
        d_rr = (C / (r + dr) ** k - C / (r - dr) ** k) / (2 * dr)
        d_tt = C / r ** (k + 1)
        d_zz = d_tt if shape == "sphere" else 0.0  # plane strain: no axial flow
        d = np.array([d_rr, d_tt, d_zz])
        eps_e = math.sqrt(2.0 / 3.0 * float(d @ d))
        sigma_e = (eps_e / A) ** (1.0 / n)
        return 2.0 / 3.0 * sigma_e / eps_e * (d_rr - d_tt)

    integral, _ = quad(lambda r: m * stress_difference(r) / r, a, b, epsabs=0, epsrel=1e-12)
    return integral  # sigma_rr(b) - sigma_rr(a) = -p


@pytest.mark.parametrize("shape", ["sphere", "cylinder"])
@pytest.mark.parametrize("b", [1.5, 2.0, 10.0])
def test_closure_rate_solves_equilibrium_of_the_isochoric_flow(shape, b):
    a, p, k = 1.0, 0.9, 3 if shape == "sphere" else 2
    rate = cf.void_closure_rate(p, A_LI, N, a, b, shape)
    C = -rate * a**k  # -a_dot / a = |C| / a^k
    assert _pressure_of_flow(C, a, b, A_LI, N, shape) == pytest.approx(p, rel=1e-7)


def test_newtonian_limits():
    eta, p = 3.0, 0.7  # n = 1: eps_dot_e = sigma_e / (3 eta)
    assert cf.void_closure_rate(p, 1 / (3 * eta), 1.0) == pytest.approx(p / (4 * eta), rel=1e-14)
    assert cf.void_closure_rate(p, 1 / (3 * eta), 1.0, shape="cylinder") == pytest.approx(
        p / (2 * eta), rel=1e-14)
    # finite shell, n = 1: the incompressible Lame solution, |C| = p / (4 eta (a^-3 - b^-3))
    assert cf.void_closure_rate(p, 1 / (3 * eta), 1.0, 1.0, 2.0) == pytest.approx(
        p / (4 * eta * (1 - 1 / 8)), rel=1e-14)


def test_infinite_matrix_is_the_bhs_rate():
    p = np.array([0.5, 1.0, 3.0])
    expected = A_LI / 2 * (3 * p / (2 * N)) ** N
    np.testing.assert_allclose(cf.void_closure_rate(p, A_LI, N), expected, rtol=1e-14)
    # b = 1e30 a: the shell is the infinite matrix to n (a/b)^(3/n) ~ 1e-12
    assert cf.void_closure_rate(1.0, A_LI, N, 1.0, 1e30) == pytest.approx(expected[1], rel=1e-12)


def test_cylinder_rate_from_bailey_stresses():
    # external pressure p = internal pressure p minus a hydrostatic p: the same flow
    a, b, p = 1.0, 2.0, 0.5
    s_r, s_t, _ = cf.thick_cylinder_steady_creep(a, a, b, p, N)
    sigma_e = math.sqrt(3.0) / 2.0 * abs(s_t - s_r)
    eps_e = A_LI * sigma_e**N  # at r = a: (2/sqrt3) |C| / a^2
    assert cf.void_closure_rate(p, A_LI, N, a, b, "cylinder") == pytest.approx(
        math.sqrt(3.0) / 2.0 * eps_e, rel=1e-12)


def test_li_coefficient_is_the_library_law():
    # 1.4e-4 1/s at 1 MPa and 298 K (the Li entry's notes)
    assert A_LI == pytest.approx(1.378e-4, rel=1e-3)
    assert N == pytest.approx(6.667, rel=1e-3)


def test_healing_against_stripping():
    # 1 mA/cm^2 = 1e-5 A/mm^2 recedes Li at 4.85 um/h (V_m = 13.0 cm^3/mol)
    v_strip = cf.stripping_recession_velocity(1e-5, LI.molar_volume_mm3_per_mol)
    assert v_strip * 1e3 * 3600 == pytest.approx(4.85, rel=1e-3)
    a = 1e-3  # a 1 um void
    v_heal = cf.void_healing_velocity(1.0, A_LI, N, a)
    assert v_heal == pytest.approx(a * A_LI / 2 * (1.5 / N) ** N, rel=1e-14)
    assert cf.void_healing_velocity(1.0, A_LI, N, 2 * a) == pytest.approx(2 * v_heal)


@pytest.mark.parametrize("kwargs, key", [
    ({"shape": "cube"}, "shape"), ({"b": 0.5}, "b"), ({"n": 0.5}, "n"), ({"A": -1.0}, "A")])
def test_bad_arguments_are_named(kwargs, key):
    args = {"p": 1.0, "A": 1.0, "n": 3.0, "a": 1.0, "b": 2.0, "shape": "sphere", **kwargs}
    with pytest.raises(ValueError, match=key):
        cf.void_closure_rate(**args)
