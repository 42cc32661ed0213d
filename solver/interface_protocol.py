"""The protocol of an interface cell: its fixture, steps, failure criteria and step control.

Pure data (no DOLFINx), so a case file is checked without the solver. The fixtures are
described in :mod:`solver.interface_run`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from solver.units import S_PER_H

FIXTURES = ("constant_pressure", "fixed_gap", "spring")


@dataclass(frozen=True)
class Step:
    """One protocol step: ``rest``/``hold`` (no current; a hold may set ``pressure_MPa``
    first) or ``strip`` (``current_mA_cm2`` for ``duration_s``)."""

    kind: str
    duration_s: float
    current_mA_cm2: float = 0.0
    pressure_MPa: float | None = None


def strip(current_mA_cm2: float, capacity_mAh_cm2: float) -> Step:
    """A strip step passing ``capacity_mAh_cm2`` at ``current_mA_cm2``."""
    return Step("strip", capacity_mAh_cm2 / current_mA_cm2 * S_PER_H, current_mA_cm2)


@dataclass(frozen=True)
class StrippingProtocol:
    """What the interface cell is put through (units in the names)."""

    preload_MPa: float
    steps: tuple[Step, ...]
    fixture: str = "fixed_gap"
    preload_ramp_s: float = 0.0
    counter_electrode_growth: float = 1.0
    spring_MPa_per_um: float = 0.0
    min_contact_fraction: float = 0.05
    max_current_mA_cm2: float = math.inf
    max_recession_cells: float = 0.05
    dt_initial_s: float = 1.0e-6
    dt_growth: float = 1.5
    dt_max_s: float = math.inf
    dt_min_s: float = 1.0e-9
    max_creep_strain_increment: float = 1.0e-2
    creep_error_tolerance: float = 0.05

    def __post_init__(self):
        if self.fixture not in FIXTURES:
            raise ValueError(f"fixture = {self.fixture!r}: allowed {', '.join(FIXTURES)}")
        for key in ("preload_MPa", "preload_ramp_s", "counter_electrode_growth", "spring_MPa_per_um",
                    "min_contact_fraction"):
            if not getattr(self, key) >= 0.0:
                raise ValueError(f"{key} = {getattr(self, key)!r}: must be >= 0")
        for key in ("max_recession_cells", "dt_initial_s", "dt_min_s"):
            if not getattr(self, key) > 0.0:
                raise ValueError(f"{key} = {getattr(self, key)!r}: must be > 0")
        if self.dt_growth < 1.0:
            raise ValueError(f"dt_growth = {self.dt_growth!r}: must be >= 1")
        pressures = [self.preload_MPa] + [st.pressure_MPa for st in self.steps
                                          if st.pressure_MPa is not None]
        if self.fixture == "constant_pressure" and min(pressures) == 0.0:
            raise ValueError("fixture 'constant_pressure' at 0 MPa leaves the Li free to "
                             "float: use 'fixed_gap' (the Li held where it is)")
        if self.fixture == "spring" and self.spring_MPa_per_um == 0.0:
            raise ValueError("fixture 'spring' needs spring_MPa_per_um > 0")
