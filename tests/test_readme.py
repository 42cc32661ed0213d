"""The README's case file is a valid case, and every `ssb VERB` it shows exists."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from solver.case import validate
from solver.cli import _parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_the_case_file_snippet_is_a_valid_case():
    section = README[README.index("### Case file"):]
    snippet = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    case = validate(tomllib.loads(snippet))
    assert [layer.material.name for layer in case.layers] == ["ncm811_composite", "li6ps5cl", "li"]
    assert case.output.fields_every_h == 0.5


def test_every_verb_in_the_readme_exists():
    verbs = set(_parser()._subparsers._group_actions[0].choices)
    shown = set(re.findall(r"\bssb (\w+)", README))
    assert {"run", "show", "mesh", "plot"} <= shown <= verbs, shown - verbs
