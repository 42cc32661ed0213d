"""One run of an interface case (``geometry.builder = "interface"``) and its run directory.

The same directory contract as a die case (:mod:`solver.run`): ``case.toml``, ``series.csv``
(a row per accepted step, flushed as it goes), ``fields/fields.xdmf``, ``summary.json``,
``run.log``, and the plot ``interface.png`` (contact fraction, void and stack pressure against
the stripped charge, with the case's measured points). Rank 0 writes the files; every rank
takes part in the solve. No restart checkpoints yet: ``--restart`` is refused for these cases.
"""

from __future__ import annotations

import time
from pathlib import Path

import tomli_w
from dolfinx import fem
from mpi4py import MPI

from solver.case.interface_case import InterfaceCase
from solver.faults import Interrupted, SignalWatch, fault_message, on_root
from solver.geometry import build_interface
from solver.interface_run import InterfaceStepper, StrippingFailure
from solver.io.fields import FieldWriter
from solver.io.rundir import write_summary
from solver.io.series import SeriesWriter
from solver.physics.interface_cell import build_interface_cell
from solver.physics.stripping import MA_CM2_PER_A_MM2
from solver.run import _logger, versions
from solver.units import UM_PER_MM

COLUMNS = (
    "time_s", "time_h", "protocol_step", "step", "current_mA_cm2", "capacity_mAh_cm2",
    "stack_pressure_MPa", "stack_displacement_um", "contact_fraction", "void_fraction_um",
    "max_local_current_mA_cm2", "current_integral_mA_cm2", "next_local_current_mA_cm2",
    "mean_recession_um", "mean_contact_pressure_MPa", "interface_resistance_ohm_cm2",
    "newton_iterations", "dt_s", "event",
)
"""series.csv of an interface case. ``capacity_mAh_cm2`` is the charge stripped so far;
``void_fraction_um`` the void volume per nominal area; ``max_local_current_mA_cm2`` the local
current density on the contact set over the step (its maximum: I / A_c when uniform),
``next_local_current_mA_cm2`` that of the contact set the row ends with; ``mean_recession_um``
the mean stripped thickness; ``interface_resistance_ohm_cm2`` (secondary current distribution
only) the Li's potential over the nominal current density less the modelled electrolyte
layer's h_e / kappa: R_ct / f plus the constriction resistance."""


class InterfaceFields:
    """The interface's point fields for ParaView (what :class:`FieldWriter` calls cell fields)."""

    def __init__(self, model):
        self.interface = model.interface
        V = self.interface.chi.function_space
        names = ("contact", "gap_um", "contact_pressure_MPa", "stripped_um",
                 "local_current_mA_cm2")
        self.cell_fields = {n: fem.Function(V, name=n) for n in names}

    def update_cell_fields(self) -> None:
        f, i = self.cell_fields, self.interface
        dofs = i.surface_dofs
        f["contact"].x.array[:] = i.chi.x.array
        for name in ("gap_um", "contact_pressure_MPa", "stripped_um"):
            f[name].x.array[:] = 0.0
        gap = i.gap_nodes.x.array[dofs]
        f["gap_um"].x.array[dofs] = gap * UM_PER_MM
        f["contact_pressure_MPa"].x.array[dofs] = i.stiffness * (-gap).clip(min=0.0)
        f["stripped_um"].x.array[:] = i.delta.x.array * UM_PER_MM
        f["local_current_mA_cm2"].x.array[:] = i.current.x.array * MA_CM2_PER_A_MM2


class InterfaceRun:
    """Set up and execute one interface case; ``execute`` returns the summary."""

    def __init__(self, case: InterfaceCase, out: Path, comm=MPI.COMM_WORLD,
                 watch: SignalWatch | None = None):
        self.case, self.out, self.comm = case, Path(out), comm
        self.watch = watch or SignalWatch()
        self.t_start = time.perf_counter()
        on_root(comm, self._write_case)
        self.log = _logger(self.out, comm)
        self.timings: dict[str, float] = {}
        self._outputs = None
        self.stepper = None

    def _write_case(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "case.toml").write_text(tomli_w.dumps(self.case.resolved))

    def setup(self) -> None:
        case, t0 = self.case, time.perf_counter()
        with self.watch.around_gmsh():
            self.cell = build_interface(self.comm, case.spec, case.mode)
        self.timings["mesh_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        num = case.numerics
        self.model = build_interface_cell(self.cell, case.li, case.electrolyte,
                                          degree=num["element_degree"],
                                          temperature_K=case.temperature_K, f_bar=num["f_bar"],
                                          kinetics=case.kinetics)
        self.model.stack = self.cell  # the regions FieldWriter names
        W = self.model.W
        self.n_dofs = W.dofmap.index_map.size_global * W.dofmap.index_map_bs
        self.timings["setup_s"] = time.perf_counter() - t0
        spec = case.spec
        self.log.info(
            f"case '{case.name}': interface cell, {case.mode}, surface {spec.kind}, Li "
            f"{spec.li_thickness_mm * UM_PER_MM:g} um on {case.electrolyte.name}, fixture "
            f"{case.stripping.fixture} at {case.stripping.preload_MPa:g} MPa, {self.n_dofs} dofs "
            f"on {self.comm.size} rank(s), T = {case.temperature_K - 273.15:g} C")

    def execute(self) -> dict:
        case = self.case
        self.setup()
        series = SeriesWriter(self.out / "series.csv", self.comm.rank == 0, columns=COLUMNS)
        fields = FieldWriter(self.out / "fields", self.model, InterfaceFields(self.model),
                             case.field_formats, case.fields_every, 0.0)

        def record(row: dict) -> None:  # the stepper keeps the rows (result.rows)
            rows = self.stepper.result.rows
            series.write(row)
            self.watch.check(self.comm)  # a signal ends the run at an accepted step
            if fields.due(len(rows), row["time_s"]) or row["event"]:
                fields.write(row["time_s"])
            if len(rows) % case.log_every == 0 or row["event"]:
                self.log.info(_progress_line(row))

        self.stepper = InterfaceStepper(self.model, case.stripping,
                                        rtol=case.numerics["newton_rtol"], progress=record,
                                        log=self.log.info)
        self._outputs = (series, fields)
        status, message, code = "completed", "", 0
        t0 = time.perf_counter()
        try:
            self.watch.check(self.comm)
            result = self.stepper.run()
            message = result.event
            if result.event:
                self.log.info(f"stripping ended: {result.event}")
        except StrippingFailure as err:
            status, message, code = "failed", str(err), 1
            self.log.info(f"run stopped: {err}")
        except Interrupted as stop:
            status, code = "interrupted", stop.exit_code
            message = f"{stop} at t = {self.stepper.t:.6g} s"
            self.log.info(f"run {message}; the output up to there is complete")
        self.timings["stepping_s"] = time.perf_counter() - t0
        rows = self.stepper.result.rows
        if rows:
            fields.write(self.stepper.t)
        fields.close()
        series.close()
        summary = self._summary(status, message, code, rows, fields)
        if self.comm.rank == 0:
            self._plot()
            self.log.info(f"results in {self.out.resolve()} (series.csv, fields/, summary.json)")
            write_summary(self.out, summary)
        return summary

    def abandon(self, err: BaseException) -> None:
        """After an exception on this rank: local clean-up only (no collective call)."""
        if self._outputs is None:
            self.log.info(f"run stopped during set-up: {fault_message(err, self.comm.rank)}")
            return
        series, fields = self._outputs
        series.close()
        if self.comm.rank != 0:
            return
        t = self.stepper.t if self.stepper is not None else 0.0
        message = f"{fault_message(err, self.comm.rank)} at t = {t:.6g} s"
        self.log.info(f"run stopped: {message}")
        rows = self.stepper.result.rows if self.stepper is not None else []
        write_summary(self.out, self._summary("failed", message, 1, rows, fields))

    def _plot(self) -> None:
        from solver.io.plots import interface_plot

        try:
            interface_plot(self.out, self.out / "interface.png", self.case.name)
        except Exception as err:  # a plot is a convenience: never lose the summary over it
            self.log.info(f"no interface.png: {type(err).__name__}: {err}")

    def _summary(self, status, message, code, rows, fields) -> dict:
        case = self.case
        self.timings["wall_s"] = time.perf_counter() - self.t_start
        final = dict(rows[-1]) if rows else {}
        return {
            "case": case.name,
            "builder": "interface",
            "status": status,
            "exit_code": code,
            "message": message,
            "event": self.stepper.result.event if self.stepper else "",
            "warnings": [],
            "final": final,
            "fixture": {"type": case.stripping.fixture, "preload_MPa": case.stripping.preload_MPa},
            "dofs": self.n_dofs,
            "linear_solver": "mumps",
            "mpi_size": self.comm.size,
            "timings_s": self.timings,
            "fields": fields.files(),
            "versions": versions(),
            "sources": {"li": {"material": case.li.name, **case.li.sources()},
                        "electrolyte": {"material": case.electrolyte.name,
                                        **case.electrolyte.sources()}},
        }


def _progress_line(row: dict) -> str:
    return (f"t = {row['time_h']:.4g} h  {row['step']:>5}  q = {row['capacity_mAh_cm2']:.4g} "
            f"mAh/cm2  p = {row['stack_pressure_MPa']:.4g} MPa  contact "
            f"{row['contact_fraction']:.4f}  void {row['void_fraction_um']:.4g} um  i_max "
            f"{row['max_local_current_mA_cm2']:.4g} mA/cm2  ({row['newton_iterations']} its)"
            + (f"  {row['event']}" if row["event"] else ""))
