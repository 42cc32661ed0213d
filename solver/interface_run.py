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

import numpy as np
from mpi4py import MPI

from solver.interface_protocol import StrippingProtocol
from solver.numerics.newton import PlungerLoad, PlungerNewtonSolver
from solver.physics.interface_cell import InterfaceCellModel, set_stripped
from solver.physics.stripping import MA_CM2_PER_A_MM2
from solver.units import MM2_PER_CM2, S_PER_H, UM_PER_MM

A_PER_MA = 1.0e-3
ERROR_SAFETY = 0.9
"""The next dt aims at this fraction of the creep error tolerance."""


class StrippingFailure(RuntimeError):
    """A step that cannot be completed even at the smallest time step."""


@dataclass
class StrippingResult:
    rows: list[dict] = field(default_factory=list)
    event: str = ""


class InterfaceStepper:
    """March an interface cell through a :class:`StrippingProtocol`."""

    def __init__(self, model: InterfaceCellModel, protocol: StrippingProtocol, *,
                 rtol: float = 1e-8, linear_solver: str = "mumps", progress=None, log=None):
        self.model, self.protocol = model, protocol
        self.interface = model.interface
        self.area = model.nominal_area_mm2
        scale = max([protocol.preload_MPa, 1.0] + [st.pressure_MPa or 0.0 for st in protocol.steps]) * self.area
        self.solver = PlungerNewtonSolver(model, rtol, 25, linear_solver, None, scale, 1.0e-2)
        self.t = 0.0
        self.charge_mAh_cm2 = 0.0
        self.dt = protocol.dt_initial_s
        self.force_N = 0.0
        self.anchor_mm = 0.0
        self.anchor_stripped_mm = 0.0  # delta_bar when the fixture was anchored
        self.step_index = 0
        self.result = StrippingResult()
        self.progress = progress
        self.log = log or (lambda message: None)  # rejected steps, with why
        self.rejected = 0
        self.cell_mm = model.cell.spec.interface_mesh_size_mm
        self._velocity = None  # (dw/dt, dU/dt) of the last accepted step
        self._ramp = None  # (t0, t1, F0, F1) while the pressure is raised in time

    # -- the fixture -------------------------------------------------------------------------

    def _compensation_mm(self) -> float:
        """How far the counter electrode has grown since the fixture was anchored."""
        stripped = float(self.interface.mean_stripped.value) - self.anchor_stripped_mm
        return self.protocol.counter_electrode_growth * stripped

    def _load(self, dt: float) -> PlungerLoad:
        p = self.protocol
        if self._ramp is not None:  # the pressure being raised at a constant rate
            t0, t1, f0, f1 = self._ramp
            s = min((self.t + dt - t0) / (t1 - t0), 1.0)
            return PlungerLoad(f0 + s * (f1 - f0), 0.0, self.solver.U)
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

    def _snapshot(self) -> tuple:
        return self.model.w.x.array.copy(), self.solver.U, self.interface.delta.x.array.copy()

    def _restore(self, snap: tuple) -> None:
        """Back to the last accepted state: the fields, the plunger and the stripped thickness
        (its mean with it)."""
        self.model.w.x.array[:], self.solver.U = snap[0], snap[1]
        self.interface.delta.x.array[:] = snap[2]
        self.interface.advance(0.0)

    def _anchor(self, force_N: float) -> None:
        """The fixture's reference: the force and plunger position now, and the stripped
        thickness the counter electrode's growth is counted from."""
        self.force_N, self.anchor_mm = force_N, self.solver.U
        self.anchor_stripped_mm = float(self.interface.mean_stripped.value)

    def _move_plunger(self, U: float) -> None:
        dofs = self.model.plunger_dofs
        self.model.w.x.array[dofs] += U - self.solver.U
        self.solver.U = U

    # -- steps -------------------------------------------------------------------------------

    def ramp_pressure(self, pressure_MPa: float, duration_s: float, phase: str) -> None:
        """Raise (or lower) the pressure at a constant rate over ``duration_s`` while the Li
        creeps, then anchor the fixture there. An instantaneous step to tens of MPa puts the
        elastic stress singularity of every contact edge into the power law at once (rates
        beyond 1e10 1/s); a cell is loaded over seconds, and creep relaxes the edges as the
        load builds."""
        target = pressure_MPa * self.area
        self._ramp = (self.t, self.t + duration_s, self.force_N, target)
        self.dt = self.protocol.dt_initial_s
        end = self.t + duration_s
        while self.t < end * (1 - 1e-12):
            self._step(min(self.dt, end - self.t), 0.0, phase)
        self._ramp = None
        self._anchor(target)

    def set_pressure(self, pressure_MPa: float, phase: str) -> None:
        """Bring the cell to ``pressure_MPa`` at constant force (an elastic, instantaneous
        step at dt = 0, in substeps if Newton needs them), then anchor the fixture there.
        At 0 MPa from rest there is nothing to do: the Li is held where it is."""
        target = pressure_MPa * self.area
        if target > 0.0 or self.force_N > 0.0:
            self.model.dt.value = 0.0
            start = (self.model.w.x.array.copy(), self.solver.U)
            for substeps in (1, 4, 16):
                self.model.w.x.array[:], self.solver.U = start[0].copy(), start[1]
                ok = True
                for j in range(1, substeps + 1):
                    force = self.force_N + (target - self.force_N) * j / substeps
                    if not self.solver.solve(PlungerLoad(force, 0.0, self.solver.U)).converged:
                        ok = False
                        break
                if ok:
                    break
            else:
                raise StrippingFailure(f"setting {pressure_MPa} MPa did not converge")
            self.model.commit()
        self._anchor(target)
        self._velocity = None  # a load jump: the last rate says nothing of the next step
        self.dt = self.protocol.dt_initial_s  # a new creep transient starts
        self._record(phase, 0.0, 0)

    def run(self) -> StrippingResult:
        """The preload, then every step until the protocol ends or a criterion stops it."""
        self.interface.refresh_contact()
        if self.protocol.preload_ramp_s > 0.0:
            self._record("preload", 0.0, 0)
            self.ramp_pressure(self.protocol.preload_MPa, self.protocol.preload_ramp_s, "preload")
        else:
            self.set_pressure(self.protocol.preload_MPa, "preload")
        for i, step in enumerate(self.protocol.steps, start=1):
            self.step_index = i
            if step.pressure_MPa is not None:
                self.set_pressure(step.pressure_MPa, step.kind)
            end = self.t + step.duration_s
            while self.t < end * (1 - 1e-12) and not self.result.event:
                self._step(min(self.dt, end - self.t), step.current_mA_cm2, step.kind)
            if self.result.event:
                break
        return self.result

    def _step(self, dt: float, current_mA_cm2: float, phase: str) -> None:
        """One accepted step of at most ``dt`` (cut on Newton failure)."""
        p, interface = self.protocol, self.interface
        current_A_mm2 = current_mA_cm2 * A_PER_MA / MM2_PER_CM2
        interface.distribute(current_A_mm2)
        if current_mA_cm2 > 0.0 and interface.contact_area == 0.0:
            self.result.event = "contact lost"
            self._record(phase, 0.0, 0, event=self.result.event)
            return
        if interface.current_scale > 0.0:  # no point strips more than a fraction of a cell
            rate = interface.recession_rate_mm_per_s
            dt = min(dt, p.max_recession_cells * self.cell_mm / rate)
        snap = self._snapshot()
        while True:
            self._predict(dt)
            interface.advance(dt)
            try:
                set_stripped(self.model)
            except ValueError:  # the layer would be stripped thinner than the model allows
                self._restore(snap)
                self.result.event = "the Li layer is used up (95 % stripped)"
                self._record(phase, 0.0, 0, event=self.result.event)
                return
            self.model.dt.value = dt
            result = self.solver.solve(self._load(dt))
            why, cut = self._rejected(result, dt)
            if not why:
                break
            self._restore(snap)
            self.rejected += 1
            self.log(f"step of {dt:.3g} s at t = {self.t:.6g} s rejected: {why}")
            dt *= cut
            if dt < p.dt_min_s:
                raise StrippingFailure(f"{phase} at t = {self.t:g} s: the step is cut below "
                                       f"dt_min_s = {p.dt_min_s:g} s ({why})")
        self._velocity = (self.model.w.x.array - snap[0]) / dt, (self.solver.U - snap[1]) / dt
        self.model.commit()
        self.t += dt
        self.charge_mAh_cm2 += current_mA_cm2 * dt / S_PER_H
        row = self._record(phase, dt, result.iterations, check=current_mA_cm2 > 0.0)
        self.result.event = row["event"]
        error = self.model.points.rate_error_rms()
        growth = min(p.dt_growth, ERROR_SAFETY * p.creep_error_tolerance / error) if error > 0 else p.dt_growth
        self.dt = min(dt * max(growth, 1.0), p.dt_max_s)

    def _rejected(self, result, dt: float) -> tuple[str, float]:
        """Why the trial step is rejected ("" if accepted) and the factor for dt's retry: as
        in the die (:mod:`solver.numerics.stepper`), Newton must converge to a finite state,
        the viscous strain increment stay below max_creep_strain_increment and the creep
        error estimate below creep_error_tolerance, here in RMS over the points
        (:meth:`~solver.physics.material_points.MaterialPoints.rate_error_rms`): the edges of
        contact patches are stress singularities whose points would hold dt at microseconds."""
        p, points = self.protocol, self.model.points
        if not result.converged:
            return result.reason, 0.25
        local = bool(np.isfinite(self.model.w.x.array).all())
        if not self.model.W.mesh.comm.allreduce(local, op=MPI.LAND):
            return "non-finite solution", 0.25
        increment = points.max_increment()
        if increment > p.max_creep_strain_increment:
            return f"creep strain increment {increment:.2e} too large", 0.5
        error = points.rate_error_rms()
        if error > p.creep_error_tolerance and dt > p.dt_min_s * (1 + 1e-9):
            return (f"creep error estimate {error:.2e} above {p.creep_error_tolerance:g}",
                    max(ERROR_SAFETY * p.creep_error_tolerance / error, 0.1))
        return "", 1.0

    def _failure(self, row: dict) -> str:
        p = self.protocol
        if row["contact_fraction"] < p.min_contact_fraction:
            return f"contact fraction {row['contact_fraction']:.3g} < {p.min_contact_fraction}"
        if row["next_local_current_mA_cm2"] > p.max_current_mA_cm2:
            return (f"local current {row['next_local_current_mA_cm2']:.3g} mA/cm2 > "
                    f"{p.max_current_mA_cm2}")
        return ""

    def _record(self, phase: str, dt: float, iterations: int, check: bool = False,
                event: str = "") -> dict:
        """A series row: the step's state, then the contact set that the next step will use."""
        interface = self.interface
        columns = interface.observe()  # the current that flowed over the step just taken
        area = interface.refresh_contact()
        current = self.protocol.steps[self.step_index - 1].current_mA_cm2 if self.step_index else 0.0
        interface.distribute(current * A_PER_MA / MM2_PER_CM2)  # the next step's current
        next_scale = (interface.current_scale * MA_CM2_PER_A_MM2 if area > 0 or current == 0
                      else math.inf)
        row = {
            "time_s": self.t, "time_h": self.t / S_PER_H, "protocol_step": self.step_index,
            "step": phase, "current_mA_cm2": current, "capacity_mAh_cm2": self.charge_mAh_cm2,
            "stack_pressure_MPa": self.solver.plunger_reaction_N() / self.area,
            "stack_displacement_um": self.solver.U * UM_PER_MM,
            **columns,
            "contact_fraction": area / self.area,
            "next_local_current_mA_cm2": next_scale,
            "newton_iterations": iterations, "dt_s": dt, "event": event,
        }
        if check:
            row["event"] = self._failure(row)
        self.result.rows.append(row)
        if self.progress is not None:
            self.progress(row)
        return row
