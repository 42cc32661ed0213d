"""Collect a map: ``map.csv``, a row per point, and ``critical_current.csv``, a row per fixture
and pressure, with the case's measured critical currents beside the simulated ones.

A point *kept* contact when its run completed with no event, or stopped because the Li was
used up (contact held as long as there was Li); it *lost* contact when a ``[failure]``
criterion ended the stripping (the contact fraction below ``min_contact_fraction``, the local
current above ``max_local_current_mA_cm2``: any other event). The critical current of a fixture
and pressure lies between the highest current that kept contact and the lowest that lost it:

* ``relation = "="``: both exist; ``critical_mA_cm2`` is their midpoint (``monotone`` is false
  when a kept current lies above a lost one: the midpoint is then only a rough estimate);
* ``relation = "<"``: every point lost contact; ``critical_mA_cm2`` is the lowest current run
  (the critical current is below it);
* ``relation = ">"``: every point kept it; ``critical_mA_cm2`` is the highest current run
  (the critical current is above it);
* ``relation = ""``: no point of that fixture and pressure completed.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from solver.critical_map.grid import FIXTURE_KEY, PRESSURE_KEY, MapGrid
from solver.io.series import read_series
from solver.sweep.layout import SweepDir

MAP_TABLE = "map.csv"
CRITICAL_TABLE = "critical_current.csv"
USED_UP = "used up"
"""In the event of a run that stopped because the Li layer is used up (not a failure)."""

MAP_COLUMNS = (
    "index", "name", "fixture", "pressure_MPa", "current_mA_cm2", "status", "error", "event",
    "contact", "capacity_mAh_cm2", "contact_fraction_final", "contact_fraction_min",
    "max_local_current_mA_cm2_max", "void_fraction_um_final", "wall_s")
CRITICAL_COLUMNS = (
    "fixture", "pressure_MPa", "points", "kept", "lost", "not_ok", "highest_kept_mA_cm2",
    "lowest_lost_mA_cm2", "critical_mA_cm2", "relation", "monotone", "measured_mA_cm2",
    "measured_source")


def _numbers(series: dict, column: str) -> list[float]:
    return [v for v in series.get(column) or []
            if isinstance(v, float) and not math.isnan(v)]


def contact_outcome(event: str) -> str:
    """``kept``, ``used-up`` or ``lost``, from the event that ended a completed run."""
    if not event:
        return "kept"
    return "used-up" if USED_UP in event else "lost"


def _status(status: str) -> str:
    if status == "completed":
        return "ok"
    return "not-run" if status in ("not run", "not finished") else "failed-run"


def point_row(sweep_dir: SweepDir, grid: MapGrid, point) -> dict[str, Any]:
    """The row of one point: its values, how its run ended and its series' statistics."""
    status, error, summary = sweep_dir.status(point)
    run_dir = sweep_dir.point_dir(point)
    series = read_series(run_dir / "series.csv") if (run_dir / "series.csv").is_file() else {}
    events = [e for e in series.get("event") or [] if isinstance(e, str) and e]
    event = (summary or {}).get("event", events[-1] if events else "")
    ok = _status(status)
    row: dict[str, Any] = {
        "index": point.index, "name": point.name, "fixture": point.values[FIXTURE_KEY],
        "pressure_MPa": point.values[PRESSURE_KEY],
        "current_mA_cm2": point.values[grid.current_key], "status": ok,
        "error": "" if ok == "ok" else (error or status), "event": event,
        "contact": contact_outcome(event) if ok == "ok" else ""}
    capacity = _numbers(series, "capacity_mAh_cm2")
    contact = _numbers(series, "contact_fraction")
    local = _numbers(series, "max_local_current_mA_cm2")
    void = _numbers(series, "void_fraction_um")
    row["capacity_mAh_cm2"] = capacity[-1] if capacity else ""
    row["contact_fraction_final"] = contact[-1] if contact else ""
    row["contact_fraction_min"] = min(contact) if contact else ""
    row["max_local_current_mA_cm2_max"] = max(local) if local else ""
    row["void_fraction_um_final"] = void[-1] if void else ""
    row["wall_s"] = (summary or {}).get("timings_s", {}).get("wall_s", "")
    return row


def map_rows(sweep_dir: SweepDir, grid: MapGrid) -> list[dict[str, Any]]:
    """A row per point of the map, in the sweep's order."""
    return [point_row(sweep_dir, grid, p) for p in grid.sweep.points]


def _measured_at(grid: MapGrid, fixture: str, pressure: float) -> list[dict[str, Any]]:
    return [m for m in grid.measured
            if m["fixture"] == fixture and abs(m["pressure_MPa"] - pressure) < 1e-9]


def critical_rows(rows: list[dict[str, Any]], grid: MapGrid) -> list[dict[str, Any]]:
    """A row per fixture and pressure: the bounds and estimate of the critical current."""
    out = []
    for fixture in grid.fixtures:
        for pressure in sorted(grid.pressures):
            here = [r for r in rows if r["fixture"] == fixture and r["pressure_MPa"] == pressure]
            kept = [r["current_mA_cm2"] for r in here if r["contact"] in ("kept", "used-up")]
            lost = [r["current_mA_cm2"] for r in here if r["contact"] == "lost"]
            high, low = (max(kept) if kept else ""), (min(lost) if lost else "")
            if kept and lost:
                critical, relation = 0.5 * (high + low), "="
            elif lost:
                critical, relation = low, "<"
            elif kept:
                critical, relation = high, ">"
            else:
                critical, relation = "", ""
            measured = _measured_at(grid, fixture, pressure)
            out.append({
                "fixture": fixture, "pressure_MPa": pressure, "points": len(here),
                "kept": len(kept), "lost": len(lost), "not_ok": len(here) - len(kept) - len(lost),
                "highest_kept_mA_cm2": high, "lowest_lost_mA_cm2": low,
                "critical_mA_cm2": critical, "relation": relation,
                "monotone": not (kept and lost) or high < low,
                "measured_mA_cm2": ";".join(f"{m['value']:g}" for m in measured),
                "measured_source": " | ".join(m["source"] for m in measured)})
    return out


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row[k]) for k in columns})
    return path


def write_tables(sweep_dir: SweepDir, grid: MapGrid):
    """Write ``map.csv`` and ``critical_current.csv``; returns their paths and rows."""
    rows = map_rows(sweep_dir, grid)
    critical = critical_rows(rows, grid)
    return (_write(sweep_dir.root / MAP_TABLE, MAP_COLUMNS, rows),
            _write(sweep_dir.root / CRITICAL_TABLE, CRITICAL_COLUMNS, critical), rows, critical)


def estimate_text(row: dict[str, Any]) -> str:
    """'0.35', '< 0.1', '> 1.5' or '-' (nothing completed)."""
    if not row["relation"]:
        return "-"
    value = f"{row['critical_mA_cm2']:.4g}"
    return value if row["relation"] == "=" else f"{row['relation']} {value}"


def table_text(critical: list[dict[str, Any]]) -> str:
    """The critical currents as a text table, the measured ones beside."""
    lines = [f"{'fixture':<18s} {'pressure (MPa)':>14s} {'simulated (mA/cm^2)':>20s} "
             f"{'measured (mA/cm^2)':>19s}  points kept/lost/not ok"]
    for r in critical:
        measured = r["measured_mA_cm2"].replace(";", ", ") or "-"
        lines.append(f"{r['fixture']:<18s} {r['pressure_MPa']:>14g} {estimate_text(r):>20s} "
                     f"{measured:>19s}  {r['kept']}/{r['lost']}/{r['not_ok']}"
                     + ("" if r["monotone"] else "  (not monotone)"))
    return "\n".join(lines)
