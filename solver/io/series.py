"""``series.csv``: one row per accepted step, written and flushed as the run goes (rank 0)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

COLUMNS = (
    "time_s",
    "time_h",
    "current_mA_cm2",
    "capacity_mAh_cm2",
    "normalized_capacity",
    "voltage_V",
    "anode_potential_V",
    "mean_theta",
    "interface_theta_min",
    "interface_theta_max",
    "stack_pressure_MPa",
    "stack_displacement_um",
    "anode_thickness_change_um",
    "contact_fraction",
    "void_fraction",
    "max_von_mises_MPa",
    "max_hydrostatic_stress_MPa",
    "min_hydrostatic_stress_MPa",
    "max_creep_strain",
    "wall_force_N",
    "max_wall_gap_um",
    "clearance_extrusion_um",
    "newton_iterations",
    "dt_s",
    "event",
    "protocol_step",
)
"""Columns with units; a column that does not apply to a case is left empty (a value that
is not a number is ``nan``). ``protocol_step`` is the index of the ``[[protocol]]`` entry the
row belongs to (the preload rows: 0)."""


class SeriesWriter:
    def __init__(self, path: Path, active: bool, resume_bytes: int | None = None,
                 columns: tuple[str, ...] = COLUMNS):
        """``resume_bytes``: continue a restarted run: cut the file to the length it had at the
        checkpoint (dropping the rows after it) and append. ``columns``: the header (the die
        cell's by default)."""
        self.path = path
        self.columns = columns
        self._file = None
        if not active:
            return
        if resume_bytes is not None:
            with path.open("r+b") as f:
                if f.seek(0, 2) < resume_bytes:
                    raise OSError(f"{path} is shorter than at the checkpoint "
                                  f"({resume_bytes} bytes)")
                f.truncate(resume_bytes)
            self._file = path.open("a", newline="")
            self._csv = csv.DictWriter(self._file, fieldnames=self.columns)
            return
        self._file = path.open("w", newline="")
        self._csv = csv.DictWriter(self._file, fieldnames=self.columns)
        self._csv.writeheader()
        self._file.flush()

    def size(self) -> int:
        """Bytes written so far (every row is flushed)."""
        return os.fstat(self._file.fileno()).st_size if self._file else 0

    def write(self, row: dict) -> None:
        if not self._file:
            return
        self._csv.writerow({k: _fmt(row.get(k)) for k in self.columns})
        self._file.flush()

    def close(self) -> None:
        if self._file:
            self._file.close()
            self._file = None


def _fmt(value) -> str:
    """Empty for a column that is not modelled; a NaN is written as ``nan``, never hidden."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def read_series(path: Path) -> dict[str, list]:
    """Columns of a ``series.csv`` as lists (floats where numeric, None where empty)."""
    with Path(path).open() as f:
        rows = list(csv.DictReader(f))
    out: dict[str, list] = {k: [] for k in (rows[0].keys() if rows else COLUMNS)}
    for row in rows:
        for k, v in row.items():
            try:
                out[k].append(float(v) if v != "" else None)
            except ValueError:
                out[k].append(v)
    return out
