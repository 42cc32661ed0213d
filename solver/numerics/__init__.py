"""Numerics: the Newton solver (the only PETSc user) and the adaptive time stepper."""
