"""Library entries grouped by kind; :mod:`solver.materials.library` collects them.

Each module holds frozen :class:`~solver.materials.entries.base.Material` records, one per
material, every number with its unit in the field name and its source: the paper (authors,
year, journal, DOI, by :mod:`solver.materials.references`) and where in it (section, figure,
table).
"""
