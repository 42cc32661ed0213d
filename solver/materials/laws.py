"""Parameter records of the constitutive laws, one frozen dataclass per law.

Each record carries its numbers in the internal units (MPa, s, J/mol, mm^3/mol) with the unit
in the field name, and a ``source`` string naming the paper, table or seed line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Elastic:
    """Isotropic compressible hyperelasticity (neo-Hookean), small-strain moduli E, nu."""

    youngs_modulus_MPa: float
    poisson_ratio: float
    source: str

    @property
    def shear_modulus_MPa(self) -> float:
        """mu = E / (2 (1 + nu))."""
        return self.youngs_modulus_MPa / (2.0 * (1.0 + self.poisson_ratio))

    @property
    def lame_lambda_MPa(self) -> float:
        """lambda = E nu / ((1 + nu)(1 - 2 nu))."""
        nu = self.poisson_ratio
        return self.youngs_modulus_MPa * nu / ((1.0 + nu) * (1.0 - 2.0 * nu))

    @property
    def bulk_modulus_MPa(self) -> float:
        """K = E / (3 (1 - 2 nu))."""
        return self.youngs_modulus_MPa / (3.0 * (1.0 - 2.0 * self.poisson_ratio))

    @property
    def constrained_modulus_MPa(self) -> float:
        """M = E (1 - nu) / ((1 + nu)(1 - 2 nu)), the uniaxial-strain (P-wave) modulus."""
        nu = self.poisson_ratio
        return self.youngs_modulus_MPa * (1.0 - nu) / ((1.0 + nu) * (1.0 - 2.0 * nu))


@dataclass(frozen=True)
class NortonCreep:
    """Norton-Arrhenius power-law creep.

    eps_dot_eq = A exp(-Q / (R T)) (sigma_eq / sigma_ref)^n, flow direction (3/2) s / sigma_eq.
    """

    prefactor_per_s: float
    activation_energy_J_per_mol: float
    reference_stress_MPa: float
    stress_exponent: float
    source: str


@dataclass(frozen=True)
class VolumeChangeTable:
    """Free volume ratio J_g = V / V0 of a material against its normalized state of charge.

    ``state`` is the fraction of the electrode's capacity passed (0 = as assembled, 1 = fully
    charged); J_g is interpolated piecewise-linearly and held constant outside the table.
    """

    state: tuple[float, ...]
    volume_ratio: tuple[float, ...]
    source: str
