"""Growth deformation gradients: Li plating and active-material volume change.

Plated Li grows normal to the anode/electrolyte interface:
    Fg = I + (lambda_g - 1) n (x) n,  lambda_g = 1 + h_plated / h_anode,
with h_plated = (q / F) V_m the thickness of Li plated by the areal charge q (V_m the molar
volume). The plated volume is spread uniformly through the anode layer: in the die the
stack sees only the layer's total growth, and where in the layer it sits does not change it.

Active material with a tabulated free volume ratio J_g(state) swells isotropically:
    Fg = J_g^(1/3) I.
"""

from __future__ import annotations

import numpy as np
import ufl

from solver.materials import VolumeChangeTable
from solver.physics.kinematics import AXIAL


def growth_tensor(plating_indicator, plating_stretch, swelling_indicator, volume_ratio):
    """Fg for the whole stack; the indicators are 1 in their region and 0 elsewhere."""
    I = ufl.Identity(3)
    n = ufl.unit_vector(AXIAL, 3)
    return (
        I
        + plating_indicator * (plating_stretch - 1.0) * ufl.outer(n, n)
        + swelling_indicator * (volume_ratio ** (1.0 / 3.0) - 1.0) * I
    )


def plating_stretch(plated_thickness_mm: float, layer_thickness_mm: float) -> float:
    """lambda_g = 1 + h_plated / h_anode (negative h_plated strips)."""
    stretch = 1.0 + plated_thickness_mm / layer_thickness_mm
    if stretch <= 0.05:
        raise ValueError(
            f"the anode is stripped to {stretch:.3f} of its thickness; the protocol removes "
            "more Li than the layer holds"
        )
    return stretch


def volume_ratio(table: VolumeChangeTable, state: float) -> float:
    """J_g at normalized state of charge ``state`` (piecewise linear, clamped at the ends)."""
    return float(np.interp(state, table.state, table.volume_ratio))
