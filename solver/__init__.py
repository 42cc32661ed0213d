"""Finite-element mechanics of solid-state battery anodes in die cells.

Importing the package imports ``dolfinx_solver`` first when it is installed (the binary wheel
must load MPI before DOLFINx); conda-forge and Spack installs of DOLFINx need nothing of it.
"""

try:
    import dolfinx_solver  # noqa: F401
except ImportError:
    pass

__version__ = "0.1.0"
