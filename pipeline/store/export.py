"""`chitieu export`: the store's contents as Parquet, CSV or JSON Lines files.

Two shapes, chosen by `--out`:

* a file (`targets.parquet`, `targets.csv`, `plans.jsonl`): for Parquet and CSV, one row
  per target of each current document with its document's fields beside it (the
  `current_targets` view, the table analysts load first); for JSON Lines, one current plan
  record per line, the same JSON `chitieu extract` writes; `--history` adds superseded and
  removed versions;
* a folder (no suffix, or an existing folder): one file per store table
  (`runs`, `documents`, `names`, `plans`, `targets`, `failures`, `versions`, and `fetches`
  in a store that `chitieu watch` or a URL run wrote), for a full copy.

DuckDB writes Parquet and CSV itself, so no pyarrow is needed.  Every file is written to a
temporary name and renamed, so a reader never sees half an export.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ChitieuError
from pipeline.io import atomic_path
from pipeline.store.db import TABLES, Store

FORMATS = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}
COPY_OPTIONS = {"parquet": "(FORMAT parquet, COMPRESSION zstd)", "csv": "(FORMAT csv, HEADER true)",
                "jsonl": "(FORMAT json)"}
_ORDER = {"runs": "started_at", "documents": "first_name", "names": "name, sha256", "plans": "source, sha256",
          "targets": "sha256, ordinal", "failures": "failed_at, name", "versions": "root, doc_id, first_seen",
          "drops": "sha256, ordinal",
          "current_targets": "doc_id, input_root, ordinal", "fetches": "url"}
WEB_TABLES = ("fetches",)  # made by pipeline/web/fetchlog.py in stores that fetched URLs
# The analyst view (pipeline/store/current.py): one row per target of a current document, with the
# document's fields, url/title/published and the run beside it.  `history` adds superseded
# and removed versions with their `version_status`.
FLAT_TARGETS = "SELECT * FROM current_targets ORDER BY doc_id, input_root, ordinal"
FLAT_HISTORY = "SELECT * FROM all_targets ORDER BY doc_id, input_root, version_status, ordinal"
CURRENT_RECORDS = ("SELECT p.record FROM plans p JOIN current_plans c USING (sha256) "
                   "ORDER BY c.doc_id, c.input_root")
ALL_RECORDS = "SELECT record FROM plans ORDER BY source, sha256"
_FETCH = 1000


class ExportError(ChitieuError):
    """The export was asked for in a way that cannot be done."""


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _copy(store: Store, query: str, fmt: str, path: Path) -> None:
    with atomic_path(path) as tmp:
        store.con.execute(f"COPY ({query}) TO '{_sql_path(tmp)}' {COPY_OPTIONS[fmt]}")


def _write_records(store: Store, path: Path, history: bool = False) -> None:
    """Plan records one per line (current ones unless `history`), streamed a thousand at a time."""
    cursor = store.con.execute(ALL_RECORDS if history else CURRENT_RECORDS)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        while rows := cursor.fetchmany(_FETCH):
            for (record,) in rows:
                fh.write(record + "\n")


def is_folder_target(out: Path) -> bool:
    """A folder export when `out` is an existing folder or has no suffix."""
    return out.is_dir() or not out.suffix


def export_store(store_path: Path, fmt: str, out: Path, history: bool = False,
                 min_confidence: float | None = None) -> list[Path]:
    """Write the export and return the files written.

    A file holds the current version of each document (`history`: every version); a folder
    holds every table, which keeps all versions, and the analyst view.  `min_confidence`
    keeps, in a Parquet or CSV file, only targets at least that confident.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (expected {', '.join(FORMATS)})")
    ext = FORMATS[fmt]
    with Store.open(store_path, read_only=True) as store:
        if is_folder_target(out):
            written = []
            present = {name for (name,) in store.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            for table in (*TABLES, *(t for t in WEB_TABLES if t in present), "current_targets"):
                if table == "drops" and table not in present:  # a store no run has written since drops were kept
                    continue
                path = out / f"{table}{ext}"
                _copy(store, f"SELECT * FROM {table} ORDER BY {_ORDER[table]}", fmt, path)
                written.append(path)
            return written
        if out.suffix.lower() != ext:
            raise ExportError(f"{out}: a {fmt} export file should end in {ext} (or give a folder)")
        if fmt == "jsonl":
            if min_confidence is not None:
                raise ExportError("--min-confidence filters targets: export them as parquet or csv")
            _write_records(store, out, history)
        else:
            query = FLAT_HISTORY if history else FLAT_TARGETS
            if min_confidence is not None:
                query = query.replace(" ORDER BY ", f" WHERE confidence >= {float(min_confidence)} ORDER BY ", 1)
            _copy(store, query, fmt, out)
        return [out]
