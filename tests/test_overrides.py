"""Overrides a protocol step shadows are warned about, the cycling pressure is one key, and
the fixture type can be switched from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from solver import api
from solver.case import CaseError, load_case, validate
from solver.case.load import validate_overrides
from tests.conftest import stack_doc

CASES = Path(__file__).resolve().parents[1] / "cases"


def _held(second_hold_pressure) -> dict:
    """A contact hold at 25 MPa, a hold at ``second_hold_pressure``, then a charge."""
    return stack_doc(protocol=[
        {"step": "hold", "duration_h": 0.01, "pressure_MPa": 25.0},
        {"step": "hold", "duration_h": 0.01, "pressure_MPa": second_hold_pressure},
        {"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 0.02},
    ])


def test_a_preload_a_hold_re_sets_is_warned_about():
    case = validate(_held(5.0), ["fixture.preload_MPa=3"])
    assert case.protocol[2].kind == "charge" and case.protocol[1].pressure_MPa == 5.0
    [warning] = case.warnings
    assert ("override fixture.preload_MPa = 3 is shadowed: protocol.1.pressure_MPa = 5 re-sets "
            "the fixture, so protocol.2 (charge) runs at 5 MPa") in warning


def test_a_hold_at_the_preload_follows_the_override():
    case = validate(_held("preload"), ["fixture.preload_MPa=3"])
    assert case.warnings == ()
    assert [s.pressure_MPa for s in case.protocol] == [25.0, 3.0, None]


def test_no_warning_without_an_override_or_for_the_protocol_key_itself():
    assert validate(_held(5.0)).warnings == ()
    assert validate(_held(5.0), ["protocol.1.pressure_MPa=3"]).warnings == ()


def test_a_hold_only_protocol_is_shadowed_by_its_own_pressure():
    doc = stack_doc(protocol=[{"step": "hold", "duration_h": 0.01, "pressure_MPa": 10.0}])
    [warning] = validate(doc, ["fixture.preload_MPa=3"]).warnings
    assert "protocol.0 (hold) runs at 10 MPa" in warning


@pytest.mark.parametrize("name", ["li_full_cell_fixed_gap", "li_full_cell_spring"])
def test_the_full_cells_cycle_at_the_preload(name):
    case = load_case(CASES / f"{name}.toml", ["fixture.preload_MPa=3"])
    assert case.warnings == ()
    assert [s.pressure_MPa for s in case.protocol] == [25.0, 3.0, None]
    assert [s.pressure_MPa for s in load_case(CASES / f"{name}.toml").protocol] == [25.0, 5.0, None]


def test_the_api_warns_too():
    path = CASES / "li_full_cell_spring.toml"
    assert api.load_case(path, {"fixture.preload_MPa": 3.0}).warnings == ()
    case = validate_overrides(_held(5.0), [(["fixture", "preload_MPa"], 3.0)])
    assert len(case.warnings) == 1


@pytest.mark.parametrize("value", ["'pre-load'", "-1.0", "true"])
def test_a_bad_hold_pressure_names_the_key(value):
    with pytest.raises(CaseError) as err:
        validate(_held(5.0), [f"protocol.1.pressure_MPa={value}"])
    assert err.value.key == "protocol.1.pressure_MPa"


def test_a_shadowed_override_reaches_the_log_and_summary(tmp_path):
    """A short run: the warning is in run.log and summary.json; the plot titles a hold at the
    preload with its pressure."""
    case = tmp_path / "held.toml"
    case.write_text(tomli_w.dumps(_held(5.0)))
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "solver.cli", "run", str(case), "--out",
                           str(out), "--quiet", "--set", "fixture.preload_MPa=3"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed"
    [warning] = summary["warnings"]
    assert "fixture.preload_MPa = 3 is shadowed" in warning
    assert f"warning: {warning}" in (out / "run.log").read_text()
    assert (out / "stack_pressure.png").is_file()


# --- switching the fixture type -------------------------------------------------------------


def test_switching_to_constant_pressure_drops_the_frame_with_a_note():
    case = load_case(CASES / "li_full_cell_fixed_gap.toml", ["fixture.type=constant_pressure"])
    assert case.fixture.type == "constant_pressure" and case.fixture.stiffness_N_per_mm == 0.0
    assert "frame_stiffness_N_per_mm" not in case.resolved["fixture"]
    [note] = case.notes
    assert "dropped fixture.frame_stiffness_N_per_mm = 10900.0" in note


def test_switching_springs_to_a_fixed_gap_keeps_the_frame():
    case = load_case(CASES / "li_full_cell_spring.toml", ["fixture.type=fixed_gap"])
    assert case.fixture.stiffness_N_per_mm == 10900.0
    assert "spring_stiffness_N_per_mm" not in case.resolved["fixture"]


def test_switching_to_springs_needs_their_stiffness():
    path = CASES / "li_full_cell_fixed_gap.toml"
    with pytest.raises(CaseError) as err:
        load_case(path, ["fixture.type=spring"])
    assert err.value.key == "fixture.spring_stiffness_N_per_mm"
    case = load_case(path, ["fixture.type=spring", "fixture.spring_stiffness_N_per_mm=73.4"])
    assert case.fixture.stiffness_N_per_mm == pytest.approx(1.0 / (1 / 73.4 + 1 / 10900.0))
    assert case.notes == ()


def test_without_a_type_override_a_wrong_key_is_still_refused():
    doc = stack_doc(fixture={"type": "constant_pressure", "preload_MPa": 5.0,
                             "frame_stiffness_N_per_mm": 1e4})
    with pytest.raises(CaseError) as err:
        validate(doc, ["fixture.preload_MPa=3"])
    assert err.value.key == "fixture.frame_stiffness_N_per_mm"


def test_check_prints_the_warnings_and_notes(tmp_path, capsys):
    from solver.cli import main

    case = tmp_path / "held.toml"
    case.write_text(tomli_w.dumps(_held(5.0)))
    assert main(["check", str(case), "--set", "fixture.preload_MPa=3",
                 "--set", "fixture.type=constant_pressure"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[1].strip() for line in err] == ["warning"]
    assert err[0].startswith("ssb: warning: override fixture.preload_MPa = 3 is shadowed")
    assert main(["check", str(CASES / "li_full_cell_fixed_gap.toml"),
                 "--set", "fixture.type=constant_pressure"]) == 0
    assert capsys.readouterr().err.startswith("ssb: note: fixture.type = 'constant_pressure'")
