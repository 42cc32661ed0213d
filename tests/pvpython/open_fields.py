"""Open a run's field file in ParaView (run with pvpython) and print what a user would see.

Usage: ``pvpython open_fields.py FILE [FILE ...]``. For each file it prints one line::

    FILE type=vtkUnstructuredGrid cells=N times=T point=a,b cell=c,d field=name=value,...

read at the last time step, and exits with status 1 if a file does not open, has no cells or
no arrays. The test in ``tests/test_paraview.py`` checks the arrays and the region names.
"""

import sys

from paraview import servermanager
from paraview.simple import OpenDataFile


def _names(data) -> list[str]:
    return [data.GetAbstractArray(i).GetName() for i in range(data.GetNumberOfArrays())]


def _field_values(data) -> list[str]:
    out = []
    for i in range(data.GetNumberOfArrays()):
        array = data.GetAbstractArray(i)
        values = [array.GetValue(j) for j in range(array.GetNumberOfValues())]
        out.append(f"{array.GetName()}={'/'.join(str(v) for v in values)}")
    return out


def describe(path: str) -> bool:
    reader = OpenDataFile(path)
    if reader is None:
        print(f"{path} error=no reader")
        return False
    times = list(reader.TimestepValues or [])
    reader.UpdatePipeline(times[-1] if times else 0.0)
    data = servermanager.Fetch(reader)
    if not hasattr(data, "GetPointData"):  # a multiblock: report its first leaf
        data = data.GetBlock(0)
    cells = data.GetNumberOfCells()
    point, cell = _names(data.GetPointData()), _names(data.GetCellData())
    field = _field_values(data.GetFieldData())
    print(f"{path} type={data.GetClassName()} cells={cells} times={len(times)} "
          f"point={','.join(point)} cell={','.join(cell)} field={','.join(field)}")
    return cells > 0 and bool(point or cell)


if __name__ == "__main__":
    ok = [describe(p) for p in sys.argv[1:]]
    sys.exit(0 if ok and all(ok) else 1)
