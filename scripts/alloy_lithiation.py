"""Sn foil and Si film lithiation in the die, fixed gap against constant pressure.

Runs cases/sn_foil_lithiation.toml and cases/si_film_lithiation.toml with both fixtures and
plots stack pressure, anode thickness change and voltage against normalized capacity
(<out>/alloy_lithiation_<case>.png); prints the end state of each run.

    .venv/bin/python scripts/alloy_lithiation.py [--out runs/alloys]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from runner import ROOT, run_case

from solver.io.plots import series_plot

CASES = ("sn_foil_lithiation", "si_film_lithiation")
FIXTURES = {
    "fixed gap (frame)": [],
    "constant pressure": ['fixture={type="constant_pressure", preload_MPa=5.0}'],
}


def run(case: str, out: Path, sets: list[str]) -> dict:
    return run_case(f"{case}.toml", out, "output.field_formats=[]", *sets)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "runs" / "alloys")
    out = ap.parse_args().out
    print(f"{'case':22s} {'fixture':20s} {'norm. capacity':>15s} {'pressure MPa':>13s} "
          f"{'thickness um':>13s} {'voltage V':>10s}  end")
    for case in CASES:
        runs = {}
        for label, sets in FIXTURES.items():
            d = out / f"{case}_{label.split()[0]}"
            s = run(case, d, sets)
            runs[label] = d
            event = next((e for e in reversed(s["event"]) if e), "")
            print(f"{case:22s} {label:20s} {s['normalized_capacity'][-1]:15.3f} "
                  f"{s['stack_pressure_MPa'][-1]:13.3f} {s['anode_thickness_change_um'][-1]:13.3f} "
                  f"{s['voltage_V'][-1]:10.4f}  {event}")
        png = series_plot(runs, out / f"alloy_lithiation_{case}.png", "normalized_capacity",
                          ["stack_pressure_MPa", "anode_thickness_change_um", "voltage_V"])
        print(f"wrote {png}")


if __name__ == "__main__":
    main()
