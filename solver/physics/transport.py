"""Li transport in a host coupled to stress.

Mass balance per unit reference volume, c = theta c_max:

    c_max dtheta/dt + Div J = 0,   J = -M Grad(mu),   M = D c (1 - theta) / (R T),
    mu = mu_ch(theta) - Omega sigma_h.

Writing s = Omega sigma_h / (R T) (the stress potential, dimensionless) the flux is

    J = -D c_max [ g(theta) Grad(theta) - theta (1 - theta) Grad(s) ],

with the thermodynamic factor g = theta (1 - theta) d(mu_ch / R T)/dtheta:
g = 1 for the ideal solution mu_ch = R T ln(theta / (1 - theta)) (D a chemical diffusivity), and
g = -theta (1 - theta) F U_ocv'(theta) / (R T) for mu_ch = -F U_ocv (D a tracer diffusivity).
This form needs no logarithm, so theta = 0 (a fresh host) and the plateaus of U_ocv (g = 0,
two-phase regions) are regular. The stress potential s is a field of its own (P1, solved with
the rest), because Grad(sigma_h) needs second derivatives of the displacement.

Weak form (reference configuration, backward Euler, rows scaled by dt so they read as volumes
of theta change; the flux pulled back with C^-1, see :meth:`HostLaw.flux_per_cmax`):

    int (theta - theta_n) w + dt D C^-1 [g Grad(theta) - kappa theta (1 - theta) Grad(s)] . Grad(w) dV
        - dt int_Gamma (j / c_max) w dA = 0,
    int (s - Omega(theta) sigma_h / (R T)) z dV = 0,

with j = i / F the inward molar flux of the galvanostatic current i on the insertion surface
(Zhang, Shyy & Sastry, J. Electrochem. Soc. 154 (2007) A910, eqs. 1-6 in the dilute limit),
kappa = 1 with stress-driven diffusion and 0 without (the one-way coupling of the closed-form
checks), and Omega(theta) = (V_host / x_max) dJ_g/dtheta the partial molar volume that makes the
stress term consistent with the swelling Fg = J_g(theta)^(1/3) I.

The electrode potential of the host versus Li/Li+ at the surface is
E = U_ocv(theta) + Omega sigma_h / F (compression lowers it: more overpotential to insert Li).
"""

from __future__ import annotations

import math

import ufl

from solver.materials import Curve, Lithiation
from solver.units import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K

MPA_MM3_PER_J = 1.0e3
"""1 J = 1 N m = 1e3 N mm = 1e3 MPa mm^3: Omega [mm^3/mol] sigma [MPa] / 1e3 is in J/mol."""


SMOOTHING = 1.0e-3
"""Width in theta over which the kinks of tabulated curves are rounded (interior points).

Phase data give piecewise-linear curves whose slope jumps at every phase boundary; Omega and
the thermodynamic factor are such slopes, so unrounded they jump too, and Newton cycles when
a node sits on a kink. Each interior kink is replaced by the hyperbola
ramp(d) = (d + sqrt(d^2 + w^2)) / 2, which differs from max(d, 0) by at most w / 2 = 5e-4 in
theta, at the kink only. Outside the table the end segments are extended: theta leaves
[0, 1] only by small overshoots (the stepper ends a step when an interface empties or fills),
and a clamp there would be a kink that every node of a fresh (theta = 0) or full (theta = 1)
host sits on.
"""


def _ramp(d):
    return 0.5 * (d + ufl.sqrt(d * d + SMOOTHING**2))


def _ramp_slope(d):
    return 0.5 * (1.0 + d / ufl.sqrt(d * d + SMOOTHING**2))


def _segments(curve: Curve):
    xs, ys = curve.theta, curve.values
    slopes = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1)]
    return xs, ys, slopes


def piecewise_linear(curve: Curve, theta):
    """The curve as a UFL expression of theta: linear between points (kinks rounded over
    ``SMOOTHING``), the end segments extended outside the table."""
    xs, ys, slopes = _segments(curve)
    if not slopes:
        return ufl.as_ufl(float(ys[0]))
    t = theta
    expr = ys[0] + slopes[0] * (t - xs[0])
    for i in range(1, len(slopes)):
        expr += (slopes[i] - slopes[i - 1]) * _ramp(t - xs[i])
    return expr


def piecewise_slope(curve: Curve, theta):
    """d(curve)/dtheta, consistent with :func:`piecewise_linear`."""
    xs, ys, slopes = _segments(curve)
    if not slopes:
        return ufl.as_ufl(0.0)
    return slopes[0] + sum((slopes[i] - slopes[i - 1]) * _ramp_slope(theta - xs[i])
                           for i in range(1, len(slopes)))


class HostLaw:
    """UFL expressions of one host material at state theta and temperature T (kelvin)."""

    def __init__(self, lith: Lithiation, temperature_K: float, stress_coupling: bool = True,
                 initial_theta: float = 0.0):
        self.lith = lith
        self.T = temperature_K
        self.kappa = 1.0 if stress_coupling else 0.0
        self.initial_theta = initial_theta
        # The mesh is the host as assembled (at initial_theta): per unit of *its* volume the
        # host holds c_max / J_g(theta_0) of Li at theta = 1.
        self.reference_volume_ratio = lith.volume_ratio(initial_theta)
        self.c_max = lith.max_concentration_mol_per_mm3 / self.reference_volume_ratio
        self.RT = GAS_CONSTANT_J_PER_MOL_K * temperature_K

    @property
    def has_elastic_curves(self) -> bool:
        return self.lith.youngs_modulus_MPa is not None or self.lith.poisson_ratio is not None

    def elastic_modulus(self, prop: str, theta, elastic):
        """mu or lambda (``prop`` an Elastic property name) from E(theta), nu(theta) (MPa)."""
        lith = self.lith
        E = (piecewise_linear(lith.youngs_modulus_MPa, theta) if lith.youngs_modulus_MPa
             else elastic.youngs_modulus_MPa)
        nu = (piecewise_linear(lith.poisson_ratio, theta) if lith.poisson_ratio
              else elastic.poisson_ratio)
        if prop == "shear_modulus_MPa":
            return E / (2.0 * (1.0 + nu))
        if prop == "lame_lambda_MPa":
            return E * nu / ((1.0 + nu) * (1.0 - 2.0 * nu))
        raise ValueError(prop)

    def relative_volume_ratio(self, theta):
        """J_g(theta) / J_g(theta_0): growth relative to the host as assembled."""
        return self.volume_ratio(theta) / self.reference_volume_ratio

    def diffusivity(self, theta):
        """D(theta, T) = D(theta, T_ref) exp(-Q/R (1/T - 1/T_ref)) (mm^2/s)."""
        lith = self.lith
        arrhenius = math.exp(
            -lith.diffusion_activation_energy_J_per_mol
            / GAS_CONSTANT_J_PER_MOL_K
            * (1.0 / self.T - 1.0 / lith.diffusion_reference_temperature_K)
        )
        return arrhenius * piecewise_linear(lith.diffusivity_mm2_per_s, theta)

    def thermodynamic_factor(self, theta):
        """g(theta): 1 (ideal, chemical D) or -theta (1 - theta) F U'(theta) / (R T)."""
        if self.lith.chemical_potential == "ideal":
            return ufl.as_ufl(1.0)
        du = piecewise_slope(self.lith.open_circuit_potential_V, theta)
        return -theta * (1.0 - theta) * FARADAY_C_PER_MOL * du / self.RT

    def volume_ratio(self, theta):
        """J_g(theta) = V / V0."""
        return piecewise_linear(self.lith.volume_ratio, theta)

    def partial_molar_volume(self, theta):
        """Omega(theta) = (V_host / x_max) dJ_g/dtheta (mm^3/mol)."""
        lith = self.lith
        scale = lith.host_molar_volume_mm3_per_mol / lith.li_per_host_max
        return scale * piecewise_slope(lith.volume_ratio, theta)

    def stress_potential(self, theta, sigma_h):
        """s = Omega sigma_h / (R T), dimensionless (sigma_h in MPa)."""
        return self.partial_molar_volume(theta) * sigma_h / (MPA_MM3_PER_J * self.RT)

    def flux_per_cmax(self, theta, s, metric):
        """J / c_max = -D C^-1 [g Grad(theta) - kappa theta (1 - theta) Grad(s)] (mm/s).

        The flux in the reference configuration: with the mobility per current volume,
        J_R = J_det F^-1 j = -D c_max C^-1 Grad(mu)-terms (the J_det of the pull-back and the
        1 / J_det of the current concentration cancel); ``metric`` is C^-1 = (F^T F)^-1 in the
        mesh's coordinates. A host stretched by a factor lambda along the stack then diffuses
        across its thickness 1 / lambda^2 as fast in reference units, as it must.
        """
        mobility = theta * (1.0 - theta)
        return -self.diffusivity(theta) * metric * (
            self.thermodynamic_factor(theta) * ufl.grad(theta)
            - self.kappa * mobility * ufl.grad(s)
        )

    def potential_from_stress_potential_V(self, theta, s):
        """E = U_ocv(theta) + s R T / F from the stress-potential field s = Omega sigma / (R T)
        (V), the form that can be evaluated on facets."""
        return piecewise_linear(self.lith.open_circuit_potential_V, theta) + s * self.RT / FARADAY_C_PER_MOL


def inward_flux_per_cmax(current_A_per_mm2, c_max: float):
    """j / c_max with j = i / F the molar flux of a current density i (A/mm^2) (mm/s)."""
    return current_A_per_mm2 / (FARADAY_C_PER_MOL * c_max)


def transport_residuals(law: HostLaw, theta, theta_old, s, w, z, sigma_h, metric, dt, weight,
                        dx, dx_points):
    """(mass, stress-potential) residual forms on the host cells, integrated with the volume
    ``weight`` (2 pi r in axisymmetric mode): the mass rows with ``dx``, the stress potential
    with ``dx_points``, the rule of the material points where sigma_h is known. The inflow term
    is added by the geometry (:meth:`solver.physics.model.Model.add_inflow`)."""
    J = law.flux_per_cmax(theta, s, metric)
    mass = ((theta - theta_old) * w - dt * ufl.dot(J, ufl.grad(w))) * weight * dx
    potential = (s - law.stress_potential(theta, sigma_h)) * z * weight * dx_points
    return mass, potential
