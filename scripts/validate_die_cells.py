"""Run the shipped Li die-cell cases and print simulated against measured, as a table.

    .venv/bin/python scripts/validate_die_cells.py [--out runs/validation]

The measurements are those of S.-Y. Ham, PhD dissertation, University of California San Diego
(2024), chapter 2 (published as Ham et al., Energy Storage Mater. 55 (2023) 455,
doi:10.1016/j.ensm.2022.12.013; docs/references.md); sections and figures are the
dissertation's. Takes a few minutes on one core. The fixed-gap frame stiffness in the cases is
fitted to the 2.14 MPa swing at 25.5 mg/cm^2 (section 2.3.2, Fig. 2.8c); every other row is a
prediction.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from runner import ROOT
from runner import run_case as run

# loading mg/cm^2 -> cathode thickness (um) and capacity (mAh/cm^2), as in the fixed-gap case:
# 3.13 g/cm^3 composite, 66 wt% NCM811 (Ham 2024, section 2.2.1) at 200 mAh/g (Lewis et al. 2022,
# Joule 6, 1418, doi:10.1016/j.joule.2022.05.016, SI Table 3)
LOADINGS = {6.4: (20.45, 0.8448), 25.5: (81.5, 3.366), 51.0: (163.0, 6.732)}


def at_time(s: dict, t_s: float) -> float:
    return min(zip(s["time_s"], s["stack_pressure_MPa"], strict=True), key=lambda r: abs(r[0] - t_s))[1]


def charge_swing(s: dict) -> float:
    """Max - min of the stack pressure after the fixture is set to the 5 MPa cycling pressure."""
    start = [i for i, e in enumerate(s["event"]) if e and "5.0 MPa" in str(e)][-1]
    tail = s["stack_pressure_MPa"][start:]
    return max(tail) - min(tail)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "runs" / "validation")
    out = ap.parse_args().out
    rows = []
    fg = {}
    for loading, (h, q) in LOADINGS.items():
        fg[loading] = run("li_full_cell_fixed_gap.toml", out / f"fixed_gap_{loading}",
                          f"geometry.layers.cathode.thickness_um={h}",
                          f"electrochemistry.cathode_capacity_mAh_cm2={q}", f"protocol.2.capacity_mAh_cm2={q}",
                          "output.field_formats=[]")
    measured_swing = {6.4: 0.73, 25.5: 2.14, 51.0: 6.2}
    for loading, s in fg.items():
        tag = "fitted" if loading == 25.5 else "predicted"
        rows.append((f"fixed-gap swing, {loading} mg/cm2 (Fig. 2.8c)", measured_swing[loading],
                     charge_swing(s), tag))
    rows.append(("fixed gap, end of 1st charge, 25.5 (Fig. 2.9)", 6.96,
                 fg[25.5]["stack_pressure_MPa"][-1], "predicted"))
    sp = run("li_full_cell_spring.toml", out / "spring_25.5", "output.field_formats=[]")
    rows.append(("springs, end of 1st charge, 25.5 (Fig. 2.9)", 5.21, sp["stack_pressure_MPa"][-1],
                 "predicted"))
    rt = run("li_hold_relaxation.toml", out / "hold_25C", "output.field_formats=[]")
    hot = run("li_hold_relaxation.toml", out / "hold_40C", "conditions.temperature_C=40.0", "output.field_formats=[]")
    rows.append(("hold 25 MPa, RT, 30 min (section 2.3.1)", 23.0, at_time(rt, 1800.0), "predicted"))
    rows.append(("hold 25 MPa, RT, 24 h (Fig. 2.4b)", 21.1, at_time(rt, 86400.0), "predicted"))
    rows.append(("hold 25 MPa, 40 C, drop in 30 min (Fig. 2.4)", 5.6, 25.0 - at_time(hot, 1800.0),
                 "predicted"))
    print(f"{'quantity (MPa)':52s} {'measured':>9s} {'simulated':>10s}  status")
    for name, m, sim, tag in rows:
        print(f"{name:52s} {m:9.2f} {sim:10.2f}  {tag}")


if __name__ == "__main__":
    main()
