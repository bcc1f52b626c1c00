"""The import graph points one way: a lower layer never imports a higher one, and no cycles.

Layer order, lowest first (README, "How it works"):

    schemas <- extractors <- pipeline base <- pipeline.ingest <- pipeline run <- pipeline.store
            <- pipeline.batch | pipeline.evaluation <- pipeline.web <- flows <- pipeline.cli

So the extractor can be used and tested without the pipeline, reading inputs never needs
the batch machinery or the scorer, the scorer never needs the batch runner (nor the runner
the scorer: the two are siblings and must not import each other), nothing but the user's
shell reaches the CLI, and the Prefect glue is never needed by the code it runs. Every
import statement counts, including the lazy ones inside functions: a lazy import is
still a dependency. `pipeline/`'s subpackages are layers by their folder name; a module
left at the top of `pipeline/` must be placed in the table below (the test says which one
is missing).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Lowest first; the layers of one tuple are siblings: neither may import the other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("schemas",), ("extractors",), ("pipeline base",), ("pipeline.ingest",), ("pipeline run",),
    ("pipeline.store",), ("pipeline.batch", "pipeline.evaluation"), ("pipeline.web",), ("flows",),
    ("pipeline.cli",))
PIPELINE: dict[str, str] = {
    # messages, limits and the atomic writer every stage shares; they import no other stage
    **dict.fromkeys(("errors", "io", "limits", "outpaths"), "pipeline base"),
    # bytes, files, folders, zips and corpora into a normalised Source, and what is known about each
    "ingest": "pipeline.ingest",
    # one document: Source -> Plan (and the numbers it dropped), and the runner that turns any failure into an outcome
    **dict.fromkeys(("extract", "run", "version", "drops"), "pipeline run"),
    # the DuckDB store, its views and exports, and a run's quality summary kept with it
    "store": "pipeline.store",
    # many documents: the folder runner, sandboxed workers, stopping, progress
    "batch": "pipeline.batch",
    # scoring and showing records: scorer, accuracy gate, reports, explain, comparisons, Label Studio
    "evaluation": "pipeline.evaluation",
    # fetching, keeping and watching URLs, into records or the store
    "web": "pipeline.web",
    "cli": "pipeline.cli",
}
SOURCES = ("schemas", "extractors", "pipeline", "flows.py")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for name in SOURCES:
        base = ROOT / name
        for path in [base] if base.is_file() else sorted(base.rglob("*.py")):
            found[module_name(path)] = path
    return found


def layer_of(module: str) -> str | None:
    """A module's layer; None for a package's `__init__` (it holds no code here)."""
    top, _, rest = module.partition(".")
    if top in ("schemas", "extractors", "flows"):
        return top if rest or top == "flows" else None
    if top == "pipeline":
        return PIPELINE.get(rest.split(".")[0]) if rest else None
    raise AssertionError(f"{module}: not a project module")


PROJECT = ("schemas", "extractors", "pipeline", "flows")


def _type_only(tree: ast.Module) -> set[int]:
    """Ids of import nodes under `if TYPE_CHECKING:`: annotations only, never run."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return ids


def imports(path: Path, name: str, known: set[str]) -> Iterator[tuple[str, int, bool]]:
    """(project module, line, type-only) for each import in `path`, read as module `name`.

    `from pkg import mod` counts as an import of `pkg.mod` when that is a module.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    type_only = _type_only(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PROJECT:
                    yield alias.name, node.lineno, id(node) in type_only
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
            if base.split(".")[0] not in PROJECT:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield (sub if sub in known else base), node.lineno, id(node) in type_only


def graph(runtime_only: bool = False) -> dict[str, dict[str, int]]:
    """module -> {imported module: line}; `runtime_only` leaves out `TYPE_CHECKING` imports."""
    found = modules()
    known = set(found)
    return {
        name: {dep: line for dep, line, typing in imports(path, name, known)
               if dep != name and not (runtime_only and typing)}
        for name, path in found.items()
    }


def test_every_module_has_a_layer() -> None:
    missing = [m for m in modules() if m.startswith("pipeline.") and layer_of(m) is None]
    assert not missing, f"place these modules in PIPELINE in tests/test_layers.py: {missing}"


def test_every_layer_holds_modules() -> None:
    """A renamed folder or table entry must not leave a layer empty, and the order vacuous."""
    held = {layer_of(m) for m in modules()}
    assert [layer for row in LAYERS for layer in row if layer not in held] == []


def test_no_import_points_up_a_layer() -> None:
    rank = {layer: i for i, row in enumerate(LAYERS) for layer in row}
    upward = []
    for module, deps in graph().items():
        low = layer_of(module)
        for dep, line in deps.items():
            high = layer_of(dep)
            if low is None or high is None or low == high:
                continue
            if rank[high] > rank[low]:
                upward.append(f"{module}:{line} imports {dep} ({low} -> {high})")
            elif rank[high] == rank[low]:
                upward.append(f"{module}:{line} imports {dep} (siblings {low} -> {high})")
    assert not upward, "imports against the layer order:\n" + "\n".join(sorted(upward))


def test_nothing_imports_the_cli_and_the_extractor_needs_no_pipeline() -> None:
    edges = [(m, d) for m, deps in graph().items() for d in deps]
    assert [m for m, d in edges if d == "pipeline.cli"] == []
    assert [(m, d) for m, d in edges if m.startswith(("extractors", "schemas")) and d.startswith("pipeline")] == []


def test_the_import_graph_has_no_cycle() -> None:
    """At run time; an annotation-only import under `if TYPE_CHECKING:` may point back."""
    g = graph(runtime_only=True)
    cycles = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in g.get(node, {}):
            if state.get(dep) == 1:
                cycles.append(" -> ".join([*stack[stack.index(dep):], dep]))
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from pipeline.cli import main", ("pipeline.cli", False)),  # lazy, inside a function
        ("from pipeline.store import db", ("pipeline.store.db", False)),  # a module named in `from pkg import`
        ("from .batch import sandbox", ("pipeline.batch.sandbox", False)),  # relative
        ("from . import extract", ("pipeline.extract", False)),  # relative, a module beside it
        ("if TYPE_CHECKING:\n        from pipeline.store.db import Store", ("pipeline.store.db", True)),
    ],
)
def test_the_walk_sees_every_kind_of_import(tmp_path: Path, source: str, found: tuple[str, bool]) -> None:
    """The checker itself, on a module that would break the layers in each way."""
    fake = tmp_path / "run.py"
    fake.write_text(f"def later() -> None:\n    {source}\n", encoding="utf-8")
    assert [(d, t) for d, _, t in imports(fake, "pipeline.run", set(modules()))] == [found]
