"""The store's `fetches` table: what each URL last returned, for conditional GETs and provenance.

One row per URL: its final URL, status, the sha256 of the body (kept in the raw folder),
media type, `ETag`/`Last-Modified`, all response headers (JSON), when it was fetched and
last checked, what kind of page it is (listing, feed, sitemap, page, attachment, robots),
its publisher, the article it hangs on, and the last failure's reason.  A failure never
overwrites the validators and sha of the last good fetch, so a portal that is down for a
day costs nothing that was stored.

The table is read once into memory at the start of a run (fetch threads read that copy)
and written only from the run's own thread, as DuckDB connections are not shared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from pipeline.store.db import utcnow
from pipeline.web.fetch import Cached, FetchResult
from pipeline.web.raw import RawStore

DDL = """CREATE TABLE IF NOT EXISTS fetches (
    url VARCHAR PRIMARY KEY, final_url VARCHAR, status INTEGER, sha256 VARCHAR, media_type VARCHAR,
    etag VARCHAR, last_modified VARCHAR, headers JSON, fetched_at TIMESTAMP, checked_at TIMESTAMP,
    kind VARCHAR, publisher VARCHAR, province VARCHAR, parent_url VARCHAR, run_id VARCHAR, reason VARCHAR)"""


@dataclass(frozen=True)
class FetchRow:
    """What a run learnt about one URL."""

    url: str
    kind: str
    run_id: str
    result: FetchResult | None = None
    sha256: str | None = None
    media_type: str | None = None
    reason: str | None = None
    publisher: str | None = None
    province: str | None = None
    parent_url: str | None = None


class FetchLog:
    """The `fetches` table as a `FetchCache`: validators by URL, bodies from the raw folder."""

    def __init__(self, con: duckdb.DuckDBPyConnection, raw: RawStore) -> None:
        self.con = con
        self.raw = raw
        con.execute(DDL)
        rows = con.execute(
            "SELECT url, etag, last_modified, sha256 FROM fetches WHERE sha256 IS NOT NULL").fetchall()
        self._cached = {url: Cached(etag, modified, sha) for url, etag, modified, sha in rows}

    def cached(self, url: str) -> Cached | None:
        return self._cached.get(url)

    def body(self, sha256: str) -> bytes | None:
        return self.raw.get(sha256)

    def record(self, row: FetchRow) -> None:
        """Upsert one URL's row; a failure keeps the last good fetch's columns."""
        now = utcnow()
        if row.result is None:
            self.con.execute(
                """INSERT INTO fetches (url, checked_at, kind, publisher, province, parent_url, run_id, reason)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET checked_at = excluded.checked_at, run_id = excluded.run_id,
                       reason = excluded.reason""",
                [row.url, now, row.kind, row.publisher, row.province, row.parent_url, row.run_id, row.reason],
            )
            return
        r = row.result
        headers = r.headers
        etag = headers.get("etag")
        modified = headers.get("last-modified")
        if r.unchanged:  # a 304 may omit the validators; keep the ones we sent
            known = self._cached.get(row.url)
            etag = etag or (known.etag if known else None)
            modified = modified or (known.last_modified if known else None)
        self.con.execute(
            """INSERT INTO fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?::JSON, ?, ?, ?, ?, ?, ?, ?, NULL)
               ON CONFLICT (url) DO UPDATE SET final_url = excluded.final_url, status = excluded.status,
                   sha256 = excluded.sha256, media_type = excluded.media_type, etag = excluded.etag,
                   last_modified = excluded.last_modified, headers = excluded.headers,
                   fetched_at = excluded.fetched_at, checked_at = excluded.checked_at, kind = excluded.kind,
                   publisher = excluded.publisher, province = excluded.province,
                   parent_url = excluded.parent_url, run_id = excluded.run_id, reason = NULL""",
            [row.url, r.final_url, r.status, row.sha256, row.media_type, etag, modified,
             json.dumps(headers, ensure_ascii=False), now, now, row.kind, row.publisher, row.province,
             row.parent_url, row.run_id],
        )
        if row.sha256:
            self._cached[row.url] = Cached(etag, modified, row.sha256)
