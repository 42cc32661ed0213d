"""Simple bodies for verification studies: a solid sphere (by symmetry), a hollow sphere or
cylinder (a quarter annulus) and a rectangle.

* :func:`build_sphere` meshes a ball of radius ``R`` with gmsh, using its symmetry:

  - ``"axisymmetric"``: the quarter disk ``r >= 0, z >= 0, r^2 + z^2 <= R^2`` in the
    ``(r, z) = (x[0], x[1])`` plane (triangles). Revolved about the axis it is the *half*
    ball ``z >= 0``, of volume ``2 pi R^3 / 3``.
  - ``"3d"``: the octant ``x, y, z >= 0`` of the ball (tetrahedra), of volume ``pi R^3 / 6``.

  The geometry is built with gmsh's built-in kernel from exact circle arcs (and, in 3-D, a
  spherical patch bounded by three great-circle arcs), so every boundary node lies on the
  sphere. With ``geometry_order=1`` the curved surface is replaced by flat facets whose
  vertices lie on the sphere: the volume and area of the mesh then converge as ``O(h^2)``
  (the relative volume deficit is about ``(h/R)^2 / 4`` for the axisymmetric mesh and
  ``0.3-0.35 (h/R)^2`` for the 3-D octant, ``h`` being the element size on the surface). With ``geometry_order=2`` gmsh places the edge
  mid-nodes on the sphere (``gmsh.model.mesh.setOrder(2)``) and DOLFINx reads the quadratic
  triangles/tetrahedra as a P2 coordinate element; the geometric error then drops to
  ``O(h^4)``, so it no longer limits the convergence of P1/P2 fields.

* :func:`build_annulus` meshes the quarter annulus ``a <= rho <= b`` (``x[0], x[1] >= 0``)
  with exact circle arcs: revolved about ``x[1]`` (``"axisymmetric"``) it is the half of a
  hollow sphere ``z >= 0``; in ``"plane_strain"`` it is a quarter of the cross-section of a
  hollow cylinder. The void problems of :mod:`solver.verification.voids` run on it.

* :func:`build_rectangle` meshes ``[0, L] x [0, H]`` with structured triangles
  (:func:`dolfinx.mesh.create_rectangle`, no gmsh).

Both return a :class:`BodyMesh`, which has the fields of
:class:`~solver.geometry.die_stack.StackMesh` that the physics needs (``mesh``,
``cell_tags``, ``facet_tags``, ``cell_regions``, ``facet_regions``, ``mode``). In parallel
the gmsh model is built on rank 0 only and distributed; the rectangle is created
distributed; facet tags are present on every rank (owned and ghost facets).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

try:
    import dolfinx_solver  # noqa: F401  - must precede dolfinx (orders MPI first)
except ImportError:  # conda/cluster installs provide DOLFINx without this module
    pass

import dolfinx
import dolfinx.mesh
import gmsh
import numpy as np

from solver.geometry.die_stack import AXIS, _check_positive, _divisions, group_tags, mesh_on_root

__all__ = ["BodyMesh", "build_annulus", "build_rectangle", "build_sphere"]

SPHERE_MODES = ("axisymmetric", "3d")
RECTANGLE_MODES = ("plane_strain", "plane_stress", "axisymmetric")
ANNULUS_MODES = ("axisymmetric", "plane_strain")

PARTICLE = "particle"
BAR = "bar"
SURFACE = "surface"
SYMMETRY_X = "symmetry_x"
SYMMETRY_Y = "symmetry_y"
SYMMETRY_Z = "symmetry_z"
LEFT, RIGHT, BOTTOM, TOP = "left", "right", "bottom", "top"
SHELL = "shell"
INNER, OUTER = "inner_surface", "outer_surface"

_CELL_TAG = 1
_SPHERE_FACET_TAGS = {SURFACE: 1, AXIS: 2, SYMMETRY_X: 3, SYMMETRY_Y: 4, SYMMETRY_Z: 5}
_RECTANGLE_FACET_TAGS = {LEFT: 1, RIGHT: 2, BOTTOM: 3, TOP: 4}
_ANNULUS_FACET_TAGS = {INNER: 1, OUTER: 2, AXIS: 3, SYMMETRY_X: 3, SYMMETRY_Z: 4, SYMMETRY_Y: 4}


@dataclass
class BodyMesh:
    """Distributed mesh of a single body with its region markers.

    Attributes:
        mesh: The DOLFINx mesh (ghost mode ``shared_facet``).
        cell_tags: Cell markers (one group: the whole body).
        facet_tags: Facet markers of the named boundaries.
        cell_regions: Cell-group name -> tag (``"particle"`` or ``"bar"``).
        facet_regions: Boundary name -> facet tag.
        mode: ``"axisymmetric"``, ``"3d"``, ``"plane_strain"`` or ``"plane_stress"``; in the
            axisymmetric mode ``x[0]`` is the radius ``r`` and ``x[1]`` the axial coordinate.

    """

    mesh: dolfinx.mesh.Mesh
    cell_tags: dolfinx.mesh.MeshTags
    facet_tags: dolfinx.mesh.MeshTags
    cell_regions: dict[str, int]
    facet_regions: dict[str, int]
    mode: str


def build_sphere(
    comm,
    radius_mm: float,
    mesh_size_mm: float,
    mode: str,
    refine_surface: float = 1.0,
    *,
    geometry_order: int = 1,
    gmsh_verbosity: int = 0,
) -> BodyMesh:
    """Mesh a solid sphere of radius R by symmetry (quarter disk or octant).

    The element size is ``mesh_size_mm`` at the centre and ``refine_surface * mesh_size_mm``
    on the spherical surface (sizes at the geometry points, interpolated in between by
    gmsh), so ``refine_surface < 1`` grades the mesh towards the surface, where
    concentration gradients are steepest. Halving ``mesh_size_mm`` at fixed
    ``refine_surface`` halves every element size, as a convergence study needs.

    With ``geometry_order=1`` the volume/area of the mesh converge to those of the sphere as
    ``O(h^2)``; with ``geometry_order=2`` (curved P2 cells) as ``O(h^4)``.

    Args:
        comm: MPI communicator of the mesh (the gmsh model is built on its rank 0).
        radius_mm: Sphere radius R (mm).
        mesh_size_mm: Element size at the centre (mm).
        mode: ``"axisymmetric"`` (quarter disk in (r, z), triangles; facet groups
            ``"surface"``, ``"axis"`` (r = 0), ``"symmetry_z"`` (z = 0)) or ``"3d"`` (octant,
            tetrahedra; facet groups ``"surface"``, ``"symmetry_x"``, ``"symmetry_y"``,
            ``"symmetry_z"``). The cell group is ``"particle"``.
        refine_surface: Ratio of the surface element size to ``mesh_size_mm``, in (0, 1].
        geometry_order: 1 (affine cells) or 2 (quadratic cells with mid-nodes on the sphere).
        gmsh_verbosity: Value of the gmsh option ``General.Terminal`` (0 = silent).

    Returns:
        The mesh, its markers and the name -> tag maps.

    Raises:
        ValueError: If an argument is invalid; the message names the argument.
        RuntimeError: If gmsh fails to build or mesh the geometry.

    """
    if mode not in SPHERE_MODES:
        raise ValueError(f"mode must be one of {SPHERE_MODES}, got {mode!r}")
    _check_positive("radius_mm", radius_mm)
    _check_positive("mesh_size_mm", mesh_size_mm)
    _check_positive("refine_surface", refine_surface)
    if refine_surface > 1.0:
        raise ValueError(f"refine_surface must be in (0, 1], got {refine_surface!r}")
    if geometry_order not in (1, 2) or isinstance(geometry_order, bool):
        raise ValueError(f"geometry_order must be 1 or 2, got {geometry_order!r}")
    if isinstance(gmsh_verbosity, bool) or not isinstance(gmsh_verbosity, int):
        raise ValueError(f"gmsh_verbosity must be an int, got {gmsh_verbosity!r}")
    if gmsh_verbosity < 0:
        raise ValueError(f"gmsh_verbosity must be >= 0, got {gmsh_verbosity!r}")
    radius = float(radius_mm)
    center_size = float(mesh_size_mm)
    surface_size = center_size * float(refine_surface)
    tdim = 2 if mode == "axisymmetric" else 3
    builder = _build_quarter_disk if mode == "axisymmetric" else _build_octant
    if tdim == 2:
        facet_names = [SURFACE, AXIS, SYMMETRY_Z]
    else:
        facet_names = [SURFACE, SYMMETRY_X, SYMMETRY_Y, SYMMETRY_Z]

    data = mesh_on_root(
        comm, lambda: builder(radius, center_size, surface_size), tdim, gmsh_verbosity,
        "the sphere", geometry_order,
    )

    tags = group_tags(data, [PARTICLE, *facet_names])
    return BodyMesh(
        mesh=data.mesh,
        cell_tags=data.cell_tags,
        facet_tags=data.facet_tags,
        cell_regions={PARTICLE: tags[PARTICLE]},
        facet_regions={name: tags[name] for name in facet_names},
        mode=mode,
    )


def build_annulus(
    comm,
    inner_radius_mm: float,
    outer_radius_mm: float,
    mesh_size_mm: float,
    mode: str,
    refine_inner: float = 1.0,
    *,
    geometry_order: int = 2,
    gmsh_verbosity: int = 0,
) -> BodyMesh:
    """Mesh the quarter annulus a <= rho <= b, x[0], x[1] >= 0 (a hollow sphere or cylinder).

    The element size is ``mesh_size_mm`` on the outer arc and ``refine_inner * mesh_size_mm``
    on the inner one (each arc divided into equal segments, gmsh interpolating in between), so
    halving ``mesh_size_mm`` at fixed ``refine_inner`` halves every element size.

    Args:
        comm: MPI communicator of the mesh (the gmsh model is built on its rank 0).
        inner_radius_mm: Inner (void) radius a (mm).
        outer_radius_mm: Outer radius b > a (mm).
        mesh_size_mm: Element size on the outer arc (mm).
        mode: ``"axisymmetric"`` ((r, z) = (x[0], x[1]): half a hollow sphere; facet groups
            ``"inner_surface"``, ``"outer_surface"``, ``"axis"`` (r = 0) and ``"symmetry_z"``
            (z = 0)) or ``"plane_strain"`` (a quarter of a hollow cylinder's section; the
            groups ``"inner_surface"``, ``"outer_surface"``, ``"symmetry_x"`` (x[0] = 0) and
            ``"symmetry_y"`` (x[1] = 0)). The cell group is ``"shell"``.
        refine_inner: Ratio of the inner element size to ``mesh_size_mm``, in (0, 1].
        geometry_order: 1 (affine cells) or 2 (quadratic cells, mid-nodes on the arcs).
        gmsh_verbosity: Value of the gmsh option ``General.Terminal`` (0 = silent).

    Returns:
        The mesh, its markers and the name -> tag maps.

    Raises:
        ValueError: If an argument is invalid; the message names the argument.
        RuntimeError: If gmsh fails to build or mesh the geometry.

    """
    if mode not in ANNULUS_MODES:
        raise ValueError(f"mode must be one of {ANNULUS_MODES}, got {mode!r}")
    for name, value in (("inner_radius_mm", inner_radius_mm), ("outer_radius_mm", outer_radius_mm),
                        ("mesh_size_mm", mesh_size_mm), ("refine_inner", refine_inner)):
        _check_positive(name, value)
    if outer_radius_mm <= inner_radius_mm:
        raise ValueError(f"outer_radius_mm must exceed inner_radius_mm = {inner_radius_mm!r}, "
                         f"got {outer_radius_mm!r}")
    if refine_inner > 1.0:
        raise ValueError(f"refine_inner must be in (0, 1], got {refine_inner!r}")
    if geometry_order not in (1, 2) or isinstance(geometry_order, bool):
        raise ValueError(f"geometry_order must be 1 or 2, got {geometry_order!r}")
    if isinstance(gmsh_verbosity, bool) or not isinstance(gmsh_verbosity, int) or gmsh_verbosity < 0:
        raise ValueError(f"gmsh_verbosity must be an int >= 0, got {gmsh_verbosity!r}")
    a, b = float(inner_radius_mm), float(outer_radius_mm)
    outer_size = float(mesh_size_mm)
    inner_size = outer_size * float(refine_inner)
    first, second = (AXIS, SYMMETRY_Z) if mode == "axisymmetric" else (SYMMETRY_X, SYMMETRY_Y)
    facet_names = [INNER, OUTER, first, second]

    def build():
        _build_quarter_annulus(a, b, inner_size, outer_size, first, second)

    data = mesh_on_root(comm, build, 2, gmsh_verbosity, "the annulus", geometry_order)
    tags = group_tags(data, [SHELL, *facet_names])
    return BodyMesh(
        mesh=data.mesh,
        cell_tags=data.cell_tags,
        facet_tags=data.facet_tags,
        cell_regions={SHELL: tags[SHELL]},
        facet_regions={name: tags[name] for name in facet_names},
        mode=mode,
    )


def build_rectangle(
    comm,
    length_mm: float,
    height_mm: float,
    nx: int,
    ny: int,
    mode: str = "plane_strain",
) -> BodyMesh:
    """Mesh the rectangle [0, L] x [0, H] with structured triangles.

    Every one of the ``nx * ny`` cells of the grid is split into two triangles along its
    "right" diagonal. In the axisymmetric mode ``x[0]`` is the radius (the mesh is the same).

    Args:
        comm: MPI communicator of the mesh.
        length_mm: Length L along x[0] (mm).
        height_mm: Height H along x[1] (mm).
        nx: Number of divisions along x[0] (>= 1).
        ny: Number of divisions along x[1] (>= 1).
        mode: ``"plane_strain"``, ``"plane_stress"`` or ``"axisymmetric"``.

    Returns:
        The mesh with the cell group ``"bar"`` and the facet groups ``"left"`` (x = 0),
        ``"right"`` (x = L), ``"bottom"`` (y = 0) and ``"top"`` (y = H).

    Raises:
        ValueError: If an argument is invalid; the message names the argument.

    """
    if mode not in RECTANGLE_MODES:
        raise ValueError(f"mode must be one of {RECTANGLE_MODES}, got {mode!r}")
    _check_positive("length_mm", length_mm)
    _check_positive("height_mm", height_mm)
    for name, value in (("nx", nx), ("ny", ny)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    length, height = float(length_mm), float(height_mm)
    mesh = dolfinx.mesh.create_rectangle(
        comm,
        [np.array([0.0, 0.0]), np.array([length, height])],
        [int(nx), int(ny)],
        dolfinx.mesh.CellType.triangle,
        ghost_mode=dolfinx.mesh.GhostMode.shared_facet,
    )
    tdim = mesh.topology.dim
    mesh.topology.create_connectivity(tdim - 1, tdim)

    tol = 1e-10 * max(length, height)
    where = {
        LEFT: lambda x: np.isclose(x[0], 0.0, rtol=0.0, atol=tol),
        RIGHT: lambda x: np.isclose(x[0], length, rtol=0.0, atol=tol),
        BOTTOM: lambda x: np.isclose(x[1], 0.0, rtol=0.0, atol=tol),
        TOP: lambda x: np.isclose(x[1], height, rtol=0.0, atol=tol),
    }
    facets, values = [], []
    for name, marker in where.items():
        found = dolfinx.mesh.locate_entities_boundary(mesh, tdim - 1, marker)
        facets.append(found)
        values.append(np.full(found.size, _RECTANGLE_FACET_TAGS[name], dtype=np.int32))
    facets_all = np.concatenate(facets).astype(np.int32)
    order = np.argsort(facets_all, kind="stable")
    facet_tags = dolfinx.mesh.meshtags(
        mesh, tdim - 1, facets_all[order], np.concatenate(values)[order]
    )
    facet_tags.name = "boundaries"

    cell_map = mesh.topology.index_map(tdim)
    cells = np.arange(cell_map.size_local + cell_map.num_ghosts, dtype=np.int32)
    cell_tags = dolfinx.mesh.meshtags(mesh, tdim, cells, np.full(cells.size, _CELL_TAG, np.int32))
    cell_tags.name = "regions"
    return BodyMesh(
        mesh=mesh,
        cell_tags=cell_tags,
        facet_tags=facet_tags,
        cell_regions={BAR: _CELL_TAG},
        facet_regions=dict(_RECTANGLE_FACET_TAGS),
        mode=mode,
    )


def _add_sphere_groups(tdim: int, body: int, facets: dict[str, list[int]]) -> None:
    """Add the cell group ``"particle"`` and the facet groups to the current gmsh model."""
    gmsh.model.addPhysicalGroup(tdim, [body], tag=_CELL_TAG, name=PARTICLE)
    for name, entities in facets.items():
        gmsh.model.addPhysicalGroup(tdim - 1, entities, tag=_SPHERE_FACET_TAGS[name], name=name)


def _build_quarter_disk(radius: float, center_size: float, surface_size: float) -> None:
    """Build the quarter disk r, z >= 0 in the (x, y) plane with an exact circle arc."""
    geo = gmsh.model.geo
    origin = geo.addPoint(0.0, 0.0, 0.0, center_size)
    on_r = geo.addPoint(radius, 0.0, 0.0, surface_size)
    on_z = geo.addPoint(0.0, radius, 0.0, surface_size)
    bottom = geo.addLine(origin, on_r)  # z = 0
    arc = geo.addCircleArc(on_r, origin, on_z)
    axis = geo.addLine(on_z, origin)  # r = 0
    surface = geo.addPlaneSurface([geo.addCurveLoop([bottom, arc, axis])])
    geo.synchronize()
    # A fixed number of equal arc segments (at least 2 so the surface is not a single chord).
    n_arc = _divisions(0.5 * math.pi * radius, surface_size, 2)
    gmsh.model.mesh.setTransfiniteCurve(arc, n_arc + 1)
    _add_sphere_groups(2, surface, {SURFACE: [arc], AXIS: [axis], SYMMETRY_Z: [bottom]})


def _build_octant(radius: float, center_size: float, surface_size: float) -> None:
    """Build the octant x, y, z >= 0 of the ball; the curved face lies on the exact sphere."""
    geo = gmsh.model.geo
    origin = geo.addPoint(0.0, 0.0, 0.0, center_size)
    px = geo.addPoint(radius, 0.0, 0.0, surface_size)
    py = geo.addPoint(0.0, radius, 0.0, surface_size)
    pz = geo.addPoint(0.0, 0.0, radius, surface_size)
    ox, oy, oz = geo.addLine(origin, px), geo.addLine(origin, py), geo.addLine(origin, pz)
    xy = geo.addCircleArc(px, origin, py)
    yz = geo.addCircleArc(py, origin, pz)
    zx = geo.addCircleArc(pz, origin, px)
    face_z = geo.addPlaneSurface([geo.addCurveLoop([ox, xy, -oy])])  # z = 0
    face_x = geo.addPlaneSurface([geo.addCurveLoop([oy, yz, -oz])])  # x = 0
    face_y = geo.addPlaneSurface([geo.addCurveLoop([oz, zx, -ox])])  # y = 0
    sphere = geo.addSurfaceFilling([geo.addCurveLoop([xy, yz, zx])], sphereCenterTag=origin)
    volume = geo.addVolume([geo.addSurfaceLoop([face_z, face_x, face_y, sphere])])
    geo.synchronize()
    n_arc = _divisions(0.5 * math.pi * radius, surface_size, 2)
    for arc in (xy, yz, zx):
        gmsh.model.mesh.setTransfiniteCurve(arc, n_arc + 1)
    _add_sphere_groups(
        3,
        volume,
        {SURFACE: [sphere], SYMMETRY_X: [face_x], SYMMETRY_Y: [face_y], SYMMETRY_Z: [face_z]},
    )


def _build_quarter_annulus(a: float, b: float, inner_size: float, outer_size: float,
                           on_x0: str, on_x1: str) -> None:
    """Build the quarter annulus a <= rho <= b, x, y >= 0 with exact circle arcs; the straight
    edges on x = 0 and y = 0 get the groups ``on_x0`` and ``on_x1``."""
    geo = gmsh.model.geo
    origin = geo.addPoint(0.0, 0.0, 0.0, inner_size)
    a_x, b_x = geo.addPoint(a, 0.0, 0.0, inner_size), geo.addPoint(b, 0.0, 0.0, outer_size)
    a_y, b_y = geo.addPoint(0.0, a, 0.0, inner_size), geo.addPoint(0.0, b, 0.0, outer_size)
    bottom = geo.addLine(a_x, b_x)  # y = 0
    outer = geo.addCircleArc(b_x, origin, b_y)
    side = geo.addLine(b_y, a_y)  # x = 0
    inner = geo.addCircleArc(a_y, origin, a_x)
    surface = geo.addPlaneSurface([geo.addCurveLoop([bottom, outer, side, inner])])
    geo.synchronize()
    for arc, radius, size in ((inner, a, inner_size), (outer, b, outer_size)):
        gmsh.model.mesh.setTransfiniteCurve(arc, _divisions(0.5 * math.pi * radius, size, 2) + 1)
    gmsh.model.addPhysicalGroup(2, [surface], tag=_CELL_TAG, name=SHELL)
    for name, curve in ((INNER, inner), (OUTER, outer), (on_x0, side), (on_x1, bottom)):
        gmsh.model.addPhysicalGroup(1, [curve], tag=_ANNULUS_FACET_TAGS[name], name=name)
