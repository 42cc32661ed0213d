"""Krylov solves of the stack's tangent preconditioned by smoothed-aggregation AMG (PETSc GAMG).

Smoothed aggregation builds its coarse spaces from the near-nullspace of the operator: the
displacements that cost (almost) no strain energy. Without them GAMG coarsens the three
displacement components as if they were unrelated scalar fields and converges slowly on
elasticity (Vanek, Mandel & Brezina 1996, Computing 56, 179, doi:10.1007/BF02238511). The modes
given here are those of the stack without its supports:

* 3-D: the three translations and the three rotations, u = a + b x X;
* plane strain: the two in-plane translations and the in-plane rotation (-x1, x0);
* axisymmetric (r, z): only the axial translation costs no energy (a radial motion u_r = c
  strains the hoop direction by c / r). Away from the axis that hoop term is of lower order
  than the gradient terms, so on each aggregate the radial translation and the in-plane
  rotation are near-kernel too. All three are given: a superset of the kernel only enlarges
  the coarse space (measured in ``tests/test_krylov.py``: the same iterations or fewer than
  with the axial translation alone).

Supports, the die wall and the plunger are in the matrix; the modes are those of the
unsupported body (PETSc's MatSetNearNullSpace), as usual for AMG.

The displacement of a stack without F-bar and transport is a blocked vector space (the gdim
components of each node are consecutive), so the matrix gets that block size and GAMG
aggregates nodes, not components: CG + GAMG.

With F-bar (regions whose law flows: Li) W carries the dilatation e_bar, with Li hosts also theta
and q: the matrix is not blocked, and not symmetric. The solve is then GMRES with a
multiplicative (block Gauss-Seidel) field split: first the scalar fields (e_bar, theta, q; P1,
a small block) by LU, then the displacement by one GAMG V-cycle on rows that carry the block
size and the modes. F-bar takes the bulk stiffness of the flowing cells out of the u-u block
(the volume change is carried by e_bar), leaving it as soft as the creeping shear: GAMG on that
block alone misses the stiffest part of the displacement operator. The preconditioner is
therefore built from a twin of J with K div(du) div(v) added on the flowing cells
(``Model.volumetric_stiffness``); the Krylov method still applies J itself. Measured on the Li
full cell in 3-D (11 408 dofs, the quick mesh of ``scripts/benchmark.py``), FGMRES(50)
iterations to rtol 1e-8 on the plunger column, after the preload and one step of 1e-4 s, and
after two steps of 300 s (Li creeping):

============================================================  ======  =====
preconditioner (e_bar by LU, then u by one GAMG V-cycle)       1e-4 s  300 s
============================================================  ======  =====
Gauss-Seidel, GAMG on the u-u block of J                         467    846
Schur complement, GAMG on A_uu - A_ue diag(A_ee)^-1 A_eu          142    155
Gauss-Seidel, GAMG on u-u + K div div (the default)               138    150
the default with ILU(0) on e_bar / Jacobi on e_bar            170 / 333  185 / 371
no F-bar (``numerics.f_bar = false``): CG + GAMG, blocked         131    144
============================================================  ======  =====

The Schur variant's assembled approximation has 6 times the nonzeros of J (the e_bar patches
couple second neighbours) and a set-up 8 times as long; the augmented twin has J's pattern.
"""

from __future__ import annotations

import numpy as np
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from petsc4py import PETSc

from solver.physics.model import U_SUB, collapsed

KRYLOV_RTOL = 1.0e-8
"""Relative residual of each linear solve. Newton is then an inexact Newton method with forcing
term 1e-8: it converges as with exact solves down to ~1e-8 of the residual it starts an
iteration from, far below what one iteration needs (tests/test_krylov.py: the same stack
pressure as MUMPS to 1e-8)."""


def _gamg(prefix: str = "") -> dict:
    """Smoothed aggregation, Chebyshev/Jacobi smoothing on the levels."""
    return {f"{prefix}pc_type": "gamg", f"{prefix}pc_gamg_type": "agg",
            f"{prefix}pc_gamg_agg_nsmooths": 1, f"{prefix}pc_gamg_threshold": 0.01,
            f"{prefix}mg_levels_ksp_type": "chebyshev", f"{prefix}mg_levels_pc_type": "jacobi"}


GAMG = {
    "ksp_type": "cg",  # the tangent of the displacement-only stack is symmetric
    "ksp_rtol": KRYLOV_RTOL,
    "ksp_max_it": 1000,
    **_gamg(),
}
"""Options of ``numerics.linear_solver = "gamg"`` on a displacement-only stack;
``numerics.petsc_options`` overrides them."""

SCALARS = "scalars"
"""Name of the split of the fields besides the displacement (options ``fieldsplit_scalars_*``)."""

SPLIT = {
    # the e_bar, theta and q rows make J non-symmetric; right preconditioning, so that rtol
    # bounds the true residual (left-preconditioned GMRES, stopping on the preconditioned one,
    # left 100 times the error on the Li full cell, and Newton lost its way on a Sn host)
    "ksp_type": "fgmres",
    "ksp_gmres_restart": 50,  # 30: 12 % more iterations; 100: 1 % fewer
    "ksp_rtol": KRYLOV_RTOL,
    "ksp_max_it": 1000,
    "pc_type": "fieldsplit",
    "pc_fieldsplit_type": "multiplicative",
    f"fieldsplit_{SCALARS}_ksp_type": "preonly",
    f"fieldsplit_{SCALARS}_pc_type": "lu",  # a small block; ILU, Jacobi: see above
    f"fieldsplit_{SCALARS}_pc_factor_mat_solver_type": "mumps",
    # inner CG to 1e-2: 28 instead of 138 iterations, but 3 times the time (23-28 V-cycles each)
    "fieldsplit_u_ksp_type": "preonly",
    **_gamg("fieldsplit_u_"),
}
"""Options of "gamg" when W has more than the displacement (F-bar's e_bar, or Li hosts)."""


REBUILD_GROWTH = 1.5
"""The AMG hierarchy is rebuilt when a solve from a zero start needs more than this many times
the iterations of the first solve after the last rebuild (and more than REBUILD_FLOOR)."""
REBUILD_FLOOR = 10


class RebuildPolicy:
    """When to rebuild the AMG hierarchy: a kept (lagged) preconditioner of a Jacobian that
    has since changed still gives the Newton step to the Krylov tolerance, as the Krylov method
    applies the current J; it only needs more iterations as J drifts away from it."""

    def __init__(self):
        self.stale = True  # rebuild at the next assembly
        self.kept = False  # the hierarchy in use is older than the last assembled J
        self._baseline: int | None = None

    def rebuilt(self) -> None:
        self.stale, self.kept, self._baseline = False, False, None

    def solved(self, iterations: int) -> None:
        if self._baseline is None:
            self._baseline = iterations
        elif iterations > REBUILD_GROWTH * max(self._baseline, REBUILD_FLOOR):
            self.stale = True


def rigid_body_modes(model) -> list[np.ndarray]:
    """Near-nullspace of the displacement block, as arrays over the local dofs of ``model.W``
    (owned and ghost; zero on the other fields), not yet orthonormal."""
    V, dofs = collapsed(model.W.sub(U_SUB))
    gdim = V.dofmap.index_map_bs
    X = V.tabulate_dof_coordinates()[:, :gdim]
    X = X - X.mean(axis=0)  # centred: the rotations are then nearly orthogonal to translations
    n_nodes = X.shape[0]
    size = model.W.dofmap.index_map.size_local + model.W.dofmap.index_map.num_ghosts
    size *= model.W.dofmap.index_map_bs

    def mode(components: list) -> np.ndarray:
        out = np.zeros(size)
        for c, values in enumerate(components):
            out[dofs[c:gdim * n_nodes:gdim]] = values
        return out

    one, zero = np.ones(n_nodes), np.zeros(n_nodes)
    if gdim == 3:
        x, y, z = X.T
        return [mode([one, zero, zero]), mode([zero, one, zero]), mode([zero, zero, one]),
                mode([-y, x, zero]), mode([zero, -z, y]), mode([z, zero, -x])]
    x0, x1 = X.T
    return [mode([one, zero]), mode([zero, one]), mode([-x1, x0])]


def _orthonormal(vectors: list[PETSc.Vec]) -> list[PETSc.Vec]:
    """Modified Gram-Schmidt (PETSc requires an orthonormal near-nullspace basis)."""
    out = []
    for v in vectors:
        for q in out:
            v.axpy(-v.dot(q), q)
        v.normalize()
        out.append(v)
    return out


def _nullspace(arrays: list[np.ndarray], n_owned: int, bs: int, comm) -> PETSc.NullSpace:
    vecs = []
    for a in arrays:
        v = PETSc.Vec().createMPI((n_owned, PETSc.DECIDE), bsize=bs, comm=comm)
        v.array[:] = a[:n_owned]
        vecs.append(v)
    return PETSc.NullSpace().create(vectors=_orthonormal(vecs), comm=comm)


def is_blocked(model) -> bool:
    """Whether the global numbering of ``model.W`` is nodewise blocked by the displacement:
    true for the displacement-only space (the mixed element has one vector sub-element)."""
    if model.W.num_sub_spaces != 1:
        return False
    V, dofs = collapsed(model.W.sub(U_SUB))
    gdim = V.dofmap.index_map_bs
    nodes = dofs.reshape(-1, gdim)  # row i: node i's components, in W's numbering
    return bool(np.all(nodes[:, 0] % gdim == 0) and np.all(nodes - nodes[:, :1] == np.arange(gdim)))


def options(model) -> dict:
    """The default PETSc options of the "gamg" linear solver for this model."""
    return dict(GAMG) if is_blocked(model) else dict(SPLIT)


class PreconditionerTwin:
    """The matrix the preconditioner is built from: a twin of the assembled A (sharing its
    sparsity), refreshed from A at every set-up of the preconditioner.

    * displacement only: A's values with block size gdim and the near-nullspace. A itself keeps
      block size 1: DOLFINx inserts the mixed space's element matrices with block indices of
      the matrix's block size, so A with bs = gdim would be assembled wrongly;
    * F-bar: A plus the volumetric stiffness of the flowing cells (see the module docstring),
      assembled with the current boundary conditions (their rows and columns left out).

    The twin is made at the first :meth:`refresh` (a matrix can be duplicated only once
    assembled); later refreshes reuse its index arrays.
    """

    def __init__(self, ksp: PETSc.KSP, block_size: int = 1, nullspace=None, model=None):
        self.ksp, self.block_size, self.nullspace, self.model = ksp, block_size, nullspace, model
        volumetric = getattr(model, "volumetric_stiffness", None)
        self.volumetric = None if volumetric is None else fem.form(volumetric)
        self.P: PETSc.Mat | None = None

    def refresh(self, A: PETSc.Mat) -> None:
        if self.P is None:
            self.P = A.duplicate(copy=PETSc.Mat.DuplicateOption.SHARE_NONZERO_PATTERN)
            if self.block_size > 1:
                self.P.setBlockSize(self.block_size)
            if self.nullspace is not None:
                self.P.setNearNullSpace(self.nullspace)
            self.ksp.setOperators(A, self.P)
        if self.volumetric is None:
            A.copy(self.P, structure=PETSc.Mat.Structure.SAME_NONZERO_PATTERN)
            return
        self.P.zeroEntries()
        fem_petsc.assemble_matrix(self.P, self.volumetric, bcs=self.model.increment_bcs, diag=0.0)
        self.P.assemble()
        self.P.axpy(1.0, A, structure=PETSc.Mat.Structure.SAME_NONZERO_PATTERN)


def attach(ksp: PETSc.KSP, A: PETSc.Mat, model) -> PreconditionerTwin | None:
    """Give the preconditioner the block size and the rigid-body near-nullspace.

    Call after ``ksp.setOperators(A)``. Displacement only: a :class:`PreconditionerTwin` with
    the block size. Otherwise a field split on the KSP, whose displacement IS carries the block
    size and the modes, and with F-bar a twin with the volumetric stiffness; None when the
    preconditioner is built from A itself. Refresh a twin after every assembly of A that the
    preconditioner is to see.
    """
    V, _ = collapsed(model.W.sub(U_SUB))
    gdim = V.dofmap.index_map_bs
    imap = model.W.dofmap.index_map
    n_owned = imap.size_local * model.W.dofmap.index_map_bs
    comm = model.W.mesh.comm
    modes = rigid_body_modes(model)
    if is_blocked(model):
        return PreconditionerTwin(ksp, gdim, _nullspace(modes, n_owned, gdim, comm))
    # field split: owned dofs of each block in the global numbering (contiguous per rank)
    start = A.getOwnershipRange()[0]
    u, scalars = _owned_blocks(model, n_owned)
    # the components of a node are consecutive in the mixed numbering too: a block of gdim
    blocked = u.size % gdim == 0 and np.all(np.diff(u.reshape(-1, gdim), axis=1) == 1)
    bs = gdim if blocked else 1
    is_u = PETSc.IS().createGeneral(u + start, comm=comm)
    is_u.setBlockSize(bs)
    is_s = PETSc.IS().createGeneral(scalars + start, comm=comm)
    # the split's rows are the u dofs in increasing order: the modes restricted to them
    is_u.compose("nearnullspace", _nullspace([m[u] for m in modes], u.size, bs, comm))
    pc = ksp.getPC()
    pc.setType(PETSc.PC.Type.FIELDSPLIT)
    pc.setFieldSplitIS((SCALARS, is_s), ("u", is_u))  # Gauss-Seidel: the scalars first
    if getattr(model, "volumetric_stiffness", None) is None:
        return None
    return PreconditionerTwin(ksp, model=model)


def _owned_blocks(model, n_owned: int) -> tuple[np.ndarray, np.ndarray]:
    """Owned dofs (local numbering, sorted) of the displacement and of the other fields."""
    def owned(subs):
        idx = np.concatenate([collapsed(model.W.sub(k))[1] for k in subs])
        return np.sort(idx[idx < n_owned]).astype(PETSc.IntType)

    others = [k for k in range(model.W.num_sub_spaces) if k != U_SUB]
    return owned([U_SUB]), owned(others)


def displacement_ksp(ksp: PETSc.KSP) -> PETSc.KSP:
    """The KSP whose preconditioner is GAMG: ``ksp`` itself, or its displacement split."""
    pc = ksp.getPC()
    if pc.getType() != PETSc.PC.Type.FIELDSPLIT:
        return ksp
    return next(sub for sub in pc.getFieldSplitSubKSP()
                if sub.getOptionsPrefix().endswith("fieldsplit_u_"))


def nearnullspace_size(ksp: PETSc.KSP) -> int:
    """Number of near-nullspace vectors the GAMG of this solver was given (0: none)."""
    nsp = displacement_ksp(ksp).getOperators()[1].getNearNullSpace()
    return 0 if nsp is None or nsp.handle == 0 else len(nsp.getVecs())
