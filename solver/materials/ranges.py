"""Conditions of a run against the ranges the materials' data cover.

Each library entry states the ranges of temperature, state of lithiation theta and equivalent
stress over which its data were measured or calibrated
(:class:`~solver.materials.laws.DataRange`; ``ssb materials NAME`` lists them, "not stated"
where the sources give none). Outside a range the run goes on with extrapolated values and says
so once per region and quantity (``numerics.out_of_range = "warn"``, the default), or stops
(``"error"``): a temperature is refused before any computation, a theta or a stress at the
accepted step that leaves the range.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from solver.materials.entries.base import Material
from solver.materials.laws import DataRange

MODES = ("warn", "error")

THETA_TOLERANCE = 5.0e-3
"""theta may overshoot a bound by this much without a warning: the stepper ends a step when
an interface empties or fills to within the same tolerance."""

_LABELS = {"temperature_C": ("temperature", " C"), "theta": ("theta", ""),
           "stress_MPa": ("von Mises stress", " MPa")}


class OutOfRange(ValueError):
    """A condition outside a material's data range with ``numerics.out_of_range = "error"``."""


def span(r: DataRange) -> str:
    """'25 to 90 C', 'above 15 C', 'below 3 MPa'."""
    unit = _LABELS[r.quantity][1]
    if math.isinf(r.high):
        return f"above {r.low:.4g}{unit}"
    if math.isinf(r.low):
        return f"below {r.high:.4g}{unit}"
    return f"{r.low:.4g} to {r.high:.4g}{unit}"


def quantities(material: Material) -> tuple[str, ...]:
    """The conditions that matter for an entry: temperature always, theta on a Li host, the
    stress where it creeps."""
    out = ["temperature_C"]
    if material.lithiation is not None:
        out.append("theta")
    if material.creep is not None:
        out.append("stress_MPa")
    return tuple(out)


def label(quantity: str) -> str:
    return _LABELS[quantity][0]


def beyond(r: DataRange, low: float, high: float) -> float | None:
    """The value of [low, high] that lies outside ``r`` (the farther one), or None."""
    tol = THETA_TOLERANCE if r.quantity == "theta" else 0.0
    below = r.low - low if low < r.low - tol else 0.0
    above = high - r.high if high > r.high + tol else 0.0
    if below == 0.0 and above == 0.0:
        return None
    return low if below >= above else high


_WHAT = {"creep": "where its creep law was calibrated",
         "elastic": "where its elastic data hold",
         "lithiation": "where its lithiation tables run",
         "diffusivity": "where its diffusivity is tabulated"}


def message(region: str, material: Material, r: DataRange, value: float) -> str:
    """One line: the region, the value, the range and what it bounds."""
    label, unit = _LABELS[r.quantity]
    return (f"region '{region}' ({material.name}): {label} {value:.4g}{unit} is outside "
            f"{span(r)}, {_WHAT[r.group]} (ssb materials {material.name})")


class RangeWatch:
    """Checks conditions against the ranges of every region's material, one report per
    (region, quantity).

    ``report`` receives the message in ``"warn"`` mode (the run's warning path: run.log and
    ``summary.json`` ``warnings``); in ``"error"`` mode :meth:`check` raises
    :class:`OutOfRange`. Every rank must pass the same values (reduced over ranks), so that
    all of them warn or stop together.
    """

    def __init__(self, materials: dict[str, Material], mode: str,
                 report: Callable[[str], None]):
        if mode not in MODES:
            raise ValueError(f"numerics.out_of_range must be one of {list(MODES)}, got {mode!r}")
        self.materials, self.mode, self.report = materials, mode, report
        self.reported: set[tuple[str, str]] = set()

    def wants(self, region: str, quantity: str) -> bool:
        """Whether a check of ``quantity`` in ``region`` could still report anything (the
        caller can skip computing the value otherwise)."""
        return ((region, quantity) not in self.reported
                and bool(self.materials[region].ranges_of(quantity)))

    def check(self, region: str, quantity: str, low: float, high: float | None = None) -> None:
        """Report once if [low, high] (one value: high = low) leaves a range of ``quantity``."""
        if not self.wants(region, quantity):
            return
        high = low if high is None else high
        material = self.materials[region]
        for r in material.ranges_of(quantity):
            value = beyond(r, low, high)
            if value is None:
                continue
            self.reported.add((region, quantity))
            text = message(region, material, r, value)
            if self.mode == "error":
                raise OutOfRange(f"{text}; numerics.out_of_range = 'error' refuses it ('warn' "
                                 "runs on with extrapolated values)")
            self.report(f"{text}; the run extrapolates")
            return

    def check_temperature(self, temperature_C: float) -> None:
        for region in self.materials:
            self.check(region, "temperature_C", temperature_C)
