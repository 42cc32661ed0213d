"""The Python API: load_case with overrides, run, the series as arrays, open_run, plot."""

from __future__ import annotations

import numpy as np
import pytest
import tomli_w
from mpi4py import MPI

from solver import api
from tests.conftest import stack_doc


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(tomli_w.dumps(stack_doc()))
    return path


def test_load_case_applies_dotted_overrides(case_file):
    case = api.load_case(case_file, {"fixture.preload_MPa": 3.0,
                                     "protocol.0.capacity_mAh_cm2": 0.02})
    assert case.fixture.preload_MPa == 3.0
    assert case.protocol[0].duration_s == pytest.approx(0.02 / 1.0 * 3600.0)


def test_load_case_names_a_bad_key(case_file, tmp_path):
    with pytest.raises(api.CaseError, match=r"fixture\.preload_MPa: got -1.0; must be >= 0"):
        api.load_case(case_file, {"fixture.preload_MPa": -1.0})
    with pytest.raises(api.CaseError, match="case file not found"):
        api.load_case(tmp_path / "missing.toml")


def test_run_returns_the_series_as_arrays(case_file, tmp_path, capsys):
    result = api.run(api.load_case(case_file), tmp_path / "run", quiet=True, comm=MPI.COMM_SELF)
    assert capsys.readouterr().out == ""
    assert result.status == "completed"
    p = result.series["stack_pressure_MPa"]
    assert isinstance(p, np.ndarray) and p.dtype == float and p.size == 4
    assert p[-1] == pytest.approx(result.final["stack_pressure_MPa"])
    assert np.isnan(result.series["voltage_V"]).all()  # no Li host: the column is empty
    assert result.series["event"][0].startswith("preload")
    again = api.open_run(tmp_path / "run")
    assert again.summary == result.summary
    assert result.plot(tmp_path / "p.png").is_file()


def test_open_run_needs_a_finished_run(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"summary\.json"):
        api.open_run(tmp_path)
