"""Mesh of a Li layer on a solid electrolyte whose surface is flat, wavy, rough or carries voids.

The two regions, ``"electrolyte"`` (``0 < z < z_s(u)``) and ``"li"``
(``z_li(u) < z < h_se + h_li``; ``z_li = z_s`` except over a void), are meshed separately:
every node of their common surface is duplicated, one copy in each region, so the facet
groups ``"li_surface"`` (the Li's side) and ``"electrolyte_surface"`` (the electrolyte's side)
coincide where the two touch but share no node, and the regions can separate (unilateral
contact is left to the physics). The surfaces ``z_s`` and ``z_li`` are those of
:mod:`solver.geometry.interface_profile`.

Construction (on rank 0, in gmsh, OpenCASCADE kernel): the two-layer block with the nominal
interface ``z = h_se``, the void caps cut out of the Li as exact circle arcs (sphere patches in
3-D), is meshed conformingly, with the element size ``interface_mesh_size_mm`` within a band
around the interface (the surface's largest excursion plus ``BAND_CELLS`` cells) and growing by
``GROWTH`` per unit distance to ``mesh_size_mm`` away from it (a Distance/Threshold field). A
wavy or rough surface is then imposed by moving each region's nodes along ``z``, column by
column: in the electrolyte ``z -> z z_s(u) / h_se``, in the Li
``z -> H - (H - z) (H - z_s(u)) / h_li`` (``H = h_se + h_li``), so the base and the top stay
flat, interface nodes land exactly on ``z_s`` (the mesh samples the surface at its nodes, a
polyline/polyhedral interpolant with at least ``CELLS_PER_FEATURE`` cells per wavelength or
correlation length) and no cell is stretched or compressed more than the excursion limit
allows (the mapping is checked not to invert any cell). The smooth surfaces map well; the
kink of a void's rim would not, hence the voids' exact geometry. The mesh is handed to DOLFINx
as a discrete gmsh model in which the interface nodes of the Li cells are new nodes
(:func:`solver.geometry.die_stack.mesh_on_root` distributes it with facet-sharing ghosts).

Modes: ``"plane_strain"`` (``(x, z) = (x[0], x[1])``, width L, facet groups ``"left"`` at
``x = 0`` and ``"right"`` at ``x = L``), ``"axisymmetric"`` (``(r, z)``, radius L, ``"axis"``
at ``r = 0`` and ``"outer"`` at ``r = L``) and ``"3d"`` (tetrahedra, ``z = x[2]``, the square
``[0, L]^2``: ``"left"``/``"right"`` at ``x = 0, L``, ``"front"``/``"back"`` at ``y = 0, L``). A
square rather than a disk: it is the periodic cell of the rough surface (periodic in L) and
of the wavy one (symmetric about ``x = 0`` and ``y = 0``, periodic when L is a multiple of
lambda), voids sit on a grid in it, and its flat sides take symmetry or periodic conditions,
which a disk's curved side would not. Every mode has ``"top"`` (the Li's top, where the
plunger presses) and ``"bottom"`` (the electrolyte's base); the lateral groups span both
layers.
"""

from __future__ import annotations

from dataclasses import dataclass

try:
    import dolfinx_solver  # noqa: F401  - must precede dolfinx (orders MPI first)
except ImportError:  # conda/cluster installs provide DOLFINx without this module
    pass

import dolfinx
import dolfinx.mesh
import gmsh
import numpy as np

from solver.geometry.die_stack import AXIS, group_tags, mesh_on_root
from solver.geometry.interface_profile import (
    InterfaceProfile,
    InterfaceSpec,
    cap_radius,
    interface_profile,
)

__all__ = ["InterfaceMesh", "InterfaceSpec", "build_interface"]

LI = "li"
ELECTROLYTE = "electrolyte"
LI_SURFACE = "li_surface"
ELECTROLYTE_SURFACE = "electrolyte_surface"
TOP = "top"
BOTTOM = "bottom"
LEFT, RIGHT, FRONT, BACK = "left", "right", "front", "back"
OUTER = "outer"

_CELL_TAGS = {ELECTROLYTE: 1, LI: 2}
_FACET_TAGS = {BOTTOM: 1, TOP: 2, ELECTROLYTE_SURFACE: 3, LI_SURFACE: 4, LEFT: 5, RIGHT: 6,
               AXIS: 7, OUTER: 8, FRONT: 9, BACK: 10}
_LATERAL = {"plane_strain": (LEFT, RIGHT), "axisymmetric": (AXIS, OUTER),
            "3d": (LEFT, RIGHT, FRONT, BACK)}

BAND_CELLS = 2
"""The fine band reaches this many interface cells beyond the surface's largest excursion."""
GROWTH = 0.5
"""Beyond the band the element size grows by this much per unit distance."""
SAMPLING_PER_CELL = 2
"""Distance-field samples per interface cell along the interface."""

# gmsh element types: 2-node line, 3-node triangle, 4-node tetrahedron
_LINE, _TRIANGLE, _TETRAHEDRON = 1, 2, 4


@dataclass
class InterfaceMesh:
    """Distributed mesh of a Li layer on an electrolyte, with their interface's description.

    Attributes:
        mesh: The DOLFINx mesh (ghost mode ``shared_facet``); two disconnected regions.
        cell_tags: Cell markers: ``"electrolyte"`` and ``"li"``.
        facet_tags: Facet markers of the groups in ``facet_regions``.
        cell_regions: Region name -> cell tag.
        facet_regions: Boundary name -> facet tag: ``"li_surface"``, ``"electrolyte_surface"``,
            ``"top"``, ``"bottom"`` and the lateral groups of the mode.
        mode: ``"plane_strain"``, ``"axisymmetric"`` or ``"3d"``.
        spec: The geometry's specification.
        profile: The surfaces z_s(u) and z_li(u), their samples and the initial void volume
            per unit area (:class:`~solver.geometry.interface_profile.InterfaceProfile`).

    """

    mesh: dolfinx.mesh.Mesh
    cell_tags: dolfinx.mesh.MeshTags
    facet_tags: dolfinx.mesh.MeshTags
    cell_regions: dict[str, int]
    facet_regions: dict[str, int]
    mode: str
    spec: InterfaceSpec
    profile: InterfaceProfile


def build_interface(comm, spec: InterfaceSpec, mode: str, *,
                    gmsh_verbosity: int = 0) -> InterfaceMesh:
    """Mesh a Li layer on an electrolyte layer with the interface ``spec`` describes.

    Args:
        comm: MPI communicator of the mesh (the gmsh model is built on its rank 0).
        spec: Layers, extent, mesh sizes and the interface's shape.
        mode: ``"plane_strain"``, ``"axisymmetric"`` or ``"3d"``.
        gmsh_verbosity: Value of the gmsh option ``General.Terminal`` (0 = silent).

    Returns:
        The mesh, its markers, the name -> tag maps and the interface profile.

    Raises:
        ValueError: If an argument is invalid or the surface cannot be resolved or does not
            fit; the message names the argument and the limit. Raised on every rank.
        RuntimeError: If gmsh fails, or a cell would be inverted by the mapping onto the
            surface (a surface too steep for the interface mesh size).

    """
    if isinstance(gmsh_verbosity, bool) or not isinstance(gmsh_verbosity, int):
        raise ValueError(f"gmsh_verbosity must be an int, got {gmsh_verbosity!r}")
    if gmsh_verbosity < 0:
        raise ValueError(f"gmsh_verbosity must be >= 0, got {gmsh_verbosity!r}")
    profile = interface_profile(spec, mode)  # validates; the same on every rank
    tdim = 3 if mode == "3d" else 2
    data = mesh_on_root(comm, lambda: _build(spec, profile, mode), tdim, gmsh_verbosity,
                        "the interface")
    facet_names = [BOTTOM, TOP, ELECTROLYTE_SURFACE, LI_SURFACE, *_LATERAL[mode]]
    tags = group_tags(data, [ELECTROLYTE, LI, *facet_names])
    return InterfaceMesh(
        mesh=data.mesh,
        cell_tags=data.cell_tags,
        facet_tags=data.facet_tags,
        cell_regions={name: tags[name] for name in (ELECTROLYTE, LI)},
        facet_regions={name: tags[name] for name in facet_names},
        mode=mode,
        spec=spec,
        profile=profile,
    )


@dataclass
class _FlatModel:
    """Entities of the flat block: the two regions and every facet entity with its role."""

    volumes: dict[str, int]  # region -> entity
    facets: list[tuple[str, str, int]]  # (group, region, entity); interface entities twice
    contact: list[int]  # interface entities outside the voids


def _build(spec: InterfaceSpec, profile: InterfaceProfile, mode: str) -> None:
    """Mesh the flat block in a scratch model; fill the current model with the final mesh.

    The final mesh is the mapped one, with the duplicated interface nodes, as discrete
    entities.
    """
    target = gmsh.model.getCurrent()
    scratch = target + "_flat"
    gmsh.model.add(scratch)
    try:
        flat = _block(spec, profile, mode)
        tdim = 3 if mode == "3d" else 2
        gmsh.model.mesh.generate(tdim)
        mesh = _extract(flat, tdim)
    finally:
        gmsh.model.setCurrent(scratch)
        gmsh.model.remove()
        gmsh.model.setCurrent(target)
    _discrete_model(mesh, spec, profile, tdim)


# --- the flat block -------------------------------------------------------------------------

def _block(spec: InterfaceSpec, profile: InterfaceProfile, mode: str) -> _FlatModel:
    """Build the flat block and classify its entities.

    The electrolyte and the Li are rectangles (boxes in 3-D) on either side of ``z = h_se``,
    the void caps cut out of the Li (disks / spheres of radius R_c centred at
    ``h_se + d - R_c`` below each void centre), fragmented so that their contact is conforming.
    """
    occ = gmsh.model.occ
    tdim = 3 if mode == "3d" else 2
    length, h_se = float(spec.extent_mm), float(spec.electrolyte_thickness_mm)
    h_li = float(spec.li_thickness_mm)
    height = h_se + h_li
    if tdim == 3:
        occ.addBox(0.0, 0.0, 0.0, length, length, h_se)
        li = occ.addBox(0.0, 0.0, h_se, length, length, h_li)
    else:
        occ.addRectangle(0.0, 0.0, 0.0, length, h_se)
        li = occ.addRectangle(0.0, h_se, 0.0, length, h_li)
    if len(profile.void_centers_mm):
        depth = profile.void_depth_mm
        radius = cap_radius(profile.void_width_mm, depth)
        z_c = h_se + depth - radius
        tools = [(3, occ.addSphere(float(c[0]), float(c[1]), z_c, radius)) if tdim == 3
                 else (2, occ.addDisk(float(c[0]), z_c, 0.0, radius, radius))
                 for c in profile.void_centers_mm]
        occ.cut([(tdim, li)], tools)
    occ.fragment(occ.getEntities(tdim), [])
    occ.synchronize()
    volumes = {}
    for _, tag in gmsh.model.getEntities(tdim):
        z = occ.getCenterOfMass(tdim, tag)[tdim - 1]
        volumes[ELECTROLYTE if z < h_se else LI] = tag
    if len(volumes) != 2 or len(gmsh.model.getEntities(tdim)) != 2:
        raise RuntimeError("the block did not come out as two regions")
    faces = {region: {t for _, t in gmsh.model.getBoundary([(tdim, tag)], oriented=False)}
             for region, tag in volumes.items()}
    contact = sorted(faces[ELECTROLYTE] & faces[LI])
    lateral = _LATERAL[mode]
    tol = 1e-9 * max(length, height)  # centres of mass are exact (bounding boxes are padded)
    facets, interface = [], []
    for region, tags in faces.items():
        for tag in sorted(tags):
            com = occ.getCenterOfMass(tdim - 1, tag)
            z = com[tdim - 1]
            side = [i for i in range(tdim - 1) if min(abs(com[i]), abs(com[i] - length)) < tol]
            if side:
                i = side[0]
                facets.append((lateral[2 * i + (abs(com[i]) >= tol)], region, tag))
            elif region == ELECTROLYTE and abs(z) < tol:
                facets.append((BOTTOM, region, tag))
            elif region == LI and abs(z - height) < tol:
                facets.append((TOP, region, tag))
            else:  # the interface: contact, a void's floor (electrolyte) or its cap (Li)
                facets.append((ELECTROLYTE_SURFACE if region == ELECTROLYTE else LI_SURFACE,
                               region, tag))
                if tag not in interface:
                    interface.append(tag)
    _size_field(spec, profile, tdim - 1, interface, length)
    return _FlatModel(volumes, facets, contact)


def _size_field(spec: InterfaceSpec, profile: InterfaceProfile, dim: int,
                interface: list[int], length: float) -> None:
    """Set the background element size: fine at the interface, growing away from it.

    ``interface_mesh_size_mm`` within the band of the surface's excursion plus BAND_CELLS
    cells, growing by GROWTH per unit distance to ``mesh_size_mm``.
    """
    fine, coarse = float(spec.interface_mesh_size_mm), float(spec.mesh_size_mm)
    excursion = max(float(np.max(np.abs(profile.li_z_samples_mm - profile.nominal_z_mm))),
                    float(np.max(np.abs(profile.electrolyte_z_samples_mm
                                        - profile.nominal_z_mm))))
    d_fine = excursion + BAND_CELLS * fine
    field = gmsh.model.mesh.field
    distance = field.add("Distance")
    field.setNumbers(distance, "CurvesList" if dim == 1 else "SurfacesList", interface)
    field.setNumber(distance, "Sampling", int(np.ceil(SAMPLING_PER_CELL * length / fine)) + 1)
    threshold = field.add("Threshold")
    field.setNumber(threshold, "InField", distance)
    field.setNumber(threshold, "SizeMin", fine)
    field.setNumber(threshold, "SizeMax", coarse)
    field.setNumber(threshold, "DistMin", d_fine)
    field.setNumber(threshold, "DistMax", d_fine + (coarse - fine) / GROWTH)
    field.setAsBackgroundMesh(threshold)


# --- extraction, mapping and the discrete model -------------------------------------------

@dataclass
class _RawMesh:
    """The flat mesh as arrays (gmsh node tags)."""

    coords: np.ndarray  # (max tag + 1, 3), row = gmsh node tag
    cells: dict[str, np.ndarray]  # region -> (n, nodes per cell) node tags
    facets: list[tuple[str, str, np.ndarray]]  # (group, region, (n, nodes per facet))
    interface_nodes: np.ndarray
    contact_nodes: np.ndarray


def _elements(dim: int, tag: int, kind: int) -> np.ndarray:
    """Node tags of the elements of type ``kind`` on entity (dim, tag), one row each."""
    types, _, nodes = gmsh.model.mesh.getElements(dim, tag)
    per = {_LINE: 2, _TRIANGLE: 3, _TETRAHEDRON: 4}[kind]
    rows = [n.reshape(-1, per) for t, n in zip(types, nodes) if t == kind]
    if len(rows) != len(types):
        raise RuntimeError(f"unexpected element types {list(types)} on entity ({dim}, {tag})")
    return np.concatenate(rows).astype(np.int64) if rows else np.zeros((0, per), np.int64)


def _extract(flat: _FlatModel, tdim: int) -> _RawMesh:
    tags, xyz, _ = gmsh.model.mesh.getNodes()
    coords = np.zeros((int(tags.max()) + 1, 3))
    coords[tags.astype(np.int64)] = xyz.reshape(-1, 3)
    cell_kind, facet_kind = (_TETRAHEDRON, _TRIANGLE) if tdim == 3 else (_TRIANGLE, _LINE)
    cells = {region: _elements(tdim, tag, cell_kind) for region, tag in flat.volumes.items()}
    facets = [(group, region, _elements(tdim - 1, tag, facet_kind))
              for group, region, tag in flat.facets]
    interface = np.unique(np.concatenate(
        [f for group, _, f in facets if group == ELECTROLYTE_SURFACE]))
    contact = np.unique(np.concatenate(
        [_elements(tdim - 1, tag, facet_kind).ravel() for tag in flat.contact]))
    return _RawMesh(coords, cells, facets, interface, contact)


def _surface_heights(raw: _RawMesh, profile: InterfaceProfile, tdim: int) -> np.ndarray | None:
    """Evaluate z_s(u) below every node of the flat mesh (rows = gmsh tags), or None if flat.

    Evaluated once, so that both copies of an interface node get the same bits.
    """
    if profile.amplitudes_mm.size == 0:
        return None
    return profile.electrolyte_z(raw.coords[:, :2] if tdim == 3 else raw.coords[:, 0])


def _mapped_coordinates(raw: _RawMesh, region: str, spec: InterfaceSpec,
                        z_s: np.ndarray | None, tdim: int) -> np.ndarray:
    """Move the region's node coordinates along z onto the surface (rows = gmsh tags).

    Without a wavy or rough surface (``z_s`` None) only the nodes of the plane ``z = h_se``
    are set to it exactly (the void caps are the Li's own geometry and stay where gmsh put
    them).
    """
    x = raw.coords.copy()
    h_se = float(spec.electrolyte_thickness_mm)
    height = h_se + float(spec.li_thickness_mm)
    nodes = np.unique(raw.cells[region])
    plane = raw.interface_nodes if region == ELECTROLYTE else raw.contact_nodes
    on_surface = np.isin(nodes, plane)
    z = x[nodes, tdim - 1]
    if z_s is None:
        x[nodes, tdim - 1] = np.where(on_surface, h_se, z)
        return x
    top = z_s[nodes]
    if region == ELECTROLYTE:
        z_new = z * (top / h_se)
    else:
        z_new = height - (height - z) * (height - top) / (height - h_se)
    x[nodes, tdim - 1] = np.where(on_surface, top, z_new)
    return x


def _signed_measures(coords: np.ndarray, cells: np.ndarray, tdim: int) -> np.ndarray:
    """Signed areas (triangles) or volumes (tetrahedra) times tdim! of the cells."""
    p = coords[cells][:, :, :tdim]
    edges = p[:, 1:] - p[:, :1]
    return np.linalg.det(edges)


def _check_orientation(before: np.ndarray, after: np.ndarray, cells: np.ndarray, tdim: int,
                       region: str) -> None:
    """No cell may be inverted or flattened by the mapping."""
    s0 = _signed_measures(before, cells, tdim)
    s1 = _signed_measures(after, cells, tdim)
    ratio = s1 / s0
    if np.any(ratio <= 1e-3):
        raise RuntimeError(
            f"mapping the {region} mesh onto the surface inverts or flattens "
            f"{int(np.sum(ratio <= 1e-3))} cell(s): the surface is too steep for "
            f"interface_mesh_size_mm; refine it, or reduce the amplitude or the roughness")


def _discrete_model(raw: _RawMesh, spec: InterfaceSpec, profile: InterfaceProfile,
                    tdim: int) -> None:
    """Fill the current (empty) gmsh model with the two regions' meshes and facet groups.

    Each region has its own nodes, numbered 1..n_se, then n_se+1..n_se+n_li.
    """
    cell_kind, facet_kind = (_TETRAHEDRON, _TRIANGLE) if tdim == 3 else (_TRIANGLE, _LINE)
    renumber: dict[str, np.ndarray] = {}
    offset = 0
    z_s = _surface_heights(raw, profile, tdim)
    for region in (ELECTROLYTE, LI):
        cells = raw.cells[region]
        nodes = np.unique(cells)
        coords = _mapped_coordinates(raw, region, spec, z_s, tdim)
        _check_orientation(raw.coords, coords, cells, tdim, region)
        new = np.zeros(raw.coords.shape[0], dtype=np.int64)
        new[nodes] = offset + 1 + np.arange(nodes.size)
        renumber[region] = new
        entity = gmsh.model.addDiscreteEntity(tdim)
        gmsh.model.mesh.addNodes(tdim, entity, new[nodes].tolist(), coords[nodes].ravel().tolist())
        gmsh.model.mesh.addElementsByType(entity, cell_kind, [], new[cells].ravel().tolist())
        gmsh.model.addPhysicalGroup(tdim, [entity], tag=_CELL_TAGS[region], name=region)
        offset += nodes.size
    by_group: dict[str, list[np.ndarray]] = {}
    for group, region, facets in raw.facets:
        by_group.setdefault(group, []).append(renumber[region][facets])
    for group, parts in by_group.items():
        entity = gmsh.model.addDiscreteEntity(tdim - 1)
        gmsh.model.mesh.addElementsByType(entity, facet_kind, [],
                                          np.concatenate(parts).ravel().tolist())
        gmsh.model.addPhysicalGroup(tdim - 1, [entity], tag=_FACET_TAGS[group], name=group)

