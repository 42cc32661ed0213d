"""Command line: ``ssb run CASE [--out DIR] [--set dotted.key=value ...]`` and friends.

``ssb run CASE --restart DIR`` continues the stopped run in DIR from its last checkpoint
(:mod:`solver.restart`).

Verbs:
    run        run a case (serially or under ``mpirun -n N``)
    check      validate a case file and print the resolved case
    plot       stack pressure per protocol step of run directories, with measured points
    materials  list the materials library, or one entry with its sources
    show       a picture of one field of a run (solver/show.py)
    mesh       the mesh of a case as .msh, .xdmf or .vtu (solver/meshio_export.py)
    sweep      a sweep spec: a run per point, locally or as a Slurm job array (solver/sweep)
    map        the contact-loss map of an interface case: critical current against stack
               pressure, per fixture, on the sweep machinery (solver/critical_map)

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
    run.add_argument("--restart", metavar="DIR",
                     help="continue the stopped run in DIR from its last checkpoint (CASE: its "
                          "case, e.g. DIR/case.toml; only output.* keys may differ)")
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
    from solver.critical_map import cli as map_cli
    from solver.sweep import cli as sweep_cli

    show.add_parser(sub)
    meshio_export.add_parser(sub)
    sweep_cli.add_parser(sub)
    map_cli.add_parser(sub)
    return p


def _run(args) -> int:
    """Run a case; return the exit status, the same on every rank and in ``summary.json``.

    0 completed, 1 failed, 2 bad input, 130 / 143 stopped by SIGINT / SIGTERM.
    """
    from mpi4py import MPI

    from solver.faults import RootError, SignalWatch, abort_on_fault
    from solver.io.rundir import silence_terminal
    from solver.run import Run  # initialises PETSc, which installs its own SIGTERM handler

    from solver.io.checkpoint import CheckpointError

    comm = MPI.COMM_WORLD
    if args.restart is not None and (args.out is not None or args.overwrite):
        return _fail(comm, "--restart: the run goes on in its own directory; --out and "
                     "--overwrite do not apply", 2)
    with SignalWatch() as watch:  # entered after PETSc, so that this handler is the one called
        try:
            case, out, run_dir, manifest = _prepare(comm, args)
        except RootError as err:
            return _fail(comm, str(err), 2 if err.user else 1)
        run = None
        try:
            if getattr(case, "spec", None) is not None:  # an interface case
                from solver.interface_case_run import InterfaceRun

                run = InterfaceRun(case, out, comm, watch)
            else:
                run = Run(case, out, comm, watch, manifest)
            if args.quiet:
                silence_terminal(run.log)
            return _report(comm, run.execute(), out)
        except RootError as err:  # raised on every rank alike: no abort needed
            return _fail(comm, str(err), 1)
        except CheckpointError as err:  # agreed on every rank, before any output changed
            return _fail(comm, str(err), 2)
        except Exception as err:  # a fault on this rank: report it and end every rank
            return abort_on_fault(comm, err, cleanup=functools.partial(_abandon, run, run_dir, err))
        finally:
            if run_dir is not None:
                run_dir.release()


def _prepare(comm, args):
    """Read the case and claim the run directory on rank 0.

    Returns (case, out, run_dir, manifest) on every rank; ``run_dir`` (the lock) is held by
    rank 0 and None elsewhere; ``manifest`` is the checkpoint's with ``--restart``, else None.
    """
    from solver.case import CaseError, load_case
    from solver.faults import RootError, on_root
    from solver.io.rundir import RunDirError, claim

    from solver.io.rundir import default_run_dir

    case = on_root(comm, lambda: load_case(args.case, args.sets), (CaseError,))
    if args.restart is not None and getattr(case, "spec", None) is not None:
        raise RootError("--restart: an interface case (geometry.builder = 'interface') "
                        "writes no checkpoints yet; run it again from the start", user=True)
    if args.restart is not None:
        from solver.io.checkpoint import CheckpointError
        from solver.restart import claim_restart

        run_dir, manifest = on_root(comm, lambda: claim_restart(args.restart, case),
                                    (RunDirError, CheckpointError))
        return case, run_dir.path, run_dir if comm.rank == 0 else None, manifest
    out = args.out if args.out is not None else str(default_run_dir(case.name, comm))
    if args.out is None and comm.rank == 0:  # say where a chosen directory is, even if quiet
        print(f"run directory: {out}", flush=True)
    run_dir = on_root(comm, lambda: claim(out, args.case, args.overwrite), (RunDirError,))
    return case, run_dir.path, run_dir if comm.rank == 0 else None, None


def _report(comm, summary: dict, out: Path) -> int:
    if summary["status"] == "failed":
        return _fail(comm, summary["message"], 1)
    if summary["status"] == "interrupted" and comm.rank == 0:
        from solver.io.checkpoint import DIRECTORY, MANIFEST

        hint = ""
        if (out / DIRECTORY / MANIFEST).is_file():
            hint = f"; continue it with: ssb run {out / 'case.toml'} --restart {out}"
        print(f"ssb: {summary['message']}; the output up to there is in {out}{hint}",
              file=sys.stderr, flush=True)
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
    for note in case.notes:
        print(f"ssb: note: {note}", file=sys.stderr)
    for warning in case.warnings:
        print(f"ssb: warning: {warning}", file=sys.stderr)
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
        print(f"{'name':{width}s}  {'tag':11s}  {'creep':13s}  description")
        for name, m in rows:
            tag = m.category or ("host" if m.lithiation is not None else "")
            also = materials.aliases(name)
            kind = m.law_kind + "".join(f", {o.kind}" for o in m.other_laws)
            print(f"{name:{width}s}  {tag:11s}  {kind:13s}  {m.description}"
                  + (f" (also: {', '.join(also)})" if also else ""))
        print("\nNames ignore case, spaces, '-' and '_' (Li6PS5Cl, LPSCl); `ssb materials NAME`"
              " shows every parameter of an entry with its unit and source. 'creep' is the "
              "default viscous law (then others a case can select with [regions.X.overrides] "
              "creep = ...).")
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

    def law(c, default: bool) -> None:
        how = "default" if default else f"selected by creep = '{c.kind}'"
        if c.kind == "norton":
            print(f"  creep (Norton, {how}): eps_dot = A exp(-Q/RT) (sigma_eq/sigma_ref)^n")
            print(f"    A = {c.prefactor_per_s:.4g} 1/s, Q = "
                  f"{c.activation_energy_J_per_mol / 1e3:.4g} kJ/mol, sigma_ref = "
                  f"{c.reference_stress_MPa:.4g} MPa, n = {c.stress_exponent:.4g}")
        elif c.kind == "perzyna":
            print(f"  creep (Perzyna, {how}): eps_dot = eps0 <sigma_eq/sigma_y - 1>^m")
            print(f"    eps0 = {c.reference_strain_rate_per_s:.4g} 1/s, m = "
                  f"{c.overstress_exponent:.4g}, sigma_y = {c.yield_stress_MPa:.4g} MPa")
        else:
            print(f"  creep (liquid, {how}): eps_dot = sigma_eq / (3 eta), bulk modulus K kept")
            print(f"    eta = {c.viscosity_MPa_s * 1e6:.4g} Pa s")
        source(c.source)
        units = {"reference_stress_vs_theta": ("sigma_ref", "MPa", 1.0, "{:.4g}"),
                 "yield_stress_vs_theta": ("sigma_y", "MPa", 1.0, "{:.4g}"),
                 "viscosity_vs_theta": ("eta", "Pa s", 1.0e6, "{:.3g}")}
        for key, curve in c.curves().items():
            title, unit, scale, fmt = units[key]
            table(title, curve, unit, scale, fmt)

    tag = m.category or ("host" if m.lithiation is not None else "")
    print(f"{m.name} [{tag}]: {m.description}")
    if materials.aliases(m.name):
        print(f"  also called: {', '.join(materials.aliases(m.name))}")
    e = m.elastic
    print("  elastic (Hencky):")
    print(f"    E = {e.youngs_modulus_MPa / 1e3:.4g} GPa, nu = {e.poisson_ratio:.4g}  "
          f"(G = {e.shear_modulus_MPa / 1e3:.4g} GPa, K = {e.bulk_modulus_MPa / 1e3:.4g} GPa)")
    source(e.source)
    if m.creep is None:
        print("  creep: none (elastic)")
    for c in (m.creep, *m.other_laws):
        if c is not None:
            law(c, default=c is m.creep)
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
    from solver.materials import ranges

    print("  data ranges (outside them a run warns; numerics.out_of_range = 'error' refuses):")
    for quantity in ranges.quantities(m):
        stated = m.ranges_of(quantity)
        if not stated:
            print(f"    {ranges.label(quantity)}: not stated (not checked)")
        for r in stated:
            print(f"    {ranges.label(quantity)}: {ranges.span(r)} ({r.group})")
            source(r.source)
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
