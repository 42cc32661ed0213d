"""Geometry and mesh generation for the die-cell solver."""

from solver.geometry.die_stack import LayerSpec, StackMesh, build_die_stack

__all__ = ["LayerSpec", "StackMesh", "build_die_stack"]
