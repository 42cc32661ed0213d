"""The materials library: one entry per material, every number with its unit and its source.

Papers are cited by author, year, journal and DOI, and where in them (section, figure,
table), through :mod:`solver.materials.references`; the full entries are in
``docs/references.md``. Where no measured value exists the entry says what was assumed and
why, and values that could not be checked against the paper say so in their source.

The entries live in :mod:`solver.materials.entries` by kind (metals, alloys, electrolytes,
cathodes, structural); this module collects them and applies case-file overrides.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import replace
from typing import Any

from solver.materials.entries.alloys import ALLOYS
from solver.materials.entries.base import (
    ATOMIC_MASS_G_PER_MOL,
    ATOMIC_MASS_SOURCE,
    MM2_PER_CM2,
    Material,
)
from solver.materials.entries.cathodes import CATHODES
from solver.materials.entries.electrolytes import ELECTROLYTES
from solver.materials.entries.metals import AL, LI, LI_MASIAS2019
from solver.materials.entries.structural import STRUCTURAL
from solver.materials.laws import (
    LAW_KINDS,
    Curve,
    NortonCreep,
    PerzynaViscoplasticity,
    ViscousLaw,
    ViscousLiquid,
)
from solver.units import MPA_PER_GPA

__all__ = [
    "ATOMIC_MASS_G_PER_MOL",
    "ATOMIC_MASS_SOURCE",
    "CATEGORIES",
    "HOST_OVERRIDE_KEYS",
    "OVERRIDE_KEYS",
    "Material",
    "UnknownMaterialError",
    "aliases",
    "canonical_name",
    "get",
    "names",
    "with_overrides",
]

_ENTRIES = (LI, LI_MASIAS2019, AL, *ALLOYS, *ELECTROLYTES, *CATHODES, *STRUCTURAL)
_LIBRARY: dict[str, Material] = {m.name: m for m in _ENTRIES}
assert len(_LIBRARY) == len(_ENTRIES), "duplicate library names"

# What a chemist types -> the library name. Lookups ignore case, spaces, '-' and '_', so
# "Li6PS5Cl", "LPSCl" and "lpscl" all find `li6ps5cl`, and "Li17Sn4" finds `li17sn4`.
_ALIASES: dict[str, tuple[str, ...]] = {
    "li": ("lithium", "Li metal"),
    "al": ("aluminium", "aluminum"),
    "sn": ("tin", "beta-Sn"),
    "si": ("silicon", "a-Si"),
    "in": ("indium",),
    "gain": ("EGaIn", "gallium-indium", "Ga-In liquid metal"),
    "li6ps5cl": ("LPSCl", "LPSC", "argyrodite"),
    "llzo": ("Li7La3Zr2O12", "garnet"),
    "latp": ("Li1.3Al0.3Ti1.7(PO4)3", "NASICON"),
    "ncm811_composite": ("NCM811", "NMC811"),
    "nmc111": ("NCM111",),
    "steel": ("stainless steel", "316L", "SS316L"),
    "peek": ("polyether ether ketone",),
}


def _key(name: str) -> str:
    """The lookup form of a name: lower case, without spaces, '-' or '_'."""
    return "".join(c for c in name.strip().lower() if c not in " -_")


_LOOKUP: dict[str, str] = {_key(n): n for n in _LIBRARY}
for _canonical, _names in _ALIASES.items():
    assert _canonical in _LIBRARY, f"alias for a missing entry {_canonical!r}"
    for _alias in _names:
        assert _key(_alias) not in _LOOKUP, f"alias {_alias!r} is ambiguous"
        _LOOKUP[_key(_alias)] = _canonical
assert len(_LOOKUP) == len(_LIBRARY) + sum(map(len, _ALIASES.values())), "names collide"

CATEGORIES = ("metal", "host", "electrolyte", "cathode", "structural")

# Case-file override keys (with units) that apply to every entry -> how each maps onto it.
OVERRIDE_KEYS: dict[str, str] = {
    "youngs_modulus_GPa": "Young's modulus, GPa (on a host: replaces E(theta) by a constant)",
    "poisson_ratio": "Poisson's ratio, - (on a host: replaces nu(theta) by a constant)",
    "creep": "viscous law: 'norton', 'perzyna', 'liquid' or 'none' (default: the entry's)",
    "creep_prefactor_per_s": "Norton prefactor A, 1/s",
    "creep_activation_energy_kJ_per_mol": "Norton activation energy Q, kJ/mol",
    "creep_reference_stress_MPa": "Norton reference stress, MPa (replaces sigma_ref(theta))",
    "creep_stress_exponent": "Norton stress exponent n, -",
    "creep_yield_stress_MPa": "Perzyna yield stress sigma_y, MPa (replaces sigma_y(theta))",
    "creep_reference_strain_rate_per_s": "Perzyna reference strain rate eps0, 1/s",
    "creep_overstress_exponent": "Perzyna overstress exponent m, -",
    "creep_viscosity_Pa_s": "liquid viscosity eta, Pa s (replaces eta(theta))",
}

CREEP_CHOICES = (*LAW_KINDS, "none")

# Law parameter keys -> (law kind, record field, factor to internal units, lower bound, bound
# open, the theta curve the constant replaces, required to build the law from keys alone).
_LAW_KEYS: dict[str, tuple[str, str, float, float, bool, str | None, bool]] = {
    "creep_prefactor_per_s": ("norton", "prefactor_per_s", 1.0, 0.0, True, None, True),
    "creep_activation_energy_kJ_per_mol": (
        "norton", "activation_energy_J_per_mol", 1.0e3, 0.0, False, None, False),
    "creep_reference_stress_MPa": (
        "norton", "reference_stress_MPa", 1.0, 0.0, True, "reference_stress_vs_theta", True),
    "creep_stress_exponent": ("norton", "stress_exponent", 1.0, 1.0, False, None, True),
    "creep_yield_stress_MPa": (
        "perzyna", "yield_stress_MPa", 1.0, 0.0, True, "yield_stress_vs_theta", True),
    "creep_reference_strain_rate_per_s": (
        "perzyna", "reference_strain_rate_per_s", 1.0, 0.0, True, None, True),
    "creep_overstress_exponent": ("perzyna", "overstress_exponent", 1.0, 1.0, False, None, True),
    "creep_viscosity_Pa_s": ("liquid", "viscosity_MPa_s", 1.0e-6, 0.0, True, "viscosity_vs_theta",
                             True),
}
assert {k for k in OVERRIDE_KEYS if k.startswith("creep_")} == set(_LAW_KEYS)
_LAW_RECORDS = {"norton": NortonCreep, "perzyna": PerzynaViscoplasticity, "liquid": ViscousLiquid}
_LAW_DEFAULTS = {"norton": {"activation_energy_J_per_mol": 0.0}, "perzyna": {}, "liquid": {}}

# Override keys that apply only to Li hosts (entries with a ``lithiation`` record). They are
# kept apart from OVERRIDE_KEYS until the case schema (solver/case/schema.py, which asserts
# its region overrides equal OVERRIDE_KEYS) declares them; with_overrides accepts both.
HOST_OVERRIDE_KEYS: dict[str, str] = {
    "initial_theta": "state of lithiation as assembled, - (0 to 1)",
    "diffusivity_cm2_per_s": "chemical diffusivity D, cm^2/s (replaces D(theta) by a constant)",
    "diffusion_activation_energy_kJ_per_mol": "Arrhenius activation energy of D, kJ/mol",
    "chemical_potential": "'ideal' (D is a chemical diffusivity) or 'ocv' (D is a tracer one)",
    "volume_ratio_full": "J_g at theta = 1, - (replaces J_g(theta) by the line 1 -> value)",
}

_CHEMICAL_POTENTIALS = ("ideal", "ocv")


class UnknownMaterialError(KeyError):
    """A material name that is not in the library."""


def names() -> list[str]:
    """Names of all library entries."""
    return sorted(_LIBRARY)


def aliases(name: str) -> tuple[str, ...]:
    """Other names that find the library entry ``name`` (e.g. 'LPSCl' for 'li6ps5cl')."""
    return _ALIASES.get(name, ())


def canonical_name(name: str) -> str:
    """The library name that ``name`` (any case, or an alias) stands for.

    Raises:
        UnknownMaterialError: for a name that is neither, suggesting the nearest one.

    """
    if not isinstance(name, str):
        raise UnknownMaterialError(f"material name must be a string, got {name!r}")
    try:
        return _LOOKUP[_key(name)]
    except KeyError:
        close = difflib.get_close_matches(_key(name), list(_LOOKUP), n=1, cutoff=0.6)
        hint = f"; did you mean '{_LOOKUP[close[0]]}'?" if close else ""
        raise UnknownMaterialError(
            f"unknown material '{name}'{hint} (library: {', '.join(names())}; "
            "`ssb materials` lists them with their aliases)"
        ) from None


def get(name: str) -> Material:
    """The library entry called ``name`` (case-insensitive, or an alias such as 'LPSCl').

    Raises:
        UnknownMaterialError: for an unknown name, suggesting the nearest library name.

    """
    return _LIBRARY[canonical_name(name)]


def _number(key: str, value: Any, low: float | None = None, high: float | None = None,
            low_open: bool = False) -> float:
    """``value`` as a finite float within [low, high] (or (low, high] with ``low_open``)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"override '{key}' must be a finite number, got {value!r}")
    v = float(value)
    if low is not None and (v < low or (low_open and v == low)):
        bound = f"> {low:g}" if low_open else f">= {low:g}"
        raise ValueError(f"override '{key}' must be {bound}, got {v:g}")
    if high is not None and v > high:
        raise ValueError(f"override '{key}' must be <= {high:g}, got {v:g}")
    return v


def _tag(source: str, key: str, value: Any) -> str:
    return f"{source} [overridden in the case file: {key} = {value!r}]"


def _creep(material: Material, given: dict[str, Any]) -> ViscousLaw | None:
    """The viscous law after the case's ``creep`` choice and law parameter keys.

    ``creep`` absent: the entry's default law; ``"none"``: no flow; a law kind: the entry's
    parameter set of that kind, or one built from the keys alone where the entry has none
    (every key marked required must then be given). Parameter keys must belong to the law in
    use; a constant replaces the theta curve of the same parameter.
    """
    name = material.name
    kind = given.get("creep")
    if kind is not None and kind not in CREEP_CHOICES:
        close = difflib.get_close_matches(str(kind), CREEP_CHOICES, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"override 'creep' must be one of {', '.join(map(repr, CREEP_CHOICES))}, "
                         f"got {kind!r}{hint}")
    keys = {k: v for k, v in given.items() if k in _LAW_KEYS}
    target = kind if kind is not None else material.law_kind
    if target == "none":
        if keys:
            others = ", ".join(repr(law.kind) for law in material.other_laws)
            has = f" (it has {others})" if others else ""
            why = ("the case sets creep = 'none'" if kind == "none"
                   else f"its library entry has no default law{has}")
            raise ValueError(
                f"material '{name}' has no creep law to override (keys {sorted(keys)}): {why}; "
                f"select one with creep = {' | '.join(map(repr, LAW_KINDS))}")
        return None
    wrong = sorted(k for k in keys if _LAW_KEYS[k][0] != target)
    if wrong:
        owners = sorted({_LAW_KEYS[k][0] for k in wrong})
        raise ValueError(
            f"override(s) {wrong} set the {' and '.join(map(repr, owners))} law, but material "
            f"'{name}' has no creep law of that kind in use: it uses '{target}' (select another "
            f"with creep = {' | '.join(map(repr, LAW_KINDS))})")
    changes: dict[str, Any] = {}
    for key, value in keys.items():
        _, field_name, scale, low, low_open, curve, _ = _LAW_KEYS[key]
        changes[field_name] = _number(key, value, low, low_open=low_open) * scale
        if curve is not None:
            changes[curve] = None
    tags = ", ".join(f"{k} = {v!r}" for k, v in keys.items())
    base = material.law(target)
    if base is None:  # the entry has no parameters of this law: all of them from the case
        missing = sorted(k for k, spec in _LAW_KEYS.items()
                         if spec[0] == target and spec[6] and k not in keys)
        if missing:
            raise ValueError(
                f"creep = '{target}' on material '{name}', which has no '{target}' parameters in "
                f"the library: give {', '.join(missing)}")
        fields = {**_LAW_DEFAULTS[target], **{k: v for k, v in changes.items()
                                              if not k.endswith("_vs_theta")}}
        return _LAW_RECORDS[target](**fields, source=f"set in the case file: {tags}")
    if not changes:
        return base
    return replace(base, **changes, source=f"{base.source} [overridden in the case file: {tags}]")


def with_overrides(material: Material, overrides: dict[str, Any]) -> Material:
    """Return ``material`` with case-file overrides applied.

    Keys are those of ``OVERRIDE_KEYS`` (any entry) and ``HOST_OVERRIDE_KEYS`` (Li hosts only).
    An unknown key, a host key on an entry that is not a host, a creep key of a law the region
    does not use, or a value out of range raises ``ValueError`` naming the key. On a host with
    theta-dependent moduli, ``youngs_modulus_GPa`` / ``poisson_ratio`` replace the curve by the
    constant; ``creep_reference_stress_MPa``, ``creep_yield_stress_MPa`` and
    ``creep_viscosity_Pa_s`` likewise replace sigma_ref(theta), sigma_y(theta) and eta(theta).
    ``creep`` selects the law (see :func:`_creep`).
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    known = {**OVERRIDE_KEYS, **HOST_OVERRIDE_KEYS}
    for key in given:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"unknown override '{key}' for material '{material.name}'{hint}")
    lith = material.lithiation
    host_keys = sorted(k for k in given if k in HOST_OVERRIDE_KEYS)
    if host_keys and lith is None:
        raise ValueError(
            f"override(s) {host_keys} apply to Li hosts only; material '{material.name}' has no "
            f"lithiation record (hosts: {', '.join(n for n in names() if _LIBRARY[n].is_host)})"
        )

    # elasticity: constants; on a host they replace the theta curves
    elastic = material.elastic
    if "youngs_modulus_GPa" in given or "poisson_ratio" in given:
        e = elastic.youngs_modulus_MPa
        nu = elastic.poisson_ratio
        if "youngs_modulus_GPa" in given:
            e = _number("youngs_modulus_GPa", given["youngs_modulus_GPa"], 0.0, low_open=True)
            e *= MPA_PER_GPA
        if "poisson_ratio" in given:
            nu = _number("poisson_ratio", given["poisson_ratio"], -0.99, 0.4999)
        changed = ", ".join(f"{k} = {given[k]!r}" for k in ("youngs_modulus_GPa", "poisson_ratio")
                            if k in given)
        elastic = replace(elastic, youngs_modulus_MPa=e, poisson_ratio=nu,
                          source=f"{elastic.source} [overridden in the case file: {changed}]")
        if lith is not None:
            if "youngs_modulus_GPa" in given:
                lith = replace(lith, youngs_modulus_MPa=None)
            if "poisson_ratio" in given:
                lith = replace(lith, poisson_ratio=None)

    creep = _creep(material, given)

    # Li hosts
    initial_theta = material.initial_theta
    if lith is not None:
        if "initial_theta" in given:
            initial_theta = _number("initial_theta", given["initial_theta"], 0.0, 1.0)
        if "diffusivity_cm2_per_s" in given:
            d = _number("diffusivity_cm2_per_s", given["diffusivity_cm2_per_s"], 0.0,
                        low_open=True)
            d_source = _tag(lith.diffusivity_mm2_per_s.source, "diffusivity_cm2_per_s", d)
            lith = replace(lith, diffusivity_mm2_per_s=Curve.constant(d * MM2_PER_CM2, d_source))
        if "diffusion_activation_energy_kJ_per_mol" in given:
            q = _number("diffusion_activation_energy_kJ_per_mol",
                        given["diffusion_activation_energy_kJ_per_mol"], 0.0)
            lith = replace(lith, diffusion_activation_energy_J_per_mol=q * 1.0e3,
                           source=_tag(lith.source, "diffusion_activation_energy_kJ_per_mol", q))
        if "chemical_potential" in given:
            mode = given["chemical_potential"]
            if mode not in _CHEMICAL_POTENTIALS:
                raise ValueError(
                    f"override 'chemical_potential' must be one of {list(_CHEMICAL_POTENTIALS)}, "
                    f"got {mode!r}"
                )
            lith = replace(lith, chemical_potential=mode,
                           source=_tag(lith.source, "chemical_potential", mode))
        if "volume_ratio_full" in given:
            j = _number("volume_ratio_full", given["volume_ratio_full"], 0.0, low_open=True)
            lith = replace(lith, volume_ratio=Curve(
                (0.0, 1.0), (1.0, j), _tag(lith.volume_ratio.source, "volume_ratio_full", j)))
    return replace(material, elastic=elastic, creep=creep, lithiation=lith,
                   initial_theta=initial_theta,
                   data_ranges=_ranges_kept(material.data_ranges, given))


def _ranges_kept(ranges, given: dict[str, Any]):
    """The data ranges that still describe the entry: an override replaces the data of its
    parameter group, and with them the range they were measured over."""
    replaced = set()
    if {"youngs_modulus_GPa", "poisson_ratio"} & set(given):
        replaced.add("elastic")
    if "creep" in given or any(k.startswith("creep_") for k in given):
        replaced.add("creep")
    if "diffusivity_cm2_per_s" in given:
        replaced.add("diffusivity")
    return tuple(r for r in ranges if r.group not in replaced)
