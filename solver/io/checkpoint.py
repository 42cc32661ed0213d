"""Restart checkpoints on disk: one NumPy file per rank and a manifest, written atomically.

Layout, in the run directory::

    checkpoint/manifest.json        names the complete checkpoint; written last, by rank 0
    checkpoint/<seq>/rank-<r>.npz   the arrays of rank r (one per rank)
    checkpoint/<seq>/<name>         files rank 0 adds (the field file's XML)

Every array is stored per local cell (owned and ghost) and keyed by the cell's index in the
mesh as gmsh gave it (``mesh.topology.original_cell_index``): the values of a Lagrange function
as the cell's dofs in the element's layout (``W.dofmap.list``), quadrature-point arrays as
(cell, point), so no array depends on the partition. Beside them each file holds the input
indices and coordinates of the cell's nodes, so a restart on a mesh that differs is refused.
A restart on the same number of ranks that finds its own cells in its own file in the same
order (the same partition) takes its arrays as they are, bit for bit; otherwise each rank
reads every file and picks its cells from their owners.

Atomicity: each rank writes ``rank-<r>.npz.tmp``, flushes it to disk (fsync) and renames it;
only when every rank has, rank 0 writes the manifest the same way. A checkpoint is valid when
the manifest names it: a run killed while writing one leaves the previous manifest, which
names the previous, complete checkpoint (removed only after the new manifest is in place).
Every failure (a full disk) is agreed on by all ranks and raised on each as
:class:`CheckpointFailed`, so no rank is left waiting in a collective call.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from solver.faults import one_line

DIRECTORY = "checkpoint"
MANIFEST = "manifest.json"
FORMAT = 1
"""Version of the layout; a manifest of another version is refused."""


class CheckpointError(ValueError):
    """A checkpoint that cannot be used for a restart (one line, naming what differs)."""

    def __init__(self, message: str):
        super().__init__(one_line(message))


class CheckpointFailed(RuntimeError):
    """Writing a checkpoint failed on some rank (raised on every rank alike)."""


def _agree(comm, error: str | None) -> None:
    """Raise :class:`CheckpointFailed` on every rank if any rank has an error (collective)."""
    errors = [e for e in comm.allgather(error) if e]
    if errors:
        raise CheckpointFailed(errors[0])


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (where the filesystem allows opening a directory)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` as a whole or not at all: temporary file, fsync, rename."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        np.savez(f, **arrays)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def mesh_layout(W) -> dict[str, np.ndarray]:
    """Per local cell of ``W``'s mesh: its input index, its nodes' input indices and
    coordinates, and its dofs in ``W`` (local numbering; not stored)."""
    mesh = W.mesh
    geometry = mesh.geometry
    nodes = geometry.dofmaps[0]
    n = nodes.shape[0]
    return {
        "cells": np.asarray(mesh.topology.original_cell_index[:n], dtype=np.int64),
        "nodes": np.asarray(geometry.input_global_indices, dtype=np.int64)[nodes],
        "x": geometry.x[nodes][..., :geometry.dim].copy(),
        "dofs": W.dofmap.list[:n],
        "owned": np.int64(mesh.topology.index_map(mesh.topology.dim).size_local),
    }


def per_cell(values: np.ndarray, dofs: np.ndarray) -> np.ndarray:
    """A function's local dof values as (cells, dofs of a cell)."""
    return values[dofs]


def from_cells(cell_values: np.ndarray, dofs: np.ndarray, size: int) -> np.ndarray:
    """Local dof values from (cells, dofs of a cell); every local dof lies in a local cell."""
    out = np.zeros(size)
    covered = np.zeros(size, dtype=bool)
    out[dofs] = cell_values
    covered[dofs] = True
    if not covered.all():
        missing = int((~covered).sum())
        raise CheckpointError(f"checkpoint: {missing} local dofs lie in no local cell")
    return out


def write(run_dir: Path, comm, seq: int, arrays: dict[str, np.ndarray],
          manifest: dict | None, extra_files: dict[str, str] | None = None) -> None:
    """Write checkpoint ``seq`` (collective): this rank's ``arrays``, then rank 0's files and
    ``manifest`` (rank 0's argument; the others pass None), then drop older checkpoints.

    Raises:
        CheckpointFailed: on every rank, when any rank could not write.

    """
    root = Path(run_dir) / DIRECTORY
    part = root / f"{seq:06d}"
    error = None
    if comm.rank == 0:
        try:
            part.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            error = f"cannot create {part}: {err.strerror or err}"
    _agree(comm, error)
    try:
        _write_arrays(part / f"rank-{comm.rank}.npz", arrays)
    except OSError as err:
        error = f"rank {comm.rank} cannot write {part}: {err.strerror or err}"
    _agree(comm, error)  # every rank's file is in place
    if comm.rank == 0:
        try:
            for name, text in (extra_files or {}).items():
                write_atomic(part / name, text.encode())
            _fsync_dir(part)
            body = {**manifest, "format": FORMAT, "seq": seq, "ranks": comm.size,
                    "directory": part.name}
            write_atomic(root / MANIFEST, json.dumps(body, indent=1).encode())
            _fsync_dir(root)
        except OSError as err:
            error = f"cannot write the manifest in {root}: {err.strerror or err}"
        else:
            for old in root.iterdir():
                if old.is_dir() and old.name != part.name:
                    shutil.rmtree(old, ignore_errors=True)
    _agree(comm, error)


def read_manifest(run_dir: Path) -> dict:
    """The manifest of the last complete checkpoint in ``run_dir``.

    Raises:
        CheckpointError: no checkpoint, or one this version cannot read.

    """
    path = Path(run_dir) / DIRECTORY / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise CheckpointError(
            f"--restart: no checkpoint in '{run_dir}' ({path} is missing); a run writes one "
            "every output.checkpoint_every_steps steps or output.checkpoint_every_min minutes, "
            "and when a signal stops it (a completed run removes its checkpoint)") from None
    except (OSError, ValueError) as err:
        raise CheckpointError(f"--restart: cannot read {path}: {err}") from None
    if manifest.get("format") != FORMAT:
        raise CheckpointError(f"--restart: {path} has format {manifest.get('format')!r}; this "
                              f"version reads format {FORMAT}")
    return manifest


def read_file(run_dir: Path, manifest: dict, name: str) -> str:
    """A file rank 0 added to the checkpoint (``extra_files``)."""
    return (Path(run_dir) / DIRECTORY / manifest["directory"] / name).read_text()


def _load(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {k: data[k] for k in data.files}


def load(run_dir: Path, manifest: dict, comm, layout: dict[str, np.ndarray]
         ) -> tuple[dict[str, np.ndarray], bool]:
    """This rank's arrays, per local cell in ``layout``'s order, and whether every rank found
    them in its own file as written (the same partition: bit for bit the state it saved).

    Raises:
        CheckpointError: on every rank, when a file is missing or the mesh differs.

    """
    part = Path(run_dir) / DIRECTORY / manifest["directory"]
    error, same, arrays = None, False, {}
    try:
        arrays, same = _local_arrays(part, manifest["ranks"], comm, layout)
        _check_mesh(arrays, layout)
    except CheckpointError as err:
        error = str(err)
    except (OSError, ValueError, KeyError) as err:
        error = f"--restart: cannot read the checkpoint in {part}: {err}"
    errors = [e for e in comm.allgather(error) if e]
    if errors:
        raise CheckpointError(errors[0])
    return arrays, all(comm.allgather(same))


def _local_arrays(part: Path, ranks: int, comm, layout) -> tuple[dict[str, np.ndarray], bool]:
    cells = layout["cells"]
    if comm.size == ranks:
        own = _load(part / f"rank-{comm.rank}.npz")
        if np.array_equal(own["cells"], cells):
            return own, True
    picked: dict[str, np.ndarray] = {}
    found = np.zeros(len(cells), dtype=bool)
    for r in range(ranks):
        data = _load(part / f"rank-{r}.npz")
        owned = data["cells"][: int(data["owned"])]
        if not len(owned):
            continue
        order = np.argsort(owned)
        pos = np.searchsorted(owned, cells, sorter=order).clip(0, len(owned) - 1)
        index = order[pos]
        hit = owned[index] == cells
        for key, value in data.items():
            if value.ndim == 0 or key == "owned":
                continue
            if key not in picked:
                picked[key] = np.zeros((len(cells), *value.shape[1:]), dtype=value.dtype)
            picked[key][hit] = value[index[hit]]
        found |= hit
    if not found.all():
        raise CheckpointError(f"--restart: {int((~found).sum())} cells of this mesh are not in "
                              "the checkpoint; the mesh differs from the checkpoint's")
    picked["owned"] = layout["owned"]
    return picked, False


def _check_mesh(arrays: dict[str, np.ndarray], layout: dict[str, np.ndarray]) -> None:
    """The cells' nodes (input indices and coordinates) must be the checkpoint's."""
    for key in ("nodes", "x"):
        if arrays[key].shape != layout[key].shape or not np.array_equal(arrays[key], layout[key]):
            raise CheckpointError(
                "--restart: the mesh built from the case differs from the checkpoint's (cell "
                f"{key}); the same case must give the same mesh (same gmsh version)")
