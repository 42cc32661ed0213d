"""Cross-key limits of a case: checks that need more than one value, each naming the key to change.

A case passing the schema can still ask for a mesh that exhausts memory, a protocol that runs
for ever, or a cathode charged past its volume-change table (which the table would silently
clamp); these are refused here, before any computation.
"""

from __future__ import annotations

from typing import Any

from solver.case.schema import MAX_DURATION_H
from solver.geometry.estimate import axial_counts, radial_count, stack_cells
from solver.units import S_PER_H, UM_PER_MM

STATE_TOLERANCE = 1.0e-6
"""A protocol may reach the cathode's full state (1) to round-off, not beyond."""


def _error(key: str, message: str):
    from solver.case.load import CaseError  # load imports this module

    return CaseError(key, message)


def check_mesh(geo: dict[str, Any], layers, radius_mm: float, mode: str, radial_mm: float,
               clearance_mm: float = 0.0) -> None:
    """Refuse a mesh estimated above ``geometry.max_cells``, naming the finest size key."""
    cells = stack_cells([(lay.thickness_mm, lay.mesh_size_mm) for lay in layers], radius_mm, mode,
                        radial_mm, clearance_mm)
    limit = geo["max_cells"]
    if cells <= limit:
        return
    axial = axial_counts([(lay.name, lay.thickness_mm, lay.mesh_size_mm) for lay in layers])
    finest = max(axial, key=axial.get)
    radial = radial_count(radius_mm, radial_mm)
    if radial >= sum(axial.values()):
        key = "geometry.radial_mesh_size_um"
        value = geo.get("radial_mesh_size_um", f"{radial_mm * UM_PER_MM:g} (default)")
    else:
        spec = geo["layers"][finest]
        field = "mesh_size_um" if "mesh_size_um" in spec else "thickness_um"
        key, value = f"geometry.layers.{finest}.{field}", spec[field]
    raise _error(key, f"got {value!r}; the mesh would have about {cells:.3g} cells, more than "
                      f"geometry.max_cells = {limit} (coarsen the mesh, or raise max_cells)")


def _end_key(i: int, step: dict[str, Any]) -> str:
    return f"protocol.{i}.{'duration_h' if 'duration_h' in step else 'capacity_mAh_cm2'}"


def check_protocol(doc: dict[str, Any], protocol, hosts: tuple[str, ...]) -> None:
    """Bound the durations, keep the cathode inside its table, allow cutoffs only with a voltage.

    A voltage exists only where a layer is a Li host (its potential against the counter
    electrode).
    """
    total = 0.0
    for i, (spec, step) in enumerate(zip(doc["protocol"], protocol, strict=True)):
        key = _end_key(i, spec)
        if step.duration_s > MAX_DURATION_H * S_PER_H:
            raise _error(key, f"got {spec[key.rsplit('.', 1)[1]]!r}; the step would last "
                              f"{step.duration_s / S_PER_H:.3g} h, more than {MAX_DURATION_H:g} h")
        total += step.duration_s
        if total > MAX_DURATION_H * S_PER_H:
            raise _error(key, f"the protocol would last {total / S_PER_H:.3g} h up to here, "
                              f"more than {MAX_DURATION_H:g} h")
        if step.voltage_cutoff_V is not None and not hosts:
            raise _error(f"protocol.{i}.voltage_cutoff_V",
                         "this cell reports no voltage (no layer is a Li host); remove the cutoff")
    _check_cathode_state(doc, protocol)


def _check_cathode_state(doc: dict[str, Any], protocol) -> None:
    """Keep the cathode's state of charge (net charge over its capacity) in [0, 1]."""
    ec = doc["electrochemistry"]
    capacity = ec.get("cathode_capacity_mAh_cm2")
    if ec.get("cathode_region") is None or capacity is None:
        return
    charge = 0.0
    for i, (spec, step) in enumerate(zip(doc["protocol"], protocol, strict=True)):
        charge += step.signed_current_mA_cm2 * step.duration_s / S_PER_H
        state = charge / capacity
        if not -STATE_TOLERANCE <= state <= 1.0 + STATE_TOLERANCE:
            raise _error(_end_key(i, spec), (
                f"takes the cathode to {100 * state:.4g} % of electrochemistry."
                f"cathode_capacity_mAh_cm2 = {capacity:g} mAh/cm2 ({charge:.4g} mAh/cm2 net); "
                "its state of charge must stay in 0-100 %"))
