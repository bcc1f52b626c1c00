"""Shared fixtures: repository paths and the optional ../shared folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "gold"
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus-dev"

needs_dev = pytest.mark.skipif(not (DEV / "gold").is_dir(), reason="../shared/corpus-dev is not present")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
