"""Pictures of the Li / electrolyte interface geometries and the statistics measured on them.

Writes docs/interface_<kind>.png (plane strain: flat, wavy, rough, voids; the axisymmetric
void; the 3-D voids' Li underside) and prints, for the rough surfaces, R_q and l_c measured
from the mesh's surface nodes against the requested ones, and for the voids the meshed void
volume per unit area against the closed form of the caps. About half a minute, serial.

    .venv/bin/python scripts/interface_geometries.py [--out docs]
"""

from __future__ import annotations

import argparse
import io
import math
from pathlib import Path

import solver  # noqa: F401  (MPI before DOLFINx)
import dolfinx
import dolfinx.fem
import dolfinx.mesh
import matplotlib
import numpy as np
import ufl
from mpi4py import MPI
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.tri as mtri  # noqa: E402

from solver.geometry.interface import InterfaceSpec, build_interface  # noqa: E402
from solver.geometry.interface_profile import profile_statistics  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
UM = 1000.0
LAYERS = dict(li_thickness_mm=0.02, electrolyte_thickness_mm=0.02, extent_mm=0.1,
              mesh_size_mm=0.01)
SPECS = {
    "flat": InterfaceSpec("flat", **LAYERS, interface_mesh_size_mm=0.0025),
    "wavy": InterfaceSpec("wavy", **LAYERS, interface_mesh_size_mm=0.0025, amplitude_mm=0.003,
                          wavelength_mm=0.025),
    "rough": InterfaceSpec("rough", **LAYERS, interface_mesh_size_mm=0.00125, rq_mm=0.001,
                           correlation_length_mm=0.01, seed=1),
    "voids": InterfaceSpec("voids", **LAYERS, interface_mesh_size_mm=0.0025, void_count=3,
                           void_width_mm=0.02, void_depth_mm=0.004),
}
AXISYMMETRIC_VOID = InterfaceSpec("voids", **LAYERS, interface_mesh_size_mm=0.0025,
                                  void_count=1, void_width_mm=0.04, void_depth_mm=0.006)
VOIDS_3D = InterfaceSpec("voids", li_thickness_mm=0.01, electrolyte_thickness_mm=0.01,
                         extent_mm=0.05, mesh_size_mm=0.005, interface_mesh_size_mm=0.0015,
                         void_count=4, void_width_mm=0.012, void_depth_mm=0.003,
                         void_placement="random", seed=2)
ROUGH_CHECKS = {  # (mode, spec): requested statistics measured on the mesh
    "plane strain, L = 20 l_c, h_f = l_c/8": ("plane_strain", InterfaceSpec(
        "rough", li_thickness_mm=0.005, electrolyte_thickness_mm=0.005, extent_mm=0.2,
        mesh_size_mm=0.0025, interface_mesh_size_mm=0.00125, rq_mm=0.0005,
        correlation_length_mm=0.01, seed=1)),
    "plane strain, L = 20 l_c, h_f = l_c/16": ("plane_strain", InterfaceSpec(
        "rough", li_thickness_mm=0.005, electrolyte_thickness_mm=0.005, extent_mm=0.2,
        mesh_size_mm=0.0025, interface_mesh_size_mm=0.000625, rq_mm=0.0005,
        correlation_length_mm=0.01, seed=1)),
    "3-D, L = 8 l_c, h_f = l_c/8": ("3d", InterfaceSpec(
        "rough", li_thickness_mm=0.005, electrolyte_thickness_mm=0.005, extent_mm=0.08,
        mesh_size_mm=0.0025, interface_mesh_size_mm=0.00125, rq_mm=0.0005,
        correlation_length_mm=0.01, seed=1)),
}


def surface_nodes(im, name: str) -> np.ndarray:
    """Coordinates of the nodes of a facet group (serial)."""
    fdim = im.mesh.topology.dim - 1
    facets = im.facet_tags.find(im.facet_regions[name])
    nodes = np.unique(dolfinx.mesh.entities_to_geometry(im.mesh, fdim, facets))
    return im.mesh.geometry.x[nodes]


def measured_roughness(im) -> tuple[float, float]:
    """R_q and l_c of the electrolyte surface's nodes, interpolated linearly onto a grid."""
    points = surface_nodes(im, "electrolyte_surface")
    length = im.spec.extent_mm
    if im.mode == "3d":
        n = 256
        grid = np.arange(n) * length / n
        x, y = np.meshgrid(grid, grid)
        tri = mtri.Triangulation(points[:, 0], points[:, 1])
        z = np.asarray(mtri.LinearTriInterpolator(tri, points[:, 2])(x, y))
    else:
        n = 4096
        grid = np.arange(n) * length / n
        order = np.argsort(points[:, 0])
        z = np.interp(grid, points[order, 0], points[order, 1])
    return profile_statistics(z, length / n)


def li_volume(im) -> float:
    d = ufl.Measure("dx", domain=im.mesh, subdomain_data=im.cell_tags)(im.cell_regions["li"])
    x = ufl.SpatialCoordinate(im.mesh)
    weight = 2 * math.pi * x[0] if im.mode == "axisymmetric" else 1.0
    return float(dolfinx.fem.assemble_scalar(dolfinx.fem.form(weight * d)))


def draw_section(im, title: str, path: Path) -> None:
    """Triplot of a 2-D mesh, electrolyte and Li in two colours, axes in um."""
    x = im.mesh.geometry.x * UM
    cells = im.mesh.geometry.dofmaps[0]
    fig, ax = plt.subplots(figsize=(7.0, 3.2))
    for region, colour in (("electrolyte", "tab:blue"), ("li", "tab:orange")):
        chosen = cells[im.cell_tags.find(im.cell_regions[region])]
        ax.triplot(x[:, 0], x[:, 1], chosen, lw=0.35, color=colour)
        ax.plot([], [], color=colour, label=region)
    ax.set_aspect("equal")
    ax.set_xlabel("r (um)" if im.mode == "axisymmetric" else "x (um)")
    ax.set_ylabel("z (um)")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper right", fontsize=7, framealpha=0.9)
    fig.tight_layout()
    save(fig, path, dpi=110)


def draw_li_underside(im, title: str, path: Path) -> None:
    """Gap between the Li underside and the flat electrolyte over (x, y) in 3-D."""
    facets = im.facet_tags.find(im.facet_regions["li_surface"])
    tris = dolfinx.mesh.entities_to_geometry(im.mesh, 2, facets)
    nodes, local = np.unique(tris, return_inverse=True)
    x = im.mesh.geometry.x[nodes] * UM
    tris = local.reshape(tris.shape)
    fig, ax = plt.subplots(figsize=(4.6, 3.8))
    shade = ax.tripcolor(x[:, 0], x[:, 1], tris, x[:, 2] - im.spec.electrolyte_thickness_mm * UM,
                         shading="gouraud", cmap="viridis")
    ax.triplot(x[:, 0], x[:, 1], tris, lw=0.2, color="w", alpha=0.5)
    fig.colorbar(shade, ax=ax, label="gap to the electrolyte (um)")
    ax.set_aspect("equal")
    ax.set_xlabel("x (um)")
    ax.set_ylabel("y (um)")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    save(fig, path, dpi=100)


def save(fig, path: Path, dpi: int) -> None:
    """Write the figure as a palette PNG (64 colours), small enough to ship in docs/."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    buffer.seek(0)
    Image.open(buffer).convert("RGB").quantize(64).save(path, optimize=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args()
    comm = MPI.COMM_SELF
    args.out.mkdir(parents=True, exist_ok=True)
    titles = {
        "flat": "flat",
        "wavy": "wavy: a = 3 um, lambda = 25 um",
        "rough": "rough: R_q = 1 um, l_c = 10 um (seed 1)",
        "voids": "voids: 3 caps, w = 20 um, d = 4 um",
    }
    for kind, spec in SPECS.items():
        im = build_interface(comm, spec, "plane_strain")
        draw_section(im, f"plane strain, {titles[kind]}", args.out / f"interface_{kind}.png")
    im = build_interface(comm, AXISYMMETRIC_VOID, "axisymmetric")
    draw_section(im, "axisymmetric: one void on the axis, w = 40 um, d = 6 um",
                 args.out / "interface_voids_axisymmetric.png")
    im = build_interface(comm, VOIDS_3D, "3d")
    draw_li_underside(im, "3-D: 4 random voids (seed 2), w = 12 um, d = 3 um",
                      args.out / "interface_voids_3d.png")

    print("rough surfaces: requested against measured from the mesh's surface nodes")
    for label, (mode, spec) in ROUGH_CHECKS.items():
        rq, lc = measured_roughness(build_interface(comm, spec, mode))
        print(f"  {label}: R_q {rq * UM:.5f} um (requested {spec.rq_mm * UM:g}, "
              f"{rq / spec.rq_mm - 1:+.2%}), l_c {lc * UM:.5f} um (requested "
              f"{spec.correlation_length_mm * UM:g}, {lc / spec.correlation_length_mm - 1:+.2%})")
    print("voids: void volume per unit area, meshed against the caps' closed form")
    for label, mode, spec in (("plane strain", "plane_strain", SPECS["voids"]),
                              ("axisymmetric", "axisymmetric", AXISYMMETRIC_VOID),
                              ("3-D", "3d", VOIDS_3D)):
        im = build_interface(comm, spec, mode)
        area = {"plane_strain": spec.extent_mm, "axisymmetric": math.pi * spec.extent_mm**2,
                "3d": spec.extent_mm**2}[mode]
        meshed = (area * spec.li_thickness_mm - li_volume(im)) / area * UM
        exact = im.profile.void_volume_per_area_um
        print(f"  {label}: {meshed:.4f} um against {exact:.4f} um ({meshed / exact - 1:+.2%}, "
              f"h_f = w/{spec.void_width_mm / spec.interface_mesh_size_mm:g})")


if __name__ == "__main__":
    main()
