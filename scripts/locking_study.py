"""Volumetric locking in steady creep: a thick-walled cylinder against Bailey's solution.

The cylinder (a = 1, b = 2 mm, plane strain, p = 1 MPa, Norton n = 5) runs to steady creep,
whose flow is isochoric (solver.verification.problems.thick_cylinder_creep); the table gives
the largest stress error at the cell centroids, relative to p, for P1, P2 and P2 with F-bar,
refined in the radial cell count nr, at three end times: the longer the last steps against the
1 s relaxation time, the closer the algorithmic tangent is to incompressible.

Usage: python scripts/locking_study.py [--quick] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import solver  # noqa: F401  (MPI before DOLFINx)
from mpi4py import MPI

from solver.verification import problems

VARIANTS = (("P1", 1, False), ("P2", 2, False), ("P2 + F-bar (P0 projection)", 2, "p0"),
            ("P2 + F-bar (P1 projection, the default)", 2, "p1"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="nr up to 16, one end time")
    parser.add_argument("--out", type=Path, help="also write the table to this markdown file")
    args = parser.parse_args()
    counts = (4, 8, 16) if args.quick else (4, 8, 16, 32)
    ends = (1.0e4,) if args.quick else (1.0e2, 1.0e4, 1.0e5)
    lines = ["| elements | nr | dofs | t_end (s) | max error / p | mean-stress error / p "
             "| order | s |", "|---|---|---|---|---|---|---|---|"]
    for label, degree, f_bar in VARIANTS:
        for t_end in ends:
            previous = None
            for nr in counts:
                t0 = time.perf_counter()
                e = problems.thick_cylinder_creep(nr, degree, t_end=t_end, f_bar=f_bar)
                order = (math.log(previous / e.stress) / math.log(2.0)
                         if previous and e.stress > 0 else None)
                previous = e.stress
                line = (f"| {label} | {nr} | {e.dofs} | {t_end:.0e} | {e.stress:.3e} | "
                        f"{e.detail['mean_stress']:.3e} | "
                        f"{'' if order is None else f'{order:.2f}'} | "
                        f"{time.perf_counter() - t0:.1f} |")
                lines.append(line)
                if MPI.COMM_WORLD.rank == 0:
                    print(line, flush=True)
    if args.out and MPI.COMM_WORLD.rank == 0:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
