"""The interface cell: a Li layer pressed by a plunger onto a rigid electrolyte it can leave.

The mesh is :func:`solver.geometry.build_interface` (Li and electrolyte meshed apart). The Li
is the shared model (:mod:`solver.physics.model`: Hencky elasticity, its creep law at the
quadrature points, F-bar); the electrolyte is rigid (every displacement dof of its cells held;
why: :mod:`solver.physics.stripping`). Li meets it through the stripping interface. The Li's
top is the plunger face, one scalar unknown U for the fixture (fixed gap, spring or constant
pressure, as in the die: :class:`solver.numerics.newton.PlungerLoad`). The lateral sides are
symmetry planes (no normal displacement, frictionless): plane strain ``left``/``right``,
axisymmetric ``axis`` and ``outer`` (a die bore there), 3-D the four sides of the square cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import ufl
from dolfinx import fem
from mpi4py import MPI

from solver.geometry.interface import (BOTTOM, ELECTROLYTE, ELECTROLYTE_SURFACE, LI, LI_SURFACE,
                                       TOP, InterfaceMesh, _LATERAL)
from solver.materials import Material
from solver.physics.constriction import Constriction
from solver.physics.kinetics import Kinetics
from solver.physics.model import Growth, Model, build_model
from solver.physics.stack import StackModel, attach_plunger
from solver.physics.stripping import StrippingInterface, build_stripping_interface

_NORMAL_COMPONENT = {"left": 0, "right": 0, "axis": 0, "outer": 0, "front": 1, "back": 1}


@dataclass
class InterfaceCellModel(StackModel):
    """The model of an interface cell (see :class:`solver.physics.stack.StackModel`)."""

    cell: InterfaceMesh | None = None
    interface: StrippingInterface | None = None
    nominal_area_mm2: float = 0.0
    li_thickness_mm: float = 0.0


def build_interface_cell(cell: InterfaceMesh, li: Material, electrolyte: Material, *,
                         degree: int = 2, temperature_K: float = 298.15,
                         f_bar: bool | str = True,
                         kinetics: Kinetics | None = None) -> InterfaceCellModel:
    """Spaces, supports, the plunger and the stripping interface on ``cell``; with
    ``kinetics``, the current on the contact set is the secondary distribution
    (:mod:`solver.physics.constriction`), else uniform."""
    mesh, mode = cell.mesh, cell.mode
    core = build_model(mesh, cell.cell_tags, cell.cell_regions, {LI: li, ELECTROLYTE: electrolyte},
                       mode, degree, temperature_K, Growth(plating_region=LI), f_bar=f_bar)
    model = InterfaceCellModel(**{f: getattr(core, f) for f in Model.__dataclass_fields__})
    model.cell = cell
    model.li_thickness_mm = cell.spec.li_thickness_mm
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=cell.facet_tags)
    model.nominal_area_mm2 = mesh.comm.allreduce(
        fem.assemble_scalar(fem.form(model.weight * ds(cell.facet_regions[TOP]))), op=MPI.SUM)

    interface, term = build_stripping_interface(
        mesh, cell.facet_tags, cell.facet_regions[LI_SURFACE], cell.cell_tags,
        cell.cell_regions[LI], cell.profile, mode, model.u, model.v, model.weight,
        li.elastic.youngs_modulus_MPa, cell.spec.interface_mesh_size_mm,
        model.nominal_area_mm2, cell.spec.electrolyte_thickness_mm + cell.spec.li_thickness_mm,
        cell.spec.li_thickness_mm, quadrature_degree=2 * degree)
    model.interface = interface
    if kinetics is not None:
        if mode == "3d":
            raise ValueError("the secondary current distribution is implemented in 2-D "
                             "(plane_strain, axisymmetric)")
        interface.constriction = Constriction(
            mesh, cell.cell_tags, cell.facet_tags, cell.cell_regions[ELECTROLYTE],
            cell.facet_regions[ELECTROLYTE_SURFACE], cell.facet_regions[BOTTOM], model.weight,
            kinetics, quadrature_degree=2)
        interface.electrolyte_resistance_ohm_mm2 = cell.spec.electrolyte_thickness_mm / kinetics.kappa
    model.residual.append(term)
    model.jacobian.append(ufl.derivative(term, model.w, ufl.TrialFunction(model.W)))
    model.increment_bcs = _supports(model, cell) + model.transport_bcs
    zc = model.axial_component
    top = cell.facet_tags.find(cell.facet_regions[TOP])
    plunger = fem.locate_dofs_topological(model.W.sub(0).sub(zc), mesh.topology.dim - 1, top)
    model.increment_bcs.append(fem.dirichletbc(0.0, plunger, model.W.sub(0).sub(zc)))
    attach_plunger(model, plunger)
    return model


def _supports(model: InterfaceCellModel, cell: InterfaceMesh) -> list[fem.DirichletBC]:
    """The rigid electrolyte (all its displacement dofs) and the lateral symmetry planes."""
    mesh, Wu = cell.mesh, model.W.sub(0)
    tdim = mesh.topology.dim
    bcs = []
    electrolyte = cell.cell_tags.find(cell.cell_regions[ELECTROLYTE])
    for comp in range(mesh.geometry.dim):
        dofs = fem.locate_dofs_topological(Wu.sub(comp), tdim, electrolyte)
        bcs.append(fem.dirichletbc(0.0, dofs, Wu.sub(comp)))
    for name in _LATERAL[cell.mode]:
        comp = _NORMAL_COMPONENT[name]
        facets = cell.facet_tags.find(cell.facet_regions[name])
        dofs = fem.locate_dofs_topological(Wu.sub(comp), tdim - 1, facets)
        bcs.append(fem.dirichletbc(0.0, dofs, Wu.sub(comp)))
    return bcs


def set_stripped(model: InterfaceCellModel) -> None:
    """The layer's uniform shrink lambda_g = 1 - delta_bar / h_li from the stripped mean."""
    shrink = 1.0 - float(model.interface.mean_stripped.value) / model.li_thickness_mm
    if shrink <= 0.05:
        raise ValueError(f"the Li layer is stripped to {shrink:.3f} of its thickness "
                         f"({model.li_thickness_mm * 1e3:g} um): the protocol removes more "
                         "Li than the layer holds")
    model.plating_stretch.value = shrink
