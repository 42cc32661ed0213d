"""Norton relaxation of a Li layer in a rigid die at fixed gap (DESIGN section 4).

Uniaxial strain: the deviator s = sigma_z - sigma_r relaxes as the uniaxial Norton solution
with E -> 3 mu,  s(t) = [s0^(1-n) + (n-1) 3 mu A' t]^(-1/(n-1)),  A' = A exp(-Q/RT)/sigma_ref^n,
while the mean stress stays fixed:  p(t) = p_m + (2/3) s(t), with (small strain)
s0 = p0 (1 - 2 nu)/(1 - nu) and p_m = p0 (1 + nu)/(3 (1 - nu)).

Tolerance: the error is set by the step growth from dt_initial = 1e-6 s (dt_max does not
bind here). Measured worst relative error of the relaxed pressure for t >= 1 s: 2.0 % with
dt_growth = 1.5, 0.12 % with 1.2, 0.9 % with 1.05 (not monotonic: not yet understood, see the
issue notes); the test uses 1.2 and allows 1 %, the largest error seen at growth <= 1.2.
The finite-strain elastic law adds O(p0/E) ~ 1e-3.
"""

from __future__ import annotations

import math

from mpi4py import MPI

from solver.case import validate
from solver.io.series import read_series
from solver.run import Run
from solver.units import GAS_CONSTANT_J_PER_MOL_K
from tests.conftest import stack_doc


def test_fixed_gap_relaxation(shared_dir):
    doc = stack_doc(
        geometry__stack=["anode"],
        geometry__layers={"anode": {"thickness_um": 400.0, "mesh_size_um": 200.0}},
        regions={"anode": {"material": "li"}},
        electrochemistry={},
        fixture={"type": "fixed_gap", "preload_MPa": 5.0},
        protocol=[{"step": "hold", "duration_h": 0.02}],
        numerics={"element_degree": 1, "dt_initial_s": 1e-6, "dt_max_s": 2.0, "dt_growth": 1.2},
    )
    case = validate(doc)
    Run(case, shared_dir, MPI.COMM_WORLD).execute()
    s = read_series(shared_dir / "series.csv")
    li = case.layers[0].material
    nu, mu = li.elastic.poisson_ratio, li.elastic.shear_modulus_MPa
    c = li.creep
    n = c.stress_exponent
    a = c.prefactor_per_s * math.exp(-c.activation_energy_J_per_mol / (GAS_CONSTANT_J_PER_MOL_K * case.temperature_K))
    a /= c.reference_stress_MPa**n
    p0 = s["stack_pressure_MPa"][0]
    s0 = p0 * (1 - 2 * nu) / (1 - nu)
    pm = p0 * (1 + nu) / (3 * (1 - nu))
    worst = 0.0
    for t, p in zip(s["time_s"], s["stack_pressure_MPa"], strict=True):
        if t < 1.0:
            continue
        st = (s0 ** (1 - n) + (n - 1) * 3 * mu * a * t) ** (-1 / (n - 1))
        exact = pm + 2 / 3 * st
        worst = max(worst, abs(p - exact) / (p0 - exact))
    print(f"worst relative error of the relaxed pressure: {worst:.4f}")
    assert worst < 0.01
