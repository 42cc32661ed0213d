"""Check ``numerics.petsc_options`` before the run, on a small system.

PETSc ignores a misspelt option until its end-of-run notice, and rejects a bad value
(``ksp_type = "nonexistent"``) only when the solver is set up, after meshing.

The options are tried on a 2 x 2 system on one process with the linear solver of the case:
an option PETSc refuses, or one that this solver never reads, is named as the case key.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from typing import Any

_ids = itertools.count()


def check_petsc_options(linear_solver: str, options: dict[str, Any], error) -> None:
    """Raise ``error(key, message)`` for the first option PETSc refuses or does not use."""
    if not options:
        return
    from solver.numerics.newton import LINEAR_SOLVERS  # imports PETSc: only when needed

    defaults = LINEAR_SOLVERS[linear_solver]
    problem = _try(defaults, options)
    if problem is None:
        return
    for key in options:  # name the option at fault
        single = _try(defaults, {key: options[key]})
        if single is not None:
            raise error(f"numerics.petsc_options.{key}", f"got {options[key]!r}; {single}")
    raise error("numerics.petsc_options", problem)


def _try(defaults: dict[str, Any], options: dict[str, Any]) -> str | None:
    """Solve the small system with these options; None when PETSc used them all."""
    from petsc4py import PETSc

    prefix = f"ssbcheck_{next(_ids)}_"
    database = PETSc.Options()
    merged = {**defaults, **options}
    try:
        for key, value in merged.items():
            database[f"{prefix}{key}"] = value
        with _silent_stdout():  # a ksp_view or ksp_monitor would print the small solve
            _solve(prefix)
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


def _solve(prefix: str) -> None:
    from petsc4py import PETSc

    comm = PETSc.COMM_SELF
    A = PETSc.Mat().createAIJ([2, 2], nnz=2, comm=comm)
    A.setValues([0, 1], [0, 1], [2.0, -1.0, -1.0, 2.0])
    A.assemble()
    b, x = A.createVecs()
    b.set(1.0)
    ksp = PETSc.KSP().create(comm)
    try:
        ksp.setOptionsPrefix(prefix)
        ksp.setOperators(A)
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
