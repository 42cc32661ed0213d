"""``ssb sweep SPEC [--out DIR] [--jobs N] [--ranks R] [--slurm | --dry-run | --collect]``."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path


def add_parser(sub) -> None:
    """Register ``ssb sweep`` on the command line's subparsers."""
    p = sub.add_parser("sweep", help="run a sweep spec: one run per point, then a table")
    p.add_argument("spec", type=Path, help="sweep spec (TOML: [sweep] base, [sweep.vary])")
    p.add_argument("--out", type=Path, default=None,
                   help="sweep directory (default runs/<sweep name>); running a sweep into it "
                        "again skips the points finished there")
    add_point_options(p, "sweep.csv and sweep.png")
    p.set_defaults(handler=_cli)


def add_point_options(p, collected: str) -> None:
    """The options of a command that runs points (``ssb sweep``, ``ssb map``): how many at a
    time and on how many ranks, and the modes that run nothing (``collected``: what --collect
    writes)."""
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="points run at a time (default: the cores of this machine // --ranks)")
    p.add_argument("--ranks", type=int, default=1,
                   help="MPI ranks per point: mpirun -n R, the mpirun beside this Python")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--slurm", action="store_true",
                      help="write a Slurm job-array script and a bash script; run nothing")
    mode.add_argument("--dry-run", action="store_true",
                      help="validate every point and print its command; write nothing")
    mode.add_argument("--collect", action="store_true",
                      help=f"only collect {collected} from the points' runs")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (Slurm, taskset)
    except AttributeError:
        return os.cpu_count() or 1


def _error(message: str) -> int:
    print(f"ssb: error: {message}", file=sys.stderr)
    return 2


def _ranges(indices: list[int]) -> str:
    """'0-2, 5' for [0, 1, 2, 5]."""
    out, start = [], None
    for i, n in enumerate(indices):
        if start is None:
            start = n
        if i + 1 == len(indices) or indices[i + 1] != n + 1:
            out.append(f"{start}" if start == n else f"{start}-{n}")
            start = None
    return ", ".join(out)


def _describe(sweep) -> None:
    sizes = " x ".join(f"{k} ({len(v)})" for k, v in sweep.vary.items())
    print(f"sweep '{sweep.name}': {len(sweep.points)} points, {sweep.combine} of {sizes}, "
          f"base {sweep.base}")
    for kind in ("notes", "warnings"):
        said: dict[str, list[int]] = {}
        for p in sweep.points:
            for text in getattr(p.case, kind):
                said.setdefault(text, []).append(p.index)
        for text, where in said.items():
            print(f"{kind[:-1]} (point{'s' if len(where) > 1 else ''} {_ranges(where)}): {text}")


def _cli(args) -> int:
    from solver.sweep.layout import SweepDir
    from solver.sweep.spec import SweepError, load_sweep, toml_literal

    try:
        sweep = load_sweep(args.spec)
        if args.ranks < 1:
            raise SweepError("--ranks", f"got {args.ranks}; expected an integer >= 1")
        if args.jobs is not None and args.jobs < 1:
            raise SweepError("--jobs", f"got {args.jobs}; expected an integer >= 1")
        sweep_dir = SweepDir(sweep, args.out or Path("runs") / sweep.name)
        sweep_dir.command(sweep.points[0], args.ranks)  # an mpirun for --ranks > 1
    except SweepError as err:
        return _error(str(err))
    _describe(sweep)
    if args.dry_run:
        for p in sweep.points:
            values = ", ".join(f"{k} = {toml_literal(v)}" for k, v in p.values.items())
            command = shlex.join(sweep_dir.command(p, args.ranks))
            print(f"point {p.index} ({p.name}): {values}\n  {command}")
        print(f"(dry run: nothing written; the sweep directory would be {sweep_dir.root})")
        return 0
    if args.collect:
        return _collect(sweep_dir)
    try:
        sweep_dir.prepare()
    except (SweepError, OSError) as err:
        return _error(str(err))
    if args.slurm:
        from solver.sweep.scripts import write_scripts

        slurm, batch = write_scripts(sweep_dir, args.ranks)
        print(f"wrote {slurm} (sbatch it: a job array of {len(sweep.points)} tasks) and {batch} "
              "(all points one after the other)\nafterwards: ssb sweep "
              f"{shlex.quote(str(args.spec))} --out {shlex.quote(str(sweep_dir.root))} --collect")
        return 0
    return _run(sweep_dir, args.jobs or max(1, _cores() // args.ranks), args.ranks)


def _run(sweep_dir, jobs: int, ranks: int) -> int:
    return run_points(sweep_dir, jobs, ranks, "sweep", lambda: _collect(sweep_dir))


def run_points(sweep_dir, jobs: int, ranks: int, what: str, collect) -> int:
    """Run the points of ``sweep_dir`` in a pool, then ``collect()`` (its exit code), also
    after Ctrl-C; 1 if a point failed. ``what`` names the command in the messages."""
    from solver.sweep.pool import Pool

    pool = Pool(sweep_dir, jobs, lambda p: sweep_dir.command(p, ranks),
                say=lambda line: print(line, flush=True))
    try:
        outcomes = pool.run(list(sweep_dir.sweep.points))
    except KeyboardInterrupt:
        print(f"{what} interrupted: the same command again runs the points not finished",
              file=sys.stderr)
        collect()
        return 130
    code = collect()
    failed = [o for o in outcomes.values() if o.status not in ("completed", "skipped")]
    for o in failed:
        print(f"failed: point {o.point.index} ({o.point.name}): {o.error}", file=sys.stderr)
    return 1 if failed else code


def _collect(sweep_dir) -> int:
    from solver.sweep.collect import collect

    table, plot, rows = collect(sweep_dir)
    done = sum(r["status"] == "completed" for r in rows)
    print(f"collected {done} of {len(rows)} points completed: {table}"
          + (f", {plot}" if plot else " (no plot: no point completed)"))
    return 0
