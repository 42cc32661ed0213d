"""The assembled Jacobian of the coupled solver against a central difference of its residual."""

from __future__ import annotations

from dolfinx.fem import petsc as fem_petsc
from petsc4py import PETSc


def jacobian_error(model, solver, direction, residual, h: float = 1e-7) -> float:
    """|J v - (R(h) - R(-h)) / 2h| / |..| along ``direction`` (a Function of the mixed space);
    ``residual(shift)`` assembles R at the state moved by shift * direction and returns a copy."""
    fd = residual(h)
    fd.axpy(-1.0, residual(-h))
    fd.scale(1.0 / (2 * h))
    residual(0.0)
    solver.A.zeroEntries()
    bcs = model.increment_bcs
    for form in solver._J[1:]:
        fem_petsc.assemble_matrix(solver.A, form, bcs=bcs, diag=0.0)
        solver.A.assemble(PETSc.Mat.AssemblyType.FLUSH)
    fem_petsc.assemble_matrix(solver.A, solver._J[0], bcs=bcs)
    solver.A.assemble()
    v = solver.dx1
    with v.localForm() as local:
        local.array[:] = direction.x.array
    Jv = solver.row
    solver.A.mult(v, Jv)
    fem_petsc.set_bc(Jv, bcs, alpha=0.0)  # rows of held dofs are identities there
    fem_petsc.set_bc(fd, bcs, alpha=0.0)
    return (Jv - fd).norm() / fd.norm()
