"""Command line: ``ssb run CASE [--out DIR] [--set dotted.key=value ...]`` and friends.

Verbs:
    run        run a case (serially or under ``mpirun -n N``)
    check      validate a case file and print the resolved case
    plot       stack pressure against capacity for one or more run directories
    materials  list the materials library, or one entry with its sources

Bad input ends every rank with exit status 2 and one line on standard error (from rank 0);
the case is read and validated on rank 0 and the verdict broadcast, so no rank can hang.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

import solver  # noqa: F401  (orders MPI before DOLFINx when the wheel is installed)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ssb", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="verb", required=True)
    run = sub.add_parser("run", help="run a case")
    run.add_argument("case", type=Path)
    run.add_argument("--out", type=Path, help="run directory (default: runs/<case name>)")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="override a case value, e.g. --set fixture.preload_MPa=3")
    check = sub.add_parser("check", help="validate a case and print it resolved")
    check.add_argument("case", type=Path)
    check.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    plot = sub.add_parser("plot", help="stack pressure vs capacity of run directories")
    plot.add_argument("runs", type=Path, nargs="+")
    plot.add_argument("--out", type=Path, required=True, help="PNG file to write")
    mats = sub.add_parser("materials", help="list the library or show one entry")
    mats.add_argument("name", nargs="?")
    return p


def _load_on_root(comm, path: Path, sets: list[str]):
    """Validate on rank 0 and broadcast (case, error) so all ranks agree."""
    from solver.case import CaseError, load_case

    result = None
    if comm.rank == 0:
        try:
            result = (load_case(path, sets), None)
        except CaseError as err:
            result = (None, str(err))
    return comm.bcast(result, root=0)


def _fail(comm, message: str, code: int) -> int:
    if comm.rank == 0:
        print(f"ssb: error: {message}", file=sys.stderr, flush=True)
    return code


def _run(args) -> int:
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    case, error = _load_on_root(comm, args.case, args.sets)
    if error:
        return _fail(comm, error, 2)
    from solver.run import Run

    out = args.out or Path("runs") / case.name
    try:
        summary = Run(case, out, comm).execute()
    except Exception as err:  # a bug or a fault on some rank: end every rank, keep the log
        if comm.rank == 0 or comm.size == 1:
            traceback.print_exc()
        print(f"ssb: error on rank {comm.rank}: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
        if comm.size > 1:
            comm.Abort(1)
        return 1
    comm.barrier()
    if summary["status"] != "completed":
        return _fail(comm, summary["message"], 1)
    return 0


def _check(args) -> int:
    import tomli_w

    from solver.case import CaseError, load_case

    try:
        case = load_case(args.case, args.sets)
    except CaseError as err:
        print(f"ssb: error: {err}", file=sys.stderr)
        return 2
    print(tomli_w.dumps(case.resolved), end="")
    return 0


def _plot(args) -> int:
    from solver.io.plots import pressure_plot

    missing = [str(r) for r in args.runs if not (r / "series.csv").is_file()]
    if missing:
        print(f"ssb: error: no series.csv in {', '.join(missing)}", file=sys.stderr)
        return 2
    out = pressure_plot({r.name: r for r in args.runs}, args.out)
    print(f"wrote {out.resolve()}")
    return 0


def _materials(args) -> int:
    from solver import materials

    if args.name is None:
        for name in materials.names():
            print(f"{name:20s} {materials.get(name).description}")
        return 0
    try:
        m = materials.get(args.name)
    except materials.UnknownMaterialError as err:
        print(f"ssb: error: {err.args[0]}", file=sys.stderr)
        return 2
    e = m.elastic
    print(f"{m.name}: {m.description}")
    print(f"  elastic: E = {e.youngs_modulus_MPa / 1e3:g} GPa, nu = {e.poisson_ratio:g}")
    if m.creep:
        c = m.creep
        print(f"  creep (Norton): A = {c.prefactor_per_s:g} 1/s, Q = {c.activation_energy_J_per_mol / 1e3:g} kJ/mol, "
              f"sigma_ref = {c.reference_stress_MPa:g} MPa, n = {c.stress_exponent:.3g}")
    if m.molar_volume_mm3_per_mol:
        print(f"  molar volume: {m.molar_volume_mm3_per_mol / 1e3:g} cm^3/mol")
    if m.volume_change:
        print(f"  volume change: J_g = {m.volume_change.volume_ratio} at state {m.volume_change.state}")
    for key, source in m.sources().items():
        print(f"  source [{key}]: {source}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return {"run": _run, "check": _check, "plot": _plot, "materials": _materials}[args.verb](args)


if __name__ == "__main__":
    sys.exit(main())
