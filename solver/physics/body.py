"""A free body with symmetry supports, tractions and inflow: the verification problems.

The die cell (:mod:`solver.physics.stack`) is one geometry of the shared model; this module is
the other: any :class:`~solver.geometry.shapes.BodyMesh` with

* ``supports``: facet group -> displacement components held at zero (symmetry planes),
* ``tractions``: facet group -> nominal traction vector t(X) (MPa, reference configuration),
  adding -int t . v dA to the equilibrium rows,
* ``inflow``: facet group -> host region whose Li enters there, at a flux set per step in
  ``model.inflow[host]`` (j / c_max, mm/s).

Used by the closed-form checks (sphere, film, slab, bar) with :func:`solve_step`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import ufl
from dolfinx import fem

from solver.materials import Material
from solver.physics.model import Model, build_model, collapsed


@dataclass
class BodyModel(Model):
    increment_bcs: list[fem.DirichletBC] = field(default_factory=list)
    body: object = None


def build_body_model(body, materials: dict[str, Material], *, degree: int = 2,
                     temperature_K: float = 298.15, supports: dict[str, tuple[int, ...]] | None = None,
                     tractions: dict | None = None, inflow: dict[str, str] | None = None,
                     stress_coupling: bool = True, point_supports=(),
                     f_bar: bool = False) -> BodyModel:
    """The model of ``body`` (a BodyMesh) with the given supports, tractions and inflow.

    ``point_supports`` lists (marker(x) -> bool array, component) pairs for single vertices
    that remove the remaining rigid-body motion. ``f_bar``: see
    :func:`~solver.physics.model.build_model`.
    """
    mesh = body.mesh
    core = build_model(mesh, body.cell_tags, body.cell_regions, materials, body.mode, degree,
                       temperature_K, stress_coupling=stress_coupling, f_bar=f_bar)
    model = BodyModel(**{f: getattr(core, f) for f in Model.__dataclass_fields__})
    model.body = body
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=body.facet_tags,
                     metadata={"quadrature_degree": 2 * degree + 1})
    for name, traction in (tractions or {}).items():
        t = traction(model.x) if callable(traction) else traction
        model.residual[0] = model.residual[0] - ufl.dot(t, model.v) * model.weight * ds(
            body.facet_regions[name])
    for name, host in (inflow or {}).items():
        model.add_inflow(host, ds(body.facet_regions[name]))
    dw = ufl.TrialFunction(model.W)
    model.jacobian = [ufl.derivative(f, model.w, dw) for f in model.residual]

    fdim = mesh.topology.dim - 1
    Wu = model.W.sub(0)
    bcs = []
    for name, comps in (supports or {}).items():
        facets = body.facet_tags.find(body.facet_regions[name])
        for c in comps:
            dofs = fem.locate_dofs_topological(Wu.sub(c), fdim, facets)
            bcs.append(fem.dirichletbc(0.0, dofs, Wu.sub(c)))
    for marker, c in point_supports:
        V, vmap = collapsed(Wu.sub(c))
        local = fem.locate_dofs_geometrical(V, marker).astype(np.int32)
        dofs = vmap[local]
        bcs.append(fem.dirichletbc(fem.Function(V), [dofs, local.astype(np.int32)], Wu.sub(c)))
    model.increment_bcs = bcs + model.transport_bcs
    return model
