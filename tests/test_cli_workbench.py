"""The command line a user meets first: material names as typed, --version, --quiet, --out."""

from __future__ import annotations

import subprocess
import sys

import pytest
import tomli_w

import solver
from solver import materials
from solver.case import CaseError, validate
from solver.cli import main
from tests.conftest import stack_doc

SSB = [sys.executable, "-m", "solver.cli"]


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Sn", "sn"), ("Li", "li"), ("LI", "li"), ("lithium", "li"), ("LPSCl", "li6ps5cl"),
        ("Li6PS5Cl", "li6ps5cl"), ("NCM811", "ncm811_composite"), ("NMC811", "ncm811_composite"),
        ("LLZO", "llzo"), ("Li7La3Zr2O12", "llzo"), ("Li17Sn4", "li17sn4"), ("Ga-In", "gain"),
        ("Li-Masias2019", "li_masias2019"), (" Si ", "si"), ("316L", "steel"),
    ],
)
def test_names_as_a_chemist_types_them(typed, name):
    assert materials.get(typed).name == name


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [("Li6PS5CI", "li6ps5cl"), ("LPSC1", "li6ps5cl"), ("lithum", "li"), ("Li17Sn5", "li17sn4")],
)
def test_unknown_names_suggest_the_nearest_entry(typed, suggestion):
    with pytest.raises(materials.UnknownMaterialError, match=f"did you mean '{suggestion}'"):
        materials.get(typed)


def test_every_alias_finds_its_entry():
    for name in materials.names():
        for alias in materials.aliases(name):
            assert materials.canonical_name(alias) == name


def test_case_file_accepts_aliases_and_names_the_key_on_a_typo():
    case = validate(stack_doc(regions__separator={"material": "LPSCl"},
                              regions__cathode={"material": "NCM811"}))
    assert case.layer("separator").material.name == "li6ps5cl"
    assert case.layer("cathode").material.name == "ncm811_composite"
    with pytest.raises(CaseError, match=r"regions\.separator\.material.*did you mean 'li6ps5cl'"):
        validate(stack_doc(regions__separator={"material": "Li6PS5CI"}))


def test_materials_verb_accepts_an_alias(capsys):
    assert main(["materials", "LPSCl"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("li6ps5cl [electrolyte]") and "also called: LPSCl" in out


def test_version():
    proc = subprocess.run([*SSB, "--version"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"ssb-solver {solver.__version__}"


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(tomli_w.dumps(stack_doc(case={"name": "cli_case"})))
    return path


def test_quiet_run_prints_nothing_but_logs(case_file, tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run([*SSB, "run", str(case_file), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == ""
    assert "step" in (out / "run.log").read_text()


def test_default_out_never_replaces_a_run(case_file, tmp_path):
    said = []
    for _ in range(2):
        proc = subprocess.run([*SSB, "run", str(case_file), "-q"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        said.append(proc.stdout.strip().removeprefix("run directory: "))
    runs = sorted((tmp_path / "runs").iterdir())
    assert [str(r.relative_to(tmp_path)) for r in runs] == sorted(said)
    assert all(r.name.startswith("cli_case-") and (r / "series.csv").is_file() for r in runs)
