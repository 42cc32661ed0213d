"""Bad case files end with one line naming the key, exit status 2, on 1 and 2 ranks, no hang."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from solver.case import CaseError, validate
from tests.conftest import stack_doc
from tests.probes import run

ROOT = Path(__file__).resolve().parents[1]
SSB = [sys.executable, "-m", "solver.cli"]
MPIRUN = shutil.which("mpirun", path=str(Path(sys.executable).parent)) or shutil.which("mpirun")

BAD = {
    "unknown key": ('[fixture]\ntype = "fixed_gap"\npreload_MPa = 5.0\nstifness = 3\n', "fixture.stifness"),
    "wrong type": ('[fixture]\ntype = "fixed_gap"\npreload_MPa = "five"\n', "fixture.preload_MPa"),
    "negative thickness": ("[geometry.layers.anode]\nthickness_um = -5.0\n", "geometry.layers.anode.thickness_um"),
    "unknown material": ('[regions.anode]\nmaterial = "lithum"\n', "regions.anode.material"),
}

GOOD = """
[geometry]
die_diameter_mm = 10.0
stack = ["anode"]
[geometry.layers.anode]
thickness_um = 100.0
[regions.anode]
material = "li"
[fixture]
type = "fixed_gap"
preload_MPa = 5.0
[[protocol]]
step = "rest"
duration_h = 1.0
"""


def _merge(good: str, bad: str) -> str:
    """Replace the good case's tables that the bad snippet redefines."""
    import tomllib

    import tomli_w

    doc = tomllib.loads(good)
    patch = tomllib.loads(bad)

    def deep(a, b):
        for k, v in b.items():
            if isinstance(v, dict) and isinstance(a.get(k), dict):
                deep(a[k], v)
            else:
                a[k] = v

    deep(doc, patch)
    return tomli_w.dumps(doc)


@pytest.mark.parametrize("kind", sorted(BAD))
def test_validation_names_the_key(kind):
    import tomllib

    snippet, key = BAD[kind]
    with pytest.raises(CaseError) as err:
        validate(tomllib.loads(_merge(GOOD, snippet)))
    assert err.value.key == key


def test_suggests_the_right_key():
    import tomllib

    with pytest.raises(CaseError, match="did you mean 'spring_stiffness_N_per_mm'"):
        validate(tomllib.loads(_merge(GOOD, '[fixture]\nspring_stifness_N_per_mm = 3.0\n')))


def test_set_override_is_validated():
    with pytest.raises(CaseError, match="fixture.preload_MPa: got -1.0"):
        validate(stack_doc(), ["fixture.preload_MPa=-1.0"])


def _cases(tmp_path: Path):
    for kind, (snippet, key) in BAD.items():
        path = tmp_path / f"{kind.replace(' ', '_')}.toml"
        path.write_text(_merge(GOOD, snippet))
        yield path, key
    yield tmp_path / "missing.toml", "case file not found"
    latin1 = tmp_path / "latin1.toml"  # rank 0 once raised before the broadcast: a hang
    latin1.write_bytes("# r\u00e9sum\u00e9 in Latin-1\n".encode("latin-1") + GOOD.encode())
    yield latin1, "not valid UTF-8 (byte 0xe9 at line 1, column 4)"
    fifo = tmp_path / "fifo.toml"  # reading it would block rank 0 for ever
    os.mkfifo(fifo)
    yield fifo, "not a regular file"
    yield Path("/dev/zero"), "not a regular file"
    yield tmp_path, "not a regular file"
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (1 << 20) + "\n" + GOOD)
    yield big, "a case file has at most"


@pytest.mark.parametrize("ranks", [1, 2])
def test_cli_error_on_every_rank(tmp_path, ranks):
    if ranks > 1 and MPIRUN is None:
        pytest.skip("mpirun not found")
    for path, key in _cases(tmp_path):
        cmd = SSB + ["run", str(path), "--out", str(tmp_path / "out")]
        if ranks > 1:
            cmd = [MPIRUN, "-n", str(ranks), *cmd]
        proc = run(cmd, timeout=120)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 2, proc.stderr
        assert len(lines) == 1 and key in lines[0], proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("assignment", [
    "geometry.stack.0.x=1",  # once a TypeError on rank 0: a hang on 2 ranks
    "numerics=",  # once an AttributeError
    "geometry.radial_mesh_size_um=1E-321",  # once a ZeroDivisionError in the mesh estimate
    "numerics.petsc_options.ksp_type=\"nonexistent\"",  # once a traceback after set-up
])
def test_set_regressions_end_cleanly_on_two_ranks(tmp_path, assignment):
    if MPIRUN is None:
        pytest.skip("mpirun not found")
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    cmd = [MPIRUN, "-n", "2", *SSB, "run", str(path), "--out", str(tmp_path / "out"),
           "--set", assignment]
    proc = run(cmd, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if ln.strip()]) == 1, proc.stderr
    assert not (tmp_path / "out").exists()
