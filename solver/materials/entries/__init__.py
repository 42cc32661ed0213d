"""Library entries grouped by kind; :mod:`solver.materials.library` collects them.

Each module holds frozen :class:`~solver.materials.entries.base.Material` records, one per
material, every number with its unit in the field name and its source (paper and table/figure,
or a line of a source document such as ``001:L67``; :mod:`solver.materials.library` names the
documents).
"""
