"""Fields for ParaView: one XDMF time series per field (``fields/<name>.xdmf``).

One file per field keeps each file a single block with its own array, which every ParaView
(5.11 included, through its Xdmf3 reader) opens with all time steps. XDMF needs
point data on the mesh's own (degree-1) nodes, so the displacement is interpolated to P1;
cell fields are DG0. With ``vtx`` the displacement is also written at its own degree to an
ADIOS2 ``.bp`` file, which ParaView builds with the ADIOS2 reader open.

Each XDMF file is reopened in append mode for every snapshot and closed after it: HDF5 keeps
its metadata in memory while a file is open, so a run killed with the file open (SIGKILL, the
death of a rank) would leave every ``.h5`` unreadable. Closed after each snapshot, the files
hold every snapshot written before the stop; only a snapshot being written may be lost.
"""

from __future__ import annotations

from pathlib import Path

from dolfinx import fem, io

from solver.physics.model import THETA_SUB


class FieldWriter:
    def __init__(self, directory: Path, model, diagnostics, formats: tuple[str, ...]):
        self.directory = directory
        mesh = model.W.mesh
        comm = mesh.comm
        self.model, self.diagnostics = model, diagnostics
        self._u_sub = model.w.sub(0)
        gdim = mesh.geometry.dim
        self.u_p1 = fem.Function(fem.functionspace(mesh, ("Lagrange", 1, (gdim,))), name="displacement_mm")
        self.point_fields = {"displacement_mm": self.u_p1}
        if model.has_transport:
            self._theta_sub = model.w.sub(THETA_SUB)
            self.theta = fem.Function(self._theta_sub.collapse().function_space, name="theta")
            self.point_fields["theta"] = self.theta
        self._xdmf: dict[str, tuple[str, fem.Function]] = {}
        self._vtx = None
        self._bp = False
        self._last_time: float | None = None
        if not formats:
            return
        if comm.rank == 0:
            directory.mkdir(parents=True, exist_ok=True)
        comm.barrier()
        if "xdmf" in formats:
            functions = {**self.point_fields, **diagnostics.cell_fields}
            for name, f in functions.items():
                path = str((directory / f"{name}.xdmf").resolve())
                with io.XDMFFile(comm, path, "w") as xdmf:
                    xdmf.write_mesh(mesh)
                self._xdmf[name] = (path, f)
        if "vtx" in formats:
            self.u_k = model.w.sub(0).collapse()
            self.u_k.name = "displacement_mm"
            self._vtx = io.VTXWriter(comm, str((directory / "displacement.bp").resolve()), [self.u_k])
        self._bp = self._vtx is not None

    def write(self, t: float) -> None:
        """Write all fields at time t; a second write at the same time is skipped."""
        if (not self._xdmf and self._vtx is None) or t == self._last_time:
            return
        self._last_time = t
        self.u_p1.interpolate(self._u_sub.collapse())
        if "theta" in self.point_fields:
            self.theta.x.array[:] = self._theta_sub.collapse().x.array
        self.diagnostics.update_cell_fields()
        comm = self.model.W.mesh.comm
        for path, f in self._xdmf.values():
            with io.XDMFFile(comm, path, "a") as xdmf:
                xdmf.write_function(f, t)
        if self._vtx is not None:
            self.u_k.x.array[:] = self._u_sub.collapse().x.array
            self._vtx.write(t)

    def close(self) -> None:
        """Close the ADIOS2 file, collectively (the XDMF files are closed after every write)."""
        if self._vtx is not None:
            self._vtx.close()
            self._vtx = None

    def files(self) -> list[str]:
        """Return the field files of this run (none when ``output.field_formats`` is empty)."""
        return [f"{name}.xdmf" for name in self._xdmf] + (["displacement.bp"] if self._bp else [])
