"""What the die can give the 25 MPa hold: the stack's own relaxation with each die wall.

The hold case (cases/li_hold_relaxation.toml, Li | Li6PS5Cl | Li in the 10 mm die) is run
without its relaxing frame, so the pressure it loses is the Li creep's alone, with the wall

* rigid (the shipped case): Li can relax only its deviator;
* "elastic": the PEEK holder as a Lame spring, the whole length loaded (not run by default:
  at about 0.8 h its step collapses, see the README);
* "meshed": the PEEK holder meshed, loaded over the stack's band only.

The holder's outer diameter and height are not reported with the measurements (Ham 2024,
section 2.2.3 gives the 10 mm PEEK bore only): 30 mm and 20 mm here are assumptions, and the
table is a sensitivity, not a prediction. Measured: 2.0 MPa lost in 30 min, 3.9 MPa in 24 h.

    .venv/bin/python scripts/hold_mechanisms.py [--out runs/hold_mechanisms] [--hours 24]
        [--walls rigid meshed elastic]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from runner import ROOT, run_case

HOLDER = ["die.holder_material=peek", "die.holder_outer_diameter_mm=30.0"]
WALLS = {
    "rigid": ["die.wall=rigid"],
    "elastic (Lame spring)": ["die.wall=elastic", *HOLDER],
    "meshed": ["die.wall=meshed", *HOLDER, "die.holder_height_mm=20.0"],
}
MEASURED = {1800.0: 2.0, 86400.0: 3.9}


def at_time(s: dict, t_s: float) -> float:
    """The series' stack pressure at the accepted step closest to t_s."""
    i = min(range(len(s["time_s"])), key=lambda j: abs(s["time_s"][j] - t_s))
    return s["stack_pressure_MPa"][i]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "runs" / "hold_mechanisms")
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--walls", nargs="+", default=["rigid", "meshed"],
                    choices=[w.split()[0] for w in WALLS])
    args = ap.parse_args()
    times = [t for t in MEASURED if t <= args.hours * 3600.0]
    rows = []
    for label, sets in WALLS.items():
        if label.split()[0] not in args.walls:
            continue
        out = args.out / label.split()[0]
        s = run_case("li_hold_relaxation.toml", out, "output.field_formats=[]",
                     "fixture.frame_relaxation_fraction=0.0",
                     f"protocol.0.duration_h={args.hours}", *sets)
        p0 = s["stack_pressure_MPa"][0]
        rows.append((label, [p0 - at_time(s, t) for t in times], max(s["wall_force_N"])))
        print(f"  {label}: done", flush=True)
    head = "".join(f"{f'lost by {t / 3600:g} h (MPa)':>22s}" for t in times)
    print(f"\n{'die wall':24s}{head}{'wall force (N)':>16s}")
    for label, lost, force in rows:
        print(f"{label:24s}" + "".join(f"{v:22.3f}" for v in lost) + f"{force:16.1f}")
    print(f"{'measured':24s}" + "".join(f"{MEASURED[t]:22.1f}" for t in times))


if __name__ == "__main__":
    main()
