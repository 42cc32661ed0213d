"""Scalar observables of the stack, one row of ``series.csv`` per accepted step.

All integrals are whole-cell (2 pi r weighted in axisymmetric mode) and reduced over ranks.
"""

from __future__ import annotations

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI

from solver.geometry.die_stack import CLEARANCE_FACE
from solver.physics import kinematics
from solver.physics.model import THETA_SUB, collapsed
from solver.physics.stack import StackModel


CELL_FIELDS = ("von_mises_MPa", "axial_stress_MPa", "hydrostatic_stress_MPa", "creep_strain")
"""Cell fields written for ParaView; ``creep_strain`` is the accumulated equivalent viscous
strain p = int sqrt(2/3 Dv:Dv) dt."""


class Diagnostics:
    """Compiled forms and expressions for the observables of one model."""

    def __init__(self, model: StackModel):
        self.model = model
        mesh = model.W.mesh
        self.comm = mesh.comm
        x = ufl.SpatialCoordinate(mesh)
        weight = kinematics.volume_weight(model.mode, x)
        u = ufl.split(model.w)[0]
        zc = model.axial_component
        ds = ufl.Measure("ds", domain=mesh, subdomain_data=model.stack.facet_tags)
        dS = ufl.Measure("dS", domain=mesh, subdomain_data=model.stack.facet_tags)
        self._face = {}
        for name, tag in model.stack.facet_regions.items():
            if name in ("base_face", "plunger_face"):
                num, den = u[zc] * weight * ds(tag), weight * ds(tag)
            elif name.endswith("_interface"):
                wgt = weight("+") if isinstance(weight, ufl.core.expr.Expr) else weight
                num, den = u[zc]("+") * wgt * dS(tag), wgt * dS(tag)
            else:
                continue
            area = self.comm.allreduce(fem.assemble_scalar(fem.form(den)), op=MPI.SUM)
            self._face[name] = (fem.form(num), area)
        Q = fem.functionspace(mesh, ("DG", 0))
        self.cell_fields = {k: fem.Function(Q, name=k) for k in CELL_FIELDS}
        self._cell_dofs = Q.dofmap.list[model.points.cells, 0]
        region = fem.Function(Q, name="region")
        for name, tag in model.stack.cell_regions.items():
            region.x.array[model.stack.cell_tags.find(tag)] = tag
        self.cell_fields["region"] = region
        self._n_owned = mesh.topology.index_map(mesh.topology.dim).size_local
        self._setup_wall(model)
        self._setup_clearance(model)
        self._host_cells = np.empty(0, dtype=np.int32)
        if model.has_transport:
            self._setup_transport(model, x, weight, dS)

    # -- die wall ------------------------------------------------------------------------------

    def _setup_wall(self, model) -> None:
        """Nodes of the lateral surface (for the radial gap) and the wall-force form."""
        mesh, stack = model.W.mesh, model.stack
        V, self._u_map = collapsed(model.W.sub(0))
        facets = stack.facet_tags.find(stack.facet_regions["die_wall"])
        nodes = fem.locate_dofs_topological(V, mesh.topology.dim - 1, facets)
        self._wall_nodes = nodes
        self._wall_x = V.tabulate_dof_coordinates()[nodes]
        self._wall_force = fem.form(model.wall_force)

    def wall_state(self) -> tuple[float, float]:
        """(radial force of the wall on the stack in N, largest gap to the wall in mm)."""
        gdim = self.model.W.mesh.geometry.dim
        u = self.model.w.x.array[self._u_map].reshape(-1, gdim)[self._wall_nodes]
        pos = self._wall_x[:, :gdim] + u
        r = np.hypot(pos[:, 0], pos[:, 1]) if gdim == 3 else pos[:, 0]
        gap = self.model.case.die_radius_mm - r
        local = float(gap.max()) if gap.size else -np.inf
        force = self.comm.allreduce(fem.assemble_scalar(self._wall_force), op=MPI.SUM)
        return force, self.comm.allreduce(local, op=MPI.MAX)

    # -- clearance annulus ---------------------------------------------------------------------

    def _setup_clearance(self, model) -> None:
        """Axial dofs of the free annulus of the top face and radial dofs of the plunger's
        edge (none without a clearance)."""
        stack = model.stack
        self._clearance_dofs = self._edge_dofs = np.empty(0, dtype=np.int32)
        if CLEARANCE_FACE not in stack.facet_regions:
            return
        fdim = model.W.mesh.topology.dim - 1
        V, vmap = collapsed(model.W.sub(0).sub(model.axial_component))
        facets = stack.facet_tags.find(stack.facet_regions[CLEARANCE_FACE])
        self._clearance_dofs = vmap[fem.locate_dofs_topological(V, fdim, facets)]
        V, vmap = collapsed(model.W.sub(0).sub(0))
        edge = model.case.plunger_radius_mm
        nodes = fem.locate_dofs_topological(V, fdim, facets)
        at_edge = np.isclose(V.tabulate_dof_coordinates()[nodes, 0], edge, rtol=0, atol=1e-9 * edge)
        self._edge_dofs = vmap[nodes[at_edge]]

    @property
    def has_clearance(self) -> bool:
        return CLEARANCE_FACE in self.model.stack.facet_regions

    def clearance_extrusion_mm(self) -> float | None:
        """Largest rise of the clearance annulus above the top face's original plane (mm):
        how far the top layer has extruded into the gap; None without a clearance."""
        if not self.has_clearance:
            return None
        values = self.model.w.x.array[self._clearance_dofs]
        local = float(values.max()) if values.size else -np.inf
        return self.comm.allreduce(local, op=MPI.MAX)

    def plunger_edge_slip_mm(self) -> float | None:
        """Radial slip of the top layer's material at the plunger's edge (mm; outward > 0).

        The plunger face is the reference disk r < R - c: material that slides past the edge
        on a frictionless plunger stays pressed, so results hold while this is small against c.
        """
        if not self.has_clearance:
            return None
        values = self.model.w.x.array[self._edge_dofs]
        local = float(values.max()) if values.size else -np.inf
        return self.comm.allreduce(local, op=MPI.MAX)

    # -- Li hosts ------------------------------------------------------------------------------

    def _setup_transport(self, model, x, weight, dS) -> None:
        """Interface potential, interface theta range and mean theta of the host layers."""
        mesh, stack = model.W.mesh, model.stack
        theta = model.theta
        tag = stack.facet_regions[model.insertion_interface]
        facets = stack.facet_tags.find(tag)
        V, vmap = collapsed(model.W.sub(THETA_SUB))
        self._iface_theta = vmap[
            fem.locate_dofs_topological(V, mesh.topology.dim - 1, facets)]
        potential = 0
        for host, law in model.hosts.items():
            ind = model.host_indicator[host]
            e = law.potential_V(theta, model.reduced_stress)
            potential += ind("+") * e("+") + ind("-") * e("-")
        wgt = weight("+") if isinstance(weight, ufl.core.expr.Expr) else weight
        self._potential = fem.form(potential * wgt * dS(tag))
        self._iface_area = self.comm.allreduce(
            fem.assemble_scalar(fem.form(wgt * dS(tag))), op=MPI.SUM)
        dx = ufl.Measure("dx", domain=mesh, subdomain_data=stack.cell_tags)
        tags = [stack.cell_regions[h] for h in model.hosts]
        self._theta_volume = fem.form(theta * weight * dx(tuple(tags)))
        self._host_volume = self.comm.allreduce(
            fem.assemble_scalar(fem.form(weight * dx(tuple(tags)))), op=MPI.SUM)
        self._host_cells = np.concatenate([stack.cell_tags.find(t) for t in tags])
        self._host_cells = self._host_cells[self._host_cells < self._n_owned]

    def interface_state(self) -> tuple[float, float, float]:
        """(min theta, max theta, mean electrode potential vs Li/Li+ in V) on the interface."""
        values = self.model.w.x.array[self._iface_theta]
        lo = self.comm.allreduce(float(values.min()) if values.size else np.inf, op=MPI.MIN)
        hi = self.comm.allreduce(float(values.max()) if values.size else -np.inf, op=MPI.MAX)
        e = self.comm.allreduce(fem.assemble_scalar(self._potential), op=MPI.SUM) / self._iface_area
        return lo, hi, e

    def mean_theta(self) -> float:
        return self.comm.allreduce(fem.assemble_scalar(self._theta_volume), op=MPI.SUM) / self._host_volume

    def host_extremes(self, name: str) -> tuple[float, float]:
        """(min, max) of a cell field over the host cells (all owned cells without hosts)."""
        cells = self._host_cells if self.model.has_transport else np.arange(self._n_owned)
        local = self.cell_fields[name].x.array[cells]
        lo = float(np.min(local)) if local.size else np.inf
        hi = float(np.max(local)) if local.size else -np.inf
        return self.comm.allreduce(lo, op=MPI.MIN), self.comm.allreduce(hi, op=MPI.MAX)

    def region_extremes(self, name: str, region: str) -> tuple[float, float]:
        """(min, max) of a cell field over the owned cells of one region, reduced over ranks."""
        tags = self.model.stack.cell_tags
        cells = tags.find(self.model.stack.cell_regions[region])
        local = self.cell_fields[name].x.array[cells[cells < self._n_owned]]
        lo = float(np.min(local)) if local.size else np.inf
        hi = float(np.max(local)) if local.size else -np.inf
        return self.comm.allreduce(lo, op=MPI.MIN), self.comm.allreduce(hi, op=MPI.MAX)

    def region_theta_range(self, region: str) -> tuple[float, float]:
        """(min, max) of theta over the nodes of a host region, reduced over ranks."""
        if not hasattr(self, "_region_theta_dofs"):
            self._region_theta_dofs = {}
        dofs = self._region_theta_dofs.get(region)
        if dofs is None:
            V, vmap = collapsed(self.model.W.sub(THETA_SUB))
            cells = self.model.stack.cell_tags.find(self.model.stack.cell_regions[region])
            dofs = vmap[np.unique(V.dofmap.list[cells].ravel())] if cells.size else cells
            self._region_theta_dofs[region] = dofs
        values = self.model.w.x.array[dofs]
        lo = float(values.min()) if values.size else np.inf
        hi = float(values.max()) if values.size else -np.inf
        return self.comm.allreduce(lo, op=MPI.MIN), self.comm.allreduce(hi, op=MPI.MAX)

    def update_cell_fields(self) -> None:
        """Cell means of the committed material-point state (Cauchy stress, viscous strain)."""
        points = self.model.points
        sigma = points.cell_means(points.sigma)
        mean = np.trace(sigma, axis1=1, axis2=2) / 3.0
        dev = sigma - mean[:, None, None] * np.eye(3)
        values = {
            "von_mises_MPa": np.sqrt(1.5 * np.sum(dev * dev, axis=(1, 2))),
            "axial_stress_MPa": sigma[:, kinematics.AXIAL, kinematics.AXIAL],
            "hydrostatic_stress_MPa": mean,
            "creep_strain": points.cell_means(points.p),
        }
        for k, value in values.items():
            self.cell_fields[k].x.array[self._cell_dofs] = value

    def maximum(self, name: str) -> float:
        local = self.cell_fields[name].x.array
        n = self.model.W.mesh.topology.index_map(self.model.W.mesh.topology.dim).size_local
        value = float(np.max(local[:n])) if n else -np.inf
        return self.comm.allreduce(value, op=MPI.MAX)

    def face_displacement_mm(self, name: str) -> float:
        """Mean axial displacement of a named face or interface (mm)."""
        form, area = self._face[name]
        return self.comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM) / area

    def layer_faces(self, layer: str) -> tuple[str, str]:
        """(bottom, top) face names of a layer of the stack."""
        names = [lay.name for lay in self.model.case.layers]
        i = names.index(layer)
        bottom = "base_face" if i == 0 else f"{layer}_{names[i - 1]}_interface"
        top = "plunger_face" if i == len(names) - 1 else f"{names[i + 1]}_{layer}_interface"
        return bottom, top

    def layer_thickness_change_mm(self, layer: str) -> float:
        bottom, top = self.layer_faces(layer)
        return self.face_displacement_mm(top) - self.face_displacement_mm(bottom)
