"""Helpers of the fault tests: ``ssb`` in a subprocess (1 rank or ``mpirun -n N``) that can be
signalled, a hang that becomes a test failure, and checks of the output it leaves."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli_w

from tests.conftest import stack_doc

ROOT = Path(__file__).resolve().parents[1]
MPIRUN = shutil.which("mpirun", path=str(Path(sys.executable).parent))
INJECT = str(ROOT / "tests" / "inject_fault.py")


def command(args: list[str], ranks: int = 1, script: list[str] | None = None) -> list[str]:
    """``python -m solver.cli ARGS`` (or ``python SCRIPT... ARGS``), under mpirun if ranks > 1."""
    cmd = [sys.executable, *(script or ["-m", "solver.cli"]), *args]
    if ranks > 1:
        if MPIRUN is None:
            pytest.skip("mpirun not found next to the Python interpreter")
        cmd = [MPIRUN, "-n", str(ranks), *cmd]
    return cmd


def start(cmd: list[str]) -> subprocess.Popen:
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)


def finish(proc: subprocess.Popen, timeout: float) -> subprocess.CompletedProcess:
    """Wait for the job; a job still running after ``timeout`` s is killed, ranks and all, and
    fails the test."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_job(proc)
        out, err = proc.communicate()
        pytest.fail(f"hung: still running after {timeout} s: {proc.args}\n{err[-2000:]}")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def run(cmd: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    return finish(start(cmd), timeout)


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, argv[0]) of every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv0 = (entry / "cmdline").read_bytes().split(b"\0")[0].decode()
        except OSError:
            continue
        table[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), argv0)
    return table


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``: mpirun starts each proxy and rank in a session of its own,
    so a process group or session does not reach them."""
    table, found, frontier = _processes(), [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, (ppid, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def kill_job(proc: subprocess.Popen) -> None:
    for pid in [proc.pid, *descendants(proc.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def ranks(proc: subprocess.Popen) -> list[int]:
    """The Python processes of the job (the ranks)."""
    if not proc.args[0].endswith("mpirun"):
        return [proc.pid]
    table = _processes()
    return sorted(p for p in descendants(proc.pid) if table.get(p, (0, ""))[1] == sys.executable)


def wait_for_rows(series: Path, rows: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until ``series.csv`` holds ``rows`` data rows (the run is stepping)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"the run ended before {rows} rows: {proc.stderr.read()[-2000:]}")
        if series.is_file() and len(series.read_text().splitlines()) > rows:
            return
        time.sleep(0.1)
    kill_job(proc)
    pytest.fail(f"no {rows} rows in {series} after {timeout} s")


def case_file(path: Path, **overrides) -> Path:
    """The conftest stack as a TOML file; ``overrides`` as in :func:`stack_doc`."""
    path.write_text(tomli_w.dumps(stack_doc(**overrides)))
    return path


def long_case(path: Path) -> Path:
    """About 700 steps of 5 s with fields at every step: ten seconds or so on one rank."""
    return case_file(
        path,
        protocol=[{"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 1.0}],
        numerics={"element_degree": 1, "dt_initial_s": 5.0, "dt_max_s": 5.0},
        output={"field_formats": ["xdmf"], "fields_every": 1},
    )


def field_steps(out: Path) -> dict[str, tuple[int, int]]:
    """Per field: (time steps the XDMF lists, steps the ``.h5`` holds); the ``.h5`` must open
    (h5py raises on a file left open by a killed writer). The XDMF is DOLFINx's
    ``fields_data.xdmf`` while a run has not ended cleanly (one collection per field), else the
    regrouped ``fields.xdmf`` (one collection, every field at each time)."""
    h5py = pytest.importorskip("h5py")
    fields = out / "fields"
    data = fields / "fields_data.xdmf"
    text = (data if data.exists() else fields / "fields.xdmf").read_text()
    with h5py.File(fields / "fields_data.h5", "r") as h5:
        stored = {name: len(group) for name, group in h5["Function"].items()}
    steps = {}
    for name, count in stored.items():
        if data.exists():
            listed = len(re.findall(rf'<Grid Name="{name}" GridType="Uniform"', text))
        else:
            listed = len(re.findall(r"<Time Value=", text))
        steps[name] = (listed, count)
    assert steps, f"no fields in {out}"
    return steps


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]
