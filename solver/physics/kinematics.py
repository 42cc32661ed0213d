"""Kinematics in 2-D axisymmetric and 3-D form, always as 3x3 tensors.

In axisymmetric mode the mesh coordinates are (r, z) and tensors are written in the
(r, theta, z) basis, so the axial direction is index 2 in both modes:

    grad u = [[du_r/dr, 0, du_r/dz], [0, u_r/r, 0], [du_z/dr, 0, du_z/dz]].
"""

from __future__ import annotations

import math

import ufl

AXIAL = 2
"""Index of the stack (z) direction in the 3x3 tensors of both modes."""


def displacement_gradient(u, mode: str, x):
    """Grad u as a 3x3 tensor (hoop strain u_r / r in axisymmetric mode)."""
    if mode == "3d":
        return ufl.grad(u)
    r = x[0]
    return ufl.as_matrix(
        [[u[0].dx(0), 0, u[0].dx(1)], [0, u[0] / r, 0], [u[1].dx(0), 0, u[1].dx(1)]]
    )


def deformation_gradient(u, mode: str, x):
    """F = I + Grad u."""
    return ufl.Identity(3) + displacement_gradient(u, mode, x)


def volume_weight(mode: str, x):
    """Reference-volume weight: 2 pi r in axisymmetric mode (integrals are whole-cell), else 1."""
    return 2.0 * math.pi * x[0] if mode == "axisymmetric" else 1.0


def symmetric_tensor(q, mode: str):
    """3x3 symmetric tensor from its components.

    Axisymmetric: q = (rr, tt, zz, rz); 3-D: q = (xx, yy, zz, xy, xz, yz).
    """
    if mode == "axisymmetric":
        return ufl.as_matrix([[q[0], 0, q[3]], [0, q[1], 0], [q[3], 0, q[2]]])
    return ufl.as_matrix([[q[0], q[3], q[4]], [q[3], q[1], q[5]], [q[4], q[5], q[2]]])


def symmetric_components(mode: str) -> int:
    """Number of independent components of a symmetric tensor in ``mode``."""
    return 4 if mode == "axisymmetric" else 6
