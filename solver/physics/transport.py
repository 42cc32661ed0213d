"""Li transport in a host coupled to stress.

Mass balance per unit reference volume, c = theta c_max:

    c_max dtheta/dt + Div J = 0,   J = -M Grad(mu),   M = D c (1 - theta) / (R T),
    mu = mu_ch(theta) - Omega(theta) sigma_h.

With Omega(theta) = (V_host / x_max) J_g'(theta) (the partial molar volume that makes the
stress term consistent with the swelling Fg = J_g(theta)^(1/3) I) and the reduced stress
q = Omega_ref sigma_h / (R T) (dimensionless; Omega_ref the host's mean partial molar volume
over theta in [0, 1], so q is of the order of Omega sigma_h / RT),

    J = -D c_max [ g_tot Grad(theta) - theta (1 - theta) (Omega / Omega_ref) Grad(q) ],
    g_tot = g(theta) - theta (1 - theta) Omega'(theta) sigma_h / (R T),

with the thermodynamic factor g = theta (1 - theta) d(mu_ch / R T)/dtheta:
g = 1 for the ideal solution mu_ch = R T ln(theta / (1 - theta)) (D a chemical diffusivity), and
g = -theta (1 - theta) F U_ocv'(theta) / (R T) for mu_ch = -F U_ocv (D a tracer diffusivity).
This form needs no logarithm, so theta = 0 (a fresh host) and the plateaus of U_ocv are regular.
q is a field of its own (P1, solved with the rest), because Grad(sigma_h) needs second
derivatives of the displacement.

Well-posedness. D g_tot is the coefficient of Grad(theta) at a fixed stress field: the
effective diffusivity. The rest of the stress gradient, through Grad(q), adds
D theta (1 - theta) Omega (-d sigma_h/dtheta) / (R T) through the mechanics, which is >= 0 where
the host's own swelling compresses it (Larche & Cahn's elastic stiffening; exactly zero for
``axial`` swelling, where the driving stress is the uniform stack stress). Two constructions
keep g_tot positive:

* J_g(theta) is the tabulated piecewise-linear curve convolved with a Gaussian of standard
  deviation ``VOLUME_SMOOTHING`` = 0.03 in theta (:func:`mollified`): the volume of a continuum
  point whose local states of lithiation spread by that much about theta (phase volumes add,
  so the mean volume is the convolution). Omega is then continuous and Omega' bounded: the
  unrounded curve's slope jumps at each phase boundary, and Omega' sigma_h there is a Dirac
  that drives g_tot negative at any compression (concave kink) or tension (convex kink);
  with the previous 1e-3 rounding already above 5.0 MPa in Sn (theta = 0.588, Li5Sn2),
  5.35 MPa in In (theta = 0.231, LiIn), and 3.7 MPa of tension in Ga-In (theta = 0.5).
  With the Gaussian, g_tot >= 0.27 for every library host (ideal potential) at
  |sigma_h| <= 100 MPa (tests/test_effective_diffusivity.py, scripts/effective_diffusivity.py).
  The tabulated phase points move by at most 0.4 w |jump of J_g'| (0.017 at LiIn, 1.2 %).
* Beyond that range, and for the plateaus of the "ocv" potential (g = 0 there), g_tot is
  bounded below by ``THERMODYNAMIC_FLOOR`` = 0.1 (:func:`bounded_below`, C1, the identity
  above 0.2): the equation stays parabolic, D_eff >= 0.1 D, at any stress. Where the bound is
  active the flux is no longer exactly -M Grad(mu).

Weak form (reference configuration, backward Euler, rows scaled by dt so they read as volumes
of theta change; the flux pulled back with C^-1, see :meth:`HostLaw.flux_per_cmax`):

    int (theta - theta_n) w + dt D C^-1 [g_tot Grad(theta)
            - kappa theta (1 - theta) (Omega / Omega_ref) Grad(q)] . Grad(w) dV
        - dt int_Gamma (j / c_max) w dA = 0,
    int (q - Omega_ref sigma_h / (R T)) z dV = 0,

with j = i / F the inward molar flux of the galvanostatic current i on the insertion surface
(Zhang, Shyy & Sastry, J. Electrochem. Soc. 154 (2007) A910, eqs. 1-6 in the dilute limit),
kappa = 1 with stress-driven diffusion and 0 without (the one-way coupling of the closed-form
checks; g_tot = g then).

The electrode potential of the host versus Li/Li+ at the surface is
E = U_ocv(theta) + Omega sigma_h / F (compression lowers it: more overpotential to insert Li).
"""

from __future__ import annotations

import math

import numpy as np
import ufl

from solver.materials import Curve, Lithiation
from solver.units import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K

MPA_MM3_PER_J = 1.0e3
"""1 J = 1 N m = 1e3 N mm = 1e3 MPa mm^3: Omega [mm^3/mol] sigma [MPa] / 1e3 is in J/mol."""


SMOOTHING = 1.0e-3
"""Width in theta over which the kinks of tabulated curves are rounded (interior points).

Phase data give piecewise-linear curves whose slope jumps at every phase boundary; the
thermodynamic factor of the "ocv" potential is such a slope, so unrounded it jumps too, and
Newton cycles when a node sits on a kink. (The volume ratio, whose slope and curvature enter
the flux, is smoothed over a physical width instead: ``VOLUME_SMOOTHING``.) Each interior kink is replaced by the hyperbola
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


VOLUME_SMOOTHING = 0.03
"""Standard deviation in theta of the Gaussian that the volume-ratio curve J_g is convolved with.

A continuum point of a polycrystalline host holds grains and phases at slightly different
states of lithiation; with phase volumes additive, its volume is the mean of the tabulated
J_g over that spread. 0.03 (0.13 Li per Sn or In, 0.06 per Ga) is the smallest width that keeps
the effective diffusivity of every library host above 0.2 D at |sigma_h| <= 100 MPa (module
docstring); two-phase segments further than ~3 widths from a phase boundary stay linear.
"""

THERMODYNAMIC_FLOOR = 0.1
"""Lower bound of g_tot, the effective diffusivity over D (see :func:`bounded_below`)."""

FLOOR_BLEND = 0.1
"""Half-width of the C1 blend of :func:`bounded_below`: the identity for g_tot >= 0.2."""

_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


def _mollified(curve: Curve, theta, width: float, derivative: int, erf, exp):
    """Shared by the UFL and NumPy forms: each kink (slope jump dk at theta_k) adds dk r(theta -
    theta_k), r(d) = d Phi(d/w) + w phi(d/w) the Gaussian mean of max(d, 0), r' = Phi,
    r'' = phi / w (Phi, phi the standard normal distribution and density)."""
    xs, ys, slopes = _segments(curve)
    if not slopes:
        return float(ys[0]) if derivative == 0 else 0.0
    base = (ys[0] + slopes[0] * (theta - xs[0]), slopes[0], 0.0)[derivative]
    total = base
    for i in range(1, len(slopes)):
        z = (theta - xs[i]) / width
        cdf = 0.5 * (1.0 + erf(z / _SQRT2))
        pdf = exp(-0.5 * z * z) / _SQRT2PI
        kernel = ((theta - xs[i]) * cdf + width * pdf, cdf, pdf / width)[derivative]
        total = total + (slopes[i] - slopes[i - 1]) * kernel
    return total


def mollified(curve: Curve, theta, width: float, derivative: int = 0):
    """The curve, piecewise linear with its end segments extended, convolved with a Gaussian
    of standard deviation ``width`` (``derivative`` 0, 1 or 2: the value or its derivatives
    in theta), as a UFL expression of theta."""
    return ufl.as_ufl(_mollified(curve, theta, width, derivative, ufl.erf, ufl.exp))


def mollified_values(curve: Curve, theta, width: float, derivative: int = 0) -> np.ndarray:
    """:func:`mollified` evaluated with NumPy at the values ``theta``."""
    t = np.asarray(theta, dtype=float)
    out = _mollified(curve, t, width, derivative, np.vectorize(math.erf), np.exp)
    return np.broadcast_to(np.asarray(out, dtype=float), t.shape).copy()


def bounded_below(a, floor: float = THERMODYNAMIC_FLOOR, blend: float = FLOOR_BLEND):
    """A C1 smooth max(a, floor): a for a >= floor + blend, floor for a <= floor - blend, and
    floor + (a - floor + blend)^2 / (4 blend) in between (>= both, slope continuous)."""
    lo, hi = floor - blend, floor + blend
    inner = floor + (a - lo) ** 2 / (4.0 * blend)
    return ufl.conditional(ufl.ge(a, hi), a, ufl.conditional(ufl.le(a, lo), floor, inner))


class HostLaw:
    """UFL expressions of one host material at state theta and temperature T (kelvin)."""

    def __init__(self, lith: Lithiation, temperature_K: float, stress_coupling: bool = True,
                 initial_theta: float = 0.0):
        self.lith = lith
        self.T = temperature_K
        self.kappa = 1.0 if stress_coupling else 0.0
        self.initial_theta = initial_theta
        # The mesh is the host as assembled (at initial_theta): per unit of *its* volume the
        # host holds c_max / J_g(theta_0) of Li at theta = 1 (the tabulated phase volume).
        self.reference_volume_ratio = lith.volume_ratio(initial_theta)
        self.c_max = lith.max_concentration_mol_per_mm3 / self.reference_volume_ratio
        # growth is relative to the smoothed curve at theta_0: the host as assembled is free
        self.assembled_volume_ratio = float(
            mollified_values(lith.volume_ratio, initial_theta, VOLUME_SMOOTHING))
        self.volume_scale = lith.host_molar_volume_mm3_per_mol / lith.li_per_host_max
        # Omega_ref, the mean partial molar volume over theta in [0, 1] (V_host / x_max if the
        # host does not swell): the scale of the reduced stress, which is then ~ Omega sigma / RT
        chord = float(np.diff(mollified_values(lith.volume_ratio, [0.0, 1.0], VOLUME_SMOOTHING))[0])
        self.reference_partial_molar_volume = self.volume_scale * (chord if abs(chord) > 1e-12 else 1.0)
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
        return self.volume_ratio(theta) / self.assembled_volume_ratio

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

    def volume_ratio(self, theta, derivative: int = 0):
        """J_g(theta) = V / V0, the tabulated curve smoothed over ``VOLUME_SMOOTHING``
        (``derivative`` 1, 2: J_g', J_g'')."""
        return mollified(self.lith.volume_ratio, theta, VOLUME_SMOOTHING, derivative)

    def partial_molar_volume(self, theta, derivative: int = 0):
        """Omega(theta) = (V_host / x_max) dJ_g/dtheta (mm^3/mol), or dOmega/dtheta."""
        return self.volume_scale * self.volume_ratio(theta, 1 + derivative)

    def reduced_stress(self, sigma):
        """q = Omega_ref sigma / (R T), dimensionless (sigma in MPa), so that the stress
        potential Omega sigma / (R T) is (Omega(theta) / Omega_ref) q."""
        return self.reference_partial_molar_volume * sigma / (MPA_MM3_PER_J * self.RT)

    def _relative_partial_molar_volume(self, theta, derivative: int = 0):
        """Omega(theta) / Omega_ref (or its theta derivative)."""
        return self.partial_molar_volume(theta, derivative) / self.reference_partial_molar_volume

    def effective_factor(self, theta, q):
        """g_tot = g - kappa theta (1 - theta) Omega' sigma / (R T), bounded below by
        ``THERMODYNAMIC_FLOOR``: the effective diffusivity over D at a fixed stress field."""
        mobility = theta * (1.0 - theta)
        raw = (self.thermodynamic_factor(theta)
               - self.kappa * mobility * self._relative_partial_molar_volume(theta, 1) * q)
        return bounded_below(raw)

    def flux_per_cmax(self, theta, q, metric):
        """J / c_max = -D C^-1 [g_tot Grad(theta) - kappa theta (1 - theta) (Omega / Omega_ref)
        Grad(q)] (mm/s).

        The flux in the reference configuration: with the mobility per current volume,
        J_R = J_det F^-1 j = -D c_max C^-1 Grad(mu)-terms (the J_det of the pull-back and the
        1 / J_det of the current concentration cancel); ``metric`` is C^-1 = (F^T F)^-1 in the
        mesh's coordinates. A host stretched by a factor lambda along the stack then diffuses
        across its thickness 1 / lambda^2 as fast in reference units, as it must.
        """
        mobility = theta * (1.0 - theta)
        return -self.diffusivity(theta) * metric * (
            self.effective_factor(theta, q) * ufl.grad(theta)
            - self.kappa * mobility * self._relative_partial_molar_volume(theta) * ufl.grad(q)
        )

    def potential_V(self, theta, q):
        """E = U_ocv(theta) + Omega sigma / F = U_ocv + (Omega / Omega_ref) q R T / F from the
        reduced-stress field q (V), the form that can be evaluated on facets."""
        return (piecewise_linear(self.lith.open_circuit_potential_V, theta)
                + self._relative_partial_molar_volume(theta) * q * self.RT / FARADAY_C_PER_MOL)


def inward_flux_per_cmax(current_A_per_mm2, c_max: float):
    """j / c_max with j = i / F the molar flux of a current density i (A/mm^2) (mm/s)."""
    return current_A_per_mm2 / (FARADAY_C_PER_MOL * c_max)


def transport_residuals(law: HostLaw, theta, theta_old, q, w, z, sigma_h, metric, dt, weight,
                        dx, dx_points):
    """(mass, reduced-stress) residual forms on the host cells, integrated with the volume
    ``weight`` (2 pi r in axisymmetric mode): the mass rows with ``dx``, the reduced stress
    with ``dx_points``, the rule of the material points where sigma_h is known. The inflow term
    is added by the geometry (:meth:`solver.physics.model.Model.add_inflow`)."""
    J = law.flux_per_cmax(theta, q, metric)
    mass = ((theta - theta_old) * w - dt * ufl.dot(J, ufl.grad(w))) * weight * dx
    stress = (q - law.reduced_stress(sigma_h)) * z * weight * dx_points
    return mass, stress
