"""Progress of a run through its protocol, for the progress lines.

The protocol step, how much of it is done, and an estimate of the wall-clock time left.
"""

from __future__ import annotations

import math
import time
from collections import deque


def _duration(seconds: float) -> str:
    if seconds < 90.0:
        return f"{seconds:.0f} s"
    if seconds < 5400.0:
        return f"{seconds / 60.0:.0f} min"
    return f"{seconds / 3600.0:.1f} h"


def steps_left(remaining_s: float, dt_s: float, dt_max_s: float, growth: float) -> float:
    """Accepted steps to cover ``remaining_s`` if dt grows by ``growth`` a step to ``dt_max_s``.

    The adaptive stepper starts with tiny steps and grows them, so the time left is a count
    of steps to come, not the simulated time left at the present pace.
    """
    if remaining_s <= 0.0:
        return 0.0
    dt = min(max(dt_s, 1e-300), dt_max_s)
    if growth <= 1.0 or dt >= dt_max_s:
        return remaining_s / dt
    n_grow = math.log(dt_max_s / dt) / math.log(growth)
    grown = dt * growth * (growth**n_grow - 1.0) / (growth - 1.0)  # time covered growing
    if grown >= remaining_s:
        return math.log(1.0 + remaining_s * (growth - 1.0) / (dt * growth)) / math.log(growth)
    return n_grow + (remaining_s - grown) / dt_max_s


class Progress:
    """The protocol step, its share done, and the wall time left.

    The time left is the steps to come (dt growing to dt_max) times the wall time per step of
    the last ``window`` steps. Cut steps make the run slower, and a step ended early at an
    event (a cutoff, a filled host) sooner.
    """

    def __init__(self, durations_s: list[float], dt_max_s: float, dt_growth: float,
                 window: int = 20, clock=time.perf_counter):
        self.durations = list(durations_s)
        self.total = sum(self.durations)
        self.dt_max_s, self.dt_growth = dt_max_s, dt_growth
        self.clock = clock
        self._walls: deque[float] = deque(maxlen=window)

    def update(self, step_index: int, step_time_s: float, dt_s: float) -> str:
        """Record an accepted step; 'protocol step 2/3  45 % | left ~3 min'."""
        self._walls.append(self.clock())
        k = min(step_index, len(self.durations) - 1)
        done = sum(self.durations[:k]) + step_time_s
        duration = self.durations[k]
        share = 100.0 * step_time_s / duration if duration > 0 else 100.0
        text = f"protocol step {k + 1}/{len(self.durations)} {share:3.0f} %"
        if len(self._walls) < 2:
            return text
        per_step = (self._walls[-1] - self._walls[0]) / (len(self._walls) - 1)
        steps = steps_left(self.total - done, dt_s, self.dt_max_s, self.dt_growth)
        steps += len(self.durations) - 1 - k  # each step end clips one dt
        return text + f" | left ~{_duration(steps * per_step)}"
