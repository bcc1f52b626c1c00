"""The spec table: every row of tests/spec/targets.yaml through the extractor, one generic test.

A row is a sentence and what must come of it: the records (only the fields it writes are
compared), the numbers dropped with their rule, or a known gap marked `xfail` with its
reason (strict: a gap that closes fails until its xfail line is removed). The format is
described at the top of the YAML file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors.targets import Candidate, extract
from schemas.fields import TARGET_FIELDS
from tests.conftest import ROOT

SPEC = ROOT / "tests" / "spec" / "targets.yaml"
ROW_KEYS = {"id", "note", "text", "context", "targets", "drops", "xfail"}
CONTEXT_KEYS = {"province", "doc_year", "national"}
PART_CHECKS = {
    "indicator_starts": lambda got, want: got.startswith(want),
    "indicator_ends": lambda got, want: got.endswith(want),
    "indicator_contains": lambda got, want: want in got,
}


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The rows, checked for shape so a typo in a key fails by name instead of checking nothing."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(rows, list), f"{path}: expected a list of rows"
    seen: set[str] = set()
    for row in rows:
        name = row.get("id")
        assert name and name not in seen, f"{path}: row ids must be present and unique ({name!r})"
        seen.add(name)
        assert set(row) <= ROW_KEYS, f"{name}: unknown keys {set(row) - ROW_KEYS}"
        assert isinstance(row.get("text"), str) and ("targets" in row or "drops" in row), f"{name}: text and targets or drops"
        assert set(row.get("context") or {}) <= CONTEXT_KEYS, f"{name}: context takes {CONTEXT_KEYS}"
        for want in row.get("targets") or []:
            unknown = set(want) - set(TARGET_FIELDS) - set(PART_CHECKS) - {"same_indicator_as"}
            assert not unknown, f"{name}: unknown target fields {unknown}"
    return rows


ROWS = load_rows(SPEC)


def shown(c: Candidate, want: dict[str, Any], kept: list[Candidate]) -> dict[str, Any]:
    """What the candidate has in the fields the row writes (equal to `want` when it is right)."""
    got: dict[str, Any] = {}
    for key, value in want.items():
        if key in PART_CHECKS:
            got[key] = value if PART_CHECKS[key](c.indicator, value) else c.indicator
        elif key == "same_indicator_as":
            got[key] = value if c.indicator == kept[value].indicator else c.indicator
        else:
            got[key] = getattr(c, key)
    return got


def _param(row: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=row["xfail"])] if row.get("xfail") else []
    return pytest.param(row, id=row["id"], marks=marks)


@pytest.mark.parametrize("row", [_param(r) for r in ROWS])
def test_spec_row(row: dict[str, Any]) -> None:
    text = row["text"]
    result = extract(text, **(row.get("context") or {}))
    kept = list(result.candidates)
    for c in kept:
        assert text[c.start : c.end] == c.quote
    assert not {c.mention for c in kept} & {d.mention for d in result.drops}, "a number both kept and dropped"
    if "targets" in row:
        wanted = row["targets"]
        got = [shown(c, w, kept) for c, w in zip(kept, wanted, strict=False)]
        assert (len(kept), got) == (len(wanted), wanted), [
            {f: getattr(c, f) for f in ("value", "value_max", "unit", "comparator", "direction", "scope",
                                        "deadline_year", "pillar", "indicator")} for c in kept]
    if "drops" in row:
        assert [{"value": d.mention.value, "rule": d.rule} for d in result.drops] == row["drops"]
        assert all(d.reason for d in result.drops)


def test_a_misspelt_key_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "spec.yaml"
    bad.write_text('- id: x\n  text: "50% hồ sơ."\n  targets:\n    - {"valeu": 50}\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="unknown target fields"):
        load_rows(bad)
