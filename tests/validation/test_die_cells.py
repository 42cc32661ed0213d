"""Validation tier: the Li die cells against the measurements of Ham (2024), one test per row.

Runs the shipped cases in full (about ten minutes on one core; ``make validate``), prints the
table and asserts that each row's simulated pressure change is within
``validate_die_cells.TOLERANCE`` of the measured one. The rows the model is known to miss are
strict xfails with their cause: they fail the tier if they start to agree, so the table in the
README and these marks change together.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import validate_die_cells as vdc  # noqa: E402

pytestmark = pytest.mark.slow

KNOWN_MISSES = {
    "fixed-gap swing, 51.0 mg/cm2 (Fig. 2.8c)":
        "the measured swing grows faster than linearly with loading; the model's growth is the "
        "plated Li, linear in the capacity",
    "springs, end of 1st charge, 25.5 (Fig. 2.9)":
        "the springs alone give +0.01 MPa where +0.21 MPa was measured: friction or other "
        "compliances of the fixture are not modelled",
    "hold 25 MPa, 40 C, 30 min (Fig. 2.4d)":
        "the frame relaxation is fitted at room temperature and has no temperature dependence "
        "(no data for it); Li that fills the bore relaxes only its deviator",
}


@pytest.fixture(scope="module")
def rows():
    out = Path(os.environ.get("SSB_VALIDATION_OUT", ROOT / "runs" / "validation"))
    table = vdc.table(out)
    vdc.print_table(table)
    return {r.name: r for r in table}


ROW_NAMES = [
    "fixed-gap swing, 6.4 mg/cm2 (Fig. 2.8c)",
    "fixed-gap swing, 25.5 mg/cm2 (Fig. 2.8c)",
    "fixed-gap swing, 51.0 mg/cm2 (Fig. 2.8c)",
    "fixed gap, end of 1st charge, 25.5 (Fig. 2.9)",
    "springs, end of 1st charge, 25.5 (Fig. 2.9)",
    "hold 25 MPa, RT, 30 min (section 2.3.1)",
    "hold 25 MPa, RT, 24 h (Fig. 2.4b)",
    "hold 25 MPa, 40 C, 30 min (Fig. 2.4d)",
]


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[n]))
    if n in KNOWN_MISSES else n for n in ROW_NAMES])
def test_row_agrees_with_the_measurement(rows, name):
    r = rows[name]
    print(f"{name}: measured {r.measured:.2f}, simulated {r.simulated:.2f} MPa, "
          f"error {r.error:+.0%} of the change ({r.basis})")
    assert r.agrees, f"{r.error:+.0%} of the measured change, tolerance {vdc.TOLERANCE:.0%}"


def test_every_row_is_tested(rows):
    assert sorted(rows) == sorted(ROW_NAMES)
