"""Cell count of a die-stack mesh, estimated before gmsh runs (no gmsh, no DOLFINx).

A case with a 0.001 um mesh size would otherwise exhaust memory inside gmsh with no useful
message; the case loader refuses it by this estimate instead (``geometry.max_cells``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

TRIANGLES_PER_AREA = 4.0 / math.sqrt(3.0)
"""Equilateral triangles of edge h cover h^2 sqrt(3) / 4 each (the 3-D disk triangulation)."""


def divisions(length: float, size: float, minimum: int) -> int:
    """Return the number of elements of size at most ``size`` on ``length`` (>= minimum)."""
    return max(minimum, math.ceil(length / size - 1e-9))


def _count(length: float, size: float, minimum: int) -> float:
    """:func:`divisions` as a float that may be inf (a size that underflows to 0)."""
    n = length / size if size > 0 else math.inf
    return float(divisions(length, size, minimum)) if n < 1e15 else n


def stack_cells(layers: Sequence[tuple[float, float]], radius_mm: float, mode: str,
                radial_mesh_size_mm: float) -> float:
    """Cells of :func:`build_die_stack`'s mesh for layers given as (thickness, axial size).

    Exact for the structured axisymmetric and plane-strain meshes (two triangles per
    quadrilateral); for 3-D, the unstructured disk is counted as equilateral triangles of the
    radial size, each extruded prism split into three tetrahedra (within tens of per cent).
    A float, as an absurd mesh overflows no integer here.
    """
    axial = sum(_count(t, h, 2) for t, h in layers)
    if mode == "3d":
        disk = math.pi * (radius_mm / radial_mesh_size_mm) ** 2 * TRIANGLES_PER_AREA
        return 3.0 * max(disk, 4.0) * axial
    return 2.0 * _count(radius_mm, radial_mesh_size_mm, 1) * axial


def axial_counts(layers: Sequence[tuple[str, float, float]]) -> dict[str, float]:
    """Axial elements per layer, for layers given as (name, thickness, axial size)."""
    return {name: _count(t, h, 2) for name, t, h in layers}


def radial_count(radius_mm: float, radial_mesh_size_mm: float) -> float:
    """Elements across the bore radius."""
    return _count(radius_mm, radial_mesh_size_mm, 1)
