"""The README's watch deployment, for real: `prefect server start`, a process work pool, a
deployment of `watch_flow` on a schedule over a local portal, and a worker.

Opt-in like tests/test_batch_server.py (it takes ~40 s): `CHITIEU_SERVER_TEST=1
.venv/bin/python -m pytest tests/test_web_deployment.py`.  The portal, the Prefect server
and the worker all listen on 127.0.0.1 and are stopped at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from test_ingest_render import OFFICIAL_PARAGRAPHS, portal_html

from tests.conftest import ROOT
from tests.test_batch_server import PREFECT, runs, server, stop, wait_for  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(os.environ.get("CHITIEU_SERVER_TEST") != "1",
                                reason="starts a Prefect server, a worker and a deployment (~40 s); "
                                       "set CHITIEU_SERVER_TEST=1")
INTERVAL = 10


def test_a_scheduled_watch_deployment_extracts_new_articles_only(
    tmp_path: Path, server: dict[str, str], site: HTTPServer  # noqa: F811  (the imported fixture)
) -> None:
    paras = list(OFFICIAL_PARAGRAPHS[1:])
    site.expect_request("/tin-tuc").respond_with_data(
        '<ul class="news"><li><a href="/tin-tuc/a.html">A</a></li></ul>', content_type="text/html")
    site.expect_request("/tin-tuc/a.html").respond_with_data(portal_html(paras), content_type="text/html")
    sources = tmp_path / "sources.yaml"
    sources.write_text(json.dumps({"sources": [{"name": "Cổng thử", "province": "Hải Dương",
                                                "listings": [site.url_for("/tin-tuc")],
                                                "articles": {"css": ".news a"}}]}, ensure_ascii=False))
    store = tmp_path / "web.duckdb"

    def prefect(*args: str) -> None:
        subprocess.run([*PREFECT, *args], env=server, cwd=ROOT, check=True, capture_output=True, timeout=120)

    prefect("work-pool", "create", "chitieu", "--type", "process")
    prefect("--no-prompt", "deploy", "flows.py:watch_flow", "--name", "portals", "--pool", "chitieu",
            "--interval", str(INTERVAL), "--param", f"sources={sources}", "--param", f"store={store}",
            "--param", "host_delay=0")
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen([*PREFECT, "worker", "start", "--pool", "chitieu"], env=server, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: any(r == ("completed", 1, 0) for r in runs(store)), "the first scheduled watch")
        wait_for(lambda: any(r == ("completed", 0, 1) for r in runs(store)), "a run that finds nothing new")
    finally:
        stop(worker)
        log.close()
