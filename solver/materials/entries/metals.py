"""Metals that do not host Li: lithium itself (two creep parameter sets) and aluminium."""

from __future__ import annotations

from dataclasses import replace

from solver.materials.entries.base import Material, anchored_prefactor
from solver.materials.laws import DataRange, Elastic, NortonCreep
from solver.materials.references import cite
from solver.units import MPA_PER_GPA

_LI_ELASTIC = Elastic(
    youngs_modulus_MPa=7.82 * MPA_PER_GPA,
    poisson_ratio=0.38,
    source="Masias et al., J. Mater. Sci. 54 (2019) 2585, acoustic E = 7.82 GPa, nu = 0.38",
)

LI = Material(
    name="li",
    description="Lithium metal foil (polycrystalline, bulk); creep: Narayan & Anand 2018",
    category="metal",
    elastic=_LI_ELASTIC,
    creep=NortonCreep(
        prefactor_per_s=4.25e4,
        activation_energy_J_per_mol=37.0e3,
        reference_stress_MPa=2.0,
        stress_exponent=1.0 / 0.15,
        source=(
            "Narayan & Anand, Extreme Mech. Lett. 24 (2018) 21, Table 1: flow rule "
            "A = 4.25e4 1/s, Q = 37 kJ/mol, rate sensitivity m = 0.15 (n = 1/m), "
            "deformation resistance frozen at its initial value s0 = 2.0 MPa (no hardening)"
        ),
    ),
    data_ranges=(
        DataRange(
            "temperature_C", 25.0, 90.0, "creep",
            "the flow rule was calibrated from room temperature (read as 25 C) to ~90 C (the "
            "data of LePage et al., J. Electrochem. Soc. 166 (2019) A89, as commonly cited; "
            "not verified against the papers here)",
        ),
    ),
    molar_volume_mm3_per_mol=13.0e3,
    molar_volume_source=(
        "M / rho = 6.94 g/mol / 0.534 g/cm^3 = 13.0 cm^3/mol (CRC Handbook); gives 4.85 um of "
        "Li per mAh/cm^2, cf. '1 mAh/cm^2 ~ 5 um' in " + cite("Ham2024", "section 2.3.2")
    ),
    notes=(
        "Default creep law: Narayan & Anand (2018), a finite-deformation model of Li. Its "
        "flow rule is a power law (n = 1/m = 6.7, Q = 37 kJ/mol) that its authors calibrated "
        "on tension/compression series over decades of strain rate and from room temperature "
        "to ~90 C (the data of LePage et al., J. Electrochem. Soc. 166 (2019) A89; as commonly "
        "cited, not verified against the papers here). That range covers the sub-MPa to "
        "few-MPa flow stresses and the 25-40 C of the die cells (" + cite("Ham2024", "sections "
        "2.3.1 and 2.3.3") + "). "
        "The existing closed-form and relaxation tests are built on it.",
        "Alternative: 'li_masias2019' (Masias et al. 2019, power-law creep, n = 6.56). Its "
        "prefactor could not be verified here and is anchored on the measured yield strength "
        "instead (see that entry); at 1 MPa and 298 K "
        "it creeps ~16x faster than this entry (2.2e-3 vs 1.4e-4 1/s). The two laws bracket "
        "the Li creep rate; run both when a result depends on it.",
        "Literature values of bulk Li disagree by a factor ~4 in E and ~100 in creep rate "
        "with sample preparation and test method (Darnbrough et al., Materials & Design (2023) "
        "112200); E = 7.82 GPa (acoustic) is kept.",
    ),
)

# Masias et al. fit eps_dot = A' sigma^n exp(-Q/RT) (A' in MPa^-n 1/s); with sigma_ref = 1 MPa
# the Norton form A exp(-Q/RT) (sigma/sigma_ref)^n is the same law with A = A'.
_MASIAS_N = 6.56
_MASIAS_Q = 37.0e3
_MASIAS_ANCHOR_STRESS_MPA = 0.8
_MASIAS_ANCHOR_RATE = 5.0e-4

LI_MASIAS2019 = replace(
    LI,
    name="li_masias2019",
    description="Lithium metal foil; creep: power law of Masias et al. 2019 (n = 6.56)",
    data_ranges=(),  # the anchor is at 25 C only; the paper's ranges are not stated here
    creep=NortonCreep(
        prefactor_per_s=anchored_prefactor(_MASIAS_ANCHOR_RATE, _MASIAS_ANCHOR_STRESS_MPA, 1.0,
                                           _MASIAS_N, _MASIAS_Q),
        activation_energy_J_per_mol=_MASIAS_Q,
        reference_stress_MPa=1.0,
        stress_exponent=_MASIAS_N,
        source=(
            "Masias, Felten, Garcia-Mendez, Wolfenstine, Sakamoto, J. Mater. Sci. 54 (2019) "
            "2585: power-law creep, stress exponent n = 6.56. "
            "Q = 37 kJ/mol (value as commonly cited with this law; not verified against the "
            "paper here). Prefactor: the paper's A could not be retrieved here, so A is anchored "
            "so that the law gives 5e-4 1/s at sigma = 0.8 MPa and 298.15 K, i.e. the measured "
            "room-temperature yield strength 0.73-0.81 MPa (value as commonly cited; not "
            "verified against the paper here) read as the flow stress at a nominal test rate of "
            "5e-4 1/s (assumed); with sigma_ref = 1 MPa, A takes the place of the paper's A' "
            "(MPa^-n 1/s)"
        ),
    ),
    notes=(
        "Same elastic constants and molar volume as 'li'; only the creep law differs.",
        "The prefactor is an anchored estimate, not the published one: treat absolute creep "
        "rates from this entry as uncertain by about an order of magnitude.",
    ),
)

AL = Material(
    name="al",
    description="Aluminium (pure, annealed), e.g. a current collector or foil",
    category="metal",
    elastic=Elastic(
        youngs_modulus_MPa=69.0 * MPA_PER_GPA,
        poisson_ratio=0.33,
        source=(
            "pure Al, E = 69 GPa, nu = 0.33 (ASM Metals Handbook vol. 2 / CRC Handbook; values "
            "as commonly cited; not verified against the handbook here)"
        ),
    ),
    notes=(
        "Not a Li host here. Li-Al (LiAl, 990 mAh/g, +96 %, D ~1e-9-1e-11 cm^2/s: "
        + cite("Lewis2022", "Table 1") + "; ~0.34-0.36 V vs Li) is the counter electrode of "
        + cite("WangGaIn", "Results and discussion, in-situ XRD") + " and could be added as a "
        "host entry if a case needs it.",
        "Creep of Al at room temperature is negligible at stack pressures (T/Tm = 0.32).",
    ),
)
