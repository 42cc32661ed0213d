"""The die-cell stack: the shared chemo-mechanical model plus die wall and plunger.

The model (:mod:`solver.physics.model`) gives the equilibrium, creep and (for Li hosts)
transport residuals. This module adds what the die cell imposes: base and axis supports, the
rigid or elastic wall, the galvanostatic flux through the anode/separator interface, and the
plunger, an extra scalar unknown handled by the solver through the virtual motion ``phi``.
With a clearance (``die.clearance_um``) the plunger face is the disk r < R - c only: the
annulus of the top face beyond it (``clearance_face``) is traction-free, so the top layer can
extrude into the gap between plunger and bore, bounded radially by the bore wall and by the
plunger's lateral face (both by frictionless contact).

Everything that changes between steps is a ``fem.Constant`` or a ``Function`` (time step,
plating stretch, cathode volume ratio, inflow), so the forms compile once per run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ufl
from dolfinx import fem

from solver.case import Case
from solver.geometry import StackMesh
from solver.geometry.die_stack import CLEARANCE_FACE, interface_name
from solver.geometry.estimate import CLEARANCE_CELLS
from solver.physics import contact, fixture, kinematics, mechanics
from solver.physics.model import Growth, Model, build_model


@dataclass
class StackModel(Model):
    """The model of a die-cell stack (see :class:`solver.physics.model.Model`)."""

    case: Case | None = None
    stack: StackMesh | None = None
    phi: fem.Function | None = None  # virtual plunger motion: 1 on the plunger face's axial dofs
    plunger_residual: ufl.Form | None = None  # R_U without the fixture force (scalar)
    plunger_row: ufl.Form | None = None  # dR_U/dw (vector)
    plunger_column: list[ufl.Form] | None = None  # J phi (vector), summed
    plunger_diagonal: ufl.Form | None = None  # phi^T J phi (scalar)
    increment_bcs: list[fem.DirichletBC] | None = None
    plunger_dofs: np.ndarray | None = None
    insertion_interface: str | None = None  # facet group where the host takes up Li
    wall_stiffness: float = 0.0  # MPa/mm
    wall_force: ufl.Form | None = None  # radial force of the wall on the stack (N)
    plunger_side_force: ufl.Form | None = None  # radial force of the plunger's side (clearance)

    @property
    def axial_component(self) -> int:
        return 2 if self.mode == "3d" else 1


def wall_stiffness(case: Case) -> float:
    """Contact stiffness of the die wall (MPa/mm): the elastic holder's, or a rigid-wall
    penalty far stiffer than any layer (see :mod:`solver.physics.contact`)."""
    if case.die_wall.type == "elastic":
        return fixture.holder_stiffness_MPa_per_mm(
            case.die_wall.holder.elastic, case.die_radius_mm, case.die_wall.holder_outer_radius_mm
        )
    # the radial stiffness of a wall element is ~E / h_r, h_r the radial element size
    e_max = max(layer.material.elastic.youngs_modulus_MPa for layer in case.layers)
    return contact.RIGID_PENALTY * e_max / case.radial_mesh_size_mm


def plunger_side_stiffness(case: Case) -> float:
    """Contact stiffness of the plunger's lateral face (MPa/mm): rigid, the wall's penalty
    factor over the extrusion zone's cell size c / CLEARANCE_CELLS."""
    e_max = max(layer.material.elastic.youngs_modulus_MPa for layer in case.layers)
    return contact.RIGID_PENALTY * e_max / (case.clearance_mm / CLEARANCE_CELLS)


def insertion_interface(case: Case, host: str) -> str:
    """The host takes up Li through its interface with the layer below it (the electrolyte
    side: the stack runs from the cathode at the base to the anode under the plunger)."""
    names = [layer.name for layer in case.layers]
    i = names.index(host)
    if i == 0:
        raise ValueError(f"host region '{host}' is the bottom layer: no electrolyte below it")
    return interface_name(host, names[i - 1])


def build_stack_model(case: Case, stack: StackMesh) -> StackModel:
    """Function spaces, fields, boundary conditions and forms for ``case`` on ``stack``."""
    mesh, mode = stack.mesh, case.mode
    materials = {layer.name: layer.material for layer in case.layers}
    core = build_model(
        mesh, stack.cell_tags, stack.cell_regions, materials, mode,
        case.numerics.element_degree, case.temperature_K,
        Growth(case.plating_region, case.cathode_region),
        stress_coupling=case.stress_coupling, hosts=case.host_regions,
        axial_swelling=case.axial_swelling, f_bar=case.numerics.f_bar,
    )
    model = StackModel(**{f: getattr(core, f) for f in Model.__dataclass_fields__})
    model.case, model.stack = case, stack
    W, u, v, x, weight = model.W, model.u, model.v, model.x, model.weight

    # the die wall: unilateral contact on the lateral surface, its own form (facet rule); with
    # a clearance the bore wall also bounds the top face's free annulus as it extrudes
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=stack.facet_tags,
                     metadata={"quadrature_degree": 2 * case.numerics.element_degree})
    ds_wall = ds(tuple(stack.facet_regions[name] for name in ("die_wall", CLEARANCE_FACE)
                       if name in stack.facet_regions))
    model.wall_stiffness = wall_stiffness(case)
    wall = contact.wall_contact_form(u, v, case.die_radius_mm, model.wall_stiffness, mode, x,
                                     weight, ds_wall)
    model.wall_force = contact.wall_force_form(x, u, mode, case.die_radius_mm,
                                               model.wall_stiffness, weight, ds_wall)
    if CLEARANCE_FACE in stack.facet_regions:  # the plunger's lateral face bounds the gap
        ds_gap, k_side = ds(stack.facet_regions[CLEARANCE_FACE]), plunger_side_stiffness(case)
        wall = wall + contact.plunger_side_form(u, v, case.plunger_radius_mm, k_side, mode, x,
                                                weight, ds_gap)
        model.plunger_side_force = contact.plunger_side_pressure(
            x, u, mode, case.plunger_radius_mm, k_side) * weight * ds_gap
    model.residual.append(wall)
    model.jacobian.append(ufl.derivative(wall, model.w, ufl.TrialFunction(W)))

    if model.has_transport:
        dS = ufl.Measure("dS", domain=mesh, subdomain_data=stack.facet_tags)
        for host in model.hosts:
            name = insertion_interface(case, host)
            model.insertion_interface = name
            model.add_inflow(host, dS(stack.facet_regions[name]))

    # Boundary conditions on increments (all homogeneous): base u_z, axis and rigid wall u_r,
    # plunger u_z (the plunger's motion enters through phi).
    fdim = mesh.topology.dim - 1
    zc = model.axial_component

    def dofs_on(name: str, comp: int) -> np.ndarray:
        facets = stack.facet_tags.find(stack.facet_regions[name])
        return fem.locate_dofs_topological(W.sub(0).sub(comp), fdim, facets)

    bcs = [fem.dirichletbc(0.0, dofs_on("base_face", zc), W.sub(0).sub(zc))]
    plunger_dofs = dofs_on("plunger_face", zc)
    bcs.append(fem.dirichletbc(0.0, plunger_dofs, W.sub(0).sub(zc)))
    if mode != "3d":
        bcs.append(fem.dirichletbc(0.0, dofs_on("axis", 0), W.sub(0).sub(0)))
    # a face that sticks to the rigid plunger or base does not slide on it
    names = [layer.name for layer in case.layers]
    for face, layer in (("plunger_face", names[-1]), ("base_face", names[0])):
        if case.interfaces[f"{face.split('_')[0]}_{layer}"] == "sticking":
            for comp in range(mesh.geometry.dim):
                if comp != zc:
                    bcs.append(fem.dirichletbc(0.0, dofs_on(face, comp), W.sub(0).sub(comp)))
    bcs += model.transport_bcs

    phi = fem.Function(W, name="plunger_motion")
    phi.x.array[plunger_dofs] = 1.0
    phi.x.scatter_forward()

    # R_U = int P : Grad(phi_u) dV; the other rows vanish because phi has no other part.
    R_U = mechanics.mechanics_residual(
        model.first_piola, kinematics.displacement_gradient(ufl.split(phi)[0], mode, x), weight,
        model.points.dx,
    )
    v_all = ufl.TestFunction(W)
    model.phi = phi
    model.plunger_residual = R_U
    model.plunger_row = ufl.derivative(R_U, model.w, v_all)
    model.plunger_column = [ufl.action(j, phi) for j in model.jacobian]
    model.plunger_diagonal = ufl.derivative(R_U, model.w, phi)
    model.increment_bcs = bcs
    model.plunger_dofs = plunger_dofs
    return model
