"""`--dask-address`: the same flow on a Dask cluster stores what the local run stores.

A scheduler and two single-thread workers are started on 127.0.0.1 as the `dask` command
would start them on other hosts, and are stopped at the end, within bounded time.
How long the Dask run takes is not asserted here (a loaded machine makes any bound flaky):
that is a figure for a bench, not a behaviour.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import flows
from pipeline.batch.options import BatchOptions
from pipeline.store.db import Store
from tests.conftest import ROOT
from tests.test_batch import write_docs

pytestmark = pytest.mark.usefixtures("prefect_api")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the process is still there after STOP_TIMEOUT."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def dask_address(tmp_path_factory: pytest.TempPathFactory, prefect_api: str) -> Iterator[str]:
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scratch = tmp_path_factory.mktemp("dask")
    env = {**os.environ, "DASK_LOGGING__DISTRIBUTED": "warning", "DASK_TEMPORARY_DIRECTORY": str(scratch),
           "PREFECT_API_URL": prefect_api, "PREFECT_LOGGING_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    dask = [sys.executable, "-m", "dask"]
    log = (scratch / "cluster.log").open("wb")
    procs = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              env=env, stdout=log, stderr=subprocess.STDOUT, cwd=scratch)]
    try:
        procs.append(subprocess.Popen(
            [*dask, "worker", address, "--host", "127.0.0.1", "--nworkers", "2", "--nthreads", "1",
             "--no-dashboard", "--death-timeout", "30"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=scratch))
        with Client(address, timeout=START_TIMEOUT) as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT)
            assert all(host.startswith("tcp://127.0.0.1:") for host in client.scheduler_info()["workers"])
        yield address
    finally:
        for proc in reversed(procs):  # workers first, then the scheduler
            stop(proc)
        log.close()


def test_dask_run_stores_what_the_local_run_stores(tmp_path: Path, dask_address: str) -> None:
    write_docs(tmp_path / "in", 12)
    local = flows.run_batch(str(tmp_path / "in"), str(tmp_path / "local.duckdb"), BatchOptions(workers=1, cache=False))
    remote = flows.run_batch(str(tmp_path / "in"), str(tmp_path / "dask.duckdb"),
                             BatchOptions(chunk_size=3, dask_address=dask_address, cache=False))
    assert remote["runner"] == f"dask:{dask_address}" and remote["workers"] == 2
    assert remote["chunks"] == 4
    for key in ("documents", "processed", "skipped", "failed", "targets"):
        assert remote[key] == local[key], key
    with Store.open(tmp_path / "local.duckdb", read_only=True) as a, \
            Store.open(tmp_path / "dask.duckdb", read_only=True) as b:
        assert a.plan_records() == b.plan_records()
        query = "SELECT * EXCLUDE (run_id, updated_at, seconds) FROM documents ORDER BY sha256"
        assert a.query(query) == b.query(query)
        query = "SELECT * FROM targets ORDER BY sha256, ordinal"
        assert a.query(query) == b.query(query)
