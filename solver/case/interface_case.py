"""The case file of an interface cell (``geometry.builder = "interface"``).

A Li layer on a solid electrolyte whose surface is flat, wavy, rough or carries voids
(:mod:`solver.geometry.interface`), pressed by the fixture and stripped at a current density
(:mod:`solver.interface_run`). The tables follow the die case's where they mean the same
(``[case]``, ``[regions.X]`` with overrides, ``[fixture]``, ``[conditions]``, ``[[protocol]]``,
``[[measured]]``, ``[numerics]``, ``[output]``); lengths at the edges are in um, as their
names say. Protocol steps: ``rest`` or ``hold`` (``duration_h``; a hold may set
``pressure_MPa`` first) and ``strip`` (``current_mA_cm2`` until ``capacity_mAh_cm2`` or
``duration_h``, or until a failure criterion of ``[failure]`` ends it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.case import schema as s
from solver.geometry.interface_profile import InterfaceSpec
from solver.interface_protocol import FIXTURES, Step, StrippingProtocol
from solver.materials import Material
from solver.physics.kinetics import Kinetics
from solver.units import S_PER_H, UM_PER_MM, ZERO_CELSIUS_K

SURFACES = ("flat", "wavy", "rough", "voids")
_SHAPE_KEYS = {  # surface -> its case keys (um unless a count or seed) -> InterfaceSpec field
    "flat": {},
    "wavy": {"amplitude_um": "amplitude_mm", "wavelength_um": "wavelength_mm"},
    "rough": {"rq_um": "rq_mm", "correlation_length_um": "correlation_length_mm", "seed": "seed"},
    "voids": {"void_count": "void_count", "void_width_um": "void_width_mm",
              "void_depth_um": "void_depth_mm", "void_placement": "void_placement",
              "seed": "seed"},
}
_LENGTH = (s.positive, s.finite)

GEOMETRY = s.Table({
    "builder": s.Leaf((str,), s.REQUIRED, (s.one_of("interface"),)),
    "mode": s.Leaf((str,), "plane_strain", (s.one_of("plane_strain", "axisymmetric", "3d"),)),
    "surface": s.Leaf((str,), "flat", (s.one_of(*SURFACES),)),
    "li_thickness_um": s.Leaf(s.NUMBER, s.REQUIRED, _LENGTH, "Li layer, um"),
    "electrolyte_thickness_um": s.Leaf(s.NUMBER, s.REQUIRED, _LENGTH, "electrolyte modelled, um"),
    "extent_um": s.Leaf(s.NUMBER, s.REQUIRED, _LENGTH,
                        "lateral size: width (plane strain), radius (axisymmetric), square side (3-D)"),
    "mesh_size_um": s.Leaf(s.NUMBER, s.REQUIRED, _LENGTH, "element size away from the interface"),
    "interface_mesh_size_um": s.Leaf(s.NUMBER, s.REQUIRED, _LENGTH, "element size at the interface"),
    "amplitude_um": s.Leaf(s.NUMBER, None, _LENGTH, "wavy: a"),
    "wavelength_um": s.Leaf(s.NUMBER, None, _LENGTH, "wavy: lambda"),
    "rq_um": s.Leaf(s.NUMBER, None, _LENGTH, "rough: RMS roughness"),
    "correlation_length_um": s.Leaf(s.NUMBER, None, _LENGTH, "rough: correlation length"),
    "seed": s.Leaf((int,), None, (s.non_negative,), "rough, random voids: the random seed"),
    "void_count": s.Leaf((int,), None, (s.positive,)),
    "void_width_um": s.Leaf(s.NUMBER, None, _LENGTH),
    "void_depth_um": s.Leaf(s.NUMBER, None, _LENGTH),
    "void_placement": s.Leaf((str,), None, (s.one_of("even", "random"),)),
})

STEP = s.Table({
    "step": s.Leaf((str,), s.REQUIRED, (s.one_of("rest", "hold", "strip"),)),
    "current_mA_cm2": s.Leaf(s.NUMBER, 0.0, (s.non_negative, s.finite), "strip: current density"),
    "duration_h": s.Leaf(s.NUMBER, None, (s.positive, s.at_most(s.MAX_DURATION_H))),
    "capacity_mAh_cm2": s.Leaf(s.NUMBER, None, (s.positive, s.finite), "strip: charge to pass"),
    "pressure_MPa": s.Leaf(s.NUMBER, None, (s.non_negative, s.at_most(s.MAX_PRESSURE_MPA)),
                           "hold: set the fixture to this pressure first"),
})

CASE = s.Table({
    "case": s.CASE.keys["case"],
    "geometry": GEOMETRY,
    "regions": s.Table({"li": s.REGION, "electrolyte": s.REGION}),
    "fixture": s.Table({
        "type": s.Leaf((str,), s.REQUIRED, (s.one_of(*FIXTURES),)),
        "preload_MPa": s.Leaf(s.NUMBER, s.REQUIRED, (s.non_negative, s.at_most(s.MAX_PRESSURE_MPA))),
        "preload_ramp_s": s.Leaf(
            s.NUMBER, 0.0, (s.non_negative, s.finite),
            "raise the preload over this time while the Li creeps (0: an elastic step at t = 0)"),
        "spring_MPa_per_um": s.Leaf(s.NUMBER, None, (s.positive, s.finite),
                                    "spring: pressure change per um of plunger travel"),
        "counter_electrode_growth": s.Leaf(
            s.NUMBER, 1.0, (s.non_negative, s.finite),
            "fixed gap, spring: the counter electrode's growth per stripped thickness (1: the "
            "Li plates there with its volume; 0: the Li's top stays put)"),
    }),
    "failure": s.Table({
        "min_contact_fraction": s.Leaf(s.NUMBER, 0.05, (s.between(0.0, 1.0),),
                                       "end stripping when the contact fraction falls below"),
        "max_local_current_mA_cm2": s.Leaf(s.NUMBER, None, (s.positive, s.finite),
                                           "end stripping when the local current exceeds"),
    }, required=False),
    "kinetics": s.Table({
        "current_distribution": s.Leaf(
            (str,), "uniform", (s.one_of("uniform", "secondary"),),
            "uniform: I / A_c on the contact set; secondary: Ohm's law in the electrolyte and "
            "linear kinetics at the contact (the current crowds at contact edges)"),
        "charge_transfer_resistance_ohm_cm2": s.Leaf(
            s.NUMBER, 2.0, (s.positive, s.finite),
            "secondary: R_ct per contact area (Hansel et al. 2021: < ~2 Ohm cm^2 for pressed Li)"),
        "ionic_conductivity_mS_cm": s.Leaf(
            s.NUMBER, 2.2, (s.positive, s.finite),
            "secondary: the electrolyte's (Li6PS5Cl pellets: Ham et al. 2023)"),
    }, required=False),
    "conditions": s.CASE.keys["conditions"],
    "protocol": s.ListOf(STEP, min_items=1),
    "measured": s.CASE.keys["measured"],
    "numerics": s.Table({
        "element_degree": s.Leaf((int,), 2, (s.one_of(1, 2),)),
        "f_bar": s.Leaf((bool,), True, ()),
        "dt_initial_s": s.Leaf(s.NUMBER, 1.0e-6, (s.between(s.MIN_DT_S, s.MAX_DT_S),)),
        "dt_min_s": s.Leaf(s.NUMBER, 1.0e-9, (s.between(s.MIN_DT_S, s.MAX_DT_S),)),
        "dt_max_s": s.Leaf(s.NUMBER, 600.0, (s.between(s.MIN_DT_S, s.MAX_DT_S),)),
        "dt_growth": s.Leaf(s.NUMBER, 1.5, (s.between(1.0, 10.0),)),
        "max_recession_cells": s.Leaf(s.NUMBER, 0.05, (s.positive, s.at_most(1.0)),
                                      "stripped thickness per step, in interface cells"),
        "newton_rtol": s.Leaf(s.NUMBER, 1.0e-8, (s.between(1.0e-14, 1.0e-4),)),
        "max_creep_strain_increment": s.CASE.keys["numerics"].keys["max_creep_strain_increment"],
        "creep_error_tolerance": s.CASE.keys["numerics"].keys["creep_error_tolerance"],
    }, required=False),
    "output": s.Table({
        "fields_every": s.Leaf((int,), 10, (s.non_negative,), "0 = only first and last"),
        "field_formats": s.Leaf((list,), ["xdmf"], ()),
        "log_every": s.Leaf((int,), 1, (s.positive,)),
    }, required=False),
})


@dataclass(frozen=True)
class InterfaceCase:
    """A validated interface case (internal units: mm, s, MPa)."""

    name: str
    description: str
    mode: str
    spec: InterfaceSpec
    li: Material
    electrolyte: Material
    temperature_K: float
    stripping: StrippingProtocol
    numerics: dict
    fields_every: int
    field_formats: tuple[str, ...]
    log_every: int
    resolved: dict
    kinetics: Kinetics | None = None  # None: the uniform current distribution
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def protocol(self) -> tuple[Step, ...]:
        """The steps (as a die case's ``protocol``: each has ``duration_s``, ``current_mA_cm2``)."""
        return self.stripping.steps


def freeze(doc: dict[str, Any], error) -> InterfaceCase:
    """The case of a document already walked against :data:`CASE`; ``error(key, why)`` raises."""
    from solver.case.load import _material  # the region/overrides rules of the die case

    geo = doc["geometry"]
    surface = geo["surface"]
    for key in GEOMETRY.keys:
        shaped = any(key in keys for keys in _SHAPE_KEYS.values())
        if shaped and key in geo and key not in _SHAPE_KEYS[surface]:
            raise error(f"geometry.{key}", f"does not apply to surface = {surface!r}")
    shape = {field: (geo[key] / UM_PER_MM if key.endswith("_um") else geo[key])
             for key, field in _SHAPE_KEYS[surface].items() if key in geo}
    spec = InterfaceSpec(surface, geo["li_thickness_um"] / UM_PER_MM,
                         geo["electrolyte_thickness_um"] / UM_PER_MM, geo["extent_um"] / UM_PER_MM,
                         geo["mesh_size_um"] / UM_PER_MM, geo["interface_mesh_size_um"] / UM_PER_MM,
                         **shape)
    try:
        from solver.geometry.interface_profile import interface_profile

        interface_profile(spec, geo["mode"])  # the geometry's own limits, before any meshing
    except ValueError as err:
        raise error("geometry", str(err)) from None
    fx, failure, num = doc["fixture"], doc["failure"], doc["numerics"]
    steps = tuple(_step(i, st, error) for i, st in enumerate(doc["protocol"]))
    try:
        protocol = StrippingProtocol(
            preload_MPa=fx["preload_MPa"], preload_ramp_s=fx["preload_ramp_s"], steps=steps,
            fixture=fx["type"],
            counter_electrode_growth=fx["counter_electrode_growth"],
            spring_MPa_per_um=fx.get("spring_MPa_per_um", 0.0),
            min_contact_fraction=failure["min_contact_fraction"],
            max_current_mA_cm2=failure.get("max_local_current_mA_cm2", float("inf")),
            max_recession_cells=num["max_recession_cells"], dt_initial_s=num["dt_initial_s"],
            dt_growth=num["dt_growth"], dt_max_s=num["dt_max_s"], dt_min_s=num["dt_min_s"],
            max_creep_strain_increment=num["max_creep_strain_increment"],
            creep_error_tolerance=num["creep_error_tolerance"])
    except ValueError as err:
        raise error("fixture", str(err)) from None
    kin = doc["kinetics"]
    kinetics = None
    if kin["current_distribution"] == "secondary":
        if geo["mode"] == "3d":
            raise error("kinetics.current_distribution", "'secondary' is implemented for "
                        "mode = 'plane_strain' and 'axisymmetric', not '3d'")
        kinetics = Kinetics(kin["charge_transfer_resistance_ohm_cm2"],
                            kin["ionic_conductivity_mS_cm"])
    for f in doc["output"]["field_formats"]:
        if f not in ("vtx", "xdmf"):
            raise error("output.field_formats", f"got {f!r}; allowed: 'vtx', 'xdmf'")
    return InterfaceCase(
        name=doc["case"]["name"], description=doc["case"]["description"], mode=geo["mode"],
        spec=spec, li=_material("regions.li", doc["regions"]["li"]),
        electrolyte=_material("regions.electrolyte", doc["regions"]["electrolyte"]),
        temperature_K=doc["conditions"]["temperature_C"] + ZERO_CELSIUS_K, stripping=protocol,
        numerics=num, fields_every=doc["output"]["fields_every"],
        field_formats=tuple(doc["output"]["field_formats"]), log_every=doc["output"]["log_every"],
        resolved=doc, kinetics=kinetics)


def _step(i: int, st: dict, error) -> Step:
    key = f"protocol.{i}"
    kind = st["step"]
    if kind == "strip":
        if st["current_mA_cm2"] <= 0.0:
            raise error(f"{key}.current_mA_cm2", "a strip step needs a current > 0")
        if ("capacity_mAh_cm2" in st) == ("duration_h" in st):
            raise error(key, "a strip step ends at capacity_mAh_cm2 or duration_h (one of them)")
        if "pressure_MPa" in st:
            raise error(f"{key}.pressure_MPa", "only a hold sets the pressure")
        duration = (st["duration_h"] * S_PER_H if "duration_h" in st
                    else st["capacity_mAh_cm2"] / st["current_mA_cm2"] * S_PER_H)
        return Step(kind, duration, st["current_mA_cm2"], None)
    if "duration_h" not in st:
        raise error(f"{key}.duration_h", f"missing: a {kind} step lasts duration_h")
    for k in ("capacity_mAh_cm2",):
        if k in st:
            raise error(f"{key}.{k}", f"does not apply to a {kind} step")
    if st["current_mA_cm2"] != 0.0:
        raise error(f"{key}.current_mA_cm2", f"a {kind} step passes no current")
    if kind == "rest" and "pressure_MPa" in st:
        raise error(f"{key}.pressure_MPa", "a rest keeps the fixture; a hold sets a pressure")
    return Step(kind, st["duration_h"] * S_PER_H, 0.0, st.get("pressure_MPa"))
