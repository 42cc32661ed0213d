"""Plots of ``series.csv``: the stack pressure per protocol step, beside the measured points.

:func:`pressure_plot` draws one panel per protocol step (the ``protocol_step`` column), each with
its own pressure axis, so a 25 MPa contact hold does not squeeze a charge's 2 MPa swing: a hold
or rest against the time in the step, a charge or discharge against the capacity it passed.
Protocols of more than ``MAX_PANELS`` steps (and series without ``protocol_step``) are drawn in
one panel against time, with the step boundaries marked. The ``[[measured]]`` points of each
run's case are drawn beside its curve. :func:`series_plot` draws any columns against any
column. Axis labels are words and units.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from solver.case.schema import CRITICAL_CURRENT
from solver.io.series import read_series

plt.rcParams["axes.formatter.useoffset"] = False  # 5.0001 is 5.0001, not 1e-4 + 5

MAX_PANELS = 6
LINESTYLES = ("-", "--", ":", "-.")  # a run per style: curves that coincide stay visible
DEFAULT_TEMPERATURE_C = 25.0  # conditions.temperature_C when a case leaves it out

LABELS = {
    "time_s": "time (s)",
    "time_h": "time (h)",
    "current_mA_cm2": "current density (mA/cm$^2$)",
    "capacity_mAh_cm2": "net charge passed (mAh/cm$^2$)",
    "normalized_capacity": "normalized capacity (-)",
    "voltage_V": "voltage (V)",
    "anode_potential_V": "anode potential vs Li/Li$^+$ (V)",
    "mean_theta": "mean state of lithiation (-)",
    "interface_theta_min": "lowest state of lithiation at the interface (-)",
    "interface_theta_max": "highest state of lithiation at the interface (-)",
    "stack_pressure_MPa": "stack pressure (MPa)",
    "stack_displacement_um": "plunger displacement ($\\mu$m)",
    "anode_thickness_change_um": "anode thickness change ($\\mu$m)",
    "contact_fraction": "contact fraction (-)",
    "void_fraction": "void fraction (-)",
    "void_fraction_um": "void volume per area ($\\mu$m)",
    "max_local_current_mA_cm2": "local current density (mA/cm$^2$)",
    "mean_recession_um": "mean stripped thickness ($\\mu$m)",
    "max_von_mises_MPa": "largest von Mises stress (MPa)",
    "max_hydrostatic_stress_MPa": "largest hydrostatic stress (MPa)",
    "min_hydrostatic_stress_MPa": "lowest hydrostatic stress (MPa)",
    "max_creep_strain": "largest creep strain (-)",
    "wall_force_N": "radial force on the die wall (N)",
    "max_wall_gap_um": "largest gap to the die wall ($\\mu$m)",
    "clearance_extrusion_um": "extrusion into the plunger clearance ($\\mu$m)",
    "newton_iterations": "Newton iterations (-)",
    "dt_s": "time step (s)",
}
"""Axis label of each numeric ``series.csv`` column."""

STEP_AXIS = {
    "charge": "charged capacity in the step (mAh/cm$^2$)",
    "discharge": "discharged capacity in the step (mAh/cm$^2$)",
    "hold": "time in the step (h)",
    "rest": "time in the step (h)",
}


@dataclass(frozen=True)
class Measured:
    """A measured point: a series column's value at a time or a capacity, with its source."""

    column: str
    value: float
    time_h: float | None
    capacity_mAh_cm2: float | None
    source: str


@dataclass
class _Run:
    label: str
    series: dict
    protocol: list[dict]
    measured: list[Measured]


def label(column: str) -> str:
    """The axis label of a series column (the column name if it has none)."""
    return LABELS.get(column, column)


def read_measured(run: Path) -> list[Measured]:
    """The ``[[measured]]`` points of the case in a run directory (none without case.toml),
    without those measured at another temperature than the run's and without the measured
    critical currents (a map's: :mod:`solver.critical_map`)."""
    path = Path(run) / "case.toml"
    if not path.is_file():
        return []
    doc = tomllib.loads(path.read_text())
    run_temperature = doc.get("conditions", {}).get("temperature_C", DEFAULT_TEMPERATURE_C)
    return [Measured(p["column"], p["value"], p.get("time_h"), p.get("capacity_mAh_cm2"),
                     p.get("source", "")) for p in doc.get("measured", [])
            if p["column"] != CRITICAL_CURRENT
            and at_temperature(p, run_temperature)]


def at_temperature(point: dict, temperature_C: float) -> bool:
    """Whether a ``[[measured]]`` entry was measured at ``temperature_C`` (or says no
    temperature: then at any)."""
    return abs(point.get("temperature_C", temperature_C) - temperature_C) < 0.05


def _read(label_: str, run: Path) -> _Run:
    path = Path(run) / "case.toml"
    case = tomllib.loads(path.read_text()) if path.is_file() else {}
    preload = case.get("fixture", {}).get("preload_MPa")
    protocol = [  # a hold at pressure_MPa = "preload" is at the fixture's preload
        {**step, "pressure_MPa": preload} if step.get("pressure_MPa") == "preload" else step
        for step in case.get("protocol", [])]
    return _Run(label_, read_series(Path(run) / "series.csv"), protocol, read_measured(run))


def _xy(series: dict, x: str, y: str, rows=None):
    idx = range(len(series[x])) if rows is None else rows
    pairs = [(series[x][i], series[y][i]) for i in idx
             if series[x][i] is not None and series[y][i] is not None]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _rows_by_step(series: dict) -> dict[int, list[int]]:
    """Row indices of each protocol step (all in step 0 for runs without the column).

    A step starts from the last row of the step before (its state at the start), unless its
    own first row is at that time, as when a hold re-sets the fixture: the pressure before is
    not part of the hold. For the same reason a row followed by one at the same time in the
    same step is left out (the preload before such a hold).
    """
    steps = [int(k or 0) for k in series.get("protocol_step") or [0] * len(series["time_s"])]
    t = series["time_s"]
    out: dict[int, list[int]] = {}
    for i, step in enumerate(steps):
        if i + 1 < len(steps) and steps[i + 1] == step and t[i + 1] == t[i]:
            continue
        if step not in out and out:
            last = out[max(out)][-1]
            out[step] = [last] if t[last] != t[i] else []
        out.setdefault(step, []).append(i)
    return out


def _step_kind(run: _Run, step: int) -> str:
    return run.protocol[step]["step"] if step < len(run.protocol) else "hold"


def _in_step(run: _Run, rows: list[int], kind: str, y: str) -> tuple[list, list]:
    """(x, y) of a step: capacity passed since its start, or hours since its start."""
    s = run.series
    if kind in ("charge", "discharge"):
        q0 = s["capacity_mAh_cm2"][rows[0]]
        xs = [abs(s["capacity_mAh_cm2"][i] - q0) for i in rows]
    else:
        t0 = s["time_h"][rows[0]]
        xs = [s["time_h"][i] - t0 for i in rows]
    ys = [s[y][i] for i in rows]
    pairs = [(a, b) for a, b in zip(xs, ys, strict=True) if b is not None]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _measured_in_step(run: _Run, rows: list[int], kind: str, point: Measured):
    """The x of a measured point in this step's panel, or None if it belongs elsewhere."""
    s = run.series
    t0, t1 = s["time_h"][rows[0]], s["time_h"][rows[-1]]
    if point.time_h is not None:
        if not t0 <= point.time_h <= t1 * (1 + 1e-9) or kind in ("charge", "discharge"):
            return None
        return point.time_h - t0
    q0, q1 = s["capacity_mAh_cm2"][rows[0]], s["capacity_mAh_cm2"][rows[-1]]
    inside = min(q0, q1) - 1e-9 <= point.capacity_mAh_cm2 <= max(q0, q1) + 1e-9
    if kind not in ("charge", "discharge") or not inside:
        return None
    return abs(point.capacity_mAh_cm2 - q0)


def pressure_plot(runs: dict[str, Path], out: Path, y: str = "stack_pressure_MPa") -> Path:
    """Write :func:`pressure_figure` to the PNG ``out``."""
    fig = pressure_figure(runs, y)
    fig.savefig(out, dpi=150)
    plt.close(fig)
    return Path(out)


def pressure_figure(runs: dict[str, Path], y: str = "stack_pressure_MPa"):
    """The stack pressure (or column ``y``) of runs (label -> directory), a panel per step.

    Each run's curve is drawn with the measured points of its case, in its colour.
    """
    data = [_read(label_, d) for label_, d in runs.items()]
    steps = sorted({k for r in data for k in _rows_by_step(r.series)})
    older = any("protocol_step" not in r.series for r in data)  # runs before the column
    if len(steps) > MAX_PANELS or older:
        return _time_figure(data, y)
    kinds = {k: next((_step_kind(r, k) for r in data if k < len(r.protocol)), "hold")
             for k in steps}
    widths = [3.0 if kinds[k] in ("charge", "discharge") else 1.4 for k in steps]
    fig, axes = plt.subplots(1, len(steps), figsize=(max(6.0, 2.0 + 1.6 * sum(widths)), 4.2),
                             width_ratios=widths, squeeze=False, constrained_layout=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, k in zip(axes[0], steps, strict=True):
        for j, run in enumerate(data):
            rows = _rows_by_step(run.series).get(k)
            if not rows:
                continue
            colour = colours[j % len(colours)]
            ax.plot(*_in_step(run, rows, kinds[k], y), color=colour, label=run.label,
                    linestyle=LINESTYLES[j % len(LINESTYLES)])
            for point in (p for p in run.measured if p.column == y):
                x = _measured_in_step(run, rows, kinds[k], point)
                if x is not None:
                    ax.plot([x], [point.value], "o", color=colour, markeredgecolor="black",
                            markersize=8, label=f"{run.label}: measured", zorder=3)
        ax.set_title(_step_title(data, k, kinds[k]), fontsize=10)
        ax.set_xlabel(STEP_AXIS.get(kinds[k], "time in the step (h)"))
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel(label(y))
    _legend(fig, axes[0])
    return fig


def _step_title(data: list[_Run], k: int, kind: str) -> str:
    """'step 2: hold (5 MPa, 0.1 h)', with only the settings all runs share."""
    steps = [r.protocol[k] for r in data if k < len(r.protocol)]

    def shared(key: str):
        values = {step.get(key) for step in steps}
        return values.pop() if len(values) == 1 else None

    detail = []
    if shared("pressure_MPa") is not None:
        detail.append(f"{shared('pressure_MPa'):g} MPa")
    if kind in ("charge", "discharge") and shared("current_mA_cm2") is not None:
        detail.append(f"{shared('current_mA_cm2'):g} mA/cm$^2$")
    if shared("duration_h") is not None:
        detail.append(f"{shared('duration_h'):g} h")
    return f"step {k + 1}: {kind}" + (f" ({', '.join(detail)})" if detail else "")


def _legend(fig, axes) -> None:
    """One legend for the figure, without repeated entries."""
    entries: dict[str, object] = {}
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(text, handle)
    if entries:
        columns = max(1, min(len(entries), 4, int(fig.get_figwidth() // 2.5)))
        fig.legend(entries.values(), entries.keys(), loc="outside lower center",
                   ncols=columns, frameon=False)


def _time_figure(data: list[_Run], y: str):
    """One panel against time with the protocol step boundaries, for long protocols."""
    fig, ax = plt.subplots(figsize=(8.0, 4.2), constrained_layout=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for j, run in enumerate(data):
        colour = colours[j % len(colours)]
        ax.plot(*_xy(run.series, "time_h", y), color=colour, label=run.label)
        for rows in list(_rows_by_step(run.series).values())[1:]:
            ax.axvline(run.series["time_h"][rows[0]], color="0.8", lw=0.8, zorder=0)
        for p in (p for p in run.measured if p.column == y and p.time_h is not None):
            ax.plot([p.time_h], [p.value], "o", color=colour, markeredgecolor="black",
                    label=f"{run.label}: measured")
    ax.set_xlabel(label("time_h"))
    ax.set_ylabel(label(y))
    ax.grid(alpha=0.3)
    _legend(fig, [ax])
    return fig


def series_plot(runs: dict[str, Path], out: Path, x: str, ys: list[str]) -> Path:
    """One panel per column in ``ys`` against column ``x``, a line per run."""
    series = {label_: read_series(Path(d) / "series.csv") for label_, d in runs.items()}
    fig, axes = plt.subplots(len(ys), 1, figsize=(6.0, 2.6 * len(ys)), sharex=True,
                             constrained_layout=True, squeeze=False)
    for ax, y in zip(axes[:, 0], ys, strict=True):
        for label_, s in series.items():
            if x in s and y in s:
                ax.plot(*_xy(s, x, y), label=label_)
        ax.set_ylabel(label(y))
        ax.grid(alpha=0.3)
    axes[0, 0].legend()
    axes[-1, 0].set_xlabel(label(x))
    fig.savefig(out, dpi=150)
    plt.close(fig)
    return out


INTERFACE_PANELS = ("contact_fraction", "void_fraction_um", "max_local_current_mA_cm2",
                    "stack_pressure_MPa")


def interface_plot(run: Path, out: Path, label_: str | None = None) -> Path:
    """An interface case's run: contact fraction, void, local current and stack pressure
    against the charge stripped (one panel each), with the case's measured points."""
    fig = interface_figure({label_ or Path(run).name: Path(run)})
    fig.savefig(out, dpi=150)
    plt.close(fig)
    return Path(out)


def interface_figure(runs: dict[str, Path]):
    """The panels of :func:`interface_plot` for several runs (label -> directory) at once."""
    fig, axes = plt.subplots(1, len(INTERFACE_PANELS), figsize=(13.0, 4.2),
                             constrained_layout=True)
    for j, (name, run) in enumerate(runs.items()):
        series = read_series(Path(run) / "series.csv")
        measured = read_measured(Path(run))
        strip = [i for i, s in enumerate(series["step"]) if s == "strip"]
        for ax, column in zip(axes, INTERFACE_PANELS, strict=True):
            x, y = _xy(series, "capacity_mAh_cm2", column, strip)
            ax.plot(x, y, LINESTYLES[j % len(LINESTYLES)], label=name)
            for point in measured:
                if point.column == column and point.capacity_mAh_cm2 is not None:
                    ax.plot(point.capacity_mAh_cm2, point.value, "o", color="k",
                            label=f"measured ({point.source})")
    for ax, column in zip(axes, INTERFACE_PANELS, strict=True):
        ax.set_xlabel("charge stripped (mAh/cm$^2$)")
        ax.set_ylabel(LABELS[column])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=7)
    return fig
