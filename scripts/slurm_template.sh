#!/bin/bash
# Slurm template for one ssb run on R MPI ranks: copy it, edit the lines marked "edit", then
#   sbatch scripts/slurm_template.sh
#   CASE=cases/li_full_cell_spring.toml OUT=runs/sp_3MPa SETS="fixture.preload_MPa=3" sbatch scripts/slurm_template.sh
# For a sweep, `ssb sweep SPEC --slurm` writes a job-array script (slurm_array.sh) with the
# same environment lines into the sweep directory.
#
# At the time limit Slurm sends SIGTERM to every process of the job, then SIGKILL after its
# KillWait: the run stops at its next accepted step with its output complete and
# summary.json status "interrupted". Leave it the time of a step (--time with a margin).
#SBATCH --job-name=ssb-run
#SBATCH --ntasks=2                       # edit: MPI ranks (RANKS below follows it)
#SBATCH --cpus-per-task=1
#SBATCH --time=04:00:00                  # edit: wall time
#SBATCH --output=ssb-%j.out
##SBATCH --partition=standard            # edit, and remove one '#' to use
##SBATCH --account=my_project            # edit, and remove one '#' to use
##SBATCH --mem-per-cpu=4G                # edit, and remove one '#' to use

# --- environment: edit for the cluster (uncomment what applies) ---------------------------
# module purge
# module load gcc openmpi                # the MPI that DOLFINx was built with
# module load miniforge3
# eval "$(conda shell.bash hook)" && conda activate fenicsx-0.11
# export PYTHON=python                   # the Python with ssb installed
# export MPIRUN=srun                     # srun, or the mpirun of that environment

set -euo pipefail
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
PYTHON="${PYTHON:-.venv/bin/python}"     # the PyPI-wheel environment of `make venv`
MPIRUN="${MPIRUN:-.venv/bin/mpirun}"     # its MPICH mpirun (README, MPI)
RANKS="${SLURM_NTASKS:-${RANKS:-1}}"
CASE="${CASE:-cases/li_full_cell_fixed_gap.toml}"
OUT="${OUT:-runs/$(basename "$CASE" .toml)-${SLURM_JOB_ID:-local}}"
SETS="${SETS:-}"                         # space-separated dotted.key=value overrides

args=()
for assignment in $SETS; do args+=(--set "$assignment"); done
launch=()
if [ "$RANKS" -gt 1 ]; then launch=($MPIRUN -n "$RANKS"); fi
${launch[@]+"${launch[@]}"} "$PYTHON" -m solver.cli run "$CASE" --out "$OUT" --quiet \
    ${args[@]+"${args[@]}"}
