"""``ssb mesh CASE --out FILE``: the mesh of a case as gmsh ``.msh``, ``.xdmf`` or ``.vtu``.

The gmsh model of the case's die stack (:func:`solver.geometry.die_stack_model`) is written by
gmsh itself to ``.msh`` (format 4.1, with the named physical groups of the layers, faces and
interfaces). ``.vtu`` is converted from it by meshio: the cells with the cell array ``region``
(the layer tag). ``.xdmf`` is the DOLFINx mesh as the solver distributes it, with its mesh tags
``layers`` and ``boundaries`` (``XDMFFile.read_meshtags`` reads them back) and the tag names in
XDMF ``Information`` elements.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

FORMATS = (".msh", ".xdmf", ".vtu")


class MeshExportError(ValueError):
    """An output name whose format is not supported."""


def export_case_mesh(case, out: str | Path) -> Path:
    """Mesh ``case`` (a validated :class:`solver.case.Case`) and write it to ``out``."""
    from solver.geometry import LayerSpec

    if getattr(case, "spec", None) is not None:
        raise MeshExportError("ssb mesh: an interface case (geometry.builder = 'interface') "
                              "is not exported yet; its mesh is in the run's fields/fields.xdmf")
    layers = [LayerSpec(lay.name, lay.thickness_mm, lay.mesh_size_mm, lay.radius_mm)
              for lay in case.layers]
    from solver.run import holder_spec

    plunger = case.plunger_radius_mm if case.clearance_mm > 0 else None
    return export_stack_mesh(layers, case.die_radius_mm, case.mode, case.radial_mesh_size_mm,
                             out, plunger, holder_spec(case))


def export_stack_mesh(layers, radius_mm: float, mode: str, radial_mesh_size_mm: float,
                      out: str | Path, plunger_radius_mm: float | None = None,
                      holder=None) -> Path:
    """Mesh a die stack (:func:`solver.geometry.build_die_stack` arguments) into ``out``."""
    from solver.geometry import build_die_stack

    out = Path(out)
    if out.suffix not in FORMATS:
        raise MeshExportError(f"--out: got '{out.name}'; the format follows the suffix, one of "
                              f"{', '.join(FORMATS)}")
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    if comm.rank == 0:
        out.parent.mkdir(parents=True, exist_ok=True)
    comm.barrier()
    if out.suffix == ".xdmf":
        write_xdmf(build_die_stack(comm, layers, radius_mm, mode, radial_mesh_size_mm,
                                   plunger_radius_mm=plunger_radius_mm, holder=holder), out)
    elif comm.rank == 0:  # gmsh and meshio write the whole mesh from one process
        _write_gmsh_or_vtu(layers, radius_mm, mode, radial_mesh_size_mm, out, plunger_radius_mm,
                           holder)
    comm.barrier()
    return out


def _write_gmsh_or_vtu(layers, radius_mm: float, mode: str, radial_mesh_size_mm: float,
                       out: Path, plunger_radius_mm: float | None = None,
                       holder=None) -> None:
    import gmsh

    from solver.geometry import die_stack_model

    with die_stack_model(layers, radius_mm, mode, radial_mesh_size_mm,
                         plunger_radius_mm=plunger_radius_mm, holder=holder):
        gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
        if out.suffix == ".msh":
            gmsh.write(str(out))
            return
        with tempfile.TemporaryDirectory(prefix="ssb-mesh-") as tmp:
            msh = Path(tmp) / "stack.msh"
            gmsh.write(str(msh))
            _write_vtu(msh, out, 3 if mode == "3d" else 2)


def _write_vtu(msh: Path, out: Path, tdim: int) -> None:
    """The cells of dimension ``tdim`` of a gmsh file with their region tags (meshio)."""
    import contextlib
    import io

    import meshio

    with contextlib.redirect_stdout(io.StringIO()):  # meshio's gmsh reader prints a blank line
        mesh = meshio.read(msh)
    kind = {2: "triangle", 3: "tetra"}[tdim]
    blocks = [(i, c) for i, c in enumerate(mesh.cells) if c.type == kind]
    regions = [mesh.cell_data["gmsh:physical"][i] for i, _ in blocks]
    meshio.write(out, meshio.Mesh(mesh.points, [(c.type, c.data) for _, c in blocks],
                                  cell_data={"region": regions}))


def write_xdmf(body, out: Path) -> None:
    """A distributed DOLFINx mesh with its named cell and facet tags (a StackMesh/BodyMesh)."""
    from dolfinx import io

    mesh = body.mesh
    mesh.topology.create_connectivity(mesh.topology.dim - 1, mesh.topology.dim)
    with io.XDMFFile(mesh.comm, str(Path(out).resolve()), "w") as xdmf:
        xdmf.write_mesh(mesh)
        xdmf.write_meshtags(body.cell_tags, mesh.geometry)
        xdmf.write_meshtags(body.facet_tags, mesh.geometry)
        for tags, regions in ((body.cell_tags, getattr(body, "regions", body.cell_regions)),
                              (body.facet_tags, body.facet_regions)):
            xdmf.write_information(tags.name, ", ".join(f"{t} {n}" for n, t in regions.items()))


def add_parser(sub) -> None:
    """Register ``ssb mesh`` on the command line's subparsers."""
    mesh = sub.add_parser("mesh", help="write the mesh of a case (.msh, .xdmf or .vtu)")
    mesh.add_argument("case", type=Path)
    mesh.add_argument("--out", type=Path, required=True,
                      help="FILE.msh (gmsh), FILE.xdmf (DOLFINx, with named tags) or FILE.vtu")
    mesh.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    mesh.set_defaults(handler=_cli)


def _cli(args) -> int:
    import sys

    from mpi4py import MPI

    from solver.case import CaseError, load_case

    root = MPI.COMM_WORLD.rank == 0  # every rank reads the case and gets the same verdict
    try:
        out = export_case_mesh(load_case(args.case, args.sets), args.out)
    except (CaseError, MeshExportError) as err:
        if root:
            print(f"ssb: error: {err}", file=sys.stderr)
        return 2
    if root:
        print(f"wrote {out.resolve()}")
    return 0
