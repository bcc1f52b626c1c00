"""Shared fixtures: repository paths and the optional ../shared folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web_server import _server, site  # noqa: F401  (the local web server fixtures)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "gold"
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus-dev"



def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true",
        help="rewrite tests/golden/*.json from the current extractor (make golden); review with git diff",
    )


needs_dev = pytest.mark.skipif(not (DEV / "gold").is_dir(), reason="../shared/corpus-dev is not present")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One temporary Prefect server and database for the batch-flow tests (~10 s to start).

    Task results (the flow's cache) go to a temporary folder, so no test reads a result
    cached by an earlier session.  Yields the API URL for subprocesses and Dask workers.
    Test modules import `flows` first, which sets the quiet, offline Prefect defaults.
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_RESULTS_LOCAL_STORAGE_PATH,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    results = tmp_path_factory.mktemp("prefect-results")
    with prefect_test_harness(server_startup_timeout=90), temporary_settings(
        updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: results}
    ):
        yield str(PREFECT_API_URL.value())
