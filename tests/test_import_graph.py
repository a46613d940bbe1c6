"""The package's import graph has no cycles (counting imports inside
functions too: a lazy import is still a dependency), services never reach
for the command line, and no service prints or exits."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("eksamen_tui", "screens")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
                for alias in node.names:
                    deps.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
        graph[name] = {dep for dep in deps if dep in known and dep != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_is_read_from_the_source():
    graph = import_graph()
    assert "eksamen_tui.cli" in graph and "eksamen_tui.services.demo" in graph and "screens.grades" in graph
    assert "eksamen_tui.services.context" in graph["eksamen_tui.services.demo"] or \
        "eksamen_tui.services.candidate_import" in graph["eksamen_tui.services.demo"]


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_services_and_domain_do_not_import_the_command_line_or_the_app():
    for name, deps in import_graph().items():
        if name.startswith(("eksamen_tui.services", "eksamen_tui.domain", "eksamen_tui.db", "eksamen_tui.excel")):
            bad = {d for d in deps if d.startswith(("eksamen_tui.cli", "eksamen_tui.app", "screens"))}
            assert not bad, f"{name} imports {sorted(bad)}"


def test_no_service_prints_or_exits():
    # (eksamen_tui.db.migrations has a developer's `python -m` entry of its own)
    for name, path in modules().items():
        if not name.startswith(("eksamen_tui.services", "eksamen_tui.domain", "eksamen_tui.excel")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else (
                    f"{func.value.id}.{func.attr}" if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    else "")
                assert called not in ("print", "exit", "quit", "sys.exit", "os._exit"), \
                    f"{name}:{node.lineno} calls {called}"
