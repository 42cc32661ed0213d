"""One run of a case: mesh, model, solver, stepper, and the run directory they write.

Run directory: ``case.toml`` (the resolved case), ``series.csv`` (a row per
accepted step, flushed as it goes), ``fields/`` (ParaView), ``summary.json``, ``run.log``,
``stack_pressure.png`` and, while the run has not completed, ``checkpoint/`` (the last restart
checkpoint, :mod:`solver.restart`). Rank 0 writes the files; every rank takes part in the solve.
"""

from __future__ import annotations

import logging
import math
import platform
import sys
import time
from pathlib import Path

import dolfinx
import tomli_w
from mpi4py import MPI
from petsc4py import PETSc

import solver
from solver import restart
from solver.case import Case
from solver.faults import Interrupted, SignalWatch, fault_message, on_root
from solver.geometry import LayerSpec, build_die_stack
from solver.geometry.die_stack import HolderSpec
from solver.geometry.estimate import CLEARANCE_CELLS
from solver.io.fields import FieldWriter
from solver.io.plots import pressure_plot
from solver.io.progress import Progress
from solver.io.rundir import write_summary
from solver.io.series import SeriesWriter
from solver.materials.ranges import OutOfRange, RangeWatch
from solver.numerics.newton import PlungerNewtonSolver, choose_linear_solver
from solver.numerics.stepper import StepFailure, Stepper, StepperState
from solver.physics import contact
from solver.physics.diagnostics import Diagnostics
from solver.physics.model import THETA_SUB
from solver.physics.stack import build_stack_model
from solver.units import S_PER_H, UM_PER_MM, ZERO_CELSIUS_K


def _logger(out: Path, comm, append: bool = False) -> logging.Logger:
    log = logging.getLogger(f"ssb.run.{out.resolve()}")
    log.handlers.clear()
    log.propagate = False
    log.setLevel(logging.INFO)
    if comm.rank == 0:
        fh = logging.FileHandler(out / "run.log", mode="a" if append else "w")
        fh.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        sh = logging.StreamHandler(sys.stdout)
        sh.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(fh)
        log.addHandler(sh)
    else:
        log.addHandler(logging.NullHandler())
    return log


def versions() -> dict[str, str]:
    return {
        "ssb-solver": solver.__version__,
        "dolfinx": dolfinx.__version__,
        "petsc": ".".join(str(v) for v in PETSc.Sys.getVersion()),
        "python": platform.python_version(),
    }



def holder_spec(case: Case) -> HolderSpec | None:
    """The meshed die holder of ``die.wall = "meshed"``, its contact strip as thin as
    :data:`solver.physics.contact.GAP_FRACTION` of the finest layer cell."""
    wall = case.die_wall
    if wall.type != "meshed":
        return None
    finest = min(layer.mesh_size_mm for layer in case.layers)
    return HolderSpec(wall.holder_outer_radius_mm, wall.holder_height_mm,
                      wall.holder_mesh_size_mm, contact.GAP_FRACTION * finest)

class _Recorder:
    """Turns accepted stepper states into series rows, progress lines and field snapshots."""

    def __init__(self, case: Case, run, log, series: SeriesWriter, fields: FieldWriter):
        self.case, self.run, self.log = case, run, log
        self.series, self.fields = series, fields
        hosts = case.host_regions
        self.thickness_layer = case.plating_region or (hosts[0] if hosts else None) or (
            "anode" if any(layer.name == "anode" for layer in case.layers) else None
        )
        self.reference_thickness = None
        self.rows = 0
        self.last: dict = {}
        self.progress = Progress([step.duration_s for step in case.protocol],
                                 case.numerics.dt_max_s, case.numerics.dt_growth)
        self.warned: set[str] = set()

    def _warn_once(self, row: dict) -> None:
        """Results the model does not cover: logged once and listed in summary.json."""
        pressure = row["stack_pressure_MPa"]
        if pressure < 0.0 and "tension" not in self.warned:
            self.warned.add("tension")
            self.run.warn(f"stack pressure {pressure:.4g} MPa at t = {row['time_s']:.6g} s: the "
                          "plunger pulls on the stack, and contact loss is not modelled")
        slip = self.run.diagnostics.plunger_edge_slip_mm()
        limit = self.case.clearance_mm / CLEARANCE_CELLS
        if slip is not None and slip > limit and "edge slip" not in self.warned:
            self.warned.add("edge slip")
            self.run.warn(
                f"at t = {row['time_s']:.6g} s the top layer has slid {slip * UM_PER_MM:.3g} um "
                f"past the plunger's edge (more than one cell, c / {CLEARANCE_CELLS}): the "
                "plunger still presses it, as if wider by that much (the face is the reference "
                "disk r < R - c)")

    def _check_ranges(self) -> None:
        """theta of the hosts and the von Mises stress of every region against the data ranges
        of its material, at every accepted step; computed only where a range exists and has
        not been reported. With ``numerics.out_of_range = "error"`` the run stops here, after
        the step's row, log line and snapshot are written."""
        ranges, diag = self.run.ranges, self.run.diagnostics
        try:
            for region in self.case.host_regions:
                if ranges.wants(region, "theta"):
                    ranges.check(region, "theta", *diag.region_theta_range(region))
            for layer in self.case.layers:
                if ranges.wants(layer.name, "stress_MPa"):
                    _, high = diag.region_extremes("von_mises_MPa", layer.name)
                    ranges.check(layer.name, "stress_MPa", high)
        except OutOfRange as err:
            raise StepFailure(str(err)) from None

    def __call__(self, state: StepperState, event: str) -> None:
        case, solver_, diag = self.case, self.run.solver, self.run.diagnostics
        area = case.face_area_mm2
        diag.update_cell_fields()
        thickness = (
            diag.layer_thickness_change_mm(self.thickness_layer) if self.thickness_layer else None
        )
        if self.reference_thickness is None and thickness is not None:
            self.reference_thickness = thickness
        sigma_h_range = diag.host_extremes("hydrostatic_stress_MPa")
        wall_force, wall_gap = diag.wall_state()
        extrusion = diag.clearance_extrusion_mm()
        full = case.host_capacity_mAh_cm2 or case.cathode_capacity_mAh_cm2
        q_norm = state.capacity_mAh_cm2 / full if full else None
        transport = {}
        if self.run.model.has_transport:
            theta_min, theta_max, potential = diag.interface_state()
            transport = {
                "anode_potential_V": potential,
                # half cell: the host (working electrode) against the counter electrode
                "voltage_V": potential - case.counter_potential_V,
                "mean_theta": diag.mean_theta(),
                "interface_theta_min": theta_min,
                "interface_theta_max": theta_max,
            }
        row = {
            "time_s": state.time_s,
            "time_h": state.time_s / S_PER_H,
            "current_mA_cm2": state.current_mA_cm2,
            "capacity_mAh_cm2": state.capacity_mAh_cm2,
            "normalized_capacity": q_norm,
            "stack_pressure_MPa": solver_.plunger_reaction_N() / area,
            "stack_displacement_um": (solver_.U - state.reference_plunger_mm) * UM_PER_MM,
            "anode_thickness_change_um": (
                (thickness - self.reference_thickness) * UM_PER_MM if thickness is not None else None
            ),
            "max_von_mises_MPa": diag.maximum("von_mises_MPa"),
            "max_hydrostatic_stress_MPa": sigma_h_range[1],
            "min_hydrostatic_stress_MPa": sigma_h_range[0],
            **transport,
            "max_creep_strain": diag.maximum("creep_strain"),
            "wall_force_N": wall_force,
            "max_wall_gap_um": wall_gap * UM_PER_MM,
            "clearance_extrusion_um": None if extrusion is None else extrusion * UM_PER_MM,
            "newton_iterations": state.last_iterations,
            "dt_s": float(self.run.model.dt.value),
            "event": event,
            "protocol_step": state.step_index,
        }
        self._warn_once(row)
        self.series.write(row)
        self.last = row
        progress = self.progress.update(state.step_index, state.step_time_s, state.dt_s)
        if self.rows % case.output.log_every == 0 or event:
            self.log.info(
                f"step {state.accepted_steps:5d} | t {row['time_h']:9.4f} h | "
                f"Q {row['capacity_mAh_cm2']:7.4f} mAh/cm2 | p {row['stack_pressure_MPa']:8.4f} MPa | "
                f"dz {row['stack_displacement_um']:8.3f} um | "
                + (f"theta {row['mean_theta']:6.4f} | V {row['voltage_V']:7.4f} | " if transport else "")
                + f"newton {state.last_iterations:2d} | "
                f"dt {row['dt_s']:9.3g} s | {progress}" + (f" | {event}" if event else "")
            )
        if event or self.fields.due(state.accepted_steps, state.time_s):
            self.fields.write(state.time_s)
        self.rows += 1
        self._check_ranges()
        self.run.checkpoints.after_row()
        self.run.watch.check(self.run.comm)  # every rank stops here, after a complete row


class Run:
    """Set up and execute one case; ``execute`` returns the summary dictionary.

    ``restart``: the manifest of a checkpoint in ``out`` (:func:`solver.io.checkpoint.
    read_manifest`, its case checked by :func:`solver.restart.check_case`): the run goes on
    from there, appending to the outputs in ``out``.
    """

    def __init__(self, case: Case, out: Path, comm=MPI.COMM_WORLD,
                 watch: SignalWatch | None = None, restart: dict | None = None):
        self.case, self.out, self.comm = case, Path(out), comm
        self.watch = watch or SignalWatch()  # without a watch entered, no signal is caught
        self.restart = restart
        self.t_start = time.perf_counter()
        on_root(comm, self._write_case)
        self.log = _logger(self.out, comm, append=restart is not None)
        self.timings: dict[str, float] = {}
        self.warnings: list[str] = []
        self._outputs = None

    def warn(self, message: str) -> None:
        """Record a warning in the log and in summary.json (``warnings``)."""
        self.warnings.append(message)
        self.log.info(f"warning: {message}")

    def _write_case(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "case.toml").write_text(tomli_w.dumps(self.case.resolved))

    def setup(self) -> None:
        case, t0 = self.case, time.perf_counter()
        for note in case.notes:  # what loading the case did on the user's behalf
            self.log.info(f"note: {note}")
        for warning in case.warnings:  # overrides that do not act as given
            self.warn(warning)
        layers = [LayerSpec(lay.name, lay.thickness_mm, lay.mesh_size_mm, lay.radius_mm)
                  for lay in case.layers]
        with self.watch.around_gmsh():
            self.stack = build_die_stack(
                self.comm, layers, case.die_radius_mm, case.mode, case.radial_mesh_size_mm,
                plunger_radius_mm=case.plunger_radius_mm if case.clearance_mm > 0 else None,
                holder=holder_spec(case),
            )
        self.timings["mesh_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.model = build_stack_model(case, self.stack)
        force_scale = max(case.fixture.preload_MPa, 1.0) * case.face_area_mm2
        num = case.numerics
        n_dofs = self.model.W.dofmap.index_map.size_global * self.model.W.dofmap.index_map_bs
        self.linear_solver = choose_linear_solver(num.linear_solver, n_dofs,
                                                  self.model.W.mesh.geometry.dim)
        self.solver = PlungerNewtonSolver(
            self.model, num.newton_rtol, num.newton_max_iterations, self.linear_solver,
            num.petsc_options, force_scale, self._transport_scale(),
        )
        self.diagnostics = Diagnostics(self.model)
        self.ranges = RangeWatch({layer.name: layer.material for layer in case.layers},
                                 case.numerics.out_of_range, self.warn)
        self.timings["setup_s"] = time.perf_counter() - t0
        chosen = " (auto)" if num.linear_solver == "auto" else ""
        self.log.info(
            f"case '{case.name}': {case.mode}, {len(case.layers)} layers, fixture "
            f"{case.fixture.type} (k = {case.fixture.stiffness_N_per_mm:g} N/mm), "
            f"{n_dofs} dofs on {self.comm.size} rank(s), linear solver {self.linear_solver}"
            f"{chosen}, T = {case.temperature_K - 273.15:g} C"
        )
        self.n_dofs = n_dofs
        # in "error" mode the case loader has refused a temperature outside a range already
        self.ranges.check_temperature(case.temperature_K - ZERO_CELSIUS_K)

    def _transport_scale(self) -> float:
        """Host volume over sqrt(host dofs): a residual of this size is theta wrong by ~1."""
        case = self.case
        if not case.host_regions:
            return 1.0
        volume = sum(case.layer(h).thickness_mm for h in case.host_regions) * case.face_area_mm2
        n = self.model.W.sub(THETA_SUB).collapse()[0].dofmap.index_map.size_global
        return volume / n**0.5

    def execute(self) -> dict:
        """Run the case; returns the summary (status ``completed``, ``failed`` or ``interrupted``).

        Every rank leaves the stepping loop together for these three endings, so the files are
        closed collectively after it. Any other exception propagates at once, with no collective
        call on its way: the caller reports it and aborts the job (:mod:`solver.faults`).
        """
        case = self.case
        self.setup()
        resume = restart.read(self, self.restart) if self.restart else None
        series = SeriesWriter(self.out / "series.csv", self.comm.rank == 0,
                              resume.series_bytes if resume else None)
        out = case.output
        fields = FieldWriter(self.out / "fields", self.model, self.diagnostics, out.field_formats,
                             out.fields_every, out.fields_every_h,
                             resume.segment if resume else 0, resume.texts if resume else ())
        recorder = _Recorder(case, self, self.log, series, fields)
        stepper = Stepper(case, self.model, self.solver, recorder)
        if self.model.has_transport:
            stepper.interface = self.diagnostics.interface_state
        self.checkpoints = restart.Checkpoints(self, stepper, recorder, fields, series, resume)
        if resume:
            self.checkpoints.restarts.append(
                restart.take_up(resume, self, stepper, recorder, fields))
        self._outputs = (stepper, recorder, fields, series)  # for abandon()
        status, message, code = "completed", "", 0
        t0 = time.perf_counter()
        try:
            self.watch.check(self.comm)  # a signal during set-up
            stepper.run()
        except StepFailure as err:
            status, message, code = "failed", str(err), 1
            self.log.info(f"run stopped: {err}")
        except Interrupted as stop:
            status, code = "interrupted", stop.exit_code
            message = f"{stop} at t = {stepper.state.time_s:.6g} s"
            self.log.info(f"run {message}; the output up to there is complete")
            self.final_checkpoint(stepper)
        self.timings["stepping_s"] = time.perf_counter() - t0
        self.timings["solve_s"] = stepper.timings["solve_s"]
        self.timings["checkpoint_s"] = self.checkpoints.seconds
        if recorder.rows:
            fields.write(stepper.state.time_s)
        fields.close()
        series.close()
        if status == "completed":
            self.checkpoints.completed()
        summary = self._summary(stepper, recorder, fields, status, message, code)
        if self.comm.rank == 0:
            self._plot()
            self.log.info(f"results in {self.out.resolve()} (series.csv, fields/, summary.json)")
            write_summary(self.out, summary)  # last: its status is the run's ending
        return summary

    def final_checkpoint(self, stepper: Stepper) -> None:
        """Save a restart checkpoint when a signal stops the run (unless the last one is of
        this step already, or no step was accepted).

        Called on every rank together at an accepted step, before the files are closed, with
        the stepper's state (:class:`StepperState`) and the model's fields as they were
        accepted; it makes collective calls.
        """
        self.checkpoints.write()

    def abandon(self, err: BaseException) -> None:
        """After an exception on this rank: local clean-up only (no collective call).

        Rank 0 closes ``series.csv`` and writes ``summary.json`` with status ``failed``;
        the other ranks do nothing (their files are written collectively or not at all).
        """
        if self._outputs is None:  # during set-up: no summary yet, the log says why
            self.log.info(f"run stopped during set-up: {fault_message(err, self.comm.rank)}")
            return
        stepper, recorder, fields, series = self._outputs
        series.close()
        if self.comm.rank != 0:
            return
        message = f"{fault_message(err, self.comm.rank)} at t = {stepper.state.time_s:.6g} s"
        self.log.info(f"run stopped: {message}")
        write_summary(self.out, self._summary(stepper, recorder, fields, "failed", message, 1))

    def _plot(self) -> None:
        try:
            pressure_plot({self.case.name: self.out}, self.out / "stack_pressure.png")
        except Exception as err:  # a plot is a convenience: never lose the summary over it
            self.log.info(f"no stack_pressure.png: {type(err).__name__}: {err}")

    def _summary(self, stepper, recorder, fields, status, message, code) -> dict:
        case = self.case
        self.timings["wall_s"] = time.perf_counter() - self.t_start
        sources = {
            layer.name: {"material": layer.material.name, **layer.material.sources()}
            for layer in case.layers
        }
        if case.die_wall.holder is not None:
            sources["die_holder"] = {"material": case.die_wall.holder.name, **case.die_wall.holder.sources()}
        k = case.fixture.stiffness_N_per_mm
        return {
            "case": case.name,
            "status": status,
            "exit_code": code,
            "message": message,
            "warnings": self.warnings,
            "restarts": self.checkpoints.restarts,
            "final": recorder.last,
            "stepper": stepper.state.as_dict(),
            "fixture": {"type": case.fixture.type, "stiffness_N_per_mm": k if math.isfinite(k) else "inf"},
            "dofs": self.n_dofs,
            "linear_solver": self.linear_solver,
            "mpi_size": self.comm.size,
            "timings_s": self.timings,
            "fields": fields.files(),
            "versions": versions(),
            "sources": sources,
        }
