"""The package's shape, measured from the code: no import cycle (function-level imports count),
no private name taken from another module, no module too big to hold in one head.

import-linter (`make lint`) checks that the stages import one way; these tests check what a
layers contract cannot see (cycles inside one stage, private names, size) and run on every
Python the suite runs on.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> list[tuple[str, str | None, int]]:
    """(module imported, name taken from it or None, line) for every import in module `name`,
    wherever it stands (top level, inside a function, under TYPE_CHECKING)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                # `from pipeline.rules import settings` imports a module, not a name
                found.append((full, None, node.lineno) if full in MODULES else (base, alias.name, node.lineno))
    return [(module, taken, line) for module, taken, line in found if module.split(".")[0] == "pipeline"]


def _graph() -> dict[str, set[str]]:
    return {name: {module for module, _, _ in _imports(name) if module in MODULES and module != name}
            for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_is_read_from_the_code():
    graph = _graph()
    # A known downward import and a known function-level one, so an empty graph cannot pass.
    assert "pipeline.api" in graph["pipeline.cli"]
    assert "pipeline.review.diff" in graph["pipeline.api"]  # imported inside run_diffs()


def test_no_import_cycle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_name_crosses_a_module():
    crossing = [f"{name}:{line} takes {module}.{taken}" for name in MODULES
                for module, taken, line in _imports(name)
                if taken is not None and taken.startswith("_") and module != name]
    assert crossing == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_too_big_to_hold_in_one_head(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(PACKAGE.parent)} has {lines} lines"
