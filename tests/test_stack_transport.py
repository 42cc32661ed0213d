"""Li insertion into a host layer of the die stack, through the whole run pipeline.

A library host (Sn) with its transport made Fickian by case-file overrides (ideal chemical
potential, constant D, linear swelling, constant modulus) sits on the separator under a
constant zero pressure: it is Crank's constant-flux slab (flux i/F through the separator
interface) and, laterally held by the rigid die wall, a film on a rigid substrate. This checks
the units (mA/cm^2 -> mol/mm^2/s, c_max from the host record), the interface flux on an
internal facet, and the series columns against the same closed forms as tests/test_verification.
"""

import numpy as np
import pytest

from solver.case import validate
from solver.io.series import read_series
from solver.run import Run
from solver.units import FARADAY_C_PER_MOL
from solver.verification import closed_form as cf
from solver.verification.problems import _stress_centroids, _theta_nodes
from tests.conftest import stack_doc

L_MM, D_CM2_S, I_MA_CM2, T_S = 0.02, 1.0e-9, 1.0, 1000.0


def _case(**extra):
    doc = stack_doc(
        geometry__stack=["separator", "anode"],
        geometry__layers={"separator": {"thickness_um": 100.0, "mesh_size_um": 50.0},
                          "anode": {"thickness_um": L_MM * 1e3, "mesh_size_um": 1.0}},
        regions={"separator": {"material": "li6ps5cl"},
                 "anode": {"material": "sn", "overrides": {
                     "chemical_potential": "ideal", "diffusivity_cm2_per_s": D_CM2_S,
                     "volume_ratio_full": 1.01, "youngs_modulus_GPa": 50.0, "creep": "none"}}},
        fixture={"type": "constant_pressure", "preload_MPa": 0.0},
        electrochemistry={"stress_coupling": False},
        protocol=[{"step": "charge", "current_mA_cm2": I_MA_CM2, "duration_h": T_S / 3600.0}],
        numerics={"element_degree": 2, "dt_initial_s": 10.0, "dt_max_s": 10.0, "dt_growth": 1.0},
    )
    doc.update(extra)
    return validate(doc)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from mpi4py import MPI

    out = tmp_path_factory.mktemp("stack_transport") if MPI.COMM_WORLD.rank == 0 else None
    out = MPI.COMM_WORLD.bcast(out, root=0)
    r = Run(_case(), out)
    summary = r.execute()
    assert summary["status"] == "completed", summary["message"]
    return r


def test_host_layer_follows_crank(run):
    law = run.model.hosts["anode"]
    flux = I_MA_CM2 * 1e-5 / FARADAY_C_PER_MOL  # mol / (mm^2 s)
    D = D_CM2_S * 100.0
    x, theta = _theta_nodes(run.model)
    z0 = 0.1  # the separator's top
    in_host = x[:, 1] >= z0 - 1e-9
    depth = np.clip(z0 + L_MM - x[in_host, 1], 0.0, L_MM)  # Crank's x: 0 at the no-flux face
    theta_ex = cf.slab_constant_flux(depth, T_S, L_MM, D, flux) / law.c_max
    scale = flux * L_MM / (D * law.c_max)
    # 20 P1 cells, dt = T/100: the same resolution as the film test (2.1e-3 there)
    assert np.max(np.abs(theta[in_host] - theta_ex)) / scale < 4e-3


def test_series_mean_theta_is_the_charge_passed(run):
    law = run.model.hosts["anode"]
    series = read_series(run.out / "series.csv")
    q = series["capacity_mAh_cm2"][-1]
    assert q == pytest.approx(I_MA_CM2 * T_S / 3600.0, rel=1e-9)  # written with 10 digits
    # mean theta = q / (F c_max L), from the host record alone (mAh/cm^2 -> C/mm^2)
    expected = q * 3.6 / 100.0 / (FARADAY_C_PER_MOL * law.c_max * L_MM)
    assert series["mean_theta"][-1] == pytest.approx(expected, rel=1e-6)
    assert series["normalized_capacity"][-1] == pytest.approx(expected, rel=1e-6)
    assert series["voltage_V"][-1] is not None


def test_host_layer_in_plane_stress_is_the_film_stress(run):
    model = run.model
    law = model.hosts["anode"]
    omega = law.lith.host_molar_volume_mm3_per_mol / law.lith.li_per_host_max * 0.01
    xc, sigma = _stress_centroids(model)
    s = np.column_stack([sigma[:, 0, 0], sigma[:, 1, 1]])
    in_host = xc[:, 1] > 0.1
    depth = np.clip(0.1 + L_MM - xc[in_host, 1], 0.0, L_MM)
    flux = I_MA_CM2 * 1e-5 / FARADAY_C_PER_MOL
    c = cf.slab_constant_flux(depth, T_S, L_MM, D_CM2_S * 100.0, flux)
    # the host is its own reference: c per as-assembled volume, Omega from J_g
    expected = cf.film_inplane_stress(50.0e3, law.lith.poisson_ratio(0.0) if law.lith.poisson_ratio else
                                      run.case.layer("anode").material.elastic.poisson_ratio, omega, c)
    scale = np.max(np.abs(expected))
    assert np.max(np.abs(s[in_host, 0] - expected)) / scale < 1e-2
    assert np.max(np.abs(s[in_host, 1] - expected)) / scale < 1e-2


def test_flux_is_pulled_back_with_the_stretch():
    """J_R = -D C^-1 Grad(theta) c_max: under a uniform stretch lambda along y (u_y =
    (lambda - 1) y), the mass rows of a linear theta are those of the unstretched body over
    lambda^2 (diffusion across a stretched layer is slower in reference units), exactly."""
    from dolfinx import fem
    from dolfinx.fem import petsc as fem_petsc
    from mpi4py import MPI

    from solver.geometry import build_rectangle
    from solver.physics.body import build_body_model
    from solver.physics.model import MASS_FORM, THETA_SUB, U_SUB, collapsed
    from solver.verification.problems import test_host as verification_host

    body = build_rectangle(MPI.COMM_WORLD, 1.0, 1.0, 2, 2, "plane_strain")
    model = build_body_model(body, {"bar": verification_host(1.0, beta=1e-8)}, degree=1,
                             stress_coupling=False)
    model.dt.value = 1.0
    form = fem.form(model.residual[MASS_FORM])
    V, vmap = collapsed(model.W.sub(THETA_SUB))
    xs = V.tabulate_dof_coordinates()
    model.w.x.array[vmap] = 0.1 + 0.5 * xs[:, 1]  # theta = theta_old + a gradient: no rate term
    model.w_old.x.array[:] = model.w.x.array
    model.w_old.x.array[vmap] = 0.1 + 0.5 * xs[:, 1]

    def mass_rows(stretch):
        Vu, umap = collapsed(model.W.sub(U_SUB))
        u = fem.Function(Vu)
        u.interpolate(lambda x: np.vstack([0.0 * x[0], (stretch - 1.0) * x[1]]))
        model.w.x.array[umap] = u.x.array
        model.w.x.scatter_forward()
        model.points.evaluate()
        vec = fem_petsc.assemble_vector(form)
        vec.ghostUpdate()
        return vec.array.copy()

    plain, stretched = mass_rows(1.0), mass_rows(1.5)
    assert np.allclose(stretched, plain / 1.5**2, rtol=1e-10, atol=1e-14)
