"""Plots: a panel per protocol step, words and units on the axes, measured points beside."""

from __future__ import annotations

import pytest
from mpi4py import MPI

from solver.case import CaseError, validate
from solver.io.plots import LABELS, pressure_figure
from solver.io.series import COLUMNS, read_series
from solver.run import Run
from tests.conftest import stack_doc

MEASURED = {"column": "stack_pressure_MPa", "value": 9.0, "capacity_mAh_cm2": 0.05,
            "source": "a made-up point for the test"}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("plots")
    doc = stack_doc(
        protocol=[{"step": "hold", "duration_h": 0.02, "pressure_MPa": 20.0},
                  {"step": "hold", "duration_h": 0.01, "pressure_MPa": 5.0},
                  {"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 0.05}],
        measured=[MEASURED],
    )
    Run(validate(doc), out, MPI.COMM_SELF).execute()
    return out


def test_series_names_the_protocol_step_of_each_row(run_dir):
    steps = read_series(run_dir / "series.csv")["protocol_step"]
    assert steps[0] == 0 and steps[-1] == 2 and sorted(set(steps)) == [0, 1, 2]


def test_a_panel_per_step_with_its_own_pressure_axis(run_dir):
    fig = pressure_figure({"run": run_dir})
    hold, release, charge = fig.axes
    assert hold.get_xlabel() == release.get_xlabel()
    assert hold.get_xlabel() == "time in the step (h)"
    assert charge.get_xlabel() == "charged capacity in the step (mAh/cm$^2$)"
    assert hold.get_ylabel() == "stack pressure (MPa)"
    # the 20 MPa hold does not set the charge panel's range
    assert charge.get_ylim()[1] < 15.0 < hold.get_ylim()[1]
    fig.canvas.draw()
    for ax in fig.axes:
        assert ax.yaxis.get_offset_text().get_text() == ""


def test_measured_point_is_drawn_in_its_step(run_dir):
    fig = pressure_figure({"run": run_dir})
    hold, _, charge = fig.axes
    points = [line.get_xydata().tolist() for line in charge.lines if line.get_marker() == "o"]
    assert points == [[[pytest.approx(0.05), 9.0]]]
    assert not [line for line in hold.lines if line.get_marker() == "o"]


def test_the_run_writes_its_pressure_plot(run_dir):
    assert (run_dir / "stack_pressure.png").stat().st_size > 10_000


def test_every_numeric_column_has_a_label():
    assert set(COLUMNS) - set(LABELS) == {"event", "protocol_step"}


@pytest.mark.parametrize(
    ("point", "match"),
    [
        ({**MEASURED, "column": "stack_presure_MPa"},
         r"measured\.0\.column: .*did you mean 'stack_pressure_MPa'"),
        ({**MEASURED, "time_h": 1.0}, r"measured\.0: needs exactly one of time_h"),
        ({k: v for k, v in MEASURED.items() if k != "source"}, r"measured\.0\.source: missing"),
    ],
)
def test_bad_measured_points_name_the_key(point, match):
    with pytest.raises(CaseError, match=match):
        validate(stack_doc(measured=[point]))


def test_long_protocols_are_one_panel_against_time(tmp_path):
    steps = [{"step": "rest", "duration_h": 0.005}] * 7  # more than MAX_PANELS
    doc = stack_doc(protocol=steps, numerics={"element_degree": 1, "dt_initial_s": 6.0,
                                              "dt_max_s": 6.0})
    Run(validate(doc), tmp_path, MPI.COMM_SELF).execute()
    fig = pressure_figure({"run": tmp_path})
    (ax,) = fig.axes
    assert ax.get_xlabel() == "time (h)"
    boundaries = [line for line in ax.lines if line.get_xdata()[0] == line.get_xdata()[-1]]
    assert len(boundaries) == 6


def test_measured_points_are_drawn_only_beside_runs_at_their_temperature(tmp_path):
    import tomli_w

    from solver.io.plots import read_measured

    points = [dict(MEASURED, value=v, temperature_C=t) for v, t in ((1.0, 25.0), (2.0, 40.0))]
    points.append(dict(MEASURED, value=3.0))  # no temperature: beside every run
    for temperature, expected in ((25.0, [1.0, 3.0]), (40.0, [2.0, 3.0]), (60.0, [3.0])):
        (tmp_path / "case.toml").write_text(tomli_w.dumps(
            {"conditions": {"temperature_C": temperature}, "measured": points}))
        assert [p.value for p in read_measured(tmp_path)] == expected
