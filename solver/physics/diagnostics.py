"""Scalar observables of the stack, one row of ``series.csv`` per accepted step.

All integrals are whole-cell (2 pi r weighted in axisymmetric mode) and reduced over ranks.
"""

from __future__ import annotations

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI

from solver.physics import kinematics, mechanics
from solver.physics.stack import StackModel


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
                num, den = u[zc]("+") * weight("+") * dS(tag), weight("+") * dS(tag)
            else:
                continue
            area = self.comm.allreduce(fem.assemble_scalar(fem.form(den)), op=MPI.SUM)
            self._face[name] = (fem.form(num), area)
        Q = fem.functionspace(mesh, ("DG", 0))
        points = Q.element.interpolation_points
        sigma = model.cauchy
        self.fields = {
            "von_mises_MPa": mechanics.von_mises(sigma),
            "axial_stress_MPa": sigma[kinematics.AXIAL, kinematics.AXIAL],
            "hydrostatic_stress_MPa": ufl.tr(sigma) / 3.0,
            "creep_strain": model.creep_strain,
        }
        self._expr = {k: fem.Expression(e, points) for k, e in self.fields.items()}
        self.cell_fields = {k: fem.Function(Q, name=k) for k in self.fields}
        region = fem.Function(Q, name="region")
        for name, tag in model.stack.cell_regions.items():
            region.x.array[model.stack.cell_tags.find(tag)] = tag
        self.cell_fields["region"] = region

    def update_cell_fields(self) -> None:
        for k, expr in self._expr.items():
            self.cell_fields[k].interpolate(expr)

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
