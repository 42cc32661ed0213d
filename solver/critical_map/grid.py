"""The grid of a map: fixture types x stack pressures x stripping currents of an interface case.

Each point is the case with ``fixture.type``, ``fixture.preload_MPa`` and the
``current_mA_cm2`` of every ``strip`` step of ``[[protocol]]`` set (one current for all of
them: a varied key that ties those keys, :func:`solver.sweep.spec.tied_keys`), after the extra
``--set`` assignments. The grid is a sweep (:func:`solver.sweep.spec.build_sweep`), fixture
slowest, current fastest. Every error is one :class:`SweepError` line naming the option, the
value and what is allowed.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solver.case import CaseError, load_case, validate
from solver.case.load import parse_set
from solver.case.schema import CRITICAL_CURRENT, MAX_PRESSURE_MPA
from solver.interface_protocol import FIXTURES
from solver.io.plots import at_temperature
from solver.sweep.spec import Sweep, SweepError, build_sweep, check_key, value_text

FIXTURE_KEY = "fixture.type"
PRESSURE_KEY = "fixture.preload_MPa"
COLLECT = ("capacity_mAh_cm2", "contact_fraction", "stack_pressure_MPa")
"""The series columns of the sweep's own table (``ssb sweep DIR/sweep.toml --collect``)."""


@dataclass(frozen=True)
class MapGrid:
    """A validated map: its axes, the strip steps they set, the case's measured critical
    currents, and the sweep that runs it."""

    case_path: Path
    name: str
    fixtures: tuple[str, ...]
    pressures: tuple[float, ...]
    currents: tuple[float, ...]
    strip_steps: tuple[int, ...]  # indices into [[protocol]]
    sets: tuple[str, ...]  # the extra --set assignments, for every point
    measured: tuple[dict[str, Any], ...]  # [[measured]] critical currents, fixture filled in
    sweep: Sweep

    @property
    def current_key(self) -> str:
        """The varied key of the current: every strip step's ``current_mA_cm2``, tied."""
        return ",".join(f"protocol.{i}.current_mA_cm2" for i in self.strip_steps)


def _numbers(option: str, text: str, unit: str) -> list[float]:
    values = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            raise SweepError(option, f"got {text!r}; expected a comma list of numbers in "
                             f"{unit} (e.g. 1,3,5)") from None
        if not math.isfinite(value):
            raise SweepError(option, f"got {part.strip()!r}; expected a finite number")
        values.append(value)
    return values


def _distinct(option: str, values: list) -> None:
    twice = sorted({v for v in values if values.count(v) > 1}, key=values.index)
    if twice:
        raise SweepError(option, f"got {value_text(twice[0])} twice; each value once")


def parse_pressures(text: str) -> tuple[float, ...]:
    """``--pressure 1,3,5``: stack pressures in MPa, each in [0, MAX_PRESSURE_MPA]."""
    values = _numbers("--pressure", text, "MPa")
    for v in values:
        if not 0.0 <= v <= MAX_PRESSURE_MPA:
            raise SweepError("--pressure", f"got {v:g}; a stack pressure is >= 0 and "
                             f"<= {MAX_PRESSURE_MPA:g} MPa")
    _distinct("--pressure", values)
    return tuple(values)


def parse_currents(text: str) -> tuple[float, ...]:
    """``--current 0.2,0.5`` or ``START:STOP:NUM`` (NUM values, both ends included, evenly
    spaced), in mA/cm^2, each > 0."""
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise SweepError("--current", f"got {text!r}; a range is START:STOP:NUM "
                             "(e.g. 0.1:1.5:8)")
        start, stop = _numbers("--current", parts[0], "mA/cm^2")[0], \
            _numbers("--current", parts[1], "mA/cm^2")[0]
        try:
            num = int(parts[2])
        except ValueError:
            num = 0
        if num < 1 or (num == 1 and start != stop):
            raise SweepError("--current", f"got {text!r}; NUM is an integer >= 2 (1 only "
                             "when START = STOP)")
        values = [start + (stop - start) * i / (num - 1) if num > 1 else start
                  for i in range(num)]
        values = [float(f"{v:.12g}") for v in values]  # 0.3, not 0.30000000000000004
    else:
        values = _numbers("--current", text, "mA/cm^2")
    for v in values:
        if not v > 0.0:
            raise SweepError("--current", f"got {v:g}; a stripping current density is > 0 "
                             "(mA/cm^2)")
    _distinct("--current", values)
    return tuple(values)


def parse_fixtures(text: str | None, default: str) -> tuple[str, ...]:
    """``--fixture fixed_gap,spring`` (default: the case's own type)."""
    if text is None:
        return (default,)
    values = [part.strip() for part in text.split(",")]
    for v in values:
        if v not in FIXTURES:
            raise SweepError("--fixture", f"got {v!r}; allowed: {', '.join(FIXTURES)}")
    _distinct("--fixture", values)
    return tuple(values)


def _case(case_path: Path, sets: tuple[str, ...]):
    """The case, then with the extra --set assignments (an error names which is at fault)."""
    try:
        plain = load_case(case_path)
    except CaseError as err:
        raise SweepError("CASE", f"{case_path}: {err}") from None
    if getattr(plain, "spec", None) is None:
        raise SweepError("CASE", f"{case_path} is not an interface case (geometry.builder = "
                         "'interface'); ssb map maps the contact loss of one")
    try:
        return validate(tomllib.loads(case_path.read_text()), sets)
    except CaseError as err:
        raise SweepError("--set", str(err)) from None


def _fixed(sets: tuple[str, ...], doc: dict, axes: set[str]) -> dict[str, Any]:
    """The extra --set assignments as the sweep's ``[sweep.set]``; the axes are refused."""
    fixed = {}
    for assignment in sets:
        path, value = parse_set(assignment)
        key = ".".join(path)
        check_key(key, doc, "--set")
        if key in axes:
            option = {FIXTURE_KEY: "--fixture", PRESSURE_KEY: "--pressure"}.get(key, "--current")
            raise SweepError("--set", f"got {assignment!r}; {key} is an axis of the map: give "
                             f"it with {option}")
        fixed[key] = value
    return fixed


def _check_fixtures(case, fixtures: tuple[str, ...], pressures: tuple[float, ...]) -> None:
    resolved = case.resolved["fixture"]
    if "spring" in fixtures and not resolved.get("spring_MPa_per_um"):
        raise SweepError("--fixture", "got 'spring'; a spring fixture needs "
                         "fixture.spring_MPa_per_um, which the case does not give (add --set "
                         "fixture.spring_MPa_per_um=VALUE)")
    if "constant_pressure" in fixtures and 0.0 in pressures:
        raise SweepError("--pressure", "got 0 with --fixture constant_pressure; a constant "
                         "pressure of 0 leaves the Li free to float (use fixed_gap there)")


def build_grid(case_path: str | Path, pressure: str, current: str, fixture: str | None = None,
               sets: list[str] | tuple[str, ...] = ()) -> MapGrid:
    """Read the options of ``ssb map`` into a validated grid and its sweep.

    Raises:
        SweepError: one line naming the option (``CASE``, ``--pressure``, ``--current``,
            ``--fixture``, ``--set``), the value and what is allowed.

    """
    case_path, sets = Path(case_path), tuple(sets)
    case = _case(case_path, sets)
    pressures, currents = parse_pressures(pressure), parse_currents(current)
    fixtures = parse_fixtures(fixture, case.stripping.fixture)
    steps = tuple(i for i, st in enumerate(case.resolved["protocol"]) if st["step"] == "strip")
    if not steps:
        raise SweepError("CASE", f"{case_path} has no strip step in [[protocol]]; ssb map sets "
                         "the current of its strip steps")
    _check_fixtures(case, fixtures, pressures)
    doc = tomllib.loads(case_path.read_text())
    current_key = ",".join(f"protocol.{i}.current_mA_cm2" for i in steps)
    axes = {FIXTURE_KEY, PRESSURE_KEY, *current_key.split(",")}
    fixed = _fixed(sets, doc, axes)
    vary = {FIXTURE_KEY: list(fixtures), PRESSURE_KEY: list(pressures),
            current_key: list(currents)}
    name = f"{case.name}_map"[:100]
    sweep = build_sweep(case_path, case_path, name, "cartesian", fixed, vary, lambda: COLLECT)
    temperature = case.resolved["conditions"]["temperature_C"]
    measured = tuple({**p, "fixture": p.get("fixture", case.stripping.fixture)}
                     for p in case.resolved["measured"]
                     if p["column"] == CRITICAL_CURRENT and at_temperature(p, temperature))
    return MapGrid(case_path.resolve(), name, fixtures, pressures, currents, steps, sets,
                   measured, sweep)
