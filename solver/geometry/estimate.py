"""Cell count of a die-stack mesh, estimated before gmsh runs (no gmsh, no DOLFINx).

A case with a 0.001 um mesh size would otherwise exhaust memory inside gmsh with no useful
message; the case loader refuses it by this estimate instead (``geometry.max_cells``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

TRIANGLES_PER_AREA = 4.0 / math.sqrt(3.0)
"""Equilateral triangles of edge h cover h^2 sqrt(3) / 4 each (the 3-D disk triangulation)."""

CLEARANCE_CELLS = 4
"""Cells across the clearance c: the cell size in the extrusion zone is c / CLEARANCE_CELLS."""
CLEARANCE_FINE_ZONE = 2.0
"""The cells stay at the finest size within this many c of the clearance annulus."""
CLEARANCE_GROWTH = 0.25
"""Beyond it the cell size grows by this much per unit distance, up to the layer's size."""


def clearance_sizes(clearance: float, coarse: float) -> tuple[float, float, float]:
    """(finest size, distance where it starts to grow, distance where it reaches ``coarse``)
    of the extrusion zone's mesh around a clearance annulus of width ``clearance``."""
    fine = min(clearance / CLEARANCE_CELLS, coarse)
    d_fine = CLEARANCE_FINE_ZONE * clearance
    return fine, d_fine, d_fine + (coarse - fine) / CLEARANCE_GROWTH


def divisions(length: float, size: float, minimum: int) -> int:
    """Return the number of elements of size at most ``size`` on ``length`` (>= minimum)."""
    return max(minimum, math.ceil(length / size - 1e-9))


def _count(length: float, size: float, minimum: int) -> float:
    """:func:`divisions` as a float that may be inf (a size that underflows to 0)."""
    n = length / size if size > 0 else math.inf
    return float(divisions(length, size, minimum)) if n < 1e15 else n


def stack_cells(layers: Sequence[tuple[float, float]], radius_mm: float, mode: str,
                radial_mesh_size_mm: float, clearance_mm: float = 0.0) -> float:
    """Cells of :func:`build_die_stack`'s mesh for layers given as (thickness, axial size).

    Exact for the structured axisymmetric and plane-strain meshes (two triangles per
    quadrilateral); for 3-D, the unstructured disk is counted as equilateral triangles of the
    radial size, each extruded prism split into three tetrahedra (within tens of per cent).
    With a clearance (2-D) the top layer is unstructured: counted as equilateral triangles of
    the local size (:func:`clearance_zone_cells`), within tens of per cent.
    A float, as an absurd mesh overflows no integer here.
    """
    if mode == "3d":
        axial = sum(_count(t, h, 2) for t, h in layers)
        disk = math.pi * (radius_mm / radial_mesh_size_mm) ** 2 * TRIANGLES_PER_AREA
        return 3.0 * max(disk, 4.0) * axial
    if clearance_mm <= 0.0:
        axial = sum(_count(t, h, 2) for t, h in layers)
        return 2.0 * _count(radius_mm, radial_mesh_size_mm, 1) * axial
    *below, (t_top, h_top) = layers
    axial = sum(_count(t, h, 2) for t, h in below)
    radial = _count(radius_mm, radial_mesh_size_mm, 1) + _count(clearance_mm, clearance_mm / CLEARANCE_CELLS, CLEARANCE_CELLS)
    coarse = min(radial_mesh_size_mm, h_top, t_top / 2.0)
    top = radius_mm * t_top / coarse**2 * TRIANGLES_PER_AREA if coarse > 0 else math.inf
    return 2.0 * radial * axial + top + clearance_zone_cells(clearance_mm, coarse)


def clearance_zone_cells(clearance: float, coarse: float, samples: int = 200) -> float:
    """Extra cells of the graded zone around a clearance annulus of width ``clearance`` on the
    top face next to the wall: the band at distance d has length c + (pi/2) d, covered by
    triangles of the size h(d) of :func:`clearance_sizes`."""
    if not clearance > 0.0 or not coarse > 0.0:
        return math.inf
    fine, d_fine, d_coarse = clearance_sizes(clearance, coarse)
    if not fine > 0.0:
        return math.inf
    total, step = 0.0, d_coarse / samples
    for i in range(samples):  # midpoint rule; the integrand is smooth
        d = (i + 0.5) * step
        h = fine if d < d_fine else min(coarse, fine + (d - d_fine) * (coarse - fine) / (d_coarse - d_fine))
        total += (clearance + 0.5 * math.pi * d) * (1.0 / h**2 - 1.0 / coarse**2) * step
    return total * TRIANGLES_PER_AREA


def axial_counts(layers: Sequence[tuple[str, float, float]]) -> dict[str, float]:
    """Axial elements per layer, for layers given as (name, thickness, axial size)."""
    return {name: _count(t, h, 2) for name, t, h in layers}


def radial_count(radius_mm: float, radial_mesh_size_mm: float) -> float:
    """Elements across the bore radius."""
    return _count(radius_mm, radial_mesh_size_mm, 1)
