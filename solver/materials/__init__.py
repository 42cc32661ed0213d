"""Materials: constitutive-law parameter records and the cited library."""

from solver.materials.laws import Elastic, NortonCreep, VolumeChangeTable
from solver.materials.library import (
    OVERRIDE_KEYS,
    Material,
    UnknownMaterialError,
    get,
    names,
    with_overrides,
)

__all__ = [
    "OVERRIDE_KEYS",
    "Elastic",
    "Material",
    "NortonCreep",
    "UnknownMaterialError",
    "VolumeChangeTable",
    "get",
    "names",
    "with_overrides",
]
