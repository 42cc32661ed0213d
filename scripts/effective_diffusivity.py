"""Where the effective diffusivity of the library hosts turns negative under stress.

D_eff / D = g - theta (1 - theta) Omega'(theta) sigma / (R T) (solver.physics.transport; g = 1,
the ideal potential of every library host) for the volume-ratio curve as used now (convolved
with a Gaussian of ``VOLUME_SMOOTHING``) and as it was (each kink rounded by the hyperbola
(d + sqrt(d^2 + w^2)) / 2 over w = 1e-3): the compression and tension at which D_eff first
reaches zero, where, and the smallest D_eff / D at +-100 MPa.

    python scripts/effective_diffusivity.py
"""

from __future__ import annotations

import numpy as np

from solver.materials import library
from solver.physics import transport
from solver.units import GAS_CONSTANT_J_PER_MOL_K

T_K = 298.15
RANGE_MPA = 100.0


def hyperbola_curvature(curve, theta, width=1.0e-3):
    """J_g'' of the previous construction: sum of jump * w^2 / (2 (d^2 + w^2)^(3/2))."""
    xs, ys = np.asarray(curve.theta), np.asarray(curve.values)
    slopes = np.diff(ys) / np.diff(xs)
    out = np.zeros_like(theta)
    for i in range(1, len(slopes)):
        d = theta - xs[i]
        out += (slopes[i] - slopes[i - 1]) * 0.5 * width**2 / (d * d + width**2) ** 1.5
    return out


def thresholds(lith, curvature, theta):
    """(compression MPa, theta there, tension MPa, theta there, min D_eff/D at +-RANGE)."""
    scale = lith.host_molar_volume_mm3_per_mol / lith.li_per_host_max
    a = theta * (1.0 - theta) * scale * curvature / (GAS_CONSTANT_J_PER_MOL_K * T_K * 1.0e3)
    i, j = np.argmin(a), np.argmax(a)  # D_eff / D = 1 - a sigma
    comp = 1.0 / -a[i] if a[i] < 0 else np.inf
    tens = 1.0 / a[j] if a[j] > 0 else np.inf
    worst = 1.0 - RANGE_MPA * np.max(np.abs(a))
    return comp, theta[i], tens, theta[j], worst


def main() -> None:
    theta = np.linspace(0.0, 1.0, 200001)
    print(f"| host | curve | D_eff = 0 in compression (MPa, at theta) | in tension (MPa, at theta) "
          f"| min D_eff / D at +-{RANGE_MPA:g} MPa |")
    print("|---|---|---|---|---|")
    for name in ("sn", "in", "si", "gain"):
        lith = library.get(name).lithiation
        for label, curv in (
                ("kinks rounded over 1e-3", hyperbola_curvature(lith.volume_ratio, theta)),
                (f"Gaussian, w = {transport.VOLUME_SMOOTHING:g}",
                 transport.mollified_values(lith.volume_ratio, theta, transport.VOLUME_SMOOTHING, 2))):
            comp, tc, tens, tt, worst = thresholds(lith, curv, theta)
            fmt = lambda p, t: "never" if not np.isfinite(p) else f"{p:.3g} ({t:.3f})"  # noqa: E731
            print(f"| {name} | {label} | {fmt(comp, tc)} | {fmt(tens, tt)} | {worst:.3g} |")


if __name__ == "__main__":
    main()
