"""Screens are thin: they call services with ids and show the plain values
they return. No module under screens/ imports the database layer or an ORM,
and none opens a session or a transaction on the service context."""
import ast
from pathlib import Path

SCREENS = Path(__file__).resolve().parent.parent / "screens"
FORBIDDEN = ("sqlmodel", "sqlalchemy", "eksamen_tui.db")
SESSION_CALLS = {"read", "write", "begin", "connect"}


def _modules():
    files = sorted(SCREENS.rglob("*.py"))
    assert len(files) > 8, "screens/ not found"
    return [(path, ast.parse(path.read_text(encoding="utf-8"), str(path))) for path in files]


def _imported(tree: ast.AST):
    for node in ast.walk(tree):  # function-level imports count too
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def test_no_screen_imports_the_database_layer():
    bad = [f"{path.relative_to(SCREENS.parent)}:{line} imports {name}"
           for path, tree in _modules() for line, name in _imported(tree)
           if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)]
    assert bad == []


def test_no_screen_opens_a_session():
    """`ctx.read()`, `ctx.write()`, `ctx.engine...` belong in services."""
    bad = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Attribute, ast.Name)):
                owner = node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id
                if owner == "ctx" and (node.attr in SESSION_CALLS or node.attr == "engine"):
                    bad.append(f"{path.relative_to(SCREENS.parent)}:{node.lineno} uses ctx.{node.attr}")
            if isinstance(node, ast.Name) and node.id == "Session":
                bad.append(f"{path.relative_to(SCREENS.parent)}:{node.lineno} uses {node.id}")
    assert bad == []


def test_the_check_catches_what_it_claims(tmp_path):
    tree = ast.parse("def f(self):\n    from sqlmodel import select\n    import eksamen_tui.db.models\n")
    names = [name for _, name in _imported(tree)]
    assert "sqlmodel" in names and "eksamen_tui.db.models" in names


def test_services_hand_screens_plain_values():
    """A service function a screen can call (it takes the context, no
    session) returns values, never a stored row with a session behind it."""
    import importlib
    import inspect
    import pkgutil
    import re

    from sqlmodel import SQLModel

    import eksamen_tui.db.models as models
    import eksamen_tui.services as services

    tables = {name for name, cls in inspect.getmembers(models, inspect.isclass)
              if issubclass(cls, SQLModel) and getattr(cls, "__table__", None) is not None}
    assert {"Case", "PaperDelivery", "Grade"} <= tables
    leaking = []
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"eksamen_tui.services.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameters = inspect.signature(function).parameters
            if "ctx" not in parameters or {"s", "session", "conn"} & set(parameters):
                continue
            returned = str(inspect.signature(function).return_annotation)
            if any(re.search(rf"\b{table}\b", returned) for table in tables):
                leaking.append(f"{module.__name__}.{name} -> {returned}")
    assert leaking == []
