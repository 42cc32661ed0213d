"""A sweep spec: a base case and values for dotted case keys, expanded into validated points.

::

    [sweep]
    base = "../li_full_cell_fixed_gap.toml"   # the base case, relative to this file
    combine = "cartesian"                      # or "zip": equal-length lists taken together
    collect = ["stack_pressure_MPa"]           # series.csv columns tabulated (final, min, max)
    [sweep.set]                                # the same for every point
    "output.field_formats" = []
    [sweep.vary]                               # a list of values, or a range
    "fixture.preload_MPa" = [1.0, 3.0, 5.0]
    "protocol.2.current_mA_cm2" = { start = 0.1, stop = 1.0, num = 4 }   # 0.1 0.4 0.7 1.0
    "numerics.dt_max_s" = { start = 10, stop = 1000, num = 3, scale = "log" }   # 10 100 1000

A range is ``num`` values from ``start`` to ``stop``, both included, evenly spaced
(``scale = "linear"``, the default) or in ratio (``"log"``). Every key is a dotted case key,
as ``ssb run --set`` takes it; a varied key may be several joined by commas
(``"protocol.1.current_mA_cm2,protocol.3.current_mA_cm2"``): each value sets them all. Each point is the base case with ``[sweep.set]`` and the point's
values applied as ``--set`` assignments; every point's case is validated before anything runs,
and every error is one :class:`SweepError` line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solver.case import Case, CaseError, load_case, validate
from solver.case.schema import CASE, Leaf, ListOf, MapOf, Table

COMBINE = ("cartesian", "zip")
SWEEP_KEYS = ("base", "name", "combine", "collect", "set", "vary")
RANGE_KEYS = ("start", "stop", "num", "scale")
MAX_POINTS = 10_000
"""A cartesian product grows fast: a spec above this many points is refused, not run."""
MAX_NAME = 100
"""Characters of a point's directory name (the index keeps names unique when cut)."""


class SweepError(CaseError):
    """An invalid sweep spec: ``key`` is the spec key (``sweep.vary.<key>``, ...); one line,
    as a case error."""


@dataclass(frozen=True)
class Point:
    """One run of a sweep: its index, directory name, varied values and resolved case."""

    index: int
    name: str
    values: dict[str, Any]  # varied dotted key -> value
    sets: tuple[str, ...]  # the --set assignments: [sweep.set], then the varied values
    case: Case


@dataclass(frozen=True)
class Sweep:
    """A validated sweep spec and its points, in order (the first varied key slowest)."""

    path: Path  # the spec file
    name: str
    base: Path
    combine: str
    collect: tuple[str, ...]
    fixed: dict[str, Any]  # [sweep.set]
    vary: dict[str, list[Any]]  # [sweep.vary], ranges expanded
    points: tuple[Point, ...]

    @property
    def keys(self) -> list[str]:
        """The varied dotted keys, in the spec's order."""
        return list(self.vary)


def _suggest(word: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(word, allowed, n=1)
    return f"; did you mean '{close[0]}'?" if close else f" (allowed: {', '.join(allowed)})"


def toml_literal(value: Any) -> str:
    """``value`` as the TOML literal ``--set`` reads back to the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: the same escapes
    if isinstance(value, list):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_literal(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(f"no TOML literal for {value!r}")


def value_text(value: Any) -> str:
    """A short text of a value, for point names, tables and plot labels."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value
    return toml_literal(value)


def _schema(doc: dict[str, Any]) -> Table:
    """The schema of a base case: an interface case's (geometry.builder = "interface") or the
    die stack's."""
    geometry = doc.get("geometry")
    if isinstance(geometry, dict) and geometry.get("builder") == "interface":
        from solver.case.interface_case import CASE as INTERFACE_CASE

        return INTERFACE_CASE
    return CASE


def check_key(dotted: str, doc: dict[str, Any], where: str) -> None:
    """Refuse a dotted key the case schema does not have (or an array entry the base lacks).

    User-named tables (layers, regions, PETSc options) take any name: the case validator
    checks the name against the stack when the point is validated.
    """
    parts = dotted.split(".")
    if not all(parts):
        raise SweepError(where, f"got {dotted!r}; a dotted key has an empty part")
    spec, node = _schema(doc), doc
    for i, part in enumerate(parts):
        here = ".".join(parts[: i + 1])
        if isinstance(spec, Table):
            if part not in spec.keys:
                raise SweepError(where, f"unknown case key {here!r}"
                                 + _suggest(part, list(spec.keys)))
            spec = spec.keys[part]
        elif isinstance(spec, MapOf):
            spec = spec.value
        elif isinstance(spec, ListOf):
            n = len(node) if isinstance(node, list) else 0
            if not part.isdigit() or int(part) >= n:
                raise SweepError(where, f"no entry {part!r} in {'.'.join(parts[:i])!r}: the base "
                                 f"case has {n} (indices 0 to {n - 1})")
            spec = spec.item
        elif isinstance(spec, Leaf):
            raise SweepError(where, f"{'.'.join(parts[:i])!r} is a value, not a table")
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list):
            node = node[int(part)]
        else:
            node = None


def _range(spec: dict[str, Any], where: str) -> list[float]:
    for k in spec:
        if k not in RANGE_KEYS:
            raise SweepError(f"{where}.{k}", "unknown range key" + _suggest(k, list(RANGE_KEYS)))
    for k in ("start", "stop", "num"):
        if k not in spec:
            raise SweepError(f"{where}.{k}", "missing: a range is { start = ..., stop = ..., "
                             "num = ... } (scale = \"linear\" or \"log\" optional)")
    start, stop, num = spec["start"], spec["stop"], spec["num"]
    scale = spec.get("scale", "linear")
    for k, v in (("start", start), ("stop", stop)):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise SweepError(f"{where}.{k}", f"got {v!r}; expected a finite number")
    if isinstance(num, bool) or not isinstance(num, int) or num < 1:
        raise SweepError(f"{where}.num", f"got {num!r}; expected an integer >= 1")
    if scale not in ("linear", "log"):
        raise SweepError(f"{where}.scale", f"got {scale!r}; allowed: 'linear', 'log'")
    if scale == "log" and (start <= 0 or stop <= 0):
        raise SweepError(where, f"a log range needs start and stop > 0 (got {start!r}, {stop!r})")
    if num == 1:
        return [float(start)]
    if scale == "log":
        ratio = math.log(stop / start) / (num - 1)
        values = [start * math.exp(ratio * i) for i in range(num)]
    else:
        values = [start + (stop - start) * i / (num - 1) for i in range(num)]
    return [float(f"{v:.12g}") for v in values]  # 0.4, not 0.39999999999999997


def _values(raw: Any, where: str) -> list[Any]:
    if isinstance(raw, dict):
        return _range(raw, where)
    if not isinstance(raw, list) or not raw:
        raise SweepError(where, f"got {raw!r}; expected a non-empty array of values or a range "
                         "{ start = ..., stop = ..., num = ... }")
    return list(raw)


def _labels(keys: list[str]) -> dict[str, str]:
    """The shortest tail of each dotted key that tells the varied keys apart."""
    labels = {}
    for key in keys:
        parts = key.split(".")
        for n in range(1, len(parts) + 1):
            tail = ".".join(parts[-n:])
            if sum(1 for k in keys if k == tail or k.endswith("." + tail)) == 1:
                break
        labels[key] = tail
    return labels


def point_name(index: int, width: int, values: dict[str, Any], labels: dict[str, str]) -> str:
    """``007-preload_MPa=3-type=spring``: the index, then the varied values, as a file name."""
    text = "-".join(f"{labels[k]}={value_text(v)}" for k, v in values.items())
    text = re.sub(r"[^A-Za-z0-9._+=-]", "_", text)
    name = f"{index:0{width}d}" + (f"-{text}" if text else "")
    return name[:MAX_NAME]


def _combine(vary: dict[str, list[Any]], combine: str) -> list[dict[str, Any]]:
    keys = list(vary)
    if combine == "zip":
        lengths = {k: len(v) for k, v in vary.items()}
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"{k} {n}" for k, n in lengths.items())
            raise SweepError("sweep.combine", f"'zip' takes lists of one length; got {shown}")
        rows = zip(*vary.values(), strict=True)
    else:
        count = math.prod(len(v) for v in vary.values())
        if count > MAX_POINTS:
            raise SweepError("sweep.vary", f"the cartesian product has {count} points; at most "
                             f"{MAX_POINTS} (split the sweep, or combine = 'zip')")
        rows = itertools.product(*vary.values())
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _table(sweep: dict[str, Any], key: str) -> dict[str, Any]:
    value = sweep.get(key, {})
    if not isinstance(value, dict):
        raise SweepError(f"sweep.{key}", f"got {value!r}; expected a table of dotted keys")
    return value


def _collect(sweep: dict[str, Any]) -> tuple[str, ...]:
    from solver.io.series import COLUMNS

    columns = sweep.get("collect", ["stack_pressure_MPa"])
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise SweepError("sweep.collect", f"got {columns!r}; expected an array of series.csv "
                         "column names")
    for c in columns:
        if c not in COLUMNS:
            raise SweepError("sweep.collect", f"got {c!r}; not a series.csv column"
                             + _suggest(c, list(COLUMNS)))
    return tuple(columns)


def read_spec(path: str | Path) -> dict[str, Any]:
    """The ``[sweep]`` table of a spec file, its keys checked (values: :func:`load_sweep`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SweepError("", f"sweep spec not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SweepError("", f"cannot read sweep spec {path}: {err}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SweepError("", f"{path} is not valid TOML: {err}") from None
    for k in doc:
        if k != "sweep":
            raise SweepError(k, "unknown table; a sweep spec has one table, [sweep]"
                             + _suggest(k, ["sweep"]))
    sweep = doc.get("sweep")
    if not isinstance(sweep, dict):
        raise SweepError("sweep", "missing: a sweep spec is a [sweep] table with base and "
                         "[sweep.vary]")
    for k in sweep:
        if k not in SWEEP_KEYS:
            raise SweepError(f"sweep.{k}", "unknown key" + _suggest(k, list(SWEEP_KEYS)))
    return sweep


def load_sweep(path: str | Path) -> Sweep:
    """Read a sweep spec, expand it into points and validate every point's case.

    Raises:
        SweepError: for a bad spec, naming the key, or for a point whose case is invalid,
            naming the point and the case key.

    """
    path = Path(path)
    sweep = read_spec(path)
    if not isinstance(sweep.get("base"), str):
        raise SweepError("sweep.base", f"got {sweep.get('base')!r}; expected the path of the "
                         "base case file, relative to the spec")
    base = (path.parent / sweep["base"]).resolve()
    combine = sweep.get("combine", "cartesian")
    if combine not in COMBINE:
        raise SweepError("sweep.combine", f"got {combine!r}; allowed: "
                         + ", ".join(repr(c) for c in COMBINE))
    name = sweep.get("name", path.stem)
    fixed, raw = _table(sweep, "set"), _table(sweep, "vary")
    return build_sweep(path, base, name, combine, fixed, raw, lambda: _collect(sweep))


def tied_keys(key: str) -> list[str]:
    """The dotted case keys a varied key sets: ``"protocol.1.current_mA_cm2,
    protocol.3.current_mA_cm2"`` sets both to each value (one axis of the sweep)."""
    return [part.strip() for part in key.split(",")]


def build_sweep(path: str | Path, base: str | Path, name: str, combine: str,
                fixed: dict[str, Any], raw: dict[str, Any], collect) -> Sweep:
    """Expand the varied values of a base case into points and validate every point's case.

    ``fixed`` and ``raw`` are ``[sweep.set]`` and ``[sweep.vary]`` (lists or ranges);
    ``collect()`` returns the collected columns (checked after the keys). A sweep built in
    code (``ssb map``) comes through here as a spec file's does.
    """
    path, base = Path(path), Path(base).resolve()
    try:
        load_case(base)
    except CaseError as err:
        raise SweepError("sweep.base", f"{base}: {err}") from None
    doc = tomllib.loads(base.read_text())
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}", name):
        raise SweepError("sweep.name", f"got {name!r}; a plain name of letters, digits, '.', "
                         "'_', '+', '-' (it names the Slurm job)")
    if not raw:
        raise SweepError("sweep.vary", "missing: give at least one dotted key and its values")
    vary = {}
    for key, values in raw.items():
        for part in tied_keys(key):
            check_key(part, doc, f"sweep.vary.{key}")
            if part in fixed:
                named = "" if part == key else f"{part!r} "
                raise SweepError(f"sweep.vary.{key}", f"{named}also in [sweep.set]; give it in "
                                 "one place")
        vary[key] = _values(values, f"sweep.vary.{key}")
    for key in fixed:
        check_key(key, doc, f"sweep.set.{key}")
    rows = _combine(vary, combine)
    labels = _labels([tied_keys(k)[0] for k in vary])
    labels = {k: labels[tied_keys(k)[0]] for k in vary}
    width = max(3, len(str(len(rows) - 1)))
    base_sets = [f"{k}={toml_literal(v)}" for k, v in fixed.items()]
    points = []
    for i, values in enumerate(rows):
        sets = (*base_sets, *(f"{part}={toml_literal(v)}" for k, v in values.items()
                              for part in tied_keys(k)))
        try:
            case = validate(doc, sets)
        except CaseError as err:
            shown = ", ".join(f"{k} = {toml_literal(v)}" for k, v in values.items())
            raise SweepError("", f"sweep point {i} ({shown}): {err}") from None
        points.append(Point(i, point_name(i, width, values, labels), values, sets, case))
    return Sweep(path.resolve(), name, base, combine, collect(), dict(fixed), vary,
                 tuple(points))
