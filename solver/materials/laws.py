"""Parameter records of the constitutive laws, one frozen dataclass per law.

Each record carries its numbers in the internal units (MPa, s, J/mol, mm^3/mol) with the unit
in the field name, and a ``source`` string naming the paper and where in it (section, figure,
table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Elastic:
    """Isotropic elasticity by its small-strain moduli E, nu (the law is Hencky's, logarithmic
    strain: :mod:`solver.physics.hencky`)."""

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

    kind: ClassVar[str] = "norton"
    prefactor_per_s: float
    activation_energy_J_per_mol: float
    reference_stress_MPa: float
    stress_exponent: float
    source: str
    # Optional softening with lithiation: sigma_ref(theta) replaces reference_stress_MPa.
    reference_stress_vs_theta: Curve | None = None

    def curves(self) -> dict[str, Curve]:
        """The theta-dependent parameters (name -> curve; the unit is that of the constant)."""
        c = self.reference_stress_vs_theta
        return {} if c is None else {"reference_stress_vs_theta": c}


@dataclass(frozen=True)
class PerzynaViscoplasticity:
    """Perzyna overstress viscoplasticity with a yield stress that may depend on theta.

    eps_dot_eq = eps0 <sigma_eq / sigma_y - 1>^m (zero at and below yield), flow direction
    (3/2) s / sigma_eq (Perzyna, Adv. Appl. Mech. 9 (1966) 243; the form used for lithiated Si
    by Bower, Guduru & Sethuraman, J. Mech. Phys. Solids 59 (2011) 804,
    doi:10.1016/j.jmps.2011.01.003). The steady flow stress at a constant equivalent strain rate
    eps_dot is sigma_y (1 + (eps_dot / eps0)^(1/m)): eps0 sets the rate at which the overstress
    equals the yield stress, m >= 1 how fast it grows (m > 1: the return is C1 at yield).
    """

    kind: ClassVar[str] = "perzyna"
    reference_strain_rate_per_s: float  # eps0
    overstress_exponent: float  # m
    yield_stress_MPa: float  # sigma_y (where no curve applies)
    source: str
    # Optional yield stress against theta: sigma_y(theta) replaces yield_stress_MPa on a host.
    yield_stress_vs_theta: Curve | None = None

    def curves(self) -> dict[str, Curve]:
        c = self.yield_stress_vs_theta
        return {} if c is None else {"yield_stress_vs_theta": c}


@dataclass(frozen=True)
class ViscousLiquid:
    """A Newtonian liquid: the deviatoric stress relaxes with a viscosity, the bulk modulus
    stays finite.

    eps_dot_eq = sigma_eq / (3 eta), i.e. s = 2 eta D_dev (sigma_eq = sqrt(3/2) |s|,
    eps_dot_eq = sqrt(2/3) |D_dev|), in series with the entry's elastic record: a Maxwell
    element. The bulk modulus K of the elastic record is the liquid's; its shear modulus G is
    nominal. A liquid has none, and its value does not enter the result as long as the Maxwell
    time eta / G is far below the time step: backward Euler returns the deviator as
    3 eta (de / dt) / (1 + eta / (G dt)) (de the step's equivalent strain), the viscous stress
    of the step's strain rate to a relative eta / (G dt) (2e-11 s / dt for Ga-In with G = 0.1
    GPa), and on a held shape the deviator left after one step is the fraction
    1 / (1 + G dt / eta) of it. Only the elastic step of a sudden load (dt = 0, before any time
    passes) sees G.
    """

    kind: ClassVar[str] = "liquid"
    viscosity_MPa_s: float  # eta (1 Pa s = 1e-6 MPa s)
    source: str
    # Optional viscosity against theta (MPa s), e.g. a liquid that solidifies as it lithiates.
    viscosity_vs_theta: Curve | None = None

    def curves(self) -> dict[str, Curve]:
        c = self.viscosity_vs_theta
        return {} if c is None else {"viscosity_vs_theta": c}


ViscousLaw = NortonCreep | PerzynaViscoplasticity | ViscousLiquid
"""The viscous flow laws an entry can carry; ``kind`` names each in the case file."""

LAW_KINDS = ("norton", "perzyna", "liquid")


@dataclass(frozen=True)
class VolumeChangeTable:
    """Free volume ratio J_g = V / V0 of a material against its normalized state of charge.

    ``state`` is the fraction of the electrode's capacity passed (0 = as assembled, 1 = fully
    charged); J_g is interpolated piecewise-linearly and held constant outside the table.
    """

    state: tuple[float, ...]
    volume_ratio: tuple[float, ...]
    source: str


@dataclass(frozen=True)
class Curve:
    """A property against the state of lithiation theta in [0, 1].

    Piecewise linear through the points (``theta[i]``, ``values[i]``), held constant outside
    them; ``theta`` is strictly increasing. A constant is one point. The unit is in the name of
    the field that holds the curve; ``source`` names the paper and its table or figure.
    """

    theta: tuple[float, ...]
    values: tuple[float, ...]
    source: str

    @classmethod
    def constant(cls, value: float, source: str) -> Curve:
        return cls((0.0,), (float(value),), source)

    def __call__(self, theta: float) -> float:
        import numpy as np

        return float(np.interp(theta, self.theta, self.values))


@dataclass(frozen=True)
class Lithiation:
    """A host that takes up Li: Li_x M with x = theta * x_max.

    Transport: J = -M grad(mu), mu = mu_ch(theta) - Omega sigma_h, with
    M = D c (1 - theta) / (R T) and c = theta c_max. Two readings of D:

    * ``chemical_potential = "ideal"``: D is a *chemical* (Fickian, e.g. GITT) diffusivity,
      which already holds the thermodynamic factor; mu_ch = R T ln(theta / (1 - theta)), so
      without stress J = -D grad(c) exactly. The open-circuit potential then enters only the
      electrode potential. This is the default because measured D are chemical diffusivities.
    * ``chemical_potential = "ocv"``: D is a tracer (self) diffusivity and
      mu_ch = -F U_ocv(theta), so the plateaus of U_ocv (two-phase regions) carry no gradient.

    Omega(theta) = (V_host / x_max) dJ_g/dtheta is the partial molar volume of Li implied by
    the volume-ratio curve (so swelling and the stress term of mu are consistent).
    """

    li_per_host_max: float  # x_max, Li per host atom at theta = 1
    host_molar_volume_mm3_per_mol: float  # volume of one mol of host atoms at theta = 0
    open_circuit_potential_V: Curve  # vs Li/Li+
    volume_ratio: Curve  # J_g = V(theta) / V(0)
    diffusivity_mm2_per_s: Curve  # at diffusion_reference_temperature_K
    source: str  # phase sequence / capacity
    diffusion_activation_energy_J_per_mol: float = 0.0
    diffusion_reference_temperature_K: float = 298.15
    chemical_potential: str = "ideal"  # "ideal" | "ocv"
    youngs_modulus_MPa: Curve | None = None  # theta-dependent moduli; None: the entry's Elastic
    poisson_ratio: Curve | None = None

    @property
    def max_concentration_mol_per_mm3(self) -> float:
        """c_max = x_max / V_host, Li per unit *reference* (unlithiated) volume."""
        return self.li_per_host_max / self.host_molar_volume_mm3_per_mol

    @property
    def capacity_mAh_per_mm3(self) -> float:
        """Charge of a full lithiation per unit reference volume, F c_max (mAh/mm^3)."""
        from solver.units import FARADAY_C_PER_MOL

        return FARADAY_C_PER_MOL * self.max_concentration_mol_per_mm3 / 3.6


RANGE_QUANTITIES = ("temperature_C", "theta", "stress_MPa")
"""Conditions a :class:`DataRange` can bound: temperature (C), state of lithiation theta (-),
and equivalent (von Mises) stress (MPa)."""

RANGE_GROUPS = ("elastic", "creep", "lithiation", "diffusivity")
"""Parameter groups a range belongs to; a case-file override of a group drops its ranges."""


@dataclass(frozen=True)
class DataRange:
    """The span of one condition over which an entry's data were measured or calibrated.

    Outside [low, high] the entry's values are extrapolated (``low`` or ``high`` may be
    infinite for a one-sided range). ``group`` names the parameters the range belongs to
    (one of :data:`RANGE_GROUPS`), so that overriding them in a case drops it; ``source`` says
    where the range comes from. An entry states only the ranges its sources state.
    """

    quantity: str
    low: float
    high: float
    group: str
    source: str

    def __post_init__(self) -> None:
        if self.quantity not in RANGE_QUANTITIES or self.group not in RANGE_GROUPS:
            raise ValueError(f"bad data range {self.quantity!r} / {self.group!r}")
        if not self.low <= self.high:
            raise ValueError(f"data range of {self.quantity}: low {self.low} > high {self.high}")
