"""The README's Python API example runs as written and prints what it promises (issue 15, point 7)."""

from __future__ import annotations

import contextlib
import io
import os

import regex

from tests.conftest import ROOT


def readme_block(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    match = regex.search(r"```python\n(.*?)```", section, flags=regex.DOTALL)
    assert match, f"no python block under '## {heading}'"
    return match.group(1)


def test_the_python_api_example_runs_and_prints_the_targets() -> None:
    code = readme_block("Python API")
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)  # the example names corpus/ relative to the repository
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})  # noqa: S102  the README's own example
    finally:
        os.chdir(cwd)
    lines = out.getvalue().splitlines()
    assert lines[0] == "20.0 percent 2025 economy Kinh tế số trong GRDP"
    assert lines[1].startswith("002_0eed9f5125a01b02 Bình Thuận ")
    assert int(lines[1].split()[-1]) > 10
    assert "%" in lines[2]
