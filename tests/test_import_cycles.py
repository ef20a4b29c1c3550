"""Imports point one way (README, "Architecture"): no two apps import each other, directly or
round a longer loop, and no module imports a module that imports it back. Imports inside
functions count too: deferring an import hides a cycle, it does not remove it.

The floors, bottom up: marketplace → notifications → listings → bookings → donations →
reports → web (each may import those below it). network (events, working groups) sits beside
listings: it imports marketplace and notifications only, and only reports and web import it.
needs (Gesuche) stands on bookings, beside donations and network: it imports marketplace,
notifications, listings and bookings; only reports and web import it.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "marketplace",
    "notifications",
    "network",
    "listings",
    "bookings",
    "needs",
    "donations",
    "reports",
    "web",
)
# Apps on the same floor: neither imports the other (network beside listings and what builds
# on listings; needs beside donations).
BESIDE = {"network": {"listings", "bookings", "needs", "donations"}, "needs": {"donations"}}


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imported_names(module: str, path: Path) -> set[str]:
    """Dotted names a module imports (the module, and module.name for `from module import
    name`, which may be a submodule)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def _module_graph() -> dict[str, set[str]]:
    """Which of our modules each of our modules imports."""
    modules = _modules()
    graph = defaultdict(set)
    for module, path in modules.items():
        for name in _imported_names(module, path):
            while name and name not in modules:  # `from a.b import c`: c may be a function
                name = name.rpartition(".")[0]
            if name and name != module and not module.startswith(f"{name}."):
                graph[module].add(name)
    return graph


def _app_graph(module_graph: dict[str, set[str]]) -> dict[str, set[str]]:
    graph = defaultdict(set)
    for module, imported in module_graph.items():
        for other in imported:
            if other.split(".")[0] != module.split(".")[0]:
                graph[module.split(".")[0]].add(other.split(".")[0])
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as a path [a, b, ..., a], or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" after

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None


def test_the_scan_sees_imports_inside_functions():
    graph = _module_graph()
    # notifications/apps.py imports its services inside a method (see its comment)
    assert "notifications.services" in graph["notifications.apps"]


def test_no_two_apps_import_each_other():
    cycle = _cycle(_app_graph(_module_graph()))
    assert cycle is None, f"apps import each other: {' → '.join(cycle)}"


@pytest.mark.parametrize("app", APPS)
def test_each_app_imports_only_the_floors_below_it(app):
    below = set(APPS[: APPS.index(app)]) - BESIDE.get(app, set())
    below -= {beside for beside, apps in BESIDE.items() if app in apps}
    assert _app_graph(_module_graph())[app] <= below


def test_no_two_modules_import_each_other():
    graph = _module_graph()
    mutual = sorted(
        f"{a} ⇄ {b}"
        for a, imported in graph.items()
        for b in imported
        if a < b and a in graph.get(b, ())
    )
    assert mutual == []
