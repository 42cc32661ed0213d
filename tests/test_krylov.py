"""The Krylov + GAMG path (``numerics.linear_solver = "gamg"``) against MUMPS.

The same small creeping stack is run with both linear solvers: the stack pressure after the
preload and every creep step must agree to 1e-8 relative. So must the shipped Li full cell at
its default numerics (P2 with F-bar on the Li: the dilatation e_bar is a field of W, and the
Krylov solve is a field split), after the preload and 10 us of rest at the fixed gap. Both runs meet the same Newton
tolerance (newton_rtol = 1e-9 on the force residual, relative to the preload force), so their
pressures can differ by about that much. Measured: the series agree in all 10 significant
digits series.csv holds (in memory, the final pressures of such runs differ by 1e-14 to 2e-13).
The bound is 10 times the Newton tolerance.

``linear_solver = "auto"`` takes MUMPS below ``AUTO_GAMG_DOFS`` unknowns and gamg from there.

Also checked: the rigid-body near-nullspace reaches GAMG (6 vectors in 3-D, 3 in the 2-D
modes) on a matrix of block size gdim, and where W has more fields than the displacement
(e_bar, or a Li host's theta and q) the field split carries them on its displacement block;
with F-bar the preconditioner is built from the twin with the volumetric stiffness.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from mpi4py import MPI

from solver.case import validate
from solver.io.series import read_series
from solver.numerics import krylov, newton
from solver.run import Run
from tests.conftest import stack_doc

AGREEMENT = 1.0e-8
LI_FULL_CELL = Path(__file__).resolve().parents[1] / "cases" / "li_full_cell_fixed_gap.toml"


def _stack(mode: str, solver: str) -> dict:
    """A creeping Li anode, F-bar off: the displacement is the only field (CG + GAMG)."""
    return stack_doc(
        geometry__mode=mode,
        geometry__radial_mesh_size_um=2500.0 if mode == "3d" else 500.0,
        regions__anode={"material": "li"},  # Norton creep: a nonlinear Newton solve per step
        fixture={"type": "fixed_gap", "preload_MPa": 5.0, "frame_stiffness_N_per_mm": 10900.0},
        protocol=[{"step": "rest", "duration_h": 0.04 / 3600.0}],  # Li relaxes over seconds
        numerics={"element_degree": 1 if mode == "3d" else 2, "dt_initial_s": 0.01,
                  "dt_max_s": 0.01, "creep_error_tolerance": 10.0, "f_bar": False,
                  "linear_solver": solver},
    )


def _li_full_cell(solver: str) -> dict:
    """The shipped case at its own numerics, cut to the preload and 10 us of rest (the error
    control takes steps of 1 to 3 us there: six rows)."""
    doc = tomllib.loads(LI_FULL_CELL.read_text())
    doc.pop("measured")
    doc["protocol"] = [{"step": "rest", "duration_h": 1.0e-5 / 3600.0}]
    doc["numerics"]["linear_solver"] = solver
    doc["output"] = {"field_formats": []}
    return doc


def _host_stack(solver: str) -> dict:
    """A Sn host on the separator of a 2 mm die (elements of aspect ratio ~10)."""
    return stack_doc(
        geometry__die_diameter_mm=2.0,
        geometry__radial_mesh_size_um=250.0,
        geometry__stack=["separator", "anode"],
        geometry__layers={"separator": {"thickness_um": 100.0, "mesh_size_um": 50.0},
                          "anode": {"thickness_um": 50.0, "mesh_size_um": 25.0}},
        regions={"separator": {"material": "li6ps5cl"},
                 "anode": {"material": "sn", "overrides": {"creep": "none"}}},
        electrochemistry={},
        protocol=[{"step": "charge", "current_mA_cm2": 1.0, "duration_h": 120.0 / 3600.0}],
        numerics={"element_degree": 2, "dt_initial_s": 60.0, "dt_max_s": 60.0,
                  "dt_growth": 1.0, "linear_solver": solver},
    )


def _run(doc: dict, out) -> tuple[Run, dict]:
    run = Run(validate(doc), out, MPI.COMM_WORLD)
    summary = run.execute()
    assert summary["status"] == "completed", summary["message"]
    return run, read_series(out / "series.csv")


def _out(tmp_path, name):
    comm = MPI.COMM_WORLD
    return comm.bcast(tmp_path / name if comm.rank == 0 else None, root=0)


@pytest.mark.parametrize("mode", ["3d", "axisymmetric"])
def test_gamg_reaches_the_mumps_solution(tmp_path, mode):
    _, direct = _run(_stack(mode, "mumps"), _out(tmp_path, "mumps"))
    run, krylov_ = _run(_stack(mode, "gamg"), _out(tmp_path, "gamg"))
    p_d, p_k = direct["stack_pressure_MPa"], krylov_["stack_pressure_MPa"]
    assert len(p_d) == len(p_k) >= 4  # the preload and three creep steps
    for a, b in zip(p_d, p_k, strict=True):
        assert abs(b - a) <= AGREEMENT * abs(a)
    assert max(direct["max_creep_strain"]) > 0.0  # the steps did creep
    # the near-nullspace and block size GAMG was built from
    gdim = run.model.W.mesh.geometry.dim
    ksp = run.solver.ksp
    assert ksp.getPC().getType() == "gamg"
    assert ksp.getOperators()[1].getBlockSize() == gdim
    assert krylov.nearnullspace_size(ksp) == (6 if mode == "3d" else 3)
    # the hierarchy was kept across iterations, not rebuilt for each
    t = run.solver.timings
    assert t["pc_setups"] < t["newton_iterations"]


def test_gamg_field_split_with_a_li_host(tmp_path):
    _, direct = _run(_host_stack("mumps"), _out(tmp_path, "mumps"))
    run, krylov_ = _run(_host_stack("gamg"), _out(tmp_path, "gamg"))
    for column in ("stack_pressure_MPa", "mean_theta"):
        for a, b in zip(direct[column], krylov_[column], strict=True):
            assert abs(b - a) <= AGREEMENT * max(abs(a), 1e-3)
    ksp = run.solver.ksp
    assert ksp.getPC().getType() == "fieldsplit"
    assert krylov.displacement_ksp(ksp).getOperators()[1].getBlockSize() == 2
    assert krylov.nearnullspace_size(ksp) == 3


def test_gamg_with_f_bar_on_the_li_full_cell(tmp_path):
    _, direct = _run(_li_full_cell("mumps"), _out(tmp_path, "mumps"))
    run, krylov_ = _run(_li_full_cell("gamg"), _out(tmp_path, "gamg"))
    assert run.model.dilatation_sub is not None  # F-bar is on by default
    p_d, p_k = direct["stack_pressure_MPa"], krylov_["stack_pressure_MPa"]
    assert len(p_d) == len(p_k) >= 5
    for a, b in zip(p_d, p_k, strict=True):
        assert abs(b - a) <= AGREEMENT * abs(a)
    ksp = run.solver.ksp
    pc = ksp.getPC()
    assert pc.getType() == "fieldsplit"
    scalars = next(k for k in pc.getFieldSplitSubKSP()
                   if k.getOptionsPrefix().endswith(f"fieldsplit_{krylov.SCALARS}_"))
    e_bar = run.model.W.sub(run.model.dilatation_sub).collapse()[0]
    assert scalars.getOperators()[0].getSize()[0] == e_bar.dofmap.index_map.size_global
    assert krylov.displacement_ksp(ksp).getOperators()[1].getBlockSize() == 2
    assert krylov.nearnullspace_size(ksp) == 3
    A, P = ksp.getOperators()
    assert P.handle != A.handle  # the twin with K div div on the Li cells
    assert run.solver.timings["pc_setups"] < run.solver.timings["newton_iterations"]


def test_auto_takes_mumps_below_the_size_and_gamg_above(tmp_path, monkeypatch):
    run, _ = _run(_stack("axisymmetric", "auto"), _out(tmp_path, "small"))
    assert run.n_dofs < newton.AUTO_GAMG_DOFS[2]
    assert run.linear_solver == "mumps"
    assert run.solver.ksp.getPC().getType() == "lu"
    monkeypatch.setitem(newton.AUTO_GAMG_DOFS, 2, run.n_dofs)  # the same stack is now "large"
    run, _ = _run(_stack("axisymmetric", "auto"), _out(tmp_path, "large"))
    assert run.linear_solver == "gamg"
    assert run.solver.ksp.getPC().getType() == "gamg"
