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

The displacement of a stack without transport is a blocked vector space (the gdim components
of each node are consecutive), so the matrix gets that block size and GAMG aggregates nodes, not
components. A stack with Li hosts adds theta and s: the matrix is then not blocked, and the
solve is a multiplicative field split, GAMG on the displacement block (its rows carry the block
size and the modes) and LU (MUMPS) on the small P1 transport block, inside GMRES.
"""

from __future__ import annotations

import numpy as np
from petsc4py import PETSc

from solver.physics.model import Q_SUB, THETA_SUB, U_SUB, collapsed

KRYLOV_RTOL = 1.0e-8
"""Relative residual of each linear solve. Newton is then an inexact Newton method with forcing
term 1e-8: it converges as with exact solves down to ~1e-8 of the residual it starts an
iteration from, far below what one iteration needs (tests/test_krylov.py: the same stack
pressure as MUMPS to 1e-8)."""

GAMG = {
    "ksp_type": "cg",  # the tangent of the displacement-only stack is symmetric (see below)
    "ksp_rtol": KRYLOV_RTOL,
    "ksp_max_it": 1000,
    "pc_type": "gamg",
    "pc_gamg_type": "agg",
    "pc_gamg_agg_nsmooths": 1,
    "pc_gamg_threshold": 0.01,
    "mg_levels_ksp_type": "chebyshev",
    "mg_levels_pc_type": "jacobi",
}
"""Options of ``numerics.linear_solver = "gamg"``; ``numerics.petsc_options`` overrides them."""

FIELDSPLIT = {
    # the theta and s rows do not make the system symmetric; flexible, as the displacement
    # block is itself solved by CG (one V-cycle alone left GMRES stalling on a 5 um Sn foil
    # meshed 1 mm wide in the radius: elements of aspect ratio 400)
    "ksp_type": "fgmres",
    "pc_type": "fieldsplit",
    "pc_fieldsplit_type": "multiplicative",
    "fieldsplit_u_ksp_type": "cg",
    "fieldsplit_u_ksp_rtol": 1.0e-2,
    "fieldsplit_u_pc_type": "gamg",
    "fieldsplit_u_pc_gamg_type": "agg",
    "fieldsplit_u_pc_gamg_agg_nsmooths": 1,
    "fieldsplit_u_pc_gamg_threshold": 0.01,
    "fieldsplit_u_mg_levels_ksp_type": "chebyshev",
    "fieldsplit_u_mg_levels_pc_type": "jacobi",
    "fieldsplit_transport_ksp_type": "preonly",
    "fieldsplit_transport_pc_type": "lu",
    "fieldsplit_transport_pc_factor_mat_solver_type": "mumps",
}
"""What replaces the ``pc_*``/``mg_*`` options of :data:`GAMG` for a stack with Li hosts."""


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
    (owned and ghost; zero on theta and s), not yet orthonormal."""
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


def split_options() -> dict:
    """The default PETSc options of "gamg" for a stack with Li hosts (the field split)."""
    kept = {k: v for k, v in GAMG.items() if k.startswith("ksp_")}
    return {**kept, **FIELDSPLIT}


def options(model) -> dict:
    """The default PETSc options of the "gamg" linear solver for this model."""
    return dict(GAMG) if is_blocked(model) else split_options()


class BlockedTwin:
    """The matrix GAMG is built from when the displacement is the only field: a twin of the
    assembled A (sharing its sparsity) with block size gdim and the near-nullspace.

    A itself keeps block size 1: DOLFINx inserts the mixed space's element matrices with block
    indices of the matrix's block size, so A with bs = gdim would be assembled wrongly. The twin
    is made at the first :meth:`refresh` (a matrix can be duplicated only once assembled) and
    gets A's values by a copy after every assembly (no new index arrays).
    """

    def __init__(self, ksp: PETSc.KSP, gdim: int, nullspace: PETSc.NullSpace):
        self.ksp, self.gdim, self.nullspace = ksp, gdim, nullspace
        self.P: PETSc.Mat | None = None

    def refresh(self, A: PETSc.Mat) -> None:
        if self.P is None:
            self.P = A.duplicate(copy=PETSc.Mat.DuplicateOption.SHARE_NONZERO_PATTERN)
            self.P.setBlockSize(self.gdim)
            self.P.setNearNullSpace(self.nullspace)
            self.ksp.setOperators(A, self.P)
        A.copy(self.P, structure=PETSc.Mat.Structure.SAME_NONZERO_PATTERN)


def attach(ksp: PETSc.KSP, A: PETSc.Mat, model) -> BlockedTwin | None:
    """Give the preconditioner the block size and the rigid-body near-nullspace.

    Call after ``ksp.setOperators(A)``. Without transport: a :class:`BlockedTwin`, to refresh
    after every assembly of A. With Li hosts: a field split on the KSP, whose displacement IS
    carries the block size and the modes; None (nothing to refresh).
    """
    V, _ = collapsed(model.W.sub(U_SUB))
    gdim = V.dofmap.index_map_bs
    imap = model.W.dofmap.index_map
    n_owned = imap.size_local * model.W.dofmap.index_map_bs
    comm = model.W.mesh.comm
    modes = rigid_body_modes(model)
    if is_blocked(model):
        return BlockedTwin(ksp, gdim, _nullspace(modes, n_owned, gdim, comm))
    # field split: owned dofs of each block in the global numbering (contiguous per rank)
    start = A.getOwnershipRange()[0]
    owned = {}
    for name, subs in (("u", (U_SUB,)), ("transport", (THETA_SUB, Q_SUB))):
        idx = np.concatenate([collapsed(model.W.sub(s))[1] for s in subs])
        owned[name] = np.sort(idx[idx < n_owned]).astype(PETSc.IntType)
    u = owned["u"]
    # the components of a node are consecutive in the mixed numbering too: a block of gdim
    blocked = u.size % gdim == 0 and np.all(np.diff(u.reshape(-1, gdim), axis=1) == 1)
    bs = gdim if blocked else 1
    is_u = PETSc.IS().createGeneral(u + start, comm=comm)
    is_u.setBlockSize(bs)
    is_t = PETSc.IS().createGeneral(owned["transport"] + start, comm=comm)
    # the split's rows are the u dofs in increasing order: the modes restricted to them
    is_u.compose("nearnullspace", _nullspace([m[u] for m in modes], u.size, bs, comm))
    pc = ksp.getPC()
    pc.setType(PETSc.PC.Type.FIELDSPLIT)
    pc.setFieldSplitIS(("u", is_u), ("transport", is_t))
    return None


def nearnullspace_size(ksp: PETSc.KSP) -> int:
    """Number of near-nullspace vectors the GAMG of this solver was given (0: none)."""
    pc = ksp.getPC()
    if pc.getType() == PETSc.PC.Type.FIELDSPLIT:
        sub = pc.getFieldSplitSubKSP()[0]
        nsp = sub.getOperators()[1].getNearNullSpace()
    else:
        nsp = ksp.getOperators()[1].getNearNullSpace()
    return 0 if nsp is None or nsp.handle == 0 else len(nsp.getVecs())
