"""Document versions and the analyst's views of a store: what each input holds *now*.

Why: the store keys plans by the sha256 of a file's bytes, so a corrected file (one `100%`
edited to `95%`) is a second document, and a deleted file's plan stays.  Exports then gave
two records for one document and `GROUP BY province` counted its targets twice.  Here each
document id below an input root (the folder or zip a run was given, resolved) has
versions, one per content it was seen with:

* `current`: what the input holds now; the views and exports give only these;
* `superseded`: an older content of the same id, kept for history;
* `removed`: a document a completed run over the same root no longer found (deleted
  input), kept for history.

A new content becomes current only once its plan is stored, so an extraction that fails
keeps the last good plan current.  Stores made before versions existed are carried over
once: each plan becomes the current version of its `doc_id` under an unknown root (`''`),
superseded by the first run that sees that id with other bytes.

The views (`current_plans`, `current_targets`, `all_targets`) join each target with its
document's fields and metadata (url, title, published from ingest or a sidecar manifest)
and the run that stored it; the column comments come from `schemas/docs.py` and
`COLUMN_DOCS` below, so `DESCRIBE`/`duckdb_columns()` explain every column.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import duckdb

from pipeline.store.quality import FIELDS
from schemas.docs import PLAN_DOCS, TARGET_DOCS
from schemas.plan import Plan, Target

CURRENT, SUPERSEDED, REMOVED = "current", "superseded", "removed"
LEGACY_ROOT = ""  # plans stored before versions were recorded

VERSIONS_DDL = """CREATE TABLE IF NOT EXISTS versions (
    root VARCHAR, doc_id VARCHAR, sha256 VARCHAR, status VARCHAR,
    first_run VARCHAR, last_run VARCHAR, first_seen TIMESTAMP, changed_at TIMESTAMP,
    PRIMARY KEY (root, doc_id, sha256))"""

# Metadata keys lifted out of the record JSON into columns (pipeline/ingest/sidecar.py, ingest).
METADATA_COLUMNS = ("url", "title", "published")

_META = ", ".join(f"json_extract_string(p.record, '$.metadata.{k}') AS {k}" for k in METADATA_COLUMNS)
# A plan stored without any version row (written through `Store.write_outcomes` alone) is
# the current version of its own doc_id.
_VERSION_PLANS = f"""
    SELECT coalesce(v.doc_id, p.doc_id) AS doc_id, coalesce(v.status, '{CURRENT}') AS version_status,
           coalesce(v.root, '{LEGACY_ROOT}') AS input_root,
           p.* EXCLUDE (doc_id, record), {_META},
           json_extract_string(p.record, '$.metadata.province') AS metadata_province
    FROM plans p LEFT JOIN versions v USING (sha256)"""
# One row per content: the same bytes under two ids are one document (the first id shown).
_ONE_PER_CONTENT = ("QUALIFY row_number() OVER (PARTITION BY p.sha256 "
                    "ORDER BY coalesce(v.doc_id, p.doc_id), v.root) = 1")
VIEWS = {
    "current_plans": f"{_VERSION_PLANS} WHERE coalesce(v.status, '{CURRENT}') = '{CURRENT}' {_ONE_PER_CONTENT}",
    "all_plans": _VERSION_PLANS,
    "current_targets": "SELECT cp.* EXCLUDE (version_status, n_targets), t.* EXCLUDE (sha256) "
                       "FROM current_plans cp JOIN targets t USING (sha256)",
    "all_targets": "SELECT ap.* EXCLUDE (n_targets), t.* EXCLUDE (sha256) FROM all_plans ap JOIN targets t USING (sha256)",
}

COLUMN_DOCS: dict[str, str] = {
    "version_status": "current (what the input holds now), superseded (an older content of the same id) "
                      "or removed (no longer in the input)",
    "input_root": "The input folder or zip (resolved) the document id is relative to; '' for plans stored "
                  "before versions were recorded",
    "url": "The document's web address (sidecar manifest), if known",
    "title": "The page or manifest title, if known",
    "published": "When the page says it was published (ingest or sidecar manifest), if known",
    "metadata_province": "The province a sidecar manifest gives for the file, beside `province` from the text",
    "run_id": "The run that stored this plan",
    "extracted_at": "When this plan was stored (UTC)",
    "ordinal": "The target's position in its plan, from 0; (sha256, ordinal) identifies a target",
    "n_targets": "How many targets the plan has",
    "root": "The input folder or zip (resolved) the document id is relative to",
    "status": "current, superseded or removed",
    "first_run": "The run that first saw this content under this id",
    "last_run": "The last run that saw it",
    "first_seen": "When it was first seen (UTC)",
    "changed_at": "When its status last changed (UTC)",
    "record": "The full plan record as JSON (what `chitieu extract` writes)",
    "quality": "The run's data-quality summary: targets without year, province, scope or pillar; "
               "documents without a target (pipeline/store/quality.py)",
}


def field_doc(name: str) -> str | None:
    """The description of a plan or target field: the model's own, else the table in schemas/docs.py."""
    for model, docs in ((Plan, PLAN_DOCS), (Target, TARGET_DOCS)):
        field = model.model_fields.get(name)
        if field is not None and field.description:
            return field.description
        if name in docs:
            return docs[name]
    return None


def column_doc(column: str) -> str | None:
    """The description of a store or view column, from one table of words."""
    return COLUMN_DOCS.get(column) or field_doc(column)


def create(con: duckdb.DuckDBPyConnection) -> None:
    """The versions table, the views over it and every column comment (inside the caller's transaction)."""
    con.execute(VERSIONS_DDL)
    con.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS quality JSON")
    _backfill(con)
    for name, sql in VIEWS.items():
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
    relations = ("plans", "targets", "versions", *VIEWS)
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
        "AND table_name IN (SELECT unnest(?::VARCHAR[]))", [list(relations)]
    ).fetchall():
        doc = column_doc(column)
        if doc:
            con.execute(f'COMMENT ON COLUMN {table}."{column}" IS ' + "'" + doc.replace("'", "''") + "'")


def create_temporary(con: duckdb.DuckDBPyConnection) -> None:
    """The views on a store opened read-only that predates them, for this connection only.

    A read-only store cannot be upgraded, so the versions table is made as a temporary
    table, filled as the upgrade would fill it (each plan the current version of its id),
    and the views as temporary views over it: `query` and `export` give what they give
    after an upgrade, and the file is not touched.
    """
    con.execute(VERSIONS_DDL.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
    _backfill(con)
    for name, sql in VIEWS.items():
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")


def _backfill(con: duckdb.DuckDBPyConnection) -> None:
    """A store from before versions: each plan is the current version of its id, root unknown."""
    has_versions = con.execute("SELECT count(*) FROM versions").fetchone()
    if has_versions and has_versions[0]:
        return
    con.execute(
        f"INSERT INTO versions SELECT '{LEGACY_ROOT}', doc_id, sha256, '{CURRENT}', run_id, run_id, "
        "extracted_at, extracted_at FROM plans ON CONFLICT DO NOTHING"
    )


def record(con: duckdb.DuckDBPyConnection, run_id: str, root: str, pairs: Sequence[tuple[str, str]],
           now: dt.datetime) -> int:
    """Mark (doc_id, sha256) pairs seen by this run as current; older contents of those ids are superseded.

    Returns how many versions were superseded.
    """
    if not pairs:
        return 0
    ids, shas = [list(x) for x in zip(*pairs, strict=True)]
    con.begin()
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _seen AS SELECT unnest(?::VARCHAR[]) AS doc_id, "
                    "unnest(?::VARCHAR[]) AS sha256", [ids, shas])
        con.execute(
            f"UPDATE versions SET status = '{CURRENT}', last_run = ?, "
            f"changed_at = CASE WHEN status <> '{CURRENT}' THEN ? ELSE changed_at END "
            "WHERE root = ? AND (doc_id, sha256) IN (SELECT (doc_id, sha256) FROM _seen)",
            [run_id, now, root],
        )
        con.execute(
            f"INSERT INTO versions SELECT ?, doc_id, sha256, '{CURRENT}', ?, ?, ?, ? FROM _seen "
            "ON CONFLICT DO NOTHING",
            [root, run_id, run_id, now, now],
        )
        superseded = con.execute(
            f"UPDATE versions SET status = '{SUPERSEDED}', changed_at = ? "
            f"WHERE status = '{CURRENT}' AND root IN (?, '{LEGACY_ROOT}') "
            "AND doc_id IN (SELECT doc_id FROM _seen) AND NOT (root = ? AND last_run = ?)",
            [now, root, root, run_id],
        ).fetchone()
        con.execute("DROP TABLE _seen")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return int(superseded[0]) if superseded else 0


def mark_removed(con: duckdb.DuckDBPyConnection, run_id: str, root: str, now: dt.datetime,
                 keep: Sequence[str] = ()) -> int:
    """After a completed run over `root`: its current documents that the run did not see are removed.

    Ids in `keep` were found but failed (unreadable, extraction failed): still in the input.
    """
    row = con.execute(
        f"UPDATE versions SET status = '{REMOVED}', changed_at = ? "
        f"WHERE root = ? AND status = '{CURRENT}' AND last_run <> ? "
        "AND doc_id NOT IN (SELECT unnest(?::VARCHAR[]))",
        [now, root, run_id, list(keep)],
    ).fetchone()
    return int(row[0]) if row else 0


def run_quality(con: duckdb.DuckDBPyConnection, run_id: str, root: str) -> dict[str, Any]:
    """`pipeline.store.quality.summarize` over the documents this run found under `root`, in SQL."""
    seen = (f"SELECT DISTINCT sha256 FROM versions WHERE root = ? AND last_run = ? AND status = '{CURRENT}'")
    doc_row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE n_targets = 0) FROM plans WHERE sha256 IN ({seen})",
        [root, run_id],
    ).fetchone() or (0, 0)
    counts = ", ".join(f"count(*) FILTER (WHERE {'p' if where == 'plan' else 't'}.\"{name}\" IS NULL)"
                       for name, where in FIELDS)
    row = con.execute(
        f"SELECT count(*), {counts} FROM targets t JOIN plans p USING (sha256) WHERE sha256 IN ({seen})",
        [root, run_id],
    ).fetchone() or (0, *([0] * len(FIELDS)))
    targets = int(row[0])
    missing = {name: int(n) for (name, _), n in zip(FIELDS, row[1:], strict=True)}
    return {
        "documents": int(doc_row[0]),
        "documents_without_targets": int(doc_row[1]),
        "targets": targets,
        "missing": missing,
        "missing_share": {k: round(v / targets, 3) if targets else None for k, v in missing.items()},
    }


def store_quality(con: duckdb.DuckDBPyConnection, run_id: str, quality: dict[str, Any]) -> None:
    """Keep a run's quality summary in its row."""
    con.execute("UPDATE runs SET quality = ? WHERE run_id = ?", [json.dumps(quality), run_id])
