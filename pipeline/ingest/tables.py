"""Tables (PDF and Word) as lines of text the target extractor can read.

Plans list their indicators in appendix tables with one column per year.  The extractor
reads sentences, so each data row becomes one sentence with one clause per year cell:

    | Chỉ tiêu                        | ĐVT | 2025 | 2030 |
    | Tỷ lệ hồ sơ ... cấp tỉnh ...    |  %  |  80  |  95  |
 -> Đến năm 2025, Tỷ lệ hồ sơ ... cấp tỉnh ... đạt 80%; đến năm 2030, Tỷ lệ hồ sơ ... đạt 95%.

The indicator is repeated in every clause because the extractor takes a target's
indicator from its own clause (`<indicator>: năm 2025 đạt 80%; ...` leaves the second
and later cells with "năm 2030" as their indicator).  Rows without values (group
headings) and tables without data (the two-column header of an official document) are
given cell by cell, one paragraph a line, so `Số: .../KH-UBND` and the place-and-date
line stay lines of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import regex

from extractors.lexicon import template


class HeaderWords(NamedTuple):
    """Column headings that give a column a role (matched case-insensitively)."""

    number: str = r"^(?:stt|tt|số\s*tt|số\s*thứ\s*tự|thứ\s*tự)$"
    unit: str = r"đơn\s*vị|^đvt$"
    note: str = r"ghi\s*chú"
    # A column that reports where things stand, not a target.
    baseline: str = r"hiện\s*trạng|thực\s*hiện|thực\s*tế|kết\s*quả|đã\s*đạt|ước\s*(?:đạt|tính)|cơ\s*sở"


HEADER = HeaderWords()
_NUMBER_HEAD = regex.compile(HEADER.number, regex.IGNORECASE)
_UNIT_HEAD = regex.compile(HEADER.unit, regex.IGNORECASE)
_NOTE_HEAD = regex.compile(HEADER.note, regex.IGNORECASE)
_BASELINE_HEAD = regex.compile(HEADER.baseline, regex.IGNORECASE)
_YEAR = regex.compile(r"(?<!\d)(?:19[9]\d|20\d\d)(?!\d)")
# A cell that is a value: an optional comparator, a number, an optional unit or range.
# The comparator and linking words are the lexicon's (comparators.yaml, fragments.yaml).
_VALUE = regex.compile(
    template(r"^(?:[=~]|{COMPARATOR_BEFORE}|{LINK_VERB}|top|nhóm|thuộc\s*nhóm)?\s*")
    + r"\d[\d.,]*\s*(?:%|‰)?(?:\s*(?:-|–|đến)\s*\d[\d.,]*\s*%?)?\s*(?:\([^)]*\))?\s*$",
    regex.IGNORECASE,
)
_PLACEHOLDER = regex.compile(r"^[-–—x/.…]*$", regex.IGNORECASE)
_ROW_NUMBER = regex.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[IVXLC]{1,6}\.?|[a-zđ][.)])$", regex.IGNORECASE)


def _clean(cell: str | None) -> str:
    """Cell text with each paragraph's spaces collapsed and empty paragraphs dropped."""
    if not cell:
        return ""
    paras = (" ".join(p.split()) for p in cell.split("\n"))
    return "\n".join(p for p in paras if p)


def _flat(cell: str) -> str:
    return " ".join(cell.split())


def is_value(cell: str) -> bool:
    """A cell holding a figure (`80`, `≥ 90%`, `Trên 70%`, `top 20`)."""
    return bool(cell) and _VALUE.match(_flat(cell)) is not None


@dataclass(frozen=True)
class Columns:
    """What each column of a data table holds."""

    years: dict[int, int]  # column -> deadline year
    baseline: frozenset[int]  # year columns that report a past result
    unit: int | None
    note: int | None
    text: tuple[int, ...]  # the indicator's columns


def _is_heading_row(row: list[str], first: bool) -> bool:
    """Column headings: no figure; after the first row, only years or heading words."""
    if any(is_value(c) and not _YEAR.fullmatch(_flat(c)) for c in row):
        return False
    if first:
        return True
    return any(_YEAR.search(c) or _UNIT_HEAD.search(c) or _NOTE_HEAD.search(c) for c in row)


def _header_rows(rows: list[list[str]]) -> int:
    """Leading rows that are the table's column headings (at most three)."""
    n = 0
    for row in rows[:3]:
        if not _is_heading_row(row, first=n == 0):
            break
        n += 1
    return n


def _columns(rows: list[list[str]], n_head: int) -> Columns:
    width = max(len(r) for r in rows)
    heads = [" ".join(_flat(r[j]) for r in rows[:n_head] if j < len(r) and r[j]) for j in range(width)]
    body = rows[n_head:]
    years: dict[int, int] = {}
    baseline: set[int] = set()
    unit = note = None
    skip: set[int] = set()
    for j, head in enumerate(heads):
        cells = [r[j] for r in body if j < len(r) and r[j]]
        found = _YEAR.findall(head)
        filled = [c for c in cells if not _PLACEHOLDER.match(_flat(c))]
        if found and sum(is_value(c) for c in filled) >= len(filled) / 2:  # mostly figures
            years[j] = int(found[-1])
            if _BASELINE_HEAD.search(head):
                baseline.add(j)
        elif _UNIT_HEAD.search(head):
            unit = j
        elif _NOTE_HEAD.search(head):
            note = j
        elif _NUMBER_HEAD.match(head) or (j == 0 and cells and all(_ROW_NUMBER.match(_flat(c)) for c in cells)):
            skip.add(j)
    text = tuple(j for j in range(width) if j not in years and j not in skip and j not in {unit, note})
    return Columns(years, frozenset(baseline), unit, note, text)


def _with_unit(value: str, unit: str) -> str:
    value = _flat(value)
    unit = _flat(unit)
    if not unit or "%" in value or not regex.search(r"\d$", value):
        return value
    return f"{value}{unit}" if unit == "%" else f"{value} {unit}"


def _year_sentences(row: list[str], cols: Columns) -> list[str]:
    """One data row as sentences: past results first, then one clause per target year.

    A reported result shares no sentence with the targets: the extractor drops a whole
    sentence that reports what was achieved (`đã đạt`).
    """
    indicator = " ".join(_flat(row[j]) for j in cols.text if j < len(row) and row[j])
    unit = row[cols.unit] if cols.unit is not None and cols.unit < len(row) else ""
    past: list[str] = []
    clauses: list[str] = []
    for j, year in sorted(cols.years.items(), key=lambda kv: kv[1]):
        cell = row[j] if j < len(row) else ""
        if not cell or _PLACEHOLDER.match(_flat(cell)):
            continue
        value = _with_unit(cell, unit)
        if j in cols.baseline:
            past.append(f"Năm {year}, {indicator} đã đạt {value}." if indicator else f"Năm {year} đã đạt {value}.")
        else:
            clauses.append(f"đến năm {year}, {indicator} đạt {value}" if indicator else f"năm {year} đạt {value}")
    if not clauses:
        return past
    sentence = "; ".join(clauses)
    note = _flat(row[cols.note]) if cols.note is not None and cols.note < len(row) else ""
    if note and not _PLACEHOLDER.match(note):
        sentence += f" ({note})"
    return [*past, sentence[0].upper() + sentence[1:] + "."]


def _cell_lines(row: list[str]) -> list[str]:
    """A row without figures: every paragraph of every cell on its own line."""
    return [p for cell in row for p in cell.split("\n") if p]


def _value_row(row: list[str], cols: Columns) -> str | None:
    """A row of a table without year columns: `<indicator> đạt <value>.` when it has figures."""
    unit = row[cols.unit] if cols.unit is not None and cols.unit < len(row) else ""
    values = [_with_unit(row[j], unit) for j in cols.text if j < len(row) and is_value(row[j])]
    words = [_flat(row[j]) for j in cols.text if j < len(row) and row[j] and not is_value(row[j])]
    words = [w for w in words if not _ROW_NUMBER.match(w)]
    if not values or not words:
        return None
    return f"{' '.join(words)} đạt {', '.join(values)}."


def heading_rows(rows: Sequence[Sequence[str | None]]) -> int:
    """How many leading rows of a table are column headings (0 for a continuation)."""
    return _header_rows([[_clean(c) for c in row] for row in rows if any(row)])


def table_lines(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """The lines of text a table stands for (see the module docstring)."""
    cleaned = [[_clean(c) for c in row] for row in rows]
    cleaned = [r for r in cleaned if any(r)]
    if not cleaned:
        return []
    n_head = _header_rows(cleaned)
    cols = _columns(cleaned, n_head) if n_head < len(cleaned) else None
    lines: list[str] = []
    if cols is None or not cols.years:
        body = [_value_row(row, cols) if cols is not None else None for row in cleaned[n_head:]]
        if not any(body):  # no figures: a layout table such as the official header
            return [line for row in cleaned for line in _cell_lines(row)]
        for row, sentence in zip(cleaned[n_head:], body, strict=True):
            lines.extend([sentence] if sentence else _cell_lines(row))
        return lines
    for row in cleaned[n_head:]:  # the headings are carried by every sentence
        sentences = _year_sentences(row, cols)
        if not sentences:  # a group heading such as `II | Kinh tế số`
            sentences = [" ".join(_flat(row[j]) for j in cols.text if j < len(row) and row[j])]
        lines.extend(s for s in sentences if s)
    return lines
