"""The library entry record and small helpers shared by the entry modules.

Tables against the state of lithiation theta are :class:`~solver.materials.laws.Curve` records,
piecewise linear. Two-phase regions of a host are flat segments of its open-circuit potential;
the step between two plateaus is spread over ``STEP_WIDTH`` in theta, centred on the
composition of the single phase between them (a line compound), so theta stays strictly
increasing and the slope stays finite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from solver.materials.laws import (
    Curve,
    DataRange,
    Elastic,
    Lithiation,
    VolumeChangeTable,
    ViscousLaw,
)
from solver.units import GAS_CONSTANT_J_PER_MOL_K

MM2_PER_CM2 = 100.0
"""Diffusivities: 1 cm^2/s = 100 mm^2/s."""

MM3_PER_CM3 = 1.0e3
"""Molar volumes: 1 cm^3/mol = 1000 mm^3/mol."""

STEP_WIDTH = 0.004
"""Width in theta of the potential step between two plateaus (a line compound), -."""

ROOM_TEMPERATURE_K = 298.15

# IUPAC 2021 standard atomic weights, abridged (g/mol); "Li" is the conventional 6.94.
ATOMIC_MASS_G_PER_MOL: dict[str, float] = {
    "Li": 6.94,
    "Al": 26.9815,
    "Si": 28.085,
    "Ga": 69.723,
    "In": 114.818,
    "Sn": 118.710,
}
ATOMIC_MASS_SOURCE = "IUPAC standard atomic weights (2021), abridged"


@dataclass(frozen=True)
class Material:
    """One library entry.

    ``category`` tags the entry for listings: "metal", "host" (a Li host: it has a
    ``lithiation`` record), "electrolyte", "cathode" or "structural". ``host_element`` names the
    host atom whose molar mass turns capacities per volume into capacities per gram.
    ``data_ranges`` are the conditions the entry's data cover (:class:`DataRange`); a quantity
    without one is "not stated" and never checked.

    ``creep`` is the entry's default viscous law (None: elastic); ``other_laws`` are further
    parameter sets a case selects with ``creep = "<kind>"`` (one per kind, none of the
    default's kind).
    """

    name: str
    description: str
    elastic: Elastic
    creep: ViscousLaw | None = None
    molar_volume_mm3_per_mol: float | None = None
    molar_volume_source: str = ""
    volume_change: VolumeChangeTable | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    lithiation: Lithiation | None = None  # a Li host: concentration field, OCV, swelling
    initial_theta: float = 0.0  # state of lithiation as assembled (a phase of the host)
    category: str = ""
    host_element: str = ""
    data_ranges: tuple[DataRange, ...] = ()

    def ranges_of(self, quantity: str) -> tuple[DataRange, ...]:
        """The data ranges of one condition (see :data:`~solver.materials.laws.RANGE_QUANTITIES`)."""
        return tuple(r for r in self.data_ranges if r.quantity == quantity)
    other_laws: tuple[ViscousLaw, ...] = ()

    def law(self, kind: str) -> ViscousLaw | None:
        """The entry's parameter set of the viscous law ``kind``, default or other (or None)."""
        for law in (self.creep, *self.other_laws):
            if law is not None and law.kind == kind:
                return law
        return None

    @property
    def law_kind(self) -> str:
        """The kind of the default viscous law: 'norton', 'perzyna', 'liquid' or 'none'."""
        return self.creep.kind if self.creep is not None else "none"

    def sources(self) -> dict[str, str]:
        """Every parameter group of this entry mapped to its source."""
        out = {"elastic": self.elastic.source}
        if self.creep is not None:
            out["creep"] = self.creep.source
            for key, curve in self.creep.curves().items():
                out[f"creep_{key}"] = curve.source
        if self.molar_volume_mm3_per_mol is not None:
            out["molar_volume"] = self.molar_volume_source
        if self.volume_change is not None:
            out["volume_change"] = self.volume_change.source
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

    @property
    def is_host(self) -> bool:
        return self.lithiation is not None

    def capacity_mAh_per_g_host(self) -> float | None:
        """Full-lithiation capacity per gram of host atoms, x_max F / (3.6 M_host) (mAh/g)."""
        from solver.units import FARADAY_C_PER_MOL

        if self.lithiation is None or not self.host_element:
            return None
        mass = ATOMIC_MASS_G_PER_MOL[self.host_element]
        return self.lithiation.li_per_host_max * FARADAY_C_PER_MOL / (3.6 * mass)


def staircase(boundaries: tuple[float, ...], levels: tuple[float, ...], source: str,
              width: float = STEP_WIDTH) -> Curve:
    """Flat ``levels[i]`` on (boundaries[i], boundaries[i+1]); steps of ``width`` in between."""
    if len(boundaries) != len(levels) + 1:
        raise ValueError("staircase needs one more boundary than levels")
    theta, values = [boundaries[0]], [levels[0]]
    for b, lo, hi in zip(boundaries[1:-1], levels[:-1], levels[1:], strict=True):
        theta += [b - width / 2, b + width / 2]
        values += [lo, hi]
    theta.append(boundaries[-1])
    values.append(levels[-1])
    return Curve(tuple(round(t, 6) for t in theta), tuple(values), source)


def log_linear(theta_a: float, value_a: float, theta_b: float, value_b: float,
               points: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """``points`` nodes between (theta_a, value_a) and (theta_b, value_b), log-linear in value.

    Piecewise-linear interpolation between these nodes follows an exponential in theta (for a
    diffusivity spanning decades) to within a few per cent for ``points`` >= 5 per decade pair.
    """
    theta, values = [], []
    for k in range(points):
        t = theta_a + (theta_b - theta_a) * k / (points - 1)
        v = math.exp(math.log(value_a) + (math.log(value_b) - math.log(value_a)) * k / (points - 1))
        theta.append(round(t, 6))
        values.append(float(f"{v:.3g}"))
    return tuple(theta), tuple(values)


def anchored_prefactor(rate_per_s: float, stress_MPa: float, reference_stress_MPa: float,
                       exponent: float, activation_energy_J_per_mol: float,
                       temperature_K: float = ROOM_TEMPERATURE_K) -> float:
    """A such that A exp(-Q/RT) (sigma/sigma_ref)^n equals ``rate_per_s`` at ``stress_MPa``, T."""
    arrhenius = math.exp(-activation_energy_J_per_mol / (GAS_CONSTANT_J_PER_MOL_K * temperature_K))
    value = rate_per_s / (arrhenius * (stress_MPa / reference_stress_MPa) ** exponent)
    return float(f"{value:.4g}")
