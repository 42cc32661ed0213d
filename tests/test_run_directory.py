"""The run directory: one run owns it, an earlier run is never mixed in, ``--out`` is checked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from solver.io.rundir import LOCK, RunDirError, claim
from tests.probes import case_file, command, long_case, one_line, run, start, wait_for_rows


def _ssb(*args: str, ranks: int = 1) -> subprocess.CompletedProcess:
    return run(command(["run", *args], ranks), timeout=120)


def _quick(tmp_path: Path, **overrides) -> Path:
    return case_file(tmp_path / "quick.toml", **overrides)


def test_non_empty_out_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "out"
    assert _ssb(str(_quick(tmp_path)), "--out", str(out)).returncode == 0
    before = (out / "summary.json").read_text()
    bad = _quick(tmp_path, fixture={"type": "fixed_gap", "preload_MPa": -1.0})
    proc = _ssb(str(_quick(tmp_path)), "--out", str(out))
    assert proc.returncode == 2 and "--out" in one_line(proc.stderr)
    assert "--overwrite" in proc.stderr
    proc = _ssb(str(bad), "--out", str(out))  # a bad case never touches the directory
    assert proc.returncode == 2
    assert (out / "summary.json").read_text() == before
    assert (out / "run.log").read_text()


def test_overwrite_replaces_the_earlier_run(tmp_path):
    """The earlier fields go although the new run writes none (they were listed before)."""
    out = tmp_path / "out"
    with_fields = _quick(tmp_path, output={"field_formats": ["xdmf"]})
    assert _ssb(str(with_fields), "--out", str(out)).returncode == 0
    (out / "notes.txt").write_text("mine")
    assert _ssb(str(_quick(tmp_path)), "--out", str(out), "--overwrite").returncode == 0
    assert not (out / "fields").exists()
    assert json.loads((out / "summary.json").read_text())["fields"] == []
    assert (out / "notes.txt").read_text() == "mine"  # not an output of a run


def test_overwrite_never_replaces_the_case_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    case = _quick(tmp_path)
    text = "# my comments\n" + case.read_text()
    (out / "case.toml").write_text(text)
    proc = _ssb(str(out / "case.toml"), "--out", str(out), "--overwrite")
    assert proc.returncode == 2 and "case file" in one_line(proc.stderr)
    assert (out / "case.toml").read_text() == text


def test_second_run_into_a_running_directory_is_refused(tmp_path):
    out = tmp_path / "out"
    first = start(command(["run", str(long_case(tmp_path / "long.toml")), "--out", str(out)]))
    try:
        wait_for_rows(out / "series.csv", 2, first)
        for extra in ([], ["--overwrite"]):
            proc = _ssb(str(_quick(tmp_path)), "--out", str(out), *extra, ranks=2)
            assert proc.returncode == 2 and "in use by another run" in one_line(proc.stderr)
    finally:
        first.kill()
        first.communicate()
    rows = (out / "series.csv").read_text().splitlines()
    assert all(len(r.split(",")) == len(rows[0].split(",")) for r in rows[:-1])
    assert "\0" not in "".join(rows)


def test_lock_is_exclusive_and_released(tmp_path):
    first = claim(str(tmp_path / "d"), tmp_path / "case.toml")
    with pytest.raises(RunDirError, match="in use by another run"):
        claim(str(tmp_path / "d"), tmp_path / "case.toml", overwrite=True)
    first.release()
    claim(str(tmp_path / "d"), tmp_path / "case.toml").release()
    assert not (tmp_path / "d" / LOCK).exists()


def test_stale_lock_needs_overwrite(tmp_path):
    """A killed run leaves its lock; a dead pid on this host makes it stale."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    d = tmp_path / "d"
    d.mkdir()
    (d / LOCK).write_text(f"{os.uname().nodename} {dead.pid}\n")
    with pytest.raises(RunDirError, match=r"did not end cleanly.*--overwrite"):
        claim(str(d), tmp_path / "case.toml")
    claim(str(d), tmp_path / "case.toml", overwrite=True).release()


@pytest.mark.parametrize(("out", "says"), [
    ("", "expected a directory path"),
    ("   ", "expected a directory path"),
    ("/dev/null", "not a directory"),
    ("{file}", "not a directory"),
    ("/proc/ssb-run/x", "cannot create directory"),
    ("/sys/ssb-run", "cannot create directory"),
    ("/sys/ssb\nrun", "cannot create directory '/sys/ssb\\nrun'"),  # still one line
])
def test_bad_out_is_one_line(tmp_path, out, says):
    (tmp_path / "file").write_text("")
    out = out.format(file=tmp_path / "file")
    for ranks in (1, 2):
        proc = _ssb(str(_quick(tmp_path)), "--out", out, ranks=ranks)
        assert proc.returncode == 2, proc.stderr
        line = one_line(proc.stderr)
        assert line.startswith("ssb: error: --out:") and says in line
    assert not list(Path.cwd().glob("series.csv"))


def test_immutable_out_is_one_line(tmp_path):
    """An immutable (or read-only) directory: root cannot write it either."""
    d = tmp_path / "imm"
    d.mkdir()
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(d)]).returncode:
        pytest.skip("chattr +i not permitted here")
    try:
        proc = _ssb(str(_quick(tmp_path)), "--out", str(d))
        assert proc.returncode == 2 and "cannot write in" in one_line(proc.stderr)
    finally:
        subprocess.run(["chattr", "-i", str(d)])


@pytest.mark.parametrize("name", ["../../x", "/tmp/abs", "", "a/b", ".hidden", "x\0y"])
def test_case_name_is_not_a_path(tmp_path, name):
    doc_case = _quick(tmp_path, case={"name": name})
    proc = subprocess.run(command(["check", str(doc_case)]), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and "case.name" in one_line(proc.stderr)
