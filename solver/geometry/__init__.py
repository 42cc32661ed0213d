"""Geometry and mesh generation for the die-cell solver."""

from solver.geometry.die_stack import LayerSpec, StackMesh, build_die_stack, die_stack_model

__all__ = ["LayerSpec", "StackMesh", "build_die_stack", "die_stack_model"]
from solver.geometry.shapes import BodyMesh, build_annulus, build_rectangle, build_sphere  # noqa: E402

__all__ += ["BodyMesh", "build_annulus", "build_rectangle", "build_sphere"]
from solver.geometry.interface import InterfaceMesh, InterfaceSpec, build_interface  # noqa: E402

__all__ += ["InterfaceMesh", "InterfaceSpec", "build_interface"]
