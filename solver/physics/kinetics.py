"""The interface's electrochemistry for the secondary current distribution
(:mod:`solver.physics.constriction`): its parameters and their units (no FEM here, so a case
file validates without DOLFINx)."""

from __future__ import annotations

from dataclasses import dataclass

OHM_MM2_PER_OHM_CM2 = 100.0
S_PER_MM_PER_MS_CM = 1.0e-4
"""1 mS/cm = 1e-3 S / 10 mm."""


@dataclass(frozen=True)
class Kinetics:
    """The interface's electrochemistry: linear kinetics and the electrolyte's conductivity.

    Attributes:
        charge_transfer_resistance_ohm_cm2: R_ct per true contact area (Ohm cm^2).
        ionic_conductivity_mS_cm: kappa of the electrolyte (mS/cm).
    """

    charge_transfer_resistance_ohm_cm2: float
    ionic_conductivity_mS_cm: float

    @property
    def r_ct(self) -> float:
        """R_ct in Ohm mm^2."""
        return self.charge_transfer_resistance_ohm_cm2 * OHM_MM2_PER_OHM_CM2

    @property
    def kappa(self) -> float:
        """kappa in S/mm."""
        return self.ionic_conductivity_mS_cm * S_PER_MM_PER_MS_CM
