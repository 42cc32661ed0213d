"""Pictures of a run's fields without ParaView: ``ssb show RUN`` and :func:`plot_field`.

Reads ``RUN/fields/fields.xdmf`` with pyvista (the ``viz`` extra) and draws one field at one
snapshot on the deformed stack, with the region outlines, the region names and a colour bar in
units. Rendering is off-screen (EGL or OSMesa builds of VTK need no X server). In a notebook::

    from solver.show import plot_field
    plot_field("runs/li_full_cell_fixed_gap", "von_mises_MPa", time_h=10).show()
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

FIELDS_FILE = "fields.xdmf"  # solver.io.fields.FIELDS_FILE, without importing DOLFINx here

# field -> (colour-bar title, scale from the file's unit to the shown one)
FIELD_LABELS: dict[str, tuple[str, float]] = {
    "von_mises_MPa": ("von Mises stress (MPa)", 1.0),
    "axial_stress_MPa": ("axial stress (MPa)", 1.0),
    "hydrostatic_stress_MPa": ("hydrostatic stress (MPa)", 1.0),
    "creep_strain": ("creep strain (-)", 1.0),
    "theta": ("state of lithiation theta (-)", 1.0),
    "displacement_mm": ("displacement (um)", 1.0e3),
    "region": ("region", 1.0),
}


class ShowError(ValueError):
    """A run directory, field or time that cannot be shown; the message says what exists."""


@dataclass(frozen=True)
class Snapshot:
    """One snapshot of the field file: the grid, its time and the region names by tag."""

    grid: object  # pyvista.UnstructuredGrid
    time_s: float
    times_s: tuple[float, ...]
    regions: dict[int, str]


def _pyvista():
    """Import pyvista set up for off-screen rendering (EGL when there is no display)."""
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    try:
        import pyvista
    except ImportError as err:
        raise ShowError("pictures need pyvista: pip install -e '.[viz]'") from err
    pyvista.OFF_SCREEN = True
    return pyvista


def read_snapshot(run: str | Path, time_h: float | None = None) -> Snapshot:
    """The snapshot of ``run`` nearest to ``time_h`` hours (the last one when None)."""
    path = Path(run) / "fields" / FIELDS_FILE
    if not path.is_file():
        raise ShowError(f"no {path}: is {run} a run directory written with "
                        "output.field_formats = ['xdmf']?")
    pv = _pyvista()
    reader = pv.get_reader(str(path.resolve()))
    times = tuple(float(t) for t in reader.time_values)
    if not times:
        raise ShowError(f"{path} holds no snapshots")
    target = times[-1] if time_h is None else time_h * 3600.0
    nearest = min(times, key=lambda t: abs(t - target))
    reader.set_active_time_value(nearest)
    grid = reader.read()
    regions = {int(grid.field_data[n][0]): n for n in grid.field_data}
    return Snapshot(grid, nearest, times, regions)


def _nice(x: float) -> float:
    """The 1-2-5 number at or below x."""
    exp = 10.0 ** math.floor(math.log10(x))
    return max(m for m in (1.0, 2.0, 5.0) if m * exp <= x * (1 + 1e-9)) * exp


def warp_factor(grid, fraction: float = 0.05, vectors: str = "warp") -> float:
    """A 1-2-5 magnification that makes the largest displacement visible.

    It draws the largest displacement as ``fraction`` of the stack height, or is 1 when the
    displacement is already that large.
    """
    u = grid.point_data[vectors]
    u_max = float(abs(u).max()) if u.size else 0.0
    height = grid.bounds[3] - grid.bounds[2]
    if u_max == 0.0 or u_max >= fraction * height:
        return 1.0
    return _nice(fraction * height / u_max)


def plot_field(run: str | Path, field: str = "von_mises_MPa", time_h: float | None = None,
               region: str | None = None, warp: float | None = None,
               stretch_z: float | None = None, window_size: tuple[int, int] = (1600, 640)):
    """A pyvista Plotter with ``field`` of ``run`` at the snapshot nearest ``time_h``.

    The stack is drawn deformed (the displacement times ``warp``), cut to ``region`` if given
    (then the displacement relative to the region's mean), with the region outlines and names
    and a colour bar in units. In the r-z plane the axial
    coordinate is drawn ``stretch_z`` times longer, so thin layers can be seen; the axis
    labels keep the true coordinates. ``None`` picks either factor (a 1-2-5 number) and the
    title says which was used. Call ``.show()`` in a notebook or ``.screenshot(png)``.
    """
    pv = _pyvista()
    snap = read_snapshot(run, time_h)
    names = [n for n in snap.grid.array_names if n not in snap.grid.field_data]
    if field not in names:
        raise ShowError(f"--field: no field '{field}' in {run}; fields: {', '.join(sorted(names))}")
    part = _select(snap, region)
    u = part.point_data["displacement_mm"]
    # a layer alone is drawn where it is, with its own deformation magnified (its translation
    # by the layers below is not), so the axis labels stay near its true position
    part.point_data["warp"] = u - u.mean(axis=0) if region else u
    factor = warp_factor(part) if warp is None else warp
    shown = part.warp_by_vector("warp", factor=factor)
    title, scale = FIELD_LABELS.get(field, (field, 1.0))
    values = shown[field]
    shown[title] = (values if values.ndim == 1 else (values**2).sum(axis=1) ** 0.5) * scale
    planar = snap.grid.bounds[5] - snap.grid.bounds[4] == 0.0  # axisymmetric / plane strain
    true_bounds = _round_bounds(shown.bounds)
    axial = 1 if planar else 2  # the die axis: y in the r-z plane, z in 3-D
    stretch = stretch_z or _stretch(shown.bounds, axial)
    shown.points[:, axial] *= stretch
    plotter = pv.Plotter(off_screen=True, window_size=list(window_size))
    plotter.set_background("white")
    _add_field(plotter, shown, field, title, snap.regions, lighting=not planar)
    _outline_regions(plotter, shown, snap.regions)
    plotter.add_text(_title(run, snap, region, factor, stretch, field, shown[title]),
                     position=(20, window_size[1] - 40), font_size=13, color="black")
    if planar:
        plotter.show_bounds(xtitle="r (mm)", ytitle="z (mm)", ztitle="", color="black",
                            font_size=14, location="outer", use_2d=True, n_xlabels=6,
                            n_ylabels=3, fmt="%.3g", bounds=_round_bounds(shown.bounds),
                            axes_ranges=true_bounds)
        _frame_plane(plotter, shown.bounds, window_size)
    else:
        plotter.view_isometric()
        plotter.camera.zoom(1.3)
    return plotter


def _select(snap: Snapshot, region: str | None):
    """The whole grid, or the cells of one named region."""
    if region is None:
        return snap.grid
    tags = {n: t for t, n in snap.regions.items()}
    if region not in tags:
        raise ShowError(f"--region: no region '{region}'; regions: {', '.join(tags)}")
    return snap.grid.threshold((tags[region] - 0.5, tags[region] + 0.5), scalars="region")


def _stretch(bounds, axial: int, aspect: float = 0.2) -> float:
    """A 1-2-5 axial magnification that draws a flat body ``aspect`` as high as wide, or 1."""
    w, h = bounds[1] - bounds[0], bounds[2 * axial + 1] - bounds[2 * axial]
    return 1.0 if h <= 0.0 or h >= aspect * w else _nice(aspect * w / h)


def _add_field(plotter, shown, field: str, title: str, regions: dict[int, str],
               lighting: bool) -> None:
    """The mesh coloured by the field; regions as named categories.

    A flat (r-z) mesh is drawn unlit, so its colours are those of the colour bar.
    """
    bar = dict(title=title, color="black", vertical=True, position_x=0.89, position_y=0.15,
               height=0.7, width=0.04, title_font_size=18, label_font_size=16, fmt="%.3g")
    if field != "region":
        plotter.add_mesh(shown, scalars=title, cmap="viridis", scalar_bar_args=bar,
                         clim=_colour_range(shown[title]), lighting=lighting)
        return
    tags = sorted(regions)
    bar.update(n_labels=0, title="")
    plotter.add_mesh(shown, scalars=title, cmap="Set2", n_colors=len(tags),
                     clim=(tags[0] - 0.5, tags[-1] + 0.5), scalar_bar_args=bar,
                     annotations={float(t): regions[t] for t in tags}, lighting=lighting)


def _round_bounds(bounds) -> list[float]:
    """Bounds rounded to 1/1000 of the largest extent (no '-0.00' from a warped axis)."""
    extent = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4], 1e-12)
    digits = 3 - math.floor(math.log10(extent))
    return [round(b, digits) + 0.0 for b in bounds]


def _frame_plane(plotter, bounds, window_size: tuple[int, int]) -> None:
    """Parallel view of the r-z plane with room on the right for names and colour bar.

    The stack fills about 70 % of the width, left of centre.
    """
    width_px, height_px = window_size
    x0, x1, y0, y1 = bounds[:4]
    w, h = x1 - x0, y1 - y0
    view_h = max(h / 0.62, (w / 0.70) * height_px / width_px)
    view_w = view_h * width_px / height_px
    cx, cy = x0 + 0.5 * w + 0.06 * view_w, y0 + 0.5 * h - 0.02 * view_h
    plotter.enable_parallel_projection()
    cam = plotter.camera
    cam.focal_point = (cx, cy, 0.0)
    cam.position = (cx, cy, 10.0 * max(w, h))
    cam.up = (0.0, 1.0, 0.0)
    cam.parallel_scale = 0.5 * view_h


def _title(run, snap: Snapshot, region, factor: float, stretch: float, field: str,
           values) -> str:
    """'run (region): t = 17.4 h, uniform 0.162 MPa, displacement x2, z drawn x2'."""
    notes = []
    if field != "region" and _is_uniform(values):
        unit = FIELD_LABELS.get(field, (field,))[0].rpartition("(")[2].rstrip(")")
        notes.append(f"uniform {float(values.mean()):.4g} {unit}".rstrip())
    if factor != 1.0:
        notes.append(f"displacement x{factor:g}")
    if stretch != 1.0:
        notes.append(f"z drawn x{stretch:g}")
    where = f" ({region})" if region else ""
    return f"{Path(run).name}{where}: t = {snap.time_s / 3600.0:.3g} h" + "".join(
        f", {n}" for n in notes)


def _is_uniform(values) -> bool:
    lo, hi = float(values.min()), float(values.max())
    return hi - lo <= max(abs(lo), abs(hi), 1e-12) * 1e-6


def _colour_range(values) -> tuple[float, float]:
    """The data range, widened around a uniform field so the bar reads its one value."""
    lo, hi = float(values.min()), float(values.max())
    if not _is_uniform(values):
        snap = 1e-6 * (hi - lo)  # 1e-17 is 0: round-off, and an unreadable label
        return (0.0 if abs(lo) < snap else lo), (0.0 if abs(hi) < snap else hi)
    pad = max(abs(lo) * 0.05, 1e-12)
    return lo - pad, hi + pad


def _outline_regions(plotter, grid, regions: dict[int, str]) -> None:
    """Black boundaries of each region and its name at its right-hand edge."""
    points, labels = [], []
    for tag, name in sorted(regions.items()):
        part = grid.threshold((tag - 0.5, tag + 0.5), scalars="region")
        if part.n_cells == 0:
            continue
        planar = part.bounds[5] == part.bounds[4]
        # a planar region is outlined by its boundary; a solid one by its surface's edges
        edges = part.extract_surface(algorithm=None).extract_feature_edges(
            feature_angle=30.0, boundary_edges=planar, feature_edges=not planar,
            manifold_edges=False, non_manifold_edges=False)
        if edges.n_points:
            plotter.add_mesh(edges, color="black", line_width=2)
        b = part.bounds
        points.append((b[1], 0.5 * (b[2] + b[3]), 0.5 * (b[4] + b[5])))
        labels.append(f" {name}")
    if points:
        plotter.add_point_labels(points, labels, point_size=0, shape=None, font_size=16,
                                 text_color="black", justification_horizontal="left",
                                 always_visible=True, show_points=False)


def render(run: str | Path, out: str | Path | None = None, field: str = "von_mises_MPa",
           time_h: float | None = None, region: str | None = None, warp: float | None = None,
           stretch_z: float | None = None) -> Path:
    """Write the picture of :func:`plot_field` to ``out`` (default RUN/<field>.png)."""
    out = Path(out) if out is not None else Path(run) / f"{field}.png"
    plotter = plot_field(run, field, time_h, region, warp, stretch_z)
    plotter.screenshot(str(out))
    plotter.close()
    return out


def add_parser(sub) -> None:
    """Register ``ssb show`` on the command line's subparsers."""
    show = sub.add_parser("show", help="picture of a field of a run (pyvista, off-screen)")
    show.add_argument("run", type=Path, help="run directory (with fields/fields.xdmf)")
    show.add_argument("--field", default="von_mises_MPa",
                      help="field to colour by (default von_mises_MPa; also axial_stress_MPa, "
                           "hydrostatic_stress_MPa, displacement_mm, theta, region, ...)")
    show.add_argument("--time", type=float, default=None, metavar="HOURS",
                      help="simulated time in h; the nearest snapshot is shown (default: last)")
    show.add_argument("--region", default=None, help="show this region only, e.g. anode")
    show.add_argument("--warp", type=float, default=None,
                      help="displacement magnification (default: chosen to make it visible)")
    show.add_argument("--stretch-z", type=float, default=None,
                      help="draw z this many times longer, for thin layers (default: chosen "
                           "so the shown body is at least 1/5 as high as wide)")
    show.add_argument("--out", type=Path, default=None, help="PNG (default RUN/<field>.png)")
    show.set_defaults(handler=_cli)


def _cli(args) -> int:
    import sys

    try:
        out = render(args.run, args.out, args.field, args.time, args.region, args.warp,
                     args.stretch_z)
    except ShowError as err:
        print(f"ssb: error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {out.resolve()}")
    return 0
