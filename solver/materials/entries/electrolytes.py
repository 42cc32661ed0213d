"""Solid electrolytes: Li6PS5Cl (argyrodite sulfide), LLZO (garnet oxide), LATP (NASICON)."""

from __future__ import annotations

from solver.materials.entries.base import Material
from solver.materials.laws import Elastic
from solver.materials.references import cite
from solver.units import MPA_PER_GPA

LI6PS5CL = Material(
    name="li6ps5cl",
    description="Argyrodite sulfide solid electrolyte Li6PS5Cl, cold-pressed pellet",
    category="electrolyte",
    elastic=Elastic(
        youngs_modulus_MPa=22.1 * MPA_PER_GPA,
        poisson_ratio=0.30,
        source=(
            "E = 22.1 GPa: Deng et al., J. Electrochem. Soc. 163 (2016) A67 (first principles); "
            "nu = 0.30 typical of sulfide glass-ceramics (Sakuda et al., Sci. Rep. 3 (2013) 2261). "
            "Dense values; the pellets of " + cite("Ham2024", "section 2.2.3") + " are ~85 % "
            "dense"
        ),
    ),
    notes=(
        "Density 1.86 g/cm^3 (" + cite("Lewis2022", "SI Table 3") + "). Sulfide glasses of the Li2S-P2S5 family are "
        "E ~ 20 GPa, G ~ 7 GPa (McGrogan et al., Adv. Energy Mater. 7 (2017) 1602011, as "
        "commonly cited), consistent with the value kept here.",
    ),
)

LLZO = Material(
    name="llzo",
    description="Garnet oxide solid electrolyte Li7La3Zr2O12 (Al-doped cubic LLZO), hot-pressed",
    category="electrolyte",
    elastic=Elastic(
        youngs_modulus_MPa=149.8 * MPA_PER_GPA,
        poisson_ratio=0.257,
        source=(
            "Ni, Case, Sakamoto et al., J. Mater. Sci. 47 (2012) 7978, resonant ultrasound on "
            "hot-pressed Li6.24La3Zr2Al0.24O11.98: E = 149.8 +- 0.4 GPa at porosity 0.03 "
            "(132.6 GPa at 0.06), abstract; nu = 0.257 from the same measurement (value as "
            "commonly cited, not verified against the paper's table here)"
        ),
    ),
    notes=(
        "Density 5.1 g/cm^3 (" + cite("Lewis2022", "SI Table 3") + "). Ta-doped LLZTO at 98 % density: "
        "E = 158 +- 10 GPa by nanoindentation (Hu et al., Chin. Phys. Lett. 2021, abstract).",
    ),
)

LATP = Material(
    name="latp",
    description="NASICON oxide solid electrolyte Li1.3Al0.3Ti1.7(PO4)3 (LATP), sintered pellet",
    category="electrolyte",
    elastic=Elastic(
        youngs_modulus_MPa=115.0 * MPA_PER_GPA,
        poisson_ratio=0.25,
        source=(
            "E = 115 GPa for fine-grained (1.7 um) LATP, 81 GPa for coarse-grained "
            "(microcracked) LATP: Jackman & Cutler, J. Power Sources 218 (2012) 65, abstract; "
            "nu = 0.25 assumed (typical of dense oxide ceramics; no measured LATP value found)"
        ),
    ),
    notes=(
        "The LATP pellets of " + cite("Luo2023", "ESI, preparation of solid electrolytes")
        + " (sintered 800 C, 4 h) are of unknown grain size; LATP "
        "microcracks above a critical grain size, which lowers E (Jackman & Cutler 2012).",
        "Lattice R-3c, a = 8.500 A, c = 20.808 A (" + cite("Luo2023", "ESI Table S1") + ").",
    ),
)

ELECTROLYTES = (LI6PS5CL, LLZO, LATP)
