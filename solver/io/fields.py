"""Fields for ParaView: every field of a run in one file, ``fields/fields.xdmf``.

DOLFINx writes ``fields_data.xdmf`` and its HDF5 data ``fields_data.h5``, with one temporal
collection per function, which ParaView shows as one block per field (each needing
AppendAttributes to be seen together). Rank 0 rewrites that XML (``regroup_xdmf``: during the
run after snapshots, and at its end, when ``fields_data.xdmf`` is removed) into
``fields.xdmf``: a single temporal collection whose grids carry every field at their time,
so ParaView opens one unstructured grid with all arrays and all time steps. It refers to the
same HDF5 datasets; the file is replaced whole, so a reader never sees half of it.

The cell regions are the cell array ``region`` (the gmsh tag) with their names beside it: one
field-data array per region, named after it, holding its tag, and an XDMF ``Information``
element ``regions`` ("1 cathode, 2 separator, ...").

XDMF needs point data on the mesh's own (degree-1) nodes, so the displacement is interpolated
to P1 there; cell fields are DG0. With ``vtx`` every field is also written to the ADIOS2 file
``fields.bp`` in discontinuous Lagrange of the displacement's degree (VTX needs one element for
all functions; the DG space holds the P_k displacement and the DG0 fields exactly).

The XDMF file is reopened in append mode for every snapshot and closed after it: HDF5 keeps
its metadata in memory while a file is open, so a run killed with the file open (SIGKILL, the
death of a rank) would leave the ``.h5`` unreadable. Closed after each snapshot, it holds every
snapshot written before a stop; only a snapshot being written may be lost.

A run continued from a checkpoint (``ssb run --restart``) writes a new segment,
``fields_data.<n>.h5`` (``fields.<n>.bp``), and leaves the earlier files as they were: the
regrouped ``fields.xdmf`` lists the snapshots of every segment up to its checkpoint, then the
new ones, as one time series. (DOLFINx can append to its XDMF file, but a snapshot written after
the checkpoint, before the stop, would be overwritten in place with HDF5 errors printed.)

Snapshots are taken every ``fields_every`` accepted steps and at least every ``fields_every_h``
hours of simulated time (at the first accepted step past each multiple), so a long charge with
long steps is not left with two frames.
"""

from __future__ import annotations

import math
import os
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from dolfinx import fem, io

from solver.physics.model import THETA_SUB

FIELDS_FILE = "fields.xdmf"
DATA_FILE = "fields_data.xdmf"  # DOLFINx's XDMF, beside its HDF5 data fields_data.h5
VTX_FILE = "fields.bp"
REGROUP_SPACING = 20.0


def regroup_xdmf(text: str | list[str], regions: dict[str, int]) -> str:
    """One temporal collection with every attribute per time, from DOLFINx's XDMF text.

    ``text`` holds a mesh grid and one temporal collection per function (or a list of such
    texts, the segments of a restarted run, in order); the result inlines the mesh's Topology
    and Geometry in each time's grid (the same HDF5 datasets, not copies) and adds the region
    names (``regions``: name -> cell tag) as field data and Information.
    """
    times: dict[str, tuple[list[ET.Element], list[ET.Element]]] = {}
    for segment in [text] if isinstance(text, str) else text:
        domain = ET.fromstring(segment).find("Domain")
        mesh = next(g for g in domain.findall("Grid") if g.get("GridType") == "Uniform")
        shape = [mesh.find("Topology"), mesh.find("Geometry")]
        seen: dict[str, list[ET.Element]] = {}
        for series in domain.findall("Grid"):
            if series.get("CollectionType") != "Temporal":
                continue
            for grid in series.findall("Grid"):
                value = grid.find("Time").get("Value")
                seen.setdefault(value, []).extend(grid.findall("Attribute"))
        for value, attributes in seen.items():  # a later segment's time replaces an earlier's
            times.pop(value, None)
            times[value] = (shape, attributes)

    out_root = ET.Element("Xdmf", Version="3.0")
    out_domain = ET.SubElement(out_root, "Domain")
    listing = ", ".join(f"{tag} {name}" for name, tag in sorted(regions.items(), key=_by_tag))
    ET.SubElement(out_domain, "Information", Name="regions", Value=listing)
    collection = ET.SubElement(out_domain, "Grid", Name="fields", GridType="Collection",
                               CollectionType="Temporal")
    for value, (shape, attributes) in times.items():
        grid = ET.SubElement(collection, "Grid", Name="fields", GridType="Uniform")
        grid.extend(shape)  # ElementTree elements may sit in many parents: no copies
        ET.SubElement(grid, "Time", Value=value)
        grid.extend(attributes)
        for name, tag in sorted(regions.items(), key=_by_tag):
            grid.append(_region_attribute(name, tag))
    ET.indent(out_root)
    return '<?xml version="1.0"?>\n' + ET.tostring(out_root, encoding="unicode") + "\n"


def _by_tag(item: tuple[str, int]) -> int:
    return item[1]


def _region_attribute(name: str, tag: int) -> ET.Element:
    """Field data ``name`` = ``tag``: ParaView lists the region names with their tags."""
    attribute = ET.Element("Attribute", Name=name, AttributeType="Scalar", Center="Grid")
    item = ET.SubElement(attribute, "DataItem", Dimensions="1", NumberType="Int", Format="XML")
    item.text = str(tag)
    return attribute


class FieldWriter:
    """Snapshots of the displacement, theta of hosts and the diagnostics' cell fields."""

    def __init__(self, directory: Path, model, diagnostics, formats: tuple[str, ...],
                 fields_every: int = 0, fields_every_h: float = 0.0, segment: int = 0,
                 earlier: tuple[str, ...] = ()):
        """``segment`` > 0 continues a run from a checkpoint: ``earlier`` are the XDMF texts
        of the segments before (as :meth:`saved` gave them), kept in ``fields.xdmf``."""
        self.directory = directory
        self.segment, self.earlier = segment, tuple(earlier)
        self._data = directory / _segment_name(DATA_FILE, segment)
        mesh = model.W.mesh
        comm = mesh.comm
        self.model, self.diagnostics = model, diagnostics
        self.regions = {name: int(tag) for name, tag in model.stack.cell_regions.items()}
        self.every = fields_every
        self.every_s = fields_every_h * 3600.0
        self._next_s = 0.0
        self._u_sub = model.w.sub(0)
        gdim = mesh.geometry.dim
        self.u_p1 = fem.Function(fem.functionspace(mesh, ("Lagrange", 1, (gdim,))),
                                 name="displacement_mm")
        self.point_fields = {"displacement_mm": self.u_p1}
        if model.has_transport:
            self._theta_sub = model.w.sub(THETA_SUB)
            self.theta = fem.Function(self._theta_sub.collapse().function_space, name="theta")
            self.point_fields["theta"] = self.theta
        self._xdmf = None
        self._vtx = None
        self._last_time: float | None = None
        self._stale = False  # DOLFINx has rewritten the XML since the last regroup
        self._regrouped_at, self._regroup_cost = -math.inf, 0.0
        self.formats = tuple(formats)
        if not formats:
            return
        if comm.rank == 0:
            directory.mkdir(parents=True, exist_ok=True)
            for stale in directory.glob("fields_data*.xdmf"):  # DOLFINx XML a kill left
                stale.unlink()
        comm.barrier()
        if "xdmf" in formats:
            self._xdmf = str(self._data.resolve())
            with io.XDMFFile(comm, self._xdmf, "w") as xdmf:
                xdmf.write_mesh(mesh)
        if "vtx" in formats:
            self._setup_vtx(mesh)

    def _setup_vtx(self, mesh) -> None:
        """Every field in discontinuous Lagrange of the displacement's degree (one element)."""
        degree = self._u_sub.collapse().function_space.element.basix_element.degree
        gdim = mesh.geometry.dim
        vector = fem.functionspace(mesh, ("Discontinuous Lagrange", degree, (gdim,)))
        scalar = fem.functionspace(mesh, ("Discontinuous Lagrange", degree))
        self._vtx_u = fem.Function(vector, name="displacement_mm")
        self._vtx_fields = {"displacement_mm": self._vtx_u}
        for name in (*self.point_fields, *self.diagnostics.cell_fields):
            if name != "displacement_mm":
                self._vtx_fields[name] = fem.Function(scalar, name=name)
        path = str((self.directory / _segment_name(VTX_FILE, self.segment)).resolve())
        self._vtx = io.VTXWriter(mesh.comm, path, list(self._vtx_fields.values()))

    def _functions(self) -> dict[str, fem.Function]:
        return {**self.point_fields, **self.diagnostics.cell_fields}

    def due(self, steps: int, time_s: float) -> bool:
        """Whether the accepted step ``steps`` at ``time_s`` is a snapshot by step or by time."""
        by_step = self.every > 0 and steps % self.every == 0
        by_time = self.every_s > 0 and time_s >= self._next_s
        return by_step or by_time

    def write(self, t: float) -> None:
        """Write all fields at time t; a second write at the same time is skipped."""
        if (self._xdmf is None and self._vtx is None) or t == self._last_time:
            return
        self._last_time = t
        if self.every_s > 0:
            self._next_s = (math.floor(t / self.every_s) + 1) * self.every_s
        u = self._u_sub.collapse()
        self.u_p1.interpolate(u)
        if "theta" in self.point_fields:
            self.theta.x.array[:] = self._theta_sub.collapse().x.array
        self.diagnostics.update_cell_fields()
        if self._xdmf is not None:
            with io.XDMFFile(self.model.W.mesh.comm, self._xdmf, "a") as xdmf:
                for f in self._functions().values():
                    xdmf.write_function(f, t)
            self._stale = True
            self._regroup()
        if self._vtx is not None:
            self._vtx_u.interpolate(u)
            for name, f in self._functions().items():
                if name != "displacement_mm":
                    self._vtx_fields[name].interpolate(f)
            self._vtx.write(t)

    def _regroup(self, final: bool = False) -> None:
        """Rank 0 rewrites DOLFINx's XML (saved by rank 0 on each write) as one collection.

        The rewrite parses the whole file, so during the run it is done only when the wall
        time since the last one is ``REGROUP_SPACING`` times what that one took (a few per
        cent of the run at most, however many snapshots); ``final`` does it at the end.
        """
        if self.model.W.mesh.comm.rank != 0 or not self._stale:
            return
        start = time.perf_counter()
        if not final and start - self._regrouped_at < REGROUP_SPACING * self._regroup_cost:
            return
        path = self.directory / FIELDS_FILE
        tmp = path.with_suffix(".xdmf.tmp")
        texts = [*self.earlier, self._data.read_text()]
        tmp.write_text(regroup_xdmf(texts, self.regions))
        os.replace(tmp, path)
        self._stale = False
        self._regrouped_at = time.perf_counter()
        self._regroup_cost = self._regrouped_at - start

    def close(self) -> None:
        """Close the files (collectively); the XDMF file is left as one collection."""
        if self._xdmf is not None:
            self._xdmf = None
            self._regroup(final=True)
            if self.model.W.mesh.comm.rank == 0:
                self._data.unlink(missing_ok=True)
            self.model.W.mesh.comm.barrier()  # every rank sees the final directory
        if self._vtx is not None:
            self._vtx.close()
            self._vtx = None

    def files(self) -> list[str]:
        """Names of the files written in the fields directory (every segment's)."""
        h5 = Path(DATA_FILE).with_suffix(".h5").name
        names = {"xdmf": [FIELDS_FILE], "vtx": []}
        for n in range(self.segment + 1):
            names["xdmf"].append(_segment_name(h5, n))
            names["vtx"].append(_segment_name(VTX_FILE, n))
        return [name for f in self.formats for name in names[f]
                if name.startswith(FIELDS_FILE) or (self.directory / name).exists()]

    def saved(self) -> dict:
        """What a restart needs to go on (rank 0's XDMF text is the one that counts)."""
        text = None
        if self._xdmf is not None and self.model.W.mesh.comm.rank == 0:
            text = self._data.read_text()
        return {"segment": self.segment, "texts": [*self.earlier, text] if text else
                list(self.earlier), "last_time": self._last_time, "next_s": self._next_s}

    def restore(self, saved: dict) -> None:
        """Snapshot times as they were at the checkpoint (the files are this segment's)."""
        self._last_time, self._next_s = saved["last_time"], saved["next_s"]


def _segment_name(name: str, segment: int) -> str:
    """``fields_data.xdmf`` for the first segment, ``fields_data.<n>.xdmf`` after restart n."""
    if segment == 0:
        return name
    stem, suffix = name.rsplit(".", 1)
    return f"{stem}.{segment}.{suffix}"
