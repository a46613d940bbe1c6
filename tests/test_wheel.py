"""Installed as users install it: the wheel is built, installed into a fresh
venv and run from a temporary folder far from the source tree.

Kept fast: the fresh venv has no pip and no dependencies of its own; a .pth
file lends it the test venv's installed dependencies, and the test venv's
pip installs only the wheel into it (--no-deps). Every run checks that
eksamen_tui is imported from the wheel, not from the source tree.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# one worker builds the wheel and the venv once for all three tests
pytestmark = [pytest.mark.xdist_group("wheel"),
              pytest.mark.slow("builds the wheel, installs it in a fresh venv and runs the CLI and the app from it")]
SHIPPED = ("pyproject.toml", "README.md", "eksamen_tui", "screens", "data")


def _setuptools_is_recent() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 68


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SHIPPED:  # a clean copy: building must not write into the checkout
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(item, source / name)
    dist = tmp_path_factory.mktemp("dist")
    isolation = ["--no-build-isolation"] if _setuptools_is_recent() else []
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                          *isolation, "-w", str(dist), str(source)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    (built,) = dist.glob("eksamen_tui-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; returns its bin folder."""
    target = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    # the test venv's dependencies, after the venv's own site-packages (so the wheel wins)
    lent = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "zz_test_dependencies.pth").write_text("\n".join(sorted(lent)) + "\n")
    out = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
                          "--disable-pip-version-check", "--no-index", str(wheel)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    return target / "bin"


def _env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("EKSAMEN_", "PYTHON", "XDG_")) and key != "VIRTUAL_ENV"}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
               XDG_STATE_HOME=str(home / "state"), XDG_DOCUMENTS_DIR=str(home / "docs"))
    return env


def test_every_package_of_the_source_tree_is_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("eksamen_tui", "screens"):
        for path in (ROOT / package).rglob("*"):
            if "__pycache__" in path.parts or path.is_dir() or path.suffix not in (".py", ".tcss", ".mako"):
                continue
            assert path.relative_to(ROOT).as_posix() in names, f"{path.relative_to(ROOT)} is missing from the wheel"
    for path in (ROOT / "data").rglob("*"):
        if path.is_file():
            assert f"eksamen_tui/data/{path.relative_to(ROOT / 'data').as_posix()}" in names


def test_the_installed_wheel_runs_the_main_commands_from_any_folder(installed, tmp_path):
    work = tmp_path / "somewhere"
    work.mkdir()
    env = _env(tmp_path / "home")

    def run(*args: str) -> subprocess.CompletedProcess:
        out = subprocess.run([str(installed / "eksamen-tui"), *args], cwd=work, env=env, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, (args, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr
        return out

    where = subprocess.run(
        [str(installed / "python"), "-c",
         "import eksamen_tui, screens, eksamen_tui.resources as r; "
         "print(eksamen_tui.__file__); print(screens.__file__); print(r.data_dir())"],
        cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split()
    site = str(installed.parent / "lib")
    assert all(path.startswith(site) for path in where), where  # the wheel, not the source tree
    assert not any(path.startswith(str(ROOT)) for path in where)

    out = run("--today", "2026-11-23", "demo", "demo.db")
    assert "Demodatabase skrevet til demo.db" in out.stdout
    out = run("deadlines", "2026-12-10", "--published", "2027-01-04")
    assert "Sensurfrist" in out.stdout and "Klagefrist" in out.stdout
    conn = sqlite3.connect(work / "demo.db")
    code, day = conn.execute(
        "SELECT c.code, e.exam_date FROM exam e JOIN course c ON c.id = e.course_id "
        "WHERE e.published_on IS NOT NULL ORDER BY e.exam_date, c.code LIMIT 1").fetchone()
    conn.close()
    out = run("--db", "demo.db", "export", "protocol", code, "--date", day[:10], "--out", "ut")
    (protocol,) = (work / "ut").iterdir()
    assert protocol.name.startswith(code) and str(protocol.name) in out.stdout
    out = run("--db", "demo.db", "backup", "kopi.db")
    assert (work / "kopi.db").stat().st_size > 100_000
    for sample in ("kandidatliste_eksempel.csv",):  # the shipped samples are there to try
        assert (Path(where[2]) / "samples" / sample).is_file()


def test_the_installed_app_starts_on_a_demo_database(installed, tmp_path):
    """--demo: the app finds its stylesheets and the demo course list inside the package."""
    script = (
        "import asyncio\n"
        "from datetime import date\n"
        "from eksamen_tui.app import EksamenApp\n"
        "async def main():\n"
        "    app = EksamenApp(demo=True, today=date(2026, 11, 23))\n"
        "    async with app.run_test(size=(150, 40)) as pilot:\n"
        "        for _ in range(600):\n"
        "            if app.ctx is not None or app.database_error: break\n"
        "            await pilot.pause(0.05)\n"
        "        assert app.ctx is not None, app.database_error\n"
        "        await pilot.press('f3')\n"
        "        await pilot.pause()\n"
        "        print('OK', type(app.screen).__name__)\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run([str(installed / "python"), "-c", script], cwd=tmp_path, env=_env(tmp_path / "home"),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == "OK PapersScreen"
