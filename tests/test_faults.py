"""A fault on one rank ends every rank with its message; a signal leaves complete output.

Each test once hung (before the fault handling) or lost output; the timeouts turn a hang back
into a failure instead of a stuck CI job.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import pytest

from solver.io.checkpoint import read_manifest
from tests.probes import (
    INJECT,
    command,
    field_steps,
    finish,
    long_case,
    ranks,
    run,
    start,
    wait_for_rows,
)

pytestmark = pytest.mark.mpi


def _summary(out):
    return json.loads((out / "summary.json").read_text())


@pytest.mark.parametrize("rank", [0, 1])
def test_exception_on_one_rank_ends_every_rank(tmp_path, rank):
    case, out = long_case(tmp_path / "case.toml"), tmp_path / "out"
    t0 = time.monotonic()
    proc = run(command([str(rank), "raise", "run", str(case), "--out", str(out)], 2, [INJECT]),
               timeout=90)
    assert proc.returncode != 0
    assert f"ssb: error on rank {rank}: RuntimeError: injected fault" in proc.stderr
    assert time.monotonic() - t0 < 60
    field_steps(out)  # the snapshots written before the fault open
    if rank == 0:  # rank 0 can still say so; another rank's fault leaves no summary
        assert _summary(out)["status"] == "failed"


def test_write_error_on_rank_0_ends_every_rank(tmp_path):
    """series.csv fails as on a full disk: one line naming the file, a failed summary."""
    case, out = long_case(tmp_path / "case.toml"), tmp_path / "out"
    proc = run(command(["0", "enospc", "run", str(case), "--out", str(out)], 2, [INJECT]),
               timeout=90)
    assert proc.returncode == 1
    assert "No space left on device" in proc.stderr and "series.csv" in proc.stderr
    assert "Traceback" not in proc.stderr
    summary = _summary(out)
    assert summary["status"] == "failed" and "No space left" in summary["message"]


def _signalled(tmp_path, n_ranks: int, signum: int, which: str):
    """Run the long case, send ``signum`` after a few steps to ``which``: all ranks, one
    rank, or mpirun (which forwards it to the ranks)."""
    case, out = long_case(tmp_path / "case.toml"), tmp_path / "out"
    proc = start(command(["run", str(case), "--out", str(out)], n_ranks))
    wait_for_rows(out / "series.csv", 5, proc)
    pids = ranks(proc)
    assert len(pids) == n_ranks, pids
    targets = {"all": pids, "one": pids[-1:], "mpirun": [proc.pid]}[which]
    for pid in targets:
        os.kill(pid, signum)
    return finish(proc, timeout=60), out


@pytest.mark.parametrize(("n_ranks", "signum", "which"), [
    (1, signal.SIGTERM, "all"),
    (2, signal.SIGTERM, "all"),
    (2, signal.SIGTERM, "mpirun"),
    (2, signal.SIGINT, "one"),
])
def test_signal_stops_the_run_with_complete_output(tmp_path, n_ranks, signum, which):
    proc, out = _signalled(tmp_path, n_ranks, signum, which)
    code = 128 + signum
    assert proc.returncode == code, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr + proc.stdout
    summary = _summary(out)
    assert summary["status"] == "interrupted" and summary["exit_code"] == code
    assert signal.Signals(signum).name in summary["message"]
    rows = len((out / "series.csv").read_text().splitlines()) - 1
    assert summary["final"]["time_s"] < 3600.0  # stopped early, not completed
    for listed, stored in field_steps(out).values():
        assert listed == stored == rows  # a snapshot per row, the last one at the stop
    manifest = read_manifest(out)  # the restart checkpoint of the step it stopped at
    assert manifest["series"]["rows"] == rows and manifest["ranks"] == n_ranks
    assert not (out / ".ssb.lock").exists()
    last = max(f.stat().st_mtime_ns for f in out.rglob("*") if f.name != "summary.json")
    assert (out / "summary.json").stat().st_mtime_ns >= last  # written last


def test_killed_rank_leaves_readable_fields(tmp_path):
    """SIGKILL cannot be handled: the snapshots before it must still open."""
    proc, out = _signalled(tmp_path, 2, signal.SIGKILL, "one")
    assert proc.returncode != 0
    for listed, stored in field_steps(out).values():
        assert stored >= 1 and abs(listed - stored) <= 1


def test_signal_during_meshing_is_caught(tmp_path):
    """gmsh.initialize resets SIGTERM to its default action; set-up must keep the watch."""
    code = (
        "import os, signal, sys\n"
        "from mpi4py import MPI\n"
        "from solver.case import validate\n"
        "from solver.faults import SignalWatch\n"
        "from solver.run import Run\n"
        "from tests.conftest import stack_doc\n"
        "with SignalWatch() as watch:\n"
        f"    run = Run(validate(stack_doc()), {str(tmp_path / 'out')!r}, MPI.COMM_WORLD, watch)\n"
        "    run.setup()\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    print('caught', watch.signum)\n"
    )
    proc = run([sys.executable, "-c", code], timeout=60)
    assert proc.returncode == 0 and f"caught {int(signal.SIGTERM)}" in proc.stdout, proc.stderr
