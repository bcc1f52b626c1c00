"""The extractor's version as the code and rules see it: a change to either re-extracts.

A store skips a document whose plan carries the current `extractor_version`, and Prefect's
task cache keys on it, so the version must change whenever what turns a `Source` into a
`Plan` changes, whether or not anyone remembers to bump a number. It is therefore derived:

    <package version>+rules.<12 hex digits>

where the digest covers the syntax tree of every Python module between a Source and its
Plan (`extractors/`, `schemas/`, `pipeline/extract.py`) and the parsed data of every lexicon
file. Syntax trees, not bytes: comments, formatting and docstrings do not change what the
code does, so editing them keeps stored plans and cached chunks valid. Ingest (reading
bytes into text) is not covered: a changed text has other bytes only when the file does.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CODE = ("extractors/**/*.py", "schemas/**/*.py", "pipeline/extract.py")
DATA = ("extractors/lexicon/**/*.yaml",)
DIGITS = 12
# libyaml's loader when built in (6x faster on the 860-line indicator list); both give the same data.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def package_version() -> str:
    """The installed package's version (pyproject.toml): the human label of a release."""
    try:
        return version("chitieu")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return tree


@lru_cache(maxsize=256)
def code_fingerprint(source: str, name: str = "<module>") -> str:
    """What a module does, as text: its syntax tree without positions or docstrings."""
    return ast.dump(_strip_docstrings(ast.parse(source, name)), include_attributes=False)


@lru_cache(maxsize=256)
def data_fingerprint(text: str) -> str:
    """What a YAML file says, as canonical JSON: comments, quoting and layout left out."""
    return json.dumps(yaml.load(text, Loader=_LOADER), sort_keys=True, ensure_ascii=False, default=str)


def _files(root: Path, patterns: Iterable[str]) -> list[Path]:
    return sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()})


def rules_digest(root: Path = ROOT) -> str:
    """A short digest of the extraction code and lexicon under `root`."""
    digest = hashlib.sha256()
    for kind, patterns, fingerprint in (("code", CODE, code_fingerprint), ("data", DATA, data_fingerprint)):
        for path in _files(root, patterns):
            digest.update(f"{kind}:{path.relative_to(root).as_posix()}\0".encode())
            digest.update(fingerprint(path.read_text(encoding="utf-8")).encode())
            digest.update(b"\0")
    return digest.hexdigest()[:DIGITS]


@lru_cache(maxsize=1)
def current_digest() -> str:
    """`rules_digest` of this checkout, computed once per process (about 0.2 s)."""
    return rules_digest()
