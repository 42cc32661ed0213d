"""Every shipped case validates, its measured points lie inside its protocol, and it runs
(shortened with --set) to its field file and plot, serially and on 2 ranks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from solver.case import load_case
from solver.units import S_PER_H

CASES = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.toml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_shipped_case_is_valid(path):
    case = load_case(path)
    hours = sum(step.duration_s for step in case.protocol) / S_PER_H
    charge = sum(step.current_mA_cm2 * step.duration_s / S_PER_H for step in case.protocol)
    for point in case.resolved["measured"]:
        if point["column"] == "critical_current_mA_cm2":  # a point of the map (ssb map)
            assert point["pressure_MPa"] > 0.0 and point["value"] > 0.0
        elif "time_h" in point:
            assert 0.0 <= point["time_h"] <= hours * (1 + 1e-9)
        else:
            assert 0.0 < point["capacity_mAh_cm2"] <= charge * (1 + 1e-9)
        assert point["source"]


def test_the_full_cell_and_hold_cases_carry_their_measurements():
    measured = {p.stem: load_case(p).resolved["measured"] for p in CASES}
    assert [m["value"] for m in measured["li_full_cell_fixed_gap"]] == [6.96]
    assert [m["value"] for m in measured["li_full_cell_spring"]] == [5.21]
    assert [m["value"] for m in measured["li_hold_relaxation"]] == [23.0, 21.1, 19.4]


def _shortened(path: Path) -> list[str]:
    """--set assignments that end every protocol step early (a smoke run, not a result: its
    creep error tolerance is loose, the closed-form tests check the accuracy)."""
    resolved = load_case(path).resolved
    tolerance = max(1.0, resolved["numerics"]["creep_error_tolerance"])  # never tighter
    sets = [f"numerics.creep_error_tolerance={tolerance}"]
    geometry = resolved["geometry"]
    if geometry["builder"] == "interface" and geometry["surface"] == "flat":
        # a flat interface resolves at any size: 4 x coarser cells, 16 x fewer unknowns
        sets += [f"geometry.interface_mesh_size_um={4 * geometry['interface_mesh_size_um']}",
                 f"geometry.mesh_size_um={4 * geometry['mesh_size_um']}"]
    elif geometry["builder"] == "interface":
        # gaps and roughness: creep at a gap's edge sets the steps, and it scales as p^n: 2 x
        # coarser at the interface, 1 MPa pressed over at most 1 s, seconds per step
        cell = 2 * geometry["interface_mesh_size_um"]
        if geometry["surface"] == "voids":  # the builder's limit: 8 cells across a void
            cell = max(min(cell, geometry["void_width_um"] / 8), geometry["interface_mesh_size_um"])
        fixture = resolved["fixture"]
        sets += [f"geometry.interface_mesh_size_um={cell}",
                 f"fixture.preload_MPa={min(fixture['preload_MPa'], 1.0)}",
                 f"fixture.preload_ramp_s={min(fixture['preload_ramp_s'], 1.0)}"]
        sets += [f"protocol.{i}.pressure_MPa={min(step['pressure_MPa'], 0.5)}"
                 for i, step in enumerate(resolved["protocol"]) if "pressure_MPa" in step]
        return sets + [f"protocol.{i}." + ("duration_h=0.0005" if "duration_h" in step
                                           else f"capacity_mAh_cm2={0.001}")
                       for i, step in enumerate(resolved["protocol"])]
    for i, step in enumerate(resolved["protocol"]):
        if "duration_h" in step:
            sets.append(f"protocol.{i}.duration_h={min(step['duration_h'], 0.05)}")
        else:
            sets.append(f"protocol.{i}.capacity_mAh_cm2={min(step['capacity_mAh_cm2'], 0.01)}")
    return sets


MPIRUN = shutil.which("mpirun", path=str(Path(sys.executable).parent)) or shutil.which("mpirun")
TWO_RANKS_BY_DEFAULT = {"li_full_cell_fixed_gap", "li_stripping_0MPa"}
"""A die stack and an interface case run on 2 ranks in the default suite; the other cases'
2-rank runs are `slow` (make test-slow): 1 against 2 ranks with creep, wall contact, a meshed
holder, a clearance and an interface (both current distributions) is in test_parallel."""


def _runs(path: Path) -> list:
    two = [pytest.mark.mpi, pytest.mark.skipif(MPIRUN is None, reason="mpirun not found")]
    if path.stem not in TWO_RANKS_BY_DEFAULT:
        two.append(pytest.mark.slow)
    return [pytest.param(path, 1, id=f"{path.stem}-serial"),
            pytest.param(path, 2, id=f"{path.stem}-2-ranks", marks=two)]


@pytest.mark.parametrize(("path", "ranks"), [run for p in CASES for run in _runs(p)])
def test_shipped_case_runs_shortened(path, ranks, tmp_path):
    out = tmp_path / "run"
    sets = [a for s in _shortened(path) for a in ("--set", s)]
    launch = [MPIRUN, "-n", str(ranks)] if ranks > 1 else []
    proc = subprocess.run([*launch, sys.executable, "-m", "solver.cli", "run", str(path),
                           "--out", str(out), "--quiet", *sets],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["mpi_size"] == ranks
    plot = "interface.png" if summary.get("builder") == "interface" else "stack_pressure.png"
    assert (out / "fields" / "fields.xdmf").is_file() and (out / plot).is_file()
