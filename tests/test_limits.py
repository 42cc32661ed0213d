"""Schema-valid but meaningless input is refused naming the key; what the model does not cover
is reported; NaN is never hidden. Each case once completed with a wrong or absurd result, or
ran without end."""

from __future__ import annotations

import json
import math

import pytest

from solver.case import CaseError, validate
from solver.io.series import SeriesWriter, read_series
from solver.numerics.stepper import resolvable_dt
from tests.conftest import stack_doc

LAYERS = {
    "cathode": {"thickness_um": 80.0, "mesh_size_um": 40.0},
    "separator": {"thickness_um": 600.0, "mesh_size_um": 300.0},
    "anode": {"thickness_um": 380.0, "mesh_size_um": 190.0},
}


def _layers(**change):
    layers = {k: dict(v) for k, v in LAYERS.items()}
    for name, spec in change.items():
        layers[name].update(spec)
    return layers


REFUSED = {
    "newton_rtol inf (0 iterations, 437 MPa)": (
        {"numerics__newton_rtol": math.inf}, "numerics.newton_rtol"),
    "newton_rtol 10": ({"numerics__newton_rtol": 10.0}, "numerics.newton_rtol"),
    "newton_rtol 1e-300 (OverflowError)": (
        {"numerics__newton_rtol": 1e-300}, "numerics.newton_rtol"),
    "0.15 K": ({"conditions": {"temperature_C": -273.0}}, "conditions.temperature_C"),
    "a million C": ({"conditions": {"temperature_C": 1e6}}, "conditions.temperature_C"),
    "a million MPa preload": ({"fixture": {"type": "fixed_gap", "preload_MPa": 1e6}},
                              "fixture.preload_MPa"),
    "hold at a million MPa": (
        {"protocol": [{"step": "hold", "duration_h": 1.0, "pressure_MPa": 1e6}]},
        "protocol.0.pressure_MPa"),
    "10 mAh into a 3 mAh cathode": (
        {"protocol": [{"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 10.0}]},
        "protocol.0.capacity_mAh_cm2"),
    "cathode discharged below empty": (
        {"protocol": [{"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 1.0},
                      {"step": "discharge", "current_mA_cm2": 1.0, "duration_h": 2.0}]},
        "protocol.1.duration_h"),
    "voltage cutoff without a voltage": (
        {"protocol": [{"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 0.1,
                       "voltage_cutoff_V": 4.2}]},
        "protocol.0.voltage_cutoff_V"),
    "a 1 km layer": ({"geometry__layers": _layers(anode={"thickness_um": 1e9})},
                     "geometry.layers.anode.thickness_um"),
    "a 0.01 um radial mesh": ({"geometry__radial_mesh_size_um": 0.01},
                              "geometry.radial_mesh_size_um"),
    "a 0.001 um axial mesh": ({"geometry__layers": _layers(separator={"mesh_size_um": 0.001})},
                              "geometry.layers.separator.mesh_size_um"),
    "a 1e30 h rest": ({"protocol": [{"step": "rest", "duration_h": 1e30}]},
                      "protocol.0.duration_h"),
    "1e30 h to pass a capacity": (
        {"electrochemistry": {"plating_region": "anode"},
         "protocol": [{"step": "charge", "current_mA_cm2": 1e-30, "capacity_mAh_cm2": 1.0}]},
        "protocol.0.capacity_mAh_cm2"),
    "a protocol of 3 x 5e4 h": (
        {"protocol": [{"step": "rest", "duration_h": 5e4}] * 3}, "protocol.2.duration_h"),
    "dt_min_s 1e-300 (time frozen)": ({"numerics__dt_min_s": 1e-300}, "numerics.dt_min_s"),
    "easy iterations above the maximum": (
        {"numerics__easy_newton_iterations": 30}, "numerics.easy_newton_iterations"),
    "an unknown KSP type (a petsc4py traceback after set-up)": (
        {"numerics__linear_solver": "mumps",
         "numerics__petsc_options": {"ksp_type": "nonexistent"}},
        "numerics.petsc_options.ksp_type"),
    "a misspelt PETSc option (ignored until the end-of-run notice)": (
        {"numerics__linear_solver": "mumps",
         "numerics__petsc_options": {"mat_mumps_icntl_14": 80, "mat_mums_icntl_7": 2}},
        "numerics.petsc_options.mat_mums_icntl_7"),
    "PETSc options with the solver chosen by size (known only after meshing)": (
        {"numerics__petsc_options": {"mat_mumps_icntl_14": 80}},
        "numerics.petsc_options.mat_mumps_icntl_14"),
    "creep increment of 1": ({"numerics__max_creep_strain_increment": 1.0},
                             "numerics.max_creep_strain_increment"),
}


def _doc(change: dict) -> dict:
    doc = stack_doc()
    for dotted, value in change.items():
        node = doc
        *path, last = dotted.split("__")
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return doc


@pytest.mark.parametrize("probe", sorted(REFUSED))
def test_meaningless_input_is_refused_naming_the_key(probe):
    change, key = REFUSED[probe]
    with pytest.raises(CaseError) as err:
        validate(_doc(change))
    assert err.value.key == key, str(err.value)
    assert "\n" not in str(err.value)


def test_mesh_limit_names_its_override():
    change, _ = REFUSED["a 0.001 um axial mesh"]
    with pytest.raises(CaseError, match=r"geometry\.max_cells = 1000000"):
        validate(_doc(change))
    validate(_doc({**change, "geometry__max_cells": 10**7}))  # the user may raise it


def test_petsc_options_keep_their_type():
    """An integer option stays an integer (PETSc refuses 80.0 for an integer option)."""
    case = validate(_doc({"numerics__linear_solver": "mumps",
                          "numerics__petsc_options": {"mat_mumps_icntl_14": 80}}))
    assert case.numerics.petsc_options == {"mat_mumps_icntl_14": 80}


def test_full_cathode_is_allowed():
    validate(_doc({"protocol": [
        {"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 3.0},
        {"step": "discharge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 3.0}]}))


def test_mesh_estimate_survives_underflow():
    from solver.geometry.estimate import stack_cells

    assert stack_cells([(0.1, 1e-320)], 5.0, "axisymmetric", 1.0) == math.inf
    assert stack_cells([(0.1, 0.05)], 5.0, "3d", 1e-320) == math.inf


@pytest.mark.parametrize("t", [0.0, 1.0, 3.6e3, 3.6e8])
def test_resolvable_dt_moves_time(t):
    dt = resolvable_dt(t)
    assert t + dt > t
    assert (t + dt) - t == pytest.approx(dt, rel=1e-2)  # dt survives the addition
    assert resolvable_dt(t) < 1e-3 * max(t, 1.0)  # and is no practical limit


def test_nan_is_written_as_nan(tmp_path):
    writer = SeriesWriter(tmp_path / "series.csv", True)
    writer.write({"time_s": 1.0, "stack_pressure_MPa": math.nan, "voltage_V": None})
    writer.close()
    row = (tmp_path / "series.csv").read_text().splitlines()[1].split(",")
    assert "nan" in row
    s = read_series(tmp_path / "series.csv")
    assert math.isnan(s["stack_pressure_MPa"][0]) and s["voltage_V"][0] is None


def test_tension_is_reported(shared_dir):
    """Stripping from a fixed-gap stack pulls on it: the run says so (log, summary)."""
    from mpi4py import MPI

    from solver.run import Run

    case = validate(stack_doc(electrochemistry={"plating_region": "anode"}, protocol=[
        {"step": "discharge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 0.2}]))
    summary = Run(case, shared_dir, MPI.COMM_WORLD).execute()
    assert summary["status"] == "completed"
    assert summary["final"]["stack_pressure_MPa"] < 0
    assert len(summary["warnings"]) == 1 and "contact loss" in summary["warnings"][0]
    if MPI.COMM_WORLD.rank == 0:
        on_disk = json.loads((shared_dir / "summary.json").read_text())
        assert on_disk["warnings"] == summary["warnings"]


def test_non_finite_trial_is_cut_and_retried(shared_dir, monkeypatch):
    """A NaN in a converged trial is rejected like a failed solve, never written as a row."""
    from mpi4py import MPI

    from solver.numerics.newton import PlungerNewtonSolver
    from solver.run import Run

    solve, calls = PlungerNewtonSolver.solve, []

    def poisoned(self, load):
        result = solve(self, load)
        calls.append(1)
        if len(calls) == 2:  # the first time step after the preload
            self.model.w.x.array[0] = math.nan
        return result

    monkeypatch.setattr(PlungerNewtonSolver, "solve", poisoned)
    summary = Run(validate(stack_doc()), shared_dir, MPI.COMM_WORLD).execute()
    assert summary["status"] == "completed"
    assert summary["stepper"]["rejected_steps"] == 1
    if MPI.COMM_WORLD.rank == 0:
        s = read_series(shared_dir / "series.csv")
        assert all(math.isfinite(p) for p in s["stack_pressure_MPa"])
