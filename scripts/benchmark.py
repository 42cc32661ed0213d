"""Cost of the coupled Newton solver on the Li full cell (fixed gap), printed as tables.

    python scripts/benchmark.py [--quick] [--ranks 1 2] [--out FILE.md] [--json FILE.json]
    python scripts/benchmark.py --crossover [--quick] [--out FILE.md]

1. Global unknowns of the shipped case in axisymmetric and 3-D form, P2: now, and with the
   DG0 creep strain the earlier formulation carried as a global unknown (one symmetric tensor
   per cell: 4 components in the 2-D modes, 6 in 3-D, added to the count of today's space).
2. The 3-D case refined to about 50 k and 200 k dofs (``geometry.radial_mesh_size_um``), with
   ``numerics.linear_solver = "mumps"`` and ``"gamg"`` (with F-bar on the Li, the case's
   default: FGMRES with a field split, e_bar by LU and the displacement by smoothed-aggregation
   AMG with the rigid-body near-nullspace, rtol 1e-8; :mod:`solver.numerics.krylov`), serial
   and under ``mpirun -n 2``: the preload to 5 MPa from rest and three creep steps of a rest at
   the fixed gap. Per Newton iteration: assembly (Jacobian, residuals, plunger row and column), the
   material-point update, the linear solver (factorisation or AMG set-up, and the two solves of
   the bordered system); Newton iterations per step; peak resident memory per rank; the stack
   pressure reached (the two solvers must agree).
3. On the same meshes, one plain linear-elasticity solve (same moduli per layer, P2, base
   clamped, 5 MPa on the plunger face, lateral surface free) with CG + GAMG at rtol 1e-8: the
   floor a coupled Newton iteration is measured against.

4. ``--crossover``: where ``numerics.linear_solver = "auto"`` should switch (serial). On the
   Jacobian after the preload, the linear part of one Newton iteration: MUMPS (a factorisation
   and two back-substitutions) against gamg (two Krylov solves from zero, and the AMG set-up,
   which the runs redo about once in SETUP_EVERY iterations), for a row of sizes in 3-D and in
   axisymmetric form; the size where the two cost the same, interpolated in log-log.

Every configuration runs in its own process (``mpirun -n N python benchmark.py --worker ...``),
so its peak memory and its PETSc state are its own. The 1-minute load average before each run
is printed beside it: the timings mean something only on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "cases" / "li_full_cell_fixed_gap.toml"
MPIRUN = Path(sys.executable).parent / "mpirun"

SIZES = {  # label -> radial mesh size (um); the layers keep the case's axial sizes
    "50k": 800.0,
    "200k": 385.0,
}
QUICK_SIZES = {"10k": 2000.0, "20k": 1300.0}
SOLVERS = ("mumps", "gamg")
CREEP_STEPS = 3
CROSSOVER_SIZES = {"3d": (2000.0, 1300.0, 800.0, 600.0), "axisymmetric": (20.0, 10.0)}
"""Radial mesh sizes (um) of the crossover; in axisymmetric form every layer is meshed at that
size too (isotropic cells: about 125 k and 490 k dofs)."""
QUICK_CROSSOVER_SIZES = {"3d": (2000.0, 1300.0), "axisymmetric": (40.0, 20.0)}
INTERFACE_CASE = ROOT / "cases" / "li_stripping_45MPa.toml"
INTERFACE_REFINE = (1.0, 2.0, 4.0)
"""Divisors of the interface case's two mesh sizes (the bulk and the interface's)."""
INTERFACE_STEPS = 5
"""Strip steps timed after the preload: past the first step's cuts, into one Newton iteration a
step (the rows of docs/performance.md)."""
AXISYMMETRIC_SIZES = {"ax-30k": 40.0, "ax-125k": 20.0, "ax-490k": 10.0}
"""Axisymmetric die stack, every layer meshed at the radial size (um): isotropic cells."""
SETUP_EVERY = 7
"""Newton iterations per AMG set-up in the crossover's cost of gamg: the runs of table 2 and
tests/test_krylov.py keep the hierarchy for 6 to 8 iterations."""
DG0_CREEP_COMPONENTS = {"axisymmetric": 4, "3d": 6}
"""Symmetric tensor components of the earlier DG0 creep unknown (2-D modes: rr, rz, zz, hoop)."""


# -- worker side (runs under mpirun) --------------------------------------------------------------

def _case(sets: dict, protocol: bool):
    from solver.case import validate
    from solver.case.load import apply_set

    doc = tomllib.loads(CASE.read_text())
    doc.pop("measured", None)
    for key, value in sets.items():
        apply_set(doc, key.split("."), value)
    if protocol:
        # a rest at the fixed gap after the 5 MPa preload, stopped after CREEP_STEPS steps, from
        # the case's own dt_initial_s (1 us): the error control accepts ~3 us there, and a start
        # at 0.1 or 1 ms is cut 3 or 4 times before a step is accepted
        doc["protocol"] = [{"step": "rest", "duration_h": 1.0}]
    doc.setdefault("output", {})["field_formats"] = []
    return validate(doc)


def _mesh_sets(mode: str, radial_um: float) -> dict:
    """The mode and the radial mesh size; in the 2-D modes every layer is meshed at that size
    too (isotropic cells), in 3-D the layers keep the case's axial sizes."""
    sets = {"geometry.mode": mode, "geometry.radial_mesh_size_um": radial_um}
    if mode != "3d":
        for layer in ("cathode", "separator", "anode"):
            sets[f"geometry.layers.{layer}.mesh_size_um"] = radial_um
    return sets


def _peak_rss_mb(comm) -> float:
    """Largest peak resident set size over the ranks (MB; Linux reports kB)."""
    return comm.allreduce(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                          op=_mpi().MAX)


def _mpi():
    from mpi4py import MPI

    return MPI


def machine() -> dict:
    """CPU model, cores, memory and the library versions of this run."""
    import dolfinx
    from petsc4py import PETSc

    from solver.numerics import krylov

    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_GiB": round(mem_kb / 2**20, 1),
            "petsc": ".".join(str(v) for v in PETSc.Sys.getVersion()),
            "dolfinx": dolfinx.__version__, "python": sys.version.split()[0],
            "gamg": krylov.GAMG, "split": krylov.SPLIT}


def worker_dofs(_spec: dict) -> dict:
    """Global dofs and cells of the shipped case, axisymmetric and 3-D; the machine."""
    from solver.geometry import LayerSpec, build_die_stack
    from solver.physics.stack import build_stack_model

    comm = _mpi().COMM_WORLD
    out = {"machine": machine()}
    for mode in ("axisymmetric", "3d"):
        case = _case({"geometry.mode": mode}, protocol=False)
        layers = [LayerSpec(la.name, la.thickness_mm, la.mesh_size_mm, la.radius_mm)
                  for la in case.layers]
        stack = build_die_stack(comm, layers, case.die_radius_mm, mode, case.radial_mesh_size_mm)
        model = build_stack_model(case, stack)
        cells = stack.mesh.topology.index_map(stack.mesh.topology.dim).size_global
        dofs = model.W.dofmap.index_map.size_global * model.W.dofmap.index_map_bs
        out[mode] = {"cells": cells, "dofs": dofs,
                     "dofs_before": dofs + DG0_CREEP_COMPONENTS[mode] * cells}
    return out


class _Enough(Exception):
    """Raised (on every rank alike) after the steps the benchmark times."""


def worker_newton(spec: dict) -> dict:
    """Preload and creep steps of the refined 3-D case; timings reduced to the slowest rank."""
    from solver.numerics.stepper import Stepper
    from solver.run import Run

    MPI = _mpi()
    comm = MPI.COMM_WORLD
    mode = spec.get("mode", "3d")
    sets = {**_mesh_sets(mode, spec["radial_um"]), "numerics.linear_solver": spec["solver"],
            "numerics.element_degree": spec.get("degree", 2), **spec.get("sets", {})}
    case = _case(sets, protocol=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(comm.bcast(tmp if comm.rank == 0 else None))
        run = Run(case, out, comm)
        run.log.handlers.clear()  # quiet: the table is the output
        run.setup()
        steps = []

        def accepted(state, event):
            steps.append(state.last_iterations)
            if len(steps) > CREEP_STEPS:  # the preload and CREEP_STEPS creep steps
                raise _Enough

        stepper = Stepper(case, run.model, run.solver, accepted)
        wall, cpu = _run_until_enough(stepper, run.solver, steps)
        comm.barrier()
    timings = {k: comm.allreduce(v, op=MPI.MAX) for k, v in run.solver.timings.items()}
    result = {
        "dofs": run.n_dofs,
        "field_split": run.solver.ksp.getPC().getType() == "fieldsplit",
        "mode": mode,
        "cells": run.stack.mesh.topology.index_map(run.stack.mesh.topology.dim).size_global,
        "stepping_s": comm.allreduce(wall, op=MPI.MAX),
        "stepping_cpu_s": comm.allreduce(cpu, op=MPI.MAX),  # below the wall time: contention
        "timings": timings,
        "accepted_steps": stepper.state.accepted_steps,
        "rejected_steps": stepper.state.rejected_steps,
        "iterations_per_step": steps,
        "stack_pressure_MPa": run.solver.plunger_reaction_N() / case.face_area_mm2,
        "peak_rss_MB": _peak_rss_mb(comm),
    }
    if spec.get("floor") and mode == "3d":
        result["floor"] = elasticity_floor(run.stack, case)
    return result


def worker_interface(spec: dict) -> dict:
    """The preload and the first INTERFACE_STEPS strip steps of the interface case, both mesh
    sizes divided by ``refine``; timings reduced to the slowest rank."""
    from solver.case import validate
    from solver.interface_case_run import InterfaceRun
    from solver.interface_run import InterfaceStepper
    from solver.numerics.newton import TIMERS

    MPI = _mpi()
    comm = MPI.COMM_WORLD
    doc = tomllib.loads(INTERFACE_CASE.read_text())
    doc.pop("measured", None)
    geometry = doc["geometry"]
    for key in ("mesh_size_um", "interface_mesh_size_um"):
        geometry[key] = geometry[key] / spec["refine"]
    doc.setdefault("output", {})["field_formats"] = []
    case = validate(doc)
    with tempfile.TemporaryDirectory() as tmp:
        run = InterfaceRun(case, Path(comm.bcast(tmp if comm.rank == 0 else None)), comm)
        run.log.handlers.clear()
        run.setup()
        steps = []

        def accepted(row):
            # Newton iterations since the last accepted row: the preload's solves (its row
            # says 0) and any cut attempts included
            steps.append(stepper.solver.timings["newton_iterations"] - sum(steps))
            if row["step"] != "preload" and len(steps) > INTERFACE_STEPS:
                raise _Enough

        stepper = InterfaceStepper(run.model, case.stripping,
                                   rtol=case.numerics["newton_rtol"], progress=accepted)
        wall, cpu = _run_until_enough(stepper, stepper.solver, steps)
    local = stepper.solver.timings
    newton_s = sum(local[k] for k in TIMERS)
    timings = {k: comm.allreduce(v, op=MPI.MAX) for k, v in local.items()}
    return {
        "outside_newton_s": comm.allreduce(wall - newton_s, op=MPI.MAX),
        "mesh_sizes_um": [geometry["mesh_size_um"], geometry["interface_mesh_size_um"]],
        "dofs": run.n_dofs, "cells": run.cell.mesh.topology.index_map(2).size_global,
        "stepping_s": comm.allreduce(wall, op=MPI.MAX),
        "stepping_cpu_s": comm.allreduce(cpu, op=MPI.MAX), "timings": timings,
        "iterations_per_step": steps, "accepted_steps": len(steps),
        "stack_pressure_MPa": stepper.solver.plunger_reaction_N() / stepper.area,
        "peak_rss_MB": _peak_rss_mb(comm),
    }


def _run_until_enough(stepper, solver, steps: list) -> tuple[float, float]:
    """Run ``stepper`` until its callback raises _Enough, with PROGRESS lines; (wall, CPU) s."""
    t0, c0 = time.perf_counter(), time.process_time()
    _report_iterations(solver, steps, t0)
    try:
        stepper.run()
    except _Enough:
        pass
    return time.perf_counter() - t0, time.process_time() - c0


def _resident_mb() -> float:
    """This process's resident set size now (MB)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _report_iterations(solver, steps: list, t0: float) -> None:
    """A PROGRESS line on rank 0 after every Jacobian (a large run's Newton iterations take
    minutes): iteration, accepted steps, elapsed time and the ranks' largest resident size."""
    MPI = _mpi()
    comm = MPI.COMM_WORLD
    assemble = solver._assemble_jacobian

    def reported():
        assemble()
        rss = comm.allreduce(_resident_mb(), op=MPI.MAX)
        t = solver.timings
        krylov = t["krylov_iterations"] / max(t["linear_solves"], 1)
        if comm.rank == 0:
            print(f"PROGRESS Newton iteration {t['newton_iterations']}, "
                  f"{len(steps)} steps accepted, {time.perf_counter() - t0:.0f} s, "
                  f"largest resident {rss:.0f} MB/rank, {t['linear_solves']} linear solves "
                  f"so far ({krylov:.0f} Krylov its each)", flush=True)

    solver._assemble_jacobian = reported


def worker_linear(spec: dict) -> dict:
    """The linear part of one Newton iteration on the Jacobian after the preload (serial)."""
    from petsc4py import PETSc

    from solver.numerics import krylov
    from solver.numerics.newton import LINEAR_SOLVERS
    from solver.numerics.stepper import Stepper
    from solver.run import Run

    comm = _mpi().COMM_WORLD
    sets = {**_mesh_sets(spec["mode"], spec["radial_um"]), "numerics.linear_solver": "mumps"}
    case = _case(sets, protocol=True)

    def stop(state, event):
        raise _Enough

    with tempfile.TemporaryDirectory() as tmp:
        run = Run(case, Path(tmp), comm)
        run.log.handlers.clear()
        run.setup()
        try:
            Stepper(case, run.model, run.solver, stop).run()  # the preload, then stop
        except _Enough:
            pass
    solver = run.solver
    solver._assemble_jacobian()
    A, b = solver.A, solver.b.copy()
    solver._assemble_vector(solver.col, solver._col)
    rhs = (b, solver.col.copy())

    def ksp(options: dict, prefix: str) -> PETSc.KSP:
        database = PETSc.Options()
        for key, value in options.items():
            database[prefix + key] = value
        k = PETSc.KSP().create(comm)
        k.setOptionsPrefix(prefix)
        k.setOperators(A)
        return k

    x = b.duplicate()
    mumps = []
    for rep in range(2):  # the faster of two: the first also pays for MUMPS's start-up
        k = ksp(LINEAR_SOLVERS["mumps"], f"ssb_lu{rep}_")
        k.setFromOptions()
        t0 = time.perf_counter()
        k.setUp()
        for r in rhs:
            k.solve(r, x)
        mumps.append(time.perf_counter() - t0)
        k.destroy()
    k = ksp(krylov.options(run.model), "ssb_amg_")
    twin = krylov.attach(k, A, run.model)
    k.setFromOptions()
    t0 = time.perf_counter()
    if twin is not None:
        twin.refresh(A)
    k.getPC().setUp()
    k.setUpOnBlocks()
    t1 = time.perf_counter()
    its = []
    for r in rhs:
        x.set(0.0)
        k.solve(r, x)
        its.append(k.getIterationNumber())
    t2 = time.perf_counter()
    return {"mode": spec["mode"], "radial_um": spec["radial_um"], "dofs": run.n_dofs,
            "mumps_s": min(mumps), "gamg_setup_s": t1 - t0, "gamg_solves_s": t2 - t1,
            "gamg_iterations": its}


def crossover(rows: list[dict]) -> float | None:
    """Dofs where MUMPS and gamg cost the same (log-log between the sizes that bracket it)."""
    for a, b in zip(rows, rows[1:]):
        ra, rb = _ratio(a), _ratio(b)
        if (ra - 1.0) * (rb - 1.0) <= 0.0 and ra != rb:
            f = math.log(ra) / (math.log(ra) - math.log(rb))
            return math.exp(math.log(a["dofs"]) + f * (math.log(b["dofs"]) - math.log(a["dofs"])))
    return None


def _ratio(r: dict) -> float:
    """MUMPS over gamg per Newton iteration (> 1: gamg is faster)."""
    return r["mumps_s"] / (r["gamg_solves_s"] + r["gamg_setup_s"] / SETUP_EVERY)


def crossover_table(rows: list[dict], loads: list[float]) -> str:
    out = [f"Linear part of one Newton iteration (s, serial; 1-minute load average "
           f"{min(loads):.2f} to {max(loads):.2f}); gamg: AMG set-up once in {SETUP_EVERY} "
           "iterations:", "",
           "| mode | dofs | MUMPS: factorisation + 2 solves | gamg: set-up | gamg: 2 solves (its) "
           "| MUMPS / gamg |", "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        its = "+".join(str(i) for i in r["gamg_iterations"])
        out.append(f"| {r['mode']} | {r['dofs']} | {r['mumps_s']:.2f} | {r['gamg_setup_s']:.2f} | "
                   f"{r['gamg_solves_s']:.2f} ({its}) | {_ratio(r):.2f} |")
    out.append("")
    for mode in dict.fromkeys(r["mode"] for r in rows):
        mine = [r for r in rows if r["mode"] == mode]
        n = crossover(mine)
        if n is not None:
            out.append(f"{mode}: MUMPS and gamg cost the same at about {n:,.0f} dofs.")
        else:
            faster = "gamg" if _ratio(mine[0]) > 1.0 else "MUMPS"
            out.append(f"{mode}: {faster} is faster at every size measured.")
    return "\n".join(out)


def elasticity_floor(stack, case) -> dict:
    """One linear-elasticity solve with CG + GAMG on the stack's mesh (timings: slowest rank)."""
    import numpy as np
    import ufl
    from dolfinx import fem
    from dolfinx.fem import petsc as fem_petsc
    from petsc4py import PETSc

    from solver.numerics import krylov

    MPI = _mpi()
    mesh = stack.mesh
    comm = mesh.comm
    degree = case.numerics.element_degree
    t0 = time.perf_counter()
    V = fem.functionspace(mesh, ("Lagrange", degree, (3,)))
    Q = fem.functionspace(mesh, ("DG", 0))
    mu, lam = fem.Function(Q), fem.Function(Q)
    for layer in case.layers:
        cells = stack.cell_tags.find(stack.cell_regions[layer.name])
        mu.x.array[cells] = layer.material.elastic.shear_modulus_MPa
        lam.x.array[cells] = layer.material.elastic.lame_lambda_MPa
    mu.x.scatter_forward()
    lam.x.scatter_forward()
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)

    def eps(w):
        return ufl.sym(ufl.grad(w))

    dx = ufl.Measure("dx", domain=mesh, metadata={"quadrature_degree": 2 * (degree - 1)})
    a = (2.0 * mu * ufl.inner(eps(u), eps(v)) + lam * ufl.tr(eps(u)) * ufl.tr(eps(v))) * dx
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=stack.facet_tags,
                     metadata={"quadrature_degree": degree})
    p = fem.Constant(mesh, 5.0)
    L = -p * v[2] * ds(stack.facet_regions["plunger_face"])
    base = stack.facet_tags.find(stack.facet_regions["base_face"])
    dofs = fem.locate_dofs_topological(V, mesh.topology.dim - 1, base)
    bc = fem.dirichletbc(np.zeros(3), dofs, V)
    a_form, L_form = fem.form(a), fem.form(L)
    setup = time.perf_counter() - t0

    t0 = time.perf_counter()
    A = fem_petsc.assemble_matrix(a_form, bcs=[bc])
    A.assemble()
    b = fem_petsc.assemble_vector(L_form)
    fem_petsc.apply_lifting(b, [a_form], [[bc]])
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    fem_petsc.set_bc(b, [bc])
    assembly = time.perf_counter() - t0

    # the same rigid-body modes as the coupled solver, on V (a blocked space: bs = 3)
    X = V.tabulate_dof_coordinates()
    X = X - X.mean(axis=0)
    n = V.dofmap.index_map.size_local
    x, y, z = X[:n].T
    one, zero = np.ones(n), np.zeros(n)
    modes = [(one, zero, zero), (zero, one, zero), (zero, zero, one),
             (-y, x, zero), (zero, -z, y), (z, zero, -x)]
    arrays = [np.column_stack(m).ravel() for m in modes]
    A.setNearNullSpace(krylov._nullspace(arrays, 3 * n, 3, comm))
    ksp = PETSc.KSP().create(comm)
    prefix = "ssb_floor_"
    opts = PETSc.Options()
    for key, value in krylov.GAMG.items():
        opts[prefix + key] = value
    ksp.setOptionsPrefix(prefix)
    ksp.setOperators(A)
    ksp.setFromOptions()
    uh = fem.Function(V)
    t0 = time.perf_counter()
    ksp.setUp()
    pc_setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    ksp.solve(b, uh.x.petsc_vec)
    solve = time.perf_counter() - t0
    if ksp.getConvergedReason() <= 0:
        raise RuntimeError(f"elasticity floor: CG did not converge ({ksp.getConvergedReason()})")
    slow = {k: comm.allreduce(t, op=MPI.MAX) for k, t in
            (("forms_s", setup), ("assembly_s", assembly), ("pc_setup_s", pc_setup),
             ("solve_s", solve))}
    return {**slow, "iterations": ksp.getIterationNumber(),
            "dofs": V.dofmap.index_map.size_global * 3}


def worker(spec: dict) -> None:
    import solver  # noqa: F401  (MPI before DOLFINx)

    kinds = {"dofs": worker_dofs, "newton": worker_newton, "linear": worker_linear,
             "interface": worker_interface}
    result = kinds[spec["kind"]](spec)
    if _mpi().COMM_WORLD.rank == 0:
        print("RESULT " + json.dumps(result), flush=True)


# -- driver side ----------------------------------------------------------------------------------

def launch(spec: dict, ranks: int) -> dict:
    """Run one worker under ``mpirun -n ranks`` and return its result."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    cmd = [str(MPIRUN), "-n", str(ranks), sys.executable, __file__, "--worker", json.dumps(spec)]
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=env,
                                cwd=ROOT)
        stdout = []
        for line in proc.stdout:  # PROGRESS lines as they come, to stderr
            stdout.append(line)
            if line.startswith("PROGRESS "):
                print(f"  [{spec.get('solver', spec['kind'])}, {ranks} rank(s)] {line[9:]}",
                      end="", file=sys.stderr, flush=True)
        returncode = proc.wait()
        err.seek(0)
        stderr = err.read()
    lines = [line for line in stdout if line.startswith("RESULT ")]
    if returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(cmd)} failed ({returncode}):\n"
                           f"{''.join(stdout)[-2000:]}\n{stderr[-4000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def _parse_set(assignment: str) -> tuple[str, object]:
    """KEY=VALUE as ``ssb run --set`` reads it (the value a TOML literal, else a string)."""
    from solver.case.load import parse_set

    path, value = parse_set(assignment)
    return ".".join(path), value


def per_iteration(r: dict) -> dict:
    t, n = r["timings"], r["timings"]["newton_iterations"]
    assembly = t["jacobian_s"] + t["residual_s"]
    solve = t["pc_setup_s"] + t["linear_solve_s"]
    return {"assembly": assembly / n, "points": t["material_points_s"] / n,
            "setup": t["pc_setup_s"] / n, "solve": solve / n,
            "total": (assembly + solve + t["material_points_s"]) / n,
            "krylov": t["krylov_iterations"] / max(t["linear_solves"], 1)}


def tables(dofs: dict, runs: list[dict]) -> str:
    m = dofs["machine"]
    loads = [r["load"] for r in runs]
    out = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_GiB']} GiB; PETSc {m['petsc']}, "
           f"DOLFINx {m['dolfinx']}, Python {m['python']}. 1-minute load average before the "
           f"runs: {min(loads, default=0):.2f} to {max(loads, default=0):.2f}.", "",
           "gamg options (F-bar on the Li: the field split): "
           + ", ".join(f"{k} = {v}" for k, v in m["split"].items()), "",
           "The elasticity floor: " + ", ".join(f"{k} = {v}" for k, v in m["gamg"].items()), "",
           "Global unknowns of the Li full cell (fixed gap), P2, shipped mesh sizes:", "",
           "| mode | cells | dofs now | dofs with the DG0 creep unknowns |",
           "|---|---:|---:|---:|"]
    for mode, d in dofs.items():
        if mode != "machine":
            out.append(f"| {mode} | {d['cells']} | {d['dofs']} | {d['dofs_before']} |")
    stack = [r for r in runs if r["kind"] == "newton"]
    interface = [r for r in runs if r["kind"] == "interface"]
    if stack:
        out += ["", *newton_table(stack)]
    if any("floor" in r for r in stack):
        out += ["", *floor_table(stack)]
    if interface:
        out += ["", *interface_table(interface)]
    return "\n".join(out)


def newton_table(runs: list[dict]) -> list[str]:
    out = ["Die stack, preload and creep steps, time per Newton iteration (s; slowest rank):", "",
           "| mode | dofs | P | ranks | solver | load | Newton its | its/step | assembly | "
           "material pts | linear: set-up | linear: total | Krylov its/solve | iteration | "
           "CPU/wall | peak MB/rank | p (MPa) |",
           "|---|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        it = per_iteration(r)
        krylov = f"{it['krylov']:.1f}" if r["solver"] == "gamg" else "-"
        its = ",".join(str(i) for i in r["iterations_per_step"])
        out.append(
            f"| {r.get('mode', '3d')} | {r['dofs']} | {r.get('degree', 2)} | {r['ranks']} | "
            f"{r['solver']} | {r['load']:.2f} | "
            f"{r['timings']['newton_iterations']} | {its} | {it['assembly']:.3f} | "
            f"{it['points']:.3f} | {it['setup']:.3f} | {it['solve']:.3f} | {krylov} | "
            f"{it['total']:.3f} | {r['stepping_cpu_s'] / r['stepping_s']:.2f} | "
            f"{r['peak_rss_MB']:.0f} | {r['stack_pressure_MPa']:.10f} |")
    return out


def floor_table(runs: list[dict]) -> list[str]:
    out = ["Against MUMPS, and against one linear-elasticity solve (CG + GAMG, rtol 1e-8) "
           "on the same mesh:", "",
           "| dofs | ranks | GAMG / MUMPS per iteration | p: GAMG vs MUMPS (relative) | "
           "elasticity: assembly, set-up, CG (its) | coupled iteration / elasticity solve | "
           "linear part / (set-up + CG) |",
           "|---:|---:|---:|---:|---|---:|---:|"]
    keyed = {(r["label"], r["ranks"], r["solver"]): r for r in runs}
    for (label, ranks, solver), g in keyed.items():
        if solver != "gamg" or "floor" not in g:
            continue
        m = keyed.get((label, ranks, "mumps"))
        gi = per_iteration(g)
        f = g["floor"]
        floor_total = f["assembly_s"] + f["pc_setup_s"] + f["solve_s"]
        floor_linear = f["pc_setup_s"] + f["solve_s"]
        ratio = f"{gi['total'] / per_iteration(m)['total']:.2f}" if m else "-"
        dp = (f"{abs(g['stack_pressure_MPa'] - m['stack_pressure_MPa']) / abs(m['stack_pressure_MPa']):.1e}"
              if m else "-")
        out.append(
            f"| {g['dofs']} | {ranks} | {ratio} | {dp} | {f['assembly_s']:.3f}, "
            f"{f['pc_setup_s']:.3f}, {f['solve_s']:.3f} ({f['iterations']}) | "
            f"{gi['total'] / floor_total:.2f} | {gi['solve'] / floor_linear:.2f} |")
    return out


def interface_table(runs: list[dict]) -> list[str]:
    out = ["Interface cell (li_stripping_45MPa, plane strain, MUMPS), the preload and "
           f"{INTERFACE_STEPS} strip steps; per Newton iteration and per accepted step (the "
           "preload's counted as one; s, slowest rank):",
           "", "| mesh sizes (um) | dofs | ranks | load | Newton its | its/step | assembly | "
           "material pts | linear | iteration | per step | of it outside the timed parts | "
           "CPU/wall | peak MB/rank | p (MPa) |",
           "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        it = per_iteration(r)
        n, steps = r["timings"]["newton_iterations"], r["accepted_steps"]
        per_step = r["stepping_s"] / steps
        outside = r["outside_newton_s"] / steps  # contact set, current distribution, rows
        its = ",".join(str(i) for i in r["iterations_per_step"])
        out.append(
            f"| {', '.join(f'{h:g}' for h in r['mesh_sizes_um'])} | {r['dofs']} | {r['ranks']} | "
            f"{r['load']:.2f} | {n} | {its} | {it['assembly']:.3f} | {it['points']:.3f} | "
            f"{it['solve']:.3f} | {it['total']:.3f} | {per_step:.3f} | {outside:.3f} | "
            f"{r['stepping_cpu_s'] / r['stepping_s']:.2f} | {r['peak_rss_MB']:.0f} | "
            f"{r['stack_pressure_MPa']:.6f} |")
    return out


def _keep(path: Path | None, dofs: dict, runs: list[dict]) -> None:
    """Write every measurement so far (after each run: a long benchmark keeps what it measured)."""
    if path:
        path.write_text(json.dumps({"dofs": dofs, "runs": runs}, indent=1))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small meshes (a minute), for a check")
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--solvers", nargs="+", default=list(SOLVERS), choices=SOLVERS)
    p.add_argument("--sizes", nargs="+", help="labels of SIZES to run (default: all)")
    p.add_argument("--radial", type=float, nargs="+",
                   help="radial mesh sizes (um) to run instead of SIZES")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                   help="a case key for the Newton runs, e.g. regions.anode.overrides.creep=none")
    p.add_argument("--degree", type=int, default=2, choices=(1, 2),
                   help="element degree of the displacement (default 2, the shipped case's)")
    p.add_argument("--mode", choices=("3d", "axisymmetric"), default="3d",
                   help="the die stack's mode (axisymmetric: AXISYMMETRIC_SIZES, isotropic cells)")
    p.add_argument("--interface", action="store_true",
                   help="also (with --no-stack: only) the interface case at three mesh sizes")
    p.add_argument("--no-stack", action="store_true", help="no die-stack runs")
    p.add_argument("--out", type=Path, help="also write the tables as Markdown")
    p.add_argument("--json", type=Path, help="also write every measurement as JSON")
    p.add_argument("--crossover", action="store_true",
                   help="where MUMPS and gamg cost the same (serial; see item 4 above)")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(json.loads(args.worker))
        return
    if args.crossover:
        rows, loads = [], []
        for mode, radii in (QUICK_CROSSOVER_SIZES if args.quick else CROSSOVER_SIZES).items():
            for radial in radii:
                loads.append(os.getloadavg()[0])
                rows.append(launch({"kind": "linear", "mode": mode, "radial_um": radial}, 1))
                print(f"{mode}, {rows[-1]['dofs']} dofs: MUMPS / gamg {_ratio(rows[-1]):.2f}, "
                      f"load {loads[-1]:.2f}", flush=True)
        text = crossover_table(rows, loads)
        print(text)
        if args.out:
            args.out.write_text(text + "\n")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
        return
    sizes = QUICK_SIZES if args.quick else SIZES
    if args.mode == "axisymmetric":
        sizes = dict(list(AXISYMMETRIC_SIZES.items())[:1]) if args.quick else AXISYMMETRIC_SIZES
    if args.no_stack:
        sizes = {}
    if args.sizes:
        sizes = {k: sizes[k] for k in args.sizes}
    if args.radial:
        sizes = {f"{r:g}um": r for r in args.radial}
    dofs = launch({"kind": "dofs"}, 1)
    runs = []
    for label, radial in sizes.items():
        for ranks in args.ranks:
            for solver in args.solvers:
                load = os.getloadavg()[0]
                spec = {"kind": "newton", "radial_um": radial, "solver": solver,
                        "floor": solver == "gamg", "degree": args.degree, "mode": args.mode,
                        "sets": dict(_parse_set(a) for a in args.sets)}
                r = launch(spec, ranks) | {"kind": "newton", "label": label, "ranks": ranks,
                                           "solver": solver, "load": load, "radial_um": radial,
                                           "degree": args.degree, "sets": args.sets}
                runs.append(r)
                it = per_iteration(r)
                print(f"{label}: {r['dofs']} dofs, {ranks} rank(s), {solver}: "
                      f"{it['total']:.3f} s per Newton iteration, load {load:.2f}", flush=True)
                _keep(args.json, dofs, runs)
    refinements = INTERFACE_REFINE[:2] if args.quick else INTERFACE_REFINE
    for refine in refinements if args.interface else ():
        for ranks in args.ranks:
            load = os.getloadavg()[0]
            r = launch({"kind": "interface", "refine": refine}, ranks) | {
                "kind": "interface", "refine": refine, "ranks": ranks, "load": load}
            runs.append(r)
            print(f"interface / {refine:g}: {r['dofs']} dofs, {ranks} rank(s): "
                  f"{r['stepping_s'] / r['accepted_steps']:.3f} s per step, load {load:.2f}",
                  flush=True)
            _keep(args.json, dofs, runs)
    text = tables(dofs, runs)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
