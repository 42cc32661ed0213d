"""Observed orders of convergence of the coupled diffusion-stress solver, printed as tables.

Space: problems without a time error (the sphere in its steady regime, where backward Euler is
exact for the linear-in-time growth, and the bent bar at equilibrium), refined in h.
Time: the film (Crank's slab) on a fine mesh, refined in dt.

Usage: python scripts/convergence.py [--quick] [--out FILE.md]
Runs under mpirun too (the errors are reduced across ranks).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import solver  # noqa: F401  (MPI before DOLFINx)
from mpi4py import MPI

from solver.verification import problems


def study(label, parameter, values, run, columns):
    rows, prev = [], None
    for v in values:
        t0 = time.perf_counter()
        err = run(v)
        row = {"label": label, parameter: v, "dofs": err.dofs, "seconds": time.perf_counter() - t0}
        for c in columns:
            e = getattr(err, c)
            row[f"{c}_error"] = e
            # order in the mesh size (or dt): a count of cells refines the other way
            ratio = v / prev["v"] if prev and parameter == "ny" else (prev["v"] / v if prev else 1)
            row[f"{c}_order"] = (math.log(prev[c] / e) / math.log(ratio)
                                 if prev and e > 0 and prev[c] > 0 else None)
        prev = {"v": v, **{c: getattr(err, c) for c in columns}}
        rows.append(row)
        if MPI.COMM_WORLD.rank == 0:
            print(_line(row, parameter, columns), flush=True)
    return rows


def _line(row, parameter, columns) -> str:
    cells = [row["label"], f"{parameter} = {row[parameter]:g}", f"{row['dofs']} dofs"]
    for c in columns:
        order = row[f"{c}_order"]
        cells.append(f"{c} {row[f'{c}_error']:.3e}" + (f" (order {order:.2f})" if order else ""))
    cells.append(f"{row['seconds']:.1f} s")
    return " | ".join(cells)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="coarser levels (a minute)")
    p.add_argument("--out", type=Path, help="also write the tables as Markdown")
    args = p.parse_args()
    q = args.quick
    tables = [
        ("sphere, axisymmetric, t = 1 s (h in mm)", "h",
         study("sphere axisymmetric", "h", [0.2, 0.1, 0.05] if q else [0.2, 0.1, 0.05, 0.025],
               lambda h: problems.sphere("axisymmetric", h), ["theta", "stress"])),
        ("sphere, 3-D octant, t = 1 s (h in mm)", "h",
         study("sphere 3d", "h", [0.4, 0.2] if q else [0.4, 0.2, 0.1],
               lambda h: problems.sphere("3d", h, dt=0.05), ["theta", "stress"])),
        ("bent bar at equilibrium (ny cells across)", "ny",
         study("bent bar", "ny", [4, 8, 16] if q else [4, 8, 16, 32],
               lambda n: problems.bent_bar(n), ["theta"])),
        ("film / Crank slab, axisymmetric, ny = 64, t = 0.2 s (dt in s)", "dt",
         study("film", "dt", [0.04, 0.02, 0.01] if q else [0.04, 0.02, 0.01, 0.005],
               lambda dt: problems.film("axisymmetric", 64, dt=dt), ["theta", "stress"])),
    ]
    if args.out and MPI.COMM_WORLD.rank == 0:
        lines = []
        for title, par, rows in tables:
            cols = [k for k in rows[0] if k.endswith("_error") or k.endswith("_order")]
            lines += [f"### {title}", "", f"| {par} | dofs | " + " | ".join(cols) + " |",
                      "|---" * (len(cols) + 2) + "|"]
            for r in rows:
                vals = [("" if r[c] is None else f"{r[c]:.3g}") for c in cols]
                lines.append(f"| {r[par]:g} | {r['dofs']} | " + " | ".join(vals) + " |")
            lines.append("")
        args.out.write_text("\n".join(lines))
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
