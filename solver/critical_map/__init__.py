"""The contact-loss map of an interface case: ``ssb map``, a sweep over fixture, stack pressure
and stripping current, collected into the critical current of each fixture and pressure.

``grid`` reads the options into a sweep (:mod:`solver.sweep`: the same directory, pool and
Slurm scripts), ``collect`` tabulates the points (``map.csv``) and the critical currents
(``critical_current.csv``) with the case's measured ones, ``plot`` draws ``map.png``, and
``cli`` is the verb. Nothing is imported here: ``ssb`` registers the verb on every call, and
the grid's plotting and case machinery load only when a map runs.
"""
