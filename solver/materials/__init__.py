"""Materials: constitutive-law parameter records and the cited library."""

from solver.materials.laws import Curve, Elastic, Lithiation, NortonCreep, VolumeChangeTable
from solver.materials.library import (
    OVERRIDE_KEYS,
    Material,
    UnknownMaterialError,
    aliases,
    canonical_name,
    get,
    names,
    with_overrides,
)

__all__ = [
    "OVERRIDE_KEYS",
    "Curve",
    "Lithiation",
    "Elastic",
    "Material",
    "NortonCreep",
    "UnknownMaterialError",
    "VolumeChangeTable",
    "aliases",
    "canonical_name",
    "get",
    "names",
    "with_overrides",
]
