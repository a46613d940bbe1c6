"""One place per rule: the current-grade and part filters are written once
(services/queries.py), and every service function says what its context is."""
import importlib
import inspect
import pkgutil
from pathlib import Path

import eksamen_tui.services as services

SERVICES = Path(services.__file__).parent


def test_grade_filters_are_written_once():
    repeated = []
    for path in sorted(SERVICES.glob("*.py")):
        if path.name == "queries.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("is_current == True", "part_id.is_(None)", "part_id == part_id if"):
            if needle in text:
                repeated.append(f"{path.name}: {needle}")
    assert repeated == [], "use eksamen_tui.services.queries (current_grade, of_part, is_current)"


def test_every_service_function_types_its_context():
    untyped = []
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"eksamen_tui.services.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            parameter = inspect.signature(function).parameters.get("ctx")
            if parameter is not None and parameter.annotation in (inspect.Parameter.empty, None):
                untyped.append(f"{module.__name__}.{name}")
    assert untyped == []


def test_the_resit_rule_is_applied_in_one_place():
    """The student desk and the resit list ask services/resits.py, which
    alone applies domain.resits.resit_eligibility."""
    root = SERVICES.parents[1]
    callers = sorted(str(path.relative_to(root)) for folder in ("eksamen_tui", "screens")
                     for path in (root / folder).rglob("*.py")
                     if "resit_eligibility(" in path.read_text(encoding="utf-8"))
    assert callers == ["eksamen_tui/domain/resits.py", "eksamen_tui/services/resits.py"]
