"""Which healing flux can give the measured rise of the critical current with stack pressure?

A void at the Li / electrolyte interface grows while stripping recedes the Li faster than a
healing flux refills it. With creep alone, a void of radius a in Li under the stack pressure p
fills at the Budiansky-Hutchinson-Slutsky speed v = a (A/2) (3p / 2n)^n (b -> inf,
:func:`solver.verification.closed_form.void_healing_velocity`), and stripping at i recedes at
i V_m / F; the critical current is where they are equal, i_c = (F / V_m) v(p), so it rises as
p^n (n = 6.67 for the library's Li). The measured critical currents (Ham 2024, section 2.3.3,
Fig. 2.11: Li | Li6PS5Cl | Li at 40 C, 12.8 mg/cm^2) rise far more slowly.

Each healing law is fitted on one point, the 1 MPa critical current of each fixture (its one
free constant: the void radius for creep, a rate constant for the linear law), and predicts
the others. The linear law stands for a diffusional flux (Li self-diffusion along the
interface, or Coble/Nabarro-Herring creep), whose rate is proportional to p.

    python scripts/healing_fluxes.py

Ham 2024: S.-Y. Ham, PhD dissertation, University of California San Diego (2024), chapter 2,
published as Ham et al., Energy Storage Mater. 55 (2023) 455, doi:10.1016/j.ensm.2022.12.013.
"""

from __future__ import annotations

import math

from solver.materials import library
from solver.physics.stripping import LI_MOLAR_VOLUME_MM3_PER_MOL
from solver.units import FARADAY_C_PER_MOL, MM2_PER_CM2
from solver.verification import closed_form as cf

TEMPERATURE_K = 313.15  # 40 C
PRESSURES_MPA = (1.0, 3.0, 5.0)
MEASURED = {  # fixture -> critical current (mA/cm^2) at PRESSURES_MPA (Ham 2024, Fig. 2.11)
    "fixed gap": (0.3, 0.4, 0.6),
    "springs": (0.3, 0.6, 1.2),
}
"""The 5 MPa values follow from the text: a difference of 0.6 mA/cm^2, 'effectively double'."""

MA_CM2_PER_A_MM2 = 1.0e3 * MM2_PER_CM2


def creep_critical_current(p_MPa: float, radius_mm: float) -> float:
    """(F / V_m) v_heal(p): the current (mA/cm^2) that creep alone can outrun."""
    law = library.get("li").creep
    A = cf.norton_coefficient(law.prefactor_per_s, law.activation_energy_J_per_mol,
                              law.reference_stress_MPa, law.stress_exponent, TEMPERATURE_K)
    v = cf.void_healing_velocity(p_MPa, A, law.stress_exponent, radius_mm)
    return v * FARADAY_C_PER_MOL / LI_MOLAR_VOLUME_MM3_PER_MOL * MA_CM2_PER_A_MM2


def fitted_radius_mm(i_mA_cm2: float, p_MPa: float) -> float:
    """The void radius for which creep alone gives the current i at p (v is linear in a)."""
    return i_mA_cm2 / creep_critical_current(p_MPa, 1.0)


def main() -> None:
    law = library.get("li").creep
    print(f"Li creep (library 'li'): n = {law.stress_exponent:.2f}, at {TEMPERATURE_K - 273.15:g} C\n")
    print("| fixture | law | fitted on 1 MPa | p (MPa) | measured (mA/cm^2) | predicted (mA/cm^2) |")
    print("|---|---|---|---:|---:|---:|")
    for fixture, measured in MEASURED.items():
        radius = fitted_radius_mm(measured[0], PRESSURES_MPA[0])
        for p, i in zip(PRESSURES_MPA, measured, strict=True):
            predicted = creep_critical_current(p, radius)
            print(f"| {fixture} | creep, p^{law.stress_exponent:.2f} | void radius "
                  f"{radius * 1e3:.3g} um | {p:g} | {i:g} | {predicted:.3g} |")
        for p, i in zip(PRESSURES_MPA, measured, strict=True):
            print(f"| {fixture} | linear in p | {measured[0]:g} mA/cm^2 per MPa | {p:g} | {i:g} | "
                  f"{measured[0] * p / PRESSURES_MPA[0]:.3g} |")
        for radius_um in (1.0, 10.0):  # no fit: voids of the size of the interface's features
            for p, i in zip(PRESSURES_MPA, measured, strict=True):
                print(f"| {fixture} | creep, {radius_um:g} um void (no fit) | | {p:g} | {i:g} | "
                      f"{creep_critical_current(p, radius_um * 1e-3):.3g} |")
        slope = math.log(measured[-1] / measured[0]) / math.log(PRESSURES_MPA[-1] / PRESSURES_MPA[0])
        print(f"| {fixture} | measured trend | | 1-5 | i ~ p^{slope:.2f} | |")


if __name__ == "__main__":
    main()
