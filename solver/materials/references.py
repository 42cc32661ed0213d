"""The papers the library, the shipped cases and the validation cite, by short key.

Every source string names a paper by :func:`cite` (first mention: authors, year, journal, DOI,
and where in the paper) or :func:`short` (a later mention in the same string). The full
entries are in ``docs/references.md``; :data:`REFERENCES` holds the same list for the code.
Where no DOI could be identified the entry says so instead of giving one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """One publication: ``short`` is the author-year form, ``venue`` the journal (or kind of
    document) as cited inline, ``entry`` the full bibliographic entry."""

    key: str
    short: str
    venue: str
    doi: str | None
    entry: str


_ENTRIES = (
    Reference(
        "Ham2024", "Ham 2024", "PhD dissertation, UC San Diego",
        None,
        "S.-Y. Ham, Anode Study for Achieving Higher Energy Density in All-Solid-State "
        "Batteries, PhD dissertation, Materials Science and Engineering, University of "
        "California San Diego (2024). Chapter 2 reprints Ham et al. 2023 (Energy Storage "
        "Materials 55, 455-462, doi:10.1016/j.ensm.2022.12.013) in full; section, figure and "
        "table numbers cited here are the dissertation's (e.g. Fig. 2.4).",
    ),
    Reference(
        "Ham2023", "Ham et al. 2023", "Energy Storage Mater. 55, 455",
        "10.1016/j.ensm.2022.12.013",
        "S.-Y. Ham, H. Yang, O. Nunez-cuacuas, D. H. S. Tan, Y.-T. Chen, G. Deysher, A. Cronk, "
        "P. Ridley, J.-M. Doux, E. A. Wu, J. Jang, Y. S. Meng, Assessing the critical current "
        "density of all-solid-state Li metal symmetric and full cells, Energy Storage "
        "Materials 55 (2023) 455-462.",
    ),
    Reference(
        "Hansel2021", "Hansel et al. 2021", "Chem. Mater. 33, 6029",
        "10.1021/acs.chemmater.1c01431",
        "C. Hansel (Haensel), B. Singh, D. Kiwic, P. Canepa, D. Kundu, Favorable interfacial "
        "chemomechanics enables stable cycling of high-Li-content Li-In/Sn anodes in sulfide "
        "electrolyte-based solid-state batteries, Chemistry of Materials 33 (2021) 6029-6040.",
    ),
    Reference(
        "WangGaIn", "Wang et al.", "Ga-In liquid-metal anode manuscript", None,
        "H. Wang, X. Li, T. Li, X. C. Chen, K. Chang, L. Chen, Z. Yang, L. Zhu, Low melting "
        "temperature gallium-indium liquid metal anode for solid-state Li-ion batteries, "
        "manuscript (Indiana University Purdue University Indianapolis and Purdue University, "
        "with Argonne and Oak Ridge National Laboratories; it cites work up to 2024). Journal "
        "and DOI not identified.",
    ),
    Reference(
        "Lewis2022", "Lewis et al. 2022", "Joule 6, 1418", "10.1016/j.joule.2022.05.016",
        "J. A. Lewis, K. A. Cavallaro, Y. Liu, M. T. McDowell, The promise of alloy anodes for "
        "solid-state batteries, Joule 6 (2022) 1418-1430. 'SI' below is its Supplemental "
        "Information (energy calculation, Tables 1-4).",
    ),
    Reference(
        "Luo2023", "Luo et al. 2023", "Inorg. Chem. Front. 10, 1011", None,
        "T. Luo, L. Wang, L. Dai, J. Luo, S. Liu, A solid-state lithium metal battery with "
        "extended cycling and rate performance using a low-melting alloy interface, Inorganic "
        "Chemistry Frontiers 10 (2023) 1011-1017 (as cited by Wang et al., ref. 29); the values "
        "used are from its Electronic Supplementary Information (ESI). DOI not identified.",
    ),
    Reference(
        "Bower2011", "Bower et al. 2011", "J. Mech. Phys. Solids 59, 804",
        "10.1016/j.jmps.2011.01.003",
        "A. F. Bower, P. R. Guduru, V. A. Sethuraman, A finite strain model of stress, "
        "diffusion, plastic flow, and electrochemical reactions in a lithium-ion half-cell, "
        "Journal of the Mechanics and Physics of Solids 59 (2011) 804-828.",
    ),
    Reference(
        "Dickey2008", "Dickey et al. 2008", "Adv. Funct. Mater. 18, 1097",
        "10.1002/adfm.200701216",
        "M. D. Dickey, R. C. Chiechi, R. J. Larsen, E. A. Weiss, D. A. Weitz, G. M. Whitesides, "
        "Eutectic gallium-indium (EGaIn): a liquid metal alloy for the formation of stable "
        "structures in microchannels at room temperature, Advanced Functional Materials 18 "
        "(2008) 1097-1104.",
    ),
)

REFERENCES: dict[str, Reference] = {r.key: r for r in _ENTRIES}


def cite(key: str, where: str = "") -> str:
    """A full inline citation: 'Hansel et al. 2021 (Chem. Mater. 33, 6029;
    doi:10.1021/acs.chemmater.1c01431), Fig. 3'. The dissertation carries the DOI of the paper
    its chapter 2 reprints."""
    ref = REFERENCES[key]
    if ref.doi:
        doi = f"doi:{ref.doi}"
    elif key == "Ham2024":
        doi = f"chapter 2 published as doi:{REFERENCES['Ham2023'].doi}"
    else:
        doi = "no DOI identified"
    text = f"{ref.short} ({ref.venue}; {doi})"
    return f"{text}, {where}" if where else text


def short(key: str, where: str = "") -> str:
    """A later mention of a paper already cited in full: 'Hansel et al. 2021, Fig. 3'."""
    ref = REFERENCES[key]
    return f"{ref.short}, {where}" if where else ref.short
