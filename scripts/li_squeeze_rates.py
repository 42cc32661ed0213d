"""Li foil thinning rates as squeeze flow: the Narayan-Anand law against the rates Ham (2024,
section 2.3.3) quotes from Ding et al. (2021): 0.06 um/h at 2.2 MPa and 0.42 um/h at 3.5 MPa,
30 C.

    .venv/bin/python scripts/li_squeeze_rates.py

A foil that sticks to its plates thins at the power-law squeeze-film rate (Scott 1931; the
finite-element disc follows it to 1-3 % in pressure at n = 1 and 3, tests/test_squeeze_flow.py),

    -dh/dt = m h^2 / (2m + 1) [p (m + 3) h / (2 K R^(m+1))]^n,  m = 1/n,
    K = 3^(-(n+1)/(2n)) A'^(-1/n),  A' = A exp(-Q / RT) / s0^n,

so a thinning rate fixes the foil's aspect ratio R/h for a given law. The script finds, for a
range of foil thicknesses, the radius at which the library's Li law gives the 2.2 MPa rate, and
the rate that foil then has at 3.5 MPa (a prediction to set beside 0.42 um/h). The foil
geometry of the measurement is not given, so this is a consistency check, not a fit.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from solver import materials  # noqa: E402
from solver.units import GAS_CONSTANT_J_PER_MOL_K, ZERO_CELSIUS_K  # noqa: E402

UM_PER_H = 1.0e3 * 3600.0  # mm/s -> um/h
MEASURED = {2.2: 0.06, 3.5: 0.42}  # MPa -> um/h, 30 C


def squeeze_rate(p: float, h: float, radius: float, K: float, n: float) -> float:
    m = 1.0 / n
    return m * h * h / (2 * m + 1) * (p * (m + 3) * h / (2 * K * radius ** (m + 1))) ** n


def radius_for_rate(rate: float, p: float, h: float, K: float, n: float) -> float:
    """The disc radius (mm) at which the squeeze rate is ``rate`` (bisection in log R)."""
    lo, hi = h, 1.0e4 * h
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if squeeze_rate(p, h, mid, K, n) > rate else (lo, mid)
    return math.sqrt(lo * hi)


def main() -> None:
    li = materials.get("li").creep
    n = li.stress_exponent
    T = 30.0 + ZERO_CELSIUS_K
    a = li.prefactor_per_s * math.exp(-li.activation_energy_J_per_mol / (GAS_CONSTANT_J_PER_MOL_K * T))
    a /= li.reference_stress_MPa ** n
    K = 3.0 ** (-(n + 1) / (2 * n)) * a ** (-1.0 / n)
    print(f"Li (Narayan & Anand 2018), 30 C: n = {n:.2f}; frictionless (uniaxial) thinning of a "
          f"0.1 mm foil at 2.2 MPa: {a * 2.2 ** n * 0.1 * UM_PER_H:.3g} um/h")
    print(f"{'h (mm)':>7s} {'R (mm)':>8s} {'R/h':>6s} {'at 2.2 MPa':>11s} {'at 3.5 MPa':>11s} (um/h)")
    for h in (0.05, 0.1, 0.2, 0.5, 0.75):
        R = radius_for_rate(MEASURED[2.2] / UM_PER_H, 2.2, h, K, n)
        print(f"{h:7.2f} {R:8.3f} {R / h:6.1f} {squeeze_rate(2.2, h, R, K, n) * UM_PER_H:11.3f} "
              f"{squeeze_rate(3.5, h, R, K, n) * UM_PER_H:11.3f}")
    print(f"measured: {MEASURED[2.2]} um/h at 2.2 MPa, {MEASURED[3.5]} um/h at 3.5 MPa")


if __name__ == "__main__":
    main()
