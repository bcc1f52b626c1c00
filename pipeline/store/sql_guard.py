"""`chitieu query` runs one reading statement: a guard in front of DuckDB, and its errors on one line.

Why: a store opened read-only still lets DuckDB run `COPY … TO` (it writes a file),
`EXPORT DATABASE`, `ATTACH` (opens or creates another database), `INSTALL`/`LOAD`
(downloads and loads code), `SET`/`PRAGMA` (changes settings, can write profiling files),
and `EXPLAIN ANALYZE` of any of these (which runs it); and given several statements it
runs them all but prints only the last.  An analyst's query is one SELECT (with `WITH`,
`FROM …`, `DESCRIBE`, `SHOW`, `SUMMARIZE`, reading Parquet/CSV files) or its EXPLAIN; the
guard parses the text with DuckDB's own parser and refuses anything else in one line
saying why, before anything runs.  A query reading a remote file (`FROM 'https://…'`,
`read_parquet('s3://…')`) is refused too: DuckDB would need its httpfs extension, which a
query may not install, and would answer with its own "INSTALL httpfs" advice; the analyst
downloads the file and reads it from disk.  DuckDB's multi-line messages (a `LINE 1: …` excerpt
with a caret under it) become one line with the position as line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import duckdb

from pipeline.errors import ChitieuError

ST = duckdb.StatementType


class QueryRefused(ChitieuError):
    """The SQL is not one reading statement."""


# Why each kind of statement is refused (the types DuckDB's parser names).
REFUSED: dict[ST, str] = {
    ST.COPY: "COPY writes or reads files into tables: export with `chitieu export`, or redirect the output",
    ST.EXPORT: "EXPORT DATABASE writes files: use `chitieu export --store S --format parquet --out DIR`",
    ST.COPY_DATABASE: "COPY FROM DATABASE writes a database",
    ST.ATTACH: "ATTACH opens another database: query only this store (read Parquet/CSV files with FROM 'file')",
    ST.DETACH: "DETACH changes the open databases",
    ST.LOAD: "INSTALL/LOAD fetch and load extensions: not allowed in a query",
    ST.EXTENSION: "extensions cannot be managed from a query",
    ST.SET: "SET/RESET/USE change settings: not allowed in a query",
    ST.VARIABLE_SET: "SET VARIABLE changes settings: not allowed in a query",
    ST.PRAGMA: "PRAGMA can change settings or write files: use DESCRIBE, SHOW TABLES or "
               "SELECT * FROM pragma_table_info('targets')",
    ST.CALL: "CALL runs a procedure: use SELECT * FROM the function instead (e.g. SELECT * FROM duckdb_tables())",
    ST.TRANSACTION: "transactions are not needed: the store is read-only",
    ST.PREPARE: "PREPARE/EXECUTE are not supported: write the values into the query",
    ST.EXECUTE: "PREPARE/EXECUTE are not supported: write the values into the query",
    ST.VACUUM: "VACUUM writes to the store",
    ST.ANALYZE: "ANALYZE writes statistics to the store",
}
WRITES = (ST.INSERT, ST.UPDATE, ST.DELETE, ST.CREATE, ST.CREATE_FUNC, ST.ALTER, ST.DROP, ST.MERGE_INTO)
E_WRITE = "{kind} writes: the store is read-only to queries (`chitieu run --store` writes it)"
E_SEVERAL = "{n} statements given: give one (a query prints one table; several would run and show only the last)"
E_EMPTY = "no SQL statement given"
_EXPLAIN = re.compile(r"\s*EXPLAIN(\s+ANALY[SZ]E)?\b", re.IGNORECASE)
_CARET_LINE = re.compile(r"^LINE (\d+): (.*)$")
# URL schemes DuckDB reads through an extension (httpfs, azure, the Hugging Face file system)
_REMOTE = re.compile(r"^\s*(?:https?|s3[an]?|gcs|gs|r2|azure|az|abfss?|hf|ftp)://", re.IGNORECASE)
_QUOTED = re.compile(r"'((?:[^']|'')*)'")
E_REMOTE = ("{url}: remote files are not read by `chitieu query`; download it first "
            "(e.g. curl -O) and query the local file")


def one_line(exc: duckdb.Error) -> str:
    """DuckDB's message on one line; its `LINE n:` excerpt and caret become `(line n, column c)`."""
    lines = [x for x in str(exc).splitlines() if x.strip()]
    message: list[str] = []
    position = ""
    for i, line in enumerate(lines):
        match = _CARET_LINE.match(line)
        if match and i + 1 < len(lines) and lines[i + 1].lstrip().startswith("^"):
            column = lines[i + 1].index("^") - (len(line) - len(match.group(2))) + 1
            position = f" (line {match.group(1)}, column {max(column, 1)})"
            break
        message.append(line.strip())
    text = " ".join(message).rstrip()
    return f"{text}{position}" if text else (position.strip(" ()") or type(exc).__name__)


def reading_statement(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The one reading statement in `sql`, or QueryRefused with the reason (nothing is run)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(one_line(exc)) from exc
    if not statements:
        raise QueryRefused(E_EMPTY)
    if len(statements) > 1:
        raise QueryRefused(E_SEVERAL.format(n=len(statements)))
    statement = statements[0]
    kind = statement.type
    if kind == ST.EXPLAIN:  # EXPLAIN ANALYZE runs its statement: judge that one
        inner = _EXPLAIN.sub("", statement.query, count=1)
        reading_statement(con, inner)
        return statement.query
    if kind == ST.SELECT:
        remote = remote_file(con, statement.query)
        if remote is not None:
            raise QueryRefused(E_REMOTE.format(url=remote))
        return statement.query
    if kind in WRITES:
        raise QueryRefused(E_WRITE.format(kind=kind.name.replace("_", " ")))
    raise QueryRefused(REFUSED.get(kind, f"{kind.name} statements are not allowed in a query"))


def _tables(node: Any) -> Iterator[dict[str, Any]]:
    """Every table reference (a table, a file, a table function) anywhere in a parsed statement."""
    if isinstance(node, dict):
        if node.get("type") in ("BASE_TABLE", "TABLE_FUNCTION"):
            yield node
        for value in node.values():
            yield from _tables(value)
    elif isinstance(node, list):
        for value in node:
            yield from _tables(value)


def _strings(node: Any) -> Iterator[str]:
    """Every string constant below `node` (a table function's arguments)."""
    if isinstance(node, dict):
        literal = node.get("literal")
        if node.get("class") == "CONSTANT" and isinstance(literal, dict) and isinstance(literal.get("text"), str):
            yield literal["text"]
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def remote_file(con: duckdb.DuckDBPyConnection, sql: str) -> str | None:
    """The first remote URL one reading statement reads as a table (not one it only mentions), if any.

    DuckDB's own parser gives the statement as JSON (`json_serialize_sql`, which runs nothing):
    a remote URL counts where a table is read (`FROM 'https://…'`) or as a table function's
    argument (`read_csv('s3://…')`), so `WHERE url LIKE 'https://%'` is still a query.
    A statement the serialiser cannot give is searched as text for a quoted remote URL.
    """
    try:
        row = con.execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchone()
        tree = json.loads(row[0]) if row else {"error": True}
    except (duckdb.Error, ValueError):
        tree = {"error": True}
    if tree.get("error"):
        return next((q for q in (m.group(1) for m in _QUOTED.finditer(sql)) if _REMOTE.match(q)), None)
    for table in _tables(tree.get("statements", [])):
        names = [table.get("table_name", "")] if table["type"] == "BASE_TABLE" else list(_strings(table.get("function")))
        for name in names:
            if isinstance(name, str) and _REMOTE.match(name):
                return name.strip()
    return None
