"""Collect a sweep: one table row per point, and a plot of the collected columns.

``sweep.csv``: ``index, name``, the varied keys, ``status, error, warnings, wall_s``, then
``<column>_final, <column>_min, <column>_max`` for each column of ``sweep.collect`` (empty
where a point has no series). ``sweep.png``: the final value of each collected column against
the first varied key, one curve per value of the other varied keys, completed points only.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from solver.io.series import read_series
from solver.sweep.layout import SweepDir
from solver.sweep.spec import value_text

TABLE = "sweep.csv"
PLOT = "sweep.png"


def _stats(values: list) -> tuple[Any, Any, Any]:
    numbers = [v for v in values if isinstance(v, float) and not math.isnan(v)]
    if not numbers:
        return "", "", ""
    last = values[-1] if isinstance(values[-1], float) else numbers[-1]
    return last, min(numbers), max(numbers)


def rows(sweep_dir: SweepDir) -> list[dict[str, Any]]:
    """A row per point: its values, status, error and the statistics of the collected columns."""
    sweep = sweep_dir.sweep
    out = []
    for point in sweep.points:
        status, error, summary = sweep_dir.status(point)
        row: dict[str, Any] = {"index": point.index, "name": point.name}
        row.update({k: point.values[k] for k in sweep.keys})
        row["status"], row["error"] = status, error
        row["warnings"] = " | ".join((summary or {}).get("warnings", []))
        row["wall_s"] = (summary or {}).get("timings_s", {}).get("wall_s", "")
        series_file = sweep_dir.point_dir(point) / "series.csv"
        series = read_series(series_file) if series_file.is_file() else {}
        for column in sweep.collect:
            stats = _stats(series.get(column) or [])
            for tag, value in zip(("final", "min", "max"), stats, strict=True):
                row[f"{column}_{tag}"] = value
        out.append(row)
    return out


def _cell(value: Any) -> str:
    return f"{value:.10g}" if isinstance(value, float) else value_text(value)


def write_table(sweep_dir: SweepDir) -> tuple[Path, list[dict[str, Any]]]:
    """Write ``sweep.csv``; returns its path and the rows."""
    table = rows(sweep_dir)
    path = sweep_dir.root / TABLE
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        for row in table:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return path, table


def write_plot(sweep_dir: SweepDir, table: list[dict[str, Any]]) -> Path | None:
    """The plot of the final values against the first varied key (None if nothing finished)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from solver.io.plots import label

    sweep = sweep_dir.sweep
    done = [r for r in table if r["status"] == "completed"]
    if not done:
        return None
    x_key, others = sweep.keys[0], sweep.keys[1:]
    xs = list(dict.fromkeys(r[x_key] for r in table))
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in xs)
    position = (lambda v: v) if numeric else (lambda v: xs.index(v))
    curves: dict[tuple, list[dict[str, Any]]] = {}
    for r in done:
        curves.setdefault(tuple(r[k] for k in others), []).append(r)
    n = len(sweep.collect)
    fig, axes = plt.subplots(1, n, figsize=(1.5 + 4.0 * n, 4.2), squeeze=False,
                             constrained_layout=True)
    for ax, column in zip(axes[0], sweep.collect, strict=True):
        for values, members in curves.items():
            pts = sorted((position(r[x_key]), r[f"{column}_final"]) for r in members
                         if r[f"{column}_final"] != "")
            text = ", ".join(f"{k.split('.')[-1]} = {value_text(v)}"
                             for k, v in zip(others, values, strict=True))
            ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=text or None)
        if not numeric:
            ax.set_xticks(range(len(xs)), [value_text(v) for v in xs])
        ax.set_xlabel(x_key)
        ax.set_ylabel(f"{label(column)}, final")
        ax.grid(alpha=0.3)
    if others:
        handles, texts = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, texts, loc="outside lower center", ncols=min(len(texts), 3),
                   frameon=False)
    fig.suptitle(f"sweep {sweep.name}: {len(done)} of {len(table)} points completed",
                 fontsize=10)
    path = sweep_dir.root / PLOT
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def collect(sweep_dir: SweepDir) -> tuple[Path, Path | None, list[dict[str, Any]]]:
    """Write ``sweep.csv`` and ``sweep.png``; returns their paths and the rows."""
    path, table = write_table(sweep_dir)
    return path, write_plot(sweep_dir, table), table
