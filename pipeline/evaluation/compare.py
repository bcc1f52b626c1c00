"""`chitieu compare`: provinces' targets side by side, per national indicator and deadline year.

The comparison reads the plan records of a store (not its `targets` table), because the
record carries what comparing needs: each target's `indicator_id` and the document's
`province_current`.  A record written by an older extractor, before either existed, is
linked here from its own fields by the same functions the extractor uses, so a store need
not be re-extracted to be compared.

One row per linked target: a province may state one indicator several times (per level,
per year, or in two documents), and an analyst wants to see each with its quote rather than
a figure averaged away.  Each row also carries the national value for the same year (and
level), and the gap to it, so "how far is each province from the national target" is one
query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import duckdb

from extractors.indicators import Catalogue, Indicator, NationalValue, get_matcher, match_indicator
from extractors.provinces import NATIONAL, get_provinces
from pipeline.io import atomic_path
from pipeline.store.db import Store

TABLE_NAME = "comparison"


@dataclass(frozen=True)
class Row:
    """One target of one province for one national indicator: a line of the comparison table."""

    indicator_id: str
    indicator_name: str
    indicator_pillar: str | None
    province_current: str | None
    province_code: str | None
    province: str | None
    national_document: bool
    deadline_year: int | None
    value: float
    value_max: float | None
    unit: str
    comparator: str
    direction: str
    scope: str | None
    achieved: bool
    national_value: float | None
    national_comparator: str | None
    national_source: str | None
    gap: float | None
    doc_id: str
    doc_type: str | None
    doc_number: str | None
    issued: str | None
    source: str | None
    sha256: str | None
    indicator: str
    indicator_rule: str | None
    quote: str


SQL_TYPES = {"indicator_id": "VARCHAR", "indicator_name": "VARCHAR", "indicator_pillar": "VARCHAR",
             "province_current": "VARCHAR", "province_code": "VARCHAR", "province": "VARCHAR",
             "national_document": "BOOLEAN", "deadline_year": "INTEGER", "value": "DOUBLE", "value_max": "DOUBLE",
             "unit": "VARCHAR", "comparator": "VARCHAR", "direction": "VARCHAR", "scope": "VARCHAR",
             "achieved": "BOOLEAN", "national_value": "DOUBLE", "national_comparator": "VARCHAR",
             "national_source": "VARCHAR", "gap": "DOUBLE", "doc_id": "VARCHAR", "doc_type": "VARCHAR",
             "doc_number": "VARCHAR", "issued": "DATE", "source": "VARCHAR", "sha256": "VARCHAR",
             "indicator": "VARCHAR", "indicator_rule": "VARCHAR", "quote": "VARCHAR"}
COLUMNS = tuple(f.name for f in fields(Row))


def national_value(indicator: Indicator, year: int | None, scope: str | None) -> NationalValue | None:
    """The national figure for this year (and level, where the nation sets one per level)."""
    if year is None:
        return None
    same_year = [n for n in indicator.national if n.year == year]
    exact = [n for n in same_year if n.scope == scope]
    if exact:
        return exact[0]
    return next((n for n in same_year if n.scope is None), None)


def _link(target: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The target's indicator id and rule: as stored, or matched now for records made before linking."""
    if "indicator_id" in target:
        return target.get("indicator_id"), target.get("indicator_rule")
    found = match_indicator(target["indicator"], target["unit"], target.get("pillar"))
    return (found.indicator_id, found.rule_id) if found else (None, None)


def record_rows(record: Mapping[str, Any], catalogue: Catalogue | None = None) -> list[Row]:
    """The comparison rows of one plan record (its targets that restate a national indicator)."""
    matcher = get_matcher()
    by_id = {i.id: i for i in (catalogue or matcher.catalogue).indicators}
    provinces = get_provinces()
    written = record.get("province")
    current = record.get("province_current") or provinces.current_name(written)
    unit_of_province = provinces.resolve(current) if current and current != NATIONAL else None
    rows = []
    for t in record.get("targets", []):
        indicator_id, rule = _link(t)
        indicator = by_id.get(indicator_id or "")
        if indicator is None:
            continue
        nat = national_value(indicator, t.get("deadline_year"), t.get("scope"))
        level = t.get("direction", "level") == "level" and t["unit"] == indicator.unit
        rows.append(Row(
            indicator_id=indicator.id, indicator_name=indicator.name, indicator_pillar=indicator.pillar,
            province_current=current, province_code=unit_of_province.code if unit_of_province else None,
            province=written, national_document=current == NATIONAL,
            deadline_year=t.get("deadline_year"), value=float(t["value"]),
            value_max=float(t["value_max"]) if t.get("value_max") is not None else None,
            unit=t["unit"], comparator=t.get("comparator", "="), direction=t.get("direction", "level"),
            scope=t.get("scope"), achieved=bool(t.get("achieved", False)),
            national_value=nat.value if nat else None, national_comparator=nat.comparator if nat else None,
            national_source=nat.source if nat else None,
            gap=round(float(t["value"]) - nat.value, 4) if nat and level else None,
            doc_id=record["doc_id"], doc_type=record.get("doc_type"), doc_number=record.get("doc_number"),
            issued=record.get("issued"), source=record.get("source"), sha256=record.get("sha256"),
            indicator=t["indicator"], indicator_rule=rule, quote=t["quote"],
        ))
    return rows


def comparison_rows(records: Iterable[Mapping[str, Any]]) -> list[Row]:
    """Every linked target of these records, in catalogue order, then province, year and document."""
    order = {ind.id: i for i, ind in enumerate(get_matcher().catalogue.indicators)}
    rows = [row for record in records for row in record_rows(record)]
    return sorted(rows, key=lambda r: (order[r.indicator_id], r.province_current or "~", r.deadline_year or 0,
                                       r.scope or "", r.doc_id, r.value))


def provinces_in(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """The current provinces the records are about (national documents and unknown provinces left out)."""
    provinces = get_provinces()
    names = {record.get("province_current") or provinces.current_name(record.get("province"))
             for record in records}
    return sorted(n for n in names if n and n != NATIONAL)


@dataclass(frozen=True)
class Coverage:
    """For one indicator: the provinces whose plans state it and the provinces of the store that do not."""

    indicator: Indicator
    rows: list[Row]
    with_it: list[str]
    without_it: list[str]


def coverage(rows: Sequence[Row], provinces: Sequence[str]) -> list[Coverage]:
    """Per catalogue indicator, its rows and which provinces state it or not."""
    out = []
    for ind in get_matcher().catalogue.indicators:
        mine = [r for r in rows if r.indicator_id == ind.id]
        have = sorted({r.province_current for r in mine if r.province_current and not r.national_document})
        out.append(Coverage(ind, mine, have, [p for p in provinces if p not in have]))
    return out


def write_table(rows: Sequence[Row], out_dir: Path) -> list[Path]:
    """`comparison.csv` and `comparison.parquet` in `out_dir`, written atomically by DuckDB."""
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE {TABLE_NAME} (" + ", ".join(f'"{c}" {SQL_TYPES[c]}' for c in COLUMNS) + ")")
        if rows:
            con.executemany(f"INSERT INTO {TABLE_NAME} VALUES ({', '.join('?' for _ in COLUMNS)})",
                            [tuple(asdict(r).values()) for r in rows])
        written = []
        for name, options in (("comparison.csv", "(FORMAT csv, HEADER true)"),
                              ("comparison.parquet", "(FORMAT parquet, COMPRESSION zstd)")):
            path = out_dir / name
            with atomic_path(path) as tmp:
                sql_path = str(tmp).replace("'", "''")
                con.execute(f"COPY (SELECT * FROM {TABLE_NAME}) TO '{sql_path}' {options}")
            written.append(path)
        return written
    finally:
        con.close()


def load_records(store_path: Path) -> list[dict[str, Any]]:
    """The plan records of a store, opened read-only."""
    with Store.open(store_path, read_only=True) as store:
        return list(store.plan_records().values())
