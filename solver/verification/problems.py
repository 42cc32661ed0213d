"""The verification problems: each builds a body, runs the coupled solver and returns its
errors against :mod:`solver.verification.closed_form`.

Shared by the test suite (``tests/test_verification.py``) and the convergence study
(``scripts/convergence.py``). The problems are posed in the solver's units (mm, s, MPa, mol)
with round numbers: they test the equations, not a material. The test host has a constant
diffusivity, the ideal-solution chemical potential (so J = -D grad c without stress) and a
linear swelling J_g = 1 + beta theta with beta = Omega c_max small (1e-4), so the small-strain
closed forms apply to within O(beta).

Errors are measured at points the closed form knows independently: theta at the P1 nodes,
stresses at cell centroids (DG0 interpolation), both as a maximum over the body and reduced
across ranks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ufl
from mpi4py import MPI

from solver.geometry import build_rectangle, build_sphere
from solver.materials import Curve, Elastic, Lithiation, Material, NortonCreep
from solver.numerics.newton import PlungerNewtonSolver
from solver.physics.body import build_body_model
from solver.physics.model import THETA_SUB, collapsed, set_initial_theta
from solver.units import GAS_CONSTANT_J_PER_MOL_K
from solver.verification import closed_form as cf

E_MPA, NU = 1000.0, 0.3
BETA = 1.0e-4  # Omega c_max: volume strain of a full host
HOST_VOLUME_MM3_PER_MOL = 1.0e4  # 10 cm^3/mol
J_PER_MPA_MM3 = 1.0e-3


def test_host(diffusivity_mm2_s: float = 1.0, beta: float = BETA, x_max: float = 1.0,
              initial_theta: float = 0.0, youngs_modulus_MPa: float = E_MPA) -> Material:
    """A linear-elastic Li host with constant D and linear swelling (no real material)."""
    lith = Lithiation(
        li_per_host_max=x_max,
        host_molar_volume_mm3_per_mol=HOST_VOLUME_MM3_PER_MOL,
        open_circuit_potential_V=Curve.constant(0.5, "verification host"),
        volume_ratio=Curve((0.0, 1.0), (1.0, 1.0 + beta), "verification host"),
        diffusivity_mm2_per_s=Curve.constant(diffusivity_mm2_s, "verification host"),
        source="verification host",
    )
    elastic = Elastic(youngs_modulus_MPa, NU, "verification")
    return Material("verification_host", "verification host", elastic,
                    lithiation=lith, initial_theta=initial_theta)


def omega_mm3_per_mol(material: Material) -> float:
    """Omega = (V_host / x_max) dJ_g/dtheta of a linear host."""
    lith = material.lithiation
    slope = lith.volume_ratio.values[-1] - lith.volume_ratio.values[0]
    return lith.host_molar_volume_mm3_per_mol / lith.li_per_host_max * slope


def _newton(model, force_scale_N: float, rtol: float = 1e-10) -> PlungerNewtonSolver:
    """Newton for a verification body: ``force_scale_N`` is the problem's stress scale times
    its area, so the forces converge to rtol of the stresses whatever their size; transport
    rows are theta-volumes (mm^3), and a scale of 1e-2 asks for theta to ~1e-10."""
    return PlungerNewtonSolver(model, rtol, 25, "mumps", None, force_scale_N, 1.0e-2)


def _march(model, newton, dt: float, t_end: float) -> float:
    """Backward Euler with a constant dt (the last step clipped to hit t_end)."""
    t = 0.0
    while t < t_end * (1 - 1e-12):
        step = min(dt, t_end - t)
        model.dt.value = step
        result = newton.solve(None)
        if not result.converged:
            raise RuntimeError(f"Newton failed at t = {t}: {result.reason}")
        model.commit()
        t += step
    return t


def _owned(V):
    n = V.dofmap.index_map.size_local
    return V.tabulate_dof_coordinates()[:n], n


def _max(comm, values) -> float:
    local = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return comm.allreduce(local, op=MPI.MAX)


def _theta_nodes(model):
    """(coordinates, theta) at the owned P1 nodes."""
    V, vmap = collapsed(model.W.sub(THETA_SUB))
    x, n = _owned(V)
    return x, model.w.x.array[vmap[:n]]


def _stress_centroids(model):
    """(centroid coordinates, Cauchy stress (n, 3, 3)) of the owned cells: cell means over the
    material points, the centroid value where the stress is linear in a cell."""
    return model.points.owned_cell_state()


@dataclass
class Errors:
    """Maximum errors, each scaled by the problem's natural magnitude (dimensionless)."""

    theta: float
    stress: float
    dofs: int
    detail: dict


# -- galvanostatic sphere ----------------------------------------------------------------------


def sphere(mode: str = "axisymmetric", h: float = 0.1, dt: float = 0.01, t_end: float = 1.0,
           comm=MPI.COMM_WORLD, degree: int = 2) -> Errors:
    """Galvanostatic insertion into a sphere (R = 1 mm, D = 1 mm^2/s, j/c_max = 0.01 mm/s).

    theta and the radial/hoop stresses at t_end against the series solution (one-way
    coupling: no stress in the chemical potential, as in Cheng & Verbrugge 2009); stresses are
    scaled by the steady-state value Omega E J R / (15 D (1 - nu)), theta by J R / (D c_max).
    """
    R, D, jc = 1.0, 1.0, 0.01
    host = test_host(D)
    body = build_sphere(comm, R, h, mode, geometry_order=2)
    supports = ({"axis": (0,), "symmetry_z": (1,)} if mode == "axisymmetric"
                else {"symmetry_x": (0,), "symmetry_y": (1,), "symmetry_z": (2,)})
    model = build_body_model(body, {"particle": host}, degree=degree, supports=supports,
                             inflow={"surface": "particle"}, stress_coupling=False)
    law = model.hosts["particle"]
    model.inflow["particle"].value = jc
    steady = cf.sphere_steady_state_stress(R, D, jc * law.c_max, omega_mm3_per_mol(host), E_MPA, NU)
    t = _march(model, _newton(model, steady * R**2), dt, t_end)
    flux, omega = jc * law.c_max, omega_mm3_per_mol(host)

    x, theta = _theta_nodes(model)
    rho = np.linalg.norm(x, axis=1)
    theta_ex = cf.sphere_galvanostatic(np.minimum(rho, R), t, R, D, flux) / law.c_max
    scale_theta = jc * R / D

    xc, s = _stress_centroids(model)
    if mode == "axisymmetric":  # (r, theta, z) basis: the unit radius is (r, 0, z) / rho
        pos = np.column_stack([xc[:, 0], np.zeros(len(xc)), xc[:, 1]])
    else:
        pos = xc[:, :3]
    rho_c = np.linalg.norm(pos, axis=1)
    n = pos / rho_c[:, None]
    s_rr = np.einsum("ci,cij,cj->c", n, s, n)
    s_tt = (np.trace(s, axis1=1, axis2=2) - s_rr) / 2.0
    sr_ex, st_ex = cf.sphere_stresses(np.minimum(rho_c, R), t, R, D, flux, omega, E_MPA, NU)
    stress = max(_max(comm, s_rr - sr_ex), _max(comm, s_tt - st_ex)) / steady
    dofs = model.W.dofmap.index_map.size_global
    return Errors(_max(comm, theta - theta_ex) / scale_theta, stress, dofs,
                  {"steady_stress_MPa": steady, "t": t})


# -- film on a rigid substrate with Crank's slab diffusion ---------------------------------------


def film(mode: str = "axisymmetric", ny: int = 16, dt: float = 0.005, t_end: float = 0.2,
         comm=MPI.COMM_WORLD, degree: int = 2) -> Errors:
    """A film (H = 1 mm) on a rigid substrate, laterally held, Li entering its free top face.

    theta(z, t) against Crank's constant-flux slab series, scaled by J H / (D c_max); the
    in-plane stress against the thin-film value -E Omega (c - c0) / (3 (1 - nu)) at each
    height, scaled by its value at the mean concentration.
    """
    H, D, jc = 1.0, 1.0, 0.05
    host = test_host(D)
    body = build_rectangle(comm, 0.1, H, 1, ny, mode)
    supports = {"left": (0,), "right": (0,), "bottom": (1,)}
    model = build_body_model(body, {"bar": host}, degree=degree, supports=supports,
                             inflow={"top": "bar"}, stress_coupling=False)
    law = model.hosts["bar"]
    model.inflow["bar"].value = jc
    final = abs(cf.film_inplane_stress(E_MPA, NU, omega_mm3_per_mol(host), jc * law.c_max * t_end / H))
    t = _march(model, _newton(model, final * 0.1 * H), dt, t_end)
    flux, omega = jc * law.c_max, omega_mm3_per_mol(host)

    x, theta = _theta_nodes(model)
    theta_ex = cf.slab_constant_flux(np.clip(x[:, 1], 0, H), t, H, D, flux) / law.c_max
    xc, sigma = _stress_centroids(model)
    s = np.column_stack([sigma[:, 0, 0], sigma[:, 1, 1]])
    c_ex = cf.slab_constant_flux(np.clip(xc[:, 1], 0, H), t, H, D, flux)
    in_plane = cf.film_inplane_stress(E_MPA, NU, omega, c_ex)
    mean = abs(cf.film_inplane_stress(E_MPA, NU, omega, flux * t / H))
    stress = max(_max(comm, s[:, 0] - in_plane), _max(comm, s[:, 1] - in_plane)) / mean
    return Errors(_max(comm, theta - theta_ex) / (jc * H / D), stress,
                  model.W.dofmap.index_map.size_global, {"t": t})


# -- stress-driven diffusion in a bent bar ---------------------------------------------------------


def bent_bar(ny: int = 16, sigma0_MPa: float = 200.0, theta0: float = 0.01,
             comm=MPI.COMM_WORLD, degree: int = 2, dilute: bool = False) -> Errors:
    """A plane-strain bar (L = 2, H = 1 mm) bent by end tractions sigma0 (2 y / H - 1).

    Without flux through its faces the Li redistributes to mu = const, i.e. theta / (1 - theta)
    proportional to exp(Omega sigma_h / (R T)) with sigma_h = (1 + nu) sigma_xx / 3 (plane
    strain, beam theory exact for this load); ``dilute`` compares with c ~ exp(...) instead,
    which the solver approaches as theta0 -> 0. theta errors are scaled by theta0.
    """
    L, H, D = 2.0, 1.0, 1.0
    # Omega = 1e4 mm^3/mol with a negligible swelling; a stiff bar keeps the bending strain at
    # 2e-4, so the finite-strain stress differs from beam theory by ~1e-4 (theta by less)
    host = test_host(D, beta=1.0e-6, x_max=1.0e-6, initial_theta=theta0, youngs_modulus_MPa=1.0e6)
    body = build_rectangle(comm, L, H, max(2, ny), ny, "plane_strain")

    def traction(x):
        return ufl.as_vector([sigma0_MPa * (2.0 * x[1] / H - 1.0), 0.0])

    model = build_body_model(
        body, {"bar": host}, degree=degree, supports={"left": (0,)},
        tractions={"right": traction},
        point_supports=[(lambda x: np.isclose(x[0], 0.0) & np.isclose(x[1], 0.0), 1)],
        stress_coupling=True)
    set_initial_theta(model, body.cell_tags, body.cell_regions)
    newton = _newton(model, sigma0_MPa * H)
    for dt in (0.01, 0.1, 1.0, 10.0, 100.0, 1e4, 1e6):  # backward Euler is L-stable
        _march(model, newton, dt, dt)
    omega = omega_mm3_per_mol(host)
    RT = GAS_CONSTANT_J_PER_MOL_K * 298.15
    x, theta = _theta_nodes(model)
    # away from the loaded end by one height (Saint-Venant): there the dead-load traction on
    # the rotating end face is not exactly pure bending
    inner = x[:, 0] <= L - H
    x, theta = x[inner], theta[inner]
    y_fine = np.linspace(0.0, H, 4001)
    sigma_h = (1.0 + NU) / 3.0 * sigma0_MPa * (2.0 * y_fine / H - 1.0)
    weights = np.full_like(y_fine, 1.0)
    weights[[0, -1]] = 0.5  # trapezoidal mean over the height
    theta_fine = cf.stress_driven_equilibrium(sigma_h, omega * J_PER_MPA_MM3, 298.15, theta0,
                                              weights, dilute=dilute)
    theta_ex = np.interp(x[:, 1], y_fine, theta_fine)
    # the whole-bar mean is theta0; the inner part's nodes see the same profile in y
    swing = omega * J_PER_MPA_MM3 * (1 + NU) / 3 * 2 * sigma0_MPa / RT
    return Errors(_max(comm, theta - theta_ex) / theta0, 0.0,
                  model.W.dofmap.index_map.size_global, {"omega_sigma_over_RT": swing})


# -- steady creep of a thick-walled cylinder (volumetric locking) --------------------------------

TUBE_E_MPA = 1.0e10  # stiff: the elastic strain p / E = 1e-10 keeps the geometry fixed to 1e-6
TUBE_NU = 0.3
TUBE_N = 5.0
TUBE_RATE_PER_S = 1.0e-10  # A at sigma_ref = 1 MPa: relaxation time p / (E A p^n) = 1 s at p


def norton_tube_material(n: float = TUBE_N) -> Material:
    """A Norton solid with round numbers (no real material): relaxation time 1 s at 1 MPa."""
    creep = NortonCreep(TUBE_RATE_PER_S, 0.0, 1.0, n, "verification")
    return Material("norton_tube", "verification", Elastic(TUBE_E_MPA, TUBE_NU, "verification"),
                    creep=creep, category="metal")


def thick_cylinder_creep(nr: int = 8, degree: int = 2, t_end: float = 1.0e4, n: float = TUBE_N,
                         f_bar: bool = True, comm=MPI.COMM_WORLD) -> Errors:
    """A thick-walled cylinder (a = 1, b = 2 mm) under internal pressure p = 1 MPa in plane
    strain, run to steady Norton creep: stresses at the cell centroids against Bailey's
    solution (:func:`closed_form.thick_cylinder_steady_creep`), scaled by p.

    Axisymmetric, the annulus [a, b] x [0, h] (one layer of nr x 1 cells split into right
    triangles, h = (b - a) / nr) with u_z = 0 on both faces: eps_z = 0, and every field is
    independent of z. The steady flow is isochoric (u_dot = C / r), the test of volumetric
    locking: the discrete displacement increments must be divergence-free at the quadrature
    points. Backward Euler with steps growing from 0.01 s by 1.5x (the creep transient,
    relaxation time 1 s) to t_end: the steady state is its fixed point, and the last steps of
    ~t_end / 3 make the algorithmic tangent nearly incompressible (shear stiffness
    ~1 / (3 n dt A' sigma^(n-1)) against K). The elastic strain 1e-10 and the creep strain
    1e-10 t_end / 1 s keep the change of geometry below 1e-6. ``detail`` holds the errors of
    sigma_r, sigma_theta, sigma_z and of the mean stress apart, and the time reached.
    """
    a, b, p = 1.0, 2.0, 1.0
    h = (b - a) / nr
    body = build_rectangle(comm, b - a, h, nr, 1, "axisymmetric")
    body.mesh.geometry.x[:, 0] += a
    model = build_body_model(body, {"bar": norton_tube_material(n)}, degree=degree,
                             supports={"bottom": (1,), "top": (1,)},
                             tractions={"left": lambda x: ufl.as_vector([p, 0.0])}, f_bar=f_bar)
    newton = _newton(model, p * 2 * np.pi * a * h)
    t, dt = 0.0, 0.01
    while t < t_end * (1 - 1e-12):
        step = min(dt, t_end - t)
        _march(model, newton, step, step)
        t += step
        dt *= 1.5
    xc, s = _stress_centroids(model)
    exact = cf.thick_cylinder_steady_creep(xc[:, 0], a, b, p, n)
    computed = (s[:, 0, 0], s[:, 1, 1], s[:, 2, 2])
    errors = [_max(comm, c - e) / p for c, e in zip(computed, exact, strict=True)]
    mean = _max(comm, sum(computed) / 3 - sum(exact) / 3) / p
    return Errors(0.0, max(errors), model.W.dofmap.index_map.size_global * model.W.dofmap.index_map_bs,
                  {"sigma_r": errors[0], "sigma_theta": errors[1], "sigma_z": errors[2],
                   "mean_stress": mean, "t": t})
