"""The coupled residual of a die-cell stack: equilibrium + creep update + die wall + plunger.

Unknowns w = (u, eps_v): displacement (vector Lagrange, degree k) and viscous strain
(one symmetric tensor per cell, DG0). The plunger displacement U is
an extra scalar unknown handled by the solver through the virtual motion ``phi``.

Everything that changes between steps is a ``fem.Constant`` or a ``Function`` (time step,
plating stretch, cathode volume ratio), so the forms compile once per run.
"""

from __future__ import annotations

from dataclasses import dataclass

import basix.ufl
import dolfinx
import numpy as np
import ufl
from dolfinx import fem

from solver.case import Case
from solver.geometry import StackMesh
from solver.physics import creep, fixture, kinematics, mechanics, swelling
from solver.physics.creep_predictor import CreepPredictor


@dataclass
class StackModel:
    """UFL forms and the fields they act on (no PETSc objects here)."""

    case: Case
    stack: StackMesh
    W: fem.FunctionSpace
    w: fem.Function  # current iterate (u, eps_v)
    w_old: fem.Function  # last accepted state
    phi: fem.Function  # virtual plunger motion: 1 on the plunger face's axial dofs
    dt: fem.Constant
    plating_stretch: fem.Constant
    volume_ratio: fem.Constant
    residual: list[ufl.Form]  # [equilibrium, creep update]: summed
    jacobian: list[ufl.Form]
    plunger_residual: ufl.Form  # R_U without the fixture force (scalar)
    plunger_row: ufl.Form  # dR_U/dw (vector)
    plunger_column: list[ufl.Form]  # J phi (vector), summed
    plunger_diagonal: ufl.Form  # phi^T J phi (scalar)
    increment_bcs: list[fem.DirichletBC]
    plunger_dofs: np.ndarray
    cauchy: ufl.core.expr.Expr
    creep_strain: ufl.core.expr.Expr
    predictor: CreepPredictor
    mode: str

    @property
    def axial_component(self) -> int:
        return 1 if self.mode == "axisymmetric" else 2


def _cell_field(mesh, stack: StackMesh, values: dict[str, float], name: str) -> fem.Function:
    """A DG0 field with one value per layer (cells located by the layer's tag)."""
    Q = fem.functionspace(mesh, ("DG", 0))
    f = fem.Function(Q, name=name)
    for layer, value in values.items():
        cells = stack.cell_tags.find(stack.cell_regions[layer])
        f.x.array[cells] = value
    f.x.scatter_forward()
    return f


def _material_fields(case: Case, stack: StackMesh) -> dict[str, fem.Function]:
    mesh = stack.mesh
    by_layer = {layer.name: layer.material for layer in case.layers}
    el = {n: m.elastic for n, m in by_layer.items()}
    cr = by_layer.items()

    def creep_value(attr: str, inactive: float) -> dict[str, float]:
        return {n: getattr(m.creep, attr) if m.creep else inactive for n, m in cr}

    fields = {
        "mu": {n: e.shear_modulus_MPa for n, e in el.items()},
        "lmbda": {n: e.lame_lambda_MPa for n, e in el.items()},
        "prefactor": creep_value("prefactor_per_s", 0.0),
        "activation_energy": creep_value("activation_energy_J_per_mol", 0.0),
        "reference_stress": creep_value("reference_stress_MPa", 1.0),
        "exponent": creep_value("stress_exponent", 1.0),
        "plating": {n: float(n == case.plating_region) for n in by_layer},
        "swelling": {n: float(n == case.cathode_region) for n in by_layer},
    }
    return {k: _cell_field(mesh, stack, v, k) for k, v in fields.items()}


def _wall_stiffness(case: Case, stack: StackMesh) -> float | None:
    """Radial stiffness of the wall (MPa/mm); None for a rigid wall in axisymmetric mode."""
    if case.die_wall.type == "elastic":
        return fixture.holder_stiffness_MPa_per_mm(
            case.die_wall.holder.elastic, case.die_radius_mm, case.die_wall.holder_outer_radius_mm
        )
    if case.mode == "axisymmetric":
        return None
    # 3-D rigid wall by penalty: far stiffer than any layer (wall displacement ~1e-4 of strain)
    e_max = max(layer.material.elastic.youngs_modulus_MPa for layer in case.layers)
    h_min = min(layer.mesh_size_mm for layer in case.layers)
    return 1.0e4 * e_max / h_min


def build_stack_model(case: Case, stack: StackMesh) -> StackModel:
    """Function spaces, fields, boundary conditions and forms for ``case`` on ``stack``."""
    mesh, mode = stack.mesh, case.mode
    gdim, k = mesh.geometry.dim, case.numerics.element_degree
    ncomp = kinematics.symmetric_components(mode)
    cell = mesh.basix_cell()
    P = basix.ufl.element("Lagrange", cell, k, shape=(gdim,))
    D = basix.ufl.element("DG", cell, 0, shape=(ncomp,))  # creep strain: one point per cell
    W = fem.functionspace(mesh, basix.ufl.mixed_element([P, D]))
    w, w_old = fem.Function(W, name="state"), fem.Function(W, name="state_old")
    u, q = ufl.split(w)
    _, q_old = ufl.split(w_old)
    v, tau = ufl.TestFunctions(W)

    x = ufl.SpatialCoordinate(mesh)
    weight = kinematics.volume_weight(mode, x)
    dx = ufl.Measure("dx", domain=mesh, metadata={"quadrature_degree": 2 * k})
    dx_point = ufl.Measure("dx", domain=mesh, metadata={"quadrature_degree": 1})  # centroid
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=stack.facet_tags)

    m = _material_fields(case, stack)
    dt = fem.Constant(mesh, 0.0)
    lam_g = fem.Constant(mesh, 1.0)
    J_c = fem.Constant(mesh, 1.0)
    T = fem.Constant(mesh, case.temperature_K)

    F = kinematics.deformation_gradient(u, mode, x)
    Fg = swelling.growth_tensor(m["plating"], lam_g, m["swelling"], J_c)
    eps_v = kinematics.symmetric_tensor(q, mode)
    P_ = mechanics.first_piola(F, Fg, eps_v, m["mu"], m["lmbda"])
    Me = mechanics.mandel_stress(F, Fg, eps_v, m["mu"], m["lmbda"])
    rate = creep.creep_rate(
        Me, m["prefactor"], m["activation_energy"], m["reference_stress"], m["exponent"], T
    )
    e_ref = max(layer.material.elastic.youngs_modulus_MPa for layer in case.layers)
    R = mechanics.mechanics_residual(P_, kinematics.displacement_gradient(v, mode, x), weight, dx)
    R_creep = creep.creep_residual(
        eps_v,
        kinematics.symmetric_tensor(q_old, mode),
        rate,
        dt,
        kinematics.symmetric_tensor(tau, mode),
        e_ref,
        weight,
        dx_point,
    )
    k_wall = _wall_stiffness(case, stack)
    if k_wall is not None:
        ds_wall = ds(stack.facet_regions["die_wall"])
        R += fixture.wall_spring_form(u, v, k_wall, mode, x, weight, ds_wall)

    # The creep rows use another quadrature rule than equilibrium; they are kept as a form of
    # their own because one form mixing rules over the same cells assembles inconsistently
    # (residual vs Jacobian, checked by finite differences in tests/test_jacobian.py).
    dw = ufl.TrialFunction(W)
    residual = [R, R_creep]
    jacobian = [ufl.derivative(f, w, dw) for f in residual]

    # Boundary conditions on increments (all homogeneous): base u_z, axis and rigid wall u_r,
    # plunger u_z (the plunger's motion enters through phi).
    fdim = mesh.topology.dim - 1
    zc = 1 if mode == "axisymmetric" else 2

    def dofs_on(name: str, comp: int) -> np.ndarray:
        facets = stack.facet_tags.find(stack.facet_regions[name])
        return fem.locate_dofs_topological(W.sub(0).sub(comp), fdim, facets)

    bcs = [fem.dirichletbc(0.0, dofs_on("base_face", zc), W.sub(0).sub(zc))]
    plunger_dofs = dofs_on("plunger_face", zc)
    bcs.append(fem.dirichletbc(0.0, plunger_dofs, W.sub(0).sub(zc)))
    if mode == "axisymmetric":
        bcs.append(fem.dirichletbc(0.0, dofs_on("axis", 0), W.sub(0).sub(0)))
        if k_wall is None:
            bcs.append(fem.dirichletbc(0.0, dofs_on("die_wall", 0), W.sub(0).sub(0)))

    phi = fem.Function(W, name="plunger_motion")
    phi.x.array[plunger_dofs] = 1.0
    phi.x.scatter_forward()

    # R_U = int P : Grad(phi_u) dV; the creep rows vanish because phi has no eps_v part.
    R_U = mechanics.mechanics_residual(
        P_, kinematics.displacement_gradient(ufl.split(phi)[0], mode, x), weight, dx
    )
    v_all = ufl.TestFunction(W)
    row = ufl.derivative(R_U, w, v_all)
    column = [ufl.action(j, phi) for j in jacobian]
    diagonal = ufl.derivative(R_U, w, phi)

    sigma = mechanics.cauchy_stress(F, P_)
    return StackModel(
        case=case,
        stack=stack,
        W=W,
        w=w,
        w_old=w_old,
        phi=phi,
        dt=dt,
        plating_stretch=lam_g,
        volume_ratio=J_c,
        residual=residual,
        jacobian=jacobian,
        plunger_residual=R_U,
        plunger_row=row,
        plunger_column=column,
        plunger_diagonal=diagonal,
        increment_bcs=bcs,
        plunger_dofs=plunger_dofs,
        cauchy=sigma,
        creep_strain=creep.equivalent_strain(eps_v),
        predictor=CreepPredictor(W, mode, Me, m, T, dt),
        mode=mode,
    )
