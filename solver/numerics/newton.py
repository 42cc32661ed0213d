"""Newton's method for the stack with the plunger as one extra scalar unknown.

The rigid plunger face moves by U, so the full increment is  du = dw + dU phi  with dw zero on
the face. Linearising  R(w) = 0  (free dofs) and  R_U(w) + F_fix(U) = 0  gives the bordered
system

    [ J      J phi          ] [dw]     [ R       ]
    [ r^T    phi^T J phi + k] [dU] = - [ R_U + F ],   r = dR_U/dw,  F = F0 + k (U - U0),

solved with one factorisation of J and two back-substitutions (k = inf: dU = 0, a fixed gap);
with ``linear_solver = "gamg"`` one AMG set-up of J and two Krylov solves
(:mod:`solver.numerics.krylov`). This module and that one are the only ones that touch PETSc.
Each solver has its own options prefix, and a failed solve is returned as a result for the
stepper to cut the step, never raised. :attr:`PlungerNewtonSolver.timings` adds up where the
time goes (assembly, material-point update, preconditioner set-up, linear solves).
"""

from __future__ import annotations

import itertools
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

from solver.numerics import krylov
from solver.physics.model import Model

_ids = itertools.count()

ROUNDOFF_MERIT = 1.0e3
"""A residual within this many tolerances that a Newton step cannot lower by more than the
factor STAGNATION counts as converged: it sits at the round-off floor of the assembly."""
STAGNATION = 0.5

LINEAR_SOLVERS = {
    "mumps": {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"},
    "superlu_dist": {
        "ksp_type": "preonly",
        "pc_type": "lu",
        "pc_factor_mat_solver_type": "superlu_dist",
    },
    "gamg": krylov.GAMG,  # with F-bar or Li hosts: krylov.options(model), a field split
}
"""Default PETSc options of each ``numerics.linear_solver``; ``numerics.petsc_options`` adds to
or overrides them."""

AUTO_GAMG_DOFS = {2: 500_000, 3: 70_000}
"""Global unknowns from which ``linear_solver = "auto"`` takes "gamg" instead of "mumps", by
the mesh's dimension. Measured on the Li full cell (``scripts/benchmark.py --crossover``,
docs/performance.md), the linear part of one Newton iteration (MUMPS: a factorisation and two
back-substitutions; gamg: two Krylov solves and a seventh of an AMG set-up): in 3-D MUMPS
takes 0.71 times gamg's time at 52 k dofs and 1.47 times at 100 k, the same at ~71 k; in 2-D
the two are even within the scatter of repeated runs from 125 k to 490 k dofs (0.8 to 1.4),
so MUMPS, exact and without tuning, is kept there up to 500 k."""


def choose_linear_solver(name: str, n_dofs: int, gdim: int) -> str:
    """The case's ``numerics.linear_solver``, with "auto" resolved by the global unknowns."""
    if name != "auto":
        return name
    return "gamg" if n_dofs >= AUTO_GAMG_DOFS[gdim] else "mumps"


TIMERS = ("jacobian_s", "residual_s", "material_points_s", "pc_setup_s", "linear_solve_s")
COUNTERS = ("newton_iterations", "linear_solves", "krylov_iterations", "pc_setups",
            "warm_solves", "warm_krylov_iterations")  # warm: started from the last solution


@dataclass(frozen=True)
class PlungerLoad:
    """Fixture acting on the plunger: F = F0 + k (U - U0), k = inf holds U."""

    preload_N: float
    stiffness_N_per_mm: float
    anchor_mm: float

    def force(self, U: float) -> float:
        return self.preload_N + self.stiffness_N_per_mm * (U - self.anchor_mm)


@dataclass(frozen=True)
class NewtonResult:
    converged: bool
    iterations: int
    residual_norm: float
    reason: str
    history: tuple[dict, ...] = ()  # the block residual norms, one entry per iterate


class PlungerNewtonSolver:
    """Owns the PETSc matrix, vectors and KSP for one :class:`StackModel`."""

    def __init__(self, model: Model, rtol: float, max_iterations: int, linear_solver: str,
                 petsc_options: dict | None = None, force_scale_N: float = 1.0,
                 transport_scale: float = 1.0):
        self.model = model
        self.comm = model.W.mesh.comm
        self.rtol, self.max_iterations = rtol, max_iterations
        # Each physics block converges on its own: |R_block| <= rtol max(|R_block,0|, scale).
        # Mechanics rows are forces (N); transport rows are volumes of theta change (mm^3), whose
        # scale is passed in (e.g. the host volume over sqrt(its dofs): theta to rtol).
        self.scales = {"mechanics": force_scale_N, "transport": transport_scale}
        self.U = 0.0
        self._R = [fem.form(f) for f in model.residual]
        self._J = [fem.form(f) for f in model.jacobian]
        self.has_plunger = getattr(model, "plunger_residual", None) is not None
        if self.has_plunger:
            self._RU = fem.form(model.plunger_residual)
            self._row = fem.form(model.plunger_row)
            self._col = [fem.form(f) for f in model.plunger_column]
            self._diag = fem.form(model.plunger_diagonal)
        # sparsity of the summed Jacobian (it depends on the dofmaps, not on quadrature)
        self.A = fem_petsc.create_matrix(fem.form(model.sparsity_form))
        self.b = fem_petsc.create_vector(model.W)
        self.row = fem_petsc.create_vector(model.W)
        self.col = fem_petsc.create_vector(model.W)
        self.dx1 = fem_petsc.create_vector(model.W)
        self.dx2 = fem_petsc.create_vector(model.W)
        self.prefix = f"ssb_{next(_ids)}_"
        self.linear_solver = linear_solver
        defaults = krylov.options(model) if linear_solver == "gamg" else LINEAR_SOLVERS[linear_solver]
        opts = PETSc.Options()
        for key, value in {**defaults, **(petsc_options or {})}.items():
            opts[f"{self.prefix}{key}"] = value
        self.ksp = PETSc.KSP().create(self.comm)
        self.ksp.setOptionsPrefix(self.prefix)
        self.ksp.setOperators(self.A)
        self.twin = krylov.attach(self.ksp, self.A, model) if linear_solver == "gamg" else None
        self.ksp.setFromOptions()
        # Krylov: the AMG hierarchy is kept across Newton iterations and steps until the
        # iterations grow (krylov.RebuildPolicy); a factorisation is redone every iteration
        self.policy = krylov.RebuildPolicy() if linear_solver == "gamg" else None
        self.timings = dict.fromkeys(TIMERS, 0.0) | dict.fromkeys(COUNTERS, 0)

    @contextmanager
    def _timed(self, key: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[key] += time.perf_counter() - t0

    def _linear_solve(self, rhs, out, guess: bool = False) -> None:
        """out = J^-1 rhs; with ``guess`` (Krylov only) starting from the values in ``out``."""
        krylov_ = self.policy is not None
        self.ksp.setInitialGuessNonzero(guess and krylov_)
        with self._timed("linear_solve_s"):
            self.ksp.solve(rhs, out)
        if krylov_ and self.ksp.getConvergedReason() < 0 and self.policy.kept:
            self._set_up_preconditioner()  # a kept hierarchy failed: rebuild it and retry
            with self._timed("linear_solve_s"):
                self.ksp.solve(rhs, out)
        its = self.ksp.getIterationNumber()
        self.timings["linear_solves"] += 1
        self.timings["krylov_iterations"] += its
        if krylov_ and not guess:
            self.policy.solved(its)
        if krylov_ and guess:
            self.timings["warm_solves"] += 1
            self.timings["warm_krylov_iterations"] += its

    def _assemble_vector(self, vec, forms) -> None:
        with self._timed("residual_s"):
            with vec.localForm() as local:
                local.set(0.0)
            for form in forms if isinstance(forms, list) else [forms]:
                fem_petsc.assemble_vector(vec, form)
            vec.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
            fem_petsc.set_bc(vec, self.model.increment_bcs)  # zero on constrained dofs

    def _scalar(self, form) -> float:
        with self._timed("residual_s"):
            return self.comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)

    def _update_points(self) -> None:
        with self._timed("material_points_s"):
            self.model.points.evaluate()

    def _assemble_jacobian(self) -> None:
        with self._timed("jacobian_s"):
            self.A.zeroEntries()
            bcs = self.model.increment_bcs
            for form in self._J[1:]:
                fem_petsc.assemble_matrix(self.A, form, bcs=bcs, diag=0.0)
                self.A.assemble(PETSc.Mat.AssemblyType.FLUSH)
            # last, because it inserts (not adds) the unit diagonal of the constrained rows
            fem_petsc.assemble_matrix(self.A, self._J[0], bcs=bcs)
            self.A.assemble()
        if self.policy is not None and not self.policy.stale:
            self.ksp.getPC().setReusePreconditioner(True)  # the Krylov method sees the new J
            self.policy.kept = True
            return
        self._set_up_preconditioner()

    def _set_up_preconditioner(self) -> None:
        """The factorisation, or the AMG hierarchy, of the last assembled J."""
        with self._timed("pc_setup_s"):
            if self.twin is not None:
                self.twin.refresh(self.A)
            self.ksp.getPC().setReusePreconditioner(False)
            # PCSetUp sees the new matrix values (KSPSetUp alone returns early); the blocks:
            # the split's inner solvers
            self.ksp.getPC().setUp()
            self.ksp.setUpOnBlocks()
        self.timings["pc_setups"] += 1
        if self.policy is not None:
            self.policy.rebuilt()

    def plunger_reaction_N(self) -> float:
        """Force the stack exerts on the plunger, -int P : Grad(phi) dV (N, compression > 0)."""
        return -self._scalar(self._RU)

    def _residual(self, load: PlungerLoad | None, free_plunger: bool) -> tuple[dict, float]:
        """Assemble R into self.b; return ({block: norm}, R_U + F); R_U joins mechanics."""
        self._assemble_vector(self.b, self._R)
        r_U = self._scalar(self._RU) + load.force(self.U) if free_plunger else 0.0
        local = self.b.array_r
        norms = {}
        for name, idx in self.model.blocks.items():
            sq = self.comm.allreduce(float(np.dot(local[idx], local[idx])), op=MPI.SUM)
            norms[name] = math.sqrt(sq + (r_U**2 if name == "mechanics" else 0.0))
        return norms, r_U

    @staticmethod
    def _finite(norms: dict) -> bool:
        return all(math.isfinite(v) for v in norms.values())

    def solve(self, load: PlungerLoad | None = None) -> NewtonResult:
        """Solve for (w, U) at the model's current constants; w and U are updated in place.

        Every residual is assembled after the material points are re-evaluated at the current
        fields (their return maps run from the committed state), so the Jacobian is the
        consistent tangent. A backtracking line search halves the step while the residual is
        not finite or does not decrease (the creep law is stiff: far from the solution a full
        step can overshoot).
        """
        w = self.model.w
        phi = self.model.phi if self.has_plunger else None
        local_update = self._update_points
        free_plunger = self.has_plunger and math.isfinite(load.stiffness_N_per_mm)
        local_update()
        norms, r_U = self._residual(load, free_plunger)
        norm = max(norms.values())
        if not self._finite(norms):
            return NewtonResult(False, 0, norm, "residual is not finite")
        tolerance = {k: self.rtol * max(v, self.scales[k]) for k, v in norms.items()}
        if all(v <= 1e-3 * self.rtol * self.scales[k] for k, v in norms.items()):
            return NewtonResult(True, 0, norm, "converged at the initial guess", (norms,))
        history = [norms]
        for it in range(1, self.max_iterations + 1):
            self.timings["newton_iterations"] += 1
            self._assemble_jacobian()
            self.b.scale(-1.0)
            self._linear_solve(self.b, self.dx1)
            if self.ksp.getConvergedReason() < 0:
                return NewtonResult(False, it, norm, f"linear solve failed ({self.ksp.getConvergedReason()})")
            dU = 0.0
            if free_plunger:
                self._assemble_vector(self.col, self._col)
                self._assemble_vector(self.row, self._row)
                self.col.scale(-1.0)
                # dx2, the response to a unit plunger motion, changes little between
                # iterations: the last one starts the Krylov solve
                self._linear_solve(self.col, self.dx2, guess=True)
                if self.ksp.getConvergedReason() < 0:
                    self.dx2.set(0.0)  # no start for the next solve
                    return NewtonResult(False, it, norm,
                                        f"linear solve failed ({self.ksp.getConvergedReason()})")
                d = self._scalar(self._diag) + load.stiffness_N_per_mm
                stiffness = d + self.row.dot(self.dx2)  # of the plunger, the rest following it
                if stiffness == 0.0 or not math.isfinite(stiffness):
                    # nothing holds the plunger's body against the force: a layer out of
                    # contact under a constant force (a failed step, which the stepper cuts)
                    return NewtonResult(False, it, norm, "the plunger has no stiffness: the "
                                        "body under it is free (out of contact)")
                dU = -(r_U + self.row.dot(self.dx1)) / stiffness
                self.dx1.axpy(dU, self.dx2)
            self.dx1.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)
            with self.dx1.localForm() as local:
                step = local.array_r.copy()
            if free_plunger:
                step += dU * phi.x.array
            w_prev, U_prev = w.x.array.copy(), self.U
            alpha = 1.0
            merit = self._merit(norms, tolerance)
            near_floor = merit <= ROUNDOFF_MERIT
            decreased = False
            for _ in range(1 if near_floor else 8):
                w.x.array[:] = w_prev + alpha * step
                self.U = U_prev + alpha * dU
                local_update()
                trial, r_U = self._residual(load, free_plunger)
                trial_merit = self._merit(trial, tolerance) if self._finite(trial) else math.inf
                if trial_merit < merit:
                    decreased = True
                    break
                alpha *= 0.5
            if near_floor and (not decreased or trial_merit > STAGNATION * merit):
                # a full Newton step that does not shrink a residual already within a few
                # hundred tolerances is at the round-off floor of the assembly (quadratic
                # convergence would shrink it by orders): keep the better iterate
                if not decreased:
                    w.x.array[:] = w_prev
                    self.U = U_prev
                    local_update()
                else:
                    history.append(trial)
                return NewtonResult(True, it, norm, "converged to round-off", tuple(history))
            norms = trial
            history.append(norms)
            norm = max(norms.values())
            if not self._finite(norms):
                return NewtonResult(False, it, norm, "residual is not finite")
            if all(norms[k] <= tolerance[k] for k in norms):
                return NewtonResult(True, it, norm, "converged", tuple(history))
        return NewtonResult(False, self.max_iterations, norm, "maximum Newton iterations reached",
                            tuple(history))

    @staticmethod
    def _merit(norms: dict, tolerance: dict) -> float:
        """Residual measured in units of each block's tolerance (for the line search)."""
        return math.sqrt(sum((norms[k] / tolerance[k]) ** 2 for k in norms))
