"""Kinematics in 2-D axisymmetric, 2-D plane strain and 3-D form, always as 3x3 tensors.

In the 2-D modes the mesh coordinates are (x0, x1) and tensors are written in the
(x0, out-of-plane, x1) basis, so the axial (stack) direction is index 2 in every mode:

    axisymmetric (r, theta, z): grad u = [[du_r/dr, 0, du_r/dz], [0, u_r/r, 0], [du_z/dr, 0, du_z/dz]]
    plane strain (x, y, z):     the same with a zero out-of-plane strain in place of u_r / r.
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
    hoop = u[0] / x[0] if mode == "axisymmetric" else 0
    return ufl.as_matrix(
        [[u[0].dx(0), 0, u[0].dx(1)], [0, hoop, 0], [u[1].dx(0), 0, u[1].dx(1)]]
    )


def deformation_gradient(u, mode: str, x):
    """F = I + Grad u."""
    return ufl.Identity(3) + displacement_gradient(u, mode, x)


def in_plane(tensor, mode: str):
    """The part of a 3x3 tensor on the mesh's own axes: all of it in 3-D; the (x0, z) block in
    the 2-D modes (index 1 is the out-of-plane direction there)."""
    if mode == "3d":
        return tensor
    return ufl.as_matrix([[tensor[0, 0], tensor[0, 2]], [tensor[2, 0], tensor[2, 2]]])


def volume_weight(mode: str, x):
    """Reference-volume weight: 2 pi r in axisymmetric mode (integrals are whole-cell), else 1
    (per unit depth in plane strain)."""
    return 2.0 * math.pi * x[0] if mode == "axisymmetric" else 1.0


def symmetric_tensor(q, mode: str):
    """3x3 symmetric tensor from its components.

    2-D modes: q = (x0x0, out-of-plane, zz, x0z); 3-D: q = (xx, yy, zz, xy, xz, yz).
    """
    if mode != "3d":
        return ufl.as_matrix([[q[0], 0, q[3]], [0, q[1], 0], [q[3], 0, q[2]]])
    return ufl.as_matrix([[q[0], q[3], q[4]], [q[3], q[1], q[5]], [q[4], q[5], q[2]]])


def symmetric_components(mode: str) -> int:
    """Number of independent components of a symmetric tensor in ``mode``."""
    return 6 if mode == "3d" else 4
