"""The contact-loss map of an interface case: ``ssb map``, a sweep over fixture, stack pressure
and stripping current, collected into the critical current of each fixture and pressure.

``grid`` reads the options into a sweep (:mod:`solver.sweep`: the same directory, pool and
Slurm scripts), ``collect`` tabulates the points (``map.csv``) and the critical currents
(``critical_current.csv``) with the case's measured ones, ``plot`` draws ``map.png``, and
``cli`` is the verb.
"""

from solver.critical_map.grid import MapGrid, build_grid

__all__ = ["MapGrid", "build_grid"]
