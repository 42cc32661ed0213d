"""Run the points of a sweep on this machine: a pool of at most N run processes at a time.

Each point is its own process (``ssb run``, under ``mpirun -n R`` for R ranks), so a point
that fails, or aborts its MPI job, never stops the others; its error is the run's message
(``summary.json``) or the last line of its output. Points already finished are skipped.
Progress lines: points done / running / failed / to go, and an estimate of the time left
from the mean wall time of the points finished so far.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from solver.io.progress import _duration
from solver.sweep.layout import OUTPUT, SweepDir, run_environment
from solver.sweep.spec import Point

STOP_WAIT_S = 120.0
"""After Ctrl-C: time for the running points to finish their step and write their summary."""


@dataclass
class Outcome:
    """How a point of this sweep ended (``skipped``: finished before)."""

    point: Point
    status: str  # completed | failed | interrupted | skipped
    error: str = ""
    wall_s: float = 0.0


@dataclass
class _Running:
    point: Point
    process: subprocess.Popen
    started: float
    output: object  # the open ssb.out


def eta(durations: list[float], to_go: int, elapsed: list[float], jobs: int) -> str:
    """Time left: the points to go and the rest of the running ones at the mean wall time."""
    if not durations:
        return "unknown"
    mean = sum(durations) / len(durations)
    work = to_go * mean + sum(max(mean - e, 0.0) for e in elapsed)
    return _duration(work / max(jobs, 1))


class Pool:
    """Run ``points`` of ``sweep_dir``, ``jobs`` at a time; ``command(point)`` is the argv."""

    def __init__(self, sweep_dir: SweepDir, jobs: int, command: Callable[[Point], list[str]],
                 say: Callable[[str], None] = print, poll_s: float = 0.2,
                 clock: Callable[[], float] = time.monotonic):
        self.dir, self.jobs, self.command = sweep_dir, max(1, jobs), command
        self.say, self.poll_s, self.clock = say, poll_s, clock
        self.outcomes: dict[int, Outcome] = {}
        self.running: list[_Running] = []
        self.durations: list[float] = []

    def run(self, points: list[Point]) -> dict[int, Outcome]:
        """Run every point not finished; returns the outcome of each point by index."""
        queue = []
        for p in points:
            if self.dir.finished(p):
                self.outcomes[p.index] = Outcome(p, "skipped")
            else:
                queue.append(p)
        skipped = len(points) - len(queue)
        self.say(f"sweep: {len(points)} points, {skipped} finished before (skipped), "
                 f"{len(queue)} to run, {self.jobs} at a time")
        self.total = len(points)
        try:
            changed = True
            while queue or self.running:
                while queue and len(self.running) < self.jobs:
                    self._start(queue.pop(0))
                if changed:
                    self._progress(len(queue))
                time.sleep(self.poll_s)
                changed = self._reap()
            if changed and points:
                self._progress(0)
        except KeyboardInterrupt:
            self._stop()
            raise
        return self.outcomes

    def _start(self, point: Point) -> None:
        run_dir = self.dir.point_dir(point)
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "summary.json").unlink(missing_ok=True)  # an earlier attempt's ending
        output = (run_dir / OUTPUT).open("w")
        try:
            process = subprocess.Popen(self.command(point), stdout=output,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env=run_environment())
        except OSError as err:
            output.close()
            self._record(point, "failed", f"cannot start: {err}", 0.0)
            return
        self.running.append(_Running(point, process, self.clock(), output))

    def _reap(self) -> bool:
        ended = [r for r in self.running if r.process.poll() is not None]
        for r in ended:
            self.running.remove(r)
            r.output.close()
            wall = self.clock() - r.started
            status, error, _ = self.dir.status(r.point)
            if status == "completed" and r.process.returncode != 0:
                status, error = "failed", f"exit status {r.process.returncode}"
            elif status != "completed":
                status = status if status in ("failed", "interrupted") else "failed"
                error = error or f"exit status {r.process.returncode}, no summary.json"
            if status == "completed":
                self.durations.append(wall)
            self._record(r.point, status, error, wall)
        return bool(ended)

    def _record(self, point: Point, status: str, error: str, wall: float) -> None:
        self.outcomes[point.index] = Outcome(point, status, error, wall)
        how = f" in {_duration(wall)}" if status == "completed" else f": {error}"
        self.say(f"  point {point.index} ({point.name}) {status}{how}")

    def _progress(self, to_go: int) -> None:
        counts = [o.status for o in self.outcomes.values()]
        done = counts.count("completed") + counts.count("skipped")
        failed = len(counts) - done
        elapsed = [self.clock() - r.started for r in self.running]
        self.say(f"sweep: {done}/{self.total} done, {len(self.running)} running, {failed} failed,"
                 f" {to_go} to go | ETA {eta(self.durations, to_go, elapsed, self.jobs)}")

    def _stop(self) -> None:
        """Ctrl-C: every running point stops at its next step and writes its summary."""
        for r in self.running:
            if r.process.poll() is None:
                r.process.send_signal(signal.SIGTERM)
        deadline = self.clock() + STOP_WAIT_S
        for r in self.running:
            try:
                r.process.wait(timeout=max(deadline - self.clock(), 0.1))
            except subprocess.TimeoutExpired:
                r.process.kill()
                r.process.wait()
            r.output.close()
            self._record(r.point, "interrupted", "stopped by the sweep (Ctrl-C)",
                         self.clock() - r.started)
        self.running.clear()
