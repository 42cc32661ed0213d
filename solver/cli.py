"""Command line: ``ssb run CASE [--out DIR] [--set dotted.key=value ...]`` and friends.

Verbs:
    run        run a case (serially or under ``mpirun -n N``)
    check      validate a case file and print the resolved case
    plot       stack pressure per protocol step of run directories, with measured points
    materials  list the materials library, or one entry with its sources
    show       a picture of one field of a run (solver/show.py)
    mesh       the mesh of a case as .msh, .xdmf or .vtu (solver/meshio_export.py)

Bad input ends every rank with exit status 2 and one line on standard error (from rank 0);
the case is read and validated on rank 0 and the verdict broadcast, so no rank can hang. A
fault on one rank ends every rank with that rank's message (exit status 1); SIGINT and SIGTERM
stop the run at the next step with its output complete (exit status 130 and 143).
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path

import solver  # first: orders MPI before DOLFINx when the wheel is installed


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ssb", description=__doc__.split("\n")[0])
    p.add_argument("--version", action="version", version=f"ssb-solver {solver.__version__}")
    sub = p.add_subparsers(dest="verb", required=True)
    run = sub.add_parser("run", help="run a case")
    run.add_argument("case", type=Path)
    run.add_argument("--out", help="run directory (default: a new runs/<case name>-<UTC "
                     "date-time>); it must be new or empty, unless --overwrite")
    run.add_argument("--overwrite", action="store_true",
                     help="replace the outputs of an earlier run in --out (other files are kept)")
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


def _run(args) -> int:
    """Run a case; return the exit status, the same on every rank and in ``summary.json``.

    0 completed, 1 failed, 2 bad input, 130 / 143 stopped by SIGINT / SIGTERM.
    """
    from mpi4py import MPI

    from solver.faults import RootError, SignalWatch, abort_on_fault
    from solver.io.rundir import silence_terminal
    from solver.run import Run  # initialises PETSc, which installs its own SIGTERM handler

    comm = MPI.COMM_WORLD
    with SignalWatch() as watch:  # entered after PETSc, so that this handler is the one called
        try:
            case, out, run_dir = _prepare(comm, args)
        except RootError as err:
            return _fail(comm, str(err), 2 if err.user else 1)
        run = None
        try:
            run = Run(case, out, comm, watch)
            if args.quiet:
                silence_terminal(run.log)
            return _report(comm, run.execute(), out)
        except RootError as err:  # raised on every rank alike: no abort needed
            return _fail(comm, str(err), 1)
        except Exception as err:  # a fault on this rank: report it and end every rank
            return abort_on_fault(comm, err, cleanup=functools.partial(_abandon, run, run_dir, err))
        finally:
            if run_dir is not None:
                run_dir.release()


def _prepare(comm, args):
    """Read the case and claim the run directory on rank 0.

    Returns (case, out, run_dir) on every rank; ``run_dir`` (the lock) is held by rank 0 and
    None elsewhere.
    """
    from solver.case import CaseError, load_case
    from solver.faults import on_root
    from solver.io.rundir import RunDirError, claim

    from solver.io.rundir import default_run_dir

    case = on_root(comm, lambda: load_case(args.case, args.sets), (CaseError,))
    out = args.out if args.out is not None else str(default_run_dir(case.name, comm))
    if args.out is None and comm.rank == 0:  # say where a chosen directory is, even if quiet
        print(f"run directory: {out}", flush=True)
    run_dir = on_root(comm, lambda: claim(out, args.case, args.overwrite), (RunDirError,))
    return case, run_dir.path, run_dir if comm.rank == 0 else None


def _report(comm, summary: dict, out: Path) -> int:
    if summary["status"] == "failed":
        return _fail(comm, summary["message"], 1)
    if summary["status"] == "interrupted" and comm.rank == 0:
        print(f"ssb: {summary['message']}; the output up to there is in {out}", file=sys.stderr,
              flush=True)
    return summary["exit_code"]


def _abandon(run, run_dir, err) -> None:
    """Local clean-up on the failing rank: rank 0 writes the failed summary, drops the lock."""
    if run is not None:
        run.abandon(err)
    if run_dir is not None:
        run_dir.release()


def _fail(comm, message: str, code: int) -> int:
    if comm.rank == 0:
        print(f"ssb: error: {message}", file=sys.stderr, flush=True)
    return code


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
        from solver.physics.transport import VOLUME_SMOOTHING

        print(f"      (the model uses this table convolved with a Gaussian of {VOLUME_SMOOTHING:g} "
              "in theta, which keeps the effective diffusivity positive under stress)")
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
