"""Cell hardware: the PEEK die holder and stainless-steel die parts."""

from __future__ import annotations

from solver.materials.entries.base import Material
from solver.materials.laws import Elastic
from solver.materials.references import cite
from solver.units import MPA_PER_GPA

PEEK = Material(
    name="peek",
    description="PEEK die holder (10 mm bore, as in Ham 2024, section 2.2.3)",
    category="structural",
    elastic=Elastic(
        youngs_modulus_MPa=3.7 * MPA_PER_GPA,
        poisson_ratio=0.40,
        source="Victrex PEEK 450G data sheet: tensile modulus 3.7 GPa (ISO 527), Poisson 0.40",
    ),
)

STEEL = Material(
    name="steel",
    description="Stainless steel AISI 316L (die body, plungers, rods)",
    category="structural",
    elastic=Elastic(
        youngs_modulus_MPa=193.0 * MPA_PER_GPA,
        poisson_ratio=0.27,
        source=(
            "AISI 316L, E = 193 GPa (28.0e6 psi), nu = 0.27 (AK Steel 316/316L product data "
            "bulletin; values as commonly cited, not verified against the bulletin here)"
        ),
    ),
    notes=(
        "Hardened steel rods press the pellets of " + cite("Hansel2021", "Experimental "
        "Section") + "; titanium rods are the plungers of " + cite("Ham2024", "section 2.2.3")
        + ", and titanium is not in the library.",
    ),
)

STRUCTURAL = (PEEK, STEEL)
