"""Tests of the verification geometries (sphere by symmetry, rectangle).

Every test runs on ``MPI.COMM_WORLD``, so the file passes both serially and with
``mpirun -n 2 python -m pytest tests/test_shapes.py``; ``test_distributed_meshes`` checks
what only makes sense in parallel (the mesh is split, the tags are found on every rank).

Tolerances. With first-order geometry the sphere is replaced by its inscribed polygon
(polyhedron), whose measures converge as O(h^2):

* Axisymmetric: the arc is divided into n equal chords of angle t = (pi/2)/n, so the mesh is
  exactly the inscribed polygon and its revolved volume/area have closed forms (Pappus), which
  the mesh must reproduce to 1e-9 (gmsh spaces the transfinite arc nodes equally in arc
  length only to about 1e-9 rad). Against the sphere the relative deficits are about
  t^2/4 (volume) and t^2/8 (area); the test checks the O(h^2) rate (halving h divides the
  error by 4).
* 3-D octant: the flat symmetry faces are inscribed polygons (closed form, to 1e-9). The
  curved face is an unstructured triangulation: an inscribed polyhedron with equilateral
  facets of edge h has a relative volume deficit of 3 h^2 / (8 R^2) and an area deficit of
  about h^2 / (6 R^2) (measured: 0.29-0.35 (h/R)^2 and 0.16-0.19 (h/R)^2 for
  h/R = 1/4 ... 1/16); the tests accept deficits up to 0.6 (h/R)^2 (volume) and
  0.4 (h/R)^2 (area), leaving room for gmsh's edges being somewhat longer than the target.
* Second-order geometry (mid-nodes on the sphere) converges as O(h^4): the tests require
  relative errors below (h/R)^4 / 10 and a rate of at least 12 when h is halved.
"""

from __future__ import annotations

import math

import pytest

try:
    import dolfinx_solver  # noqa: F401  - must precede dolfinx (orders MPI first)
except ImportError:  # conda/cluster installs provide DOLFINx without this module
    pass

import dolfinx
import dolfinx.fem
import gmsh
import numpy as np
import ufl
from mpi4py import MPI

from solver.geometry import BodyMesh, build_annulus, build_rectangle, build_sphere

COMM = MPI.COMM_WORLD
R = 1.0
POLYGON_RTOL = 1e-9  # arc nodes are equally spaced to ~1e-9 rad only


def _integrate(body: BodyMesh, measure: str, tag: int, weight=None) -> float:
    """Global integral of ``weight(x)`` (default 1) over the entities with ``tag``."""
    mesh = body.mesh
    data = body.cell_tags if measure == "dx" else body.facet_tags
    d = ufl.Measure(measure, domain=mesh, subdomain_data=data)
    x = ufl.SpatialCoordinate(mesh)
    integrand = (
        dolfinx.fem.Constant(mesh, dolfinx.default_scalar_type(1.0))
        if weight is None
        else weight(x)
    )
    local = dolfinx.fem.assemble_scalar(dolfinx.fem.form(integrand * d(tag)))
    return mesh.comm.allreduce(float(np.real(local)), op=MPI.SUM)


def _revolved(body: BodyMesh, measure: str, tag: int) -> float:
    """Integral of 2 pi r (r = x[0]) over the entities with ``tag``."""
    return _integrate(body, measure, tag, lambda x: 2.0 * math.pi * x[0])


def _owned_tagged(body: BodyMesh, dim: int, tag: int) -> int:
    """Global number of entities of dimension ``dim`` marked ``tag`` (each counted once)."""
    tags = body.cell_tags if dim == body.mesh.topology.dim else body.facet_tags
    num_owned = body.mesh.topology.index_map(dim).size_local
    owned = (tags.values == tag) & (tags.indices < num_owned)
    return body.mesh.comm.allreduce(int(np.count_nonzero(owned)), op=MPI.SUM)


def _arc_divisions(size: float) -> int:
    return math.ceil(0.5 * math.pi * R / size - 1e-9)


def _inscribed_quarter_polygon(n: int) -> tuple[float, float, float]:
    """Area, revolved volume and revolved arc area of the quarter polygon with n chords."""
    t = 0.5 * math.pi / n
    r = R * np.sin(np.arange(n + 1) * t)  # radius of the arc vertices (axis at angle 0)
    area = 0.5 * n * R**2 * math.sin(t)
    # Triangle (O, P_k, P_k+1): centroid radius (r_k + r_k+1) / 3 (Pappus).
    volume = 2.0 * math.pi * np.sum((r[:-1] + r[1:]) / 3.0) * 0.5 * R**2 * math.sin(t)
    surface = 2.0 * math.pi * np.sum(0.5 * (r[:-1] + r[1:])) * 2.0 * R * math.sin(0.5 * t)
    return area, float(volume), float(surface)


def _relative_errors_axisymmetric(body: BodyMesh) -> tuple[float, float]:
    volume = _revolved(body, "dx", body.cell_regions["particle"])
    surface = _revolved(body, "ds", body.facet_regions["surface"])
    return volume / (2.0 / 3.0 * math.pi * R**3) - 1.0, surface / (2.0 * math.pi * R**2) - 1.0


# --- sphere, axisymmetric ----------------------------------------------------------------


@pytest.mark.parametrize("refine", [1.0, 0.5])
def test_sphere_axisymmetric_is_the_inscribed_polygon(refine):
    size = 0.2
    body = build_sphere(COMM, R, size, "axisymmetric", refine_surface=refine)
    assert body.mode == "axisymmetric"
    assert set(body.cell_regions) == {"particle"}
    assert set(body.facet_regions) == {"surface", "axis", "symmetry_z"}
    n = _arc_divisions(size * refine)
    assert _owned_tagged(body, 1, body.facet_regions["surface"]) == n

    area, volume, surface = _inscribed_quarter_polygon(n)
    particle, arc = body.cell_regions["particle"], body.facet_regions["surface"]
    assert _integrate(body, "dx", particle) == pytest.approx(area, rel=POLYGON_RTOL)
    assert _revolved(body, "dx", particle) == pytest.approx(volume, rel=POLYGON_RTOL)
    assert _revolved(body, "ds", arc) == pytest.approx(surface, rel=POLYGON_RTOL)
    assert _integrate(body, "ds", body.facet_regions["axis"]) == pytest.approx(R, rel=1e-12)
    assert _integrate(body, "ds", body.facet_regions["symmetry_z"]) == pytest.approx(R, rel=1e-12)
    # the axis is r = 0 and the symmetry line z = 0
    assert _revolved(body, "ds", body.facet_regions["axis"]) == pytest.approx(0.0, abs=1e-14)
    z_mean = _integrate(body, "ds", body.facet_regions["symmetry_z"], lambda x: x[1])
    assert z_mean == pytest.approx(0.0, abs=1e-14)

    # Against the half ball: deficits of about t^2/4 (volume) and t^2/8 (area).
    t = 0.5 * math.pi / n
    err_v, err_s = _relative_errors_axisymmetric(body)
    assert -0.3 * t**2 < err_v < -0.2 * t**2
    assert -0.15 * t**2 < err_s < -0.1 * t**2


def test_sphere_axisymmetric_converges_as_h2_and_h4():
    sizes = (0.2, 0.1)
    for order, rate_min, rate_max in ((1, 3.9, 4.1), (2, 12.0, 20.0)):
        errors = [
            _relative_errors_axisymmetric(
                build_sphere(COMM, R, h, "axisymmetric", geometry_order=order)
            )
            for h in sizes
        ]
        for (ev_coarse, es_coarse), (ev_fine, es_fine) in zip(errors, errors[1:]):
            assert rate_min < ev_coarse / ev_fine < rate_max, (order, errors)
            assert rate_min < es_coarse / es_fine < rate_max, (order, errors)
        if order == 2:
            for h, (ev, es) in zip(sizes, errors):
                assert abs(ev) < 0.1 * (h / R) ** 4 and abs(es) < 0.1 * (h / R) ** 4


# --- sphere, 3-D octant ------------------------------------------------------------------


@pytest.fixture(scope="module", params=[1, 2], ids=["P1-geometry", "P2-geometry"])
def octant(request) -> tuple[BodyMesh, float, int]:
    size = 0.25
    return build_sphere(COMM, R, size, "3d", geometry_order=request.param), size, request.param


def test_sphere_octant_regions(octant):
    body, _, order = octant
    assert body.mode == "3d"
    assert body.mesh.geometry.dim == 3 and body.mesh.topology.dim == 3
    assert body.mesh.geometry.cmaps[0].degree == order
    assert set(body.cell_regions) == {"particle"}
    assert set(body.facet_regions) == {"surface", "symmetry_x", "symmetry_y", "symmetry_z"}
    assert len(set(body.facet_regions.values())) == 4


def test_sphere_octant_measures(octant):
    body, size, order = octant
    volume = _integrate(body, "dx", body.cell_regions["particle"])
    surface = _integrate(body, "ds", body.facet_regions["surface"])
    err_v = volume / (math.pi * R**3 / 6.0) - 1.0
    err_s = surface / (math.pi * R**2 / 2.0) - 1.0
    if order == 1:
        assert -0.6 * (size / R) ** 2 < err_v < 0.0
        assert -0.4 * (size / R) ** 2 < err_s < 0.0
    else:
        assert abs(err_v) < 0.1 * (size / R) ** 4
        assert abs(err_s) < 0.1 * (size / R) ** 4

    n = _arc_divisions(size)
    polygon, _, _ = _inscribed_quarter_polygon(n)
    for axis, name in enumerate(("symmetry_x", "symmetry_y", "symmetry_z")):
        tag = body.facet_regions[name]
        area = _integrate(body, "ds", tag)
        if order == 1:
            assert area == pytest.approx(polygon, rel=POLYGON_RTOL), name
        else:
            assert abs(area / (math.pi * R**2 / 4.0) - 1.0) < 0.1 * (size / R) ** 4, name
        # each symmetry face lies in its coordinate plane
        assert _integrate(body, "ds", tag, lambda x, i=axis: x[i] ** 2) == pytest.approx(
            0.0, abs=1e-14
        ), name


# --- rectangle ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["plane_strain", "axisymmetric"])
def test_rectangle_measures(mode):
    length, height, nx, ny = 3.0, 0.5, 12, 3
    body = build_rectangle(COMM, length, height, nx, ny, mode=mode)
    assert body.mode == mode
    assert body.cell_regions == {"bar": 1}
    assert set(body.facet_regions) == {"left", "right", "bottom", "top"}
    bar = body.cell_regions["bar"]
    assert _owned_tagged(body, 2, bar) == 2 * nx * ny
    assert _integrate(body, "dx", bar) == pytest.approx(length * height, rel=1e-12)
    expected = {
        "left": (height, ny),
        "right": (height, ny),
        "bottom": (length, nx),
        "top": (length, nx),
    }
    for name, (size, count) in expected.items():
        tag = body.facet_regions[name]
        assert _owned_tagged(body, 1, tag) == count, name
        assert _integrate(body, "ds", tag) == pytest.approx(size, rel=1e-12), name
    # the facets sit where their names say
    left, right = body.facet_regions["left"], body.facet_regions["right"]
    bottom, top = body.facet_regions["bottom"], body.facet_regions["top"]
    assert _integrate(body, "ds", left, lambda x: x[0] ** 2) == pytest.approx(0.0, abs=1e-14)
    assert _integrate(body, "ds", right, lambda x: x[0]) == pytest.approx(length * height)
    assert _integrate(body, "ds", bottom, lambda x: x[1] ** 2) == pytest.approx(0.0, abs=1e-14)
    assert _integrate(body, "ds", top, lambda x: x[1]) == pytest.approx(height * length)
    # revolved about x[0] = 0: the cylinder of radius L and height H, exactly (r is linear)
    assert _revolved(body, "dx", bar) == pytest.approx(math.pi * length**2 * height, rel=1e-12)
    assert _revolved(body, "ds", right) == pytest.approx(2 * math.pi * length * height, rel=1e-12)


# --- parallel ----------------------------------------------------------------------------


def test_distributed_meshes():
    """Run with ``mpirun -n 2``: the meshes are split and every rank holds facet tags."""
    size = 0.2
    n = _arc_divisions(size)
    bodies = {
        "axisymmetric": build_sphere(COMM, R, size, "axisymmetric"),
        "3d": build_sphere(COMM, R, 0.3, "3d"),
        "rectangle": build_rectangle(COMM, 2.0, 1.0, 8, 4),
    }
    for key, body in bodies.items():
        mesh = body.mesh
        tdim = mesh.topology.dim
        cells = mesh.topology.index_map(tdim)
        assert cells.size_local > 0, key
        if COMM.size > 1:
            assert cells.size_local < cells.size_global, key
        # every rank sees some boundary facets; all tags are among the named groups
        assert body.facet_tags.indices.size > 0, key
        assert set(np.unique(body.facet_tags.values)) <= set(body.facet_regions.values()), key
        num_facets = mesh.topology.index_map(tdim - 1)
        assert np.all(body.facet_tags.indices < num_facets.size_local + num_facets.num_ghosts)
        assert _owned_tagged(body, tdim, next(iter(body.cell_regions.values()))) == (
            cells.size_global
        ), key

    axi = bodies["axisymmetric"]
    assert _owned_tagged(axi, 1, axi.facet_regions["surface"]) == n
    _, volume, surface = _inscribed_quarter_polygon(n)
    particle, arc = axi.cell_regions["particle"], axi.facet_regions["surface"]
    assert _revolved(axi, "dx", particle) == pytest.approx(volume, rel=POLYGON_RTOL)
    assert _revolved(axi, "ds", arc) == pytest.approx(surface, rel=POLYGON_RTOL)
    octant = bodies["3d"]
    err_v = _integrate(octant, "dx", 1) / (math.pi * R**3 / 6.0) - 1.0
    assert -0.6 * 0.3**2 < err_v < 0.0
    rect = bodies["rectangle"]
    assert _integrate(rect, "ds", rect.facet_regions["top"]) == pytest.approx(2.0, rel=1e-12)
    assert _owned_tagged(rect, 1, rect.facet_regions["left"]) == 4


# --- arguments and gmsh state ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"radius_mm": 0.0}, "radius_mm"),
        ({"mesh_size_mm": -1.0}, "mesh_size_mm"),
        ({"mode": "2d"}, "mode"),
        ({"refine_surface": 1.5}, "refine_surface"),
        ({"refine_surface": 0.0}, "refine_surface"),
        ({"geometry_order": 3}, "geometry_order"),
    ],
)
def test_sphere_rejects_bad_arguments(kwargs, argument):
    args = {"radius_mm": 1.0, "mesh_size_mm": 0.3, "mode": "axisymmetric"} | kwargs
    with pytest.raises(ValueError, match=argument):
        build_sphere(COMM, **args)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"length_mm": 0.0}, "length_mm"),
        ({"height_mm": math.inf}, "height_mm"),
        ({"nx": 0}, "nx"),
        ({"ny": 2.0}, "ny"),
        ({"mode": "3d"}, "mode"),
    ],
)
def test_rectangle_rejects_bad_arguments(kwargs, argument):
    args = {"length_mm": 1.0, "height_mm": 1.0, "nx": 2, "ny": 2} | kwargs
    with pytest.raises(ValueError, match=argument):
        build_rectangle(COMM, **args)


@pytest.mark.parametrize("mode", ["axisymmetric", "plane_strain"])
def test_annulus_measures(mode):
    # curved P2 cells: volume and arc lengths to O(h^4) (h = 0.25 on a = 1, b = 2: < 1e-5)
    a, b = 1.0, 2.0
    body = build_annulus(COMM, a, b, 0.25, mode, 0.5)
    tag = body.facet_regions
    if mode == "axisymmetric":
        volume = _revolved(body, "dx", body.cell_regions["shell"])
        assert volume == pytest.approx(2.0 * math.pi / 3.0 * (b**3 - a**3), rel=1e-5)
        assert _revolved(body, "ds", tag["inner_surface"]) == pytest.approx(2 * math.pi * a**2,
                                                                            rel=1e-5)
        assert _integrate(body, "ds", tag["axis"]) == pytest.approx(b - a, rel=1e-12)
        assert _integrate(body, "ds", tag["symmetry_z"]) == pytest.approx(b - a, rel=1e-12)
    else:
        area = _integrate(body, "dx", body.cell_regions["shell"])
        assert area == pytest.approx(math.pi / 4.0 * (b**2 - a**2), rel=1e-5)
        assert _integrate(body, "ds", tag["outer_surface"]) == pytest.approx(math.pi * b / 2,
                                                                             rel=1e-5)
        assert _integrate(body, "ds", tag["symmetry_x"]) == pytest.approx(b - a, rel=1e-12)
        assert _integrate(body, "ds", tag["symmetry_y"]) == pytest.approx(b - a, rel=1e-12)
    radius = np.linalg.norm(body.mesh.geometry.x[:, :2], axis=1)
    assert radius.min() >= a * (1 - 1e-12) and radius.max() <= b * (1 + 1e-12)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"inner_radius_mm": 0.0}, "inner_radius_mm"),
        ({"outer_radius_mm": 0.5}, "outer_radius_mm"),
        ({"mesh_size_mm": math.nan}, "mesh_size_mm"),
        ({"mode": "3d"}, "mode"),
        ({"refine_inner": 2.0}, "refine_inner"),
        ({"geometry_order": 0}, "geometry_order"),
    ],
)
def test_annulus_rejects_bad_arguments(kwargs, argument):
    args = {"inner_radius_mm": 1.0, "outer_radius_mm": 2.0, "mesh_size_mm": 0.5,
            "mode": "axisymmetric"} | kwargs
    with pytest.raises(ValueError, match=argument):
        build_annulus(COMM, **args)


def test_sphere_leaves_an_open_gmsh_session_as_it_was():
    owned = not gmsh.isInitialized()
    if owned:
        gmsh.initialize(readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("user_model")
        gmsh.option.setNumber("Mesh.ElementOrder", 1)
        body = build_sphere(COMM, R, 0.4, "3d", geometry_order=2)
        assert body.mesh.geometry.cmaps[0].degree == 2
        assert gmsh.model.getCurrent() == "user_model"
        assert gmsh.option.getNumber("Mesh.ElementOrder") == 1
        gmsh.model.remove()
    finally:
        if owned:
            gmsh.finalize()
