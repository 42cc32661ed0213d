"""Cell hardware: the PEEK die holder and stainless-steel die parts."""

from __future__ import annotations

from solver.materials.entries.base import Material
from solver.materials.laws import Elastic
from solver.units import MPA_PER_GPA

PEEK = Material(
    name="peek",
    description="PEEK die holder (004:L393, 10 mm bore)",
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
        "Seed 001 presses electrodes onto steel rods (001:L152); seed 004 uses titanium rods "
        "as plungers (004:L393), which are not in the library.",
    ),
)

STRUCTURAL = (PEEK, STEEL)
