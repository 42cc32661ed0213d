"""The coupled chemo-mechanical model of a body made of named regions.

Unknowns w = (u[, theta, q]): displacement (vector Lagrange, degree k) and, when a region is a
Li host, the state of lithiation theta and the reduced stress q = Omega_ref sigma_h / (R T)
(both P1; :mod:`solver.physics.transport`). The viscous state lives at the quadrature points
(:mod:`solver.physics.material_points`), outside the global system. theta and s live on the
whole mesh, but their equations are integrated over the host cells only; the dofs that touch
no host cell are held at zero by Dirichlet conditions, so the host boundary (e.g. the
anode/separator interface) is a natural, no-flux boundary unless a flux is applied on it.

This module builds what every geometry shares: spaces, material fields, growth, stresses and
the residual forms. Boundary conditions belong to the geometry (:mod:`solver.physics.stack`
for the die cell, :mod:`solver.physics.body` for the verification bodies).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import basix.ufl
import numpy as np
import ufl
from dolfinx import fem, la

from solver.materials import Material
from solver.physics import fbar, flow, kinematics, mechanics, transport
from solver.physics.material_points import LawInputs, MaterialPoints

U_SUB, THETA_SUB, Q_SUB = 0, 1, 2
MASS_FORM = 1
"""Index of the host mass rows in ``Model.residual`` (equilibrium, mass, reduced stress,
then what the geometry adds)."""


@dataclass
class Growth:
    """Extra growth of named regions driven by the protocol (plating Li, cathode swelling)."""

    plating_region: str | None = None
    swelling_region: str | None = None


@dataclass
class Model:
    """UFL forms and the fields they act on (no PETSc objects here)."""

    mode: str
    W: fem.FunctionSpace
    w: fem.Function
    w_old: fem.Function
    dt: fem.Constant
    temperature_K: float
    residual: list[ufl.Form]  # summed; kept apart where their quadrature rules differ
    jacobian: list[ufl.Form]
    pin_form: ufl.Form | None  # mass on theta, q, e_bar everywhere: room for the Dirichlet diagonal
    blocks: dict[str, np.ndarray]  # owned dofs of each physics block (for convergence tests)
    transport_bcs: list[fem.DirichletBC]  # zero on the dofs of theta, s, e_bar off their cells
    points: MaterialPoints
    plating_stretch: fem.Constant
    volume_ratio: fem.Constant
    hosts: dict[str, transport.HostLaw] = field(default_factory=dict)
    inflow: dict[str, fem.Constant] = field(default_factory=dict)  # j / c_max per host, mm/s
    theta: ufl.core.expr.Expr | None = None
    reduced_stress: ufl.core.expr.Expr | None = None
    host_indicator: dict[str, fem.Function] = field(default_factory=dict)
    # pieces the geometry needs to add its boundary terms
    u: ufl.core.expr.Expr | None = None
    v: ufl.core.expr.Expr | None = None
    first_piola: ufl.core.expr.Expr | None = None
    weight: ufl.core.expr.Expr | None = None
    x: ufl.core.expr.Expr | None = None
    tests: tuple = ()
    dilatation_sub: int | None = None  # the F-bar e_bar field's place in W (None: no F-bar)
    # with F-bar: K div(du) div(v) over the flowing cells, the bulk stiffness that F-bar moves
    # from the u-u block into the e_bar rows (the Krylov preconditioner puts it back)
    volumetric_stiffness: ufl.Form | None = None

    def add_inflow(self, host: str, integrand_measure) -> None:
        """Add the galvanostatic flux of ``host`` through a facet measure (``ds(tag)``, or
        ``dS(tag)`` for an interface inside the mesh) to the mass rows: -dt (j/c_max) w dA."""
        w_theta = self.tests[THETA_SUB]
        measure = integrand_measure
        if measure.integral_type() == "interior_facet":
            weight = self.weight("+") if isinstance(self.weight, ufl.core.expr.Expr) else self.weight
            term = self.dt * self.inflow[host] * w_theta("+") * weight * measure
        else:
            term = self.dt * self.inflow[host] * w_theta * self.weight * measure
        self.residual[MASS_FORM] = self.residual[MASS_FORM] - term

    def commit(self) -> None:
        """Accept the current fields and material-point state as the end of a step."""
        self.w_old.x.array[:] = self.w.x.array
        self.points.commit()

    @property
    def has_transport(self) -> bool:
        return bool(self.hosts)

    @property
    def sparsity_form(self) -> ufl.Form:
        """The summed Jacobian (and the pins): the matrix pattern depends only on the dofmaps."""
        total = sum(self.jacobian[1:], self.jacobian[0])
        return total if self.pin_form is None else total + self.pin_form


def collapsed(sub) -> tuple[fem.FunctionSpace, np.ndarray]:
    """(V, map): a subspace collapsed, with its dofs in the parent's numbering as one int32
    array (DOLFINx 0.11 returns the map as a list with one array per block level)."""
    V, maps = sub.collapse()
    dofs = np.asarray(maps[0] if isinstance(maps, list | tuple) else maps).ravel()
    return V, dofs.astype(np.int32)


def _indicator(mesh, cell_tags, tag: int) -> fem.Function:
    f = fem.Function(fem.functionspace(mesh, ("DG", 0)))
    f.x.array[cell_tags.find(tag)] = 1.0
    f.x.scatter_forward()
    return f


def _projection_scale(mesh, cells: np.ndarray, bulk_MPa: float) -> float:
    """K / h of the F-bar projection rows (MPa/mm): the largest bulk modulus of the flowing
    regions over the mean size (longest edge) of their owned cells, the same on every rank."""
    tdim = mesh.topology.dim
    owned = cells[cells < mesh.topology.index_map(tdim).size_local]
    h = mesh.h(tdim, owned) if owned.size else np.empty(0)
    total = mesh.comm.allreduce(np.array([h.sum(), h.size], dtype=float))
    return bulk_MPa / (total[0] / max(total[1], 1.0))


def _layer_constant(mesh, cell_tags, regions: dict[str, int], values: dict[str, float]):
    f = fem.Function(fem.functionspace(mesh, ("DG", 0)))
    for name, value in values.items():
        f.x.array[cell_tags.find(regions[name])] = value
    f.x.scatter_forward()
    return f


def _host_dofs_marker(V: fem.FunctionSpace, cells: np.ndarray) -> np.ndarray:
    """Local dofs of V that touch none of ``cells`` on any rank (reduced across ranks)."""
    marker = la.vector(V.dofmap.index_map, V.dofmap.index_map_bs)
    marker.array[:] = 0.0
    dofs = V.dofmap.list[cells].ravel() if cells.size else np.empty(0, dtype=np.int32)
    marker.array[dofs] = 1.0
    marker.scatter_reverse(la.InsertMode.add)
    marker.scatter_forward()
    return np.flatnonzero(marker.array == 0.0).astype(np.int32)


def build_model(mesh, cell_tags, cell_regions: dict[str, int], materials: dict[str, Material],
                mode: str, degree: int, temperature_K: float, growth: Growth | None = None,
                stress_coupling: bool = True, hosts: tuple[str, ...] | None = None,
                axial_swelling: frozenset[str] = frozenset(), f_bar: bool | str = False) -> Model:
    """Spaces, fields and residual forms for the regions ``materials`` (name -> entry).

    ``hosts`` names the regions that carry Li transport (default: every region whose material
    has a ``lithiation`` record). Hosts swell isotropically, Fg = J_g^(1/3) I
    (docs/theory.md), except those in ``axial_swelling``, which grow along the stack axis,
    Fg = I + (J_g - 1) n (x) n, like plated Li: the limit of a dense host in a die that flows
    at a stress small against the stack's. Its reduced stress is then
    Omega_ref sigma_nn / (R T), the work of growth along n.

    ``f_bar`` (with degree >= 2): the regions whose law flows see F_bar, with the projected
    elastic volume change (:mod:`solver.physics.fbar`; True or "p1": continuous P1 on the
    flowing cells, "p0": cellwise constants), carried by a dilatation field e_bar appended to
    W; its projection rows are scaled by K / h (forces, like the equilibrium rows they join in
    the mechanics block).
    """
    growth = growth or Growth()
    if hosts is None:
        hosts = tuple(n for n, m in materials.items() if m.lithiation is not None)
    gdim = mesh.geometry.dim
    cell = mesh.basix_cell()
    parts = [basix.ufl.element("Lagrange", cell, degree, shape=(gdim,))]
    if hosts:
        parts += [basix.ufl.element("Lagrange", cell, 1)] * 2
    flowing = [n for n, m in materials.items() if m.creep is not None]
    dilatation_sub = None
    projection = fbar.projection_space(f_bar)
    if projection is not None and degree >= 2 and flowing:
        dilatation_sub = len(parts)
        parts.append(basix.ufl.element(projection[0], cell, projection[1]))
    W = fem.functionspace(mesh, basix.ufl.mixed_element(parts))
    w, w_old = fem.Function(W, name="state"), fem.Function(W, name="state_old")
    split, split_old, tests = ufl.split(w), ufl.split(w_old), ufl.TestFunctions(W)
    u, v = split[U_SUB], tests[U_SUB]
    x = ufl.SpatialCoordinate(mesh)
    weight = kinematics.volume_weight(mode, x)
    dx_host = ufl.Measure("dx", domain=mesh, subdomain_data=cell_tags,
                          metadata={"quadrature_degree": max(2 * degree, 3)})
    dt = fem.Constant(mesh, 0.0)

    theta = q = theta_var = None
    laws: dict[str, transport.HostLaw] = {}
    ind: dict[str, fem.Function] = {}
    if hosts:
        theta, q = split[THETA_SUB], split[Q_SUB]
        theta_var = ufl.variable(theta)
        for name in hosts:
            laws[name] = transport.HostLaw(materials[name].lithiation, temperature_K,
                                           stress_coupling, materials[name].initial_theta)
            ind[name] = _indicator(mesh, cell_tags, cell_regions[name])

    inputs = _law_inputs(mesh, cell_tags, cell_regions, materials, laws, ind, theta_var,
                         temperature_K, growth, axial_swelling)
    grad_u = kinematics.displacement_gradient(u, mode, x)
    f_bar_fields = None
    if dilatation_sub is not None:
        flows = _layer_constant(mesh, cell_tags, cell_regions,
                                {n: float(n in flowing) for n in materials})
        f_bar_fields = (split[dilatation_sub], flows)
    points = MaterialPoints(mesh, mode, degree, grad_u, inputs.law, dt, theta, theta_var,
                            f_bar_fields)
    P_ = points.first_piola(grad_u, theta)
    F = kinematics.deformation_gradient(u, mode, x)
    R_mech = mechanics.mechanics_residual(
        P_, kinematics.displacement_gradient(v, mode, x), weight, points.dx)
    dx_points = ufl.Measure("dx", domain=mesh, subdomain_data=cell_tags,
                            metadata=points.dx.metadata())
    transport_bcs: list[fem.DirichletBC] = []
    pin_terms = []
    volumetric = None
    if dilatation_sub is not None:
        # e_bar: the L2 projection of J / J_g - 1 over the reference volume of the flowing
        # cells; its dofs that touch none of them are held at 0 (those cells keep F). One
        # scale for all its rows, K / h (forces, like the equilibrium rows they join): a scale
        # that varied from cell to cell would weight the projection, and the integral of e_bar
        # would no longer be the volume change (measured: 1.5 % of a clearance extrusion)
        flowing_cells = np.concatenate([cell_tags.find(cell_regions[n]) for n in flowing])
        scale = fem.Constant(mesh, _projection_scale(mesh, flowing_cells, max(
            materials[n].elastic.bulk_modulus_MPa for n in flowing)))
        Hg = inputs.law.growth - ufl.Identity(3)
        misfit = split[dilatation_sub] - fbar.elastic_dilatation_ufl(grad_u, Hg)
        dx_flowing = sum((dx_points(cell_regions[n]) for n in flowing[1:]),
                         dx_points(cell_regions[flowing[0]]))
        R_mech = R_mech + scale * misfit * tests[dilatation_sub] * weight * dx_flowing
        # the bulk stiffness F-bar moves into the e_bar rows, for the Krylov preconditioner
        bulk = _layer_constant(mesh, cell_tags, cell_regions,
                               {n: m.elastic.bulk_modulus_MPa for n, m in materials.items()})
        du = ufl.split(ufl.TrialFunction(W))[U_SUB]
        volumetric = (bulk * ufl.tr(kinematics.displacement_gradient(du, mode, x))
                      * ufl.tr(kinematics.displacement_gradient(v, mode, x)) * weight * dx_flowing)
        Ve, _ = collapsed(W.sub(dilatation_sub))
        transport_bcs.append(_pin(W.sub(dilatation_sub), Ve,
                                  _host_dofs_marker(Ve, flowing_cells)))
        pin_terms.append(dilatation_sub)
    sigma = mechanics.cauchy_stress(F, P_)
    residual = [R_mech]

    inflow: dict[str, fem.Constant] = {}
    if hosts:
        sigma_h = ufl.tr(sigma) / 3.0
        metric = kinematics.in_plane(ufl.inv(F.T * F), mode)  # C^-1 on the mesh's axes
        mass_total = potential_total = 0
        for n in hosts:
            inflow[n] = fem.Constant(mesh, 0.0)
            driving = sigma[kinematics.AXIAL, kinematics.AXIAL] if n in axial_swelling else sigma_h
            mass, potential = transport.transport_residuals(
                laws[n], theta, split_old[THETA_SUB], q, tests[THETA_SUB], tests[Q_SUB], driving,
                metric, dt, weight, dx_host(cell_regions[n]), dx_points(cell_regions[n]))
            mass_total += mass
            potential_total += potential
        residual += [mass_total, potential_total]
        host_cells = np.concatenate([cell_tags.find(cell_regions[n]) for n in hosts])
        for sub in (THETA_SUB, Q_SUB):
            Vs, _ = collapsed(W.sub(sub))
            free = _host_dofs_marker(Vs, host_cells)
            transport_bcs.append(_pin(W.sub(sub), Vs, free))
        pin_terms += [THETA_SUB, Q_SUB]
    pin_form = None
    if pin_terms:  # mass on the partly held fields everywhere: room for the Dirichlet diagonal
        trial = ufl.split(ufl.TrialFunction(W))
        pin_form = sum(trial[k] * tests[k] for k in pin_terms) * ufl.dx(domain=mesh)

    dw = ufl.TrialFunction(W)
    jacobian = [ufl.derivative(f, w, dw) for f in residual]

    return Model(
        mode=mode, W=W, w=w, w_old=w_old, dt=dt, temperature_K=temperature_K,
        residual=residual, jacobian=jacobian, pin_form=pin_form,
        blocks=_blocks(W, bool(hosts), dilatation_sub), transport_bcs=transport_bcs,
        points=points,
        plating_stretch=inputs.plating_stretch, volume_ratio=inputs.volume_ratio, hosts=laws,
        inflow=inflow, theta=theta, reduced_stress=q, host_indicator=ind,
        u=u, v=v, first_piola=P_, weight=weight, x=x, tests=tuple(tests),
        dilatation_sub=dilatation_sub, volumetric_stiffness=volumetric,
    )


@dataclass
class _Inputs:
    law: LawInputs
    plating_stretch: fem.Constant
    volume_ratio: fem.Constant


def _law_inputs(mesh, cell_tags, cell_regions, materials, laws, ind, theta, temperature_K,
                growth: Growth, axial_swelling) -> _Inputs:
    """Growth, moduli and creep parameters of every region as UFL expressions (of theta on
    the hosts): what the material points read."""
    hosts = tuple(laws)

    def modulus(prop: str):
        curved = {n for n in hosts if laws[n].has_elastic_curves}
        base = _layer_constant(mesh, cell_tags, cell_regions, {
            n: (0.0 if n in curved else getattr(m.elastic, prop)) for n, m in materials.items()})
        expr = base
        for n in curved:
            expr = expr + ind[n] * laws[n].elastic_modulus(prop, theta, materials[n].elastic)
        return expr

    # the viscous laws in the overstress form eps_dot = rate <(q - k) / s>^n (solver.physics.flow)
    forms = {n: flow.overstress_form(m.creep, temperature_K) for n, m in materials.items()}

    def per_region(attribute: str):
        values = {n: float(getattr(f, attribute)) for n, f in forms.items()}
        return _layer_constant(mesh, cell_tags, cell_regions, values)

    rate, threshold, scale, exponent, liquid = (per_region(a) for a in (
        "rate_per_s", "threshold_MPa", "scale_MPa", "exponent", "liquid"))
    for n in hosts:  # stress parameters that move with lithiation
        f = forms[n]
        if f.threshold_curve is not None:
            curve = transport.piecewise_linear(f.threshold_curve, theta)
            threshold = threshold + ind[n] * (curve - f.threshold_MPa)
        if f.scale_curve is not None:
            curve = f.scale_factor * transport.piecewise_linear(f.scale_curve, theta)
            scale = scale + ind[n] * (curve - f.scale_MPa)
    mu = modulus("shear_modulus_MPa")
    bulk = modulus("lame_lambda_MPa") + 2.0 / 3.0 * mu

    plating = _layer_constant(mesh, cell_tags, cell_regions,
                              {n: float(n == growth.plating_region) for n in materials})
    swelling_ind = _layer_constant(mesh, cell_tags, cell_regions,
                                   {n: float(n == growth.swelling_region) for n in materials})
    lam_g, J_c = fem.Constant(mesh, 1.0), fem.Constant(mesh, 1.0)
    I = ufl.Identity(3)
    n_ax = ufl.unit_vector(kinematics.AXIAL, 3)
    Fg = I + plating * (lam_g - 1.0) * ufl.outer(n_ax, n_ax) + swelling_ind * (J_c ** (1 / 3) - 1.0) * I
    for n in hosts:
        ratio = laws[n].relative_volume_ratio(theta)
        if n in axial_swelling:  # the host grows along the stack axis only
            Fg = Fg + ind[n] * (ratio - 1.0) * ufl.outer(n_ax, n_ax)
        else:
            Fg = Fg + ind[n] * (ratio ** (1 / 3) - 1.0) * I
    law = LawInputs(growth=Fg, shear_modulus=mu, bulk_modulus=bulk, creep_rate=rate,
                    threshold=threshold, reference_stress=scale, exponent=exponent, liquid=liquid)
    return _Inputs(law, lam_g, J_c)


def set_initial_theta(model: Model, cell_tags, cell_regions: dict[str, int]) -> None:
    """theta = each host's initial state in w and w_old (zero off the hosts).

    A dof shared by hosts with different initial states gets their average; the sums are
    reduced across ranks so every copy of a dof agrees.
    """
    if not model.has_transport:
        return
    V, vmap = collapsed(model.W.sub(THETA_SUB))
    total = la.vector(V.dofmap.index_map, 1)
    count = la.vector(V.dofmap.index_map, 1)
    total.array[:] = 0.0
    count.array[:] = 0.0
    for host, law in model.hosts.items():
        dofs = V.dofmap.list[cell_tags.find(cell_regions[host])].ravel()
        # each dof once per host, whatever the number of its cells
        dofs = np.unique(dofs)
        total.array[dofs] += law.initial_theta
        count.array[dofs] += 1.0
    for vec in (total, count):
        vec.scatter_reverse(la.InsertMode.add)
        vec.scatter_forward()
    theta0 = np.divide(total.array, count.array, out=np.zeros_like(total.array),
                       where=count.array > 0)
    for w in (model.w, model.w_old):
        w.x.array[vmap] = theta0
        w.x.scatter_forward()


def _pin(sub, space, collapsed_dofs: np.ndarray) -> fem.DirichletBC:
    """theta or q = 0 on the given dofs (numbered in the collapsed space)."""
    _, sub_map = collapsed(sub)
    zero = fem.Function(space)
    return fem.dirichletbc(zero, [sub_map[collapsed_dofs], collapsed_dofs], sub)


def _blocks(W: fem.FunctionSpace, with_transport: bool,
            dilatation_sub: int | None = None) -> dict[str, np.ndarray]:
    """Owned dof indices (in W's local numbering) of the mechanics and transport blocks (the
    F-bar dilatation rows, scaled to forces, join the mechanics)."""
    n_owned = W.dofmap.index_map.size_local * W.dofmap.index_map_bs
    out = {}
    groups = {"mechanics": (U_SUB,) if dilatation_sub is None else (U_SUB, dilatation_sub)}
    if with_transport:
        groups["transport"] = (THETA_SUB, Q_SUB)
    for name, subs in groups.items():
        idx = np.concatenate([collapsed(W.sub(i))[1] for i in subs])
        out[name] = np.sort(idx[idx < n_owned])
    return out
