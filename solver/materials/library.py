"""The materials library: one entry per material, every number with its unit and its source.

Seed references such as ``004:L456`` are lines of the seed documents (see
``shared/reference/`` in the project's design notes); literature values name the paper and
table. Where no measured value exists the entry says what was assumed and why.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import Any

from solver.materials.laws import Curve, Elastic, Lithiation, NortonCreep, VolumeChangeTable
from solver.units import MPA_PER_GPA


@dataclass(frozen=True)
class Material:
    """One library entry."""

    name: str
    description: str
    elastic: Elastic
    creep: NortonCreep | None = None
    molar_volume_mm3_per_mol: float | None = None
    molar_volume_source: str = ""
    volume_change: VolumeChangeTable | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    lithiation: Lithiation | None = None  # a Li host: concentration field, OCV, swelling
    initial_theta: float = 0.0  # state of lithiation as assembled (a phase of the host)

    def sources(self) -> dict[str, str]:
        """Every parameter group of this entry mapped to its source."""
        out = {"elastic": self.elastic.source}
        if self.creep is not None:
            out["creep"] = self.creep.source
        if self.molar_volume_mm3_per_mol is not None:
            out["molar_volume"] = self.molar_volume_source
        if self.volume_change is not None:
            out["volume_change"] = self.volume_change.source
        if self.creep is not None and self.creep.reference_stress_vs_theta is not None:
            out["creep_reference_stress_vs_theta"] = self.creep.reference_stress_vs_theta.source
        lith = self.lithiation
        if lith is not None:
            out["lithiation"] = lith.source
            out["open_circuit_potential"] = lith.open_circuit_potential_V.source
            out["volume_ratio"] = lith.volume_ratio.source
            out["diffusivity"] = lith.diffusivity_mm2_per_s.source
            for key in ("youngs_modulus_MPa", "poisson_ratio"):
                curve = getattr(lith, key)
                if curve is not None:
                    out[f"{key}_vs_theta"] = curve.source
        return out


LI = Material(
    name="li",
    description="Lithium metal foil (polycrystalline, bulk)",
    elastic=Elastic(
        youngs_modulus_MPa=7.82 * MPA_PER_GPA,
        poisson_ratio=0.38,
        source="Masias et al., J. Mater. Sci. 54 (2019) 2585, acoustic E = 7.82 GPa, nu = 0.38",
    ),
    creep=NortonCreep(
        prefactor_per_s=4.25e4,
        activation_energy_J_per_mol=37.0e3,
        reference_stress_MPa=2.0,
        stress_exponent=1.0 / 0.15,
        source=(
            "Narayan & Anand, Extreme Mech. Lett. 24 (2018) 21, Table 1: flow rule "
            "A = 4.25e4 1/s, Q = 37 kJ/mol, rate sensitivity m = 0.15 (n = 1/m), "
            "deformation resistance frozen at its initial value s0 = 2.0 MPa (no hardening)"
        ),
    ),
    molar_volume_mm3_per_mol=13.0e3,
    molar_volume_source=(
        "M / rho = 6.94 g/mol / 0.534 g/cm^3 = 13.0 cm^3/mol (CRC Handbook); gives 4.85 um of "
        "Li per mAh/cm^2, cf. 'about 5 um' at 004:L452"
    ),
)

LI6PS5CL = Material(
    name="li6ps5cl",
    description="Argyrodite sulfide solid electrolyte Li6PS5Cl, cold-pressed pellet",
    elastic=Elastic(
        youngs_modulus_MPa=22.1 * MPA_PER_GPA,
        poisson_ratio=0.30,
        source=(
            "E = 22.1 GPa: Deng et al., J. Electrochem. Soc. 163 (2016) A67 (first principles); "
            "nu = 0.30 typical of sulfide glass-ceramics (Sakuda et al., Sci. Rep. 3 (2013) 2261). "
            "Dense values; the 004 pellets are ~85 % dense (shared/reference, section 2.6)"
        ),
    ),
)

NCM811_COMPOSITE = Material(
    name="ncm811_composite",
    description="NCM811 : Li6PS5Cl : VGCF = 66 : 31 : 3 wt% cathode composite (004:L383)",
    elastic=Elastic(
        youngs_modulus_MPa=22.1 * MPA_PER_GPA,
        poisson_ratio=0.30,
        source=(
            "assumed equal to Li6PS5Cl, the continuous and softer phase of the composite "
            "(no measured composite modulus in the seeds); the stack pressure is insensitive to "
            "it because the fixture compliance dominates"
        ),
    ),
    volume_change=VolumeChangeTable(
        state=(0.0, 1.0),
        volume_ratio=(1.0, 0.981),
        source=(
            "004 Table 2.1 (L456-L461): cathode -1 um per 4 mAh/cm^2 on charge, in the die. "
            "A 4 mAh/cm^2 composite at 200 mAh/g (003 SI Table 3) and 66 wt% NCM is 30.3 mg/cm^2, "
            "97 um at 3.13 g/cm^3 (NCM 4.78, LPSCl 1.86 g/cm^3: 003 SI Table 3), so the confined "
            "axial strain is -1.03 %; a free isotropic strain e gives 3K/M e axially in the die "
            "(nu = 0.30), so e = -0.64 % and J_g = 0.981 at full charge. Linear in between: the "
            "seeds give only the end point"
        ),
    ),
)

PEEK = Material(
    name="peek",
    description="PEEK die holder (004:L393, 10 mm bore)",
    elastic=Elastic(
        youngs_modulus_MPa=3.7 * MPA_PER_GPA,
        poisson_ratio=0.40,
        source="Victrex PEEK 450G data sheet: tensile modulus 3.7 GPa (ISO 527), Poisson 0.40",
    ),
)

_LIBRARY: dict[str, Material] = {m.name: m for m in (LI, LI6PS5CL, NCM811_COMPOSITE, PEEK)}

# Case-file override keys (with units) -> how each maps onto an entry.
OVERRIDE_KEYS: dict[str, str] = {
    "youngs_modulus_GPa": "Young's modulus, GPa",
    "poisson_ratio": "Poisson's ratio, -",
    "creep": "'none' to switch creep off",
    "creep_prefactor_per_s": "Norton prefactor A, 1/s",
    "creep_activation_energy_kJ_per_mol": "Norton activation energy Q, kJ/mol",
    "creep_reference_stress_MPa": "Norton reference stress, MPa",
    "creep_stress_exponent": "Norton stress exponent n, -",
}


class UnknownMaterialError(KeyError):
    """A material name that is not in the library."""


def names() -> list[str]:
    """Names of all library entries."""
    return sorted(_LIBRARY)


def get(name: str) -> Material:
    """The library entry called ``name``, or an error that suggests the nearest names."""
    try:
        return _LIBRARY[name]
    except KeyError:
        close = difflib.get_close_matches(name, names(), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UnknownMaterialError(
            f"unknown material '{name}'{hint} (library: {', '.join(names())})"
        ) from None


def with_overrides(material: Material, overrides: dict[str, Any]) -> Material:
    """Return ``material`` with case-file overrides applied (keys of ``OVERRIDE_KEYS``)."""
    elastic = material.elastic
    if "youngs_modulus_GPa" in overrides or "poisson_ratio" in overrides:
        elastic = replace(
            elastic,
            youngs_modulus_MPa=overrides.get(
                "youngs_modulus_GPa", elastic.youngs_modulus_MPa / MPA_PER_GPA
            )
            * MPA_PER_GPA,
            poisson_ratio=overrides.get("poisson_ratio", elastic.poisson_ratio),
            source=elastic.source + " [overridden in the case file]",
        )
    creep = material.creep
    if overrides.get("creep") == "none":
        creep = None
    creep_keys = {
        "creep_prefactor_per_s": ("prefactor_per_s", 1.0),
        "creep_activation_energy_kJ_per_mol": ("activation_energy_J_per_mol", 1.0e3),
        "creep_reference_stress_MPa": ("reference_stress_MPa", 1.0),
        "creep_stress_exponent": ("stress_exponent", 1.0),
    }
    given = {k: v for k, v in overrides.items() if k in creep_keys}
    if given:
        if creep is None:
            raise ValueError(
                f"material '{material.name}' has no creep law to override "
                f"(keys {sorted(given)}); it creeps only if the library entry does"
            )
        changes = {creep_keys[k][0]: v * creep_keys[k][1] for k, v in given.items()}
        creep = replace(creep, **changes, source=creep.source + " [overridden in the case file]")
    return replace(material, elastic=elastic, creep=creep)
