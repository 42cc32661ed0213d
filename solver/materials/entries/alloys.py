"""Li hosts (Sn, Si, In, Ga-In liquid metal) and the phases of them used as electrodes.

theta = x / x_max for Li_x M (M the host atom). Every host carries a
:class:`~solver.materials.laws.Lithiation` record: x_max, the host molar volume, the
open-circuit potential U(theta) vs Li/Li+ with its two-phase plateaus, the volume ratio
J_g(theta) = V(theta)/V(0) built from the molar volumes of the phases (linear between two
phases: a two-phase mixture's volume is additive), the chemical diffusivity D(theta), and where
published theta-dependent elastic moduli.

Phase entries (``li17sn4``, ``lisn``, ...) are the same host assembled at another state of
lithiation (``initial_theta``): the electrodes of Hansel et al. 2021 (Chem. Mater. 33, 6029,
doi:10.1021/acs.chemmater.1c01431).

Diffusivities of Li-Sn and Li-In at room temperature scatter over orders of magnitude in the
literature ("can vary by orders of magnitude": Lewis et al. 2022, Joule 6, 1418,
doi:10.1016/j.joule.2022.05.016, section Research Questions and Challenges). The values here
are inferred from the stripping capacities of Hansel et al. 2021 (Fig. 3) with Sand's equation
for a semi-infinite electrode at constant current density i: the surface empties at
t = pi D (F c0)^2 / (4 i^2), so D = 4 i^2 t / (pi (F c0)^2), with c0 = x0 / V_host,
i = 0.2 mA / 1.131 cm^2 (200 uA on the 12 mm die; Fig. 3 caption and Experimental Section) and
t = stripped capacity / 0.2 mA (Fig. 3b). Those stripping cases are therefore calibration, not
independent validation, for D. Full references: docs/references.md.
"""

from __future__ import annotations

from dataclasses import replace

from solver.materials.entries.base import (
    ATOMIC_MASS_G_PER_MOL,
    MM2_PER_CM2,
    MM3_PER_CM3,
    Material,
    anchored_prefactor,
    log_linear,
    staircase,
)
from solver.materials.laws import (
    Curve,
    DataRange,
    Elastic,
    Lithiation,
    NortonCreep,
    PerzynaViscoplasticity,
    ViscousLiquid,
)
from solver.materials.references import cite, short
from solver.units import MPA_PER_GPA

def _tables_span(host: str, last_phase: str) -> DataRange:
    """theta 0-1: the phase tables of a host run from the unlithiated host to its last phase."""
    return DataRange("theta", 0.0, 1.0, "lithiation",
                     f"the tables of '{host}' run from the unlithiated host (theta = 0) to "
                     f"{last_phase} (theta = 1); outside, their end segments are extended")


_SAND = (
    "Sand's time for a semi-infinite electrode, D = 4 i^2 t / (pi (F c0)^2), "
    "i = 0.177 mA/cm^2 (0.2 mA on the 1.131 cm^2 of the 12 mm die, "
    + short("Hansel2021", "Fig. 3 caption and Experimental Section") + ")"
)


def _phase(host: Material, name: str, formula: str, x: float, description: str,
           notes: tuple[str, ...] = ()) -> Material:
    """``host`` assembled as the phase Li_x M (initial_theta = x / x_max)."""
    lith = host.lithiation
    assert lith is not None
    theta0 = x / lith.li_per_host_max
    elastic = host.elastic
    if lith.youngs_modulus_MPa is not None or lith.poisson_ratio is not None:
        e_curve = lith.youngs_modulus_MPa
        e = e_curve(theta0) if e_curve else elastic.youngs_modulus_MPa
        nu = lith.poisson_ratio(theta0) if lith.poisson_ratio else elastic.poisson_ratio
        elastic = Elastic(
            youngs_modulus_MPa=round(e, 1),
            poisson_ratio=round(nu, 4),
            source=f"'{host.name}' curves at theta = {theta0:.4f}: " + (
                (lith.youngs_modulus_MPa or lith.poisson_ratio).source  # type: ignore[union-attr]
            ),
        )
    return replace(
        host,
        name=name,
        description=description,
        elastic=elastic,
        initial_theta=round(theta0, 6),
        notes=(
            f"{formula} is host '{host.name}' at theta = x/x_max = {x:g}/{lith.li_per_host_max:g}"
            f" = {theta0:.4f}: the mesh is the phase as assembled, and Li can be removed "
            f"(theta down to 0) or added (up to 1).",
            *notes,
            *host.notes,
        ),
    )


# --------------------------------------------------------------------------------------------
# Tin

_SN_X_MAX = 4.25
_SN_V_CM3 = ATOMIC_MASS_G_PER_MOL["Sn"] / 7.287  # 16.29 cm^3/mol, beta-Sn
# (phase, x in Li_x Sn, J_g = volume per Sn / 27.05 A^3)
_SN_PHASES = (
    ("Sn", 0.0, 1.000),
    ("Li2Sn5", 0.4, 1.219),
    ("LiSn", 1.0, 1.518),
    ("Li7Sn3", 7.0 / 3.0, 2.262),
    ("Li5Sn2", 2.5, 2.377),
    ("Li13Sn5", 2.6, 2.421),
    ("Li7Sn2", 3.5, 2.968),
    ("Li17Sn4", 4.25, 3.540),
)
_SN_THETA = tuple(round(x / _SN_X_MAX, 6) for _, x, _ in _SN_PHASES)

_SN_E_CURVE = Curve(
    (0.0, 1.0),
    (58.0 * MPA_PER_GPA, 28.6 * MPA_PER_GPA),
    "nanoindentation of electrochemically lithiated Sn, Extreme Mech. Lett. 40 (2020) 100907 "
    "(abstract): modulus 58.0 GPa unlithiated, 28.6 GPa fully lithiated (Li22Sn5, taken as "
    "theta = 1); linear in between, as the first-principles moduli of Li_xSn decrease 'almost "
    "linearly' with Li content (Zhang et al., RSC Adv. 5 (2015) 36022, abstract)",
)

_SN_CREEP_N = 7.5
_SN_CREEP_Q = 44.0e3
_SN_SIGMA_REF = 15.0

SN = Material(
    name="sn",
    description="Tin (beta-Sn) foil or particles; Li host Sn -> Li2Sn5 -> LiSn -> ... -> Li17Sn4",
    category="host",
    host_element="Sn",
    elastic=Elastic(
        youngs_modulus_MPa=58.0 * MPA_PER_GPA,
        poisson_ratio=0.36,
        source=(
            "E = 58.0 GPa: nanoindentation, Extreme Mech. Lett. 40 (2020) 100907 (same study "
            "as the E(theta) curve); nu = 0.36 for Sn (CRC Handbook; value as commonly cited, "
            "not verified here); nu is kept constant with lithiation (no published curve found)"
        ),
    ),
    creep=NortonCreep(
        prefactor_per_s=anchored_prefactor(1.0e-3, _SN_SIGMA_REF, _SN_SIGMA_REF, _SN_CREEP_N,
                                           _SN_CREEP_Q),
        activation_energy_J_per_mol=_SN_CREEP_Q,
        reference_stress_MPa=_SN_SIGMA_REF,
        stress_exponent=_SN_CREEP_N,
        source=(
            "beta-Sn power-law creep below 0.81 Tm: n = 7.5, Q = 44 kJ/mol (pipe-diffusion "
            "controlled climb; Fujiwara & Otsuka, J. Japan Inst. Metals 63 (1999) 760, "
            "abstract; Hamada et al., Mater. Trans. 51 (2010) 1747: n ~ 7, Q = 41-45 kJ/mol at "
            "298-398 K). No absolute rate was retrieved, so A is anchored: 1e-3 1/s at "
            "sigma_ref = 15 MPa and 298.15 K, i.e. the room-temperature tensile strength of "
            "cast pure Sn (~15 MPa, ASM Handbook; value as commonly cited, not verified here) "
            "at a nominal test rate; consistent with "
            + cite("WangGaIn", "Results and discussion, stack pressure (Fig. 7)")
            + ": 20 MPa exceeds the yield strength of Sn and Li-Sn"
        ),
        reference_stress_vs_theta=Curve(
            (0.0, 1.0),
            (_SN_SIGMA_REF, round(_SN_SIGMA_REF * 0.37 / 0.77, 2)),
            "softening with lithiation (" + cite("WangGaIn", "Results and discussion, stack "
            "pressure (Figs. 7, 8)") + "): sigma_ref scaled by the measured "
            "hardness, 0.77 GPa unlithiated -> 0.37 GPa fully lithiated Sn (Extreme Mech. "
            "Lett. 40 (2020) 100907, abstract; flow stress ~ H/3 at a fixed indentation "
            "strain rate), linear in theta (assumed)",
        ),
    ),
    lithiation=Lithiation(
        li_per_host_max=_SN_X_MAX,
        host_molar_volume_mm3_per_mol=round(_SN_V_CM3 * MM3_PER_CM3, 1),
        source=(
            "phases Sn -> Li2Sn5 -> LiSn -> Li7Sn3 -> Li5Sn2 -> Li13Sn5 -> Li7Sn2 -> Li17Sn4 "
            "(" + cite("WangGaIn", "Fig. 7 voltage plateaus") + "; DFT convex hull of "
            + cite("Hansel2021", "Fig. 4b") + "); x_max = 4.25 Li per Sn, Li17Sn4 (the most "
            "lithiated phase of that hull), the "
            "'Li4.4Sn' of older literature (Li22Sn5, 994 mAh/g; Li17Sn4 gives 960 mAh/g Sn); "
            "V_host = M/rho = 118.710 g/mol / 7.287 g/cm^3 (beta-Sn, CRC Handbook) = "
            "16.29 cm^3/mol"
        ),
        open_circuit_potential_V=staircase(
            _SN_THETA,
            (0.76, 0.66, 0.53, 0.485, 0.42, 0.40, 0.38),
            "room-temperature two-phase plateaus of Li-Sn vs Li: Sn/Li2Sn5 0.76, Li2Sn5/LiSn "
            "0.66, LiSn/Li7Sn3 0.53, Li7Sn3/Li5Sn2 0.485, Li5Sn2/Li13Sn5 0.42, Li7Sn2/Li17Sn4 "
            "0.38 V (Huggins, J. Power Sources 81-82 (1999) 13, Table of 25 C Li-Sn plateaus, "
            "from Wen & Huggins, J. Solid State Chem. 37 (1981) 271; values as commonly cited, "
            "not verified against the papers here); Li13Sn5/Li7Sn2 0.40 V interpolated. "
            "Average over x = 0.51 V, cf. 0.50 V in " + cite("Lewis2022", "Table 1") + " and "
            "the DFT 0.60 V (" + cite("Hansel2021", "Fig. 4d") + "). Steps over 0.004 in theta "
            "at each line compound",
        ),
        volume_ratio=Curve(
            _SN_THETA,
            tuple(j for _, _, j in _SN_PHASES),
            "J_g = volume per Sn atom of each phase / 27.05 A^3 (beta-Sn, M/rho), linear in "
            "between (two-phase mixtures). Li2Sn5 P4/mbm a = 10.274, c = 3.125 A, Z = 2 (Hansen "
            "& Chang, Acta Cryst. B25 (1969) 2392): 33.0 A^3 -> 1.219; LiSn P2/m a = 5.17, b = "
            "3.18, c = 7.74 A, beta = 104.5 deg, Z = 3: 41.1 -> 1.518; Li7Sn3 P2_1/m a = 9.45, "
            "b = 8.56, c = 4.72 A, gamma = 105.95 deg, Z = 2: 61.2 -> 2.262; Li5Sn2 R-3m a = "
            "4.74, c = 19.83 A, Z = 3: 64.3 -> 2.377; Li13Sn5 P-3m1 a = 4.70, c = 17.12 A: 65.5 "
            "-> 2.421; Li7Sn2 Cmmm a = 9.80, b = 13.80, c = 4.75 A, Z = 4: 80.3 -> 2.968 (these "
            "lattice parameters as commonly cited, not verified here); Li17Sn4 F-43m a = "
            "19.714 A, Z = 20 (Chem. Met. Alloys 9 (2016) 92): 95.8 A^3 -> 3.540, i.e. +254 %, "
            "cf. ~260 % (" + cite("WangGaIn", "Results and discussion, stack pressure") + "; "
            + cite("Lewis2022", "Table 1") + ")",
        ),
        diffusivity_mm2_per_s=Curve(
            (round(0.4 / _SN_X_MAX, 6), 1.0),
            (2.6e-12 * MM2_PER_CM2, 4.0e-12 * MM2_PER_CM2),
            "chemical D inferred from the stripping at 45 MPa (best contact) of "
            + cite("Hansel2021", "Fig. 3b") + " by " + _SAND + ": Li2Sn5 0.02 mAh -> "
            "2.6e-12 cm^2/s; Li17Sn4 3.5 mAh -> 4.0e-12 cm^2/s; linear in between, constant "
            "outside. Order of magnitude only; rises with Li content as the paper states "
            "(sections Li Cycling Behavior in Symmetric Cells and Conclusions; DFT barriers "
            "Li2Sn5 434, LiSn 457, Li17Sn4 263 meV, section Computational Assessment of the Li "
            "Migration Barriers). Literature: 1e-14-1e-16 cm^2/s (" + cite("Lewis2022",
                                                                           "Table 1") + ")",
        ),
        youngs_modulus_MPa=_SN_E_CURVE,
    ),
    data_ranges=(
        DataRange("temperature_C", 298.0 - 273.15, 398.0 - 273.15, "creep",
                  "creep exponent and activation energy measured at 298-398 K (Hamada et al., "
                  "Mater. Trans. 51 (2010) 1747)"),
        _tables_span("sn", "Li17Sn4"),
        DataRange("theta", round(0.4 / _SN_X_MAX, 6), 1.0, "diffusivity",
                  "D(theta) rests on two points, Li2Sn5 (theta = 0.094) and Li17Sn4 "
                  "(theta = 1), and is held constant below Li2Sn5"),
    ),
    notes=(
        "E(theta) from one nanoindentation study (electrochemically lithiated Sn, tested in a "
        "mineral-oil bath); "
        "bulk polycrystalline beta-Sn is ~50 GPa in handbooks. The study's value is used at "
        "theta = 0 so that both ends come from one method.",
        "Creep: n and Q published; the prefactor is anchored (see the creep source). Mathew et "
        "al., Metall. Mater. Trans. A 36 (2005) 99 give n = 7.6, Q = 60.3 kJ/mol for pure Sn "
        "from ambient to 473 K; the pipe-diffusion values (Q = 44 kJ/mol) are used because "
        "they hold at room temperature.",
        "Li-rich Li-Sn phases are 'hard and brittle' (" + cite("Hansel2021", "section Alloy "
        "Processing and Electrode Fabrication") + "): a creep law may overstate their "
        "flow; set 'creep = none' in a case to test that bound.",
        "D: the literature spread (1e-16 to ~1e-8 cm^2/s by the barrier rule of thumb of "
        + short("Hansel2021", "section Computational Assessment of the Li Migration Barriers")
        + ") is far wider than the stripping inference; override with "
        "diffusivity_cm2_per_s to test sensitivity.",
    ),
)

LI2SN5 = _phase(SN, "li2sn5", "Li2Sn5", 0.4,
                "Li2Sn5 electrode (Hansel et al. 2021), host Sn at theta = 0.094")
LISN = _phase(SN, "lisn", "LiSn", 1.0, "LiSn electrode (Hansel et al. 2021), host Sn at theta = 0.235")
LI17SN4 = _phase(
    SN, "li17sn4", "Li17Sn4", _SN_X_MAX,
    "Li17Sn4 electrode (Hansel et al. 2021), host Sn fully lithiated",
    notes=("Li17Sn4 is 'hard and brittle' and was milled and pressed at 150 MPa ("
           + cite("Hansel2021", "sections Alloy Processing and Electrode Fabrication, "
                  "Experimental Section") + ").",),
)

# --------------------------------------------------------------------------------------------
# Silicon

_SI_X_MAX = 3.75
_SI_V_CM3 = ATOMIC_MASS_G_PER_MOL["Si"] / 2.329  # 12.06 cm^3/mol

_SI_PERZYNA = PerzynaViscoplasticity(
    reference_strain_rate_per_s=1.0,
    overstress_exponent=2.0,
    yield_stress_MPa=2.0 * MPA_PER_GPA,
    source=(
        "overstress form of Bower, Guduru & Sethuraman, J. Mech. Phys. Solids 59 (2011) 804, "
        "doi:10.1016/j.jmps.2011.01.003: eps_dot = eps0 (sigma_eq / sigma_y - 1)^m above yield. "
        "Their fitted eps0 and m could not be retrieved here, so eps0 = 1 1/s and m = 2 are a "
        "viscous regularisation, not a measurement: the overstress (eps_dot / eps0)^(1/m) is "
        "1 % at 1e-4 1/s (a film lithiated in hours strains at 1e-5-1e-4 1/s), so the flow "
        "stress is the yield stress and the law is nearly rate-independent at cell rates"
    ),
    yield_stress_vs_theta=Curve(
        (0.0, 1.0),
        (2.0 * MPA_PER_GPA, 0.43 * MPA_PER_GPA),
        "yield strength ~2 GPa unlithiated -> ~430 MPa fully lithiated (Berla, Lee, Cui & Nix, "
        "J. Power Sources 273 (2015) 41, nanoindentation of electrochemically lithiated Si, as "
        "cited by Lewis, Cavallaro, Liu & McDowell, Joule 6 (2022) 1418; not verified against "
        "the paper here); linear in theta in between (assumed)",
    ),
)

SI = Material(
    name="si",
    description="Silicon (amorphous after the first lithiation); Li host up to Li15Si4",
    category="host",
    host_element="Si",
    elastic=Elastic(
        youngs_modulus_MPa=90.0 * MPA_PER_GPA,
        poisson_ratio=0.21,
        source=(
            "amorphous Si, E = 90 GPa (Shenoy, Johari & Qi, J. Power Sources 195 (2010) 6825, "
            "first principles; value as commonly cited, not verified against the paper here); "
            "nu = 0.21 (Qi et al., J. Electrochem. Soc. 161 (2014) F3010; value as commonly "
            "cited, not verified here)"
        ),
    ),
    lithiation=Lithiation(
        li_per_host_max=_SI_X_MAX,
        host_molar_volume_mm3_per_mol=round(_SI_V_CM3 * MM3_PER_CM3, 1),
        source=(
            "x_max = 3.75 Li per Si: Li15Si4, the most lithiated phase at room temperature "
            "(" + cite("Lewis2022", "Table 1") + "; crystallises below ~30-50 mV, Hatchard & "
            "Dahn, J. Electrochem. Soc. 151 (2004) A838), 3579 mAh/g (same table); V_host = "
            "M/rho = "
            "28.085 / 2.329 g/cm^3 (CRC Handbook) = 12.06 cm^3/mol"
        ),
        open_circuit_potential_V=Curve(
            (0.0, 0.25, 0.5, 0.75, 1.0),
            (0.40, 0.30, 0.22, 0.13, 0.05),
            "amorphous Li_xSi, sloping with no plateau: ~0.4 V at low x to ~0.05 V at x = 3.75 "
            "(shape of the a-Si curves of Obrovac & Christensen, Electrochem. Solid-State "
            "Lett. 7 (2004) A93 and Hatchard & Dahn 2004; points read as commonly cited, not "
            "digitised from a figure here). The two-phase plateau of the first lithiation of "
            "crystalline Si (~0.1 V) is not represented. " + cite("Lewis2022", "Table 1")
            + " gives a 0.4 V average",
        ),
        volume_ratio=Curve(
            (0.0, 1.0),
            (1.0, 3.808),
            "Li15Si4 I-43d a = 10.685 A, 16 Si per cell (Obrovac & Christensen 2004; value as "
            "commonly cited, not verified here): 76.2 A^3 per Si vs 20.02 A^3 in Si (a = "
            "5.4309 A) -> J_g = 3.81 (+281 %, the '280 %' of Beaulieu et al., J. Electrochem. "
            "Soc. 150 (2003) A1457); linear in x as measured for amorphous Li_xSi (Beaulieu et "
            "al. 2003). " + cite("Lewis2022", "Table 1") + " gives 320 %",
        ),
        diffusivity_mm2_per_s=Curve.constant(
            1.0e-12 * MM2_PER_CM2,
            "Li in Si 1e-11-1e-13 cm^2/s across phases (" + cite("Lewis2022", "Table 1")
            + "); the geometric "
            "middle 1e-12 cm^2/s is taken, constant. Order of magnitude only",
        ),
        youngs_modulus_MPa=Curve(
            (0.0, 1.0),
            (90.0 * MPA_PER_GPA, 40.0 * MPA_PER_GPA),
            "first-principles softening of amorphous Li_xSi, ~90 GPa (a-Si) -> ~40 GPa "
            "(a-Li15Si4), about linear in x (Shenoy, Johari & Qi, J. Power Sources 195 (2010) "
            "6825; values as commonly cited, not verified against the paper here); measured "
            "41 GPa for fully lithiated Si (Berla et al., J. Power Sources 273 (2015) 41, "
            "nanoindentation; as commonly cited)",
        ),
        poisson_ratio=Curve(
            (0.0, 1.0),
            (0.21, 0.23),
            "nu 0.21 (Si) -> 0.23 (Li4.4Si), first principles (Qi et al., J. Electrochem. Soc. "
            "161 (2014) F3010; values as commonly cited, not verified here); linear",
        ),
    ),
    data_ranges=(_tables_span("si", "Li15Si4"),),
    notes=(
        "Pristine crystalline Si is stiffer (E ~ 160 GPa, nu ~ 0.22 polycrystalline average; "
        "Hopcroft et al., J. Microelectromech. Syst. 19 (2010) 229, as commonly cited); the "
        "entry describes Si after its first lithiation (amorphous).",
        "Sethuraman et al. (Electrochem. Commun. 12 (2010) 1614; arXiv:1108.0567 abstract) "
        "measured the biaxial modulus falling from ~70 GPa (Li0.32Si) to ~35 GPa (Li3.0Si), "
        "consistent with the curve.",
        "No creep law by default: lithiated Si yields at ~2 GPa -> ~430 MPa (" + cite(
            "Lewis2022", "section Chemo-mechanics") + "), far above stack pressures. "
        "creep = 'perzyna' selects the overstress law with "
        "sigma_y(theta) (see its source); it is not the default because its rate parameters "
        "eps0 and m are a regularisation, not published values checked here. Constrained "
        "swelling reaches the yield stress, so a case where the Si itself must yield should "
        "select it.",
    ),
    other_laws=(_SI_PERZYNA,),
)

# --------------------------------------------------------------------------------------------
# Indium

_IN_X_MAX = 13.0 / 3.0
_IN_V_CM3 = ATOMIC_MASS_G_PER_MOL["In"] / 7.31  # 15.71 cm^3/mol
_IN_THETA_LIIN_LO = round(0.82 / _IN_X_MAX, 6)  # In + LiIn | LiIn, ~45 at% Li
_IN_THETA_LIIN_HI = round(1.2 / _IN_X_MAX, 6)  # LiIn | Li-richer phases, ~55 at% Li
_IN_THETA_XLI07 = round((0.7 / 0.3) / _IN_X_MAX, 6)  # Li atomic fraction 0.7: x = 2.33
_IN_THETA_HALF = round(0.5 / _IN_X_MAX, 6)  # "Li0.5In"

_IN_D_THETA, _IN_D_VALUES = log_linear(_IN_THETA_HALF, 2.6e-10, 1.0, 3.9e-12, 6)

IN = Material(
    name="in",
    description="Indium foil; Li host In -> LiIn -> ... -> Li13In3",
    category="host",
    host_element="In",
    elastic=Elastic(
        youngs_modulus_MPa=11.0 * MPA_PER_GPA,
        poisson_ratio=0.45,
        source=(
            "In metal, E = 11 GPa, nu = 0.45 (CRC Handbook; values as commonly cited, not "
            "verified here). No measured moduli of Li-In phases were found, so E and nu are "
            "kept constant with lithiation"
        ),
    ),
    lithiation=Lithiation(
        li_per_host_max=_IN_X_MAX,
        host_molar_volume_mm3_per_mol=round(_IN_V_CM3 * MM3_PER_CM3, 1),
        source=(
            "phases In (+ LiIn two-phase) -> LiIn -> Li3In2 -> Li2In -> Li13In3 ("
            + cite("Hansel2021", "Fig. 1b phase diagram and Fig. 4a DFT convex hull")
            + "); x_max = 13/3 Li per In, Li13In3 (" + cite("Lewis2022", "Table 1") + "; DFT "
            "~4.34, " + short("Hansel2021", "Fig. 4c") + "): 1012 mAh/g In; V_host = M/rho = "
            "114.818 / 7.31 g/cm^3 (CRC "
            "Handbook) = 15.71 cm^3/mol"
        ),
        open_circuit_potential_V=Curve(
            (0.0, _IN_THETA_LIIN_LO, _IN_THETA_LIIN_HI, _IN_THETA_XLI07, 1.0),
            (0.60, 0.60, 0.35, 0.10, 0.10),
            "In + LiIn two-phase plateau ~0.6 V for x < ~0.82 (the In counter electrode of "
            + cite("Hansel2021", "section Evolution of the Anode/SE Interface during Li "
                   "Stripping") + "); LiIn sits on a voltage step (" + short(
                "Hansel2021", "section Li Cycling Behavior in Symmetric Cells, Figs. 4c, 5")
            + "): 0.60 -> 0.35 V across its homogeneity range, taken as x = 0.82-1.2 "
            "(~45-55 at% Li; Li-In phase diagram of Songster & Pelton 1991, redrawn in "
            + short("Hansel2021", "Fig. 1b") + "; range as commonly cited, not verified); "
            "~0.1 V and nearly composition-independent above Li fraction 0.7, x >= 2.33 (same "
            "section, Fig. 4c); linear 0.35 -> 0.10 V in between (assumed). Average over x = "
            "0.27 V, cf. 0.3 V (" + cite("Lewis2022", "Table 1") + ") and the DFT 0.55 V ("
            + short("Hansel2021", "Fig. 4c") + ")",
        ),
        volume_ratio=Curve(
            (0.0, round(1.0 / _IN_X_MAX, 6), 1.0),
            (1.0, 1.498, 2.05),
            "LiIn: NaTl type, a = 6.786 A, 8 In per cell (value as commonly cited, not "
            "verified here): 39.1 A^3 per In vs 26.1 A^3 in In (M/rho) -> J_g = 1.498 at "
            "x = 1; Li13In3 (theta = 1): J_g = 2.05, the +105 % of " + cite("Lewis2022",
                                                                          "Table 1")
            + " (footnote: 'measured for the LiIn phase'); linear in between. See notes: the "
            "two are hard to reconcile",
        ),
        diffusivity_mm2_per_s=Curve(
            _IN_D_THETA,
            tuple(v * MM2_PER_CM2 for v in _IN_D_VALUES),
            "chemical D inferred from the stripping at 45 MPa of " + cite("Hansel2021",
                                                                          "Fig. 3b")
            + " by " + _SAND + ": 'Li0.5In' (theta = 0.115) 3.4 mAh -> 2.6e-10 cm^2/s; "
            "Li13In3 3.9 mAh -> 3.9e-12 cm^2/s; log-linear in theta in between, constant below "
            "theta = 0.115. Falls with Li content as the paper states (sections Li Cycling "
            "Behavior in Symmetric Cells and Conclusions). Order of magnitude only. "
            "Literature: ~1e-8 cm^2/s (" + cite("Lewis2022", "Table 1") + ")",
        ),
    ),
    data_ranges=(
        _tables_span("in", "Li13In3"),
        DataRange("theta", _IN_THETA_HALF, 1.0, "diffusivity",
                  "D(theta) rests on two points, 'Li0.5In' (theta = 0.115) and Li13In3 "
                  "(theta = 1), and is held constant below 'Li0.5In'"),
    ),
    notes=(
        "J_g: crystallography alone gives +50 % already at LiIn (x = 1); with the partial "
        "molar volume of Li in Li-rich Sn and Si alloys (9-10 cm^3/mol, entries 'sn', 'si') "
        "Li13In3 would be near J_g ~ 3.2-3.6. " + cite("Lewis2022", "Table 1") + " attributes "
        "its +105 % to the LiIn phase; this entry places +105 % at full lithiation and flags "
        "the value as uncertain: use the override volume_ratio_full to test the sensitivity.",
        "D: " + short("Lewis2022", "Table 1") + " gives ~1e-8 cm^2/s for Li-In; at that value "
        "the 10 mAh electrodes of " + cite("Hansel2021", "Fig. 3") + " would not deplete "
        "within the measured 17-20 h, so the values inferred from their stripping are used "
        "(calibration: those stripping cases are not an independent check).",
        "No creep law: In creeps readily at room temperature (T/Tm = 0.69; indentation creep "
        "Q = 78 kJ/mol, Lucas & Oliver, Metall. Mater. Trans. A 30 (1999) 601, abstract; "
        "n ~ 4.5 at high temperature, Weertman 1961) but no prefactor was found; Li13In3 is "
        "'hard and brittle' while Li0.5In is 'too soft' to mill (" + short(
            "Hansel2021", "section Alloy Processing and Electrode Fabrication") + ").",
    ),
)

LI0P5IN = _phase(IN, "li0.5in", "'Li0.5In' (In + LiIn, 33 at% Li)", 0.5,
                 "'Li0.5In' electrode (Hansel et al. 2021: In + LiIn two-phase), host In at "
                 "theta = 0.115",
                 notes=("Soft: deforms like Li to make contact (" + cite(
                     "Hansel2021", "section Alloy Processing and Electrode Fabrication")
                        + ").",))
LIIN = _phase(IN, "liin", "LiIn", 1.0, "LiIn electrode (Hansel et al. 2021), host In at theta = 0.231")
LI13IN3 = _phase(
    IN, "li13in3", "Li13In3", _IN_X_MAX,
    "Li13In3 electrode (Hansel et al. 2021), host In fully lithiated",
    notes=("Li13In3 is 'hard and brittle' and was milled and pressed at 150 MPa ("
           + cite("Hansel2021", "sections Alloy Processing and Electrode Fabrication, "
                  "Experimental Section") + ").",),
)

# --------------------------------------------------------------------------------------------
# Ga-In eutectic liquid metal (host Ga, In inactive)

_GA_X_MAX = 2.0
_GAIN_RHO = 6.25  # g/cm^3, EGaIn
_GA_WT = 0.755  # Ga mass fraction (Wang et al., Experimental, Materials)
_GAIN_V_CM3 = ATOMIC_MASS_G_PER_MOL["Ga"] / _GA_WT / _GAIN_RHO  # 14.78 cm^3 per mol Ga
_GA_THETA_LI2GA7 = round((2.0 / 7.0) / _GA_X_MAX, 6)
_GA_THETA_LIGA = 0.5
_GA_THETA_LIGA_HI = 0.6
_GA_THETA_SOLID = 0.05  # liquid-like below this (see notes)
_GA_E_LIQUID = 300.0  # MPa
_GA_NU_LIQUID = 0.499
_GA_E_SOLID = 9.8 * MPA_PER_GPA
_GA_NU_SOLID = 0.47
_GAIN_VISCOSITY_MPA_S = 2.0e-9  # 2 mPa s
_GA_VISCOSITY_SOLID_MPA_S = 1.0e14  # 1e20 Pa s: no flow on the time scale of a cell
_GA_ETA_THETA, _GA_ETA_VALUES = log_linear(
    _GA_THETA_SOLID, _GAIN_VISCOSITY_MPA_S, round(_GA_THETA_LI2GA7, 6), _GA_VISCOSITY_SOLID_MPA_S,
    24)

GAIN = Material(
    name="gain",
    description=(
        "Ga-In eutectic liquid metal (75.5:24.5 wt%); Li host Ga -> Li2Ga7 -> LiGa -> Li2Ga"
    ),
    category="host",
    host_element="Ga",
    elastic=Elastic(
        youngs_modulus_MPa=_GA_E_LIQUID,
        poisson_ratio=_GA_NU_LIQUID,
        source=(
            "liquid: shear modulus ~0, bulk modulus finite. nu = 0.499 and "
            "E = 3 K (1 - 2 nu) = 300 MPa give K = 50 GPa and a nominal G = 0.1 GPa, whose "
            "deviator the liquid law relaxes within every step; K = rho c^2 of liquid "
            "Ga at its melting point, rho = 6.095 g/cm^3 (liquid density, commonly cited), "
            "c = 2870 m/s (sound speed; value as commonly cited, not verified here) -> 50 GPa"
        ),
    ),
    creep=ViscousLiquid(
        viscosity_MPa_s=_GAIN_VISCOSITY_MPA_S,
        source=(
            "eutectic Ga-In viscosity ~2 mPa s at room temperature (Dickey et al., Adv. Funct. "
            "Mater. 18 (2008) 1097, doi:10.1002/adfm.200701216; value as commonly cited, not "
            "verified here; liquid Ga is also ~2 mPa s near its melting point). Its value does "
            "not enter a result: the Maxwell time eta / G = 2e-11 s with the nominal G = 0.1 "
            "GPa (see elastic) relaxes the deviator within any time step"
        ),
        viscosity_vs_theta=Curve(
            (0.0, *_GA_ETA_THETA),
            (_GAIN_VISCOSITY_MPA_S, *_GA_ETA_VALUES),
            "liquid 2 mPa s (see the law's source) up to theta = 0.05; then log-linear to "
            "1e20 Pa s at theta = 0.143, where all Ga is solid Li2Ga7 (the sharp pressure rise "
            "as the liquid solidifies, Wang et al.), i.e. a Maxwell time eta / G of ~1000 "
            "years, no flow of the solid Li-Ga phases. The onset (theta = 0.05, as for the "
            "moduli) and the log-linear rise are assumed; no measurement of the partly solid "
            "anode was found",
        ),
    ),
    lithiation=Lithiation(
        li_per_host_max=_GA_X_MAX,
        host_molar_volume_mm3_per_mol=round(_GAIN_V_CM3 * MM3_PER_CM3, 1),
        source=(
            "Ga-In liquid -> Li2Ga7 -> LiGa (then Li into LiGa, solid solution) -> Li2Ga; In "
            "is electrochemically inactive (" + cite("WangGaIn", "in-situ XRD (Fig. 2), CV "
            "(Fig. 3), Conclusion") + "); x_max = 2 Li per Ga, Li2Ga, 769 mAh/g Ga ("
            + short("WangGaIn", "Introduction") + "). Against a Li-Al counter electrode only "
            "LiGa is reached, theta = 0.5, ~384.5 mAh/g (same, in-situ XRD discussion). "
            "V_host = volume of Ga-In per mol of Ga = 69.723 g/mol / 0.755 / 6.25 g/cm^3 = "
            "14.78 cm^3/mol (75.5 wt% Ga: same, Experimental, Materials; EGaIn density "
            "6.25 g/cm^3, Dickey et al., Adv. Funct. Mater. 18 (2008) 1097, as commonly cited)"
        ),
        open_circuit_potential_V=Curve(
            (0.0, round(_GA_THETA_LI2GA7 - 0.002, 6), round(_GA_THETA_LI2GA7 + 0.002, 6),
             _GA_THETA_LIGA, _GA_THETA_LIGA_HI, 1.0),
            (0.78, 0.78, 0.57, 0.57, 0.26, 0.26),
            "midpoints of the cathodic and anodic CV peaks vs Li (" + cite(
                "WangGaIn", "Fig. 3a, liquid-electrolyte coin cell") + "): Ga/Li2Ga7 (0.7 + 0.87)/2 = 0.78 V; Li2Ga7/LiGa (0.46 + 0.675)/2 = "
            "0.57 V; LiGa/Li2Ga (0.13 + 0.38)/2 = 0.26 V (peak averages 0.46 of 0.50/0.47/0.41 "
            "and 0.38 of 0.34/0.37/0.44); the LiGa solid solution (same, Figs. 2 and 7) "
            "slopes 0.57 -> 0.26 V over x = 1.0-1.2 (range assumed). 0.26 V < 0.34-0.36 V of "
            "Li-Al explains why Li2Ga is not reached against Li-Al (same, in-situ XRD "
            "discussion)",
        ),
        volume_ratio=Curve(
            (0.0, _GA_THETA_LIGA, 1.0),
            (1.0, 1.428, 2.222),
            "J_g = (V_Li-Ga per Ga + V_In) / V_host with the inactive In as solid In "
            "(0.197 mol In per mol Ga x 15.71 cm^3/mol = 3.10 cm^3). LiGa: NaTl type a = "
            "6.207 A, 8 Ga per cell (value as commonly cited, not verified here) -> 18.0 "
            "cm^3/mol -> 1.428; Li2Ga: 2.6 x 11.44 cm^3/mol (liquid Ga, 6.095 g/cm^3) = "
            "29.7 cm^3/mol per Ga from the ~160 % of pure Ga (" + cite(
                "WangGaIn", "Results and discussion, stack pressure (Fig. 7)") + ") -> 2.222, "
            "i.e. +122 %, cf. ~120 % for Ga-In (same); linear in between",
        ),
        diffusivity_mm2_per_s=Curve(
            (0.0, _GA_THETA_SOLID, round(_GA_THETA_LI2GA7, 6), 1.0),
            (1.0e-5 * MM2_PER_CM2, 1.0e-5 * MM2_PER_CM2, 1.0e-10 * MM2_PER_CM2,
             1.0e-10 * MM2_PER_CM2),
            "order of magnitude only: ~1e-5 cm^2/s in the liquid (typical of diffusion in "
            "liquid metals, as commonly cited); solid Li-Ga phases 1e-10 cm^2/s by analogy "
            "with isostructural NaTl-type LiAl, 1e-9-1e-11 cm^2/s (" + cite("Lewis2022",
                                                                            "Table 1") + "); no "
            "room-temperature measurement of Li-Ga found. Falls over theta = 0.05-0.143 as "
            "the solid Li2Ga7 takes over (assumed, as for the moduli)",
        ),
        youngs_modulus_MPa=Curve(
            (0.0, _GA_THETA_SOLID, round(_GA_THETA_LI2GA7, 6), 1.0),
            (_GA_E_LIQUID, _GA_E_LIQUID, _GA_E_SOLID, _GA_E_SOLID),
            "liquid E = 300 MPa (see elastic) up to theta = 0.05; rises to the solid by "
            "theta = 0.143, where all Ga is Li2Ga7 (sharp pressure rise as the liquid "
            "solidifies: " + cite("WangGaIn", "Fig. 7d") + "); solid Li-Ga phases: E = 9.8 GPa of solid Ga (CRC Handbook; value as "
            "commonly cited, not verified) as a stand-in, no measured modulus of "
            "Li2Ga7/LiGa/Li2Ga found. theta = 0.05 (a third of the Ga bound in solid Li2Ga7) "
            "as the onset of a load-bearing solid is assumed",
        ),
        poisson_ratio=Curve(
            (0.0, _GA_THETA_SOLID, round(_GA_THETA_LI2GA7, 6), 1.0),
            (_GA_NU_LIQUID, _GA_NU_LIQUID, _GA_NU_SOLID, _GA_NU_SOLID),
            "liquid 0.499 (bulk modulus 50 GPa with E = 300 MPa); solid Ga 0.47 (CRC Handbook; "
            "as commonly cited), which keeps K ~ 54 GPa across solidification",
        ),
    ),
    data_ranges=(
        DataRange("temperature_C", 15.0, float("inf"), "elastic",
                  "the liquid moduli hold above the 15 C melting point quoted for 'a Ga-In "
                  "alloy' (" + cite("WangGaIn", "Introduction") + "); below it the alloy is "
                  "solid"),
        _tables_span("gain", "Li2Ga"),
    ),
    notes=(
        "Liquid range: the default law is 'liquid' (Maxwell, eta = 2 mPa s): the deviatoric "
        "stress relaxes within every time step and the bulk modulus K = E/(3(1 - 2 nu)) = 50 "
        "GPa is kept, so the liquid carries pressure only. The shear modulus 0.1 GPa (1/33 "
        "of the stand-in solid's 3.3 GPa) is nominal: it sets only the elastic response of a "
        "sudden load. Points whose Maxwell time is far below the step are left out of the "
        "step-size controls (their flow is instantaneous). The viscosity rises to a solid's as "
        "theta passes 0.05-0.143 (see the law's curve); creep = 'none' restores the elastic "
        "stand-in.",
        "The 15 C melting point quoted for 'a Ga-In alloy' (" + cite("WangGaIn",
                                                                      "Introduction")
        + ") is taken to hold for this composition (inferred).",
        "The LiGa solid solution spans 58 % to 82 % normalised capacity (" + cite(
            "WangGaIn", "Fig. 7d") + "); with x_max = 2 that is theta = 0.58-0.82, wider than "
        "the x = 1.0-1.2 assumed here for the potential; the pressure data are the better "
        "guide there.",
        "Pure Ga (solid below 29.8 C, " + short("WangGaIn", "Introduction") + ") would have "
        "V_host = 11.80 cm^3/mol and J_g ~ 2.5-2.6 at Li2Ga (~160 %, same, Fig. 7); not a "
        "separate entry.",
    ),
)

ALLOYS = (SN, LI2SN5, LISN, LI17SN4, SI, IN, LI0P5IN, LIIN, LI13IN3, GAIN)
