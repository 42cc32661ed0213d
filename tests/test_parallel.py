"""The same case on 1 and 2 MPI ranks gives the same series.csv to solver tolerance."""

from __future__ import annotations

import math

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from solver.io.series import read_series
from tests.conftest import stack_doc

MPIRUN = shutil.which("mpirun", path=str(Path(sys.executable).parent)) or shutil.which("mpirun")


CASES = {
    "li_full_cell_spring": stack_doc(
        regions__anode={"material": "li"},  # with creep
        fixture={"type": "spring", "preload_MPa": 5.0, "spring_stiffness_N_per_mm": 5000.0},
        protocol=[
            {"step": "hold", "duration_h": 0.01, "pressure_MPa": 10.0},
            {"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 0.05},
        ],
        numerics={"element_degree": 2, "dt_initial_s": 1e-6, "dt_max_s": 60.0},
        output={"field_formats": ["xdmf"]},
    ),
    # a Li disc narrower than the bore spreads onto the wall (contact) under a frame
    "li_disc_spreading": stack_doc(
        geometry__stack=["separator", "anode"],
        geometry__layers={"separator": {"thickness_um": 300.0, "mesh_size_um": 150.0},
                          "anode": {"thickness_um": 200.0, "mesh_size_um": 100.0,
                                    "diameter_mm": 9.0}},
        regions={"separator": {"material": "li6ps5cl"}, "anode": {"material": "li"}},
        electrochemistry={},
        fixture={"type": "fixed_gap", "preload_MPa": 10.0, "frame_stiffness_N_per_mm": 10900.0},
        protocol=[{"step": "hold", "duration_h": 0.02}],
        numerics={"element_degree": 2},  # F-bar (P1) on the creeping disc
        output={"field_formats": ["xdmf"]},
    ),
    # a full cell charging in a meshed PEEK holder (unilateral contact through the strip)
    "meshed_holder": stack_doc(
        die={"wall": "meshed", "holder_material": "peek", "holder_outer_diameter_mm": 20.0,
             "holder_height_mm": 4.0, "holder_mesh_size_um": 1000.0},
        numerics={"element_degree": 2, "dt_initial_s": 60.0, "dt_max_s": 60.0},
        output={"field_formats": ["xdmf"]},
    ),
    # Li extruding through the clearance of a plunger narrower than the bore
    "li_clearance_extrusion": stack_doc(
        geometry__die_diameter_mm=1.0, geometry__stack=["li"],
        geometry__radial_mesh_size_um=250.0,
        geometry__layers={"li": {"thickness_um": 200.0, "mesh_size_um": 100.0}},
        regions={"li": {"material": "li"}}, electrochemistry={}, die={"clearance_um": 150.0},
        fixture={"type": "fixed_gap", "preload_MPa": 10.0, "frame_stiffness_N_per_mm": 1000.0},
        protocol=[{"step": "hold", "duration_h": 0.2 / 3600.0}],
        numerics={"element_degree": 2, "creep_error_tolerance": 1.0},
        output={"field_formats": ["xdmf"]},
    ),
}


SLOW_CASES = {"li_disc_spreading"}
"""50 s: its 2-rank run is also in the parallel tier (test_parallel_invariants, the disc
spreading to the wall), and the serial disc in test_creep_kinematics."""


@pytest.mark.skipif(MPIRUN is None, reason="mpirun not found")
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW_CASES
                                  else n for n in sorted(CASES)])
def test_one_and_two_ranks_agree(tmp_path, name):
    doc = CASES[name]
    case = tmp_path / "case.toml"
    case.write_text(tomli_w.dumps(doc))
    series = {}
    for n in (1, 2):
        out = tmp_path / f"np{n}"
        cmd = [MPIRUN, "-n", str(n), sys.executable, "-m", "solver.cli", "run", str(case), "--out", str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        series[n] = read_series(out / "series.csv")
    a, b = series[1], series[2]
    assert len(a["time_s"]) == len(b["time_s"])
    # the wall force is the penalty times a penetration of ~1e-9 mm, which the Newton tolerance
    # (1e-9 of the preload force) fixes only to ~1e-7 of itself
    keys = [("time_s", 1e-7), ("stack_pressure_MPa", 1e-7), ("stack_displacement_um", 1e-7),
            ("max_von_mises_MPa", 1e-7), ("wall_force_N", 1e-6)]
    if "clearance" in name:
        keys.append(("clearance_extrusion_um", 1e-7))
    for key, rel in keys:
        for x, y in zip(a[key], b[key], strict=True):
            assert y == pytest.approx(x, rel=rel, abs=1e-9), key


_PROBLEMS = {
    "sphere_axisymmetric": "problems.sphere('axisymmetric', 0.1)",
    "sphere_3d": "problems.sphere('3d', 0.2, dt=0.05)",
    "film_plane_strain": "problems.film('plane_strain', 16)",
    "bent_bar": "problems.bent_bar(16)",
}


@pytest.mark.skipif(MPIRUN is None, reason="mpirun not found")
@pytest.mark.parametrize("name", [
    # the spheres' 2-rank errors are also checked against the closed form in the parallel
    # tier (test_parallel_invariants: the axisymmetric sphere and the 3-D octant): 30-50 s here
    pytest.param(n, marks=pytest.mark.slow) if n.startswith("sphere") else n
    for n in sorted(_PROBLEMS)])
def test_verification_problems_agree_on_two_ranks(name):
    """The closed-form errors on 2 ranks equal those on 1: the same solution, distributed."""
    from solver.verification import problems

    serial = eval(_PROBLEMS[name], {"problems": problems})
    code = (
        "import solver, json\n"
        "from mpi4py import MPI\n"
        "from solver.verification import problems\n"
        f"e = {_PROBLEMS[name]}\n"
        "if MPI.COMM_WORLD.rank == 0: print(json.dumps([e.theta, e.stress, e.dofs]))\n"
    )
    proc = subprocess.run([MPIRUN, "-n", "2", sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    theta, stress, dofs = __import__("json").loads(proc.stdout.strip().splitlines()[-1])
    assert dofs == serial.dofs
    # errors are O(1e-3) differences of the solution from the exact one: equal to ~1e-9
    assert theta == pytest.approx(serial.theta, rel=1e-6, abs=1e-12)
    assert stress == pytest.approx(serial.stress, rel=1e-6, abs=1e-12)


INTERFACE_CASE = {
    "case": {"name": "strip_voids"},
    "geometry": {"builder": "interface", "surface": "voids", "li_thickness_um": 20.0,
                 "electrolyte_thickness_um": 10.0, "extent_um": 50.0, "mesh_size_um": 5.0,
                 "interface_mesh_size_um": 2.5, "void_count": 1, "void_width_um": 20.0,
                 "void_depth_um": 4.0},
    "regions": {"li": {"material": "li", "overrides": {"creep": "none"}},
                "electrolyte": {"material": "li6ps5cl"}},
    # the Li's top held: stripping unloads it until the contact is lost
    "fixture": {"type": "fixed_gap", "preload_MPa": 5.0, "counter_electrode_growth": 0.0},
    "protocol": [{"step": "strip", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 0.01}],
    "numerics": {"dt_initial_s": 1.0},
}


@pytest.mark.skipif(MPIRUN is None, reason="mpirun not found")
@pytest.mark.parametrize("distribution", ["uniform", "secondary"])
def test_interface_case_one_and_two_ranks_agree(tmp_path, distribution):
    """The contact set, the current on it and the void on 2 ranks are those on 1: the
    interface's nodes (owned and ghost) are refreshed alike on every rank, and the secondary
    current distribution carries the contact set to the electrolyte and back alike."""
    case = tmp_path / "case.toml"
    case.write_text(tomli_w.dumps({**INTERFACE_CASE,
                                   "kinetics": {"current_distribution": distribution}}))
    series = {}
    for n in (1, 2):
        out = tmp_path / f"np{n}"
        cmd = [MPIRUN, "-n", str(n), sys.executable, "-m", "solver.cli", "run", str(case),
               "--out", str(out), "--quiet"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        series[n] = read_series(out / "series.csv")
    a, b = series[1], series[2]
    assert len(a["time_s"]) == len(b["time_s"]) >= 3
    assert a["event"][-1] and a["event"] == b["event"]
    for key in ("time_s", "stack_pressure_MPa", "contact_fraction", "void_fraction_um",
                "max_local_current_mA_cm2", "current_integral_mA_cm2", "mean_recession_um",
                "interface_resistance_ohm_cm2"):
        for x, y in zip(a[key], b[key], strict=True):
            if x is None or math.isnan(x):  # no resistance: uniform distribution, no current
                assert y is None or math.isnan(y), key
            else:
                assert y == pytest.approx(x, rel=1e-7, abs=1e-9), key
