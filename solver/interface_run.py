"""Stripping Li from an interface cell: preload, an optional hold, then galvanostatic stripping
until the charge is passed or a failure criterion ends it.

The fixture acts on the Li's top (the plunger, :mod:`solver.physics.interface_cell`):

* ``"constant_pressure"``: the force p A, whatever the Li does;
* ``"fixed_gap"``: the plunger held after the preload, relative to a counter electrode that
  grows by ``counter_electrode_growth`` times the mean stripped thickness (1: the stripped Li
  plates at the counter electrode with the same volume, as in a symmetric Li cell; 0: the
  Li's top stays where it is, the limit with nothing pushing it at zero pressure);
* ``"spring"``: F = F0 + k (U - U0 + c delta_bar), k = ``spring_MPa_per_um`` times the area.

Steps: the preload is elastic (an instantaneous force step at dt = 0, in substeps if Newton
needs them); a hold and the stripping march by backward Euler from ``dt_initial_s``, the
step growing by ``dt_growth`` and limited so that no point strips more than
``max_recession_cells`` interface cells per step (the contact set is explicit: that of the
step's start). A step whose Newton fails is cut by 4 and retried from the last accepted state.

Failure criteria, checked after every accepted step, end the stripping with an event: the
contact fraction below ``min_contact_fraction``, or the local current density above
``max_current_mA_cm2``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from solver.numerics.newton import PlungerLoad, PlungerNewtonSolver
from solver.physics.interface_cell import InterfaceCellModel, set_stripped
from solver.units import MM2_PER_CM2, S_PER_H, UM_PER_MM

A_PER_MA = 1.0e-3
FIXTURES = ("constant_pressure", "fixed_gap", "spring")


class StrippingFailure(RuntimeError):
    """A step that cannot be completed even at the smallest time step."""


@dataclass(frozen=True)
class StrippingProtocol:
    """What the interface cell is put through (units in the names)."""

    pressure_MPa: float
    current_mA_cm2: float
    capacity_mAh_cm2: float
    fixture: str = "fixed_gap"
    counter_electrode_growth: float = 1.0
    spring_MPa_per_um: float = 0.0
    hold_s: float = 0.0
    min_contact_fraction: float = 0.05
    max_current_mA_cm2: float = math.inf
    max_recession_cells: float = 0.05
    dt_initial_s: float = 1.0e-3
    dt_growth: float = 1.5
    dt_max_s: float = math.inf
    dt_min_s: float = 1.0e-9

    def __post_init__(self):
        if self.fixture not in FIXTURES:
            raise ValueError(f"fixture = {self.fixture!r}: allowed {', '.join(FIXTURES)}")
        for key in ("pressure_MPa", "current_mA_cm2", "capacity_mAh_cm2", "hold_s",
                    "counter_electrode_growth", "spring_MPa_per_um", "min_contact_fraction"):
            if not getattr(self, key) >= 0.0:
                raise ValueError(f"{key} = {getattr(self, key)!r}: must be >= 0")
        for key in ("max_recession_cells", "dt_initial_s", "dt_min_s"):
            if not getattr(self, key) > 0.0:
                raise ValueError(f"{key} = {getattr(self, key)!r}: must be > 0")
        if self.dt_growth < 1.0:
            raise ValueError(f"dt_growth = {self.dt_growth!r}: must be >= 1")
        if self.fixture == "constant_pressure" and self.pressure_MPa == 0.0:
            raise ValueError("fixture = 'constant_pressure' with pressure_MPa = 0 leaves the Li "
                             "free to float: use 'fixed_gap' (the Li held where it is)")
        if self.fixture == "spring" and self.spring_MPa_per_um == 0.0:
            raise ValueError("fixture = 'spring' needs spring_MPa_per_um > 0")


@dataclass
class StrippingResult:
    rows: list[dict] = field(default_factory=list)
    event: str = ""


class InterfaceStepper:
    """March an interface cell through a :class:`StrippingProtocol`."""

    def __init__(self, model: InterfaceCellModel, protocol: StrippingProtocol, *,
                 rtol: float = 1e-8, linear_solver: str = "mumps", progress=None):
        self.model, self.protocol = model, protocol
        self.interface = model.interface
        self.area = model.nominal_area_mm2
        scale = max(protocol.pressure_MPa, 1.0) * self.area
        self.solver = PlungerNewtonSolver(model, rtol, 25, linear_solver, None, scale, 1.0e-2)
        self.t = 0.0
        self.charge_mAh_cm2 = 0.0
        self.dt = protocol.dt_initial_s
        self.force_N = 0.0
        self.anchor_mm = 0.0
        self.result = StrippingResult()
        self.progress = progress
        self.cell_mm = model.cell.spec.interface_mesh_size_mm
        self._velocity = None  # (dw/dt, dU/dt) of the last accepted step

    # -- the fixture -------------------------------------------------------------------------

    def _compensation_mm(self) -> float:
        return self.protocol.counter_electrode_growth * float(self.interface.mean_stripped.value)

    def _load(self) -> PlungerLoad:
        p = self.protocol
        if p.fixture == "constant_pressure":
            return PlungerLoad(self.force_N, 0.0, self.solver.U)
        anchor = self.anchor_mm - self._compensation_mm()
        if p.fixture == "spring":
            k = p.spring_MPa_per_um * UM_PER_MM * self.area
            return PlungerLoad(self.force_N, k, anchor)
        self._move_plunger(anchor)  # fixed gap: the plunger is where the counter electrode puts it
        return PlungerLoad(self.force_N, math.inf, anchor)

    def _predict(self, dt: float) -> None:
        """Start Newton from the state extrapolated along the last step's rate: steady
        stripping then starts inside Newton's quadratic range."""
        if self._velocity is not None:
            dw, dU = self._velocity
            self.model.w.x.array[:] += dt * dw
            self.solver.U += dt * dU

    def _move_plunger(self, U: float) -> None:
        dofs = self.model.plunger_dofs
        self.model.w.x.array[dofs] += U - self.solver.U
        self.solver.U = U

    # -- steps -------------------------------------------------------------------------------

    def preload(self) -> None:
        """The elastic preload to the protocol's pressure (nothing to do at 0 MPa)."""
        self.interface.refresh_contact()
        target = self.protocol.pressure_MPa * self.area
        if target > 0.0:
            self.model.dt.value = 0.0
            start = self.model.w.x.array.copy()
            for substeps in (1, 4, 16):
                self.model.w.x.array[:] = start
                self.solver.U = 0.0
                ok = all(self.solver.solve(PlungerLoad(target * j / substeps, 0.0, self.solver.U))
                         .converged for j in range(1, substeps + 1))
                if ok:
                    break
            else:
                raise StrippingFailure(f"preload to {self.protocol.pressure_MPa} MPa did not converge")
            self.model.commit()
        self.force_N, self.anchor_mm = target, self.solver.U
        self._record("preload", 0.0, 0)

    def hold(self) -> None:
        end = self.t + self.protocol.hold_s
        while self.t < end * (1 - 1e-12) and not self.result.event:
            self._step(min(self.dt, end - self.t), 0.0, "hold")

    def strip(self) -> None:
        p = self.protocol
        seconds = p.capacity_mAh_cm2 / p.current_mA_cm2 * S_PER_H if p.current_mA_cm2 > 0 else 0.0
        end = self.t + seconds
        self.dt = max(self.dt, p.dt_initial_s)
        while self.t < end * (1 - 1e-12) and not self.result.event:
            self._step(min(self.dt, end - self.t), p.current_mA_cm2, "strip")

    def run(self) -> StrippingResult:
        self.preload()
        self.hold()
        self.strip()
        return self.result

    def _step(self, dt: float, current_mA_cm2: float, phase: str) -> None:
        """One accepted step of at most ``dt`` (cut on Newton failure)."""
        p, interface = self.protocol, self.interface
        current_A_mm2 = current_mA_cm2 * A_PER_MA / MM2_PER_CM2
        contact = interface.integral("contact_area")
        interface.distribute(current_A_mm2, contact)
        if current_mA_cm2 > 0.0 and contact == 0.0:
            self.result.event = "contact lost"
            return
        if interface.current_scale > 0.0:  # no point strips more than a fraction of a cell
            rate = interface.recession_rate_mm_per_s
            dt = min(dt, p.max_recession_cells * self.cell_mm / rate)
        snap = (self.model.w.x.array.copy(), self.solver.U, interface.delta.x.array.copy())
        while True:
            self._predict(dt)
            interface.advance(dt)
            set_stripped(self.model)
            self.model.dt.value = dt
            result = self.solver.solve(self._load())
            if result.converged:
                break
            self.model.w.x.array[:], self.solver.U = snap[0], snap[1]
            interface.delta.x.array[:] = snap[2]
            interface.advance(0.0)
            dt /= 4.0
            if dt < p.dt_min_s:
                raise StrippingFailure(f"{phase} at t = {self.t:g} s: Newton fails down to "
                                       f"dt = {dt:.3g} s ({result.reason})")
        self._velocity = (self.model.w.x.array - snap[0]) / dt, (self.solver.U - snap[1]) / dt
        self.model.commit()
        self.t += dt
        self.charge_mAh_cm2 += current_mA_cm2 * dt / S_PER_H
        row = self._record(phase, dt, result.iterations)
        self.dt = min(dt * p.dt_growth, p.dt_max_s)
        if current_mA_cm2 > 0.0:
            self.result.event = self._failure(row)

    def _failure(self, row: dict) -> str:
        p = self.protocol
        if row["contact_fraction"] < p.min_contact_fraction:
            return f"contact fraction {row['contact_fraction']:.3g} < {p.min_contact_fraction}"
        if row["next_local_current_mA_cm2"] > p.max_current_mA_cm2:
            return (f"local current {row['next_local_current_mA_cm2']:.3g} mA/cm2 > "
                    f"{p.max_current_mA_cm2}")
        return ""

    def _record(self, phase: str, dt: float, iterations: int) -> dict:
        """A series row: the step's state, then the contact set that the next step will use."""
        interface = self.interface
        columns = interface.observe()  # the current that flowed over the step just taken
        area = interface.refresh_contact()
        current = self.protocol.current_mA_cm2 if phase == "strip" else 0.0
        next_scale = current * self.area / area if area > 0 else math.inf
        row = {
            "t_s": self.t, "phase": phase, "dt_s": dt, "newton_iterations": iterations,
            "stripped_mAh_cm2": self.charge_mAh_cm2,
            "pressure_MPa": self.solver.plunger_reaction_N() / self.area,
            "plunger_um": self.solver.U * UM_PER_MM,
            **columns,
            "contact_fraction": area / self.area,
            "next_local_current_mA_cm2": next_scale,
        }
        self.result.rows.append(row)
        if self.progress is not None:
            self.progress(row)
        return row
