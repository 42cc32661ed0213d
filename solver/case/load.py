"""Read a TOML case, apply ``--set`` overrides, validate it and freeze it into a :class:`Case`.

Every error is a :class:`CaseError` naming the dotted key, the value and what is allowed, and
is raised before any computation starts.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import math
import tomllib
from dataclasses import dataclass
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from solver import materials
from solver.case import limits
from solver.case.petsc_check import check_petsc_options
from solver.case.schema import (
    CASE,
    CRITICAL_CURRENT,
    NUMBER,
    NUMBER_OR_NAME,
    PRELOAD,
    REQUIRED,
    Leaf,
    ListOf,
    MapOf,
    Table,
)
from solver.faults import one_line
from solver.units import MM2_PER_CM2, S_PER_H, UM_PER_MM, ZERO_CELSIUS_K


class CaseError(ValueError):
    """An invalid case: ``key`` is the dotted key, the message says what is allowed."""

    def __init__(self, key: str, message: str):
        super().__init__(one_line(f"{key}: {message}" if key else message))
        self.key = key


# ---------------------------------------------------------------------------------------------
# Frozen, validated case (internal units: mm, s, MPa, N, K)


@dataclass(frozen=True)
class Layer:
    name: str
    thickness_mm: float
    mesh_size_mm: float
    material: materials.Material
    radius_mm: float  # the bore's unless the layer is narrower


FACE_CONDITIONS = ("frictionless", "sticking")
"""Conditions of a layer face on the rigid plunger or base: it slides freely, or it sticks."""


@dataclass(frozen=True)
class Fixture:
    """Plunger support: force F = F0 + k (U - U0); k = inf is a fixed gap, k = 0 constant force.

    A relaxing frame (``relaxation_fraction`` r > 0) is a standard linear solid: a spring
    (1 - r) k in parallel with a Maxwell arm r k of time constant ``relaxation_time_s``
    (:mod:`solver.physics.fixture`).
    """

    type: str
    preload_MPa: float
    stiffness_N_per_mm: float
    relaxation_fraction: float = 0.0
    relaxation_time_s: float = math.inf


@dataclass(frozen=True)
class DieWall:
    """Die wall: rigid; an elastic thick-walled holder (Lame) acting as a radial spring; or a
    meshed elastic holder of the given height, in unilateral contact with the stack."""

    type: str
    holder: materials.Material | None
    holder_outer_radius_mm: float | None
    holder_height_mm: float | None = None
    holder_mesh_size_mm: float | None = None


@dataclass(frozen=True)
class Step:
    kind: str
    current_mA_cm2: float
    duration_s: float
    pressure_MPa: float | None
    voltage_cutoff_V: float | None = None

    @property
    def signed_current_mA_cm2(self) -> float:
        """Positive on charge (Li plated on the anode), negative on discharge."""
        return {"charge": 1.0, "discharge": -1.0}.get(self.kind, 0.0) * self.current_mA_cm2


@dataclass(frozen=True)
class Numerics:
    element_degree: int
    dt_initial_s: float
    dt_min_s: float
    dt_max_s: float
    dt_growth: float
    dt_cut: float
    easy_newton_iterations: int
    max_creep_strain_increment: float
    creep_error_tolerance: float
    max_theta_increment: float
    newton_rtol: float
    newton_max_iterations: int
    linear_solver: str
    petsc_options: dict[str, Any]
    out_of_range: str = "warn"  # "warn" | "error": outside a material's data ranges
    f_bar: bool = True  # F-bar in the flowing regions (element_degree 2)


@dataclass(frozen=True)
class Output:
    fields_every: int
    field_formats: tuple[str, ...]
    log_every: int
    fields_every_h: float = 0.0
    checkpoint_every_steps: int = 0  # 0: off
    checkpoint_every_min: float = 30.0  # wall time; 0: off


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    mode: str
    die_radius_mm: float
    radial_mesh_size_mm: float
    layers: tuple[Layer, ...]
    interfaces: dict[str, str]  # face or interface name -> tied | sticking | frictionless
    die_wall: DieWall
    fixture: Fixture
    plating_region: str | None
    cathode_region: str | None
    cathode_capacity_mAh_cm2: float | None
    host_regions: tuple[str, ...]  # layers whose material takes up Li (a concentration field)
    axial_swelling: frozenset[str]  # hosts that grow along the axis only (regions.*.swelling)
    stress_coupling: bool
    counter_potential_V: float
    temperature_K: float
    protocol: tuple[Step, ...]
    numerics: Numerics
    output: Output
    resolved: dict[str, Any]
    warnings: tuple[str, ...] = ()  # overrides that do not act as given (a step shadows them)
    notes: tuple[str, ...] = ()  # what loading did on the user's behalf (keys dropped)
    clearance_mm: float = 0.0  # radial gap between plunger and bore (die.clearance_um)

    @property
    def plunger_radius_mm(self) -> float:
        """Radius of the plunger face: the bore's, less the clearance."""
        return self.die_radius_mm - self.clearance_mm

    @property
    def face_area_mm2(self) -> float:
        """Plunger face, the area of the stack pressure: the disk of the plunger's radius in
        3-D and axisymmetric modes; in plane strain its half width times a unit (1 mm) depth.
        """
        if self.mode == "plane_strain":
            return self.plunger_radius_mm * 1.0
        return math.pi * self.plunger_radius_mm**2

    @property
    def host_capacity_mAh_cm2(self) -> float | None:
        """Areal capacity from the initial state to full lithiation of the host layers."""
        if not self.host_regions:
            return None
        total = 0.0
        for name in self.host_regions:
            layer = self.layer(name)
            lith = layer.material.lithiation
            per_mm3 = lith.capacity_mAh_per_mm3 / lith.volume_ratio(layer.material.initial_theta)
            total += per_mm3 * layer.thickness_mm * MM2_PER_CM2 * (1.0 - layer.material.initial_theta)
        return total

    def layer(self, name: str) -> Layer:
        return next(layer for layer in self.layers if layer.name == name)


# ---------------------------------------------------------------------------------------------
# Generic walker


def _suggest(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    return f"; did you mean '{close[0]}'?" if close else f" (allowed: {', '.join(allowed)})"


def _type_name(types: tuple[type, ...]) -> str:
    names = {int: "integer", float: "number", str: "string", list: "array", bool: "boolean"}
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


def _check_leaf(spec: Leaf, value: Any, key: str) -> Any:
    ok_type = isinstance(value, spec.types) and not (
        isinstance(value, bool) and bool not in spec.types
    )
    if not ok_type:
        raise CaseError(key, f"got {value!r} ({type(value).__name__}); expected {_type_name(spec.types)}")
    if isinstance(value, int) and not isinstance(value, bool) and spec.types in (NUMBER, NUMBER_OR_NAME):
        value = float(value)  # a number leaf is a float; a PETSc option keeps its integer
    for check in spec.checks:
        problem = check(value)
        if problem:
            raise CaseError(key, f"got {value!r}; {problem}")
    return value


def _walk(spec: Any, value: Any, key: str) -> Any:
    if isinstance(spec, Leaf):
        return _check_leaf(spec, value, key)
    if isinstance(spec, Table):
        if not isinstance(value, dict):
            raise CaseError(key, f"got {value!r}; expected a table")
        for k in value:
            if k not in spec.keys:
                raise CaseError(f"{key}.{k}".lstrip("."), "unknown key" + _suggest(k, list(spec.keys)))
        out = {}
        for k, sub in spec.keys.items():
            sub_key = f"{key}.{k}".lstrip(".")
            if k in value:
                out[k] = _walk(sub, value[k], sub_key)
            elif isinstance(sub, Leaf):
                if sub.default is REQUIRED:
                    raise CaseError(sub_key, "missing required key")
                if sub.default is not None:
                    out[k] = copy.deepcopy(sub.default)
            elif isinstance(sub, Table):
                if sub.required:
                    raise CaseError(sub_key, "missing required table")
                out[k] = _walk(sub, {}, sub_key)
            elif isinstance(sub, MapOf):
                out[k] = {}
            elif isinstance(sub, ListOf):
                if sub.min_items:
                    raise CaseError(sub_key, "missing required list")
                out[k] = []
        return out
    if isinstance(spec, MapOf):
        if not isinstance(value, dict):
            raise CaseError(key, f"got {value!r}; expected a table")
        return {k: _walk(spec.value, v, f"{key}.{k}") for k, v in value.items()}
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            raise CaseError(key, f"got {value!r}; expected an array of tables ([[{key}]])")
        if len(value) < spec.min_items:
            raise CaseError(key, f"needs at least {spec.min_items} entries")
        return [_walk(spec.item, v, f"{key}.{i}") for i, v in enumerate(value)]
    raise TypeError(spec)


# ---------------------------------------------------------------------------------------------
# --set overrides


def parse_set(assignment: str) -> tuple[list[str], Any]:
    """Parse ``dotted.key=value``; the value is read as a TOML literal, else as a string."""
    if "=" not in assignment:
        raise CaseError("--set", f"got {assignment!r}; expected dotted.key=value")
    key, raw = assignment.split("=", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key.strip().split("."), value


def apply_set(doc: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``doc[path] = value``; integer path parts index arrays (``protocol.1.duration_h``)."""
    dotted = ".".join(path)
    if not all(path):
        raise CaseError("--set", f"got {dotted!r}; a key has an empty part")
    node: Any = doc
    for i, part in enumerate(path):
        where, last = ".".join(path[: i + 1]), i == len(path) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise CaseError(where, f"no entry {part!r} in an array of {len(node)}")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise CaseError(".".join(path[:i]), f"is a value, not a table; cannot set {dotted}")


# ---------------------------------------------------------------------------------------------
# Cross-key validation and freezing


def _material(region_key: str, region: dict[str, Any]) -> materials.Material:
    try:
        base = materials.get(region["material"])
    except materials.UnknownMaterialError as err:
        raise CaseError(f"{region_key}.material", err.args[0]) from None
    try:
        return materials.with_overrides(base, region.get("overrides", {}))
    except ValueError as err:
        raise CaseError(f"{region_key}.overrides", str(err)) from None


def _layers(doc: dict[str, Any], radius: float) -> tuple[Layer, ...]:
    geo = doc["geometry"]
    stack = geo["stack"]
    if not stack or not all(isinstance(n, str) for n in stack):
        raise CaseError("geometry.stack", f"got {stack!r}; expected a non-empty array of names")
    if len(set(stack)) != len(stack):
        raise CaseError("geometry.stack", f"got {stack!r}; layer names must be unique")
    for section in ("geometry.layers", "regions"):
        table = geo["layers"] if section == "geometry.layers" else doc["regions"]
        for name in table:
            if name not in stack:
                raise CaseError(f"{section}.{name}", "not in geometry.stack" + _suggest(name, stack))
        for name in stack:
            if name not in table:
                raise CaseError(f"{section}.{name}", f"missing: every layer of geometry.stack needs [{section}.{name}]")
    layers = []
    for name in stack:
        spec = geo["layers"][name]
        thickness = spec["thickness_um"] / UM_PER_MM
        size = spec.get("mesh_size_um", spec["thickness_um"] / 4.0) / UM_PER_MM
        layer_radius = spec.get("diameter_mm", 2.0 * radius) / 2.0
        if layer_radius > radius * (1.0 + 1e-12):
            raise CaseError(f"geometry.layers.{name}.diameter_mm",
                            f"got {2 * layer_radius!r}; must not exceed geometry.die_diameter_mm = {2 * radius!r}")
        if layer_radius < radius and geo["mode"] == "3d":
            raise CaseError(f"geometry.layers.{name}.diameter_mm",
                            "a layer narrower than the bore needs geometry.mode 'axisymmetric' or 'plane_strain'")
        layers.append(Layer(name, thickness, min(size, thickness / 2.0),
                            _material(f"regions.{name}", doc["regions"][name]), min(layer_radius, radius)))
    return tuple(layers)


def _interfaces(doc: dict[str, Any], layers: tuple[Layer, ...]) -> dict[str, str]:
    """Face and interface conditions by name, with the defaults filled in.

    The plunger and base faces (``plunger_<top>``, ``base_<bottom>``) are frictionless or
    sticking on the rigid plates; layers share their mesh nodes, so between two layers
    (``<upper>_<lower>``) only ``tied`` is available.
    """
    names = [layer.name for layer in layers]
    faces = {f"plunger_{names[-1]}": "frictionless", f"base_{names[0]}": "frictionless"}
    pairs = {f"{up}_{low}": "tied" for low, up in zip(names, names[1:], strict=False)}
    given = doc.get("interfaces", {})
    for key, value in given.items():
        if key in faces:
            if value not in FACE_CONDITIONS:
                raise CaseError(f"interfaces.{key}", f"got {value!r}; a face on the rigid "
                                f"plunger or base is one of {FACE_CONDITIONS}")
        elif key in pairs:
            if value != "tied":
                raise CaseError(f"interfaces.{key}", f"got {value!r}; two meshed layers share "
                                "their nodes: only 'tied' is available between layers")
        else:
            raise CaseError(f"interfaces.{key}", "no such face or interface"
                            + _suggest(key, [*faces, *pairs]))
    return {**faces, **pairs, **given}


_FRAME_KEYS = ("frame_stiffness_N_per_mm", "frame_relaxation_fraction", "frame_relaxation_time_h")
FIXTURE_KEYS = {
    "fixed_gap": _FRAME_KEYS,
    "spring": ("spring_stiffness_N_per_mm", *_FRAME_KEYS),
    "constant_pressure": (),
}
"""The stiffness keys each fixture type takes, besides ``type`` and ``preload_MPa``."""


def _fixture(doc: dict[str, Any]) -> Fixture:
    fx = doc["fixture"]
    kind = fx["type"]
    frame = fx.get("frame_stiffness_N_per_mm", math.inf)
    spring = fx.get("spring_stiffness_N_per_mm")
    if kind == "spring" and spring is None:
        raise CaseError("fixture.spring_stiffness_N_per_mm", "missing: a 'spring' fixture needs "
                        "its stiffness (an override of fixture.type to 'spring' needs this key too)")
    if kind != "spring" and spring is not None:
        raise CaseError("fixture.spring_stiffness_N_per_mm", f"only for type = 'spring', not {kind!r}")
    if kind == "constant_pressure" and "frame_stiffness_N_per_mm" in fx:
        raise CaseError("fixture.frame_stiffness_N_per_mm", "a constant-pressure fixture has no frame stiffness")
    if kind == "fixed_gap":
        k = frame
    elif kind == "spring":
        k = 1.0 / (1.0 / spring + 1.0 / frame)  # springs in series with the frame
    else:
        k = 0.0
    return Fixture(kind, fx["preload_MPa"], k, *_frame_relaxation(fx, k))


def _frame_relaxation(fx: dict[str, Any], k: float) -> tuple[float, float]:
    """(r, tau_s) of a relaxing frame; (0, inf) when the case gives none."""
    keys = ("frame_relaxation_fraction", "frame_relaxation_time_h")
    given = [key for key in keys if key in fx]
    if not given:
        return 0.0, math.inf
    if len(given) == 1:
        missing = (set(keys) - set(given)).pop()
        raise CaseError(f"fixture.{missing}", f"missing: fixture.{given[0]} needs it too")
    if not (0.0 < k < math.inf):
        raise CaseError(f"fixture.{keys[0]}",
                        f"a relaxing frame needs a finite frame stiffness; fixture.type = {fx['type']!r} "
                        "has " + ("none" if k == 0.0 else "an infinite one (set fixture.frame_stiffness_N_per_mm)"))
    return fx[keys[0]], fx[keys[1]] * S_PER_H


HOLDER_KEYS = {"elastic": ("holder_material", "holder_outer_diameter_mm"),
               "meshed": ("holder_material", "holder_outer_diameter_mm", "holder_height_mm")}
HOLDER_OPTIONAL = {"meshed": ("holder_mesh_size_um",)}


def _die_wall(doc: dict[str, Any], radius: float, layers: tuple[Layer, ...], mode: str,
              radial_mm: float) -> DieWall:
    die, wall = doc["die"], doc["die"]["wall"]
    needed, optional = HOLDER_KEYS.get(wall, ()), HOLDER_OPTIONAL.get(wall, ())
    for k in ("holder_material", "holder_outer_diameter_mm", "holder_height_mm",
              "holder_mesh_size_um"):
        if k in die and k not in needed + optional:
            allowed = [w for w, keys in HOLDER_KEYS.items() if k in keys + HOLDER_OPTIONAL.get(w, ())]
            raise CaseError(f"die.{k}", f"only for wall = {' or '.join(map(repr, allowed))}, "
                            f"got wall = {wall!r}")
    if wall == "rigid":
        return DieWall("rigid", None, None)
    for k in needed:
        if k not in die:
            raise CaseError(f"die.{k}", f"missing: wall = {wall!r} needs {', '.join(needed)}")
    outer = die["holder_outer_diameter_mm"] / 2.0
    if outer <= radius:
        raise CaseError("die.holder_outer_diameter_mm", f"got {2 * outer!r}; must exceed geometry.die_diameter_mm = {2 * radius!r}")
    try:
        holder = materials.get(die["holder_material"])
    except materials.UnknownMaterialError as err:
        raise CaseError("die.holder_material", err.args[0]) from None
    if wall == "elastic":
        return DieWall("elastic", holder, outer)
    if mode == "3d":
        raise CaseError("die.wall", "got 'meshed'; a meshed holder needs geometry.mode = "
                        "'axisymmetric' or 'plane_strain', got '3d'")
    narrow = [layer.name for layer in layers if layer.radius_mm < radius]
    if narrow:
        raise CaseError("die.wall", f"got 'meshed'; every layer must fill the bore, but "
                        f"{', '.join(narrow)} set geometry.layers.<name>.diameter_mm below it")
    if "clearance_um" in die:
        raise CaseError("die.clearance_um", "a meshed holder needs a plunger that fills the bore")
    height = die["holder_height_mm"]
    stack = sum(layer.thickness_mm for layer in layers)
    if height < stack:
        raise CaseError("die.holder_height_mm", f"got {height!r}; must be at least the stack's "
                        f"height, {stack:.6g} mm")
    size = die.get("holder_mesh_size_um")
    size = radial_mm if size is None else size / UM_PER_MM
    return DieWall("meshed", holder, outer, height, size)


def _clearance(doc: dict[str, Any], layers: tuple[Layer, ...], radius: float, mode: str) -> float:
    """The plunger's radial clearance c (mm): the top layer's face is free for R - c < r < R.

    It must leave a plunger (c < R), needs a 2-D mode, and the top layer must reach past
    R - c, or the annulus holds no material and the clearance would change nothing.
    """
    if "clearance_um" not in doc["die"]:
        return 0.0
    given = doc["die"]["clearance_um"]
    c = given / UM_PER_MM
    if c >= radius:
        raise CaseError("die.clearance_um", f"got {given!r}; must be below the bore radius "
                        f"(geometry.die_diameter_mm / 2 = {radius * UM_PER_MM:g} um)")
    if mode == "3d":
        raise CaseError("die.clearance_um", "a plunger narrower than the bore needs "
                        "geometry.mode 'axisymmetric' or 'plane_strain'")
    top = layers[-1]
    if top.radius_mm <= radius - c:
        raise CaseError("die.clearance_um", f"got {given!r}; the top layer '{top.name}' "
                        f"(diameter {2 * top.radius_mm:g} mm) does not reach past the plunger's "
                        f"edge at diameter {2 * (radius - c):g} mm, so nothing can extrude")
    return c


def _protocol(doc: dict[str, Any], cathode_capacity: float | None) -> tuple[Step, ...]:
    preload = doc["fixture"]["preload_MPa"]
    steps = []
    for i, s in enumerate(doc["protocol"]):
        key = f"protocol.{i}"
        kind, current = s["step"], s["current_mA_cm2"]
        ends = [k for k in ("duration_h", "capacity_mAh_cm2") if k in s]
        if len(ends) != 1:
            raise CaseError(key, f"a '{kind}' step needs exactly one end condition: duration_h or capacity_mAh_cm2 (got {ends or 'none'})")
        if kind in ("rest", "hold"):
            if current != 0.0:
                raise CaseError(f"{key}.current_mA_cm2", f"got {current!r}; a '{kind}' step carries no current")
            if "capacity_mAh_cm2" in s:
                raise CaseError(f"{key}.capacity_mAh_cm2", f"a '{kind}' step passes no capacity; end it with duration_h")
        elif current <= 0.0:
            raise CaseError(f"{key}.current_mA_cm2", f"got {current!r}; a '{kind}' step needs a current > 0")
        if kind != "hold" and "pressure_MPa" in s:
            raise CaseError(f"{key}.pressure_MPa", "only 'hold' steps may set the fixture pressure")
        if "duration_h" in s:
            duration = s["duration_h"] * S_PER_H
        else:
            duration = s["capacity_mAh_cm2"] / current * S_PER_H
        if "voltage_cutoff_V" in s and kind not in ("charge", "discharge"):
            raise CaseError(f"{key}.voltage_cutoff_V", f"a '{kind}' step has no voltage to cut off")
        pressure = s.get("pressure_MPa")
        if pressure == PRELOAD:
            pressure = preload
        steps.append(Step(kind, current, duration, pressure, s.get("voltage_cutoff_V")))
    return tuple(steps)


MAP_KEYS = ("pressure_MPa", "fixture")
"""The ``[[measured]]`` keys of a measured critical current only."""


def _check_measured(points: list[dict[str, Any]]) -> None:
    """Each measured point names a series column and exactly one of time_h, capacity."""
    from solver.io.series import COLUMNS

    for i, point in enumerate(points):
        key = f"measured.{i}"
        if point["column"] == CRITICAL_CURRENT:
            raise CaseError(f"{key}.column", f"got {CRITICAL_CURRENT!r}; a measured critical "
                            "current belongs to an interface case (geometry.builder = "
                            "'interface'), whose contact-loss map (ssb map) draws it")
        for k in MAP_KEYS:
            if k in point:
                raise CaseError(f"{key}.{k}", f"applies only to column = {CRITICAL_CURRENT!r} "
                                "of an interface case")
        if point["column"] not in COLUMNS:
            raise CaseError(f"{key}.column", f"got {point['column']!r}; not a series.csv column"
                            + _suggest(point["column"], list(COLUMNS)))
        at = [k for k in ("time_h", "capacity_mAh_cm2") if k in point]
        if len(at) != 1:
            raise CaseError(key, f"needs exactly one of time_h, capacity_mAh_cm2 (got {at or 'none'})")


def check_critical_currents(points: list[dict[str, Any]], fixtures: tuple[str, ...]) -> None:
    """The measured critical currents of an interface case: ``pressure_MPa`` (and an optional
    ``fixture`` of ``fixtures``) instead of a time or a capacity, a value > 0; the keys of a
    critical current are refused on the other measured points."""
    for i, point in enumerate(points):
        key = f"measured.{i}"
        if point["column"] != CRITICAL_CURRENT:
            for k in MAP_KEYS:
                if k in point:
                    raise CaseError(f"{key}.{k}", f"applies only to column = "
                                    f"{CRITICAL_CURRENT!r}")
            continue
        if "pressure_MPa" not in point:
            raise CaseError(f"{key}.pressure_MPa", "missing: a measured critical current is "
                            "at a stack pressure")
        for k in ("time_h", "capacity_mAh_cm2"):
            if k in point:
                raise CaseError(f"{key}.{k}", "does not apply to a critical current (it is "
                                "at pressure_MPa, in fixture)")
        if not point["value"] > 0.0:
            raise CaseError(f"{key}.value", f"got {point['value']!r}; a critical current "
                            "is > 0 (mA/cm^2)")
        fixture = point.get("fixture")
        if fixture is not None and fixture not in fixtures:
            raise CaseError(f"{key}.fixture", f"got {fixture!r}; allowed: "
                            + ", ".join(repr(f) for f in fixtures))


def _check_temperature_ranges(layers, temperature_C: float) -> None:
    """With numerics.out_of_range = 'error': refuse a temperature outside the data range of a
    layer's material (the run-time checks of theta and stress stop the run instead)."""
    from solver.materials.ranges import OutOfRange, RangeWatch

    watch = RangeWatch({layer.name: layer.material for layer in layers}, "error", lambda _: None)
    try:
        watch.check_temperature(temperature_C)
    except OutOfRange as err:
        raise CaseError("conditions.temperature_C", f"got {temperature_C:g}; {err}") from None


def _freeze(doc: dict[str, Any]) -> Case:
    geo = doc["geometry"]
    radius = geo["die_diameter_mm"] / 2.0
    layers = _layers(doc, radius)
    names = [layer.name for layer in layers]
    ec = doc["electrochemistry"]
    for k in ("plating_region", "cathode_region"):
        if k in ec and ec[k] not in names:
            raise CaseError(f"electrochemistry.{k}", f"got {ec[k]!r}; not a layer" + _suggest(ec[k], names))
    cathode = ec.get("cathode_region")
    capacity = ec.get("cathode_capacity_mAh_cm2")
    if cathode is not None and capacity is None:
        raise CaseError("electrochemistry.cathode_capacity_mAh_cm2", "missing: needed with cathode_region")
    if cathode is not None and layers[names.index(cathode)].material.volume_change is None:
        raise CaseError("electrochemistry.cathode_region", f"material of '{cathode}' has no volume-change table")
    plating = ec.get("plating_region")
    if plating is not None and layers[names.index(plating)].material.molar_volume_mm3_per_mol is None:
        raise CaseError("electrochemistry.plating_region", f"material of '{plating}' has no molar volume to plate")
    protocol = _protocol(doc, capacity)
    hosts = tuple(layer.name for layer in layers if layer.material.lithiation is not None)
    limits.check_protocol(doc, protocol, hosts)
    if plating is None and not hosts and any(s.current_mA_cm2 > 0 for s in protocol):
        raise CaseError("electrochemistry.plating_region", "missing: the protocol passes current and no layer is a Li host")
    for name, region in doc["regions"].items():
        if region.get("swelling", "isotropic") != "isotropic" and name not in hosts:
            raise CaseError(f"regions.{name}.swelling", f"got {region['swelling']!r}; only Li hosts swell (material '{region['material']}' is not one)")
    if hosts and names.index(hosts[0]) == 0:
        raise CaseError(f"regions.{hosts[0]}.material", "a Li host must sit above an electrolyte layer (it is the bottom layer)")
    if plating is not None and hosts:
        raise CaseError("electrochemistry.plating_region", f"got {plating!r}; a stack with a Li host ({hosts[0]}) takes the current into the host")
    num = doc["numerics"]
    if num["dt_min_s"] > num["dt_initial_s"] or num["dt_initial_s"] > num["dt_max_s"]:
        raise CaseError("numerics.dt_initial_s", f"need dt_min_s <= dt_initial_s <= dt_max_s (got {num['dt_min_s']}, {num['dt_initial_s']}, {num['dt_max_s']})")
    if num["easy_newton_iterations"] > num["newton_max_iterations"]:
        raise CaseError("numerics.easy_newton_iterations",
                        f"got {num['easy_newton_iterations']}; must be <= "
                        f"numerics.newton_max_iterations = {num['newton_max_iterations']}")
    if num["out_of_range"] == "error":
        _check_temperature_ranges(layers, doc["conditions"]["temperature_C"])
    out = doc["output"]
    for f in out["field_formats"]:
        if f not in ("vtx", "xdmf"):
            raise CaseError("output.field_formats", f"got {f!r}; allowed: 'vtx', 'xdmf'")
    _check_measured(doc["measured"])
    radial = geo.get("radial_mesh_size_um", radius * UM_PER_MM / 8.0) / UM_PER_MM
    clearance = _clearance(doc, layers, radius, geo["mode"])
    limits.check_mesh(geo, layers, radius, geo["mode"], radial, clearance)
    return Case(
        name=doc["case"]["name"],
        description=doc["case"]["description"],
        mode=geo["mode"],
        die_radius_mm=radius,
        radial_mesh_size_mm=radial,
        layers=layers,
        interfaces=_interfaces(doc, layers),
        die_wall=_die_wall(doc, radius, layers, geo["mode"], radial),
        fixture=_fixture(doc),
        plating_region=plating,
        cathode_region=cathode,
        cathode_capacity_mAh_cm2=capacity,
        host_regions=hosts,
        axial_swelling=frozenset(
            n for n in hosts if doc["regions"][n].get("swelling", "isotropic") == "axial"),
        stress_coupling=ec["stress_coupling"],
        counter_potential_V=ec["counter_potential_V"],
        temperature_K=doc["conditions"]["temperature_C"] + ZERO_CELSIUS_K,
        protocol=protocol,
        numerics=Numerics(**{k: v for k, v in num.items()}),
        output=Output(out["fields_every"], tuple(out["field_formats"]), out["log_every"],
                      out["fields_every_h"], out["checkpoint_every_steps"],
                      out["checkpoint_every_min"]),
        resolved=doc,
        clearance_mm=clearance,
    )


MAX_CASE_BYTES = 1 << 20
"""A case file is a few kB; a larger one is refused rather than read into memory."""


def _read_case_bytes(path: Path) -> bytes:
    """Read a regular file of at most MAX_CASE_BYTES.

    A pipe or a device (``/dev/stdin``, ``/dev/zero``) would block rank 0 for ever, or fill its
    memory, while the other ranks wait for it.
    """
    if path.exists() and not path.is_file():
        raise CaseError("", f"{path} is not a regular file (a case file is a TOML file)")
    size = path.stat().st_size
    if size > MAX_CASE_BYTES:
        raise CaseError("", f"{path} has {size} bytes; a case file has at most {MAX_CASE_BYTES}")
    return path.read_bytes()


def load_case(path: str | Path, sets: list[str] | tuple[str, ...] = ()) -> Case:
    """Read, override, validate and freeze a case file.

    Raises:
        CaseError: for a missing or unreadable file, bad TOML, or any invalid key or value.

    """
    path = Path(path)
    try:
        data = _read_case_bytes(path)
    except FileNotFoundError:
        raise CaseError("", f"case file not found: {path}") from None
    except OSError as err:
        raise CaseError("", f"cannot read case file {path}: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise CaseError("", f"{path} is not valid UTF-8 (byte 0x{data[err.start]:02x} at line "
                        f"{line}, column {column}); TOML files are UTF-8") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise CaseError("", f"{path} is not valid TOML: {err}") from None
    return validate(doc, sets)


def validate(doc: dict[str, Any], sets: list[str] | tuple[str, ...] = ()) -> Case:
    """Validate a parsed case document (after ``--set`` overrides) and freeze it."""
    return validate_overrides(doc, [parse_set(assignment) for assignment in sets])


def validate_overrides(doc: dict[str, Any], overrides: Iterable[tuple[list[str], Any]]) -> Case:
    """Apply ``(key path, value)`` overrides to a parsed case document, validate and freeze it.

    An override of ``fixture.type`` drops the fixture keys the new type does not take
    (:data:`FIXTURE_KEYS`; ``Case.notes`` says which); an override of ``fixture.preload_MPa``
    that a hold's own ``pressure_MPa`` re-sets before the steps that pass current is listed in
    ``Case.warnings``.
    """
    doc = copy.deepcopy(doc)
    overrides = list(overrides)
    for path, value in overrides:
        apply_set(doc, path, value)
    geometry = doc.get("geometry")
    if isinstance(geometry, dict) and geometry.get("builder") == "interface":
        from solver.case import interface_case
        from solver.interface_protocol import FIXTURES as INTERFACE_FIXTURES

        resolved = _walk(interface_case.CASE, doc, "")
        check_critical_currents(resolved["measured"], INTERFACE_FIXTURES)
        return interface_case.freeze(resolved, CaseError)
    notes = _switch_fixture(doc) if any(p == ["fixture", "type"] for p, _ in overrides) else []
    numerics = doc.setdefault("numerics", {})
    if isinstance(numerics, dict):  # else the walker names the key
        numerics.setdefault("petsc_options", {})
    resolved = _walk(CASE, doc, "")
    case = _freeze(resolved)
    num = case.numerics
    check_petsc_options(num.linear_solver, num.petsc_options, CaseError,
                        split=_more_than_displacement(case))
    return dataclasses.replace(case, warnings=tuple(_shadowed_preload(resolved, overrides)),
                               notes=tuple(notes))


def _more_than_displacement(case: Case) -> bool:
    """Whether the case's unknowns hold more than u: a Li host's theta and q, or the F-bar
    dilatation (P2 with a region whose law flows; :func:`solver.physics.model.build_model`)."""
    flows = any(layer.material.creep is not None for layer in case.layers)
    f_bar = case.numerics.f_bar and case.numerics.element_degree >= 2 and flows
    return bool(case.host_regions) or f_bar


def _switch_fixture(doc: dict[str, Any]) -> list[str]:
    """After an override of ``fixture.type``: drop the stiffness keys the new type does not take.

    A case written for one fixture names that fixture's stiffness; switched to another type
    (a sweep over fixtures, ``--set fixture.type=constant_pressure``), the old type's keys
    would be refused. A key the new type needs and the case lacks is still an error.
    """
    fixture = doc.get("fixture")
    if not isinstance(fixture, dict) or fixture.get("type") not in FIXTURE_KEYS:
        return []  # the walker names the bad table or type
    kind = fixture["type"]
    stiffness = {k for keys in FIXTURE_KEYS.values() for k in keys}
    notes = []
    for key in [k for k in fixture if k in stiffness and k not in FIXTURE_KEYS[kind]]:
        notes.append(f"fixture.type = {kind!r} (overridden): dropped fixture.{key} = "
                     f"{fixture.pop(key)!r}, which a {kind!r} fixture does not take")
    return notes


def _shadowed_preload(resolved: dict[str, Any], overrides: list[tuple[list[str], Any]]) -> list[str]:
    """Warnings for an overridden ``fixture.preload_MPa`` that a protocol step re-sets.

    The preload holds until a step with its own ``pressure_MPa`` re-sets the fixture, and again
    after a step with ``pressure_MPa = "preload"``. The override is shadowed where a step that
    passes current (any step, in a protocol without current) runs at a step's own pressure.
    """
    if not any(p == ["fixture", "preload_MPa"]
               or (p == ["fixture"] and isinstance(v, dict) and "preload_MPa" in v)
               for p, v in overrides):
        return []
    steps, preload = resolved["protocol"], resolved["fixture"]["preload_MPa"]
    setter, set_by = None, []
    for i, step in enumerate(steps):
        pressure = step.get("pressure_MPa")
        if pressure is not None:
            setter = None if pressure == PRELOAD else i
        set_by.append(setter)
    current = [i for i, step in enumerate(steps) if step["step"] in ("charge", "discharge")]
    shadowed: dict[int, list[int]] = {}
    for i in current or range(len(steps)):
        if set_by[i] is not None:
            shadowed.setdefault(set_by[i], []).append(i)
    warnings = []
    for j, where in shadowed.items():
        pressure = steps[j]["pressure_MPa"]
        named = ", ".join(f"protocol.{i} ({steps[i]['step']})" for i in where)
        warnings.append(
            f"override fixture.preload_MPa = {preload:g} is shadowed: protocol.{j}.pressure_MPa = "
            f"{pressure:g} re-sets the fixture, so {named} runs at {pressure:g} MPa; override "
            f"protocol.{j}.pressure_MPa instead, or give that step pressure_MPa = \"{PRELOAD}\"")
    return warnings
