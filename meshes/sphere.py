"""Mesh the verification sphere with gmsh (quarter disk or octant) and write it as XDMF.

    python meshes/sphere.py --radius-mm 1 --size-mm 0.1 --mode axisymmetric --out sphere.xdmf

The mesh, its cell group ``particle`` and facet groups (``surface``, the symmetry planes) are
written with their names (:func:`solver.geometry.build_sphere`, used by the coupled
diffusion-stress problems in ``solver/verification``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mpi4py import MPI

import solver  # noqa: F401  (orders MPI before DOLFINx with the binary wheel)
from solver.geometry import build_sphere
from solver.meshio_export import write_xdmf


def main() -> None:
    """Parse the arguments and write the mesh."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--radius-mm", type=float, default=1.0)
    ap.add_argument("--size-mm", type=float, default=0.1, help="element size at the centre")
    ap.add_argument("--refine-surface", type=float, default=1.0,
                    help="surface size / centre size, in (0, 1]")
    ap.add_argument("--mode", choices=("axisymmetric", "3d"), default="axisymmetric")
    ap.add_argument("--order", type=int, choices=(1, 2), default=1, help="geometry order")
    ap.add_argument("--out", type=Path, required=True, help="FILE.xdmf")
    args = ap.parse_args()
    if args.out.suffix != ".xdmf":
        ap.error(f"--out: got '{args.out.name}'; the sphere is written as .xdmf")
    body = build_sphere(MPI.COMM_WORLD, args.radius_mm, args.size_mm, args.mode,
                        args.refine_surface, geometry_order=args.order)
    write_xdmf(body, args.out)
    if MPI.COMM_WORLD.rank == 0:
        print(f"wrote {args.out.resolve()}")


if __name__ == "__main__":
    main()
