"""`make run`, the README's first command, shows the scorecard and its error list, not make's recipe lines.

Runs make itself (what a newcomer types), with the records sent to a temporary folder and
the venv taken as installed (`-o`), so it costs one small flow run (7 documents).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_make_run_prints_the_scorecard_and_error_list_and_no_recipe_line(tmp_path: Path) -> None:
    assert MAKE
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}  # as typed, not nested in `make test`
    out = tmp_path / "records"
    done = subprocess.run(
        [MAKE, "-o", ".venv/.installed", "run", f"RUN_OUT={out}", f"BIN={Path(sys.executable).parent}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    stdout = done.stdout.splitlines()
    assert re.match(r"document\s+gold\s+pred\s+value P/R/F1\s+strict P/R/F1$", stdout[0])
    assert any(re.match(r"\s+strict P \d\.\d{3}\s+R \d\.\d{3}\s+F1 \d\.\d{3}$", line) for line in stdout)
    assert stdout[-1] == "errors: none" or any(re.match(r"errors \(\d+\):$", line) for line in stdout)
    corpus = sorted(p.stem for p in (ROOT / "corpus").glob("*.txt"))
    assert [line.split()[0] for line in stdout[1 : 1 + len(corpus)]] == corpus
    # make echoes nothing of its own: no recipe line, no "make: Entering directory"
    recipe = ("chitieu run", "python3 -m venv", "pip install", "touch ", "make:", "make[")
    assert [line for line in done.stdout.splitlines() + done.stderr.splitlines()
            if any(r in line for r in recipe)] == []
    stderr = done.stderr.splitlines()
    assert any(line.startswith(f"wrote {len(corpus)} plan records (") for line in stderr)
    assert any(line.startswith("quality: ") for line in stderr)
    assert len(list(out.glob("*.json"))) == len(corpus)
