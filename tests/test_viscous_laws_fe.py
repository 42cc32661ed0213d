"""The Perzyna and liquid laws through the finite-element model, on few-cell problems.

* Perzyna: a cylinder (axisymmetric, 2 x 2 cells) compressed between frictionless plates at a
  constant true strain rate eps_dot, the side free: homogeneous uniaxial stress, which P1
  represents exactly. Its axial Kirchhoff stress obeys |tau|' = E (eps_dot - eps0 <|tau| /
  sigma_y - 1>^m) (log strains add on fixed principal axes; Hencky: tau = E e_e axially) and
  the Cauchy stress is tau / J_e with J_e = exp((1 - 2 nu) tau / E); the ODE is integrated by
  scipy (Radau, rtol 1e-11). It reaches sigma_y (1 + (eps_dot / eps0)^(1/m)).
* Liquid: a Li layer with creep = "liquid" (eta = 2 mPa s) filling the bore of the rigid die
  under a constant plunger pressure p: the deviator relaxes, so the wall carries the full
  pressure p (an elastic layer carries nu / (1 - nu) p, 0.61 p for Li), and the layer's
  height gives the Hencky volume law p J = -K ln J with the bulk modulus K kept.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from dolfinx import fem
from mpi4py import MPI
from scipy.integrate import solve_ivp

from solver.case import validate
from solver.geometry import build_rectangle
from solver.io.series import read_series
from solver.materials import Elastic, Material
from solver.materials.laws import PerzynaViscoplasticity
from solver.numerics.newton import PlungerNewtonSolver
from solver.physics.flow import PerzynaFlow
from solver.physics.body import build_body_model
from solver.physics.model import collapsed
from solver.run import Run
from tests.conftest import stack_doc
from tests.jacobian import jacobian_error

E_MPA, NU = 1.0e4, 0.3
SIGMA_Y, EPS0, M = 10.0, 1.0e-3, 2.0


def _perzyna_material() -> Material:
    law = PerzynaViscoplasticity(EPS0, M, SIGMA_Y, "verification")
    return Material("perzyna_bar", "verification", Elastic(E_MPA, NU, "verification"), creep=law,
                    category="metal")


def _compress(rate: float, dt: float, t_end: float, comm=MPI.COMM_WORLD):
    """(times, axial Cauchy stress of every owned cell) of the constant-rate compression."""
    body = build_rectangle(comm, 1.0, 1.0, 2, 2, "axisymmetric")
    model = build_body_model(body, {"bar": _perzyna_material()}, degree=1,
                             supports={"left": (0,), "bottom": (1,), "top": (1,)})
    Vz, zmap = collapsed(model.W.sub(0).sub(1))
    top = zmap[fem.locate_dofs_geometrical(Vz, lambda x: np.isclose(x[1], 1.0))]
    newton = PlungerNewtonSolver(model, 1e-11, 25, "mumps", None, SIGMA_Y)
    times, stresses = [], []
    t = 0.0
    for _ in range(round(t_end / dt)):
        t += dt
        model.dt.value = dt
        model.w.x.array[top] = math.exp(-rate * t) - 1.0  # H = 1 mm
        model.w.x.scatter_forward()
        result = newton.solve(None)
        assert result.converged, result.reason
        model.commit()
        _, sigma = model.points.owned_cell_state()
        times.append(t)
        stresses.append(sigma[:, 2, 2])
    return np.array(times), stresses


def test_perzyna_uniaxial_compression_at_constant_strain_rate():
    """eps_dot = 1e-2 1/s to t = 1.5 s (log strain 0.015): yield at 0.1 s, then the approach to
    the steady 41.62 MPa with the time constant 1 / (E d eps_dot / dq) = 1.58 s. Every cell
    carries the same stress (homogeneous, P1 exact: spread below 1e-9), equal to the scalar
    backward-Euler recursion tau + E dt eps_dot(tau) = tau_n + E eps_dot dt that the 3-D
    return reduces to in uniaxial stress (to 1e-8, Newton's tolerance). Against the ODE the
    error is backward Euler's, largest just after yield (t = 0.43 s) and first order:
    measured (recursion) 8.66e-3 of the steady stress at dt = 0.02 s, 4.37e-3 at 0.01 s (the
    test's); allowed 5e-3."""
    rate, dt, t_end = 1.0e-2, 0.01, 1.5
    times, stresses = _compress(rate, dt, t_end)
    comm = MPI.COMM_WORLD
    q_inf = SIGMA_Y * (1 + (rate / EPS0) ** (1 / M))

    def rhs(t, tau):
        return E_MPA * (rate - EPS0 * np.maximum(tau / SIGMA_Y - 1, 0.0) ** M)

    ode = solve_ivp(rhs, (0.0, t_end), [0.0], method="Radau", rtol=1e-11, atol=1e-10,
                    dense_output=True)
    law = PerzynaFlow(np.array([EPS0]), np.array([SIGMA_Y]), np.array([M]))
    recursion, tau_n = [], 0.0
    for _ in times:  # the 3-D return with mu = E / 3 is the uniaxial one
        tau_n = law.solve(np.array([tau_n + E_MPA * rate * dt]), np.array([E_MPA / 3]), dt).q[0]
        recursion.append(tau_n)

    def cauchy(tau):  # compression < 0; J_e = exp((1 - 2 nu) tau_zz / E)
        tau = np.asarray(tau)
        return -tau * np.exp((1 - 2 * NU) * tau / E_MPA)

    def worst(reference):
        local = max((float(np.max(np.abs(s - r))) if s.size else 0.0
                     for s, r in zip(stresses, reference, strict=True)), default=0.0)
        return comm.allreduce(local, op=MPI.MAX)

    spread = comm.allreduce(max(float(np.ptp(s)) if s.size else 0.0 for s in stresses),
                            op=MPI.MAX)
    scheme, error = worst(cauchy(recursion)), worst(cauchy(ode.sol(times)[0]))
    print(f"spread {spread:.2e} MPa; against the recursion {scheme / q_inf:.2e}, the ODE "
          f"{error / q_inf:.3e} of {q_inf:.3f} MPa")
    assert spread < 1e-9 * q_inf
    assert scheme < 1e-8 * q_inf
    assert error < 5e-3 * q_inf


def test_liquid_in_the_die_carries_pressure_only(shared_dir):
    """p = 20 MPa on a 600 um Li layer with creep = "liquid" (eta = 2 mPa s) held 5 h: the
    wall pressure equals p (the deviator left is below 1e-4 of the preload's; an elastic layer:
    nu / (1 - nu) p = 0.61 p, cf. tests/test_creep_kinematics);
    J = h / h0 satisfies p J = -K ln J: the preload's elastic step (p J0 = -(K + 4 mu / 3)
    ln J0, the shear modulus still acting) plus the stack displacement since, as the deviator
    relaxes (with the shear modulus kept, p would be 35 % off). Tolerance 3e-4 of p: the rigid
    wall is a penalty, k_w = 1e4 E / h_r (solver.physics.contact), whose penetration p / k_w
    widens the layer's area by 2 p / (k_w R) = 2.6e-7, 1.4e-4 of ln J (measured 8.7e-5).
    Over the hold (steps up to 1800 s) the liquid stays put: its viscous strain is the
    preload's deviatoric strain, relaxed in the first steps (1.2256e-3), and the pressure is
    uniform. Without the viscosity floor of solver.physics.flow.liquid_scale the stirring
    modes drift with round-off: measured creep strain 0.034 and a pressure spread of 0.012
    MPa at 5 h."""
    p = 20.0
    doc = stack_doc(
        geometry__stack=["li"],
        geometry__layers={"li": {"thickness_um": 600.0, "mesh_size_um": 150.0}},
        regions={"li": {"material": "li", "overrides": {"creep": "liquid",
                                                        "creep_viscosity_Pa_s": 2.0e-3}}},
        electrochemistry={},
        fixture={"type": "constant_pressure", "preload_MPa": p},
        protocol=[{"step": "hold", "duration_h": 5.0}],
        numerics={"element_degree": 2},
    )
    case = validate(doc)
    run = Run(case, shared_dir, MPI.COMM_WORLD)
    run.execute()
    s = read_series(shared_dir / "series.csv")
    K = case.layers[0].material.elastic.bulk_modulus_MPa
    h0, R = 0.6, 5.0
    wall = s["wall_force_N"][-1] / (2 * math.pi * R * h0)  # nominal: per reference area
    mu = case.layers[0].material.elastic.shear_modulus_MPa
    J0 = 1.0  # the elastic preload (dt = 0): p J0 = -(K + 4 mu / 3) ln J0
    for _ in range(60):
        J0 = math.exp(-p * J0 / (K + 4 * mu / 3))
    J = J0 + s["stack_displacement_um"][-1] * 1e-3 / h0  # displacement from the preload
    print(f"wall {wall:.6f} MPa (p = {p}), J = {J:.8f}, -K ln J / J = {-K * math.log(J) / J:.6f}")
    assert wall == pytest.approx(p * J, rel=1e-5)  # Cauchy p on the current area h = J h0
    assert -K * math.log(J) / J == pytest.approx(p, rel=3e-4)
    creep = s["max_creep_strain"]
    spread = s["max_hydrostatic_stress_MPa"][-1] - s["min_hydrostatic_stress_MPa"][-1]
    print(f"creep strain {creep[2]:.7e} -> {creep[-1]:.7e}, pressure spread {spread:.1e} MPa")
    assert abs(creep[-1] - creep[2]) < 1e-6 * creep[2]
    assert abs(spread) < 1e-6 * p


def test_assembled_jacobian_with_a_yielding_host(shared_dir):
    """The global Newton matrix against central differences of the assembled residual, at a
    random state of a Si layer (a Li host) with creep = "perzyna" on an elastic separator:
    strains of a few per cent put many points above the theta-dependent yield stress (2 GPa
    -> 0.43 GPa), so the tangent carries the flow, F-bar (P2) and the coupling to theta through
    sigma_y(theta), E(theta), nu(theta) and the swelling. The difference is the central
    difference's own error, second order in h: measured 1.6e-5, 1.6e-7, 1.2e-8 at h = 1e-6,
    1e-7, 1e-8 (the test's; round-off is ~1e-8 there)."""

    doc = stack_doc(
        geometry__stack=["separator", "si"], geometry__radial_mesh_size_um=2500.0,
        geometry__layers={"separator": {"thickness_um": 300.0, "mesh_size_um": 150.0},
                          "si": {"thickness_um": 200.0, "mesh_size_um": 100.0}},
        regions={"separator": {"material": "li6ps5cl"},
                 "si": {"material": "si", "overrides": {"creep": "perzyna"}}},
        electrochemistry={"counter_potential_V": 0.0},
        fixture={"type": "constant_pressure", "preload_MPa": 1.0},
        protocol=[{"step": "hold", "duration_h": 0.01}], numerics={"element_degree": 2},
    )
    run = Run(validate(doc), shared_dir, MPI.COMM_WORLD)
    run.setup()
    model, solver = run.model, run.solver
    assert model.dilatation_sub is not None
    rng = np.random.default_rng(11 + MPI.COMM_WORLD.rank)
    model.dt.value = 0.5
    w = model.w
    w.x.array[:] = 2e-3 * rng.standard_normal(w.x.array.size)
    _, theta_dofs = collapsed(model.W.sub(1))
    w.x.array[theta_dofs] += 0.5  # inside the tables, where sigma_y(theta) has a slope
    w.x.scatter_forward()
    direction = fem.Function(model.W)
    direction.x.array[:] = rng.standard_normal(w.x.array.size)
    direction.x.scatter_forward()
    for bc in model.increment_bcs:
        bc.set(direction.x.array, alpha=0.0)
    base = w.x.array.copy()

    def residual(shift):
        w.x.array[:] = base + shift * direction.x.array
        model.points.evaluate()
        solver._assemble_vector(solver.b, solver._R)
        return solver.b.copy()

    residual(0.0)
    yielded = model.points.trial.dp > 0
    fraction = MPI.COMM_WORLD.allreduce(int(yielded.sum()), op=MPI.SUM) / max(
        MPI.COMM_WORLD.allreduce(yielded.size, op=MPI.SUM), 1)
    error = jacobian_error(model, solver, direction, residual, h=1e-8)
    print(f"yielded points {fraction:.2f}; relative difference of J v and the central "
          f"difference: {error:.2e}")
    assert fraction > 0.3
    assert error < 1e-6
