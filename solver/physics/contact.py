"""Unilateral frictionless contact with the die wall: it pushes, it never pulls.

The bore is the cylinder r = R. A point of the stack at reference position X with displacement
u is at radius r = |(X + u)_radial|, and its gap to the wall is g = R - r. The wall acts on the
lateral surface of every layer (which may start narrower than the bore) with the contact
pressure of a penalty law,

    p_c = k_w <-g>,   <a> = max(a, 0),

in the current radial direction n: a traction -p_c n, so the virtual work
int p_c (n . v) dA joins the equilibrium rows. Where the stack pulls away (g > 0) the wall
carries nothing. k_w is either a penalty far stiffer than any layer (a rigid wall; its
penetration p_c / k_w is ~1e-4 of the layer strain) or the radial stiffness of an elastic
thick-walled holder (:func:`solver.physics.fixture.holder_stiffness_MPa_per_mm`).

The semi-smooth derivative of <-g> (a Heaviside step) is what UFL's derivative of
``max_value`` gives; Newton then finds the contact set with the rest of the solution.

With a plunger clearance the same law holds the free annulus of the top face between the bore
(r <= R) and the plunger's lateral face (r >= R - c), both rigid and frictionless.
"""

from __future__ import annotations

import ufl

RIGID_PENALTY = 1.0e4
"""Rigid-wall penalty k_w = RIGID_PENALTY * E_max / h_r (MPa/mm), h_r the radial element size:
1e4 times the radial stiffness of the stiffest wall element."""

TANGENTIAL_FRACTION = 1.0e-6
"""3-D only: a tangential spring of this fraction of k_w removes the free rotation about the
axis; it carries a force ~1e-6 of the normal one (the wall stays frictionless in effect)."""


def current_radius(x, u, mode: str):
    """r = |(X + u)_radial| of a point (mm)."""
    if mode == "3d":
        return ufl.sqrt((x[0] + u[0]) ** 2 + (x[1] + u[1]) ** 2)
    return x[0] + u[0]


def wall_gap(x, u, mode: str, radius: float):
    """g = R - r (mm); negative where the stack presses into the wall."""
    return radius - current_radius(x, u, mode)


def contact_pressure(x, u, mode: str, radius: float, stiffness):
    """p_c = k_w max(-g, 0) (MPa)."""
    return stiffness * ufl.max_value(-wall_gap(x, u, mode, radius), 0.0)


def wall_contact_form(u, v, radius: float, stiffness, mode: str, x, weight, ds_wall):
    """int p_c (n . v) dA over the lateral surface (plus the 3-D tangential stabilisation)."""
    p_c = contact_pressure(x, u, mode, radius, stiffness)
    if mode != "3d":
        return p_c * v[0] * weight * ds_wall
    r = current_radius(x, u, mode)
    n = ufl.as_vector([(x[0] + u[0]) / r, (x[1] + u[1]) / r, 0.0])
    t = ufl.as_vector([-x[1], x[0], 0.0]) / ufl.sqrt(x[0] ** 2 + x[1] ** 2)
    tangential = TANGENTIAL_FRACTION * stiffness * ufl.dot(u, t) * ufl.dot(v, t)
    return (p_c * ufl.dot(n, v) + tangential) * ds_wall


def plunger_side_form(u, v, plunger_radius: float, stiffness, mode: str, x, weight, ds_gap):
    """int -p_s (e_r . v) dA over the clearance annulus: the plunger's lateral face r = R - c
    pushes the material that extrudes beside it outward, p_s = k <R - c - r>, frictionless.

    The side is a cylinder of the plunger's radius at every height: below the plunger's face
    the annulus cannot pass under the plunger anyway (the material there is pressed by it), so
    no condition on z is needed. 2-D modes only (a clearance needs them).
    """
    return -plunger_side_pressure(x, u, mode, plunger_radius, stiffness) * v[0] * weight * ds_gap


def plunger_side_pressure(x, u, mode: str, plunger_radius: float, stiffness):
    """p_s = k max(R - c - r, 0) (MPa): the plunger's lateral face on the extruding annulus."""
    return stiffness * ufl.max_value(plunger_radius - current_radius(x, u, mode), 0.0)


def wall_force_form(x, u, mode: str, radius: float, stiffness, weight, ds_wall):
    """The resultant radial force the wall exerts, int p_c dA (N), as a scalar form."""
    return contact_pressure(x, u, mode, radius, stiffness) * weight * ds_wall
