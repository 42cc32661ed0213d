"""Mesh of a battery die-cell stack.

The die bore is a cylinder of radius ``R`` (mm) filled with horizontal layers stacked along
``z``: the first layer sits on the base face at ``z = 0`` and the top face of the last layer,
at ``z = H`` (the sum of the thicknesses), is the plunger face. Two representations exist:

* ``"axisymmetric"``: the half plane ``(r, z) in [0, R] x [0, H]`` with ``x[0] = r`` and
  ``x[1] = z``; every layer is a rectangle meshed with structured (transfinite) triangles.
* ``"3d"``: the full cylinder with ``x[2] = z``; an unstructured triangulation of the disk is
  extruded layer by layer, each prism being split into tetrahedra.

In both modes the axial division of every layer is prescribed (layer mesh size, at least two
elements per layer), the radial resolution is set by one size for the whole stack, and
neighbouring layers share their interface nodes, so the mesh is conforming.

A plunger narrower than the bore (radius ``R - c``, 2-D modes) presses the top face only for
``r < R - c``: the annulus ``R - c < r < R`` of the top face is the ``clearance_face`` group, a
free surface the top layer can extrude through. A column break at ``r = R - c`` puts a mesh
line there; the top layer is then meshed unstructured, with cells of ``c / CLEARANCE_CELLS``
within ``CLEARANCE_FINE_ZONE * c`` of the annulus, growing linearly (slope
``CLEARANCE_GROWTH``) to the layer's own size, and every column between ``R - c`` and ``R`` has
cells of ``c / CLEARANCE_CELLS`` across (the constants live in :mod:`solver.geometry.estimate`).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

try:
    import dolfinx_solver  # noqa: F401  - must precede dolfinx (orders MPI first)
except ImportError:  # conda/cluster installs provide DOLFINx without this module
    pass

import dolfinx
import dolfinx.io.gmsh
import dolfinx.mesh
import gmsh

from solver.geometry.estimate import CLEARANCE_CELLS, clearance_sizes
from solver.geometry.estimate import divisions as _divisions  # one rule for mesh and estimate

__all__ = ["LayerSpec", "StackMesh", "build_die_stack", "die_stack_model"]

MODES = ("axisymmetric", "plane_strain", "3d")

BASE_FACE = "base_face"
PLUNGER_FACE = "plunger_face"
DIE_WALL = "die_wall"
AXIS = "axis"
CLEARANCE_FACE = "clearance_face"

# Facet tags of the outer boundaries; interface k (counted from the base, k >= 1) gets
# _INTERFACE_TAG_OFFSET + k. Cell tags are 1..n in stacking order.
_BOUNDARY_TAGS = {BASE_FACE: 1, PLUNGER_FACE: 2, DIE_WALL: 3, AXIS: 4, CLEARANCE_FACE: 5}
_INTERFACE_TAG_OFFSET = 100

# Global gmsh options the mesh depends on; set for the build and restored afterwards.
_GMSH_OPTIONS = {
    "Mesh.ElementOrder": 1,
    "Mesh.RecombineAll": 0,
    "Mesh.MeshSizeFromPoints": 1,
    "Mesh.MeshSizeFromCurvature": 0,
    "Mesh.MeshSizeExtendFromBoundary": 1,
    "Mesh.MeshSizeMin": 0.0,
    "Mesh.MeshSizeMax": 1e22,
    "Mesh.MeshSizeFactor": 1.0,
}


@dataclass(frozen=True)
class LayerSpec:
    """One horizontal layer of the stack.

    Attributes:
        name: Layer name, e.g. ``"cathode"``; also the name of its cell group.
        thickness_mm: Layer thickness along z (mm).
        mesh_size_mm: Target axial element size inside the layer (mm).
        radius_mm: Radius of the layer when narrower than the bore (mm); None: the bore.
            Axisymmetric and plane-strain modes only.

    """

    name: str
    thickness_mm: float
    mesh_size_mm: float
    radius_mm: float | None = None


@dataclass
class StackMesh:
    """Distributed mesh of a die stack with its region markers.

    Attributes:
        mesh: The DOLFINx mesh (ghost mode ``shared_facet``, so interior-facet integrals over
            the layer interfaces are correct in parallel).
        cell_tags: Cell markers, one value per layer.
        facet_tags: Facet markers of the outer boundaries and the layer interfaces.
        cell_regions: Layer name -> cell tag, in stacking order (base first).
        facet_regions: Boundary name -> facet tag: ``"base_face"``, ``"plunger_face"``,
            ``"die_wall"``, ``"axis"`` (axisymmetric only) and ``"{upper}_{lower}_interface"``
            for every pair of consecutive layers.
        mode: ``"axisymmetric"`` or ``"3d"``.
        radius_mm: Die bore radius (mm).
        layer_bounds_mm: Layer name -> ``(z_bottom, z_top)`` (mm).
        plunger_radius_mm: Radius of the plunger face (mm): the bore's, or ``R - c`` with a
            clearance (then ``facet_regions`` also has ``"clearance_face"``).

    """

    mesh: dolfinx.mesh.Mesh
    cell_tags: dolfinx.mesh.MeshTags
    facet_tags: dolfinx.mesh.MeshTags
    cell_regions: dict[str, int]
    facet_regions: dict[str, int]
    mode: str
    radius_mm: float
    layer_bounds_mm: dict[str, tuple[float, float]]
    plunger_radius_mm: float | None = None


def interface_name(upper: str, lower: str) -> str:
    """Return the facet-group name of the interface between two consecutive layers.

    Args:
        upper: Name of the layer above the interface.
        lower: Name of the layer below the interface.

    Returns:
        ``f"{upper}_{lower}_interface"``.

    """
    return f"{upper}_{lower}_interface"


def build_die_stack(
    comm,
    layers: Sequence[LayerSpec],
    radius_mm: float,
    mode: str,
    radial_mesh_size_mm: float,
    gmsh_verbosity: int = 0,
    plunger_radius_mm: float | None = None,
) -> StackMesh:
    """Mesh a stack of layers in a cylindrical die bore.

    The gmsh model is built on rank 0 of ``comm`` and distributed with
    :func:`dolfinx.io.gmsh.model_to_mesh`. gmsh is initialised only if it is not already,
    and finalised only if it was initialised here; otherwise the temporary model is removed
    and the previously current model and the touched options are restored.

    Args:
        comm: MPI communicator of the mesh.
        layers: Layers from the base (z = 0) upward; names must be unique.
        radius_mm: Die bore radius R (mm).
        mode: ``"axisymmetric"`` (2-D (r, z) mesh) or ``"3d"`` (tetrahedral cylinder).
        radial_mesh_size_mm: Element size across the bore (mm); in 3-D it is the size of the
            disk triangulation that is extruded through the layers.
        gmsh_verbosity: Value of the gmsh option ``General.Terminal`` (0 = silent).
        plunger_radius_mm: Radius R - c of a plunger narrower than the bore (2-D modes; it
            must be below the top layer's radius); None: the plunger fills the bore.

    Returns:
        The mesh, its markers and the name -> tag maps.

    Raises:
        ValueError: If an argument is invalid; the message names the argument.
        RuntimeError: If gmsh fails to build or mesh the geometry.

    """
    layers = _validate(layers, radius_mm, mode, radial_mesh_size_mm, gmsh_verbosity,
                       plunger_radius_mm)
    radius_mm = float(radius_mm)
    radial_mesh_size_mm = float(radial_mesh_size_mm)
    plunger = _plunger(radius_mm, plunger_radius_mm)
    z_levels = _z_levels(layers)
    layer_bounds = {layer.name: (z_levels[i], z_levels[i + 1]) for i, layer in enumerate(layers)}
    tdim = 3 if mode == "3d" else 2
    builder = _build_3d if mode == "3d" else _build_axisymmetric  # plane strain: same section

    data = mesh_on_root(
        comm, lambda: builder(layers, z_levels, radius_mm, radial_mesh_size_mm, plunger), tdim,
        gmsh_verbosity, "the die stack",
    )
    if data.cell_tags is None or data.facet_tags is None:
        raise RuntimeError("model_to_mesh returned no cell or facet tags")
    # model_to_mesh broadcasts the physical groups, so every rank builds the same maps.
    groups = data.physical_groups
    cell_names = [layer.name for layer in layers]
    facet_names = _facet_names(layers, mode, plunger < radius_mm)
    missing = [n for n in cell_names + facet_names if n not in groups]
    if missing:
        raise RuntimeError(f"physical groups missing from the gmsh model: {missing}")
    cell_regions = {name: int(groups[name].tag) for name in cell_names}
    facet_regions = {name: int(groups[name].tag) for name in facet_names}
    data.cell_tags.name = "layers"
    data.facet_tags.name = "boundaries"
    return StackMesh(
        mesh=data.mesh,
        cell_tags=data.cell_tags,
        facet_tags=data.facet_tags,
        cell_regions=cell_regions,
        facet_regions=facet_regions,
        mode=mode,
        radius_mm=radius_mm,
        layer_bounds_mm=layer_bounds,
        plunger_radius_mm=plunger,
    )


@contextlib.contextmanager
def die_stack_model(
    layers: Sequence[LayerSpec],
    radius_mm: float,
    mode: str,
    radial_mesh_size_mm: float,
    gmsh_verbosity: int = 0,
    plunger_radius_mm: float | None = None,
) -> Iterator[str]:
    """Provide the meshed gmsh model of a die stack, current inside the ``with`` block.

    On this process only, with the same physical groups as :func:`build_die_stack`, e.g. to
    write it with ``gmsh.write``. Yields the model name; the gmsh state is restored on exit.
    """
    layers = _validate(layers, radius_mm, mode, radial_mesh_size_mm, gmsh_verbosity,
                       plunger_radius_mm)
    builder = _build_3d if mode == "3d" else _build_axisymmetric
    with _gmsh_session(gmsh_verbosity) as name:
        builder(layers, _z_levels(layers), float(radius_mm), float(radial_mesh_size_mm),
                _plunger(float(radius_mm), plunger_radius_mm))
        gmsh.model.mesh.generate(3 if mode == "3d" else 2)
        yield name


def mesh_on_root(comm, build, tdim: int, gmsh_verbosity: int, what: str, geometry_order: int = 1):
    """Build and mesh a gmsh model on rank 0 (``build()`` adds the geometry and groups), then
    distribute it with facet-sharing ghosts; returns dolfinx.io.gmsh's MeshData.

    A gmsh failure on rank 0 is broadcast and raised as RuntimeError on every rank, so no rank
    waits in model_to_mesh for a mesh that never comes.
    """
    with contextlib.ExitStack() as stack:
        error: BaseException | None = None
        if comm.rank == 0:
            try:
                stack.enter_context(_gmsh_session(gmsh_verbosity))
                build()
                gmsh.model.mesh.generate(tdim)
                if geometry_order == 2:
                    gmsh.model.mesh.setOrder(2)
            except Exception as exc:  # reported on every rank below
                error = exc
        message = comm.bcast(None if error is None else f"{type(error).__name__}: {error}", 0)
        if message is not None:
            raise RuntimeError(f"gmsh failed to mesh {what}: {message}") from error
        partitioner = dolfinx.mesh.create_cell_partitioner(dolfinx.mesh.GhostMode.shared_facet, 2)
        return dolfinx.io.gmsh.model_to_mesh(
            gmsh.model if comm.rank == 0 else None, comm, 0, gdim=tdim, partitioner=partitioner,
        )

def _plunger(radius_mm: float, plunger_radius_mm: float | None) -> float:
    """The plunger face's radius: the bore's unless a clearance makes it narrower."""
    return radius_mm if plunger_radius_mm is None else min(float(plunger_radius_mm), radius_mm)


def _validate(layers, radius_mm, mode, radial_mesh_size_mm, gmsh_verbosity,
              plunger_radius_mm=None) -> list[LayerSpec]:
    """Check the arguments of :func:`build_die_stack` and return the layers as a list."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    _check_positive("radius_mm", radius_mm)
    _check_positive("radial_mesh_size_mm", radial_mesh_size_mm)
    if isinstance(gmsh_verbosity, bool) or not isinstance(gmsh_verbosity, int):
        raise ValueError(f"gmsh_verbosity must be an int, got {gmsh_verbosity!r}")
    if gmsh_verbosity < 0:
        raise ValueError(f"gmsh_verbosity must be >= 0, got {gmsh_verbosity!r}")
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise ValueError(f"layers must be a sequence of LayerSpec, got {layers!r}")
    layers = list(layers)
    if not layers:
        raise ValueError("layers must not be empty, got []")
    for i, layer in enumerate(layers):
        if not isinstance(layer, LayerSpec):
            raise ValueError(f"layers[{i}] must be a LayerSpec, got {layer!r}")
        if not isinstance(layer.name, str) or not layer.name:
            raise ValueError(f"layers[{i}].name must be a non-empty str, got {layer.name!r}")
        _check_positive(f"layers[{i}].thickness_mm", layer.thickness_mm)
        _check_positive(f"layers[{i}].mesh_size_mm", layer.mesh_size_mm)
        if layer.radius_mm is not None:
            _check_positive(f"layers[{i}].radius_mm", layer.radius_mm)
            if layer.radius_mm > radius_mm:
                raise ValueError(f"layers[{i}].radius_mm must not exceed radius_mm = "
                                 f"{radius_mm!r}, got {layer.radius_mm!r}")
            if layer.radius_mm < radius_mm and mode == "3d":
                raise ValueError(f"layers[{i}].radius_mm < radius_mm needs a 2-D mode, got {mode!r}")
    clearance = False
    if plunger_radius_mm is not None:
        _check_positive("plunger_radius_mm", plunger_radius_mm)
        top = layers[-1].radius_mm if layers[-1].radius_mm is not None else radius_mm
        if plunger_radius_mm >= top:
            raise ValueError(f"plunger_radius_mm must be below the top layer's radius {top!r} "
                             f"(else the plunger covers its whole face), got {plunger_radius_mm!r}")
        if mode == "3d":
            raise ValueError(f"plunger_radius_mm < radius_mm needs a 2-D mode, got {mode!r}")
        clearance = True
    names = [layer.name for layer in layers]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"layers must have unique names, got duplicates {duplicates}")
    # Physical-group names share one namespace in model_to_mesh's lookup table.
    all_names = names + _facet_names(layers, mode, clearance)
    clashes = sorted({n for n in all_names if all_names.count(n) > 1})
    if clashes:
        raise ValueError(f"layers names clash with boundary/interface group names: {clashes}")
    return layers


def _check_positive(argument: str, value) -> None:
    """Raise ValueError unless ``value`` is a finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{argument} must be a positive number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{argument} must be positive and finite, got {value!r}")


def _z_levels(layers: Sequence[LayerSpec]) -> list[float]:
    """Return the z coordinates of the base, every interface and the plunger face."""
    levels = [0.0]
    for layer in layers:
        levels.append(levels[-1] + float(layer.thickness_mm))
    return levels


def _facet_names(layers: Sequence[LayerSpec], mode: str, clearance: bool = False) -> list[str]:
    """Return the facet-group names in tag order."""
    names = [BASE_FACE, PLUNGER_FACE, DIE_WALL]
    if mode != "3d":
        names.append(AXIS)  # the symmetry plane x = 0 in plane strain
    if clearance:
        names.append(CLEARANCE_FACE)
    names += [interface_name(up.name, low.name) for low, up in itertools.pairwise(layers)]
    return names


@contextlib.contextmanager
def _gmsh_session(verbosity: int) -> Iterator[str]:
    """Provide a fresh, current gmsh model and undo every global change on exit."""
    owns = not gmsh.isInitialized()
    if owns:
        gmsh.initialize(readConfigFiles=False, interruptible=False)
    previous_model = None if owns else gmsh.model.getCurrent()
    options = dict(_GMSH_OPTIONS, **{"General.Terminal": verbosity})
    saved = {} if owns else {key: gmsh.option.getNumber(key) for key in options}
    name = f"die_stack_{uuid.uuid4().hex}"
    try:
        for key, value in options.items():
            gmsh.option.setNumber(key, value)
        gmsh.model.add(name)
        yield name
    finally:
        if owns:
            gmsh.finalize()
        else:
            with contextlib.suppress(Exception):
                gmsh.model.setCurrent(name)
                gmsh.model.remove()
            with contextlib.suppress(Exception):
                gmsh.model.setCurrent(previous_model)
            for key, value in saved.items():
                gmsh.option.setNumber(key, value)


def _add_groups(
    dim: int, layers: Sequence[LayerSpec], cells: Sequence[int], facets: dict[str, list[int]]
) -> None:
    """Add the cell and facet physical groups of the stack to the current model."""
    for i, (layer, entity) in enumerate(zip(layers, cells)):
        gmsh.model.addPhysicalGroup(dim, [entity], tag=i + 1, name=layer.name)
    for name, entities in facets.items():
        gmsh.model.addPhysicalGroup(dim - 1, entities, tag=_BOUNDARY_TAGS[name], name=name)


def _add_interface_groups(dim: int, layers: Sequence[LayerSpec], entities: Sequence[int]) -> None:
    """Tag the interface entity between layers k-1 and k (k = 1, ..., n-1)."""
    for k, entity in enumerate(entities, start=1):
        name = interface_name(layers[k].name, layers[k - 1].name)
        gmsh.model.addPhysicalGroup(dim - 1, [entity], tag=_INTERFACE_TAG_OFFSET + k, name=name)


def _build_axisymmetric(
    layers: Sequence[LayerSpec], z_levels: Sequence[float], radius: float, radial_size: float,
    plunger: float,
) -> None:
    """Build the (r, z) section as blocks with shared lines and structured triangle meshes.

    The radial breakpoints are the layer radii (and the plunger's): layer i covers the columns
    up to its own radius r_i. A block (layer, column) is a transfinite rectangle; neighbouring
    blocks share their lines, so the mesh is conforming across columns and layers. The outer
    side of each layer (at r_i) is its part of ``die_wall``; where a layer is wider than its
    neighbour, the uncovered part of its face is a free surface (untagged). With a clearance
    (``plunger < radius``) the top layer's blocks are unstructured, sized by
    :func:`_clearance_field`; the lines they share with structured blocks stay transfinite.
    """
    geo = gmsh.model.geo
    radii = [radius if layer.radius_mm is None else float(layer.radius_mm) for layer in layers]
    clearance = radius - plunger
    breaks = sorted({0.0, plunger, *radii})
    n_cols = len(breaks) - 1
    top = len(layers) - 1
    structured = top if clearance > 0 else len(layers)  # layers below this index

    def covers(i: int, c: int) -> bool:  # layer i spans column c
        return 0 <= i < len(layers) and radii[i] >= breaks[c + 1] - 1e-12

    points: dict[tuple[int, int], int] = {}

    def point(k: int, c: int) -> int:
        if (k, c) not in points:
            points[(k, c)] = geo.addPoint(breaks[c], z_levels[k], 0.0)
        return points[(k, c)]

    horizontals = {(k, c): geo.addLine(point(k, c), point(k, c + 1))
                   for k in range(len(z_levels)) for c in range(n_cols)
                   if covers(k - 1, c) or covers(k, c)}
    verticals = {(i, c): geo.addLine(point(i, c), point(i + 1, c))
                 for i in range(len(layers)) for c in range(n_cols + 1)
                 if c == 0 or breaks[c] <= radii[i] + 1e-12}
    blocks: dict[int, list[int]] = {i: [] for i in range(len(layers))}
    for i in range(len(layers)):
        for c in range(n_cols):
            if covers(i, c):
                loop = geo.addCurveLoop([horizontals[(i, c)], verticals[(i, c + 1)],
                                         -horizontals[(i + 1, c)], -verticals[(i, c)]])
                blocks[i].append((c, geo.addPlaneSurface([loop])))
    geo.synchronize()

    def in_gap(c: int) -> bool:  # a column of the clearance annulus
        return clearance > 0 and breaks[c] >= plunger - 1e-12

    for (k, c), line in horizontals.items():
        if not ((k - 1 < structured and covers(k - 1, c)) or (k < structured and covers(k, c))):
            continue  # only the unstructured top layer meets it: sized by the field
        size = clearance / CLEARANCE_CELLS if in_gap(c) else radial_size
        n_radial = _divisions(breaks[c + 1] - breaks[c], size, 1)
        gmsh.model.mesh.setTransfiniteCurve(line, n_radial + 1)
    for (i, _), line in verticals.items():
        if i < structured:
            n_axial = _divisions(layers[i].thickness_mm, layers[i].mesh_size_mm, 2)
            gmsh.model.mesh.setTransfiniteCurve(line, n_axial + 1)
    for i, surfaces in blocks.items():
        if i >= structured:
            continue
        for c, surface in surfaces:
            corners = [point(i, c), point(i, c + 1), point(i + 1, c + 1), point(i + 1, c)]
            gmsh.model.mesh.setTransfiniteSurface(surface, "Alternate", corners)

    last = len(layers)
    outer = [breaks.index(r) for r in radii]
    face = [c for c in range(n_cols) if covers(top, c)]
    facets = {
        BASE_FACE: [horizontals[(0, c)] for c in range(n_cols) if covers(0, c)],
        PLUNGER_FACE: [horizontals[(last, c)] for c in face if not in_gap(c)],
        DIE_WALL: [verticals[(i, outer[i])] for i in range(len(layers))],
        AXIS: [verticals[(i, 0)] for i in range(len(layers))],
    }
    if clearance > 0:
        facets[CLEARANCE_FACE] = [horizontals[(last, c)] for c in face if in_gap(c)]
        size = min(radial_size, layers[top].mesh_size_mm, layers[top].thickness_mm / 2.0)
        _clearance_field(facets[CLEARANCE_FACE], clearance, size)
    dim = 2
    for i, layer in enumerate(layers):
        gmsh.model.addPhysicalGroup(dim, [s for _, s in blocks[i]], tag=i + 1, name=layer.name)
    for name, entities in facets.items():
        gmsh.model.addPhysicalGroup(dim - 1, entities, tag=_BOUNDARY_TAGS[name], name=name)
    for k in range(1, len(layers)):
        shared = [horizontals[(k, c)] for c in range(n_cols) if covers(k - 1, c) and covers(k, c)]
        name = interface_name(layers[k].name, layers[k - 1].name)
        gmsh.model.addPhysicalGroup(dim - 1, shared, tag=_INTERFACE_TAG_OFFSET + k, name=name)


def _clearance_field(annulus: Sequence[int], clearance: float, coarse: float) -> None:
    """Background size: fine near the clearance annulus, growing linearly to ``coarse``."""
    fine, d_fine, d_coarse = clearance_sizes(clearance, coarse)
    field = gmsh.model.mesh.field
    distance = field.add("Distance")
    field.setNumbers(distance, "CurvesList", list(annulus))
    field.setNumber(distance, "Sampling", 4 * CLEARANCE_CELLS + 1)
    threshold = field.add("Threshold")
    field.setNumber(threshold, "InField", distance)
    field.setNumber(threshold, "SizeMin", fine)
    field.setNumber(threshold, "SizeMax", coarse)
    field.setNumber(threshold, "DistMin", d_fine)
    field.setNumber(threshold, "DistMax", d_coarse)
    field.setAsBackgroundMesh(threshold)


def _build_3d(
    layers: Sequence[LayerSpec], z_levels: Sequence[float], radius: float, radial_size: float,
    plunger: float,
) -> None:
    """Build the cylinder by extruding a meshed disk through the layers (tetrahedra); the
    plunger fills the bore (``_validate`` refuses a clearance in 3-D)."""
    geo = gmsh.model.geo
    center = geo.addPoint(0.0, 0.0, 0.0, radial_size)
    rim = [
        geo.addPoint(
            radius * math.cos(k * math.pi / 2), radius * math.sin(k * math.pi / 2), 0.0, radial_size
        )
        for k in range(4)
    ]
    arcs = [geo.addCircleArc(rim[k], center, rim[(k + 1) % 4]) for k in range(4)]
    n_arc = _divisions(0.5 * math.pi * radius, radial_size, 2)
    for arc in arcs:
        geo.mesh.setTransfiniteCurve(arc, n_arc + 1)
    base = geo.addPlaneSurface([geo.addCurveLoop(arcs)])

    bottom, tops, volumes, walls = base, [], [], []
    for i, layer in enumerate(layers):
        n_axial = _divisions(layer.thickness_mm, layer.mesh_size_mm, 2)
        out = geo.extrude(
            [(2, bottom)],
            0.0,
            0.0,
            z_levels[i + 1] - z_levels[i],
            numElements=[n_axial],
            recombine=False,
        )
        # extrude returns [top surface, volume, lateral surfaces...]
        bottom = out[0][1]
        tops.append(bottom)
        volumes.append(out[1][1])
        walls += [tag for dim, tag in out[2:] if dim == 2]
    geo.synchronize()

    facets = {BASE_FACE: [base], PLUNGER_FACE: [tops[-1]], DIE_WALL: walls}
    _add_groups(3, layers, volumes, facets)
    _add_interface_groups(3, layers, tops[:-1])
