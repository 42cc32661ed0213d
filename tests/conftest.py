"""Shared helpers: small cases built in code and runs in a directory shared by all ranks."""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path

import pytest
from mpi4py import MPI

import solver  # noqa: F401

# test_parallel_invariants only collects tests of other modules for the 2-rank run (make test):
# serially they already run where they are defined
collect_ignore = [] if MPI.COMM_WORLD.size > 1 else ["test_parallel_invariants.py"]


def stack_doc(**overrides) -> dict:
    """A three-layer die stack (cathode | separator | anode), elastic, rigid wall, 1 rank-cheap."""
    doc = {
        "case": {"name": "test_stack"},
        "geometry": {
            "die_diameter_mm": 10.0,
            "radial_mesh_size_um": 2500.0,
            "stack": ["cathode", "separator", "anode"],
            "layers": {
                "cathode": {"thickness_um": 80.0, "mesh_size_um": 40.0},
                "separator": {"thickness_um": 600.0, "mesh_size_um": 300.0},
                "anode": {"thickness_um": 380.0, "mesh_size_um": 190.0},
            },
        },
        "regions": {
            "cathode": {"material": "ncm811_composite"},
            "separator": {"material": "li6ps5cl"},
            "anode": {"material": "li", "overrides": {"creep": "none"}},
        },
        "fixture": {"type": "fixed_gap", "preload_MPa": 5.0},
        "electrochemistry": {
            "plating_region": "anode",
            "cathode_region": "cathode",
            "cathode_capacity_mAh_cm2": 3.0,
        },
        "protocol": [{"step": "charge", "current_mA_cm2": 1.0, "capacity_mAh_cm2": 0.05}],
        "numerics": {"element_degree": 1, "dt_initial_s": 60.0, "dt_max_s": 60.0},
        "output": {"field_formats": []},
    }
    for dotted, value in overrides.items():
        node = doc
        *path, last = dotted.split("__")
        for part in path:
            node = node.setdefault(part, {})
        node[last] = copy.deepcopy(value)
    return doc


@pytest.fixture
def shared_dir():
    """A temporary directory with the same path on every rank, removed after the test."""
    comm = MPI.COMM_WORLD
    path = tempfile.mkdtemp(prefix="ssb-test-") if comm.rank == 0 else None
    path = Path(comm.bcast(path, root=0))
    yield path
    comm.barrier()  # every rank is done with it
    if comm.rank == 0:
        shutil.rmtree(path, ignore_errors=True)
