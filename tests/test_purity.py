"""The domain, data layer, services and Excel code never import Textual."""
import pkgutil
import subprocess
import sys

import eksamen_tui


def core_modules() -> list[str]:
    names = []
    for package in ("domain", "db", "services", "excel"):
        module = __import__(f"eksamen_tui.{package}", fromlist=["_"])
        names.append(module.__name__)
        names += [f"{module.__name__}.{info.name}" for info in pkgutil.iter_modules(module.__path__)]
    return names


def test_core_modules_do_not_import_textual():
    modules = core_modules()
    assert "eksamen_tui.domain.deadlines" in modules and "eksamen_tui.services.grades" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"textual imported by the core: {out.stdout}"


def test_domain_imports_neither_textual_nor_the_database():
    code = (
        "import importlib, pkgutil, sys\n"
        "import eksamen_tui.domain as d\n"
        "for info in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module('eksamen_tui.domain.' + info.name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlmodel', 'sqlalchemy'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
    assert eksamen_tui.__version__
