#!/usr/bin/env python3
"""One-command set-up for a fresh machine (only Python 3.11+ needed).

    python3 dev.py demo      open the app on a fresh demo database
    python3 dev.py test      run the whole test suite on SQLite, then on
                             PostgreSQL when a server is reachable
                             ($EKSAMEN_TEST_DB, default postgresql+psycopg://
                             postgres@127.0.0.1:5432/test); with CI=true an
                             unreachable PostgreSQL is a failure
    python3 dev.py bench     run the benchmark scripts (small scale)
    python3 dev.py run ...   run `eksamen-tui ...` inside the project venv

Creates `.venv/` beside this file on first use and installs the project
(editable) with its test dependencies; later runs reuse it and reinstall
only when pyproject.toml has changed.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-pyproject-sha256"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("eksamen-tui needs Python 3.11 or newer")
    if not PYTHON.exists():
        print("Setting up .venv (first run) ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("Installing eksamen-tui and its dependencies ...", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-e", f"{ROOT}[test]"],
        check=True,
    )
    STAMP.write_text(wanted)


DEFAULT_TEST_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_unreachable(url: str) -> str | None:
    """None when the test server answers, else why not (one line)."""
    probe = (
        "import sys\n"
        "from tests.backend import server_reachable\n"
        "reason = server_reachable(sys.argv[1])\n"
        "print(reason or '', end='')\n"
    )
    out = subprocess.run([str(PYTHON), "-c", probe, url], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        return (out.stderr.strip().splitlines() or ["probe failed"])[-1]
    return out.stdout.strip() or None


def test_workers() -> int:
    """pytest-xdist workers: $EKSAMEN_TEST_WORKERS, else two per core. Much
    of a test's time is waiting (for the app to go idle after each key, for
    a CLI process, a lock, a poll), so a third and fourth worker fill the
    cores while the first two wait."""
    wanted = os.environ.get("EKSAMEN_TEST_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(2, 2 * cores)


def run_tests(rest: list[str]) -> int:
    """The suite on SQLite, then on PostgreSQL when reachable; says which ran.
    Each pass ends with its ten slowest tests (README, "Test suite")."""
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    url = os.environ.get("EKSAMEN_TEST_DB") or DEFAULT_TEST_DB
    # --dist loadgroup (pyproject.toml): each test goes to the next free
    # worker, the tests marked slow first (tests/conftest.py)
    pytest = [str(PYTHON), "-m", "pytest", "-n", str(test_workers()), "--durations=10", "-q", *rest]
    # PYTHONDONTWRITEBYTECODE (set on some machines) would make every test
    # worker and every process a test starts compile the app from source
    env = {key: value for key, value in os.environ.items()
           if key not in ("EKSAMEN_TEST_DB", "PYTHONDONTWRITEBYTECODE")}
    print("== tests on SQLite ==", flush=True)
    results = {"SQLite": subprocess.call(pytest, cwd=ROOT, env=env)}
    reason = _postgres_unreachable(url)
    shown = url.split("@")[-1]
    if reason is None:
        print(f"== tests on PostgreSQL ({shown}) ==", flush=True)
        results["PostgreSQL"] = subprocess.call(pytest, cwd=ROOT, env={**env, "EKSAMEN_TEST_DB": url})
    else:
        print(f"PostgreSQL at {shown} is not reachable ({reason}).", flush=True)
    print("== summary ==")
    for backend, code in results.items():
        print(f"  {backend}: {'passed' if code == 0 else f'FAILED (pytest exit {code})'}")
    if reason is not None:
        if ci:
            print("  PostgreSQL: NOT RUN — a failure with CI=true (start the server, or set EKSAMEN_TEST_DB)")
            return 1
        print("  PostgreSQL: not run (server unreachable) — only SQLite was tested")
    return max(results.values())


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "demo"
    rest = argv[1:]
    ensure_venv()
    if command == "demo":
        cmd = [str(PYTHON), "-m", "eksamen_tui", "--demo", *rest]
    elif command == "test":
        return run_tests(rest)
    elif command == "bench":
        cmd = [str(PYTHON), "-m", "bench", *rest]
    elif command == "run":
        cmd = [str(PYTHON), "-m", "eksamen_tui", *rest]
    else:
        print(__doc__)
        return 2
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
