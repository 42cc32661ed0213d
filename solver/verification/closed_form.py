"""Closed-form reference solutions for verifying the chemo-mechanical solver.

Pure numpy (no scipy, no DOLFINx). Any consistent units work; the callers use mm, s, MPa and
mol, so a flux is in mol/(mm^2 s), a concentration in mol/mm^3, a current density in A/mm^2.

Solutions (c0 is the uniform initial concentration; "inward" flux adds solute):

``sphere_eigenvalues``
    Positive roots lambda_n of tan(lambda) = lambda, lambda_n in (n pi, (n + 1/2) pi).
``sphere_galvanostatic``
    c(r, t) in a sphere with a constant inward surface flux: Carslaw & Jaeger (1959) ch. IX
    (the sphere, constant surface flux); in diffusion form Crank (1975) ch. 6, section 6.3.
``sphere_stresses``, ``sphere_steady_state_stress``
    Radial and hoop stress of a free elastic sphere with the chemical strain omega (c - c0)/3:
    Zhang, Shyy & Sastry, J. Electrochem. Soc. 154 (2007) A910; Cheng & Verbrugge,
    J. Power Sources 190 (2009) 453 (the thermal-stress analogue: Timoshenko & Goodier,
    Theory of Elasticity, 3rd ed. 1970, thermal stresses in a sphere).
``slab_constant_flux``
    c(x, t) in a slab, no flux at x = 0, constant inward flux at x = L: Carslaw & Jaeger (1959)
    ch. III (slab with a constant surface flux), Crank (1975) ch. 4.
``film_inplane_stress``
    Equi-biaxial stress of a thin film bonded to a rigid substrate: Freund & Suresh, Thin Film
    Materials (2003) chapter 2; Sethuraman et al., J. Power Sources 195 (2010) 5062.
``stress_driven_equilibrium``
    Equilibrium occupancy under a hydrostatic stress field, mu = RT ln(theta/(1-theta))
    - omega sigma_h = const (Larche & Cahn, Acta Metall. 21 (1973) 1051; Zhang et al. 2007).
``thick_cylinder_steady_creep``
    Steady Norton creep of a thick-walled cylinder under internal pressure, plane strain
    (Bailey 1935; Finnie & Heller 1959).
``norton_coefficient``, ``void_closure_rate``, ``void_healing_velocity``,
``void_healing_pressure``
    Steady Norton creep closing a spherical void (hollow sphere) or a cylindrical one (hollow
    cylinder, plane strain) under a remote pressure: Budiansky, Hutchinson & Slutsky, "Void
    growth and collapse in viscous solids", in Mechanics of Solids, The Rodney Hill 60th
    Anniversary Volume, ed. Hopkins & Sewell, Pergamon 1982, pp. 13-45 (ISBN 0-08-025443-5).
``stripping_recession_velocity``
    Speed at which stripping at a current density i removes Li from a face: i V_m / F.
``sand_time``, ``finite_slab_depletion_time``
    Time for the surface concentration to reach zero under a constant extraction current:
    Sand, Philos. Mag. 1 (1901) 45; Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001)
    section 8.2.1; the finite slab from the slab solution above.

Series are summed term by term with a loop over the terms (memory O(points)); each function
states its truncation error. At t = 0 the functions return the initial state exactly.
"""

from __future__ import annotations

import math

import numpy as np

from solver.units import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K

__all__ = [
    "GAS_CONSTANT",
    "FARADAY",
    "sphere_eigenvalues",
    "sphere_galvanostatic",
    "sphere_stresses",
    "sphere_steady_state_stress",
    "slab_constant_flux",
    "film_inplane_stress",
    "stress_driven_equilibrium",
    "sand_time",
    "finite_slab_depletion_time",
    "thick_cylinder_steady_creep",
    "norton_coefficient",
    "void_closure_rate",
    "void_healing_velocity",
    "void_healing_pressure",
    "stripping_recession_velocity",
]

GAS_CONSTANT = GAS_CONSTANT_J_PER_MOL_K
"""R = 8.314462618 J/(mol K)."""

FARADAY = FARADAY_C_PER_MOL
"""F = 96485.33212 C/mol."""


# --------------------------------------------------------------------------------------------
# Sphere
# --------------------------------------------------------------------------------------------


def sphere_eigenvalues(n: int) -> np.ndarray:
    """The first ``n`` positive roots of tan(x) = x.

    The k-th root (k = 1, 2, ...) lies in (k pi, (k + 1/2) pi), where f(x) = sin x - x cos x
    changes sign once (f(k pi) = -(-1)^k k pi, f((k+1/2) pi) = (-1)^k, f' = x sin x keeps
    its sign there); bisection on f, vectorised over k, brackets it to the last ulp.
    lambda_1 = 4.4934094579, lambda_2 = 7.7252518369, lambda_k ~ q - 1/q with q = (k+1/2) pi.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    k = np.arange(1, n + 1, dtype=float)
    lo, hi = k * np.pi, (k + 0.5) * np.pi
    sign_lo = np.sign(np.sin(lo) - lo * np.cos(lo))
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        same = np.sign(np.sin(mid) - mid * np.cos(mid)) == sign_lo
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def _j1_over_x(x: np.ndarray) -> np.ndarray:
    """(sin x - x cos x) / x^3 = j1(x)/x, with its Taylor series for |x| < 0.1 (-> 1/3)."""
    small = np.abs(x) < 0.1
    xs = np.where(small, 1.0, x)
    direct = (np.sin(xs) - xs * np.cos(xs)) / xs**3
    x2 = x * x
    series = 1.0 / 3.0 - x2 / 30.0 + x2**2 / 840.0 - x2**3 / 45360.0
    return np.where(small, series, direct)


def _sphere_scaled(r, t, radius, D, n_terms):
    """Dimensionless (u - 3 tau, m - 3 tau, tau) of the constant-flux sphere.

    u = (c - c0) D / (F a) and m(rho) = (3 / rho^3) int_0^rho u s^2 ds, the mean of u over the
    ball of radius r; the common 3 tau is left out so the stresses do not lose digits to it.
    """
    if radius <= 0 or D <= 0:
        raise ValueError("radius and D must be positive")
    if n_terms < 1:
        raise ValueError("n_terms must be >= 1")
    rho = np.asarray(r, float) / radius
    rho, tau = np.broadcast_arrays(rho, np.asarray(t, float) * D / radius**2)
    if np.any(rho < 0) or np.any(rho > 1 + 1e-9):
        raise ValueError("r must lie in [0, radius]")
    if np.any(tau < 0):
        raise ValueError("t must be >= 0")
    u = 0.5 * rho**2 - 0.3
    m = 0.3 * rho**2 - 0.3
    for lam in sphere_eigenvalues(n_terms):
        decay = np.exp(-lam * lam * tau)
        if not np.any(decay):
            break
        a = decay / (lam * np.sin(lam))  # lambda_n A_n
        u = u - 2.0 * a * np.sinc(lam * rho / np.pi)
        m = m - 6.0 * a * _j1_over_x(lam * rho)
    at_start = tau == 0
    return np.where(at_start, 0.0, u), np.where(at_start, 0.0, m), tau


def sphere_galvanostatic(r, t, radius, D, flux, c0=0.0, n_terms=200):
    """Concentration in a sphere with a constant inward surface flux.

    D (1/r^2) d/dr (r^2 dc/dr) = dc/dt on 0 <= r < a, dc/dr = 0 at r = 0, D dc/dr = F at r = a
    (F = ``flux`` > 0 adds solute), c = c0 at t = 0. With rho = r/a, tau = D t / a^2:

        c - c0 = (F a / D) [ 3 tau + rho^2/2 - 3/10
                             - 2 sum_n exp(-lambda_n^2 tau) sin(lambda_n rho)
                                       / (rho lambda_n^2 sin lambda_n) ],

    tan(lambda_n) = lambda_n (``sphere_eigenvalues``). Carslaw & Jaeger, Conduction of Heat in
    Solids, 2nd ed. (1959) ch. IX (sphere with a constant surface flux); Crank, The Mathematics
    of Diffusion, 2nd ed. (1975) section 6.3 (constant flux F0 at the surface, alpha_n a the
    roots of a alpha_n cot(a alpha_n) = 1).
    At r = 0 the term tends to exp(-lambda_n^2 tau) / (lambda_n sin lambda_n). The mean is
    c0 + 3 F t / a exactly (each series term integrates to zero over the sphere).

    Truncation after N terms: each neglected term is at most 2.06 exp(-lambda_n^2 tau)/lambda_n
    (|sin lambda_n| = lambda_n / sqrt(1 + lambda_n^2)), so the error is below
    (F a / D) * 0.66 exp(-(N+1)^2 pi^2 tau) / ((N+1) (1 - exp(-(2N+3) pi^2 tau))):
    < 1e-15 F a / D for N = 200 and tau >= 1e-4. For smaller tau raise n_terms to at least
    2 / sqrt(tau) ((N pi)^2 tau >= 40). At t = 0 the function returns c0 exactly.

    Args:
        r: radial positions in [0, radius], array-like (broadcast against t).
        t: time(s) >= 0.
        radius: sphere radius a.
        D: diffusivity, length^2/time.
        flux: inward molar flux at r = a, mol/(length^2 time).
        c0: initial uniform concentration, mol/length^3.
        n_terms: number of series terms.

    Returns:
        c(r, t), mol/length^3, shape of broadcast(r, t).
    """
    u, _, tau = _sphere_scaled(r, t, radius, D, n_terms)
    return c0 + flux * radius / D * (3.0 * tau + u)


def sphere_stresses(r, t, radius, D, flux, omega, E, nu, c0=0.0, n_terms=200):
    """Radial and hoop stress in a free sphere under the constant-flux concentration.

    Linear elasticity with the isotropic chemical strain omega (c - c0)/3 and a traction-free
    surface (Zhang, Shyy & Sastry, J. Electrochem. Soc. 154 (2007) A910, eqs. for sigma_r,
    sigma_t; Cheng & Verbrugge, J. Power Sources 190 (2009) 453):

        sigma_r = 2 omega E / (3 (1-nu)) [ (1/a^3) int_0^a c r^2 dr - (1/r^3) int_0^r c s^2 ds ],
        sigma_t = omega E / (3 (1-nu)) [ (2/a^3) int_0^a c r^2 dr + (1/r^3) int_0^r c s^2 ds - c ].

    The integrals are done term by term on the series of ``sphere_galvanostatic``: with
    m(rho) = (3/r^3) int_0^r (c - c0) s^2 ds (the mean over the ball of radius r),

        m = (F a / D) [ 3 tau - 3/10 + 3 rho^2/10
                        - 6 sum_n exp(-lambda_n^2 tau)
                              (sin(lambda_n rho) - lambda_n rho cos(lambda_n rho))
                              / (lambda_n^2 rho^3 sin lambda_n) ],

    m(1) = 3 F t / a, and sigma_r = 2 omega E (m(1) - m) / (9 (1-nu)),
    sigma_t = omega E (2 m(1) + m - 3 (c - c0)) / (9 (1-nu)); c0 drops out. At r = 0,
    m = c - c0 and sigma_r = sigma_t. As t -> inf, sigma_r(0) = sigma_t(0) = -sigma_t(a)
    -> ``sphere_steady_state_stress``. Tension positive; an inward flux puts the centre in
    tension and the surface in hoop compression. Truncation error: at most 4x that of
    ``sphere_galvanostatic`` times omega E / (9 (1-nu)).

    Args:
        r, t, radius, D, flux, c0, n_terms: as in ``sphere_galvanostatic``.
        omega: partial molar volume, length^3/mol (the volumetric strain is omega (c - c0)).
        E: Young's modulus (stress unit of the result), nu: Poisson's ratio.

    Returns:
        (sigma_r, sigma_t), arrays of shape broadcast(r, t), in the unit of E.
    """
    u, m, _ = _sphere_scaled(r, t, radius, D, n_terms)
    k = omega * E / (9.0 * (1.0 - nu)) * flux * radius / D
    return -2.0 * k * m, k * (m - 3.0 * u)


def sphere_steady_state_stress(radius, D, flux, omega, E, nu):
    """Long-time limit of the galvanostatic sphere stresses.

    sigma_ss = omega E F a / (15 D (1 - nu)) = sigma_r(0) = sigma_t(0) = -sigma_t(a) as t -> inf
    (the concentration profile tends to a growing parabola with c(a) - c(0) = F a / (2 D));
    Cheng & Verbrugge, J. Power Sources 190 (2009) 453, galvanostatic long-time limit.
    """
    return omega * E * flux * radius / (15.0 * D * (1.0 - nu))


# --------------------------------------------------------------------------------------------
# Slab
# --------------------------------------------------------------------------------------------


def slab_constant_flux(x, t, length, D, flux, c0=0.0, n_terms=200):
    """Concentration in a slab with no flux at x = 0 and a constant inward flux at x = L.

    D d2c/dx2 = dc/dt on 0 < x < L, dc/dx = 0 at x = 0, D dc/dx = F at x = L, c = c0 at t = 0.
    With xi = x/L, tau = D t / L^2:

        c - c0 = (F L / D) [ tau + xi^2/2 - 1/6 - (2/pi^2) sum_{n>=1} (-1)^n / n^2
                                                     exp(-n^2 pi^2 tau) cos(n pi xi) ],

    Carslaw & Jaeger, Conduction of Heat in Solids, 2nd ed. (1959) ch. III (slab -l < x < l
    with a constant flux at both faces; here its half 0 < x < L); Crank (1975) ch. 4.
    At t = 0 the series is the cosine expansion xi^2/2 - 1/6 = (2/pi^2) sum (-1)^n
    cos(n pi xi)/n^2; the mean is c0 + F t / L. A negative ``flux`` extracts solute.

    Truncation after N terms: |error| <= (F L / D) 2 exp(-(N+1)^2 pi^2 tau) / (pi^2 N), i.e.
    1e-3 F L / D at tau = 0 (returned exactly as c0) and < 1e-15 F L / D for tau >= 1e-4 with
    N = 200.

    Args:
        x: positions in [0, length], array-like (broadcast against t).
        t: time(s) >= 0.
        length: slab thickness L.
        D: diffusivity; flux: inward flux at x = L, mol/(length^2 time); c0: initial value.
        n_terms: number of series terms.

    Returns:
        c(x, t), shape of broadcast(x, t).
    """
    if length <= 0 or D <= 0:
        raise ValueError("length and D must be positive")
    xi = np.asarray(x, float) / length
    xi, tau = np.broadcast_arrays(xi, np.asarray(t, float) * D / length**2)
    if np.any(xi < 0) or np.any(xi > 1 + 1e-9):
        raise ValueError("x must lie in [0, length]")
    if np.any(tau < 0):
        raise ValueError("t must be >= 0")
    u = tau + 0.5 * xi**2 - 1.0 / 6.0
    for n in range(1, n_terms + 1):
        decay = np.exp(-(n * np.pi) ** 2 * tau)
        if not np.any(decay):
            break
        u = u - (2.0 / np.pi**2) * (-1) ** n / n**2 * decay * np.cos(n * np.pi * xi)
    return c0 + flux * length / D * np.where(tau == 0, 0.0, u)


def _slab_surface_rise(tau: float) -> float:
    """S(tau) = (c(L, t) - c0) D / (F L) of ``slab_constant_flux`` at x = L, to round-off.

    For tau >= 0.5 the Fourier form tau + 1/3 - (2/pi^2) sum exp(-n^2 pi^2 tau)/n^2; below, the
    equivalent image (Laplace-inversion) form, which converges fast at small tau:
        S = 2 sqrt(tau) [1/sqrt(pi) + 2 sum_{m>=1} ierfc(m / sqrt(tau))],
    ierfc(z) = exp(-z^2)/sqrt(pi) - z erfc(z), from the Laplace transform of the surface value,
    q coth(kL) / (D s k) with k = sqrt(s/D), expanded as 1 + 2 sum exp(-2 m k L).
    20 terms of either leave < 1e-30. S is increasing with tau <= S(tau) <= tau + 1/3.
    """
    if tau >= 0.5:
        tail = sum(math.exp(-((n * math.pi) ** 2) * tau) / n**2 for n in range(1, 21))
        return tau + 1.0 / 3.0 - 2.0 / math.pi**2 * tail
    s = math.sqrt(tau)
    if s == 0:
        return 0.0
    images = 0.0
    for m in range(1, 21):
        z = m / s
        images += math.exp(-z * z) / math.sqrt(math.pi) - z * math.erfc(z)
    return 2.0 * s * (1.0 / math.sqrt(math.pi) + 2.0 * images)


# --------------------------------------------------------------------------------------------
# Mechanics and equilibrium
# --------------------------------------------------------------------------------------------


def film_inplane_stress(E, nu, omega, dc):
    """In-plane stress of a thin film bonded to a rigid substrate after a uniform change dc.

    sigma_xx = sigma_yy = -E omega dc / (3 (1 - nu)), sigma_zz = 0: the biaxial modulus
    E/(1-nu) times the mismatch strain -omega dc / 3 (Freund & Suresh, Thin Film Materials,
    Cambridge 2003, chapter 2 (Stoney / biaxial film stress); Sethuraman, Chon, Shimshak,
    Srinivasan & Guduru, J. Power Sources 195 (2010) 5062). Compressive for insertion (dc > 0).
    Units: those of E; omega dc dimensionless (e.g. mm^3/mol times mol/mm^3).
    """
    return -np.asarray(E) * omega * np.asarray(dc) / (3.0 * (1.0 - nu))


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(weights * values) / np.sum(weights))


def _logistic(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow."""
    return np.exp(-np.logaddexp(0.0, -z))


def stress_driven_equilibrium(sigma_h, omega, temperature, mean_theta, weights=None, dilute=True):
    """Equilibrium site fraction theta in a hydrostatic stress field at a fixed mean content.

    The chemical potential mu = mu0 + R T ln(theta / (1 - theta)) - omega sigma_h is uniform at
    equilibrium (Larche & Cahn, Acta Metall. 21 (1973) 1051; for Li hosts Zhang, Shyy & Sastry,
    J. Electrochem. Soc. 154 (2007) A910), so with x = omega sigma_h / (R T):

        dilute=False: theta = 1 / (1 + exp(-(x + a)))   (logistic; 0 < theta < 1),
        dilute=True:  theta = exp(x + a)                 (theta << 1; may exceed 1 if misused),

    with the constant a fixed by sum(w theta) / sum(w) = mean_theta. Dilute: a in closed form;
    non-dilute: the weighted mean is increasing in a and bracketed by
    a in [logit(mean) - max x, logit(mean) - min x]; bisection to round-off. Tension
    (sigma_h > 0) attracts solute when omega > 0.

    Units: omega * sigma_h must be in J/mol, because R = 8.314462618 J/(mol K). The caller
    converts: omega in mm^3/mol times sigma_h in MPa gives mJ/mol, so pass omega * 1e-3
    (or omega in m^3/mol with sigma_h in Pa).

    Args:
        sigma_h: hydrostatic stress (tr sigma)/3 at the sample points, array.
        omega: partial molar volume (scalar or broadcastable to sigma_h).
        temperature: T, K.
        mean_theta: target weighted mean of theta, in (0, 1) (> 0 if dilute).
        weights: volume weights of the sample points (default: equal weights).
        dilute: choose the dilute (Boltzmann) or the lattice-gas (Fermi) form.

    Returns:
        theta at the sample points, same shape as sigma_h.
    """
    x = np.asarray(omega * np.asarray(sigma_h, float) / (GAS_CONSTANT * temperature), float)
    w = np.ones_like(x) if weights is None else np.broadcast_to(np.asarray(weights, float), x.shape)
    if np.any(w < 0) or not np.sum(w) > 0:
        raise ValueError("weights must be >= 0 with a positive sum")
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    if dilute:
        if mean_theta <= 0:
            raise ValueError("mean_theta must be positive")
        boltzmann = np.exp(x - x.max())
        return mean_theta * boltzmann / _weighted_mean(boltzmann, w)
    if not 0 < mean_theta < 1:
        raise ValueError("mean_theta must lie in (0, 1) for the non-dilute form")
    logit = math.log(mean_theta / (1.0 - mean_theta))
    lo, hi = logit - float(x.max()), logit - float(x.min())
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if _weighted_mean(_logistic(x + mid), w) < mean_theta:
            lo = mid
        else:
            hi = mid
    return _logistic(x + 0.5 * (lo + hi))


# --------------------------------------------------------------------------------------------
# Depletion under a constant extraction current
# --------------------------------------------------------------------------------------------


def sand_time(D, c0, current_density, faraday=FARADAY):
    """Sand time: surface depletion of a semi-infinite medium under constant current.

    tau_s = pi D (c0 F)^2 / (4 i^2), from c(0, t) = c0 - 2 (i/F) sqrt(t / (pi D)) (constant
    outward flux i/F). Sand, Philos. Mag. 1 (1901) 45; Bard & Faulkner, Electrochemical
    Methods, 2nd ed. (2001) section 8.2.1 (the Sand equation i tau^(1/2) / C* = n F A
    D^(1/2) pi^(1/2) / 2, with n = 1 and i per unit area here). The sign of i is ignored.
    Units: D length^2/time, c0 mol/length^3, i A/length^2, F C/mol -> time.
    """
    return math.pi * D * (c0 * faraday) ** 2 / (4.0 * current_density**2)


def finite_slab_depletion_time(D, c0, length, current_density, faraday=FARADAY):
    """Time at which the front face of a finite slab is depleted under constant current.

    Slab 0 <= x <= L, no flux at x = 0, constant outward flux q = i/F at x = L, c = c0 at t = 0:
    ``slab_constant_flux`` with flux = -q gives c(L, t) = c0 - (q L / D) S(D t / L^2),
    S(tau) = tau + 1/3 - (2/pi^2) sum exp(-n^2 pi^2 tau) / n^2 (with the image form of the
    same function at tau < 0.5, see ``_slab_surface_rise``). The root of S(tau) = c0 D / (q L)
    is found by bisection in [max(0, beta - 1/3), beta], beta = c0 D / (q L).

    Limits: L -> inf gives ``sand_time`` (S ~ 2 sqrt(tau / pi)); D -> inf gives
    c0 L F / i - L^2 / (3 D) -> c0 L F / i (all the charge; always larger than the result).
    """
    if min(D, c0, length) <= 0 or current_density == 0:
        raise ValueError("D, c0, length must be positive and the current non-zero")
    beta = c0 * D * faraday / (abs(current_density) * length)
    lo, hi = max(0.0, beta - 1.0 / 3.0), beta
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if _slab_surface_rise(mid) < beta:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi) * length**2 / D


# --------------------------------------------------------------------------------------------
# Steady creep of a thick-walled cylinder
# --------------------------------------------------------------------------------------------


def thick_cylinder_steady_creep(r, a, b, p, n):
    """(sigma_r, sigma_theta, sigma_z) in a thick-walled cylinder a <= r <= b under internal
    pressure p, in steady Norton creep (eps_dot ~ sigma_eq^n), plane strain (eps_z = 0).

    Bailey's solution (R. W. Bailey, Proc. Inst. Mech. Eng. 131 (1935) 131; in Finnie & Heller,
    Creep of Engineering Materials, McGraw-Hill 1959, ch. 9; Kraus, Creep Analysis, Wiley
    1980): incompressible flow with eps_dot_z = 0 gives the radial velocity C / r, so the
    equivalent rate ~ r^-2 and sigma_theta - sigma_r ~ r^(-2/n); equilibrium
    d sigma_r / dr = (sigma_theta - sigma_r) / r with sigma_r(a) = -p, sigma_r(b) = 0 gives

        sigma_r = -p ((b/r)^(2/n) - 1) / ((b/a)^(2/n) - 1),
        sigma_theta = p ((2/n - 1) (b/r)^(2/n) + 1) / ((b/a)^(2/n) - 1),
        sigma_z = (sigma_r + sigma_theta) / 2   (the axial deviator carries no flow).

    The steady stresses do not depend on the elastic constants (the elastic strains are
    constant in time). n = 1 gives Lame's incompressible solution.
    """
    r = np.asarray(r, dtype=float)
    c = 2.0 / n
    denominator = (b / a) ** c - 1.0
    s_r = -p * ((b / r) ** c - 1.0) / denominator
    s_t = p * ((c - 1.0) * (b / r) ** c + 1.0) / denominator
    return s_r, s_t, 0.5 * (s_r + s_t)


# --------------------------------------------------------------------------------------------
# Void closure in steady Norton creep
# --------------------------------------------------------------------------------------------

VOID_SHAPES = ("sphere", "cylinder")


def norton_coefficient(prefactor, activation_energy, reference_stress, exponent, temperature):
    """A of eps_dot_e = A sigma_e^n for the Norton-Arrhenius law
    eps_dot_e = A0 exp(-Q / (R T)) (sigma_e / sigma_ref)^n:  A = A0 exp(-Q / (R T)) / sigma_ref^n
    (1/s per stress^n, in the unit of sigma_ref)."""
    arrhenius = math.exp(-activation_energy / (GAS_CONSTANT * temperature))
    return prefactor * arrhenius / reference_stress**exponent


def void_closure_rate(p, A, n, a=1.0, b=math.inf, shape="sphere"):
    """-a_dot / a of a void of radius a in a Norton solid (eps_dot_e = A sigma_e^n, von Mises)
    that fills a < r < b, under a pressure p on r = b (Cauchy; the void surface traction-free),
    in steady creep (elastic strains constant, the flow isochoric).

    ``shape = "sphere"`` (a hollow sphere): v_r = C / r^2, so d_rr = -2C/r^3,
    d_tt = d_pp = C/r^3 and eps_dot_e = sqrt(2/3 d:d) = 2|C|/r^3. The flow rule
    s = (2/3)(sigma_e / eps_dot_e) d gives sigma_rr - sigma_tt = sigma_e > 0 for closure
    (C < 0), with sigma_e = (2|C| / (A r^3))^(1/n). Equilibrium
    d sigma_rr/dr + 2 (sigma_rr - sigma_tt)/r = 0 from sigma_rr(a) = 0 to sigma_rr(b) = -p:

        p = int_a^b 2 sigma_e / r dr = (2n/3) (2|C|/A)^(1/n) (a^(-3/n) - b^(-3/n)),
        -a_dot/a = |C|/a^3 = (A/2) (3p / (2n))^n (1 - (a/b)^(3/n))^(-n),

    whose limit b -> inf is Budiansky, Hutchinson & Slutsky's (1982) rate of a void in an
    infinite Norton matrix under a remote pressure; n = 1 (A = 1/(3 eta)) gives p / (4 eta),
    the viscous term of the Rayleigh-Plesset equation.

    ``shape = "cylinder"`` (a hollow cylinder in plane strain, eps_dot_z = 0): v_r = C/r,
    d_rr = -d_tt = -C/r^2, eps_dot_e = (2/sqrt3)|C|/r^2, sigma_e = (sqrt3/2)|sigma_rr - sigma_tt|,
    and d sigma_rr/dr + (sigma_rr - sigma_tt)/r = 0:

        p = (2/sqrt3) ((2/sqrt3)|C|/A)^(1/n) (n/2) (a^(-2/n) - b^(-2/n)),
        -a_dot/a = |C|/a^2 = (sqrt3/2) A (sqrt3 p / n)^n (1 - (a/b)^(2/n))^(-n);

    n = 1 and b -> inf give p / (2 eta). Both rates are independent of the size (the law has
    no length scale): they depend on a / b only. Any consistent units (p in the unit of A's
    stress; the rate in 1/s if A is in 1/s).
    """
    if shape not in VOID_SHAPES:
        raise ValueError(f"shape must be one of {VOID_SHAPES}, got {shape!r}")
    if not (A > 0 and n >= 1 and a > 0 and b > a):
        raise ValueError(f"need A > 0, n >= 1, 0 < a < b; got A={A}, n={n}, a={a}, b={b}")
    p = np.asarray(p, dtype=float)
    if shape == "sphere":
        infinite = 0.5 * A * (1.5 * p / n) ** n
        return infinite * (1.0 - (a / b) ** (3.0 / n)) ** (-n)
    infinite = 0.5 * math.sqrt(3.0) * A * (math.sqrt(3.0) * p / n) ** n
    return infinite * (1.0 - (a / b) ** (2.0 / n)) ** (-n)


def void_healing_velocity(p, A, n, a, shape="sphere"):
    """-a_dot of a void of radius a in an infinite Norton solid under the pressure p (the
    :func:`void_closure_rate` with b -> inf, times a): the speed at which creep fills the void,
    in the unit of a per the time unit of A. It grows in proportion to a, so creep heals large
    voids faster than small ones at the same pressure."""
    return a * void_closure_rate(p, A, n, a, math.inf, shape)


def void_healing_pressure(velocity, A, n, a, shape="sphere"):
    """The pressure at which creep fills a void of radius a (infinite matrix) at the speed
    ``velocity`` (-a_dot), the inverse of :func:`void_healing_velocity`: for the sphere
    p = (2n/3) (2 v / (a A))^(1/n), for the cylinder p = (n/sqrt3) (2 v / (sqrt3 a A))^(1/n).
    Set against :func:`stripping_recession_velocity` it is the stack pressure above which
    creep outruns the stripping that opens the void."""
    if shape not in VOID_SHAPES:
        raise ValueError(f"shape must be one of {VOID_SHAPES}, got {shape!r}")
    rate = np.asarray(velocity, dtype=float) / a
    if shape == "sphere":
        return 2.0 * n / 3.0 * (2.0 * rate / A) ** (1.0 / n)
    return n / math.sqrt(3.0) * (2.0 * rate / (math.sqrt(3.0) * A)) ** (1.0 / n)


def stripping_recession_velocity(current_density, molar_volume, faraday=FARADAY):
    """Speed at which stripping at the current density i recedes a Li face: i V_m / F (mm/s for
    i in A/mm^2 and V_m in mm^3/mol; 1 mA/cm^2 with V_m = 13.0 cm^3/mol is 4.85 um/h)."""
    return current_density * molar_volume / faraday
