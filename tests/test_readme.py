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


def test_the_readme_links_its_docs():
    root = Path(__file__).resolve().parents[1]
    links = set(re.findall(r"\]\((docs/[\w./-]+\.md)\)", README))
    assert {"docs/theory.md", "docs/verification.md", "docs/references.md"} <= links
    for link in links:
        assert (root / link).is_file(), link


def test_no_text_cites_lines_of_documents_that_do_not_ship():
    """Papers are cited by author, year and DOI, never by line numbers of a source text."""
    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"\b\d{3}:L\d+\b|\bs[e]ed\s+0\d\d\b", re.I)
    files = [p for ext in ("py", "toml", "md") for p in root.rglob(f"*.{ext}")
             if not {".git", ".venv", "runs"} & set(p.relative_to(root).parts)]
    hits = [f"{p.relative_to(root)}:{i}" for p in files
            for i, line in enumerate(p.read_text(errors="replace").splitlines(), 1)
            if pattern.search(line)]
    assert not hits, hits
