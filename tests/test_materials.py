"""The materials library: sources, curves, capacities, overrides and the ``materials`` verb.

Capacities are checked against the textbook theoretical values (mAh per g of host atoms):
Sn 960 for Li17Sn4 (994 for Li4.4Sn), Si 3579 for Li15Si4 and In 1012 for Li13In3 (Lewis et al.
2022, Joule 6, 1418, doi:10.1016/j.joule.2022.05.016, Table 1), Ga 769 for Li2Ga (Wang et al.,
Ga-In liquid-metal anode manuscript, Introduction; docs/references.md), to 1 %: the records
store x_max and the host molar volume, and the capacities follow from those and the atomic
masses.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from solver import materials
from solver.cli import main
from solver.materials import library
from solver.materials.laws import Curve, Elastic
from solver.units import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K

HOSTS = ("sn", "si", "in", "gain")
PHASES = {  # name -> (host, x in Li_x M)
    "li2sn5": ("sn", 0.4),
    "lisn": ("sn", 1.0),
    "li17sn4": ("sn", 4.25),
    "li0.5in": ("in", 0.5),
    "liin": ("in", 1.0),
    "li13in3": ("in", 13.0 / 3.0),
}
REQUIRED = (
    "li", "li_masias2019", "sn", "si", "in", "gain", "al", "li6ps5cl", "llzo", "latp",
    "ncm811_composite", "nmc111", "steel", "peek", *PHASES,
)


def _curves(m: materials.Material) -> dict[str, Curve]:
    out = {}
    lith = m.lithiation
    if lith is not None:
        out["open_circuit_potential_V"] = lith.open_circuit_potential_V
        out["volume_ratio"] = lith.volume_ratio
        out["diffusivity_mm2_per_s"] = lith.diffusivity_mm2_per_s
        for key in ("youngs_modulus_MPa", "poisson_ratio"):
            if getattr(lith, key) is not None:
                out[key] = getattr(lith, key)
    for law in (m.creep, *m.other_laws):  # sigma_ref(theta), sigma_y(theta), eta(theta)
        if law is not None:
            out.update({f"{law.kind}_{key}": curve for key, curve in law.curves().items()})
    return out


@pytest.fixture(params=materials.names())
def entry(request) -> materials.Material:
    return materials.get(request.param)


def test_library_has_the_required_entries():
    assert set(REQUIRED) <= set(materials.names())


def test_public_names_importable():
    for name in ("get", "names", "with_overrides", "OVERRIDE_KEYS", "UnknownMaterialError",
                 "Material"):
        assert getattr(materials, name) is getattr(library, name)


def test_every_parameter_group_has_a_source(entry):
    sources = entry.sources()
    assert "elastic" in sources
    if entry.lithiation is not None:
        assert {"lithiation", "open_circuit_potential", "volume_ratio", "diffusivity"} <= set(
            sources)
    for group, text in sources.items():
        assert isinstance(text, str) and len(text.strip()) > 20, (entry.name, group)
    assert entry.description.strip()
    assert entry.category in library.CATEGORIES
    assert (entry.category == "host") == (entry.lithiation is not None)


def test_elastic_constants_are_physical(entry):
    e = entry.elastic
    assert e.youngs_modulus_MPa > 0.0
    assert -1.0 < e.poisson_ratio < 0.5
    assert math.isfinite(e.bulk_modulus_MPa)


def test_curves_are_valid(entry):
    for key, curve in _curves(entry).items():
        theta = np.asarray(curve.theta)
        values = np.asarray(curve.values)
        assert len(theta) == len(values) >= 1, (entry.name, key)
        assert np.all(np.isfinite(values)), (entry.name, key)
        assert theta[0] >= 0.0 and theta[-1] <= 1.0, (entry.name, key)
        assert np.all(np.diff(theta) > 0.0), (entry.name, key)
        assert curve.source.strip(), (entry.name, key)
        if key == "open_circuit_potential_V":
            assert np.all(np.diff(values) <= 0.0), f"{entry.name}: OCV must not increase"
            assert np.all((values > 0.0) & (values < 3.0))
        elif key == "volume_ratio":
            assert curve(0.0) == pytest.approx(1.0), f"{entry.name}: J_g(0) must be 1"
            assert np.all(np.diff(values) > 0.0), f"{entry.name}: J_g must increase"
        elif key == "poisson_ratio":
            assert np.all((values > -1.0) & (values < 0.5))
        else:  # diffusivity, modulus, reference stress
            assert np.all(values > 0.0), (entry.name, key)


def test_host_records(entry):
    lith = entry.lithiation
    if lith is None:
        assert entry.initial_theta == 0.0
        return
    assert lith.li_per_host_max > 0.0
    assert lith.host_molar_volume_mm3_per_mol > 1.0e3  # > 1 cm^3/mol
    assert lith.chemical_potential in ("ideal", "ocv")
    assert 0.0 <= entry.initial_theta <= 1.0
    assert entry.host_element in library.ATOMIC_MASS_G_PER_MOL


@pytest.mark.parametrize(
    ("name", "x_max", "mAh_per_g", "density_g_cm3"),
    [
        ("sn", 4.25, 960.0, 7.287),  # Li17Sn4, beta-Sn (CRC)
        ("si", 3.75, 3579.0, 2.329),  # Li15Si4 (Lewis et al. 2022, Table 1), Si (CRC)
        ("in", 13.0 / 3.0, 1012.0, 7.31),  # Li13In3 (Lewis et al. 2022, Table 1), In (CRC)
        ("gain", 2.0, 769.0, 6.25 * 0.755),  # Li2Ga (Wang et al., Introduction); g of Ga per cm^3 of Ga-In
    ],
)
def test_capacity_matches_the_textbook(name, x_max, mAh_per_g, density_g_cm3):
    m = materials.get(name)
    lith = m.lithiation
    assert lith.li_per_host_max == pytest.approx(x_max)
    assert m.capacity_mAh_per_g_host() == pytest.approx(mAh_per_g, rel=0.01)
    # c_max = x_max / V_host against the handbook density: mol of Li per cm^3 of host
    c_max_mol_cm3 = lith.max_concentration_mol_per_mm3 * 1.0e3
    mass = library.ATOMIC_MASS_G_PER_MOL[m.host_element]
    assert c_max_mol_cm3 == pytest.approx(x_max * density_g_cm3 / mass, rel=0.01)
    assert lith.capacity_mAh_per_mm3 * 1.0e3 == pytest.approx(mAh_per_g * density_g_cm3, rel=0.01)


def test_sn_capacity_for_li4p4sn():
    m = materials.get("sn")
    per_li = m.capacity_mAh_per_g_host() / m.lithiation.li_per_host_max
    assert 4.4 * per_li == pytest.approx(994.0, rel=0.01)


@pytest.mark.parametrize(
    ("name", "j_full", "rel"),
    [
        ("sn", 3.6, 0.05),  # ~260 % (Wang et al., stack-pressure section)
        ("si", 3.9, 0.05),  # 280-320 % (Beaulieu 2003; Lewis et al. 2022, Table 1)
        ("gain", 2.2, 0.05),  # ~120 % (Wang et al., stack-pressure section)
        ("in", 2.05, 0.05),  # +105 % (Lewis et al. 2022, Table 1)
    ],
)
def test_full_lithiation_volume_ratio(name, j_full, rel):
    assert materials.get(name).lithiation.volume_ratio(1.0) == pytest.approx(j_full, rel=rel)


@pytest.mark.parametrize("name", sorted(PHASES))
def test_phase_entries_reuse_their_host(name):
    host_name, x = PHASES[name]
    phase, host = materials.get(name), materials.get(host_name)
    assert phase.lithiation is host.lithiation
    assert phase.initial_theta == pytest.approx(x / host.lithiation.li_per_host_max, abs=1e-6)
    assert phase.creep == host.creep


def test_softening_with_lithiation():
    for name in ("sn", "si"):
        e = materials.get(name).lithiation.youngs_modulus_MPa
        assert e(1.0) < 0.6 * e(0.0)
    ref = materials.get("sn").creep.reference_stress_vs_theta
    assert ref(1.0) < ref(0.0)


def test_liquid_gain_has_no_shear_but_a_liquid_bulk_modulus():
    lith = materials.get("gain").lithiation
    for theta in np.linspace(0.0, 1.0, 41):
        k = Elastic(lith.youngs_modulus_MPa(theta), lith.poisson_ratio(theta), "-").bulk_modulus_MPa
        assert 30.0e3 < k < 80.0e3, theta  # tens of GPa: liquid Ga ~50 GPa
    liquid = Elastic(lith.youngs_modulus_MPa(0.0), lith.poisson_ratio(0.0), "-")
    solid = Elastic(lith.youngs_modulus_MPa(1.0), lith.poisson_ratio(1.0), "-")
    assert liquid.shear_modulus_MPa < 0.05 * solid.shear_modulus_MPa


def test_li_keeps_narayan_anand_and_masias_reproduces_its_anchor():
    na = materials.get("li").creep
    assert (na.prefactor_per_s, na.activation_energy_J_per_mol, na.reference_stress_MPa) == (
        4.25e4, 37.0e3, 2.0)
    assert na.stress_exponent == pytest.approx(1.0 / 0.15)
    ma = materials.get("li_masias2019").creep
    assert ma.stress_exponent == pytest.approx(6.56)
    assert ma.reference_stress_MPa == 1.0
    rate = ma.prefactor_per_s * math.exp(
        -ma.activation_energy_J_per_mol / (GAS_CONSTANT_J_PER_MOL_K * 298.15)
    ) * 0.8 ** ma.stress_exponent
    assert rate == pytest.approx(5.0e-4, rel=1e-3)
    assert materials.get("li_masias2019").elastic == materials.get("li").elastic


def test_unknown_name_suggests():
    with pytest.raises(materials.UnknownMaterialError, match="did you mean 'sn'"):
        materials.get("snn")


# --------------------------------------------------------------------------------------------
# overrides


def test_elastic_override_replaces_host_curves():
    m = materials.with_overrides(materials.get("sn"), {"youngs_modulus_GPa": 40.0})
    assert m.elastic.youngs_modulus_MPa == 40.0e3
    assert m.lithiation.youngs_modulus_MPa is None
    assert "overridden" in m.elastic.source
    m = materials.with_overrides(materials.get("si"), {"poisson_ratio": 0.3})
    assert m.elastic.poisson_ratio == 0.3
    assert m.lithiation.poisson_ratio is None
    assert m.lithiation.youngs_modulus_MPa is not None  # E(theta) untouched


def test_creep_overrides():
    m = materials.with_overrides(materials.get("sn"), {"creep_reference_stress_MPa": 5.0})
    assert m.creep.reference_stress_MPa == 5.0
    assert m.creep.reference_stress_vs_theta is None
    m = materials.with_overrides(materials.get("li"), {"creep_activation_energy_kJ_per_mol": 40})
    assert m.creep.activation_energy_J_per_mol == 40.0e3
    assert materials.with_overrides(materials.get("li"), {"creep": "none"}).creep is None


def test_host_overrides():
    sn = materials.get("sn")
    m = materials.with_overrides(sn, {
        "initial_theta": 0.5,
        "diffusivity_cm2_per_s": 1.0e-10,
        "diffusion_activation_energy_kJ_per_mol": 50.0,
        "chemical_potential": "ocv",
        "volume_ratio_full": 3.0,
    })
    lith = m.lithiation
    assert m.initial_theta == 0.5
    assert lith.diffusivity_mm2_per_s.values == (1.0e-8,)
    assert lith.diffusivity_mm2_per_s(0.3) == pytest.approx(1.0e-8)
    assert lith.diffusion_activation_energy_J_per_mol == 50.0e3
    assert lith.chemical_potential == "ocv"
    assert lith.volume_ratio(0.0) == 1.0 and lith.volume_ratio(1.0) == 3.0
    assert lith.volume_ratio(0.5) == pytest.approx(2.0)
    assert "overridden" in lith.diffusivity_mm2_per_s.source
    assert sn.lithiation.chemical_potential == "ideal"  # the library entry is unchanged
    phase = materials.with_overrides(materials.get("li17sn4"), {"initial_theta": 0.2})
    assert phase.initial_theta == 0.2


@pytest.mark.parametrize(
    ("name", "overrides", "match"),
    [
        ("li6ps5cl", {"initial_theta": 0.5}, "Li hosts only"),
        ("li", {"diffusivity_cm2_per_s": 1e-10}, "Li hosts only"),
        ("sn", {"initial_theta": 1.5}, "initial_theta"),
        ("sn", {"initial_theta": -0.1}, "initial_theta"),
        ("sn", {"diffusivity_cm2_per_s": 0.0}, "diffusivity_cm2_per_s"),
        ("sn", {"diffusivity_cm2_per_s": "fast"}, "finite number"),
        ("sn", {"volume_ratio_full": True}, "finite number"),
        ("sn", {"chemical_potential": "regular"}, "chemical_potential"),
        ("sn", {"youngs_modulus_GPa": -1.0}, "youngs_modulus_GPa"),
        ("sn", {"poisson_ratio": 0.5}, "poisson_ratio"),
        ("gain", {"creep_stress_exponent": 5.0}, "no creep law"),
        ("li", {"creep": "fast"}, "must be one of 'norton', 'perzyna', 'liquid', 'none'"),
        ("li", {"creep": "perzina"}, "did you mean 'perzyna'"),
        ("li", {"creep": "perzyna"}, "no 'perzyna' parameters in the library: give "
         "creep_overstress_exponent, creep_reference_strain_rate_per_s, creep_yield_stress_MPa"),
        ("li", {"creep_viscosity_Pa_s": 1.0}, "set the 'liquid' law.*it uses 'norton'"),
        ("si", {"creep_yield_stress_MPa": 500.0}, "no default law \\(it has 'perzyna'\\)"),
        ("li", {"creep": "none", "creep_stress_exponent": 5.0}, "creep = 'none'"),
        ("si", {"creep": "perzyna", "creep_overstress_exponent": 0.5}, "creep_overstress_exponent"),
        ("gain", {"creep_viscosity_Pa_s": -1.0}, "creep_viscosity_Pa_s"),
        ("li", {"creep_stress_exponent": 0.5}, "creep_stress_exponent"),
        ("li", {"youngs_modulus_gpa": 5.0}, "did you mean 'youngs_modulus_GPa'"),
    ],
)
def test_bad_overrides_raise(name, overrides, match):
    with pytest.raises(ValueError, match=match):
        materials.with_overrides(materials.get(name), overrides)


def test_override_keys_are_documented():
    for key, doc in {**materials.OVERRIDE_KEYS, **library.HOST_OVERRIDE_KEYS}.items():
        assert doc.strip(), key
    assert not set(materials.OVERRIDE_KEYS) & set(library.HOST_OVERRIDE_KEYS)


# --------------------------------------------------------------------------------------------
# the `ssb materials` verb


def test_cli_lists_the_library(capsys):
    assert main(["materials"]) == 0
    out = capsys.readouterr().out
    for name in materials.names():
        assert name in out
    for tag in library.CATEGORIES:
        assert tag in out


def test_cli_shows_an_entry_with_units_and_sources(capsys):
    assert main(["materials", "sn"]) == 0
    out = capsys.readouterr().out
    for text in ("source:", "GPa", "cm^3/mol", "mAh/g", "open-circuit potential", "V vs Li/Li+",
                 "volume ratio", "diffusivity", "cm^2/s", "theta", "doi:10.1021/acs.chemmater.1c01431", "Li17Sn4",
                 "sigma_ref", "notes:"):
        assert text in out, text
    assert out.count("source:") >= len(materials.get("sn").sources())


@pytest.mark.parametrize("name", ["li", "gain", "li6ps5cl", "ncm811_composite", "li13in3"])
def test_cli_shows_other_entries(capsys, name):
    assert main(["materials", name]) == 0
    assert "source:" in capsys.readouterr().out


def test_cli_unknown_entry(capsys):
    assert main(["materials", "snn"]) == 2
    assert "did you mean 'sn'" in capsys.readouterr().err


def test_capacity_formula_is_faraday_over_mass():
    m = materials.get("si")
    expected = 3.75 * FARADAY_C_PER_MOL / (3.6 * library.ATOMIC_MASS_G_PER_MOL["Si"])
    assert m.capacity_mAh_per_g_host() == pytest.approx(expected)


def test_sources_cite_papers_not_document_lines(entry):
    """Every source, note and description cites papers a reader can find (authors, year, DOI,
    docs/references.md), never a line number of a document outside the repository."""
    import re

    from solver.materials.references import REFERENCES

    texts = [entry.description, *entry.sources().values(), *entry.notes]
    for text in texts:
        assert not re.search(r"\b\d{3}:L\d+|\bs[e]ed\b", text, re.I), (entry.name, text)
        assert "DESIGN" not in text, (entry.name, text)
        for doi in re.findall(r"doi:(\S+?)[),;]", text):
            assert doi in {r.doi for r in REFERENCES.values()}, (entry.name, doi)
