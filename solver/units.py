"""Physical constants and the internal unit system.

Internally the solver works in millimetres, seconds, newtons and megapascals (N/mm^2), so
that forces on a 10 mm die are O(100) N and stresses O(1-100) MPa. Amounts are in moles,
temperatures in kelvin. Case files and outputs use the units named in their keys
(``thickness_um``, ``current_mA_cm2``, ...); conversion happens only at those edges.
"""

FARADAY_C_PER_MOL = 96485.33212
"""Faraday constant (CODATA 2018, exact)."""

GAS_CONSTANT_J_PER_MOL_K = 8.314462618
"""Molar gas constant (CODATA 2018, exact)."""

ZERO_CELSIUS_K = 273.15

UM_PER_MM = 1000.0
MM2_PER_CM2 = 100.0
MPA_PER_GPA = 1000.0
S_PER_H = 3600.0
C_PER_MAH = 3.6


def capacity_to_charge_density(capacity_mAh_cm2: float) -> float:
    """Areal capacity in mAh/cm^2 to areal charge in C/mm^2."""
    return capacity_mAh_cm2 * C_PER_MAH / MM2_PER_CM2


def plated_thickness_mm(capacity_mAh_cm2: float, molar_volume_mm3_per_mol: float) -> float:
    """Thickness of metal plated by an areal capacity: h = (q / F) * V_m.

    Args:
        capacity_mAh_cm2: areal capacity passed, mAh/cm^2.
        molar_volume_mm3_per_mol: molar volume of the plated metal, mm^3/mol.

    Returns:
        Plated thickness in mm (4.85e-3 mm per mAh/cm^2 for Li, V_m = 13.0 cm^3/mol).
    """
    return capacity_to_charge_density(capacity_mAh_cm2) / FARADAY_C_PER_MOL * molar_volume_mm3_per_mol
