"""Call the solver from Python: the fixed-gap full cell charged at three cycling pressures.

    .venv/bin/python scripts/api_example.py [--out runs/api_example]

Loads the shipped case with overrides (the same dotted keys as ``ssb run --set``), runs it
three times with the first 1 mAh/cm^2 of the charge, prints the pressure rise of each from
the series arrays, and plots the three runs a panel per protocol step. About a minute.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from solver import api
from solver.io.plots import pressure_plot

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "runs" / "api_example")
    out = ap.parse_args().out
    runs = {}
    print(f"{'cycling pressure (MPa)':>24s} {'after 1 mAh/cm2 (MPa)':>22s} {'rise (MPa)':>11s}")
    for pressure in (2.0, 5.0, 10.0):
        case = api.load_case(ROOT / "cases" / "li_full_cell_fixed_gap.toml", {
            "fixture.preload_MPa": pressure,           # the cycling pressure: the hold after
                                                       # the 25 MPa contact hold returns to it
            "protocol.2.capacity_mAh_cm2": 1.0,        # the first 1 mAh/cm^2 of the charge
            "output.field_formats": [],
        })
        result = api.run(case, out / f"cycling_{pressure:g}MPa", quiet=True)
        p = result.series["stack_pressure_MPa"]
        charge = result.series["protocol_step"] == 2
        print(f"{pressure:24.1f} {p[-1]:22.3f} {p[-1] - p[charge][0]:11.3f}")
        runs[f"{pressure:g} MPa"] = result.directory
    print(f"wrote {pressure_plot(runs, out / 'cycling_pressures.png')}")


if __name__ == "__main__":
    main()
