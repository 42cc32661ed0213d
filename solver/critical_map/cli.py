"""``ssb map CASE --pressure P,... --current I,...|START:STOP:NUM [--fixture F,...] [--out DIR]
[--jobs N] [--ranks R] [--set KEY=VALUE ...] [--slurm | --dry-run | --collect]``."""

from __future__ import annotations

import shlex
from pathlib import Path

from solver.sweep.cli import add_point_options, run_points


def add_parser(sub) -> None:
    """Register ``ssb map`` on the command line's subparsers."""
    p = sub.add_parser("map", help="contact-loss map of an interface case: a run per fixture, "
                       "pressure and current, then the critical currents")
    p.add_argument("case", type=Path, help="an interface case (geometry.builder = 'interface')")
    p.add_argument("--pressure", required=True, metavar="P,...",
                   help="stack pressures, MPa, comma-separated (fixture.preload_MPa)")
    p.add_argument("--current", required=True, metavar="I,...|START:STOP:NUM",
                   help="stripping current densities, mA/cm^2: a comma list, or NUM values from "
                        "START to STOP, both included (the current_mA_cm2 of every strip step)")
    p.add_argument("--fixture", default=None, metavar="TYPE,...",
                   help="fixture types, comma-separated: fixed_gap, spring, constant_pressure "
                        "(default: the case's own)")
    p.add_argument("--out", type=Path, default=None,
                   help="map directory (default runs/<case name>_map); running the map into it "
                        "again skips the points finished there")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                   help="override a case value at every point, as ssb run --set")
    add_point_options(p, "map.csv, critical_current.csv and map.png")
    p.set_defaults(handler=_cli)


def _describe(grid) -> None:
    steps = ", ".join(f"protocol.{i}" for i in grid.strip_steps)
    print(f"map '{grid.name}': {len(grid.sweep.points)} points, {len(grid.fixtures)} fixture(s) "
          f"x {len(grid.pressures)} pressure(s) x {len(grid.currents)} current(s) (set on the "
          f"strip step{'s' if len(grid.strip_steps) > 1 else ''} {steps}), case "
          f"{grid.case_path}")


def _collect_command(args, root: Path) -> str:
    words = ["ssb", "map", str(args.case), "--pressure", args.pressure, "--current",
             args.current, *(["--fixture", args.fixture] if args.fixture else []),
             *[a for s in args.sets for a in ("--set", s)], "--out", str(root), "--collect"]
    return shlex.join(words)


def _cli(args) -> int:
    from solver.critical_map.grid import build_grid
    from solver.sweep.cli import _cores, _error
    from solver.sweep.layout import SweepDir
    from solver.sweep.spec import SweepError, tied_keys, toml_literal

    try:
        if args.ranks < 1:
            raise SweepError("--ranks", f"got {args.ranks}; expected an integer >= 1")
        if args.jobs is not None and args.jobs < 1:
            raise SweepError("--jobs", f"got {args.jobs}; expected an integer >= 1")
        grid = build_grid(args.case, args.pressure, args.current, args.fixture, args.sets)
        sweep_dir = SweepDir(grid.sweep, args.out or Path("runs") / grid.name)
        sweep_dir.command(grid.sweep.points[0], args.ranks)  # an mpirun for --ranks > 1
    except SweepError as err:
        return _error(str(err))
    _describe(grid)
    if args.dry_run:
        for p in grid.sweep.points:
            values = ", ".join(f"{part} = {toml_literal(v)}" for k, v in p.values.items()
                               for part in tied_keys(k))
            command = shlex.join(sweep_dir.command(p, args.ranks))
            print(f"point {p.index} ({p.name}): {values}\n  {command}")
        print(f"(dry run: nothing written; the map directory would be {sweep_dir.root})")
        return 0
    if args.collect:
        return _collect(sweep_dir, grid)
    try:
        sweep_dir.prepare()
    except (SweepError, OSError) as err:
        return _error(str(err))
    if args.slurm:
        from solver.sweep.scripts import write_scripts

        collect = _collect_command(args, sweep_dir.root)
        slurm, batch = write_scripts(sweep_dir, args.ranks, collect=collect)
        print(f"wrote {slurm} (sbatch it: a job array of {len(grid.sweep.points)} tasks) and "
              f"{batch} (all points one after the other)\nafterwards: {collect}")
        return 0
    return _run(sweep_dir, grid, args.jobs or max(1, _cores() // args.ranks), args.ranks)


def _run(sweep_dir, grid, jobs: int, ranks: int) -> int:
    return run_points(sweep_dir, jobs, ranks, "map", lambda: _collect(sweep_dir, grid))


def _collect(sweep_dir, grid) -> int:
    from solver.critical_map.collect import table_text, write_tables
    from solver.critical_map.plot import write_plot

    table, critical_table, rows, critical = write_tables(sweep_dir, grid)
    plot = write_plot(sweep_dir.root, grid, rows, critical)
    done = sum(r["status"] == "ok" for r in rows)
    print(f"collected {done} of {len(rows)} points run: {table}, {critical_table}, {plot}")
    print("critical current (kept: contact held to the end of stripping; the estimate is the "
          "midpoint of the highest kept and lowest lost current)")
    print(table_text(critical))
    return 0
