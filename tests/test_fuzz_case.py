"""Property-based fuzz of the case loader and of ``--set``: every input ends as a valid resolved
case or as one CaseError line; never another exception (a traceback, or under MPI a hang).

The strategies mutate a valid case: a value anywhere (known keys, misspelt ones, array
indices) replaced by any TOML value, ``--set`` assignments with arbitrary text, and raw file
bytes. Inputs that once broke the loader are kept below as explicit examples.
"""

from __future__ import annotations

import copy
import math
import os
import tomllib

import pytest
import tomli_w

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from solver.case import CaseError, load_case, validate  # noqa: E402
from solver.case.schema import CASE, Leaf, ListOf, MapOf, Table  # noqa: E402
from tests.conftest import stack_doc  # noqa: E402

SETTINGS = settings(max_examples=int(os.environ.get("SSB_FUZZ_EXAMPLES", "300")), deadline=None,
                    derandomize=os.environ.get("SSB_FUZZ_RANDOM") is None,
                    suppress_health_check=[HealthCheck.too_slow])

SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=1e-3, max_value=1e3),  # near the values of a real case
    st.sampled_from([0, 1, -1, 0.0, -0.0, 1e-300, 1e300, 5e-324, 2**53 + 1]),
    st.text(max_size=12),
    st.sampled_from(["li", "fixed_gap", "charge", "3d", "xdmf", "anode", "../../x", "/abs", ""]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)


def _schema_paths(spec, prefix=()) -> list[tuple[tuple[str, ...], object]]:
    """(path, schema node) the schema knows, with sample names for user-named tables and
    array entries."""
    if isinstance(spec, Leaf):
        return [(prefix, spec)]
    if isinstance(spec, Table):
        out = [(prefix, spec)] if prefix else []
        for k, sub in spec.keys.items():
            out += _schema_paths(sub, (*prefix, k))
        return out
    if isinstance(spec, MapOf):
        return [(prefix, spec), *(p for n in ("anode", "cathode", "nope")
                                  for p in _schema_paths(spec.value, (*prefix, n)))]
    if isinstance(spec, ListOf):
        return [(prefix, spec),
                *(p for i in ("0", "1") for p in _schema_paths(spec.item, (*prefix, i)))]
    raise TypeError(spec)


NODES = _schema_paths(CASE)
PATHS = [path for path, _ in NODES]
LEAVES = [(path, node) for path, node in NODES if isinstance(node, Leaf)]
WORDS = ["li", "sn", "ncm811_composite", "fixed_gap", "spring", "constant_pressure", "charge",
         "discharge", "rest", "hold", "axisymmetric", "plane_strain", "3d", "xdmf", "vtx",
         "anode", "cathode", "separator", "elastic", "rigid", "none", "ocv", "axial", "mumps"]


def _typed(leaf: Leaf):
    """Values of a leaf's own type: mostly plausible, sometimes at or past its bounds."""
    options = []
    if int in leaf.types or float in leaf.types:
        options += [st.floats(min_value=1e-3, max_value=1e3), st.integers(-3, 1000),
                    st.sampled_from([0.0, -1.0, 1e-15, 1e15, math.inf, math.nan])]
    if str in leaf.types:
        options += [st.sampled_from(WORDS), st.text(max_size=6)]
    if bool in leaf.types:
        options.append(st.booleans())
    if list in leaf.types:
        options.append(st.lists(st.sampled_from(WORDS), max_size=3))
    return st.one_of(options)


TYPED_CHANGE = st.sampled_from(LEAVES).flatmap(
    lambda pn: st.tuples(st.just(pn[0]), _typed(pn[1])))
KNOWN = st.sampled_from(PATHS)
KEYS = st.one_of(  # mostly keys of the schema, sometimes anything
    KNOWN, KNOWN, KNOWN,
    st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_.0123456789", min_size=1, max_size=8),
             min_size=1, max_size=4).map(tuple),
)


def _assign(doc: dict, path: tuple[str, ...], value) -> None:
    """Set doc[path] = value, creating tables; array indices address existing entries."""
    node = doc
    for part in path[:-1]:
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.setdefault(part, {})
        else:
            return
    if isinstance(node, dict):
        node[path[-1]] = value
    elif isinstance(node, list) and path[-1].isdigit() and int(path[-1]) < len(node):
        node[int(path[-1])] = value


def _outcome(run) -> None:
    """The property: a Case whose resolved form is valid TOML and validates to itself, or a
    one-line CaseError."""
    try:
        case = run()
    except CaseError as err:
        message = str(err)
        assert message and "\n" not in message, message
        top = err.key.split(".")[0]
        hypothesis.event("refused", top if top in CASE.keys or not top else "other key")
        return
    hypothesis.event("refused", "no: a valid case")
    text = tomli_w.dumps(case.resolved)  # what Run writes as case.toml
    again = validate(tomllib.loads(text))
    assert again.resolved == case.resolved or _nan_equal(again.resolved, case.resolved)


def _nan_equal(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_nan_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_nan_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@SETTINGS
@given(st.lists(st.one_of(TYPED_CHANGE, TYPED_CHANGE, st.tuples(KEYS, VALUES)),
                min_size=1, max_size=3))
@example([(("protocol", "0", "capacity_mAh_cm2"), 10.0)])  # past the cathode's table
@example([(("numerics", "newton_rtol"), math.inf)])  # 0 Newton iterations, wrong stress
@example([(("case", "name"), "../../x")])  # a path outside runs/
@example([(("numerics", "petsc_options"), {"": 1})])
@example([(("numerics",), False)])  # AttributeError: validate set a key in it
@example([(("geometry", "stack"), ["anode", "anode"])])
@example([(("case",), {"\n": False})])  # a newline in a key: a two-line error
@example([(("regions", "anode", "overrides"), {"creep": None})])
def test_mutated_documents(changes):
    doc = stack_doc()
    for path, value in changes:
        _assign(doc, path, copy.deepcopy(value))
    _outcome(lambda: validate(doc))


SET_TEXT = st.one_of(
    st.text(max_size=30),
    TYPED_CHANGE.map(lambda c: f"{'.'.join(c[0])}={_toml_literal(c[1])}"),
    TYPED_CHANGE.map(lambda c: f"{'.'.join(c[0])}={_toml_literal(c[1])}"),
    st.builds(lambda k, v: f"{'.'.join(k)}={v}", KEYS,
              st.one_of(st.text(max_size=12), SCALARS.map(lambda x: _toml_literal(x)))),
)


def _toml_literal(value) -> str:
    try:
        return tomli_w.dumps({"v": value})[4:].strip()
    except (TypeError, ValueError):
        return str(value)


@SETTINGS
@given(st.lists(SET_TEXT, min_size=1, max_size=3))
@example(["protocol.5.duration_h=1"])
@example(["protocol=3"])
@example(["geometry.stack.0.x=1"])  # TypeError: set a key in a string
@example(["numerics="])  # AttributeError
@example(["=1"])
@example(["numerics..dt_min_s=1"])
@example(["fixture.preload_MPa=nan"])
@example(["case.name=/abs"])
@example(["geometry.radial_mesh_size_um=1E-321"])  # ZeroDivisionError in the mesh estimate
@example(["geometry.radial_mesh_size_um=1E-310"])  # OverflowError in the mesh estimate
def test_set_overrides(sets):
    _outcome(lambda: validate(stack_doc(), sets))


@SETTINGS
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
@example("# caf\u00e9".encode("latin-1"))
@example(b"\xef\xbb\xbf[case]\nname = 'x'\n")  # a byte-order mark
@example(b"[geometry\n")
def test_case_file_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "case.toml"
    good = tomli_w.dumps(stack_doc()).encode()
    path.write_bytes(data + b"\n" + good if data[:1] == b"#" else data)
    _outcome(lambda: load_case(path))
