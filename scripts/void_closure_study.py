"""Void closure in creeping Li: mesh and time-step convergence of the closure rate.

A spherical void (axisymmetric, p = 1 MPa) and a cylindrical one (plane strain, p = 0.5 MPa)
in the library's Li (Norton, n = 6.67), b = 2 a, run to steady creep
(solver.verification.voids.void_closure); the table gives the simulated -a_dot / a against
the closed form of Budiansky, Hutchinson & Slutsky (1982) for the finite shell, on the current
geometry, and the change of that error over the last step (the transient left). A last block
scales Li's E by 10 and 100 (times and steps by 1/E): the error that is left at h -> 0,
dt -> 0 falls as 1/E, i.e. it is the O(sigma / E) of finite strain, not the discretisation.

Usage: python scripts/void_closure_study.py [--quick] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import solver  # noqa: F401  (MPI before DOLFINx)
from mpi4py import MPI

from solver.materials.entries.metals import LI
from solver.materials.laws import Elastic
from solver.verification import voids

RUNS = {"axisymmetric": {"pressure_MPa": 1.0, "t_end_s": 100.0},
        "plane_strain": {"pressure_MPa": 0.5, "t_end_s": 300.0}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="h down to 0.25 only")
    parser.add_argument("--out", type=Path, help="also write the table to this markdown file")
    args = parser.parse_args()
    sizes = (0.5, 0.25) if args.quick else (0.5, 0.25, 0.125)
    steps = (20.0, 10.0, 5.0, 2.5)
    lines = ["| void | E / E_Li | h (outer) | dofs | dt (s) | t_end (s) | -a_dot/a (1/s) "
             "| closed form | error | last-step change | void strain | s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for mode, run in RUNS.items():
        cases = ([(h, 10.0, 1.0) for h in sizes] + [(0.25, dt, 1.0) for dt in steps if dt != 10.0]
                 + [(0.25, 5.0, f) for f in (10.0, 100.0)])
        for h, dt, factor in cases:
            t0 = time.perf_counter()
            li = replace(LI, elastic=Elastic(LI.elastic.youngs_modulus_MPa * factor,
                                             LI.elastic.poisson_ratio, "Li, E scaled"))
            r = voids.void_closure(mode, h=h, dt_s=dt / factor, material=li,
                                   pressure_MPa=run["pressure_MPa"],
                                   t_end_s=run["t_end_s"] / factor)
            change = r.error - r.detail["error_one_step_before"]
            line = (f"| {voids.SHAPE[mode]} | {factor:g} | {h} | {r.dofs} | {dt / factor:g} | "
                    f"{r.detail['t']:g} | {r.simulated:.5e} | {r.closed_form:.5e} | "
                    f"{r.error:+.2e} | {change:+.1e} | {r.detail['void_strain']:.1e} | "
                    f"{time.perf_counter() - t0:.1f} |")
            lines.append(line)
            if MPI.COMM_WORLD.rank == 0:
                print(line, flush=True)
    if args.out and MPI.COMM_WORLD.rank == 0:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
