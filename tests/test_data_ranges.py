"""Material data ranges: stated in the library, checked at run time, reported once per region
and quantity in run.log and summary.json, or refused with ``numerics.out_of_range = "error"``."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from solver import materials
from solver.case import CaseError, validate
from solver.cli import main
from solver.materials import library
from solver.materials.laws import RANGE_GROUPS, RANGE_QUANTITIES, DataRange
from solver.materials.ranges import THETA_TOLERANCE, OutOfRange, RangeWatch
from tests.conftest import stack_doc

ROOT = Path(__file__).resolve().parents[1]

# -- the library -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", materials.names())
def test_every_range_is_valid_and_sourced(name):
    m = materials.get(name)
    for r in m.data_ranges:
        assert r.quantity in RANGE_QUANTITIES and r.group in RANGE_GROUPS
        assert r.low <= r.high and not (math.isinf(r.low) and math.isinf(r.high))
        assert len(r.source) > 20, (name, r)
        if r.quantity == "theta":
            assert m.lithiation is not None and 0.0 <= r.low < r.high <= 1.0
        if r.group == "creep":
            assert m.creep is not None


def test_ranges_from_the_sources():
    """The ranges the entries' sources state (and only those)."""
    li, sn, gain = (materials.get(n) for n in ("li", "sn", "gain"))
    assert [(r.low, r.high) for r in li.ranges_of("temperature_C")] == [(25.0, 90.0)]
    assert [(r.low, r.high) for r in sn.ranges_of("temperature_C")] == [
        pytest.approx((24.85, 124.85))]  # 298-398 K
    assert sorted(r.low for r in sn.ranges_of("theta")) == pytest.approx([0.0, 0.4 / 4.25],
                                                                          abs=1e-6)
    assert gain.ranges_of("temperature_C")[0].low == 15.0  # liquid above its melting point
    for name in ("li6ps5cl", "ncm811_composite", "li_masias2019", "steel"):
        assert materials.get(name).data_ranges == (), name
    assert not any(m.ranges_of("stress_MPa") for m in map(materials.get, materials.names()))


def test_an_override_drops_the_range_of_the_data_it_replaces():
    sn = materials.get("li17sn4")
    kept = library.with_overrides(sn, {"diffusivity_cm2_per_s": 5e-11, "creep": "none"})
    assert [(r.quantity, r.group) for r in kept.data_ranges] == [("theta", "lithiation")]
    li = library.with_overrides(materials.get("li"), {"youngs_modulus_GPa": 5.0})
    assert li.data_ranges == materials.get("li").data_ranges  # the creep range still holds


def test_cli_lists_the_ranges(capsys):
    assert main(["materials", "li"]) == 0
    out = capsys.readouterr().out
    assert "data ranges" in out and "25 to 90 C" in out
    assert "von Mises stress: not stated" in out


# -- the watch ---------------------------------------------------------------------------------


def _stressed_li():
    """'li' with a stress range as well (no library entry states one)."""
    li = materials.get("li")
    return replace(li, data_ranges=(*li.data_ranges, DataRange(
        "stress_MPa", 0.0, 2.0, "creep", "a test range of two MPa, nothing more")))


def test_the_watch_reports_once_per_region_and_quantity():
    seen = []
    watch = RangeWatch({"anode": _stressed_li(), "counter": materials.get("li")}, "warn",
                       seen.append)
    watch.check_temperature(40.0)
    watch.check("anode", "stress_MPa", 1.9)
    assert seen == []
    watch.check_temperature(-20.0)
    watch.check_temperature(-30.0)
    watch.check("anode", "stress_MPa", 2.5)
    watch.check("anode", "stress_MPa", 3.0)
    assert len(seen) == 3  # temperature of each region once, the anode's stress once
    assert "region 'anode' (li): von Mises stress 2.5 MPa is outside 0 to 2 MPa" in seen[2]
    assert all("-20 C" in m for m in seen[:2])
    assert not watch.wants("anode", "stress_MPa") and not watch.wants("anode", "theta")


def test_theta_overshoots_within_the_event_tolerance_pass():
    seen = []
    watch = RangeWatch({"anode": materials.get("si")}, "warn", seen.append)
    watch.check("anode", "theta", -0.5 * THETA_TOLERANCE, 1.0 + 0.5 * THETA_TOLERANCE)
    assert seen == []
    watch.check("anode", "theta", 0.2, 1.0 + 2.0 * THETA_TOLERANCE)
    assert len(seen) == 1 and "theta 1.01" in seen[0]


def test_the_error_mode_raises_naming_the_key():
    watch = RangeWatch({"anode": _stressed_li()}, "error", lambda m: None)
    with pytest.raises(OutOfRange, match="numerics.out_of_range = 'error'"):
        watch.check("anode", "stress_MPa", 5.0)


# -- the case and the run ----------------------------------------------------------------------


def _cold_li(**more) -> dict:
    """A creeping Li stack at -20 C, outside the 25-90 C of the 'li' creep law; a short rest."""
    return stack_doc(**{"regions__anode": {"material": "li"}, "conditions__temperature_C": -20.0,
                        "protocol": [{"step": "rest", "duration_h": 0.02}], **more})


def test_error_mode_refuses_the_temperature_naming_the_key(tmp_path, capsys):
    with pytest.raises(CaseError) as err:
        validate(_cold_li(numerics__out_of_range="error"))
    assert err.value.key == "conditions.temperature_C"
    assert "25 to 90 C" in str(err.value) and "\n" not in str(err.value)
    import tomli_w

    path = tmp_path / "cold.toml"
    path.write_text(tomli_w.dumps(_cold_li()))
    assert main(["check", str(path), "--set", "numerics.out_of_range=error"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "conditions.temperature_C" in lines[0]
    assert main(["check", str(path), "--set", "numerics.out_of_range=maybe"]) == 2
    assert "numerics.out_of_range" in capsys.readouterr().err


def test_a_run_outside_a_range_warns_in_the_log_and_the_summary(shared_dir):
    from mpi4py import MPI

    from solver.run import Run

    summary = Run(validate(_cold_li()), shared_dir, MPI.COMM_WORLD).execute()
    assert summary["status"] == "completed"
    warned = [w for w in summary["warnings"] if "temperature -20 C" in w]
    assert len(warned) == 1 and "region 'anode' (li)" in warned[0], summary["warnings"]
    if MPI.COMM_WORLD.rank == 0:
        assert json.loads((shared_dir / "summary.json").read_text())["warnings"] == summary["warnings"]
        log = (shared_dir / "run.log").read_text()
        assert log.count("warning: region 'anode' (li): temperature -20 C") == 1


def test_error_mode_stops_a_run_at_a_theta_outside_a_range(shared_dir):
    """The shipped Sn foil starts at theta = 0, below the theta where its D is tabulated: with
    "error" the run ends as failed at the first accepted state (the preload), the message naming
    the key."""
    from mpi4py import MPI

    from solver.case import load_case
    from solver.run import Run

    case = load_case(ROOT / "cases" / "sn_foil_lithiation.toml", [
        "numerics.out_of_range=error", "protocol.0.capacity_mAh_cm2=0.001",
        "output.field_formats=[]"])
    summary = Run(case, shared_dir, MPI.COMM_WORLD).execute()
    assert summary["status"] == "failed" and summary["exit_code"] == 1
    assert "region 'anode' (sn): theta 0 is outside" in summary["message"]
    assert "numerics.out_of_range = 'error'" in summary["message"]
