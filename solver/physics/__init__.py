"""Physics: each module returns UFL expressions and forms; none touches PETSc."""
