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
from solver.geometry.die_stack import (CLEARANCE_FACE, HOLDER, HOLDER_BASE, WALL_GAP,
                                       interface_name)
from solver.geometry.estimate import CLEARANCE_CELLS
from solver.materials import Material
from solver.materials.laws import Elastic
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
    penalty far stiffer than any layer (see :mod:`solver.physics.contact`); a meshed holder
    deforms itself, so its contact strip takes the rigid penalty."""
    if case.die_wall.type == "elastic":
        return fixture.holder_stiffness_MPa_per_mm(
            case.die_wall.holder.elastic, case.die_radius_mm, case.die_wall.holder_outer_radius_mm
        )
    # the radial stiffness of a wall element is ~E / h_r, h_r the radial element size
    e_max = max(layer.material.elastic.youngs_modulus_MPa for layer in case.layers)
    return contact.RIGID_PENALTY * e_max / case.radial_mesh_size_mm


def hardware_materials(case: Case) -> dict[str, Material]:
    """The meshed holder's regions: the holder's material and the contact strip's
    regularising elasticity (:mod:`solver.physics.contact`)."""
    if case.die_wall.type != "meshed":
        return {}
    holder = case.die_wall.holder
    strip = Material(
        name=WALL_GAP, description="contact strip between the stack and the meshed holder",
        category="structural",
        elastic=Elastic(contact.GAP_STIFFNESS_FRACTION * holder.elastic.youngs_modulus_MPa, 0.0,
                        source="regularisation of the contact strip (solver.physics.contact)"),
    )
    return {HOLDER: holder, WALL_GAP: strip}


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
    materials.update(hardware_materials(case))
    core = build_model(
        mesh, stack.cell_tags, stack.regions, materials, mode,
        case.numerics.element_degree, case.temperature_K,
        Growth(case.plating_region, case.cathode_region),
        stress_coupling=case.stress_coupling, hosts=case.host_regions,
        axial_swelling=case.axial_swelling, f_bar=case.numerics.f_bar,
    )
    model = StackModel(**{f: getattr(core, f) for f in Model.__dataclass_fields__})
    model.case, model.stack = case, stack
    W = model.W

    # the die wall: unilateral contact on the stack's lateral surface (a rigid or Winkler wall),
    # or the contact strip of a meshed holder
    model.wall_stiffness = wall_stiffness(case)
    if stack.holder is not None:
        wall = _holder_contact(model, stack, case)
    else:
        wall = _wall_contact(model, stack, case)
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
    if HOLDER_BASE in stack.facet_regions:  # the holder stands on the base plate, sliding
        bcs.append(fem.dirichletbc(0.0, dofs_on(HOLDER_BASE, zc), W.sub(0).sub(zc)))
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

    model.increment_bcs = bcs
    attach_plunger(model, plunger_dofs)
    return model


def attach_plunger(model: StackModel, plunger_dofs: np.ndarray) -> None:
    """The plunger: one scalar unknown U moving the axial dofs ``plunger_dofs`` together,
    through the virtual motion phi (1 on them). Call after the residual is complete."""
    W = model.W
    phi = fem.Function(W, name="plunger_motion")
    phi.x.array[plunger_dofs] = 1.0
    phi.x.scatter_forward()
    # R_U = int P : Grad(phi_u) dV; the other rows vanish because phi has no other part.
    R_U = mechanics.mechanics_residual(
        model.first_piola,
        kinematics.displacement_gradient(ufl.split(phi)[0], model.mode, model.x),
        model.weight, model.points.dx,
    )
    model.phi = phi
    model.plunger_residual = R_U
    model.plunger_row = ufl.derivative(R_U, model.w, ufl.TestFunction(W))
    model.plunger_column = [ufl.action(j, phi) for j in model.jacobian]
    model.plunger_diagonal = ufl.derivative(R_U, model.w, phi)
    model.plunger_dofs = plunger_dofs


def _wall_contact(model: StackModel, stack: StackMesh, case: Case):
    """The bore as a rigid or Winkler wall on the stack's lateral surface (and, with a
    clearance, the plunger's side on the free annulus); sets the force forms."""
    u, v, x, weight, mode = model.u, model.v, model.x, model.weight, case.mode
    ds = ufl.Measure("ds", domain=stack.mesh, subdomain_data=stack.facet_tags,
                     metadata={"quadrature_degree": 2 * case.numerics.element_degree})
    ds_wall = ds(tuple(stack.facet_regions[name] for name in ("die_wall", CLEARANCE_FACE)
                       if name in stack.facet_regions))
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
    return wall


def _holder_contact(model: StackModel, stack: StackMesh, case: Case):
    """The meshed holder's contact strip (penalty on its closure); sets the wall-force form."""
    mode, x = case.mode, model.x
    dx_strip = ufl.Measure("dx", domain=stack.mesh, subdomain_data=stack.cell_tags,
                           metadata={"quadrature_degree": 2 * case.numerics.element_degree})(
        stack.hardware_regions[WALL_GAP])
    grad_u = kinematics.displacement_gradient(model.u, mode, x)
    grad_v = kinematics.displacement_gradient(model.v, mode, x)
    model.wall_force = contact.strip_force_form(grad_u, model.wall_stiffness, model.weight,
                                                dx_strip)
    return contact.strip_contact_form(grad_u, grad_v, model.wall_stiffness,
                                      stack.holder.gap_mm, model.weight, dx_strip)
