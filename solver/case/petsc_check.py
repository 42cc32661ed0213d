"""Check ``numerics.petsc_options`` before the run, on a small system.

PETSc ignores a misspelt option until its end-of-run notice, and rejects a bad value
(``ksp_type = "nonexistent"``) only when the solver is set up, after meshing.

The options are tried on a small system on one process with the linear solver of the case
(for "gamg", a 1-D Laplacian large enough for a multigrid hierarchy, split into two fields
when the case's space holds more than the displacement, as the solver does): an option PETSc refuses, or one that this
solver never reads, is named as the case key.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from typing import Any

_ids = itertools.count()


GAMG_TRIAL_SIZE = 400
"""Unknowns of the trial system for "gamg": above GAMG's coarse-grid limit, so that the options
of the smoothers on the levels are read."""


def check_petsc_options(linear_solver: str, options: dict[str, Any], error,
                        split: bool = False) -> None:
    """Raise ``error(key, message)`` for the first option PETSc refuses or does not use.

    ``split``: the case's space holds more than the displacement (Li hosts, or F-bar's
    dilatation), so "gamg" is a field split (:mod:`solver.numerics.krylov`).
    """
    if not options:
        return
    if linear_solver == "auto":  # the solver is known only once the mesh is
        key = next(iter(options))
        raise error(f"numerics.petsc_options.{key}",
                    f"got {options[key]!r} with numerics.linear_solver = 'auto', which picks "
                    "'mumps' or 'gamg' by the number of unknowns; PETSc options belong to one "
                    "solver: set numerics.linear_solver to it")
    from solver.numerics import krylov  # imports PETSc: only when needed
    from solver.numerics.newton import LINEAR_SOLVERS

    kind = linear_solver if linear_solver != "gamg" else ("fieldsplit" if split else "gamg")
    defaults = {"fieldsplit": krylov.SPLIT, "gamg": krylov.GAMG}.get(
        kind, LINEAR_SOLVERS[linear_solver])
    problem = _try(defaults, options, kind)
    if problem is None:
        return
    for key in options:  # name the option at fault
        single = _try(defaults, {key: options[key]}, kind)
        if single is not None:
            raise error(f"numerics.petsc_options.{key}", f"got {options[key]!r}; {single}")
    raise error("numerics.petsc_options", problem)


def _try(defaults: dict[str, Any], options: dict[str, Any], kind: str) -> str | None:
    """Solve the small system with these options; None when PETSc used them all."""
    from petsc4py import PETSc

    prefix = f"ssbcheck_{next(_ids)}_"
    database = PETSc.Options()
    merged = {**defaults, **options}
    try:
        for key, value in merged.items():
            database[f"{prefix}{key}"] = value
        with _silent_stdout():  # a ksp_view or ksp_monitor would print the small solve
            _solve(prefix, kind)
        unused = [key for key in options if not database.used(f"{prefix}{key}")]
    except PETSc.Error as err:
        return f"PETSc refuses it: {_reason(err)}"
    except (TypeError, ValueError) as err:
        return f"not a PETSc option value: {err}"
    finally:
        for key in merged:
            with contextlib.suppress(Exception):
                database.delValue(f"{prefix}{key}")
    if unused:
        return (f"option {unused[0]!r} is not used by PETSc with this linear_solver "
                "(misspelt, or meant for another solver)")
    return None


def _solve(prefix: str, kind: str) -> None:
    from petsc4py import PETSc

    comm = PETSc.COMM_SELF
    n = 2 if kind not in ("gamg", "fieldsplit") else GAMG_TRIAL_SIZE
    A = PETSc.Mat().createAIJ([n, n], nnz=3, comm=comm)
    for i in range(n):  # the 1-D Laplacian: 2 on the diagonal, -1 beside it
        A.setValues([i], [j for j in (i - 1, i, i + 1) if 0 <= j < n],
                    [v for j, v in ((i - 1, -1.0), (i, 2.0), (i + 1, -1.0)) if 0 <= j < n])
    A.assemble()
    b, x = A.createVecs()
    b.set(1.0)
    ksp = PETSc.KSP().create(comm)
    try:
        ksp.setOptionsPrefix(prefix)
        ksp.setOperators(A)
        if kind == "fieldsplit":  # the last two unknowns play the scalar fields, split first
            from solver.numerics.krylov import SCALARS

            pc = ksp.getPC()
            pc.setType(PETSc.PC.Type.FIELDSPLIT)
            pc.setFieldSplitIS((SCALARS, PETSc.IS().createStride(2, n - 2, 1, comm=comm)),
                               ("u", PETSc.IS().createStride(n - 2, 0, 1, comm=comm)))
        ksp.setFromOptions()
        ksp.solve(b, x)
    finally:
        ksp.destroy()
        A.destroy()
        b.destroy()
        x.destroy()


def _reason(err) -> str:
    """Return the last line of PETSc's error stack: the reason, without the call sites."""
    lines = [line.split("] ", 1)[-1].strip() for line in str(err).splitlines() if line.strip()]
    return lines[-1] if lines else str(err)


@contextlib.contextmanager
def _silent_stdout():
    """PETSc prints through the C stdout (file descriptor 1), not through sys.stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
