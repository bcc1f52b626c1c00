"""The README's team setup, for real: `prefect server start`, a process work pool, a
deployment of `batch_flow` on a schedule over an inbox folder, and a worker.

It takes about 35 s (the server alone needs ~8 s with a fresh database), so it is not
part of the default suite: run it with `CHITIEU_SERVER_TEST=1 .venv/bin/python -m pytest
tests/test_batch_server.py`.  Everything listens on 127.0.0.1 and is stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.store.db import Store, StoreError
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.skipif(os.environ.get("CHITIEU_SERVER_TEST") != "1",
                                reason="starts a Prefect server, a worker and a deployment (~35 s); "
                                       "set CHITIEU_SERVER_TEST=1")
PREFECT = [sys.executable, "-m", "prefect"]
INTERVAL = 10  # seconds between scheduled runs
DEADLINE = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(1)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, str]]:
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_LOGGING_LEVEL": "INFO"}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    try:
        wait_for(healthy, "the Prefect server")
        yield env
    finally:
        stop(proc)
        log.close()
    assert "Can't evaluate bulk DML" not in (tmp_path / "server.log").read_text(errors="replace")


def runs(store: Path) -> list[tuple[str, int, int]]:
    """(status, processed, skipped) of each run, oldest first; [] while a run holds the lock."""
    try:
        with Store.open(store, read_only=True) as db:
            return [(s, p or 0, k or 0) for s, p, k in
                    db.query("SELECT status, processed, skipped FROM runs ORDER BY started_at")[1]]
    except StoreError:
        return []


def test_scheduled_deployment_over_an_inbox_extracts_only_new_decisions(
    tmp_path: Path, server: dict[str, str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:3]:
        shutil.copy(path, inbox / path.name)
    store = tmp_path / "chitieu.duckdb"

    def prefect(*args: str) -> None:
        subprocess.run([*PREFECT, *args], env=server, cwd=ROOT, check=True, capture_output=True, timeout=120)

    prefect("work-pool", "create", "chitieu", "--type", "process")
    prefect("--no-prompt", "deploy", "flows.py:batch_flow", "--name", "inbox", "--pool", "chitieu",
            "--interval", str(INTERVAL), "--param", f"input={inbox}", "--param", f"store={store}")
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen([*PREFECT, "worker", "start", "--pool", "chitieu"], env=server, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: any(r == ("completed", 3, 0) for r in runs(store)), "the first scheduled run")
        shutil.copy(sorted(CORPUS.glob("*.txt"))[3], inbox / "quyet-dinh-moi.txt")
        wait_for(lambda: any(r == ("completed", 1, 3) for r in runs(store)), "a run that picks up the new file")
    finally:
        stop(worker)
        log.close()
    assert "Finished in state Completed()" in (tmp_path / "worker.log").read_text(errors="replace")
