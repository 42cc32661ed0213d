"""``ssb map``: its options and their errors, the grid as --set assignments, the measured
critical currents of a case, and one real map of a closed form.

The real map is the tiny flat interface cell of ``cases/li_stripping_0MPa.toml`` set by
``--set`` (20 um wide, 10 um of Li, 5 um cells, creep off, the Li's top held: fixed gap with
``counter_electrode_growth = 0``). With no creep the preload p compresses the Li elastically
and, the cell being laterally constrained (symmetry planes at both sides, plane strain), by

    delta_p = p h_li / M,    M = E (1 - nu) / ((1 + nu) (1 - 2 nu))   (the oedometric modulus).

Stripping on a flat interface shrinks the Li uniformly by the stripped thickness s, so the
contact pressure falls as p - M s / h_li and the gap opens once s > delta_p; a node counts as
in contact while its gap is below the contact tolerance 1e-3 h_f (solver/physics/stripping.py),
so contact is lost everywhere at once when s exceeds delta_p + 1e-3 h_f (the penalty's own
penetration, p h_f / (1e4 E), is 1e-4 of delta_p here and left out). With V_m / F = 4.85 um
per mAh/cm^2 a point loses contact iff its capacity exceeds

    q*(p) = (p h_li / M + 1e-3 h_f) / (V_m / F),

whatever the current: 1.312e-3 mAh/cm^2 at 2 MPa, 3.848e-3 at 20 MPa (E = 7.82 GPa, nu = 0.38:
M = 14.64 GPa). Checked numerically before it was relied on: one point each with strips of
5e-4 um per step (numerics.max_recession_cells = 1e-4) loses contact between 5.89e-3 and
6.39e-3 um stripped at 2 MPa (q* says 6.37e-3) and between 1.808e-2 and 1.908e-2 at 20 MPa
(1.866e-2); the preload's plunger travel is 1.36607e-3 um against p h_li / M = 1.36622e-3. The
map strips 2.2e-3 mAh/cm^2, between the two by a factor 1.7 each way: the 2 MPa points lose
contact, the 20 MPa points keep it, at either current. Whether a point fails does not depend on
the step size (the last step ends at the capacity); the capacity at loss is one step past q*.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

from solver.case import CaseError, validate
from solver.critical_map.collect import critical_rows, map_rows
from solver.critical_map.grid import build_grid, parse_currents
from solver.critical_map.plot import map_figure
from solver.io.plots import read_measured
from solver.sweep.layout import SweepDir

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "cases" / "li_stripping_0MPa.toml"
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
H_LI_UM, H_F_UM = 10.0, 5.0
CAPACITY = 2.2e-3  # mAh/cm^2, between q*(2 MPa) and q*(20 MPa)
TINY = ["geometry.extent_um=20", f"geometry.li_thickness_um={H_LI_UM}",
        "geometry.electrolyte_thickness_um=10", "geometry.mesh_size_um=5",
        f"geometry.interface_mesh_size_um={H_F_UM}", "regions.li.overrides.creep=none",
        "fixture.counter_electrode_growth=0", "output.field_formats=[]",
        "numerics.dt_initial_s=0.01", f"protocol.0.capacity_mAh_cm2={CAPACITY}"]
CRITICAL = {"column": "critical_current_mA_cm2", "source": "test data"}
MEASURED = [{**CRITICAL, "value": 0.3, "pressure_MPa": 2.0},  # the case's fixture: fixed gap
            {**CRITICAL, "value": 0.6, "pressure_MPa": 20.0, "fixture": "spring"}]


def _doc(**changes) -> dict:
    doc = tomllib.loads(CASE.read_text())
    doc.update(changes)
    return doc


def _case(tmp_path: Path, name: str = "case.toml", **changes) -> Path:
    path = tmp_path / name
    path.write_text(tomli_w.dumps(_doc(**changes)))
    return path


def _sets(assignments) -> list[str]:
    return [a for s in assignments for a in ("--set", s)]


def _ssb(capsys, *args: str) -> tuple[int, str, str]:
    from solver.cli import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- options -------------------------------------------------------------------------------

BAD = {
    "pressure not a number": (["--pressure", "1,x", "--current", "1"],
                              "--pressure: got '1,x'; expected a comma list of numbers in MPa"),
    "negative pressure": (["--pressure", "-1", "--current", "1"],
                          "--pressure: got -1; a stack pressure is >= 0"),
    "pressure twice": (["--pressure", "1,3,1", "--current", "1"],
                       "--pressure: got 1 twice; each value once"),
    "range of two parts": (["--pressure", "1", "--current", "0.1:1"],
                           "--current: got '0.1:1'; a range is START:STOP:NUM"),
    "range of one value": (["--pressure", "1", "--current", "0.1:1:1"],
                           "--current: got '0.1:1:1'; NUM is an integer >= 2"),
    "range num not integer": (["--pressure", "1", "--current", "0.1:1:2.5"],
                              "--current: got '0.1:1:2.5'; NUM is an integer >= 2"),
    "zero current": (["--pressure", "1", "--current", "0:1:3"],
                     "--current: got 0; a stripping current density is > 0"),
    "unknown fixture": (["--pressure", "1", "--current", "1", "--fixture", "fixed_gap,springs"],
                        "--fixture: got 'springs'; allowed: constant_pressure, fixed_gap, spring"),
    "spring without stiffness": (["--pressure", "1", "--current", "1", "--fixture", "spring"],
                                 "--fixture: got 'spring'; a spring fixture needs "
                                 "fixture.spring_MPa_per_um"),
    "constant pressure at 0": (["--pressure", "0,1", "--current", "1", "--fixture",
                                "constant_pressure"],
                               "--pressure: got 0 with --fixture constant_pressure"),
    "axis in --set": (["--pressure", "1", "--current", "1", "--set",
                       "protocol.0.current_mA_cm2=2"],
                      "--set: got 'protocol.0.current_mA_cm2=2'; protocol.0.current_mA_cm2 is "
                      "an axis of the map: give it with --current"),
    "unknown --set key": (["--pressure", "1", "--current", "1", "--set", "geometry.extnt_um=2"],
                          "--set: geometry.extnt_um: unknown key; did you mean "
                          "'extent_um'?"),
    "bad --set value": (["--pressure", "1", "--current", "1", "--set",
                         "geometry.extent_um=-2"],
                        "--set: geometry.extent_um: got -2"),
    "bad --jobs": (["--pressure", "1", "--current", "1", "--jobs", "0"],
                   "--jobs: got 0; expected an integer >= 1"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_option_is_one_line_naming_it(kind, tmp_path, capsys):
    args, says = BAD[kind]
    code, out, err = _ssb(capsys, "map", CASE, *args, "--out", tmp_path / "out")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and says in err, err
    assert not (tmp_path / "out").exists()


def test_a_stack_case_or_a_case_without_strip_step_is_refused(tmp_path, capsys):
    code, _, err = _ssb(capsys, "map", ROOT / "cases" / "li_full_cell_spring.toml",
                        "--pressure", "1", "--current", "1", "--dry-run")
    assert code == 2 and "CASE: " in err and "is not an interface case" in err
    rest = _case(tmp_path, protocol=[{"step": "rest", "duration_h": 0.1}])
    code, _, err = _ssb(capsys, "map", rest, "--pressure", "1", "--current", "1", "--dry-run")
    assert code == 2 and "has no strip step in [[protocol]]" in err


def test_a_current_range_includes_both_ends():
    assert parse_currents("0.1:1.5:8") == (0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.5)
    assert parse_currents("0.2, 0.5,1") == (0.2, 0.5, 1.0)
    assert parse_currents("0.4:0.4:1") == (0.4,)


# --- the grid ------------------------------------------------------------------------------

def test_the_grid_sets_fixture_pressure_and_every_strip_step(tmp_path, capsys):
    """Two strip steps around a rest: each point sets both to its current."""
    strip = {"step": "strip", "current_mA_cm2": 0.177, "capacity_mAh_cm2": 1e-3}
    case = _case(tmp_path, protocol=[strip, {"step": "rest", "duration_h": 0.01}, strip],
                 fixture={"type": "fixed_gap", "preload_MPa": 0.0, "spring_MPa_per_um": 0.01})
    grid = build_grid(case, "1,3", "0.1:0.5:2", "fixed_gap,spring", TINY[:2])
    assert grid.strip_steps == (0, 2)
    values = [(p.case.stripping.fixture, p.case.stripping.preload_MPa,
               [st.current_mA_cm2 for st in p.case.stripping.steps]) for p in grid.sweep.points]
    assert values == [(f, p, [i, 0.0, i]) for f in ("fixed_gap", "spring") for p in (1.0, 3.0)
                      for i in (0.1, 0.5)]
    assert grid.sweep.points[0].case.spec.extent_mm == pytest.approx(0.02)
    code, out, _ = _ssb(capsys, "map", case, "--pressure", "1,3", "--current", "0.1:0.5:2",
                        "--fixture", "fixed_gap,spring", *_sets(TINY[:2]), "--out",
                        tmp_path / "out", "--dry-run")
    assert code == 0
    assert ("point 7 (007-type=spring-preload_MPa=3-current_mA_cm2=0.5): fixture.type = "
            "\"spring\", fixture.preload_MPa = 3.0, protocol.0.current_mA_cm2 = 0.5, "
            "protocol.2.current_mA_cm2 = 0.5") in out
    assert ("--set geometry.extent_um=20 --set geometry.li_thickness_um=10.0 --set "
            "'fixture.type=\"fixed_gap\"' --set fixture.preload_MPa=1.0 --set "
            "protocol.0.current_mA_cm2=0.1 --set protocol.2.current_mA_cm2=0.1") in out
    assert "8 points, 2 fixture(s) x 2 pressure(s) x 2 current(s)" in out
    assert "strip steps protocol.0, protocol.2" in out
    assert not (tmp_path / "out").exists()


# --- measured critical currents ------------------------------------------------------------

def test_a_measured_critical_current_is_checked():
    doc = _doc(measured=MEASURED)
    assert len(validate(doc).resolved["measured"]) == 2
    bad = {
        "measured.0.fixture: got 'springs'; allowed:": {**MEASURED[1], "fixture": "springs"},
        "measured.0.pressure_MPa: missing": {**CRITICAL, "value": 0.3},
        "measured.0.capacity_mAh_cm2: does not apply to a critical current":
            {**MEASURED[0], "capacity_mAh_cm2": 1.0},
        "measured.0.value: got 0.0; a critical current is > 0": {**MEASURED[0], "value": 0},
        "measured.0.pressure_MPa: applies only to column = 'critical_current_mA_cm2'":
            {"column": "contact_fraction", "value": 0.05, "capacity_mAh_cm2": 1.0,
             "pressure_MPa": 1.0, "source": "x"},
    }
    for says, point in bad.items():
        with pytest.raises(CaseError, match=says.replace("(", r"\(")):
            validate(_doc(measured=[point]))
    stack = tomllib.loads((ROOT / "cases" / "li_full_cell_spring.toml").read_text())
    with pytest.raises(CaseError, match="belongs to an interface case"):
        validate({**stack, "measured": [MEASURED[0]]})
    with pytest.raises(CaseError, match=r"measured\.0\.fixture: applies only to"):
        validate({**stack, "measured": [{**stack["measured"][0], "fixture": "spring"}]})


def test_a_run_plot_leaves_the_critical_currents_to_the_map(tmp_path):
    doc = _doc()
    doc["measured"] = doc["measured"] + MEASURED
    (tmp_path / "case.toml").write_text(tomli_w.dumps(validate(doc).resolved))
    assert [m.column for m in read_measured(tmp_path)] == ["contact_fraction"]


def test_each_panel_draws_the_measured_points_of_its_fixture(tmp_path):
    case = _case(tmp_path, measured=MEASURED,
                 fixture={"type": "fixed_gap", "preload_MPa": 0.0, "spring_MPa_per_um": 0.01})
    grid = build_grid(case, "2,20", "0.1", "fixed_gap,spring", TINY)
    rows = map_rows(SweepDir(grid.sweep, tmp_path / "none"), grid)  # nothing run
    assert {r["status"] for r in rows} == {"not-run"}
    critical = critical_rows(rows, grid)
    assert [(r["fixture"], r["pressure_MPa"], r["relation"], r["measured_mA_cm2"])
            for r in critical] == [("fixed_gap", 2.0, "", "0.3"), ("fixed_gap", 20.0, "", ""),
                                   ("spring", 2.0, "", ""), ("spring", 20.0, "", "0.6")]
    fig = map_figure(grid, rows, critical)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["fixed gap", "springs"]
    drawn = [[(tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.get_lines()
              if line.get_label().startswith("measured: test data")] for ax in panels]
    assert drawn == [[((2.0,), (0.3,))], [((20.0,), (0.6,))]]


# --- a real map ----------------------------------------------------------------------------

def _threshold(pressure_MPa: float) -> float:
    """q*(p) of the module docstring, mAh/cm^2."""
    from solver import materials
    from solver.physics.stripping import CONTACT_TOLERANCE
    from solver.units import FARADAY_C_PER_MOL, MM2_PER_CM2, UM_PER_MM

    li = materials.get("li")
    e, nu = li.elastic.youngs_modulus_MPa, li.elastic.poisson_ratio
    oedometric = e * (1 - nu) / ((1 + nu) * (1 - 2 * nu))
    um_per_mAh_cm2 = (li.molar_volume_mm3_per_mol * 3.6 / FARADAY_C_PER_MOL / MM2_PER_CM2
                      * UM_PER_MM)
    stripped = pressure_MPa * H_LI_UM / oedometric + CONTACT_TOLERANCE * H_F_UM
    return stripped / um_per_mAh_cm2


def _map(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "solver.cli", "map", *map(str, args)],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def real_map(tmp_path_factory):
    """2 pressures x 2 currents x the fixed gap, 2 points at a time (about 25 s here)."""
    tmp = tmp_path_factory.mktemp("map")
    case = _case(tmp, measured=MEASURED)
    args = [case, "--pressure", "2,20", "--current", "0.1:0.5:2", *_sets(TINY), "--out",
            tmp / "map"]
    return args, tmp / "map", _map(*args, "--jobs", 2)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open() as f:
        return list(csv.DictReader(f))


def test_the_map_loses_contact_where_the_closed_form_says(real_map):
    _, root, done = real_map
    assert done.returncode == 0, done.stderr
    low, high = _threshold(2.0), _threshold(20.0)
    assert low * 1.3 < CAPACITY < high / 1.3  # the map's capacity lies between the two
    rows = _read(root / "map.csv")
    assert [(r["fixture"], r["pressure_MPa"], r["current_mA_cm2"], r["status"], r["contact"])
            for r in rows] == [("fixed_gap", "2", "0.1", "ok", "lost"),
                               ("fixed_gap", "2", "0.5", "ok", "lost"),
                               ("fixed_gap", "20", "0.1", "ok", "kept"),
                               ("fixed_gap", "20", "0.5", "ok", "kept")]
    for r in rows:
        current = float(r["current_mA_cm2"])
        # full contact until it is lost: the local current is the nominal one
        assert float(r["max_local_current_mA_cm2_max"]) == pytest.approx(current, rel=1e-9)
        if r["contact"] == "lost":
            assert r["event"].startswith("contact fraction 0 <")
            assert low <= float(r["capacity_mAh_cm2"]) <= CAPACITY
            assert float(r["contact_fraction_final"]) == float(r["contact_fraction_min"]) == 0.0
            assert float(r["void_fraction_um_final"]) > 0.0
        else:
            assert r["event"] == ""
            assert float(r["capacity_mAh_cm2"]) == pytest.approx(CAPACITY, rel=1e-9)
            assert float(r["contact_fraction_final"]) == float(r["contact_fraction_min"]) == 1.0
            assert float(r["void_fraction_um_final"]) == 0.0
    critical = _read(root / "critical_current.csv")
    assert [(r["pressure_MPa"], r["highest_kept_mA_cm2"], r["lowest_lost_mA_cm2"],
             r["critical_mA_cm2"], r["relation"], r["measured_mA_cm2"]) for r in critical] == [
        ("2", "", "0.1", "0.1", "<", "0.3"), ("20", "0.5", "", "0.5", ">", "")]
    assert (root / "map.png").stat().st_size > 10_000
    # the runs drew their own plot with the critical currents in their case (left out there)
    assert all((root / "points" / r["name"] / "interface.png").is_file() for r in rows)
    assert "sweep: 4/4 done, 0 running, 0 failed, 0 to go | ETA" in done.stdout
    table = done.stdout[done.stdout.index("fixture "):].splitlines()
    assert table[1].split() == ["fixed_gap", "2", "<", "0.1", "0.3", "0/2/0"]
    assert table[2].split() == ["fixed_gap", "20", ">", "0.5", "-", "2/0/0"]


def test_a_map_run_again_skips_its_points_and_collects_and_scripts(real_map, capsys):
    args, root, done = real_map
    assert done.returncode == 0, done.stderr
    code, out, err = _ssb(capsys, "map", *args)  # in this process: its points are finished
    assert code == 0, err
    assert "4 points, 4 finished before (skipped), 0 to run" in out
    (root / "map.csv").unlink()
    code, out, _ = _ssb(capsys, "map", *args, "--collect")
    assert code == 0 and "collected 4 of 4 points run" in out
    assert len(_read(root / "map.csv")) == 4
    code, out, err = _ssb(capsys, "map", *args, "--slurm")
    assert code == 0, err
    script = (root / "slurm_array.sh").read_text()
    assert "#SBATCH --array=0-3" in script and "ssb map " in script and "--collect" in script
    assert subprocess.run(["bash", "-n", root / "slurm_array.sh"]).returncode == 0
