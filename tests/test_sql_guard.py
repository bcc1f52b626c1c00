"""`chitieu query` runs one reading statement; anything else is refused before it runs (issue 15.4)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.store.sql_guard import QueryRefused, one_line, reading_statement


@pytest.fixture()
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("CREATE TABLE targets AS SELECT 1 AS value")
    return c


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) FROM targets",
        "select value from targets;",
        "WITH t AS (SELECT 1 AS v) SELECT v FROM t",
        "FROM targets",
        "DESCRIBE targets",
        "SHOW TABLES",
        "SUMMARIZE targets",
        "SELECT * FROM pragma_table_info('targets')",
        "EXPLAIN SELECT * FROM targets",
        "EXPLAIN ANALYZE SELECT * FROM targets",
        "-- a comment first\nSELECT 1",
    ],
)
def test_a_reading_statement_is_run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    statement = reading_statement(con, sql)
    assert con.execute(statement).fetchall()


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELECT 1; SELECT 2", "2 statements given: give one"),
        ("SELECT 1; DELETE FROM targets", "2 statements given"),
        ("COPY (SELECT 1) TO 'out.csv'", "COPY writes or reads files"),
        ("COPY targets FROM 'in.csv'", "COPY writes or reads files"),
        ("EXPLAIN ANALYZE COPY (SELECT 1) TO 'out.csv'", "COPY writes"),  # EXPLAIN ANALYZE runs it
        ("EXPORT DATABASE 'dump'", "EXPORT DATABASE writes files"),
        ("ATTACH 'other.duckdb'", "ATTACH opens another database"),
        ("INSTALL httpfs", "INSTALL/LOAD"),
        ("LOAD httpfs", "INSTALL/LOAD"),
        ("SET threads = 1", "SET/RESET/USE"),
        ("PRAGMA enable_profiling", "PRAGMA can change settings"),
        ("CALL duckdb_tables()", "CALL runs a procedure"),
        ("DELETE FROM targets", "DELETE writes: the store is read-only"),
        ("INSERT INTO targets VALUES (2)", "INSERT writes"),
        ("UPDATE targets SET value = 2", "UPDATE writes"),
        ("CREATE TEMP TABLE x AS SELECT 1", "CREATE writes"),
        ("DROP TABLE targets", "DROP writes"),
        ("BEGIN TRANSACTION", "transactions are not needed"),
        ("", "no SQL statement given"),
        ("  -- only a comment", "no SQL statement given"),
    ],
)
def test_anything_else_is_refused_with_its_reason_before_it_runs(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sql: str, reason: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(QueryRefused) as refused:
        reading_statement(con, sql)
    assert reason in str(refused.value) and "\n" not in str(refused.value)
    assert list(tmp_path.iterdir()) == []  # nothing written
    assert con.execute("SELECT count(*) FROM targets").fetchall() == [(1,)]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELEC 1", 'Parser Error: syntax error at or near "SELEC" (line 1, column 1)'),
        ("SELECT 1,\n  nope FROM targets", ('Referenced column "nope" not found in FROM clause! '
                                            'Candidate bindings: "value" (line 2, column 3)')),
        ("SELECT 'a'::INT", "Could not convert string 'a' to INT32 (line 1, column 11)"),
    ],
)
def test_a_duckdb_error_is_one_line_with_its_position(con: duckdb.DuckDBPyConnection, sql: str, message: str) -> None:
    with pytest.raises(duckdb.Error) as error:
        con.execute(sql)
    text = one_line(error.value)
    assert message in text and "\n" not in text and "^" not in text


def test_a_syntax_error_is_refused_as_the_same_one_line() -> None:
    with pytest.raises(QueryRefused, match=r'^Parser Error: syntax error at or near "SELEC" \(line 1, column 1\)$'):
        reading_statement(duckdb.connect(), "SELEC 1")


REMOTE_READS = [
    ("SELECT * FROM 'https://example.org/targets.parquet'", "https://example.org/targets.parquet"),
    ("FROM 'http://example.org/t.csv' LIMIT 3", "http://example.org/t.csv"),
    ("SELECT count(*) FROM read_parquet('s3://bucket/targets.parquet')", "s3://bucket/targets.parquet"),
    ("SELECT * FROM read_csv(['local.csv', 'gs://bucket/t.csv'])", "gs://bucket/t.csv"),
    ("WITH t AS (SELECT * FROM read_json_auto('hf://datasets/x/y.json')) SELECT * FROM t", "hf://datasets/x/y.json"),
    ("DESCRIBE 'https://example.org/t.parquet'", "https://example.org/t.parquet"),
    ("SUMMARIZE SELECT * FROM 'HTTPS://example.org/t.parquet'", "HTTPS://example.org/t.parquet"),
    ("EXPLAIN SELECT * FROM 'https://example.org/t.parquet'", "https://example.org/t.parquet"),
    ("SELECT * FROM targets JOIN 'az://box/t.parquet' USING (value)", "az://box/t.parquet"),
]


@pytest.mark.parametrize(("sql", "url"), REMOTE_READS)
def test_a_remote_file_is_refused_in_one_line_naming_it(con: duckdb.DuckDBPyConnection, sql: str, url: str) -> None:
    with pytest.raises(QueryRefused) as refused:
        reading_statement(con, sql)
    assert str(refused.value) == (f"{url}: remote files are not read by `chitieu query`; download it first "
                                  "(e.g. curl -O) and query the local file")


@pytest.mark.parametrize("sql", [
    "SELECT 'https://example.org/a' AS url",
    "SELECT * FROM targets WHERE 'https://example.org/x' LIKE 'https://%'",
    "SELECT count(*) FROM targets WHERE value IN (SELECT 1 WHERE 's3://b/k' <> '')",
])
def test_a_url_only_mentioned_is_still_a_query(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    assert con.execute(reading_statement(con, sql)).fetchall()


def test_a_local_file_is_still_read(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "https_example.csv"
    path.write_text("value\n7\n", encoding="utf-8")
    assert con.execute(reading_statement(con, f"SELECT * FROM '{path}'")).fetchall() == [(7,)]


def test_query_refuses_a_remote_file_before_running_anything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """No network: the refusal comes from the guard, before the store runs any statement."""
    from pipeline.cli import main
    from pipeline.store.db import Store

    Store.open(tmp_path / "s.duckdb").close()

    def no_run(*_: object) -> None:
        raise AssertionError("the query ran")

    monkeypatch.setattr(Store, "query", no_run)
    url = "https://example.org/comparison.parquet"
    assert main(["query", "--store", str(tmp_path / "s.duckdb"), f"SELECT * FROM '{url}'"]) == 1
    err = capsys.readouterr().err
    assert err == f"chitieu query: {url}: remote files are not read by `chitieu query`; download it first " \
                  "(e.g. curl -O) and query the local file\n"
