"""Case files: schema, validation, and the frozen :class:`Case` the solver runs."""

from solver.case.load import Case, CaseError, DieWall, Fixture, Layer, Step, load_case, validate

__all__ = ["Case", "CaseError", "DieWall", "Fixture", "Layer", "Step", "load_case", "validate"]
