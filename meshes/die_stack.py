r"""Mesh a die-cell stack with gmsh: layers bottom to top in a cylindrical bore.

    python meshes/die_stack.py --layer cathode:80:40 --layer separator:600:300 \\
        --layer anode:380:190 --diameter-mm 10 --radial-size-um 2500 --out stack.msh
    python meshes/die_stack.py --case cases/li_full_cell_fixed_gap.toml --out stack.xdmf

A layer is NAME:THICKNESS_UM[:MESH_SIZE_UM]. The format follows the suffix: ``.msh`` (gmsh 4.1
with the named physical groups), ``.xdmf`` (DOLFINx mesh and named mesh tags) or ``.vtu``
(cells with their region). The solver builds the same mesh in memory for ``ssb run``
(:func:`solver.geometry.build_die_stack`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import solver  # noqa: F401  (orders MPI before DOLFINx with the binary wheel)
from solver.case import load_case
from solver.geometry import LayerSpec
from solver.meshio_export import export_case_mesh, export_stack_mesh


def _layer(text: str) -> LayerSpec:
    name, thickness, *size = text.split(":")
    thickness_um = float(thickness)
    size_um = float(size[0]) if size else thickness_um / 4.0
    return LayerSpec(name, thickness_um / 1e3, min(size_um, thickness_um / 2.0) / 1e3)


def main() -> None:
    """Parse the arguments and write the mesh."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", type=Path, help="take the stack of this case file")
    ap.add_argument("--layer", action="append", type=_layer, default=[],
                    metavar="NAME:THICKNESS_UM[:MESH_SIZE_UM]")
    ap.add_argument("--diameter-mm", type=float, default=10.0)
    ap.add_argument("--radial-size-um", type=float, default=None,
                    help="element size across the bore (default: radius / 8)")
    ap.add_argument("--mode", choices=("axisymmetric", "3d"), default="axisymmetric")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    if args.case:
        out = export_case_mesh(load_case(args.case), args.out)
    elif args.layer:
        radius = args.diameter_mm / 2.0
        radial = (args.radial_size_um / 1e3) if args.radial_size_um else radius / 8.0
        out = export_stack_mesh(args.layer, radius, args.mode, radial, args.out)
    else:
        ap.error("give --case or at least one --layer")
    print(f"wrote {out.resolve()}")


if __name__ == "__main__":
    main()
