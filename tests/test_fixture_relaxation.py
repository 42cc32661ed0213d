"""A relaxing frame (standard linear solid) holding an elastic stack at a fixed gap.

Frame: a spring (1 - r) k in parallel with a Maxwell arm r k, time constant tau; stack: elastic,
axial stiffness k_s = A / sum(h_i / M_i) (uniaxial strain in a rigid frictionless die). With the
plunger travel U, F = F0 - k_s (U - U0) on the stack side, and on the frame side
dF/dt = k dU/dt - F_m / tau. Eliminating U gives a linear ODE with the closed form

    F(t) = F_inf + (F0 - F_inf) exp(-t / tau_eff),
    F_inf = (1 - r) F0 (1 + kappa) / (1 + (1 - r) kappa),
    tau_eff = tau (1 + kappa) / (1 + (1 - r) kappa),   kappa = k / k_s.

The frame's update is exact for U linear in time within a step. Worst error over both holds,
relative to F0, at dt_max = tau/2.5, /5, /10 (this test), /20: 6.0e-7, 7.2e-7, 8.1e-7, 8.3e-7:
independent of dt, so it is the difference between the finite-strain stack and this small-strain
closed form (strains of 3e-4), not the time integration. The tolerance is 1e-5.
"""

from __future__ import annotations

import math

import pytest
from mpi4py import MPI

from solver.case import CaseError, validate
from solver.io.series import read_series
from solver.run import Run
from tests.conftest import stack_doc

K_FRAME, R, TAU_H = 10000.0, 0.3, 0.5


def _doc(**extra):
    return stack_doc(
        electrochemistry={},
        fixture={"type": "fixed_gap", "preload_MPa": 5.0, "frame_stiffness_N_per_mm": K_FRAME,
                 "frame_relaxation_fraction": R, "frame_relaxation_time_h": TAU_H, **extra},
        protocol=[{"step": "hold", "duration_h": 2.0},
                  {"step": "hold", "duration_h": 1.0, "pressure_MPa": 2.0}],
        numerics={"element_degree": 1, "dt_initial_s": 1.0, "dt_max_s": TAU_H * 3600 / 10},
    )


def _closed_form(case, p0, t):
    area = case.face_area_mm2
    k_s = area / sum(layer.thickness_mm / layer.material.elastic.constrained_modulus_MPa
                     for layer in case.layers)
    kappa = K_FRAME / k_s
    f_inf = (1 - R) * (1 + kappa) / (1 + (1 - R) * kappa)
    tau_eff = TAU_H * 3600 * (1 + kappa) / (1 + (1 - R) * kappa)
    return p0 * (f_inf + (1 - f_inf) * math.exp(-t / tau_eff))


def test_held_gap_relaxes_as_the_standard_linear_solid(shared_dir):
    case = validate(_doc())
    Run(case, shared_dir, MPI.COMM_WORLD).execute()
    s = read_series(shared_dir / "series.csv")
    worst = 0.0
    for t, p, step in zip(s["time_s"], s["stack_pressure_MPa"], s["protocol_step"], strict=True):
        if step == 0:
            exact = _closed_form(case, 5.0, t)
        else:  # re-set to 2 MPa at t = 2 h: the arm starts again with its share of the new force
            exact = _closed_form(case, 2.0, t - 2.0 * 3600)
        worst = max(worst, abs(p - exact) / 5.0)
    p_2h = s["stack_pressure_MPa"][s["protocol_step"].index(1) - 1]
    print(f"p(2 h) = {p_2h:.6f} MPa (closed form {_closed_form(case, 5.0, 7200.0):.6f}), "
          f"final {s['stack_pressure_MPa'][-1]:.6f} ({_closed_form(case, 2.0, 3600.0):.6f}); "
          f"worst error {worst:.2e} of the preload")
    assert p_2h < 5.0 * (1 - 0.9 * R)  # it relaxed most of the arm's share
    assert worst < 1e-5


@pytest.mark.parametrize("fixture, key", [
    ({"frame_relaxation_fraction": 0.2}, "fixture.frame_relaxation_time_h"),
    ({"frame_relaxation_time_h": 1.0}, "fixture.frame_relaxation_fraction"),
    ({"frame_relaxation_fraction": 1.0, "frame_relaxation_time_h": 1.0},
     "fixture.frame_relaxation_fraction"),
    ({"frame_relaxation_fraction": 0.2, "frame_relaxation_time_h": 0.0},
     "fixture.frame_relaxation_time_h"),
])
def test_bad_relaxation_keys_name_the_key(fixture, key):
    doc = stack_doc(fixture={"type": "fixed_gap", "preload_MPa": 5.0,
                             "frame_stiffness_N_per_mm": K_FRAME, **fixture})
    with pytest.raises(CaseError, match=key.replace(".", r"\.")):
        validate(doc)


@pytest.mark.parametrize("fixture", [
    {"type": "constant_pressure", "preload_MPa": 5.0},
    {"type": "fixed_gap", "preload_MPa": 5.0},  # an infinitely stiff frame cannot relax
])
def test_relaxation_needs_a_finite_frame(fixture):
    doc = stack_doc(fixture={**fixture, "frame_relaxation_fraction": 0.2,
                             "frame_relaxation_time_h": 1.0})
    with pytest.raises(CaseError, match=r"fixture\.frame_relaxation_fraction.*finite"):
        validate(doc)
