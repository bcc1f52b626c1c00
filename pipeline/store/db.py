"""The batch store: one DuckDB file of documents, plans, targets and runs, queryable with SQL.

Why DuckDB: one embedded file with nothing to run, SQL over it from Python or the `duckdb`
shell, and `COPY … TO` that writes Parquet and CSV itself (no pyarrow); its column store
suits the questions asked of targets (counts per province, pillar, year).  Its limit is one
writing process per file, which fits: only the flow's own process writes, workers only
return outcomes.  A second writer is refused with a clear message rather than waiting.

Documents are keyed by the sha256 of their bytes, so the same file under two names is one
document with two rows in `names`.  Each chunk of outcomes is written in one transaction:
a crash leaves whole plans with all their targets, or nothing of them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import json
import uuid
import zlib
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import duckdb

from pipeline.drops import DocumentDrops
from pipeline.errors import ChitieuError
from pipeline.run import Outcome, Status
from pipeline.store import current
from pipeline.store.sql_guard import one_line
from schemas.fields import TARGET_FIELDS, field_type, scalar_fields
from schemas.plan import Plan, Target

SCHEMA_VERSION = 2  # 2: document versions and the analyst views (pipeline/store/current.py)
WRITER_MEMORY = "256MB"
INSERT_BATCH = 100  # plans per INSERT: bounds what DuckDB copies from Python at once

# Columns derived from the record's models (schemas/fields.py), so a field added to `Target`
# or `Plan` becomes a column; a store made before it gains the column when next opened.
DUCKDB_TYPES: dict[type, str] = {float: "DOUBLE", int: "INTEGER", bool: "BOOLEAN", str: "VARCHAR",
                                 dt.date: "DATE", dict: "VARCHAR"}  # a mapping (`rules`) as JSON text


def _columns(model: type[Target | Plan], names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(name, DuckDB type) per field; an enum is stored as its value."""
    out = []
    for name in names:
        kind = field_type(model, name)
        out.append((name, "VARCHAR" if issubclass(kind, Enum) else DUCKDB_TYPES[kind]))
    return tuple(out)


def _names(columns: tuple[tuple[str, str], ...]) -> str:
    """Column names for an INSERT: by name, since a migrated table has them in another order."""
    return ", ".join(f'"{c}"' for c, _ in columns)


TARGET_COLUMNS = _columns(Target, TARGET_FIELDS)
PLAN_COLUMNS = _columns(Plan, tuple(n for n in scalar_fields(Plan) if n != "sha256"))  # sha256 is the key

DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY, status VARCHAR, input VARCHAR, extractor_version VARCHAR,
        runner VARCHAR, workers INTEGER, chunk_size INTEGER, chunks INTEGER,
        started_at TIMESTAMP, finished_at TIMESTAMP, seconds DOUBLE, scan_seconds DOUBLE,
        documents INTEGER, processed INTEGER, skipped INTEGER, duplicates INTEGER, failed INTEGER,
        targets INTEGER, docs_per_second DOUBLE, error VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS documents (
        sha256 VARCHAR PRIMARY KEY, size_bytes BIGINT, first_name VARCHAR, status VARCHAR,
        reason VARCHAR, extractor_version VARCHAR, run_id VARCHAR, seconds DOUBLE, updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS names (
        sha256 VARCHAR, name VARCHAR, run_id VARCHAR, PRIMARY KEY (sha256, name))""",
    "CREATE TABLE IF NOT EXISTS plans (sha256 VARCHAR PRIMARY KEY, "
    + ", ".join(f'"{c}" {t}' for c, t in PLAN_COLUMNS)
    + ", n_targets INTEGER, run_id VARCHAR, extracted_at TIMESTAMP, record JSON)",
    # No key index on targets: (sha256, ordinal) is kept unique by replacing a plan's
    # targets in the transaction that replaces the plan, and an index would slow bulk inserts.
    "CREATE TABLE IF NOT EXISTS targets (sha256 VARCHAR, ordinal INTEGER, "
    + ", ".join(f'"{c}" {t}' for c, t in TARGET_COLUMNS)
    + ")",
    """CREATE TABLE IF NOT EXISTS failures (
        run_id VARCHAR, name VARCHAR, sha256 VARCHAR, reason VARCHAR, failed_at TIMESTAMP)""",
    # The numbers each plan's extraction dropped and why (pipeline/drops.py), replaced with its plan.
    """CREATE TABLE IF NOT EXISTS drops (
        sha256 VARCHAR, ordinal INTEGER, "start" INTEGER, "end" INTEGER, number VARCHAR, rule VARCHAR,
        reason VARCHAR)""",
]
TABLES = ("runs", "documents", "names", "plans", "targets", "failures", "versions", "drops")
# Added to a store made by an earlier chitieu, in the same transaction that checks its tables.
MIGRATIONS = [f'ALTER TABLE plans ADD COLUMN IF NOT EXISTS "{c}" {t}' for c, t in PLAN_COLUMNS] + [
    f'ALTER TABLE targets ADD COLUMN IF NOT EXISTS "{c}" {t}' for c, t in TARGET_COLUMNS]


def disk_full(exc: BaseException) -> bool:
    """Whether a write failed for want of space (ENOSPC, or over the file-size limit: EFBIG)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG):
        return True
    text = str(exc).lower()
    return "no space left on device" in text or "file too large" in text


class StoreError(ChitieuError):
    """The store cannot be opened or used (locked by another run, newer schema, not DuckDB)."""


class StoreFull(StoreError):
    """The disk holding the store is full: the run stops, and nothing is blamed on a document."""


def utcnow() -> dt.datetime:
    """Naive UTC timestamps: DuckDB's TIMESTAMPTZ would need pytz to read back."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def plan_text(plan: Plan) -> str:
    """A plan record as stored and exported: the JSON `chitieu extract` writes, on one line."""
    return json.dumps(plan.to_json(), ensure_ascii=False)


def record_of(outcome: Outcome) -> str | None:
    """The outcome's plan as stored: the JSON text it travelled as, or made from its plan."""
    if outcome.record is not None:
        return outcome.record
    return plan_text(outcome.plan) if outcome.plan is not None else None


_HEAD = ("name", "status", "reason", "seconds", "sha256", "size", "targets")


def pack(outcomes: Sequence[Outcome]) -> bytes:
    """A chunk's outcomes as compressed lines, the form they travel in from a worker.

    Each outcome is one JSON line of its fields, followed by a line with its plan's JSON
    text when it has one: the plan is serialised once, here, and parsed once, by the store
    (`_write_plans`), never nested as a string inside another JSON document. JSON text
    holds no raw newline, so the lines split safely. Plan records compress about 10:1
    (a 250-document chunk, measured when plans still travelled as escaped strings inside
    one JSON list: 4.9 MB of JSON, 0.5 MB packed, 13 ms to pack). Returned as
    plain strings through Prefect's process-pool runner, which pickles results twice and
    unpickles them in the flow's process, the flow's process grew from 370 MB to 1.1 GB
    over 10,000 documents; packed, it stays between 430 and 545 MB.
    """
    lines: list[str] = []
    for o in outcomes:
        record = record_of(o)
        head = {k: getattr(o, k) for k in _HEAD}
        lines.append(json.dumps({**head, "status": o.status.value, "record": record is not None,
                                 "drops": o.drops is not None}, ensure_ascii=False))
        if record is not None:
            lines.append(record)
        if o.drops is not None:
            lines.append(o.drops.to_text())
    return zlib.compress("\n".join(lines).encode("utf-8"), 1)


def unpack(data: bytes) -> list[Outcome]:
    """The outcomes `pack` made, each plan kept as its JSON text (`Outcome.record`)."""
    text = zlib.decompress(data).decode("utf-8")
    lines = iter(text.split("\n") if text else [])
    outcomes = []
    for line in lines:
        head = json.loads(line)
        record = next(lines) if head.pop("record") else None
        drops = DocumentDrops.from_json(json.loads(next(lines))) if head.pop("drops", False) else None
        head["status"] = Status(head["status"])
        outcomes.append(Outcome(**head, record=record, drops=drops))
    return outcomes


class Store:
    """A DuckDB store; open it with `Store.open(path)` and use it as a context manager."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    @classmethod
    def open(cls, path: Path, read_only: bool = False) -> Store:
        """Open (or create) the store; refuse a locked, newer or foreign file in one line."""
        if read_only and not path.is_file():
            raise StoreError(f"{path}: no such store")
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # never fetch an extension from the network (a query of 'https://…' would)
            con = duckdb.connect(str(path), read_only=read_only, config={"autoinstall_known_extensions": False})
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(f"{path}: store is in use by another process (one writer at a time)") from exc
            raise StoreError(f"{path}: cannot open store: {exc}") from exc
        except duckdb.Error as exc:
            raise StoreError(f"{path}: cannot open store: {exc}") from exc
        if not read_only:
            # The writer shares the machine with the extraction workers: one thread, and a
            # bounded cache (DuckDB would otherwise keep up to 80 % of RAM of written pages).
            con.execute(f"SET threads = 1; SET memory_limit = '{WRITER_MEMORY}'")
        store = cls(con, path)
        if read_only:
            store._check_schema()
            if not store.has_versions():  # made before the views: give them for this session only
                try:
                    current.create_temporary(con)
                except duckdb.Error as exc:
                    store.close()
                    raise StoreError(f"{path}: this store predates the analyst views and they cannot be made "
                                     f"for it ({one_line(exc)}); any `chitieu run --store` on it upgrades it") from exc
        else:
            store._create()
        return store

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close and drop the connection: a traceback that keeps this Store alive (a failed
        flow run's state does) must not keep a DuckDB object alive until exit, where the
        bindings report it as a leak."""
        if hasattr(self, "con"):
            # On a full disk the closing checkpoint fails; what was committed is in the WAL.
            with contextlib.suppress(duckdb.Error):
                self.con.close()
            del self.con

    def _create(self) -> None:
        self.con.begin()
        for statement in DDL + MIGRATIONS:
            self.con.execute(statement)
        self.con.execute(  # a new store; an older one keeps its number until upgraded below
            "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING", [str(SCHEMA_VERSION)]
        )
        self._check_schema()
        current.create(self.con)
        self.con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [str(SCHEMA_VERSION)],
        )
        self.con.commit()

    def _check_schema(self) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException as exc:
            raise StoreError(f"{self.path}: not a chitieu store") from exc
        if row is None or int(row[0]) > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema {row and row[0]} is newer than this chitieu ({SCHEMA_VERSION})")

    # --- runs ---------------------------------------------------------------------------

    def begin_run(self, input_name: str, extractor_version: str, runner: str, workers: int) -> str:
        """Record a new run; runs left 'running' by a killed process are marked interrupted."""
        run_id = uuid.uuid4().hex
        self.con.begin()
        self.con.execute(
            "UPDATE runs SET status = 'interrupted' WHERE status = 'running'"
        )  # safe: DuckDB's file lock means no other process is writing now
        self.con.execute(
            "INSERT INTO runs (run_id, status, input, extractor_version, runner, workers, started_at) "
            "VALUES (?, 'running', ?, ?, ?, ?, ?)",
            [run_id, input_name, extractor_version, runner, workers, utcnow()],
        )
        self.con.commit()
        return run_id

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any], error: str | None = None) -> None:
        """Close the run's row with its counts and timings."""
        keys = ("runner", "workers", "chunk_size", "chunks", "seconds", "scan_seconds", "documents",
                "processed", "skipped", "duplicates", "failed", "targets", "docs_per_second")
        present = [k for k in keys if k in summary]
        sets = ", ".join(f"{k} = ?" for k in present)
        self.con.execute(
            f"UPDATE runs SET status = ?, finished_at = ?, error = ?{', ' + sets if sets else ''} WHERE run_id = ?",
            [status, utcnow(), error, *(summary[k] for k in present), run_id],
        )

    # --- reading ------------------------------------------------------------------------

    def stored(self, shas: Sequence[str], extractor_version: str) -> dict[str, int]:
        """Of these documents, those with a plan from this extractor version, and their target counts."""
        if not shas:
            return {}
        rows = self.con.execute(
            "SELECT sha256, n_targets FROM plans WHERE extractor_version = ? "
            "AND sha256 IN (SELECT unnest(?::VARCHAR[]))",
            [extractor_version, list(shas)],
        ).fetchall()
        return {sha: n for sha, n in rows}

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of one SQL statement (read-only stores refuse writes)."""
        try:
            cursor = self.con.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            return columns, cursor.fetchall() if columns else []
        except duckdb.Error as exc:
            raise StoreError(one_line(exc)) from exc

    def plan_records(self) -> dict[str, dict[str, Any]]:
        """Every stored plan record keyed by sha256 (tests and comparisons)."""
        rows = self.con.execute("SELECT sha256, record FROM plans ORDER BY sha256").fetchall()
        return {sha: json.loads(record) for sha, record in rows}

    def has_versions(self) -> bool:
        """True when the store keeps document versions (written by a chitieu with schema 2+)."""
        row = self.con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'current_targets'").fetchone()
        return bool(row and row[0])

    # --- writing ------------------------------------------------------------------------

    def record_versions(self, run_id: str, root: str, pairs: Sequence[tuple[str, str]]) -> int:
        """(doc_id, sha256) pairs this run found with a stored plan; returns how many were superseded."""
        return current.record(self.con, run_id, root, pairs, utcnow())

    def quality(self, run_id: str, root: str) -> dict[str, Any]:
        """Measure this run's data-quality summary (pipeline/store/quality.py) and keep it with the run."""
        result = current.run_quality(self.con, run_id, root)
        current.store_quality(self.con, run_id, result)
        return result

    def mark_removed(self, run_id: str, root: str, keep: Sequence[str] = ()) -> int:
        """After a completed run: documents of `root` it did not find are removed; returns how many.

        `keep` names ids the run found but could not read or extract: still in the input.
        """
        return current.mark_removed(self.con, run_id, root, utcnow(), keep)

    def add_names(self, run_id: str, pairs: Sequence[tuple[str, str]]) -> None:
        """Remember every name a document was seen under (in one transaction)."""
        if not pairs:
            return
        shas, names = zip(*pairs, strict=True)
        self.con.execute(
            "INSERT INTO names SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ?) "
            "ON CONFLICT DO NOTHING",
            [list(shas), list(names), run_id],
        )

    def add_failures(self, run_id: str, rows: Sequence[tuple[str, str | None, str]]) -> None:
        """Failures found before extraction (refused zip members, unreadable files)."""
        if not rows:
            return
        names, shas, reasons = zip(*rows, strict=True)
        self.con.execute(
            "INSERT INTO failures SELECT * FROM (SELECT ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
            "unnest(?::VARCHAR[]), ?)",
            [run_id, list(names), list(shas), list(reasons), utcnow()],
        )

    def write_outcomes(self, run_id: str, outcomes: Sequence[Outcome], extractor_version: str) -> list[Outcome]:
        """Write a chunk of outcomes in one transaction and return them as stored.

        Plans were validated by `schemas/` where they were made (the worker checks that it
        runs the same extractor version), so they are only parsed here, not validated again
        (that would double the flow process's share of the work).  If the chunk cannot be
        stored, each document is tried alone, and one that still cannot is stored as a
        failure with its reason.
        """
        try:
            self._write_chunk(run_id, outcomes, extractor_version)
            return list(outcomes)
        except (duckdb.Error, ValueError, KeyError, TypeError) as exc:  # a malformed record, or DuckDB refusing it
            if disk_full(exc):  # not the documents' fault: no failure is recorded, the run stops
                raise StoreFull(f"store: no space left on device ({self.path}); free some space and run "
                                "again to resume") from exc
            if len(outcomes) == 1:
                reason = "cannot store the plan: " + " ".join(str(exc).split())[:200]
                failed = [dataclasses.replace(outcomes[0], status=Status.FAILED, reason=reason, targets=0,
                                              plan=None, record=None)]
                self._write_chunk(run_id, failed, extractor_version)
                return failed
        return [o for one in outcomes for o in self.write_outcomes(run_id, [one], extractor_version)]

    def _write_chunk(self, run_id: str, outcomes: Sequence[Outcome], extractor_version: str) -> None:
        now = utcnow()
        self.con.begin()
        try:
            self._write_documents(run_id, outcomes, extractor_version, now)
            self.add_names(run_id, [(o.sha256, o.name) for o in outcomes if o.sha256])
            self.add_failures(run_id, [(o.name, o.sha256, o.reason or "") for o in outcomes if o.failed])
            plans = [o for o in outcomes if not o.failed and record_of(o) is not None]
            for i in range(0, len(plans), INSERT_BATCH):  # one transaction, bounded statements
                self._write_plans(run_id, plans[i : i + INSERT_BATCH], now)
            self.con.commit()
        except BaseException:
            # After an I/O error DuckDB may have ended the transaction itself; the rollback's
            # own "no transaction is active" must not hide the error that matters.
            with contextlib.suppress(duckdb.Error):
                self.con.rollback()
            raise

    def _write_documents(self, run_id: str, outcomes: Sequence[Outcome], version: str, now: dt.datetime) -> None:
        rows = [o for o in outcomes if o.sha256]
        if not rows:
            return
        self.con.execute(
            """INSERT INTO documents SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[]),
                   unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ?, ?,
                   unnest(?::DOUBLE[]), ?)
               ON CONFLICT (sha256) DO UPDATE SET status = excluded.status, reason = excluded.reason,
                   extractor_version = excluded.extractor_version, run_id = excluded.run_id,
                   seconds = excluded.seconds, updated_at = excluded.updated_at""",
            [
                [o.sha256 for o in rows],
                [o.size for o in rows],
                [o.name for o in rows],
                [o.status.value for o in rows],
                [o.reason for o in rows],
                version,
                run_id,
                [o.seconds for o in rows],
                now,
            ],
        )

    def _write_plans(self, run_id: str, plans: Sequence[Outcome], now: dt.datetime) -> None:
        """Replace these documents' plans and targets, a column at a time."""
        shas = [o.sha256 for o in plans]
        texts = [record_of(o) or "" for o in plans]
        records = [json.loads(text) for text in texts]  # the one parse of a plan on its way in
        self.con.execute("DELETE FROM targets WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [shas])
        self.con.execute("DELETE FROM drops WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [shas])
        self.con.execute("DELETE FROM plans WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [shas])
        plan_cols = ", ".join(f"unnest(?::{t}[])" for _, t in PLAN_COLUMNS)
        self.con.execute(
            f"INSERT INTO plans (sha256, {_names(PLAN_COLUMNS)}, n_targets, run_id, extracted_at, record) "
            f"SELECT * FROM (SELECT unnest(?::VARCHAR[]), {plan_cols}, unnest(?::INTEGER[]), ?, ?, unnest(?::JSON[]))",
            [shas, *([r.get(c) for r in records] for c, _ in PLAN_COLUMNS), [len(r["targets"]) for r in records],
             run_id, now, texts],
        )
        t_sha: list[str | None] = []
        t_ord: list[int] = []
        columns: dict[str, list[Any]] = {c: [] for c, _ in TARGET_COLUMNS}
        for sha, record in zip(shas, records, strict=True):
            for i, target in enumerate(record["targets"]):
                t_sha.append(sha)
                t_ord.append(i)
                for c, _ in TARGET_COLUMNS:
                    value = target.get(c)
                    columns[c].append(json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value)
        if t_sha:
            target_cols = ", ".join(f"unnest(?::{t}[])" for _, t in TARGET_COLUMNS)
            self.con.execute(
                f"INSERT INTO targets (sha256, ordinal, {_names(TARGET_COLUMNS)}) "
                f"SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::INTEGER[]), {target_cols})",
                [t_sha, t_ord, *(columns[c] for c, _ in TARGET_COLUMNS)],
            )
        self._write_drops(plans)

    def _write_drops(self, plans: Sequence[Outcome]) -> None:
        """The drops of these plans (outcomes that carry none, e.g. from an older worker, add no rows)."""
        rows = [(o.sha256, i, d) for o in plans if o.drops is not None for i, d in enumerate(o.drops.drops)]
        if not rows:
            return
        self.con.execute(
            'INSERT INTO drops (sha256, ordinal, "start", "end", number, rule, reason) SELECT * FROM (SELECT '
            "unnest(?::VARCHAR[]), unnest(?::INTEGER[]), unnest(?::INTEGER[]), unnest(?::INTEGER[]), "
            "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]))",
            [[r[0] for r in rows], [r[1] for r in rows], [r[2].start for r in rows], [r[2].end for r in rows],
             [r[2].text for r in rows], [r[2].rule for r in rows], [r[2].reason for r in rows]],
        )
