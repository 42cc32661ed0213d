"""Layered stack in a rigid die with small swelling: its closed form.

Free axial growth of layer i: h_i g_i, with g_i = e_i 3K_i/M_i for an isotropic free strain
e_i (the cathode) and g_i = lambda_g - 1 for the axial growth of plated Li; stack pressure rise

    dp = sum(h_i g_i) / (sum(h_i / M_i) + A / k),

k = 0: dp = 0 and the plunger rises by sum(h_i g_i); k = inf: the plunger stays put.
The closed form is the small-strain limit: the finite-strain solution differs by O(strain);
with strains below 1e-3 here the tolerance is 5e-3 relative. The mesh error is zero: the
solution is uniform per layer and exactly representable by P1.
"""

from __future__ import annotations

import math

import pytest
from mpi4py import MPI

from solver.case import validate
from solver.io.series import read_series
from solver.physics import swelling
from solver.run import Run
from solver.units import plated_thickness_mm
from tests.conftest import stack_doc


def closed_form(case, capacity):
    num, den = 0.0, 0.0
    for layer in case.layers:
        el = layer.material.elastic
        M, K = el.constrained_modulus_MPa, el.bulk_modulus_MPa
        if layer.name == case.plating_region:
            g = plated_thickness_mm(capacity, layer.material.molar_volume_mm3_per_mol) / layer.thickness_mm
        elif layer.name == case.cathode_region:
            J = swelling.volume_ratio(layer.material.volume_change, capacity / case.cathode_capacity_mAh_cm2)
            g = (J ** (1 / 3) - 1) * 3 * K / M
        else:
            g = 0.0
        num += layer.thickness_mm * g
        den += layer.thickness_mm / M
    k = case.fixture.stiffness_N_per_mm
    compliance = den + (case.face_area_mm2 / k if k > 0 else math.inf)
    return num / compliance, num  # dp (MPa), free growth (mm)


@pytest.mark.parametrize(
    "fixture",
    [
        {"type": "constant_pressure", "preload_MPa": 5.0},
        {"type": "spring", "preload_MPa": 5.0, "spring_stiffness_N_per_mm": 2000.0},
        {"type": "fixed_gap", "preload_MPa": 5.0, "frame_stiffness_N_per_mm": 10000.0},
        {"type": "fixed_gap", "preload_MPa": 5.0},
    ],
    ids=["k=0", "spring", "frame", "k=inf"],
)
def test_layered_stack_pressure(fixture, shared_dir):
    case = validate(stack_doc(fixture=fixture))
    Run(case, shared_dir, MPI.COMM_WORLD).execute()
    s = read_series(shared_dir / "series.csv")
    q = s["capacity_mAh_cm2"][-1]
    dp_exact, growth = closed_form(case, q)
    dp = s["stack_pressure_MPa"][-1] - s["stack_pressure_MPa"][0]
    dz = (s["stack_displacement_um"][-1] - s["stack_displacement_um"][0]) / 1000.0
    print(f"{fixture['type']}: dp = {dp:.6f} MPa (closed form {dp_exact:.6f}), dz = {dz * 1e3:.4f} um")
    assert abs(dp - dp_exact) <= 5e-3 * max(abs(dp_exact), 1e-3 * 5.0)
    if fixture["type"] == "constant_pressure":
        assert abs(dp) < 1e-6  # the preload is held
        assert dz == pytest.approx(growth, rel=5e-3)  # the plunger rides the free growth
    if fixture["type"] == "fixed_gap" and "frame_stiffness_N_per_mm" not in fixture:
        assert abs(dz) < 1e-9  # the gap is held
