"""Batch scripts of a sweep: a Slurm job array (task i runs point i) and a plain bash script.

Both run the same command per point as the local pool (:meth:`SweepDir.command`), skip a
point whose ``summary.json`` says ``completed``, continue a point that stopped with a restart
checkpoint (``--restart``: a job killed at its time limit by SIGTERM goes on when resubmitted),
and append the point's output to its ``ssb.out``. The environment lines (modules, conda) are comments for the cluster user to edit;
``PYTHON``, ``MPIRUN`` and ``SWEEP_DIR`` may be overridden from the environment.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from solver.io.checkpoint import DIRECTORY as CHECKPOINT_DIRECTORY
from solver.io.checkpoint import MANIFEST as CHECKPOINT_MANIFEST
from solver.sweep.layout import OUTPUT, SweepDir, find_mpirun, source_checkout

SLURM = "slurm_array.sh"
BATCH = "run_all.sh"

_ENVIRONMENT = """\
# --- environment: edit for the cluster (uncomment what applies) ---------------------------
# module purge
# module load gcc openmpi                # the MPI that DOLFINx was built with
# module load miniforge3
# eval "$(conda shell.bash hook)" && conda activate fenicsx-0.11
# export PYTHON=python                   # the Python with ssb installed (default below)
# export MPIRUN=srun                     # or mpirun of that environment (default below)
"""

_FUNCTIONS = """\
set -euo pipefail
export OMP_NUM_THREADS="${{OMP_NUM_THREADS:-1}}"
SWEEP_DIR="${{SWEEP_DIR:-{root}}}"
PYTHON="${{PYTHON:-{python}}}"
MPIRUN="${{MPIRUN:-{mpirun}}}"
{source}RANKS={ranks}
NPOINTS={npoints}

# run_point I: run point I of the sweep (skipped when its summary.json says completed)
run_point() {{
    local index=$1 name
    case "$index" in
{cases}
        *) echo "no point '$index' in this sweep (0 to $((NPOINTS - 1)))" >&2; return 2 ;;
    esac
    local dir="$SWEEP_DIR/points/$name"
    if grep -qs '"status": "completed"' "$dir/summary.json"; then
        echo "point $index ($name): completed before, skipped"
        return 0
    fi
    local target=(--out "$dir" --overwrite) state="running"
    if [ -f "$dir/{checkpoint}" ]; then  # stopped before (a signal): go on from its checkpoint
        target=(--restart "$dir") state="continuing from its checkpoint"
    fi
    mkdir -p "$dir"
    rm -f "$dir/summary.json"
    if [ "$state" = running ]; then : > "$dir/{output}"; fi  # a restart appends to it
    local launch=()
    if [ "$RANKS" -gt 1 ]; then launch=($MPIRUN -n "$RANKS"); fi
    echo "point $index ($name): $state"
    local status=0
    ${{launch[@]+"${{launch[@]}}"}} "$PYTHON" -m solver.cli run "$SWEEP_DIR/base.toml" \\
        "${{target[@]}}" --quiet "$@" >> "$dir/{output}" 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
        echo "point $index ($name): completed"
    else
        echo "point $index ($name): failed (exit status $status): $(tail -n 1 "$dir/{output}")"
    fi
    return "$status"
}}
"""

_SLURM = """\
#!/bin/bash
# Slurm job array of the sweep '{name}': {npoints} points, array task I runs point I.
#   sbatch {root}/{slurm}                  all points
#   sbatch --array=3,7 {root}/{slurm}      only points 3 and 7
#   sbatch --array=0-{last}%10 ...          at most 10 at a time
# A point finished before (summary.json: completed) is skipped, so resubmitting runs the
# rest. Collect the table afterwards: {collect}
#SBATCH --job-name=ssb-{name}
#SBATCH --array=0-{last}
#SBATCH --ntasks={ranks}
#SBATCH --cpus-per-task=1
#SBATCH --time=04:00:00                  # edit: the wall time of one point
#SBATCH --output={root}/points/slurm-%A_%a.out
##SBATCH --partition=standard            # edit, and remove one '#' to use
##SBATCH --account=my_project            # edit, and remove one '#' to use
##SBATCH --mem-per-cpu=4G                # edit, and remove one '#' to use

{environment}
{functions}
run_point "${{SLURM_ARRAY_TASK_ID:?is not set: sbatch this script, or set it to a point index}}"
"""

_BATCH = """\
#!/bin/bash
# Every point of the sweep '{name}' ({npoints} points), one after the other, on this machine
# or inside one batch allocation. A failed point is reported and the next one runs; finished
# points are skipped. Then: {collect}

{environment}
{functions}
failed=0
for index in $(seq 0 $((NPOINTS - 1))); do
    run_point "$index" || failed=$((failed + 1))
done
echo "$NPOINTS points, $failed failed"
[ "$failed" -eq 0 ]
"""


def _dq(text: str) -> str:
    """``text`` for the inside of a bash double-quoted string."""
    return "".join("\\" + c if c in '\\$"`' else c for c in str(text))


def _source() -> str:
    """Lines that put the source tree of this solver first on PYTHONPATH ('' if installed)."""
    root = source_checkout()
    if root is None:
        return ""
    return ("# the solver source that wrote this script, so that every point runs that code\n"
            f'SSB_SOURCE="${{SSB_SOURCE:-{_dq(root)}}}"\n'
            'export PYTHONPATH="$SSB_SOURCE${PYTHONPATH:+:$PYTHONPATH}"\n')


def _cases(sweep_dir: SweepDir) -> str:
    lines = []
    for p in sweep_dir.sweep.points:
        sets = " ".join(f"--set {shlex.quote(s)}" for s in p.sets)
        lines.append(f"        {p.index}) name={shlex.quote(p.name)}; set -- {sets} ;;")
    return "\n".join(lines)


def write_scripts(sweep_dir: SweepDir, ranks: int, python: str = sys.executable,
                  mpirun: str | None = None, collect: str | None = None) -> tuple[Path, Path]:
    """Write ``slurm_array.sh`` and ``run_all.sh`` into the sweep directory; their comments
    name ``collect``, the command that collects the runs afterwards (default: ``ssb sweep
    DIR/sweep.toml --out DIR --collect``)."""
    sweep, root = sweep_dir.sweep, sweep_dir.root
    q = shlex.quote
    fill = {
        "name": sweep.name, "npoints": len(sweep.points), "last": len(sweep.points) - 1,
        "ranks": ranks, "root": root, "slurm": SLURM,
        "collect": collect or (f"ssb sweep {q(str(root / 'sweep.toml'))} --out {q(str(root))} "
                               "--collect"),
    }
    functions = _FUNCTIONS.format(
        root=_dq(root), python=_dq(python), mpirun=_dq(mpirun or find_mpirun() or "mpirun"),
        ranks=ranks,
        npoints=len(sweep.points), cases=_cases(sweep_dir), output=OUTPUT,
        checkpoint=f"{CHECKPOINT_DIRECTORY}/{CHECKPOINT_MANIFEST}",
        source=_source())
    out = []
    for file, template in ((SLURM, _SLURM), (BATCH, _BATCH)):
        path = root / file
        path.write_text(template.format(**fill, environment=_ENVIRONMENT, functions=functions))
        path.chmod(0o755)
        out.append(path)
    return out[0], out[1]
