"""Norton relaxation of a Li layer in a rigid die at a fixed gap.

Uniaxial strain at a fixed axial logarithmic strain e (< 0): with Hencky elasticity the
Kirchhoff stress is tau_m = K e (fixed: the flow is isochoric) plus a deviator whose
axial-minus-radial difference s relaxes as the uniaxial Norton solution with E -> 3 mu,

    s(t) = [s0^(1-n) + (n-1) 3 mu A' t]^(-1/(n-1)),  s0 = 2 mu |e|,  A' = A exp(-Q/RT)/sigma_ref^n,

and the stack pressure is p(t) = (K |e| + (2/3) s(t)) / J with J = exp(e) (Cauchy = Kirchhoff
/ J). This holds at any strain for the Hencky law, so the check has no small-strain error; e
follows from the measured preload p0 (p0 J = (K + 4 mu / 3) |e|).

Tolerance: the error is the backward-Euler time error, set by ``creep_error_tolerance`` (the
step error relative to the step's flow; bound: tol / 2 of the relaxed stress). Measured worst
error over the whole hold (t from 0, relative to the relaxable p0 - p_inf): 0.42 % at tol 0.1
(157 steps), 0.20 % at 0.05 (the default, 308 rows), 0.093 % at 0.02 (672 steps): first
order in dt. The test runs the default numerics and allows 0.5 %.
"""

from __future__ import annotations

import math

from mpi4py import MPI

from solver.case import validate
from solver.io.series import read_series
from solver.run import Run
from solver.units import GAS_CONSTANT_J_PER_MOL_K
from tests.conftest import stack_doc


def hencky_die_relaxation(case, p0: float, t: float) -> tuple[float, float]:
    """(p(t), p_inf) of the closed form above for the single Li layer of ``case``."""
    li = case.layers[0].material
    mu, K = li.elastic.shear_modulus_MPa, li.elastic.bulk_modulus_MPa
    c = li.creep
    n = c.stress_exponent
    rate = c.prefactor_per_s * math.exp(
        -c.activation_energy_J_per_mol / (GAS_CONSTANT_J_PER_MOL_K * case.temperature_K))
    a = rate / c.reference_stress_MPa**n
    e = p0 / (K + 4 * mu / 3)
    for _ in range(60):  # fixed point of p0 exp(-e) = (K + 4 mu / 3) e
        e = p0 * math.exp(-e) / (K + 4 * mu / 3)
    J = math.exp(-e)
    s = ((2 * mu * e) ** (1 - n) + (n - 1) * 3 * mu * a * t) ** (-1 / (n - 1))
    return (K * e + 2 / 3 * s) / J, K * e / J


def test_fixed_gap_relaxation(shared_dir):
    doc = stack_doc(
        geometry__stack=["anode"],
        geometry__layers={"anode": {"thickness_um": 400.0, "mesh_size_um": 200.0}},
        regions={"anode": {"material": "li"}},
        electrochemistry={},
        fixture={"type": "fixed_gap", "preload_MPa": 5.0},
        protocol=[{"step": "hold", "duration_h": 0.02}],
        numerics={"element_degree": 1},  # homogeneous: P1 is exact; default time stepping
    )
    case = validate(doc)
    Run(case, shared_dir, MPI.COMM_WORLD).execute()
    s = read_series(shared_dir / "series.csv")
    p0 = s["stack_pressure_MPa"][0]
    _, p_inf = hencky_die_relaxation(case, p0, 0.0)
    worst = max(abs(p - hencky_die_relaxation(case, p0, t)[0]) / (p0 - p_inf)
                for t, p in zip(s["time_s"], s["stack_pressure_MPa"], strict=True))
    print(f"worst relative error of the relaxed pressure: {worst:.4f} over {len(s['time_s'])} rows")
    assert s["time_s"][1] < 1e-3  # the early transient is in the check
    assert worst < 0.005
