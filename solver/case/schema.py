"""The case-file schema: every key, its type, unit (in its name), default and allowed values.

A schema node is a ``Table`` (fixed keys), a ``MapOf`` (user-named keys, e.g. layers by name),
a ``ListOf`` (arrays of tables, e.g. protocol steps) or a ``Leaf`` (one value). The validator
in :mod:`solver.case.load` walks the TOML document against this tree and fills defaults.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from solver.materials.library import CREEP_CHOICES, HOST_OVERRIDE_KEYS, OVERRIDE_KEYS

Check = Callable[[Any], str | None]
"""A check returns None when a value is allowed, else a phrase saying what is allowed."""


def positive(v: Any) -> str | None:
    return None if v > 0 else "must be > 0"


def non_negative(v: Any) -> str | None:
    return None if v >= 0 else "must be >= 0"


def between(lo: float, hi: float) -> Check:
    def check(v: Any) -> str | None:
        return None if lo <= v <= hi else f"must be in [{lo:g}, {hi:g}]"

    return check


def one_of(*allowed: Any) -> Check:
    def check(v: Any) -> str | None:
        if v in allowed:
            return None
        words = [a for a in allowed if isinstance(a, str)]
        close = difflib.get_close_matches(v, words, n=1) if isinstance(v, str) else []
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return "must be one of " + ", ".join(repr(a) for a in allowed) + hint

    return check


def above_absolute_zero(v: Any) -> str | None:
    return None if v > -273.15 else "must be above absolute zero (-273.15 C)"


def finite(v: Any) -> str | None:
    return None if math.isfinite(v) else "must be finite"


def at_least(lo: float) -> Check:
    def check(v: Any) -> str | None:
        return None if v >= lo else f"must be >= {lo:g}"

    return check


def below(hi: float) -> Check:
    def check(v: Any) -> str | None:
        return None if v < hi else f"must be < {hi:g}"

    return check


def at_most(hi: float) -> Check:
    def check(v: Any) -> str | None:
        return None if v <= hi else f"must be <= {hi:g}"

    return check


# Bounds of what the model means (README, "Faults and limits"): beyond them a case is refused.
MAX_THICKNESS_UM = 1.0e5  # 100 mm: a die-cell layer
MIN_LENGTH_UM = 1.0e-3  # 1 nm: thicknesses and mesh sizes
MAX_DIAMETER_MM = 1.0e3
MAX_PRESSURE_MPA = 1.0e3  # above the strength of every solid in the library
MAX_DURATION_H = 1.0e5  # about 11 years, per step and for the whole protocol
MIN_DT_S, MAX_DT_S = 1.0e-12, 1.0e7
MAX_CELLS = 1_000_000
TEMPERATURE_RANGE_C = (-100.0, 180.0)  # a cell in service; Li melts at 180.5 C


def solid_li_cell(v: Any) -> str | None:
    lo, hi = TEMPERATURE_RANGE_C
    if lo <= v <= hi:
        return None
    return f"must be in [{lo:g}, {hi:g}] C (a cell in service; Li melts at 180.5 C)"


def plain_name(v: Any) -> str | None:
    """Allow a plain name only: it is the default run directory ``runs/<name>``, never a path."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}", v):
        return None
    return ("must be a plain name of at most 100 letters, digits, '.', '_', '+' or '-', "
            "starting with a letter or digit (it names the run directory runs/<name>)")


def pressure_or_preload(v: Any) -> str | None:
    """A hold's pressure: a number in MPa, or ``"preload"``, the fixture's ``preload_MPa``."""
    if isinstance(v, str):
        if v == PRELOAD:
            return None
        return f"must be a pressure in MPa or {PRELOAD!r} (the value of fixture.preload_MPa)"
    return non_negative(v) or at_most(MAX_PRESSURE_MPA)(v)


PRELOAD = "preload"
"""The hold pressure that follows ``fixture.preload_MPa``: the cycling pressure is one key."""

REQUIRED = object()


@dataclass(frozen=True)
class Leaf:
    """One value: its Python type(s), default (or REQUIRED / None = optional) and checks."""

    types: tuple[type, ...]
    default: Any = REQUIRED
    checks: tuple[Check, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class Table:
    keys: dict[str, Any]
    required: bool = True
    doc: str = ""


@dataclass(frozen=True)
class MapOf:
    value: Any
    doc: str = ""


@dataclass(frozen=True)
class ListOf:
    item: Any
    min_items: int = 0
    doc: str = ""


NUMBER = (int, float)
NUMBER_OR_NAME = (int, float, str)

LAYER = Table(
    {
        "thickness_um": Leaf(
            NUMBER, REQUIRED, (at_least(MIN_LENGTH_UM), at_most(MAX_THICKNESS_UM)),
            "layer thickness, um",
        ),
        "mesh_size_um": Leaf(
            NUMBER, None, (at_least(MIN_LENGTH_UM), finite), "axial element size, um"
        ),
        "diameter_mm": Leaf(NUMBER, None, (positive, finite),
                            "layer diameter when narrower than the bore, mm (default: the bore)"),
    }
)

REGION = Table(
    {
        "material": Leaf((str,), REQUIRED, (), "library material name (ssb materials)"),
        "overrides": Table(
            {
                "youngs_modulus_GPa": Leaf(NUMBER, None, (positive, finite)),
                "poisson_ratio": Leaf(NUMBER, None, (between(-0.99, 0.499),)),
                "creep": Leaf((str,), None, (one_of(*CREEP_CHOICES),)),
                "creep_prefactor_per_s": Leaf(NUMBER, None, (positive, finite)),
                "creep_activation_energy_kJ_per_mol": Leaf(NUMBER, None, (non_negative, finite)),
                "creep_reference_stress_MPa": Leaf(NUMBER, None, (positive, finite)),
                "creep_stress_exponent": Leaf(NUMBER, None, (between(1.0, 20.0),)),
                "creep_yield_stress_MPa": Leaf(NUMBER, None, (positive, finite)),
                "creep_reference_strain_rate_per_s": Leaf(NUMBER, None, (positive, finite)),
                "creep_overstress_exponent": Leaf(NUMBER, None, (between(1.0, 20.0),)),
                "creep_viscosity_Pa_s": Leaf(NUMBER, None, (positive, finite)),
                "initial_theta": Leaf(NUMBER, None, (between(0.0, 1.0),)),
                "diffusivity_cm2_per_s": Leaf(NUMBER, None, (positive, finite)),
                "diffusion_activation_energy_kJ_per_mol": Leaf(NUMBER, None, (non_negative, finite)),
                "chemical_potential": Leaf((str,), None, (one_of("ideal", "ocv"),)),
                "volume_ratio_full": Leaf(NUMBER, None, (positive, finite)),
            },
            required=False,
        ),
        "swelling": Leaf(
            (str,), "isotropic", (one_of("isotropic", "axial"),),
            "growth of a Li host: isotropic J_g^(1/3) I, or axial (a host flowing in the die)",
        ),
    }
)
assert set(REGION.keys["overrides"].keys) == set(OVERRIDE_KEYS) | set(HOST_OVERRIDE_KEYS)

STEP = Table(
    {
        "step": Leaf((str,), REQUIRED, (one_of("rest", "hold", "charge", "discharge"),)),
        "current_mA_cm2": Leaf(NUMBER, 0.0, (non_negative, finite), "current density, mA/cm^2"),
        "duration_h": Leaf(
            NUMBER, None, (positive, at_most(MAX_DURATION_H)), "end after this time, h"
        ),
        "capacity_mAh_cm2": Leaf(NUMBER, None, (positive, finite), "end after this capacity"),
        "pressure_MPa": Leaf(
            NUMBER_OR_NAME, None, (pressure_or_preload,),
            "set the fixture to this pressure first, MPa; \"preload\" = fixture.preload_MPa",
        ),
        "voltage_cutoff_V": Leaf(
            NUMBER, None, (finite,), "also end when voltage_V reaches this value, V"
        ),
    }
)

MEASUREMENT = Table(
    {
        "column": Leaf((str,), REQUIRED, (), "the series.csv column measured, e.g. stack_pressure_MPa"),
        "value": Leaf(NUMBER, REQUIRED, (finite,), "the measured value, in the column's unit"),
        "time_h": Leaf(NUMBER, None, (non_negative, finite), "when: h from the start of the run"),
        "capacity_mAh_cm2": Leaf(NUMBER, None, (non_negative, finite), "or at this capacity"),
        "temperature_C": Leaf(
            NUMBER, None, (above_absolute_zero, finite),
            "measured at this temperature: drawn only beside runs at it (default: any)"),
        "pressure_MPa": Leaf(
            NUMBER, None, (non_negative, at_most(MAX_PRESSURE_MPA)),
            "critical_current_mA_cm2 only: the stack pressure it was measured at, MPa"),
        "fixture": Leaf(
            (str,), None, (),
            "critical_current_mA_cm2 only: the fixture type it was measured in (default: the "
            "case's fixture.type)"),
        "source": Leaf((str,), REQUIRED, (), "the paper and where in it"),
    }
)
"""A measured point the plots draw beside the simulated curve (one of time_h, capacity).

An interface case may also carry measured critical currents, ``column =
"critical_current_mA_cm2"`` with ``pressure_MPa`` (and ``fixture``) instead of a time or a
capacity: ``ssb map`` draws them beside the simulated ones (:mod:`solver.critical_map`)."""

CRITICAL_CURRENT = "critical_current_mA_cm2"
"""The ``[[measured]]`` column of a measured critical current (not a series.csv column)."""

CASE = Table(
    {
        "case": Table(
            {
                "name": Leaf((str,), "case", (plain_name,)),
                "description": Leaf((str,), ""),
            },
            required=False,
        ),
        "geometry": Table(
            {
                "builder": Leaf((str,), "die_stack", (one_of("die_stack", "interface"),),
                               "interface: a Li layer on an electrolyte surface (its own keys: README)"),
                "mode": Leaf((str,), "axisymmetric", (one_of("axisymmetric", "plane_strain", "3d"),)),
                "die_diameter_mm": Leaf(
                    NUMBER, REQUIRED, (at_least(1.0e-3), at_most(MAX_DIAMETER_MM))
                ),
                "radial_mesh_size_um": Leaf(NUMBER, None, (at_least(MIN_LENGTH_UM), finite)),
                "stack": Leaf((list,), REQUIRED, (), "layer names, bottom to top"),
                "layers": MapOf(LAYER),
                "max_cells": Leaf(
                    (int,), MAX_CELLS, (positive,),
                    "refuse a mesh estimated above this many cells (raise it for a finer mesh)",
                ),
            }
        ),
        "regions": MapOf(REGION),
        "interfaces": MapOf(Leaf((str,), None, (one_of("tied", "sticking", "frictionless"),)),
                            "plunger_<top layer>, base_<bottom layer>, <upper>_<lower>"),
        "die": Table(
            {
                "wall": Leaf((str,), "rigid", (one_of("rigid", "elastic", "meshed"),),
                             "rigid; elastic: the holder as a radial spring (Lame); meshed: the "
                             "holder as a meshed elastic body in contact with the stack (2-D modes)"),
                "holder_material": Leaf((str,), None),
                "holder_outer_diameter_mm": Leaf(NUMBER, None, (positive, finite)),
                "holder_height_mm": Leaf(NUMBER, None, (positive, finite),
                                         "meshed holder: its axial length, centred on the stack"),
                "holder_mesh_size_um": Leaf(NUMBER, None, (positive, at_least(MIN_LENGTH_UM), finite),
                                            "meshed holder: element size (default: the radial mesh size)"),
                "clearance_um": Leaf(
                    NUMBER, None, (positive, at_least(MIN_LENGTH_UM), finite),
                    "radial gap between plunger and bore, um: the plunger's radius is R - c and "
                    "the top layer can extrude into the annulus (2-D modes)",
                ),
            },
            required=False,
        ),
        "fixture": Table(
            {
                "type": Leaf((str,), REQUIRED, (one_of("fixed_gap", "spring", "constant_pressure"),)),
                "preload_MPa": Leaf(NUMBER, REQUIRED, (non_negative, at_most(MAX_PRESSURE_MPA))),
                "spring_stiffness_N_per_mm": Leaf(NUMBER, None, (positive, finite)),
                "frame_stiffness_N_per_mm": Leaf(NUMBER, None, (positive, finite)),
                "frame_relaxation_fraction": Leaf(
                    NUMBER, None, (non_negative, below(1.0)),
                    "share r of the frame stiffness that relaxes (Maxwell arm), -"),
                "frame_relaxation_time_h": Leaf(
                    NUMBER, None, (positive, finite), "time constant of the Maxwell arm, h"),
            }
        ),
        "electrochemistry": Table(
            {
                "plating_region": Leaf((str,), None),
                "cathode_region": Leaf((str,), None),
                "cathode_capacity_mAh_cm2": Leaf(NUMBER, None, (positive, finite)),
                "stress_coupling": Leaf(
                    (bool,), True, (), "Omega sigma_h in the Li chemical potential of hosts"
                ),
                "counter_potential_V": Leaf(
                    NUMBER, 0.0, (finite,), "potential of the counter electrode vs Li/Li+, V"
                ),
            },
            required=False,
        ),
        "conditions": Table(
            {"temperature_C": Leaf(NUMBER, 25.0, (above_absolute_zero, solid_li_cell))},
            required=False,
        ),
        "protocol": ListOf(STEP, min_items=1),
        "measured": ListOf(MEASUREMENT, min_items=0, doc="measured points to plot beside"),
        "numerics": Table(
            {
                "element_degree": Leaf((int,), 2, (one_of(1, 2),)),
                "f_bar": Leaf(
                    (bool,), True, (),
                    "F-bar (the elastic volume change projected on P1) in regions whose law "
                    "flows, element_degree 2: without it P2 locks in long creep (README, "
                    "'Verification: viscous laws and locking')"),
                "dt_initial_s": Leaf(NUMBER, 1.0e-6, (between(MIN_DT_S, MAX_DT_S),)),
                "dt_min_s": Leaf(NUMBER, 1.0e-9, (between(MIN_DT_S, MAX_DT_S),)),
                "dt_max_s": Leaf(NUMBER, 1800.0, (between(MIN_DT_S, MAX_DT_S),)),
                "dt_growth": Leaf(NUMBER, 1.5, (between(1.0, 10.0),)),
                "dt_cut": Leaf(NUMBER, 0.5, (between(0.01, 0.9),)),
                "easy_newton_iterations": Leaf((int,), 5, (between(1, 1000),)),
                "max_creep_strain_increment": Leaf(NUMBER, 1.0e-2, (positive, at_most(0.1))),
                "creep_error_tolerance": Leaf(
                    NUMBER, 0.05, (between(1.0e-6, 10.0),),
                    "error of a step over its viscous flow; accumulates to <= tol/2 of the "
                    "viscous strain"),
                "max_theta_increment": Leaf(NUMBER, 0.05, (positive, at_most(1.0))),
                "newton_rtol": Leaf(
                    NUMBER, 1.0e-9, (between(1.0e-14, 1.0e-4),),
                    "relative residual: looser gives wrong stresses (10 gave 7.04 for 7.14 MPa)",
                ),
                "newton_max_iterations": Leaf((int,), 25, (between(1, 1000),)),
                "linear_solver": Leaf(
                    (str,), "auto", (one_of("auto", "mumps", "superlu_dist", "gamg"),),
                    "auto: MUMPS below a size (global unknowns, README 'Linear solver'), "
                    "gamg (CG/FGMRES + GAMG) from there"),
                "petsc_options": MapOf(Leaf((str, int, float, bool))),
                "out_of_range": Leaf(
                    (str,), "warn", (one_of("warn", "error"),),
                    "a temperature, theta or stress outside a material's data ranges (ssb "
                    "materials NAME): 'warn' (run.log, summary.json warnings) or 'error' (refuse)",
                ),
            },
            required=False,
        ),
        "output": Table(
            {
                "fields_every": Leaf((int,), 10, (non_negative,), "0 = only first and last"),
                "fields_every_h": Leaf(
                    NUMBER, 0.5, (non_negative, finite),
                    "also a snapshot at least every this many hours of simulated time, 0 = off",
                ),
                "field_formats": Leaf((list,), ["xdmf"], (), "any of 'xdmf' (ParaView 5.11+), 'vtx' (ADIOS2 ParaView)"),
                "log_every": Leaf((int,), 1, (positive,), "progress line every N steps"),
                "checkpoint_every_steps": Leaf(
                    (int,), 0, (non_negative,),
                    "restart checkpoint every N accepted steps, 0 = off (ssb run --restart)"),
                "checkpoint_every_min": Leaf(
                    NUMBER, 30.0, (non_negative, finite),
                    "restart checkpoint every this many minutes of wall time, 0 = off; a "
                    "signal (SIGTERM, SIGINT) always writes one"),
            },
            required=False,
        ),
    }
)
