"""``map.png``: a panel per fixture, stack pressure against stripping current.

Each point is a marker: an open circle where contact was kept (an open square where the run
stopped with the Li used up), a filled cross coloured by the charge stripped when contact was
lost, a grey cross where the run failed. The simulated critical current is the line through
the estimates (the midpoints) with a band from the highest kept to the lowest lost current;
where every point kept (lost) contact a triangle up (down) at the highest (lowest) current
says the critical current is beyond it. The case's measured critical currents of the panel's
fixture are black diamonds, a legend entry per paper.
"""

from __future__ import annotations

import re

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.transforms import offset_copy

from solver.critical_map.grid import MapGrid
from solver.io.plots import label

PLOT = "map.png"
FIXTURE_TITLES = {"fixed_gap": "fixed gap", "spring": "springs",
                  "constant_pressure": "constant pressure"}
CRITICAL_COLOUR = "C3"


def _points(ax, rows: list[dict[str, Any]], norm, cmap) -> None:
    def draw(members, *args, **kwargs):
        if members:
            ax.plot([r["pressure_MPa"] for r in members], [r["current_mA_cm2"] for r in members],
                    *args, linestyle="none", **kwargs)

    draw([r for r in rows if r["contact"] == "kept"], "o", markerfacecolor="none",
         markeredgecolor="C0", markersize=8, label="contact kept")
    draw([r for r in rows if r["contact"] == "used-up"], "s", markerfacecolor="none",
         markeredgecolor="C0", markersize=8, label="contact kept, Li used up")
    draw([r for r in rows if r["status"] == "failed-run"], "x", color="0.5", markersize=7,
         label="run failed")
    lost = [r for r in rows if r["contact"] == "lost"]
    if lost:
        ax.scatter([r["pressure_MPa"] for r in lost], [r["current_mA_cm2"] for r in lost],
                   c=[r["capacity_mAh_cm2"] for r in lost], cmap=cmap, norm=norm, marker="X",
                   s=90, edgecolors="black", linewidths=0.5, label="contact lost", zorder=3)


def _critical(ax, critical: list[dict[str, Any]]) -> None:
    between = sorted((r for r in critical if r["relation"] == "="),
                     key=lambda r: r["pressure_MPa"])
    if between:
        p = [r["pressure_MPa"] for r in between]
        ax.fill_between(p, [r["highest_kept_mA_cm2"] for r in between],
                        [r["lowest_lost_mA_cm2"] for r in between], color=CRITICAL_COLOUR,
                        alpha=0.15, linewidth=0, label="between highest kept and lowest lost")
        ax.plot(p, [r["critical_mA_cm2"] for r in between], "-", color=CRITICAL_COLOUR,
                marker="_", markersize=14, label="simulated critical current")
    for relation, marker, shift, text in ((">", "^", 11, "simulated critical current above"),
                                          ("<", "v", -11, "simulated critical current below")):
        beyond = [r for r in critical if r["relation"] == relation]
        if beyond:  # beside the marker of the point it bounds, not on it
            moved = offset_copy(ax.transData, fig=ax.figure, y=shift, units="points")
            ax.plot([r["pressure_MPa"] for r in beyond], [r["critical_mA_cm2"] for r in beyond],
                    marker, color=CRITICAL_COLOUR, markersize=9, linestyle="none",
                    transform=moved, label=text)


def _paper(source: str) -> str:
    """The paper a source names, without where in it: 'Ham et al. 2023' of 'Ham et al. 2023
    (Ham 2024, Fig. 2.11): springs, 1 MPa' (one legend entry per paper, not per point)."""
    return re.split(r" \(|:|,", source, maxsplit=1)[0].strip() or source


def _measured(ax, measured: list[dict[str, Any]]) -> None:
    for source in dict.fromkeys(_paper(m["source"]) for m in measured):
        these = [m for m in measured if _paper(m["source"]) == source]
        ax.plot([m["pressure_MPa"] for m in these], [m["value"] for m in these], "D",
                color="black", markersize=7, linestyle="none", label=f"measured: {source}",
                zorder=4)


def write_plot(root: Path, grid: MapGrid, rows: list[dict[str, Any]],
               critical: list[dict[str, Any]]) -> Path:
    """Draw :func:`map_figure` into ``root / map.png``; returns its path."""
    fig = map_figure(grid, rows, critical)
    path = root / PLOT
    fig.savefig(path, dpi=120, bbox_inches="tight")  # the legend below the panels, whole
    plt.close(fig)
    return path


def map_figure(grid: MapGrid, rows: list[dict[str, Any]], critical: list[dict[str, Any]]):
    """The map's figure: a panel per fixture of ``grid`` (rows: map.csv's, critical:
    critical_current.csv's)."""
    lost = [r["capacity_mAh_cm2"] for r in rows if r["contact"] == "lost"
            and isinstance(r["capacity_mAh_cm2"], float)]
    cmap = plt.get_cmap("viridis")
    norm = matplotlib.colors.Normalize(min(lost, default=0.0), max(lost, default=1.0))
    n = len(grid.fixtures)
    fig, axes = plt.subplots(1, n, figsize=(2.5 + 4.0 * n, 4.6), squeeze=False, sharey=True,
                             constrained_layout=True)
    for ax, fixture in zip(axes[0], grid.fixtures, strict=True):
        _critical(ax, [r for r in critical if r["fixture"] == fixture])
        _points(ax, [r for r in rows if r["fixture"] == fixture], norm, cmap)
        _measured(ax, [m for m in grid.measured if m["fixture"] == fixture])
        ax.set_title(FIXTURE_TITLES.get(fixture, fixture), fontsize=10)
        ax.set_xlabel(label("stack_pressure_MPa"))
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel(label("current_mA_cm2"))
    if lost:
        mappable = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        fig.colorbar(mappable, ax=axes[0, -1],
                     label="charge stripped at contact loss (mAh/cm$^2$)")
    entries: dict[str, Any] = {}
    for ax in axes[0]:
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(text, handle)
    if entries:
        fig.legend(entries.values(), entries.keys(), loc="outside lower center",
                   ncols=min(len(entries), 3), frameon=False, fontsize=8)
    done = sum(r["status"] == "ok" for r in rows)
    fig.suptitle(f"contact-loss map {grid.name}: {done} of {len(rows)} points ran",
                 fontsize=10)
    return fig
