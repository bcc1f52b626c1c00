"""`extractor_version` changes with any rule change, and only with one.

Stores skip documents whose plan has the current version and Prefect caches chunks under
it, so a rule edit that kept the version would serve stale plans; a comment that changed
it would re-extract a whole store for nothing.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.extract import version_tag
from pipeline.version import ROOT, rules_digest


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the code and rules the digest covers."""
    for folder in ("extractors", "schemas"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "pipeline").mkdir()
    shutil.copy(ROOT / "pipeline" / "extract.py", tmp_path / "pipeline" / "extract.py")
    return tmp_path


def _edit(path: Path, change: Callable[[str], str]) -> None:
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the edit did not apply to {path}"
    path.write_text(after, encoding="utf-8")


def _first_rule_literal(source: str) -> tuple[int, int]:
    """(line, column) of the first string constant that is not a docstring: a rule's words."""
    tree = ast.parse(source)
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)  # type: ignore[attr-defined]
                  if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value \
                and id(node) not in docstrings and node.lineno == node.end_lineno:
            return node.lineno, node.col_offset
    raise AssertionError("no string literal found")


def _change_a_rule(source: str) -> str:
    """Insert a character just inside the first rule literal's opening quote."""
    line, col = _first_rule_literal(source)
    lines = source.splitlines(keepends=True)
    text = lines[line - 1]
    quote = re.match(r"[rRbBuUfF]*(['\"])", text[col:])
    assert quote is not None
    at = col + quote.end()
    lines[line - 1] = text[:at] + "x" + text[at:]
    return "".join(lines)


NEUTRAL: dict[str, tuple[str, Callable[[str], str]]] = {
    "a comment": ("extractors/targets.py", lambda s: "# a note for the next reader\n" + s),
    "blank lines and spacing": ("extractors/numbers.py", lambda s: s.replace("\n\n\n", "\n\n\n\n", 1)),
    "a docstring": ("extractors/numbers.py", lambda s: s.replace('"""', '"""Reworded. ', 1)),
    "a YAML comment": ("extractors/lexicon/comparators.yaml", lambda s: "# reviewed\n" + s),
}
RULES: dict[str, tuple[str, Callable[[str], str]]] = {
    "a rule in numbers.py": ("extractors/numbers.py", _change_a_rule),
    "a rule in clause.py": ("extractors/clause.py", _change_a_rule),
    "the record schema": ("schemas/plan.py", lambda s: s.replace("MAX_YEAR = 2100", "MAX_YEAR = 2101")),
    "a lexicon word": ("extractors/lexicon/comparators.yaml", lambda s: s.replace("words: [", "words: [xấp xỉ, ", 1)),
}


@pytest.mark.parametrize("what", sorted(NEUTRAL))
def test_comments_formatting_and_docstrings_keep_the_version(checkout: Path, what: str) -> None:
    path, change = NEUTRAL[what]
    before = rules_digest(checkout)
    _edit(checkout / path, change)
    assert rules_digest(checkout) == before


@pytest.mark.parametrize("what", sorted(RULES))
def test_a_rule_change_changes_the_version(checkout: Path, what: str) -> None:
    path, change = RULES[what]
    before = rules_digest(checkout)
    _edit(checkout / path, change)
    assert rules_digest(checkout) != before


def test_a_new_extractor_module_changes_the_version(checkout: Path) -> None:
    before = rules_digest(checkout)
    (checkout / "extractors" / "years.py").write_text("YEAR = r'\\b20\\d\\d\\b'\n", encoding="utf-8")
    assert rules_digest(checkout) != before


def test_the_version_names_the_package_and_the_rules_digest() -> None:
    assert re.fullmatch(r"\S+\+rules\.[0-9a-f]{12}", version_tag())
    assert version_tag().endswith(rules_digest(ROOT))
