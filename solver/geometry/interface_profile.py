"""The shape of a Li / solid-electrolyte interface: the electrolyte surface and the Li underside.

Pure geometry (numpy, no gmsh, no DOLFINx), shared by the mesh builder
(:mod:`solver.geometry.interface`) and by whatever later evaluates contact gaps on it.

Coordinates. The lateral coordinate ``u`` is ``x`` in plane strain, the radius ``r`` in the
axisymmetric mode (axis at ``r = 0``) and ``(x, y)`` in 3-D; the height is ``z``, with the
electrolyte's base at ``z = 0``, its nominal surface at ``z = h_se`` and the Li's top at
``z = h_se + h_li``. The lateral extent is ``[0, L]`` (``[0, L]^2`` in 3-D), ``L`` being
:attr:`InterfaceSpec.extent_mm`.

Surfaces (:attr:`InterfaceSpec.kind`); the electrolyte surface is ``z_s(u) = h_se + zeta(u)``,
the Li underside ``z_li(u) = z_s(u) + g(u)`` with the initial gap ``g >= 0``:

* ``"flat"``: ``zeta = 0``, ``g = 0``.
* ``"wavy"``: ``zeta = a cos(2 pi x / lambda)`` (``r`` in place of ``x`` axisymmetric, so the
  ridges are concentric rings with zero slope at the axis); in 3-D the product
  ``zeta = a cos(2 pi x / lambda) cos(2 pi y / lambda)``, an egg-crate of isolated peaks and pits
  (asperity-like contact, rather than the ridges of a sum of cosines), of peak-to-valley ``2 a``
  as in 2-D and with ``x = 0`` and ``y = 0`` symmetry planes. ``g = 0``.
* ``"rough"``: a random profile of RMS roughness ``R_q`` and correlation length ``l_c`` with a
  Gaussian spectrum, by the spectral representation with random phases (Shinozuka & Deodatis
  1991, Applied Mechanics Reviews 44, 191-204, doi:10.1115/1.3119501):
  ``zeta(u) = sum_j A_j cos(k_j . u + phi_j)`` over the wavevectors ``k_j = 2 pi n_j / L``
  (``n_j`` integer, ``n_j != 0``; a half plane of them in 3-D) with ``|k_j| <= k_cut``,
  ``A_j^2 ~ S(|k_j|) ~ exp(-|k_j|^2 l'^2 / 4)`` (the spectral density, in 1-D and 2-D alike, of
  the Gaussian autocorrelation ``C(tau) = R_q^2 exp(-tau^2 / l'^2)``; ``S(k_cut) =
  SPECTRUM_CUTOFF S(0)``) and ``phi_j`` uniform in ``[0, 2 pi)`` from
  ``numpy.random.default_rng(seed)``, so the same seed gives the same surface on every rank and
  machine (in 3-D the two-dimensional form, Shinozuka & Deodatis 1996, Applied Mechanics
  Reviews 49, 29-53, doi:10.1115/1.3101883). The modes are orthogonal over the period ``L``,
  so the amplitudes, scaled to ``sum_j A_j^2 / 2 = R_q^2``, give a profile of mean exactly 0
  and RMS exactly ``R_q`` over the domain (along a radius, uniformly weighted, in the
  axisymmetric mode, where the profile is a function of ``r``; its slope at the axis is
  generally not zero, a shallow cone tip). Its autocorrelation over the period (circular,
  along x and y in 3-D) is ``rho(tau) = sum_j A_j^2 cos(k_jx tau) / sum_j A_j^2``, whatever
  the seed. A zero-mean
  periodic profile cannot have the Gaussian autocorrelation itself (``rho`` integrates to
  zero over the period): with ``l' = l_c`` it would fall to ``1/e`` short of ``l_c``, by
  about ``sqrt(pi) l_c / L`` in 1-D (9 % at ``L = 20 l_c``). The width ``l'`` is therefore
  chosen (bisection) so that ``rho(l_c) = 1/e`` exactly: ``l' / l_c`` = 1.29, 1.09, 1.03 at
  ``L / l_c`` = 8, 20, 50 in 1-D, and 1.05, 1.007 at 8, 20 in 2-D. ``zeta`` is periodic in
  ``L``. ``g = 0``.
* ``"voids"``: a flat electrolyte (``zeta = 0``) and ``count`` voids where the Li underside is
  raised over a disk (a strip in plane strain) of width ``w``: a spherical cap (a circular
  segment in plane strain) of depth ``d <= w / 2``,
  ``g(rho) = sqrt(R_c^2 - rho^2) - (R_c - d)`` for ``rho = |u - c| < w / 2``,
  ``R_c = (w^2 / 4 + d^2) / (2 d)``. A cap rather than a half ellipse: its rim meets the
  electrolyte at the angle ``asin(w / (2 R_c))`` (90 degrees only for the half sphere), so a
  shallow void is the thin lens that stripping leaves, where a half ellipse would always end
  in a vertical wall; and a sphere is cut exactly from the Li by the mesh builder. Voids are
  centred at ``(i + 1/2) L / count`` (plane strain; a ``k x k`` grid in 3-D) or placed at
  random without overlap from ``seed``; axisymmetric, a single void on the axis.

The initial void volume per unit nominal interface area, ``V_void / A`` in um (the unit the
solver reports ``void_fraction`` in), is the closed form of the caps: a circular segment of
area ``R_c^2 theta - (w / 2)(R_c - d)`` (``sin theta = w / (2 R_c)``) per void over ``L`` in
plane strain, ``pi d (3 w^2 / 4 + d^2) / 6`` per void over ``pi L^2`` (axisymmetric) or
``L^2`` (3-D).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from solver.units import UM_PER_MM

__all__ = [
    "InterfaceProfile",
    "InterfaceSpec",
    "cap_radius",
    "interface_profile",
    "profile_statistics",
]

KINDS = ("flat", "wavy", "rough", "voids")
MODES = ("plane_strain", "axisymmetric", "3d")
PLACEMENTS = ("even", "random")

CELLS_PER_FEATURE = 8
"""Interface cells at least per wavelength, correlation length or void width."""
MAX_EXCURSION_FRACTION = 0.5
"""The surface may leave the nominal plane by at most this fraction of either layer's
thickness: the mesh is mapped column by column onto the surface, so no cell is compressed or
stretched more than twofold."""
MIN_EXTENT_PER_CORRELATION = 8.0
"""The extent must hold this many correlation lengths: a zero-mean profile periodic in L has an
autocorrelation that falls to 1/e only below about 0.19 L (that of its longest mode,
cos(2 pi tau / L)), and the spectrum's correction (see the module's docstring) stays moderate
(its width is 1.3 l_c at L = 8 l_c, 1.09 l_c at L = 20 l_c)."""
SPECTRUM_CUTOFF = 1e-6
"""Rough modes are kept while the spectral density is above this fraction of its peak."""
RANDOM_TRIES = 1000
"""Random void placement: tries per void before giving up."""
SAMPLES_PER_CELL = {1: 4, 2: 2}
"""The profile arrays sample the surface this many times per interface cell (by the number of
lateral coordinates: a 3-D grid has the square of it per cell)."""

# Which optional fields each kind takes (every other optional field must stay None).
_KIND_FIELDS = {
    "flat": (),
    "wavy": ("amplitude_mm", "wavelength_mm"),
    "rough": ("rq_mm", "correlation_length_mm", "seed"),
    "voids": ("void_count", "void_width_mm", "void_depth_mm"),
}
_OPTIONAL = ("amplitude_mm", "wavelength_mm", "rq_mm", "correlation_length_mm", "seed",
             "void_count", "void_width_mm", "void_depth_mm")


@dataclass(frozen=True)
class InterfaceSpec:
    """A Li layer on an electrolyte layer and the shape of their interface.

    Attributes:
        kind: ``"flat"``, ``"wavy"``, ``"rough"`` or ``"voids"``.
        li_thickness_mm: Nominal Li thickness h_li (mm).
        electrolyte_thickness_mm: Nominal electrolyte thickness h_se (mm).
        extent_mm: Lateral extent L (mm): the width (plane strain), the radius (axisymmetric)
            or the side of the square (3-D).
        mesh_size_mm: Element size away from the interface (mm).
        interface_mesh_size_mm: Element size at the interface (mm), at most ``mesh_size_mm``.
        amplitude_mm: ``"wavy"``: amplitude a (mm).
        wavelength_mm: ``"wavy"``: wavelength lambda (mm).
        rq_mm: ``"rough"``: RMS roughness R_q (mm).
        correlation_length_mm: ``"rough"``: correlation length l_c (mm).
        seed: ``"rough"``, and ``"voids"`` placed at random: seed of the random generator.
        void_count: ``"voids"``: number of voids (1 axisymmetric; a square k^2 in 3-D when
            evenly placed).
        void_width_mm: ``"voids"``: width (diameter) w of each void (mm).
        void_depth_mm: ``"voids"``: depth d of each void (mm), at most w / 2.
        void_placement: ``"voids"``: ``"even"`` or ``"random"`` (needs ``seed``).

    """

    kind: str
    li_thickness_mm: float
    electrolyte_thickness_mm: float
    extent_mm: float
    mesh_size_mm: float
    interface_mesh_size_mm: float
    amplitude_mm: float | None = None
    wavelength_mm: float | None = None
    rq_mm: float | None = None
    correlation_length_mm: float | None = None
    seed: int | None = None
    void_count: int | None = None
    void_width_mm: float | None = None
    void_depth_mm: float | None = None
    void_placement: str = "even"


@dataclass(frozen=True, eq=False)
class InterfaceProfile:
    """The electrolyte surface ``z_s(u)`` and the Li underside ``z_li(u) = z_s(u) + g(u)``.

    Evaluate them anywhere with :meth:`electrolyte_z` and :meth:`li_z`; the arrays sample them
    on a uniform grid of ``SAMPLES_PER_CELL`` points per interface cell (4 in 2-D, 2 x 2 in 3-D).

    Attributes:
        kind: The surface kind.
        mode: ``"plane_strain"``, ``"axisymmetric"`` or ``"3d"``.
        extent_mm: Lateral extent L (mm).
        nominal_z_mm: Height of the nominal interface plane, h_se (mm).
        wavevectors_per_mm: ``(n, 1)`` or ``(n, 2)``: the wavevectors k_j of zeta (1/mm).
        amplitudes_mm: ``(n,)``: their amplitudes A_j (mm).
        phases: ``(n,)``: their phases phi_j (rad).
        void_centers_mm: ``(count, 1)`` or ``(count, 2)``: the void centres (mm).
        void_width_mm: Void width w (mm), 0 without voids.
        void_depth_mm: Void depth d (mm), 0 without voids.
        void_volume_per_area_um: Initial void volume per unit nominal interface area (um).
        x_mm: Lateral sample coordinates (mm); in 3-D the grid's x and y.
        electrolyte_z_samples_mm: z_s at the samples (mm); ``(ny, nx)`` in 3-D.
        li_z_samples_mm: z_li at the samples (mm); ``(ny, nx)`` in 3-D.

    """

    kind: str
    mode: str
    extent_mm: float
    nominal_z_mm: float
    wavevectors_per_mm: np.ndarray
    amplitudes_mm: np.ndarray
    phases: np.ndarray
    void_centers_mm: np.ndarray
    void_width_mm: float
    void_depth_mm: float
    void_volume_per_area_um: float
    x_mm: np.ndarray = field(repr=False)
    electrolyte_z_samples_mm: np.ndarray = field(repr=False)
    li_z_samples_mm: np.ndarray = field(repr=False)

    @property
    def lateral_dim(self) -> int:
        """Number of lateral coordinates: 2 in 3-D, else 1."""
        return 2 if self.mode == "3d" else 1

    def electrolyte_z(self, u) -> np.ndarray:
        """Return the electrolyte surface height z_s = h_se + zeta(u) (mm).

        Args:
            u: Lateral coordinates (mm): shape ``(n,)`` in 2-D modes, ``(n, 2)`` in 3-D.

        """
        u = self._lateral(u)
        return self.nominal_z_mm + _cosine_sum(u, self.wavevectors_per_mm, self.amplitudes_mm,
                                               self.phases)

    def gap(self, u) -> np.ndarray:
        """Return the initial gap g(u) >= 0 between the Li underside and the electrolyte (mm)."""
        u = self._lateral(u)
        g = np.zeros(u.shape[0])
        if self.void_depth_mm == 0.0:
            return g
        radius = 0.5 * self.void_width_mm
        cap = cap_radius(self.void_width_mm, self.void_depth_mm)
        for center in self.void_centers_mm:
            rho2 = np.sum((u - center) ** 2, axis=1)
            inside = rho2 < radius**2
            g[inside] = np.maximum(
                np.sqrt(cap**2 - rho2[inside]) - (cap - self.void_depth_mm), 0.0)
        return g

    def li_z(self, u) -> np.ndarray:
        """Return the Li underside height z_li = z_s + g (mm)."""
        return self.electrolyte_z(u) + self.gap(u)

    def _lateral(self, u) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        if self.lateral_dim == 1:
            return u.reshape(-1, 1)
        if u.ndim != 2 or u.shape[1] != 2:
            raise ValueError(f"u must have shape (n, 2) in 3-D, got {u.shape}")
        return u


def interface_profile(spec: InterfaceSpec, mode: str) -> InterfaceProfile:
    """Validate ``spec`` for ``mode`` and return its interface profile.

    Deterministic: the same arguments give the same profile on every rank.

    Raises:
        ValueError: If the surface cannot be resolved by the interface mesh size or does not
            fit the layers or the extent; the message names the argument and the limit.

    """
    _validate(spec, mode)
    lateral = 2 if mode == "3d" else 1
    empty_k, empty = np.zeros((0, lateral)), np.zeros(0)
    k, amplitude, phase = empty_k, empty, empty
    centers, width, depth = np.zeros((0, lateral)), 0.0, 0.0
    if spec.kind == "wavy":
        k, amplitude, phase = _wavy_modes(spec, mode)
    elif spec.kind == "rough":
        k, amplitude, phase = _rough_modes(spec, mode)
    elif spec.kind == "voids":
        centers = _void_centers(spec, mode)
        width, depth = float(spec.void_width_mm), float(spec.void_depth_mm)
    spacing = spec.interface_mesh_size_mm / SAMPLES_PER_CELL[lateral]
    x = np.linspace(0.0, spec.extent_mm, max(2, math.ceil(spec.extent_mm / spacing)) + 1)
    volume = _void_volume_per_area(mode, spec.extent_mm, len(centers), width, depth)
    profile = InterfaceProfile(
        kind=spec.kind, mode=mode, extent_mm=float(spec.extent_mm),
        nominal_z_mm=float(spec.electrolyte_thickness_mm),
        wavevectors_per_mm=k, amplitudes_mm=amplitude, phases=phase,
        void_centers_mm=centers, void_width_mm=width, void_depth_mm=depth,
        void_volume_per_area_um=volume * UM_PER_MM,
        x_mm=x, electrolyte_z_samples_mm=np.zeros(0), li_z_samples_mm=np.zeros(0),
    )
    grid = np.stack([g.ravel() for g in np.meshgrid(x, x)], axis=1) if lateral == 2 else x
    shape = (x.size, x.size) if lateral == 2 else (x.size,)
    zs = profile.electrolyte_z(grid).reshape(shape)
    zl = (zs.ravel() + profile.gap(grid)).reshape(shape)
    if spec.kind == "rough":
        _check_excursion(spec, "rq_mm", float(np.max(np.abs(zs - profile.nominal_z_mm))))
    return replace(profile, electrolyte_z_samples_mm=zs, li_z_samples_mm=zl)


def profile_statistics(heights, spacing_mm: float) -> tuple[float, float]:
    """RMS roughness and correlation length of a periodic profile sampled on a uniform grid.

    ``R_q = sqrt(mean((z - mean z)^2))``; the autocorrelation ``C(tau)`` is the circular one
    (by FFT, the profile being periodic over the grid), along x (and averaged with y for a 2-D
    grid), and ``l_c`` is the first lag where ``C(tau) / C(0)`` falls to ``1/e``, interpolated
    linearly between grid lags.

    Args:
        heights: ``(n,)`` or ``(ny, nx)`` heights on a uniform grid, one period (the grid's
            last point excluded when it repeats the first).
        spacing_mm: The grid spacing (mm).

    Returns:
        ``(R_q, l_c)`` in mm.

    """
    z = np.asarray(heights, dtype=float)
    z = z - z.mean()
    rq = float(np.sqrt(np.mean(z**2)))
    axes = [0] if z.ndim == 1 else [0, 1]
    acf = np.zeros(z.shape[-1] if z.ndim == 1 else min(z.shape))
    for axis in axes:
        spectrum = np.abs(np.fft.fft(z, axis=axis)) ** 2
        c = np.real(np.fft.ifft(spectrum, axis=axis))
        c = c.mean(axis=1 - axis) if z.ndim == 2 else c
        acf += c[: acf.size] / c[0] / len(axes)
    below = np.nonzero(acf < math.exp(-1.0))[0]
    if below.size == 0:
        return rq, math.inf
    i = int(below[0])
    t = (acf[i - 1] - math.exp(-1.0)) / (acf[i - 1] - acf[i])
    return rq, float((i - 1 + t) * spacing_mm)


def _cosine_sum(u: np.ndarray, k: np.ndarray, amplitude: np.ndarray, phase: np.ndarray,
                chunk: int = 4096) -> np.ndarray:
    """sum_j A_j cos(k_j . u + phi_j) at the rows of ``u``, in chunks to bound memory."""
    out = np.zeros(u.shape[0])
    if amplitude.size == 0:
        return out
    for start in range(0, u.shape[0], chunk):
        arg = u[start:start + chunk] @ k.T + phase
        out[start:start + chunk] = np.cos(arg) @ amplitude
    return out


def _wavy_modes(spec: InterfaceSpec, mode: str):
    """Return the modes of a cos(k x), in 3-D of a cos(k x) cos(k y).

    a cos(k x) cos(k y) = a/2 [cos(k (x + y)) + cos(k (x - y))].
    """
    k = 2.0 * math.pi / spec.wavelength_mm
    a = float(spec.amplitude_mm)
    if mode == "3d":
        return np.array([[k, k], [k, -k]]), np.array([a / 2, a / 2]), np.zeros(2)
    return np.array([[k]]), np.array([a]), np.zeros(1)


def _rough_modes(spec: InterfaceSpec, mode: str):
    """Wavevectors 2 pi n / L up to k_cut, Gaussian-spectrum amplitudes, random phases."""
    length, lc = float(spec.extent_mm), float(spec.correlation_length_mm)
    dk = 2.0 * math.pi / length
    k_cut = 2.0 * math.sqrt(math.log(1.0 / SPECTRUM_CUTOFF)) / lc  # S(k_cut) = cutoff S(0)
    n_max = max(1, math.floor(k_cut / dk))
    if mode == "3d":
        m, n = np.meshgrid(np.arange(0, n_max + 1), np.arange(-n_max, n_max + 1), indexing="ij")
        m, n = m.ravel(), n.ravel()
        half = (m > 0) | ((m == 0) & (n > 0))  # one of each +-k pair
        k = dk * np.stack([m[half], n[half]], axis=1).astype(float)
        k = k[np.linalg.norm(k, axis=1) <= max(k_cut, dk)]
    else:
        k = dk * np.arange(1, n_max + 1, dtype=float).reshape(-1, 1)
    width = _spectral_width(k, lc)
    amplitude = np.exp(-(np.linalg.norm(k, axis=1) * width) ** 2 / 8.0)  # sqrt(S)
    amplitude *= spec.rq_mm / math.sqrt(0.5 * np.sum(amplitude**2))
    phase = np.random.default_rng(spec.seed).uniform(0.0, 2.0 * math.pi, len(k))
    return k, amplitude, phase


def _periodic_correlation(k: np.ndarray, width: float, tau: float) -> float:
    """Return C(tau) / C(0) of the cosine sum with Gaussian amplitudes of width ``width``.

    Along x (averaged with y in 3-D): sum_j A_j^2 cos(k_jx tau) / sum_j A_j^2.
    """
    weight = np.exp(-(np.linalg.norm(k, axis=1) * width) ** 2 / 4.0)  # A_j^2 ~ S(|k_j|)
    return float(np.mean(np.cos(k * tau) @ np.ones(k.shape[1]) / k.shape[1] * weight)
                 / np.mean(weight))


def _spectral_width(k: np.ndarray, lc: float) -> float:
    """Return the spectrum's width l' >= l_c that puts the profile's 1/e correlation at l_c.

    The profile's own autocorrelation over the period rises monotonically with l'; bisection.
    """
    low, high = lc, lc
    while _periodic_correlation(k, high, lc) < math.exp(-1.0):
        low, high = high, 2.0 * high
        if high > 1e3 * lc:  # excluded by MIN_EXTENT_PER_CORRELATION
            raise ValueError(f"spec.correlation_length_mm = {lc!r} cannot be reached in the extent")
    for _ in range(60):
        mid = 0.5 * (low + high)
        if _periodic_correlation(k, mid, lc) < math.exp(-1.0):
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def cap_radius(width: float, depth: float) -> float:
    """Return R_c = (w^2 / 4 + d^2) / (2 d), the radius of a cap of width w and depth d."""
    return (0.25 * width**2 + depth**2) / (2.0 * depth)


def _void_volume_per_area(mode: str, extent: float, count: int, width: float,
                          depth: float) -> float:
    """Closed-form void volume per unit nominal area (mm) of ``count`` caps."""
    if count == 0:
        return 0.0
    a, cap = 0.5 * width, cap_radius(width, depth)
    if mode == "plane_strain":
        theta = math.asin(min(1.0, a / cap))
        return count * (cap**2 * theta - a * (cap - depth)) / extent
    volume = math.pi * depth * (3.0 * a**2 + depth**2) / 6.0
    area = math.pi * extent**2 if mode == "axisymmetric" else extent**2
    return count * volume / area


def _void_centers(spec: InterfaceSpec, mode: str) -> np.ndarray:
    """Void centres: on the axis, evenly spaced, or at random without overlap."""
    count, width, length = int(spec.void_count), float(spec.void_width_mm), float(spec.extent_mm)
    cell = float(spec.interface_mesh_size_mm)
    if mode == "axisymmetric":
        return np.zeros((1, 1))
    if spec.void_placement == "even":
        per_row = math.isqrt(count) if mode == "3d" else count
        pitch = length / per_row
        line = (np.arange(per_row) + 0.5) * pitch
        if mode == "3d":
            return np.stack([g.ravel() for g in np.meshgrid(line, line)], axis=1)
        return line.reshape(-1, 1)
    # random: centres at least one cell from the sides and one cell of contact between voids
    lateral = 2 if mode == "3d" else 1
    low, high = 0.5 * width + cell, length - 0.5 * width - cell
    rng = np.random.default_rng(spec.seed)
    centers: list[np.ndarray] = []
    for _ in range(RANDOM_TRIES * count):
        candidate = rng.uniform(low, high, lateral)
        if all(np.linalg.norm(candidate - c) >= width + cell for c in centers):
            centers.append(candidate)
            if len(centers) == count:
                return np.array(centers)
    raise ValueError(
        f"void_count = {count} voids of void_width_mm = {width!r} do not fit without overlap "
        f"(one interface cell of contact between them and to the sides) in extent_mm = "
        f"{length!r} after {RANDOM_TRIES * count} random tries; fewer or narrower voids, or "
        f"a wider extent")


# --- validation ---------------------------------------------------------------------------

def _validate(spec: InterfaceSpec, mode: str) -> None:
    """Check the spec for the mode; every message names the argument and the limit."""
    if not isinstance(spec, InterfaceSpec):
        raise ValueError(f"spec must be an InterfaceSpec, got {spec!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if spec.kind not in KINDS:
        raise ValueError(f"spec.kind must be one of {KINDS}, got {spec.kind!r}")
    for name in ("li_thickness_mm", "electrolyte_thickness_mm", "extent_mm", "mesh_size_mm",
                 "interface_mesh_size_mm"):
        _positive(name, getattr(spec, name))
    wanted = _KIND_FIELDS[spec.kind]
    if spec.kind == "voids" and spec.void_placement == "random":
        wanted = (*wanted, "seed")
    for name in _OPTIONAL:
        value = getattr(spec, name)
        if name in wanted and value is None:
            raise ValueError(f"spec.{name} is required for kind {spec.kind!r}")
        if name not in wanted and value is not None:
            raise ValueError(f"spec.{name} does not apply to kind {spec.kind!r} "
                             f"(it takes {list(wanted)}), got {value!r}")
    fine, coarse = spec.interface_mesh_size_mm, spec.mesh_size_mm
    if fine > coarse:
        raise ValueError(f"spec.interface_mesh_size_mm must be at most mesh_size_mm = "
                         f"{coarse!r}, got {fine!r}")
    for name in ("li_thickness_mm", "electrolyte_thickness_mm"):
        if getattr(spec, name) < 2.0 * fine:
            raise ValueError(f"spec.{name} must hold two interface cells (>= 2 * "
                             f"interface_mesh_size_mm = {2.0 * fine!r}), got "
                             f"{getattr(spec, name)!r}")
    if spec.kind == "wavy":
        _validate_wavy(spec)
    elif spec.kind == "rough":
        _validate_rough(spec)
    elif spec.kind == "voids":
        _validate_voids(spec, mode)


def _positive(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"spec.{name} must be a positive number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"spec.{name} must be positive and finite, got {value!r}")


def _resolved(name: str, length: float, fine: float) -> None:
    """Require the feature ``length`` to span CELLS_PER_FEATURE interface cells."""
    if fine > length / CELLS_PER_FEATURE:
        raise ValueError(
            f"spec.interface_mesh_size_mm = {fine!r} does not resolve spec.{name} = {length!r}: "
            f"it must be at most {name} / {CELLS_PER_FEATURE} = {length / CELLS_PER_FEATURE!r}")


def _check_excursion(spec: InterfaceSpec, name: str, excursion: float) -> None:
    """Require the surface to stay within MAX_EXCURSION_FRACTION of either layer's thickness."""
    limit = MAX_EXCURSION_FRACTION * min(spec.li_thickness_mm, spec.electrolyte_thickness_mm)
    if excursion >= limit:
        raise ValueError(
            f"spec.{name} gives a surface excursion of {excursion!r} mm from the nominal plane; "
            f"it must be below {MAX_EXCURSION_FRACTION} of the thinner layer = {limit!r} mm")


def _validate_wavy(spec: InterfaceSpec) -> None:
    _positive("amplitude_mm", spec.amplitude_mm)
    _positive("wavelength_mm", spec.wavelength_mm)
    _resolved("wavelength_mm", spec.wavelength_mm, spec.interface_mesh_size_mm)
    _check_excursion(spec, "amplitude_mm", float(spec.amplitude_mm))


def _validate_rough(spec: InterfaceSpec) -> None:
    _positive("rq_mm", spec.rq_mm)
    _positive("correlation_length_mm", spec.correlation_length_mm)
    _seed(spec.seed)
    _resolved("correlation_length_mm", spec.correlation_length_mm, spec.interface_mesh_size_mm)
    lc_max = spec.extent_mm / MIN_EXTENT_PER_CORRELATION
    if spec.correlation_length_mm > lc_max:
        raise ValueError(f"spec.correlation_length_mm must be at most extent_mm / "
                         f"{MIN_EXTENT_PER_CORRELATION:g} = {lc_max!r}, got "
                         f"{spec.correlation_length_mm!r}")
    # a first bound before the realisation: 3 R_q (the realisation's maximum is checked too)
    _check_excursion(spec, "rq_mm", 3.0 * float(spec.rq_mm))


def _seed(seed) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"spec.seed must be an int >= 0, got {seed!r}")


def _validate_voids(spec: InterfaceSpec, mode: str) -> None:
    count = spec.void_count
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"spec.void_count must be an int >= 1, got {count!r}")
    if spec.void_placement not in PLACEMENTS:
        raise ValueError(f"spec.void_placement must be one of {PLACEMENTS}, got "
                         f"{spec.void_placement!r}")
    if spec.void_placement == "random":
        _seed(spec.seed)
    _positive("void_width_mm", spec.void_width_mm)
    _positive("void_depth_mm", spec.void_depth_mm)
    width, depth, length = spec.void_width_mm, spec.void_depth_mm, spec.extent_mm
    fine = spec.interface_mesh_size_mm
    _resolved("void_width_mm", width, fine)
    if depth > 0.5 * width:
        raise ValueError(f"spec.void_depth_mm must be at most void_width_mm / 2 = {0.5 * width!r} "
                         f"(a spherical cap at most a half sphere), got {depth!r}")
    li_limit = spec.li_thickness_mm - 2.0 * fine
    if depth > li_limit:
        raise ValueError(f"spec.void_depth_mm must leave two interface cells of Li above the void: "
                         f"at most li_thickness_mm - 2 * interface_mesh_size_mm = {li_limit!r}, "
                         f"got {depth!r}")
    if mode == "axisymmetric":
        if count != 1:
            raise ValueError(f"spec.void_count must be 1 in the axisymmetric mode (one void "
                             f"on the axis), got {count!r}")
        if spec.void_placement != "even":
            raise ValueError("spec.void_placement must be 'even' in the axisymmetric mode "
                             f"(the void is on the axis), got {spec.void_placement!r}")
        if 0.5 * width > length - fine:
            raise ValueError(f"spec.void_width_mm must leave one interface cell of contact "
                             f"inside the radius: at most 2 * (extent_mm - "
                             f"interface_mesh_size_mm) = {2.0 * (length - fine)!r}, got {width!r}")
        return
    if width > length - 2.0 * fine:
        raise ValueError(f"spec.void_width_mm must be below the extent less two interface cells "
                         f"= {length - 2.0 * fine!r}, got {width!r}")
    if spec.void_placement == "even":
        per_row = count
        if mode == "3d":
            per_row = math.isqrt(count)
            if per_row**2 != count:
                raise ValueError(f"spec.void_count must be a square (k x k grid) for evenly "
                                 f"placed voids in 3-D, got {count!r}; or void_placement = "
                                 f"'random'")
        pitch = length / per_row
        if width > pitch - 2.0 * fine:
            raise ValueError(
                f"spec.void_width_mm = {width!r}: {count} evenly spaced voids overlap or leave "
                f"less than two interface cells of contact between them; it must be at most "
                f"extent_mm / {per_row} - 2 * interface_mesh_size_mm = {pitch - 2.0 * fine!r}")
