"""The field file: one temporal collection with every field per snapshot, named regions,
snapshots by step and by simulated time, and VTX with every field."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from mpi4py import MPI

from solver.case import CaseError, validate
from solver.io.fields import FIELDS_FILE, VTX_FILE
from solver.run import Run
from tests.conftest import stack_doc

CELL_FIELDS = {"von_mises_MPa", "axial_stress_MPa", "hydrostatic_stress_MPa", "region"}


def _run(directory, **output):
    doc = stack_doc(output={"field_formats": ["xdmf"], **output})
    return Run(validate(doc), directory, MPI.COMM_WORLD).execute()


def _grids(directory) -> list[ET.Element]:
    root = ET.parse(directory / "fields" / FIELDS_FILE).getroot()
    collections = root.find("Domain").findall("Grid")
    assert len(collections) == 1 and collections[0].get("CollectionType") == "Temporal"
    return collections[0].findall("Grid")


def _times_s(directory) -> list[float]:
    return [float(g.find("Time").get("Value")) for g in _grids(directory)]


def test_every_snapshot_carries_every_field_and_the_region_names(shared_dir):
    summary = _run(shared_dir, fields_every=1)
    assert sorted(p.name for p in (shared_dir / "fields").iterdir()) == [
        FIELDS_FILE, "fields_data.h5"]  # DOLFINx's own XDMF is gone
    grids = _grids(shared_dir)
    assert len(grids) == summary["stepper"]["accepted_steps"] + 1
    for grid in grids:
        assert grid.find("Topology") is not None and grid.find("Geometry") is not None
        centred = {a.get("Name"): a.get("Center") for a in grid.findall("Attribute")}
        assert centred["displacement_mm"] == "Node"
        assert all(centred[name] == "Cell" for name in CELL_FIELDS)
        regions = {a.get("Name"): int(a.find("DataItem").text)
                   for a in grid.findall("Attribute") if a.get("Center") == "Grid"}
        assert regions == {"cathode": 1, "separator": 2, "anode": 3}
    info = ET.parse(shared_dir / "fields" / FIELDS_FILE).getroot().find("Domain/Information")
    assert info.get("Name") == "regions" and info.get("Value") == "1 cathode, 2 separator, 3 anode"


def test_snapshots_by_simulated_time(shared_dir):
    # 60 s steps to 180 s; fields_every = 0 keeps only the preload and the end, and a
    # snapshot every 0.03 h (108 s) adds the first step past 108 s: 120 s, not 60 s.
    _run(shared_dir, fields_every=0, fields_every_h=0.03)
    assert _times_s(shared_dir) == pytest.approx([0.0, 120.0, 180.0])


def test_snapshots_by_step_only(shared_dir):
    _run(shared_dir, fields_every=0, fields_every_h=0.0)
    assert _times_s(shared_dir) == pytest.approx([0.0, 180.0])


def test_fields_every_h_is_validated():
    with pytest.raises(CaseError, match=r"output\.fields_every_h: got -1.0; must be >= 0"):
        validate(stack_doc(output={"fields_every_h": -1.0}))


def test_vtx_writes_every_field(shared_dir):
    summary = _run(shared_dir, field_formats=["xdmf", "vtx"], fields_every=1)
    assert summary["fields"] == [FIELDS_FILE, "fields_data.h5", VTX_FILE]
    bp = shared_dir / "fields" / VTX_FILE
    assert bp.is_dir()
    # VTX records the function names in its attribute file; every field is there
    text = b"".join(p.read_bytes() for p in bp.iterdir() if p.is_file())
    for name in ("displacement_mm", *CELL_FIELDS):
        assert name.encode() in text, name


def test_the_end_of_the_run_regroups_whatever_the_spacing(shared_dir, monkeypatch):
    import solver.io.fields

    monkeypatch.setattr(solver.io.fields, "REGROUP_SPACING", 1e12)  # only the first and last
    summary = _run(shared_dir, fields_every=1)
    assert len(_grids(shared_dir)) == summary["stepper"]["accepted_steps"] + 1
