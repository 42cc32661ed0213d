"""Every shipped case validates, and its measured points lie inside its protocol."""

from __future__ import annotations

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
        if "time_h" in point:
            assert 0.0 <= point["time_h"] <= hours * (1 + 1e-9)
        else:
            assert 0.0 < point["capacity_mAh_cm2"] <= charge * (1 + 1e-9)
        assert point["source"]


def test_the_full_cell_and_hold_cases_carry_their_measurements():
    measured = {p.stem: load_case(p).resolved["measured"] for p in CASES}
    assert [m["value"] for m in measured["li_full_cell_fixed_gap"]] == [6.96]
    assert [m["value"] for m in measured["li_full_cell_spring"]] == [5.21]
    assert [m["value"] for m in measured["li_hold_relaxation"]] == [23.0, 21.1]
