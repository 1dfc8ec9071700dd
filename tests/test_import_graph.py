"""The project's import graph, read from every module's source: no circle, no arrow upwards.

Every import counts, those inside functions too (they hide circles). `lint-imports` checks
the layers in `make test`; this walks the ASTs itself so the circles are checked even where
grimp would miss them, and reads nothing but the source tree."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("cli", "web", "scheduler", "programmes", "venues")  # top layer first
# Circles allowed among the project's modules: none.
KNOWN: set[frozenset[str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["affiche", *parts])


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for f in FOLDERS for p in (ROOT / f).rglob("*.py")}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from package import submodule` reads the submodule; other names, the module
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules
                           else node.module for a in node.names]
            edges[name] |= {t for t in targets if t in modules and t != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in edges:
        if node not in index:
            visit(node)
    return found


def layer(module: str) -> int:
    return FOLDERS.index(module.split(".")[1])


def test_the_walk_sees_imports_inside_functions() -> None:
    edges = graph()
    assert "affiche.web.serving" in edges["affiche.cli.commands"]  # imported inside serve()


def test_no_import_circle() -> None:
    unexpected = [c for c in cycles(graph()) if frozenset(c) not in KNOWN]
    assert unexpected == []


def test_a_circle_is_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_no_arrow_points_up_the_layers() -> None:
    upward = [(a, b) for a, targets in graph().items() for b in targets if layer(b) < layer(a)]
    assert upward == []


def test_the_publishers_never_import_the_solver() -> None:
    edges = graph()
    bad = [(a, b) for a, targets in edges.items() if a.startswith("affiche.programmes.publish")
           for b in targets if b.startswith("affiche.scheduler")]
    assert bad == []
