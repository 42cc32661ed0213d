"""Command line: ``ssb run CASE [--out DIR] [--set dotted.key=value ...]`` and friends.

Verbs:
    run        run a case (serially or under ``mpirun -n N``)
    check      validate a case file and print the resolved case
    plot       stack pressure per protocol step of run directories, with measured points
    materials  list the materials library, or one entry with its sources
    show       a picture of one field of a run (solver/show.py)
    mesh       the mesh of a case as .msh, .xdmf or .vtu (solver/meshio_export.py)

Bad input ends every rank with exit status 2 and one line on standard error (from rank 0);
the case is read and validated on rank 0 and the verdict broadcast, so no rank can hang.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

import solver  # first: orders MPI before DOLFINx when the wheel is installed


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ssb", description=__doc__.split("\n")[0])
    p.add_argument("--version", action="version", version=f"ssb-solver {solver.__version__}")
    sub = p.add_subparsers(dest="verb", required=True)
    run = sub.add_parser("run", help="run a case")
    run.add_argument("case", type=Path)
    run.add_argument("--out", type=Path,
                     help="run directory (default: runs/<case name>-<UTC date-time>, a new one)")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="override a case value, e.g. --set fixture.preload_MPa=3")
    run.add_argument("--quiet", "-q", action="store_true",
                     help="no progress lines on the terminal (run.log still has them; errors "
                          "still print)")
    check = sub.add_parser("check", help="validate a case and print it resolved")
    check.add_argument("case", type=Path)
    check.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    plot = sub.add_parser("plot", help="stack pressure of run directories, a panel per "
                          "protocol step, with the measured points of their cases")
    plot.add_argument("runs", type=Path, nargs="+")
    plot.add_argument("--out", type=Path, required=True, help="PNG file to write")
    plot.add_argument("--x", default=None, help="series.csv column for the x axis (default: "
                      "per protocol step, time in a hold or rest, capacity in a charge)")
    plot.add_argument("--y", default=None, help="series.csv column(s), comma-separated, one "
                      "panel each (default: stack_pressure_MPa)")
    mats = sub.add_parser("materials", help="list the library or show one entry")
    mats.add_argument("name", nargs="?")
    from solver import meshio_export, show  # verbs that live in their own modules

    show.add_parser(sub)
    meshio_export.add_parser(sub)
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
    from solver.io.rundir import default_run_dir, silence_terminal
    from solver.run import Run

    out = args.out or default_run_dir(case.name, comm)
    if args.out is None and comm.rank == 0:  # say where a chosen directory is, even if quiet
        print(f"run directory: {out}", flush=True)
    try:
        run = Run(case, out, comm)
        if args.quiet:
            silence_terminal(run.log)
        summary = run.execute()
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
    from solver.io.plots import pressure_plot, series_plot
    from solver.io.series import COLUMNS

    missing = [str(r) for r in args.runs if not (r / "series.csv").is_file()]
    if missing:
        print(f"ssb: error: no series.csv in {', '.join(missing)}", file=sys.stderr)
        return 2
    runs = {r.name: r for r in args.runs}
    if args.x is None and "," not in (args.y or ""):  # one column: a panel per protocol step
        y = args.y or "stack_pressure_MPa"
        if y not in COLUMNS:
            print(f"ssb: error: --y: unknown column {y}; columns: {', '.join(COLUMNS)}",
                  file=sys.stderr)
            return 2
        out = pressure_plot(runs, args.out, y)
    else:
        x = args.x or "capacity_mAh_cm2"
        ys = (args.y or "stack_pressure_MPa").split(",")
        bad = [c for c in (x, *ys) if c not in COLUMNS]
        if bad:
            print(f"ssb: error: --x/--y: unknown column(s) {', '.join(bad)}; "
                  f"columns: {', '.join(COLUMNS)}", file=sys.stderr)
            return 2
        out = series_plot(runs, args.out, x, ys)
    print(f"wrote {out.resolve()}")
    return 0


def _materials(args) -> int:
    """``ssb materials``: the library as a table; ``ssb materials NAME``: one entry in full."""
    import textwrap

    from solver import materials

    if args.name is None:
        rows = [(n, materials.get(n)) for n in materials.names()]
        width = max(len(n) for n, _ in rows)
        print(f"{'name':{width}s}  {'tag':11s}  description")
        for name, m in rows:
            tag = m.category or ("host" if m.lithiation is not None else "")
            also = materials.aliases(name)
            print(f"{name:{width}s}  {tag:11s}  {m.description}"
                  + (f" (also: {', '.join(also)})" if also else ""))
        print("\nNames ignore case, spaces, '-' and '_' (Li6PS5Cl, LPSCl); `ssb materials NAME`"
              " shows every parameter of an entry with its unit and source.")
        return 0
    try:
        m = materials.get(args.name)
    except materials.UnknownMaterialError as err:
        print(f"ssb: error: {err.args[0]}", file=sys.stderr)
        return 2

    wrap = textwrap.TextWrapper(width=100, initial_indent="      ", subsequent_indent="      ")

    def source(text: str) -> None:
        print(wrap.fill(f"source: {text}"))

    def table(title: str, curve, unit: str, scale: float = 1.0, fmt: str = "{:.4g}") -> None:
        print(f"    {title} ({unit}) vs theta:")
        print(f"      {'theta':>8s}  {'value':>10s}")
        for t, v in zip(curve.theta, curve.values, strict=True):
            print(f"      {t:8.4f}  {fmt.format(v * scale):>10s}")
        source(curve.source)

    tag = m.category or ("host" if m.lithiation is not None else "")
    print(f"{m.name} [{tag}]: {m.description}")
    if materials.aliases(m.name):
        print(f"  also called: {', '.join(materials.aliases(m.name))}")
    e = m.elastic
    print("  elastic (neo-Hookean):")
    print(f"    E = {e.youngs_modulus_MPa / 1e3:.4g} GPa, nu = {e.poisson_ratio:.4g}  "
          f"(G = {e.shear_modulus_MPa / 1e3:.4g} GPa, K = {e.bulk_modulus_MPa / 1e3:.4g} GPa)")
    source(e.source)
    c = m.creep
    if c is None:
        print("  creep: none")
    else:
        print("  creep (Norton): eps_dot = A exp(-Q/RT) (sigma_eq/sigma_ref)^n")
        print(f"    A = {c.prefactor_per_s:.4g} 1/s, Q = {c.activation_energy_J_per_mol / 1e3:.4g} "
              f"kJ/mol, sigma_ref = {c.reference_stress_MPa:.4g} MPa, n = {c.stress_exponent:.4g}")
        source(c.source)
        if c.reference_stress_vs_theta is not None:
            table("sigma_ref", c.reference_stress_vs_theta, "MPa")
    if m.molar_volume_mm3_per_mol:
        print(f"  molar volume (plated metal): {m.molar_volume_mm3_per_mol / 1e3:.4g} cm^3/mol")
        source(m.molar_volume_source)
    if m.volume_change:
        vc = m.volume_change
        print("  volume change J_g (-) vs state of charge (-):")
        for s_, j in zip(vc.state, vc.volume_ratio, strict=True):
            print(f"      {s_:8.4f}  {j:10.4g}")
        source(vc.source)
    lith = m.lithiation
    if lith is not None:
        print("  lithiation (Li_x M, theta = x / x_max):")
        print(f"    x_max = {lith.li_per_host_max:.4g} Li per host atom, "
              f"V_host = {lith.host_molar_volume_mm3_per_mol / 1e3:.4g} cm^3/mol, "
              f"c_max = {lith.max_concentration_mol_per_mm3 * 1e3:.4g} mol/cm^3")
        capacity = m.capacity_mAh_per_g_host()
        per_g = f", {capacity:.4g} mAh/g of {m.host_element}" if capacity else ""
        print(f"    capacity = {lith.capacity_mAh_per_mm3 * 1e3:.4g} mAh/cm^3 of host{per_g}")
        print(f"    initial theta = {m.initial_theta:.4g}, chemical potential = "
              f"'{lith.chemical_potential}', D at {lith.diffusion_reference_temperature_K:g} K, "
              f"Q_D = {lith.diffusion_activation_energy_J_per_mol / 1e3:.4g} kJ/mol")
        source(lith.source)
        table("open-circuit potential", lith.open_circuit_potential_V, "V vs Li/Li+")
        table("volume ratio J_g", lith.volume_ratio, "-")
        table("diffusivity D", lith.diffusivity_mm2_per_s, "cm^2/s", 1.0e-2, "{:.3g}")
        if lith.youngs_modulus_MPa is not None:
            table("Young's modulus E", lith.youngs_modulus_MPa, "GPa", 1.0e-3)
        if lith.poisson_ratio is not None:
            table("Poisson's ratio nu", lith.poisson_ratio, "-")
    if m.notes:
        print("  notes:")
        note = textwrap.TextWrapper(width=100, initial_indent="    - ", subsequent_indent="      ")
        for n in m.notes:
            print(note.fill(n))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if hasattr(args, "handler"):
        return args.handler(args)
    return {"run": _run, "check": _check, "plot": _plot, "materials": _materials}[args.verb](args)


if __name__ == "__main__":
    sys.exit(main())
