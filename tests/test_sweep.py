"""``ssb sweep``: spec validation, expansion, the local pool (skipping finished points, a failing
point that stops no other), the collected table, and the Slurm and bash scripts run locally.

The runs are the tiny elastic stack of conftest (a 0.05 mAh/cm^2 charge, a few seconds each);
the pool's orchestration is tested with a stand-in command that writes a summary at once.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from solver.io.series import read_series
from solver.sweep import SweepError, load_sweep
from solver.sweep.layout import SweepDir, find_mpirun
from solver.sweep.pool import Pool, eta
from tests.conftest import stack_doc

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def _spec(tmp_path: Path, text: str, base: dict | None = None) -> Path:
    (tmp_path / "base.toml").write_text(tomli_w.dumps(base or stack_doc()))
    spec = tmp_path / "spec.toml"
    spec.write_text('[sweep]\nbase = "base.toml"\n' + text)
    return spec


def _ssb(capsys, *args: str) -> tuple[int, str, str]:
    """``ssb ARGS`` in this process (the sweep verb starts its runs as processes)."""
    from solver.cli import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- the spec ------------------------------------------------------------------------------

BAD = {
    "unknown sweep key": ('combin = "zip"\n[sweep.vary]\n"fixture.preload_MPa" = [1.0]\n',
                          "sweep.combin: unknown key; did you mean 'combine'?"),
    "unknown case key": ('[sweep.vary]\n"fixture.preload_MP" = [1.0]\n',
                         "unknown case key 'fixture.preload_MP'; did you mean 'preload_MPa'?"),
    "unknown table": ('[sweep.vary]\n"fixtures.preload_MPa" = [1.0]\n',
                      "unknown case key 'fixtures'; did you mean 'fixture'?"),
    "no such step": ('[sweep.vary]\n"protocol.3.duration_h" = [1.0]\n',
                     "no entry '3' in 'protocol': the base case has 1"),
    "bad combine": ('combine = "product"\n[sweep.vary]\n"fixture.preload_MPa" = [1.0]\n',
                    "sweep.combine: got 'product'; allowed: 'cartesian', 'zip'"),
    "zip lengths": ('combine = "zip"\n[sweep.vary]\n"fixture.preload_MPa" = [1.0, 2.0]\n'
                    '"fixture.type" = ["spring"]\n',
                    "'zip' takes lists of one length; got fixture.preload_MPa 2, fixture.type 1"),
    "empty list": ('[sweep.vary]\n"fixture.preload_MPa" = []\n',
                   "sweep.vary.fixture.preload_MPa: got []; expected a non-empty array"),
    "range without num": ('[sweep.vary]\n"fixture.preload_MPa" = { start = 1, stop = 2 }\n',
                          "sweep.vary.fixture.preload_MPa.num: missing"),
    "range key typo": ('[sweep.vary]\n"fixture.preload_MPa" = { start = 1, stop = 2, nun = 3 }\n',
                       "sweep.vary.fixture.preload_MPa.nun: unknown range key; did you mean "
                       "'num'?"),
    "log range": ('[sweep.vary]\n"fixture.preload_MPa" = '
                  '{ start = 0, stop = 2, num = 3, scale = "log" }\n',
                  "a log range needs start and stop > 0 (got 0, 2)"),
    "collect column": ('collect = ["stack_presure_MPa"]\n[sweep.vary]\n'
                       '"fixture.preload_MPa" = [1.0]\n',
                       "sweep.collect: got 'stack_presure_MPa'; not a series.csv column; did you "
                       "mean 'stack_pressure_MPa'?"),
    "in set and vary": ('[sweep.set]\n"fixture.preload_MPa" = 2.0\n[sweep.vary]\n'
                        '"fixture.preload_MPa" = [1.0]\n',
                        "sweep.vary.fixture.preload_MPa: also in [sweep.set]"),
    "nothing varied": ("[sweep.vary]\n", "sweep.vary: missing"),
    "bad point": ('[sweep.vary]\n"fixture.preload_MPa" = [1.0, -1.0]\n',
                  "sweep point 1 (fixture.preload_MPa = -1.0): fixture.preload_MPa: got -1.0; "
                  "must be >= 0"),
    "point needs a key": ('[sweep.vary]\n"fixture.type" = ["fixed_gap", "spring"]\n',
                          "sweep point 1 (fixture.type = \"spring\"): "
                          "fixture.spring_stiffness_N_per_mm: missing"),
    "base missing": ('name = "x"\n[sweep.vary]\n"fixture.preload_MPa" = [1.0]\n', None),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_spec_is_one_line_naming_the_key(kind, tmp_path):
    text, says = BAD[kind]
    spec = _spec(tmp_path, text)
    if kind == "base missing":
        spec.write_text(spec.read_text().replace('base = "base.toml"', 'base = "nowhere.toml"'))
        says = "case file not found"
    with pytest.raises(SweepError) as err:
        load_sweep(spec)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_the_cli_refuses_a_bad_spec_with_exit_status_2(tmp_path, capsys):
    code, _, err = _ssb(capsys, "sweep", str(_spec(tmp_path, BAD["unknown case key"][0])),
                        "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.strip().splitlines() == [
        "ssb: error: sweep.vary.fixture.preload_MP: unknown case key 'fixture.preload_MP'; "
        "did you mean 'preload_MPa'?"]
    assert not (tmp_path / "out").exists()


def test_a_dry_run_prints_the_commands_and_writes_nothing(tmp_path, capsys):
    spec = _spec(tmp_path, '[sweep.vary]\n"fixture.preload_MPa" = [1.0, 2.0]\n')
    code, out, _ = _ssb(capsys, "sweep", str(spec), "--out", str(tmp_path / "out"), "--dry-run",
                        "--ranks", "2")
    assert code == 0
    assert "point 1 (001-preload_MPa=2): fixture.preload_MPa = 2.0" in out
    mpirun = Path(sys.executable).parent / "mpirun"
    if mpirun.is_file():  # the mpirun beside this Python, not the first on PATH
        assert f"{mpirun} -n 2 {sys.executable} -m solver.cli run" in out
    assert "--overwrite --quiet --set fixture.preload_MPa=2.0" in out
    assert not (tmp_path / "out").exists()


def test_cartesian_and_zip_expansion(tmp_path):
    vary = ('"fixture.preload_MPa" = { start = 1, stop = 4, num = 3 }\n'
            '"protocol.0.current_mA_cm2" = { start = 0.1, stop = 10, num = 3, scale = "log" }\n')
    cart = load_sweep(_spec(tmp_path, "[sweep.vary]\n" + vary))
    assert [tuple(p.values.values()) for p in cart.points] == [
        (1.0, 0.1), (1.0, 1.0), (1.0, 10.0), (2.5, 0.1), (2.5, 1.0), (2.5, 10.0),
        (4.0, 0.1), (4.0, 1.0), (4.0, 10.0)]
    assert cart.points[4].name == "004-preload_MPa=2.5-current_mA_cm2=1"
    assert cart.points[4].case.fixture.preload_MPa == 2.5
    assert cart.points[4].case.protocol[0].current_mA_cm2 == 1.0
    zipped = load_sweep(_spec(tmp_path, 'combine = "zip"\n[sweep.vary]\n' + vary))
    assert [tuple(p.values.values()) for p in zipped.points] == [
        (1.0, 0.1), (2.5, 1.0), (4.0, 10.0)]


def test_point_names_tell_keys_with_one_last_part_apart(tmp_path):
    base = stack_doc(protocol=[{"step": "hold", "duration_h": 0.01},
                               {"step": "hold", "duration_h": 0.01}])
    sweep = load_sweep(_spec(tmp_path, '[sweep.vary]\n"protocol.0.duration_h" = [0.01]\n'
                             '"protocol.1.duration_h" = [0.02]\n', base))
    assert sweep.points[0].name == "000-0.duration_h=0.01-1.duration_h=0.02"


# --- the pool, with a stand-in for the run --------------------------------------------------

STAND_IN = """
import json, sys
from pathlib import Path
out, outcome, log = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
with log.open("a") as f:
    f.write(out.name + "\\n")
if outcome == "crash":
    print("ssb: error: boom in the solver")
    sys.exit(1)
(out / "summary.json").write_text(json.dumps({"status": "completed", "message": "",
                                              "warnings": []}))
"""


def test_the_pool_skips_finished_points_and_a_failure_stops_no_other(tmp_path):
    spec = _spec(tmp_path, '[sweep.vary]\n"fixture.preload_MPa" = [1.0, 2.0, 3.0, 4.0]\n')
    sweep_dir = SweepDir(load_sweep(spec), tmp_path / "out")
    sweep_dir.prepare()
    launched = tmp_path / "launched.txt"

    def command(point):
        outcome = "crash" if point.values["fixture.preload_MPa"] == 2.0 else "ok"
        return [sys.executable, "-c", STAND_IN, str(sweep_dir.point_dir(point)), outcome,
                str(launched)]

    lines = []
    outcomes = Pool(sweep_dir, 2, command, say=lines.append, poll_s=0.02).run(
        list(sweep_dir.sweep.points))
    assert [outcomes[i].status for i in range(4)] == ["completed", "failed", "completed",
                                                      "completed"]
    assert outcomes[1].error == "ssb: error: boom in the solver"
    assert sorted(launched.read_text().split()) == [p.name for p in sweep_dir.sweep.points]
    assert lines[-1].startswith("sweep: 3/4 done, 0 running, 1 failed, 0 to go")
    launched.unlink()
    again = Pool(sweep_dir, 2, command, say=lines.append, poll_s=0.02).run(
        list(sweep_dir.sweep.points))
    assert [again[i].status for i in range(4)] == ["skipped", "failed", "skipped", "skipped"]
    assert launched.read_text().split() == [sweep_dir.sweep.points[1].name]


def test_eta_from_the_mean_wall_time():
    assert eta([], 3, [], 2) == "unknown"
    # 4 to go at 10 s, one running 4 s of its 10: 46 s of work on 2 jobs
    assert eta([8.0, 12.0], 4, [4.0], 2) == "23 s"


def test_a_directory_of_another_sweep_is_refused(tmp_path):
    spec = _spec(tmp_path, '[sweep.vary]\n"fixture.preload_MPa" = [1.0]\n')
    sweep_dir = SweepDir(load_sweep(spec), tmp_path / "out")
    sweep_dir.prepare()
    point = sweep_dir.sweep.points[0]
    (sweep_dir.point_dir(point) / "summary.json").write_text('{"status": "completed"}')
    spec.write_text(spec.read_text() + '[sweep.set]\n"conditions.temperature_C" = 40.0\n')
    with pytest.raises(SweepError, match=r"holds a finished point 0 .* of a different case"):
        SweepDir(load_sweep(spec), tmp_path / "out").prepare()


# --- real runs --------------------------------------------------------------------------------


def test_a_local_sweep_over_fixtures_with_a_failing_point(tmp_path, capsys):
    """Fixed gap, springs and constant pressure from one base (the type switched by the sweep);
    the constant-pressure point is made to fail (one Newton iteration allowed). Its error is in
    the table, the others complete."""
    spec = _spec(tmp_path, 'combine = "zip"\ncollect = ["stack_pressure_MPa"]\n'
                 '[sweep.set]\n"fixture.spring_stiffness_N_per_mm" = 5000.0\n[sweep.vary]\n'
                 '"fixture.type" = ["fixed_gap", "spring", "constant_pressure"]\n'
                 '"numerics.newton_max_iterations" = [25, 25, 1]\n'
                 '"numerics.easy_newton_iterations" = [5, 5, 1]\n')
    out = tmp_path / "out"
    code, stdout, stderr = _ssb(capsys, "sweep", str(spec), "--out", str(out), "--jobs", "2")
    assert code == 1, stdout + stderr
    assert ("note (point 0): fixture.type = 'fixed_gap' (overridden): dropped "
            "fixture.spring_stiffness_N_per_mm = 5000.0") in stdout
    with (out / "sweep.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["fixture.type"] for r in rows] == ["fixed_gap", "spring", "constant_pressure"]
    assert [r["status"] for r in rows] == ["completed", "completed", "failed"]
    assert "did not converge" in rows[2]["error"] and rows[0]["error"] == ""
    for row in rows[:2]:
        p = [v for v in read_series(out / "points" / row["name"] / "series.csv")
             ["stack_pressure_MPa"]]
        assert float(row["stack_pressure_MPa_final"]) == pytest.approx(p[-1], rel=1e-9)
        assert float(row["stack_pressure_MPa_min"]) == pytest.approx(min(p), rel=1e-9)
        assert float(row["stack_pressure_MPa_max"]) == pytest.approx(max(p), rel=1e-9)
    summary = json.loads((out / "points" / rows[1]["name"] / "summary.json").read_text())
    assert summary["fixture"]["type"] == "spring"
    assert float(rows[0]["stack_pressure_MPa_final"]) > float(rows[1]["stack_pressure_MPa_final"])
    assert (out / "sweep.png").is_file()
    assert f"failed: point 2 ({rows[2]['name']}): " in stderr


def test_slurm_array_and_batch_scripts_run_locally(tmp_path, capsys):
    spec = _spec(tmp_path, '[sweep.vary]\n"fixture.preload_MPa" = [2.0, 4.0]\n')
    out = tmp_path / "out"
    code, _, err = _ssb(capsys, "sweep", str(spec), "--out", str(out), "--slurm")
    assert code == 0, err
    array, batch = out / "slurm_array.sh", out / "run_all.sh"
    text = array.read_text()
    assert "#SBATCH --array=0-1\n" in text and "# module load" in text and "# eval" in text
    for script in (array, batch):
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert not list(out.glob("points/*/summary.json"))  # --slurm runs nothing
    task = subprocess.run(["bash", str(array)], capture_output=True, text=True, timeout=300,
                          env={**ENV, "SLURM_ARRAY_TASK_ID": "1"}, cwd=tmp_path)
    assert task.returncode == 0, task.stdout + task.stderr
    names = [p.name for p in load_sweep(spec).points]
    summary = json.loads((out / "points" / names[1] / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["final"]["stack_pressure_MPa"] > 4.0
    assert not (out / "points" / names[0] / "summary.json").exists()
    unset = subprocess.run(["bash", str(array)], capture_output=True, text=True, env=ENV)
    assert unset.returncode != 0 and "SLURM_ARRAY_TASK_ID" in unset.stderr
    all_points = subprocess.run(["bash", str(batch)], capture_output=True, text=True,
                                timeout=300, env=ENV, cwd=tmp_path)
    assert all_points.returncode == 0, all_points.stdout + all_points.stderr
    assert f"point 1 ({names[1]}): completed before, skipped" in all_points.stdout
    assert f"point 0 ({names[0]}): completed" in all_points.stdout
    code, _, err = _ssb(capsys, "sweep", str(out / "sweep.toml"), "--out", str(out), "--collect")
    assert code == 0, err
    with (out / "sweep.csv").open() as f:
        assert [r["status"] for r in csv.DictReader(f)] == ["completed", "completed"]


@pytest.mark.mpi
@pytest.mark.skipif(find_mpirun() is None, reason="mpirun not found")
def test_a_point_on_two_ranks(tmp_path, capsys):
    spec = _spec(tmp_path, '[sweep.vary]\n"fixture.preload_MPa" = [2.0]\n')
    code, out, err = _ssb(capsys, "sweep", str(spec), "--out", str(tmp_path / "out"),
                          "--ranks", "2", "--jobs", "1")
    assert code == 0, out + err
    [path] = (tmp_path / "out").glob("points/*/summary.json")
    summary = json.loads(path.read_text())
    assert summary["status"] == "completed" and summary["mpi_size"] == 2


def test_the_slurm_template_runs_a_case_locally(tmp_path):
    template = ROOT / "scripts" / "slurm_template.sh"
    assert subprocess.run(["bash", "-n", str(template)]).returncode == 0
    (tmp_path / "case.toml").write_text(tomli_w.dumps(stack_doc()))
    env = {**ENV, "PYTHON": sys.executable, "CASE": str(tmp_path / "case.toml"),
           "OUT": str(tmp_path / "run"),
           "SETS": "fixture.preload_MPa=3 conditions.temperature_C=40"}
    env.pop("SLURM_NTASKS", None)
    proc = subprocess.run(["bash", str(template)], capture_output=True, text=True, timeout=300,
                          env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    resolved = (tmp_path / "run" / "case.toml").read_text()
    assert "preload_MPa = 3.0" in resolved and "temperature_C = 40.0" in resolved


def test_the_readme_spec_is_valid(tmp_path):
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Sweeps and clusters"):]
    start = section.index("```toml\n") + len("```toml\n")
    snippet = section[start:section.index("```", start)]
    base = ROOT / "cases" / "li_full_cell_fixed_gap.toml"
    spec = tmp_path / "spec.toml"
    spec.write_text(snippet.replace('"../li_full_cell_fixed_gap.toml"', f'"{base}"'))
    sweep = load_sweep(spec)
    assert len(sweep.points) == 12
    assert sweep.collect == ("stack_pressure_MPa", "max_von_mises_MPa")
    currents = [p.values["protocol.2.current_mA_cm2"] for p in sweep.points[:4]]
    assert currents == [0.2, 0.2, 1.0, 1.0]


def test_the_shipped_sweeps_are_valid():
    for spec in sorted((ROOT / "cases" / "sweeps").glob("*.toml")):
        sweep = load_sweep(spec)
        assert sweep.points and all(p.case.warnings == () for p in sweep.points), spec
    big = load_sweep(ROOT / "cases" / "sweeps" / "pressure_current_fixture.toml")
    assert len(big.points) == 12
    assert {p.case.fixture.type for p in big.points} == {"fixed_gap", "spring"}
    assert {p.case.protocol[1].pressure_MPa for p in big.points} == {2.0, 5.0, 10.0}
