"""Void closure in creeping Li: the solver against the steady Norton creep of a hollow body.

A void of radius a in Li filling a < r < b, with a pressure on r = b and a traction-free void
surface, closes at the rate of :func:`closed_form.void_closure_rate` once the stress has
redistributed from the elastic (Lame) field to the steady creep field (Budiansky, Hutchinson &
Slutsky 1982; b -> inf is theirs). Two bodies on :func:`~solver.geometry.build_annulus`:

* ``"axisymmetric"``: a spherical void, the half hollow sphere z >= 0 in (r, z), held on the
  axis (u_r = 0) and on z = 0 (u_z = 0);
* ``"plane_strain"``: a cylindrical void, a quarter of a hollow cylinder's section, held on
  x = 0 and y = 0.

The material is the library's Li (:data:`solver.materials.entries.metals.LI`, Norton with
n = 1/0.15 = 6.67 and Hencky elasticity, E = 7.82 GPa, nu = 0.38), with F-bar as in
production: the steady flow is isochoric. The pressure is a dead load, the nominal traction
-p N on the reference outer surface; on the current surface it is the Cauchy pressure
p (b0 / b)^2 (sphere) or p b0 / b (cylinder), and the closed form is evaluated with it and
with the current a and b, so the change of geometry (strains ~1e-3) does not enter the error.

The simulated rate is measured from the void's volume alone, not from any stress: the volume
enclosed by the deformed void surface,

    V = -(1/d) int_S0 x . (J F^-T N) dA0     (d = 3 revolved, 2 in plane strain),

N the solid's outward normal (into the void), x = X + u; the symmetry planes add nothing
(x . n = 0 there). Then -a_dot / a = -V_dot / (d V), V_dot from the last step's change.

The closed form is for rigid-creeping (inelastic-only) flow. The solver's law is driven by the
Mandel stress (~ the Kirchhoff stress J sigma) of finite-strain Hencky elasticity, with J < 1
in the compressed shell, so at Li's stiffness the rate is lower by O(n sigma_m / K) ~ 1e-3
whatever the mesh (tests/test_void_closure.py gives the study: the offset falls as 1/E).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI

from solver.geometry.shapes import INNER, OUTER, build_annulus
from solver.materials import Material
from solver.materials.entries.metals import LI
from solver.physics import kinematics
from solver.physics.body import build_body_model
from solver.verification import closed_form as cf
from solver.verification.problems import _march, _newton

SHAPE = {"axisymmetric": "sphere", "plane_strain": "cylinder"}
SUPPORTS = {"axisymmetric": {"axis": (0,), "symmetry_z": (1,)},
            "plane_strain": {"symmetry_x": (0,), "symmetry_y": (1,)}}
SYMMETRY_COPIES = {"axisymmetric": 2, "plane_strain": 4}  # meshed part -> whole void


@dataclass
class VoidRates:
    """Closure rates -a_dot / a (1/s) at the end of the run, and their relative difference."""

    simulated: float
    closed_form: float
    error: float  # simulated / closed_form - 1
    dofs: int
    detail: dict


def norton_power_law(material: Material, temperature_K: float) -> tuple[float, float]:
    """(A, n) of eps_dot_e = A sigma_e^n (MPa, 1/s) for the material's Norton record."""
    c = material.creep
    return (cf.norton_coefficient(c.prefactor_per_s, c.activation_energy_J_per_mol,
                                  c.reference_stress_MPa, c.stress_exponent, temperature_K),
            c.stress_exponent)


def _enclosed_volume_form(model, body, facet: str, sign: float):
    """The volume enclosed by the deformed surface ``facet`` (whole body, all symmetry
    copies): sign (1/d) int x . cof(F) N weight dA0 over the reference facets."""
    mode, mesh, x = body.mode, body.mesh, model.x
    F = kinematics.deformation_gradient(model.u, mode, x)
    n = ufl.FacetNormal(mesh)
    N = ufl.as_vector([n[0], 0.0, n[1]])
    position = ufl.as_vector([x[0] + model.u[0], 0.0, x[1] + model.u[1]])
    d = _dimension(mode)
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=body.facet_tags,
                     metadata={"quadrature_degree": 8})
    integrand = ufl.dot(position, ufl.det(F) * ufl.inv(F).T * N) * model.weight
    scale = sign * SYMMETRY_COPIES[mode] / d
    return fem.form(scale * integrand * ds(body.facet_regions[facet]))


def _radius(volume: float, mode: str) -> float:
    """The radius of a ball (revolved) or a disc (plane strain, per unit depth) of ``volume``."""
    if mode == "axisymmetric":
        return (3.0 * volume / (4.0 * math.pi)) ** (1.0 / 3.0)
    return math.sqrt(volume / math.pi)


def void_closure(mode: str = "axisymmetric", h: float = 0.25, refine_inner: float = 0.5,
                 outer_ratio: float = 2.0, pressure_MPa: float = 1.0, dt_s: float = 1.0,
                 t_end_s: float = 40.0, first_dt_s: float = 0.01, growth: float = 1.5,
                 material: Material = LI, temperature_K: float = 298.15, degree: int = 2,
                 f_bar: bool = True, comm=MPI.COMM_WORLD) -> VoidRates:
    """Close a void (a = 1 mm, b = outer_ratio a) under ``pressure_MPa`` on the outer surface
    and return its closure rate at ``t_end_s`` against the closed form.

    Steps grow from ``first_dt_s`` by ``growth`` up to ``dt_s`` (the elastic step and the
    fast start of the redistribution), then stay equal (at most ``dt_s``) to ``t_end_s``. ``h`` is the
    element size on the outer arc, ``refine_inner * h`` on the void. ``detail`` holds the
    error one step earlier (its change is the transient left), the accumulated void strain
    ln(a0 / a), the current radii and Cauchy pressure, the closed form on the reference
    geometry, and per step the time, the simulated rate and the closed form.
    """
    if mode not in SHAPE:
        raise ValueError(f"mode must be one of {tuple(SHAPE)}, got {mode!r}")
    a0, b0, p = 1.0, float(outer_ratio), float(pressure_MPa)
    body = build_annulus(comm, a0, b0, h, mode, refine_inner, geometry_order=2)

    def traction(x):  # dead load -p N on the reference outer surface
        rho = ufl.sqrt(x[0] ** 2 + x[1] ** 2)
        return ufl.as_vector([-p * x[0] / rho, -p * x[1] / rho])

    model = build_body_model(body, {"shell": material}, degree=degree,
                             temperature_K=temperature_K, supports=SUPPORTS[mode],
                             tractions={OUTER: traction}, f_bar=f_bar)
    void = _enclosed_volume_form(model, body, INNER, -1.0)
    outer = _enclosed_volume_form(model, body, OUTER, 1.0)

    def volume(form):
        return comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)

    newton = _newton(model, p * b0 * b0)
    history = [(0.0, volume(void), volume(outer))]
    for step in _schedule(first_dt_s, growth, dt_s, t_end_s):
        _march(model, newton, step, step)
        history.append((history[-1][0] + step, volume(void), volume(outer)))
    t = history[-1][0]
    A, n = norton_power_law(material, temperature_K)
    history = np.array(history)
    rates, exact = _rates(history, mode, A, n, b0, p)
    a, b = _radius(history[-1, 1], mode), _radius(history[-1, 2], mode)
    dofs = model.W.dofmap.index_map.size_global * model.W.dofmap.index_map_bs
    return VoidRates(rates[-1], exact[-1], rates[-1] / exact[-1] - 1.0, dofs, {
        "error_one_step_before": rates[-2] / exact[-2] - 1.0, "void_strain": math.log(a0 / a),
        "a": a, "b": b, "p_cauchy": p * (b0 / b) ** (_dimension(mode) - 1.0), "t": t,
        "steps": len(history) - 1,
        "closed_form_reference_geometry": float(cf.void_closure_rate(p, A, n, a0, b0,
                                                                     SHAPE[mode])),
        "t_s": history[1:, 0], "rates": rates, "closed_forms": exact})


def _schedule(first: float, growth: float, dt: float, t_end: float) -> list[float]:
    """Steps growing from ``first`` by ``growth`` while below ``dt``, then equal steps of at
    most ``dt`` to ``t_end``: the last steps, over which the rate is measured, all alike."""
    steps, t = [], 0.0
    while first < dt and t + first < t_end:
        steps.append(first)
        t += first
        first *= growth
    count = max(1, math.ceil((t_end - t) / dt - 1e-9))
    return steps + [(t_end - t) / count] * count


def _dimension(mode: str) -> float:
    return 3.0 if mode == "axisymmetric" else 2.0


def _rates(history: np.ndarray, mode: str, A: float, n: float, b0: float, p: float):
    """Per step: the simulated -a_dot / a = -dV / (dt d V) and the closed form at the step's
    end, with its current radii and the Cauchy pressure of the dead load."""
    d = _dimension(mode)
    t, v, outer = history.T
    rates = -np.diff(v) / np.diff(t) / (d * v[1:])
    exact = []
    for v_void, v_outer in zip(v[1:], outer[1:], strict=True):
        a, b = _radius(v_void, mode), _radius(v_outer, mode)
        exact.append(float(cf.void_closure_rate(p * (b0 / b) ** (d - 1.0), A, n, a, b,
                                                SHAPE[mode])))
    return rates, np.array(exact)
