"""Adaptive backward-Euler time stepping through the protocol.

Cut and retry: a step whose Newton solve fails, whose viscous strain changes by more than
``max_creep_strain_increment`` or whose state of lithiation changes by more than
``max_theta_increment`` anywhere, is undone (state restored) and retried with ``dt * dt_cut``;
below ``dt_min_s`` the run stops with :class:`StepFailure`.

Error control of the viscous flow: the local error of backward Euler, estimated from the change
of the viscous strain rate across the step (:meth:`MaterialPoints.rate_error`), is held below
``creep_error_tolerance``; a step above it is retried, and the next dt is
dt * 0.9 tol / error (the estimate, relative to the step's flow, grows as dt), at most
``dt_growth`` times the last and
not above ``dt_max_s``. A transient faster than ``dt_min_s`` is not resolved: a step of
dt_min_s is accepted whatever its error estimate (backward Euler is L-stable, so it relaxes
to the right state). Steps that need more than ``easy_newton_iterations`` do not grow. Every
protocol step ends exactly at its end time (the last dt is clipped), or earlier at an event:
its voltage cutoff, or a host emptied (theta = 0) or filled (theta = 1) at its interface,
which is located to within ``EVENT_THETA_TOLERANCE`` by cutting the step. Internal variables are
committed (``w_old <- w``) only when a step is accepted.

All that changes between steps lives in :class:`StepperState`, one object that can be saved
and restored.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from mpi4py import MPI

from solver.case import Case, Step
from solver.numerics.newton import NewtonResult, PlungerLoad, PlungerNewtonSolver
from solver.physics import swelling, transport
from solver.physics.fixture import FrameStep, relaxing_frame_step
from solver.physics.model import THETA_SUB, collapsed, set_initial_theta
from solver.physics.stack import StackModel
from solver.units import MM2_PER_CM2, S_PER_H, plated_thickness_mm

A_PER_MA = 1.0e-3
ERROR_SAFETY = 0.9
"""Fraction of the step size the error estimate allows that is taken."""
MIN_ERROR_CUT = 0.2
"""Smallest factor a step is cut by after an error-estimate rejection."""
EVENT_THETA_TOLERANCE = 5.0e-3
"""A host counts as emptied at its interface when theta there is within this of 0 (or 1)."""


def _quantized(factor: float) -> float:
    """The largest power of 2^(1/4) not above ``factor``: step sizes from a discrete set, so
    that round-off differences of the error estimate (e.g. between 1 and 2 ranks) give the
    same steps."""
    return 2.0 ** (np.floor(4.0 * np.log2(factor)) / 4.0)


def resolvable_dt(time_s: float) -> float:
    """Smallest step that moves time ``time_s`` by more than round-off: 1000 ulps of it (or of 1 s).

    Below it ``t + dt`` loses most digits of dt (or equals t): the run would step for ever
    with its time frozen.
    """
    return 1.0e3 * float(np.finfo(float).eps) * max(abs(time_s), 1.0)


START, BEGIN, PRESSURE_SET, WITHIN = "start", "begin", "pressure_set", "within"
"""Where a run is (:attr:`Stepper.position`): before the preload; at the start of protocol
step ``state.step_index``; just after that step set its pressure; after an accepted step inside
it (with the event that step reached, if any)."""


class StepFailure(RuntimeError):
    """The time step fell below dt_min_s without a converged, acceptable step."""


@dataclass
class StepperState:
    time_s: float = 0.0
    capacity_mAh_cm2: float = 0.0  # net areal charge passed; charge > 0
    step_index: int = 0
    step_time_s: float = 0.0
    dt_s: float = 1.0
    preload_N: float = 0.0
    anchor_mm: float = 0.0  # plunger position where the fixture force is preload_N
    reference_plunger_mm: float = 0.0  # plunger position after the initial preload
    frame_arm_N: float = 0.0  # force in the Maxwell arm of a relaxing frame
    accepted_steps: int = 0
    rejected_steps: int = 0
    current_mA_cm2: float = 0.0
    last_iterations: int = 0

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


class Stepper:
    def __init__(self, case: Case, model: StackModel, solver: PlungerNewtonSolver,
                 on_accept: Callable[[StepperState, str], None]):
        self.case, self.model, self.solver = case, model, solver
        self.on_accept = on_accept
        self.state = StepperState(dt_s=case.numerics.dt_initial_s)
        self.comm = model.W.mesh.comm
        self._theta_dofs = (collapsed(model.W.sub(THETA_SUB))[1]
                            if model.has_transport else np.empty(0, dtype=np.int32))
        self.timings = {"solve_s": 0.0}
        self._velocity = None  # (dw/dt, dU/dt) of the last accepted step: the predictor
        self.interface = None  # set by the run: callable -> (min theta, max theta, voltage)
        self.position: tuple[str, str] = (START, "")  # (phase, event): set before on_accept

    # -- loads from the protocol ---------------------------------------------------------------

    def _set_electrochemistry(self, capacity: float, current_mA_cm2: float = 0.0) -> None:
        case = self.case
        current_A_mm2 = current_mA_cm2 * A_PER_MA / MM2_PER_CM2
        for host, law in self.model.hosts.items():
            self.model.inflow[host].value = transport.inward_flux_per_cmax(current_A_mm2, law.c_max)
        if case.plating_region is not None:
            anode = case.layer(case.plating_region)
            h = plated_thickness_mm(capacity, anode.material.molar_volume_mm3_per_mol)
            self.model.plating_stretch.value = swelling.plating_stretch(h, anode.thickness_mm)
        if case.cathode_region is not None:
            table = case.layer(case.cathode_region).material.volume_change
            state = capacity / case.cathode_capacity_mAh_cm2
            self.model.volume_ratio.value = swelling.volume_ratio(table, state)

    def _load(self, dt: float, U_start: float) -> tuple[PlungerLoad, FrameStep | None]:
        """The fixture's law over a step of ``dt`` from the plunger position ``U_start``."""
        s, fx = self.state, self.case.fixture
        k, r = fx.stiffness_N_per_mm, fx.relaxation_fraction
        if r == 0.0:
            return PlungerLoad(s.preload_N, k, s.anchor_mm), None
        elastic = (1.0 - r) * (s.preload_N + k * (U_start - s.anchor_mm))
        frame = relaxing_frame_step(elastic, s.frame_arm_N, k, r, fx.relaxation_time_s, dt)
        return PlungerLoad(frame.force_N, frame.stiffness_N_per_mm, U_start), frame

    # -- state save / restore ------------------------------------------------------------------

    def _snapshot(self):
        return self.model.w.x.array.copy(), self.solver.U

    def _restore(self, snap) -> None:
        self.model.w.x.array[:] = snap[0]
        self.solver.U = snap[1]

    def _commit(self, dt: float = 0.0, start=None) -> None:
        """Accept the trial state; with the step's ``dt`` and ``start`` snapshot, remember its
        rate of change for the next predictor."""
        if dt > 0.0 and start is not None:
            w_old, U_old = start
            self._velocity = ((self.model.w.x.array - w_old) / dt, (self.solver.U - U_old) / dt)
        else:
            self._velocity = None  # a load jump: the last rate says nothing of the next step
        self.model.commit()

    def _predict(self, dt: float) -> None:
        """Start Newton from the state extrapolated along the last step's rate (steady creep
        and charge then start inside Newton's quadratic range)."""
        if self._velocity is not None:
            dw, dU = self._velocity
            self.model.w.x.array[:] += dt * dw
            self.solver.U += dt * dU

    def _increment(self, dofs: np.ndarray) -> float:
        d = self.model.w.x.array[dofs] - self.model.w_old.x.array[dofs]
        local = float(np.max(np.abs(d))) if d.size else 0.0
        return self.comm.allreduce(local, op=MPI.MAX)

    def _finite(self) -> bool:
        """Whether the trial solution is finite on every rank (a NaN is cut, never accepted)."""
        local = bool(np.isfinite(self.model.w.x.array).all() and np.isfinite(self.solver.U))
        return self.comm.allreduce(local, op=MPI.LAND)

    def _event(self, step: Step) -> tuple[str, bool]:
        """(event, overshoot) at the trial state: an emptied/filled interface or a cutoff."""
        if self.interface is None or not self.model.has_transport or step.signed_current_mA_cm2 == 0:
            return "", False
        theta_min, theta_max, voltage = self.interface()
        tol = EVENT_THETA_TOLERANCE
        if step.signed_current_mA_cm2 < 0 and theta_min <= tol:
            return "host emptied at the interface", theta_min < -tol
        if step.signed_current_mA_cm2 > 0 and theta_max >= 1.0 - tol:
            return "host filled at the interface", theta_max > 1.0 + tol
        cutoff = step.voltage_cutoff_V
        if cutoff is not None and voltage is not None:
            reached = voltage >= cutoff if step.signed_current_mA_cm2 < 0 else voltage <= cutoff
            if reached:
                return f"voltage cutoff {cutoff} V", False
        return "", False

    def _solve(self, load: PlungerLoad) -> NewtonResult:
        t0 = time.perf_counter()
        result = self.solver.solve(load)
        self.timings["solve_s"] += time.perf_counter() - t0
        return result

    # -- preload: elastic (dt = 0) constant-force solve, then re-anchor the fixture ------------

    def set_pressure(self, pressure_MPa: float) -> None:
        """Bring the stack to ``pressure_MPa`` at constant force, then anchor the fixture there."""
        force = pressure_MPa * self.case.face_area_mm2
        self.model.dt.value = 0.0
        start = self._snapshot()
        current = self.state.preload_N if self.state.accepted_steps else 0.0
        for substeps in (1, 4, 16, 64):
            self._restore(start)
            ok = True
            for j in range(1, substeps + 1):
                target = current + (force - current) * j / substeps
                result = self._solve(PlungerLoad(target, 0.0, self.solver.U))
                if not result.converged:
                    ok = False
                    break
            if ok:
                break
        else:
            raise StepFailure(f"preload to {pressure_MPa} MPa did not converge ({result.reason})")
        self._commit()
        s = self.state
        s.preload_N, s.anchor_mm = force, self.solver.U
        s.frame_arm_N = self.case.fixture.relaxation_fraction * force
        s.last_iterations = result.iterations
        s.current_mA_cm2 = 0.0
        # an instantaneous load change starts a new creep transient: restart with small steps
        s.dt_s = self.case.numerics.dt_initial_s

    # -- one protocol step ---------------------------------------------------------------------

    def _try(self, dt: float, step: Step) -> tuple[bool, NewtonResult | None, str, float]:
        """One trial step: (accepted, result, why rejected or the event reached, factor).

        ``factor`` multiplies dt for the retry of a rejected step, or bounds the growth of the
        next dt after an accepted one (from the error estimate; inf where nothing creeps)."""
        num = self.case.numerics
        snap = self._snapshot()
        capacity = self.state.capacity_mAh_cm2 + step.signed_current_mA_cm2 * dt / S_PER_H
        self.model.dt.value = dt
        try:
            self._set_electrochemistry(capacity, step.signed_current_mA_cm2)
        except ValueError as err:
            raise StepFailure(str(err)) from None
        load, frame = self._load(dt, snap[1])
        self._predict(dt)
        result = self._solve(load)
        if not result.converged:
            self._restore(snap)
            return False, result, result.reason, num.dt_cut
        if not self._finite():
            self._restore(snap)
            return False, result, "non-finite solution", num.dt_cut
        for increment, limit, what in (
                (self.model.points.max_increment(), num.max_creep_strain_increment, "creep strain"),
                (self._increment(self._theta_dofs), num.max_theta_increment, "theta")):
            if increment > limit:
                self._restore(snap)
                return False, result, f"{what} increment {increment:.2e} too large", num.dt_cut
        error, tol = self.model.points.rate_error(), num.creep_error_tolerance
        # the estimate is relative to the step's flow: it grows as dt
        factor = _quantized(ERROR_SAFETY * tol / error) if error > 0 else np.inf
        if error > tol and dt > num.dt_min_s * (1.0 + 1e-9):
            self._restore(snap)
            return (False, result, f"creep error estimate {error:.2e} above {tol:g}",
                    max(factor, MIN_ERROR_CUT))
        event, overshoot = self._event(step)
        if overshoot:
            self._restore(snap)
            return False, result, f"overshot the event: {event}", num.dt_cut
        self._commit(dt, snap)
        self.state.capacity_mAh_cm2 = capacity
        if frame is not None:
            self.state.frame_arm_N = frame.arm_force(self.state.frame_arm_N, self.solver.U - snap[1])
        return True, result, event, factor

    def run_step(self, step: Step, phase: str = BEGIN) -> None:
        """Run one protocol step from ``phase``: its start (``BEGIN``), just after its pressure
        was set (``PRESSURE_SET``), or an accepted step inside it (``WITHIN``, a restart)."""
        num, s = self.case.numerics, self.state
        if phase == BEGIN and step.pressure_MPa is not None:
            self.set_pressure(step.pressure_MPa)
            self.position = (PRESSURE_SET, "")
            self.on_accept(s, f"{step.kind}: fixture set to {step.pressure_MPa} MPa")
        if phase != WITHIN:
            s.step_time_s = 0.0
            s.current_mA_cm2 = step.signed_current_mA_cm2
            self._velocity = None  # a new protocol step changes the loads
        end = step.duration_s
        event = self.position[1] if phase == WITHIN else ""
        while end - s.step_time_s > 1e-9 * max(end, 1.0) and not event:
            remaining = end - s.step_time_s
            dt = min(s.dt_s, remaining)
            if remaining - dt < 1e-3 * dt:  # no sliver steps before the step end
                dt = remaining
            ok, result, why, factor = self._try(dt, step)
            if not ok:
                s.rejected_steps += 1
                s.dt_s = dt * factor
                if dt > num.dt_min_s:  # one last try at the floor before giving up
                    s.dt_s = max(s.dt_s, num.dt_min_s)
                if s.dt_s < num.dt_min_s:
                    raise StepFailure(
                        f"step {s.step_index} ({step.kind}) at t = {s.time_s:.6g} s: dt fell "
                        f"below numerics.dt_min_s = {num.dt_min_s} s ({why})"
                    )
                if s.dt_s < resolvable_dt(s.time_s):
                    raise StepFailure(
                        f"step {s.step_index} ({step.kind}) at t = {s.time_s:.6g} s: dt fell "
                        f"to {s.dt_s:.3g} s, below what double precision resolves at this time "
                        f"({resolvable_dt(s.time_s):.3g} s) ({why})"
                    )
                continue
            event = why
            s.time_s += dt
            s.step_time_s += dt
            s.accepted_steps += 1
            s.last_iterations = result.iterations
            growth = min(num.dt_growth, factor)
            if result.iterations > num.easy_newton_iterations:
                growth = min(growth, 1.0)
            if dt >= s.dt_s * 0.999 or growth < 1.0:  # a clipped step does not set the pace
                s.dt_s = min(max(dt * growth, num.dt_min_s), num.dt_max_s)
            self.position = (WITHIN, event)
            self.on_accept(s, f"{step.kind} ended: {event}" if event else "")

    def run(self) -> StepperState:
        """Run the protocol from the start, or from the position :meth:`restore` set."""
        if self.position[0] == START:
            stack = self.model.stack
            set_initial_theta(self.model, stack.cell_tags, stack.cell_regions)
            self._set_electrochemistry(0.0)
            self.set_pressure(self.case.fixture.preload_MPa)
            self.state.reference_plunger_mm = self.solver.U
            self.position = (BEGIN, "")
            self.on_accept(self.state, f"preload {self.case.fixture.preload_MPa} MPa")
        first, phase = self.state.step_index, self.position[0]
        for i in range(first, len(self.case.protocol)):
            self.state.step_index = i
            self.run_step(self.case.protocol[i], phase if i == first else BEGIN)
        return self.state

    # -- restart: everything the next step depends on ------------------------------------------

    def saved(self) -> tuple[dict, dict[str, np.ndarray]]:
        """(scalars, arrays) of an accepted state: what :meth:`restore` needs to go on exactly
        as this run would. Arrays are this rank's local (owned and ghost) values."""
        model, velocity = self.model, self._velocity
        scalars = {
            "state": self.state.as_dict(),
            "position": list(self.position),
            "plunger_mm": self.solver.U,
            "plunger_velocity_mm_per_s": None if velocity is None else velocity[1],
            "electrochemistry": {
                "plating_stretch": float(model.plating_stretch.value),
                "volume_ratio": float(model.volume_ratio.value),
                "inflow": {h: float(c.value) for h, c in model.inflow.items()},
            },
        }
        arrays = {"w": model.w.x.array.copy(), "w_old": model.w_old.x.array.copy()}
        if velocity is not None:
            arrays["velocity"] = velocity[0].copy()
        return scalars, arrays

    def restore(self, scalars: dict, arrays: dict[str, np.ndarray]) -> None:
        """Take up the state :meth:`saved` gave (arrays in this rank's local numbering)."""
        model = self.model
        self.state = StepperState(**scalars["state"])
        self.position = (scalars["position"][0], scalars["position"][1])
        model.w.x.array[:] = arrays["w"]
        model.w_old.x.array[:] = arrays["w_old"]
        self.solver.U = scalars["plunger_mm"]
        v = scalars["plunger_velocity_mm_per_s"]
        self._velocity = None if v is None else (arrays["velocity"].copy(), v)
        chem = scalars["electrochemistry"]
        model.plating_stretch.value = chem["plating_stretch"]
        model.volume_ratio.value = chem["volume_ratio"]
        for host, value in chem["inflow"].items():
            model.inflow[host].value = value
