"""Parameter sweeps: a spec of values for dotted case keys, run locally or as a Slurm array.

``spec`` reads and validates a sweep spec into points, ``layout`` is the sweep directory,
``pool`` runs the points on this machine, ``scripts`` writes the Slurm and bash scripts, and
``collect`` tabulates the runs (``sweep.csv``, ``sweep.png``). ``ssb sweep`` is in ``cli``.
"""

from solver.sweep.spec import Point, Sweep, SweepError, load_sweep

__all__ = ["Point", "Sweep", "SweepError", "load_sweep"]
