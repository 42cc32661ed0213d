"""Plots of ``series.csv``: stack pressure against capacity (or time when none is passed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from solver.io.series import read_series  # noqa: E402


def _xy(series: dict, x: str, y: str):
    pairs = [(a, b) for a, b in zip(series[x], series[y], strict=True) if a is not None and b is not None]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def pressure_plot(runs: dict[str, Path], out: Path, measured: list[tuple[str, float, float]] | None = None) -> Path:
    """Stack pressure against capacity for each run (label -> run directory)."""
    series = {label: read_series(Path(d) / "series.csv") for label, d in runs.items()}
    use_capacity = any(abs(c or 0.0) > 0 for s in series.values() for c in s["capacity_mAh_cm2"])
    x = "capacity_mAh_cm2" if use_capacity else "time_h"
    fig, ax = plt.subplots(figsize=(6.0, 4.0), constrained_layout=True)
    for label, s in series.items():
        ax.plot(*_xy(s, x, "stack_pressure_MPa"), label=label)
    for label, xm, ym in measured or []:
        ax.plot([xm], [ym], "o", label=label)
    ax.set_xlabel("charged capacity (mAh/cm$^2$)" if use_capacity else "time (h)")
    ax.set_ylabel("stack pressure (MPa)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.savefig(out, dpi=150)
    plt.close(fig)
    return out


LABELS = {
    "normalized_capacity": "normalized capacity (-)",
    "capacity_mAh_cm2": "capacity (mAh/cm$^2$)",
    "time_h": "time (h)",
    "stack_pressure_MPa": "stack pressure (MPa)",
    "anode_thickness_change_um": "anode thickness change ($\\mu$m)",
    "stack_displacement_um": "plunger displacement ($\\mu$m)",
    "voltage_V": "voltage (V)",
    "mean_theta": "mean state of lithiation (-)",
    "max_hydrostatic_stress_MPa": "max hydrostatic stress (MPa)",
}


def series_plot(runs: dict[str, Path], out: Path, x: str, ys: list[str]) -> Path:
    """One panel per column in ``ys`` against column ``x``, a line per run."""
    series = {label: read_series(Path(d) / "series.csv") for label, d in runs.items()}
    fig, axes = plt.subplots(len(ys), 1, figsize=(6.0, 2.6 * len(ys)), sharex=True,
                             constrained_layout=True, squeeze=False)
    for ax, y in zip(axes[:, 0], ys, strict=True):
        for label, s in series.items():
            if x in s and y in s:
                ax.plot(*_xy(s, x, y), label=label)
        ax.set_ylabel(LABELS.get(y, y))
        ax.grid(alpha=0.3)
    axes[0, 0].legend()
    axes[-1, 0].set_xlabel(LABELS.get(x, x))
    fig.savefig(out, dpi=150)
    plt.close(fig)
    return out
