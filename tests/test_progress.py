"""The progress text: the protocol step, its share done, the wall time left."""

from __future__ import annotations

import math

import pytest

from solver.io.progress import Progress, steps_left


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_steps_left_with_growing_steps():
    assert steps_left(100.0, 10.0, 10.0, 1.5) == pytest.approx(10.0)  # at dt_max already
    assert steps_left(100.0, 10.0, 1e9, 1.0) == pytest.approx(10.0)  # no growth
    # 1 s doubling: 2 + 4 + 8 = 14 s in 3 steps
    assert steps_left(14.0, 1.0, 1e9, 2.0) == pytest.approx(3.0)
    # growing from 1e-6 s to 1000 s takes ~log(1e9)/log(2) steps, then 1000 s steps
    n = steps_left(1.0e6, 1e-6, 1000.0, 2.0)
    assert math.log2(1e9) < n < math.log2(1e9) + 1000.0


def test_progress_names_the_step_and_estimates_the_time_left():
    clock = Clock()
    progress = Progress([100.0, 1000.0], dt_max_s=10.0, dt_growth=1.5, window=3, clock=clock)
    assert progress.update(0, 0.0, 10.0) == "protocol step 1/2   0 %"  # no pace yet
    clock.t = 2.0
    # 1050 s left at 10 s a step, + 1 step end: 106 steps of 2 wall s = 212 s
    assert progress.update(0, 50.0, 10.0) == "protocol step 1/2  50 % | left ~4 min"
    clock.t = 2.5
    assert progress.update(1, 100.0, 10.0).startswith("protocol step 2/2  10 %")


def test_long_times_are_in_hours():
    clock = Clock()
    progress = Progress([36000.0], dt_max_s=1.0, dt_growth=1.5, clock=clock)
    progress.update(0, 0.0, 1.0)
    clock.t = 1.0
    assert progress.update(0, 1.0, 1.0).endswith("left ~10.0 h")  # 35999 steps of 1 s
