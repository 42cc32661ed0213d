"""Cathodes: the NCM811 composite of Ham 2024 and the NMC111 oxide of Wang et al."""

from __future__ import annotations

from solver.materials.entries.base import Material
from solver.materials.laws import Elastic, VolumeChangeTable
from solver.materials.references import cite, short
from solver.units import MPA_PER_GPA

NCM811_COMPOSITE = Material(
    name="ncm811_composite",
    description=("NCM811 : Li6PS5Cl : VGCF = 66 : 31 : 3 wt% cathode composite (Ham 2024, "
                 "section 2.2.1)"),
    category="cathode",
    elastic=Elastic(
        youngs_modulus_MPa=22.1 * MPA_PER_GPA,
        poisson_ratio=0.30,
        source=(
            "assumed equal to Li6PS5Cl, the continuous and softer phase of the composite "
            "(no measured composite modulus in the papers cited); the stack pressure is "
            "insensitive to it because the fixture compliance dominates"
        ),
    ),
    volume_change=VolumeChangeTable(
        state=(0.0, 1.0),
        volume_ratio=(1.0, 0.981),
        source=(
            cite("Ham2024", "Table 2.1") + ": cathode -1 um per 4 mAh/cm^2 on charge, in the "
            "die. A 4 mAh/cm^2 composite at 200 mAh/g (" + cite("Lewis2022", "SI Table 3")
            + ") and 66 wt% NCM is 30.3 mg/cm^2, 97 um at 3.13 g/cm^3 (NCM 4.78, LPSCl "
            "1.86 g/cm^3: " + short("Lewis2022", "SI Table 3") + "), so the confined "
            "axial strain is -1.03 %; a free isotropic strain e gives 3K/M e axially in the die "
            "(nu = 0.30), so e = -0.64 % and J_g = 0.981 at full charge. Linear in between: "
            "the table gives only the end point"
        ),
    ),
    notes=(
        "No entry for the pure NCM811 oxide: no verified modulus was found (first-principles "
        "moduli of NMC fall with Ni content, Liu et al., PRX Energy 3 (2024) 013012, abstract); "
        "its unit-cell volume changes by ~5.1 % between 3.0 and 4.3 V vs Li (Kondrakov et al., "
        "J. Phys. Chem. C 121 (2017) 3286, abstract).",
    ),
)

NMC111 = Material(
    name="nmc111",
    description="LiNi1/3Mn1/3Co1/3O2 (NMC111) oxide, dense (cathode of the Wang et al. full cells)",
    category="cathode",
    elastic=Elastic(
        youngs_modulus_MPa=199.0 * MPA_PER_GPA,
        poisson_ratio=0.25,
        source=(
            "E = 199 GPa, nu = 0.25: Cheng et al., J. Eur. Ceram. Soc. 37 (2017) 3213, "
            "'Mechanical and physical properties of LiNi0.33Mn0.33Co0.33O2 (NMC)' (values as "
            "commonly cited; not verified against the paper here)"
        ),
    ),
    notes=(
        "The full cells of " + cite("WangGaIn", "Experimental, SSB-F") + " use an NMC111 : "
        "Super C65 : Li6PS5Cl = 6:1:3 composite; this "
        "entry is the dense oxide. Its unit-cell volume changes by ~1.2 % between 3.0 and "
        "4.3 V vs Li (Kondrakov et al., J. Phys. Chem. C 121 (2017) 3286, abstract); no "
        "volume-change table is attached.",
    ),
)

CATHODES = (NCM811_COMPOSITE, NMC111)
