#!/usr/bin/env python3
"""One-command set-up for a fresh machine (only Python 3.11+ needed).

    python3 dev.py demo      open the app on a fresh demo database
    python3 dev.py test      run the whole test suite
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


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "demo"
    rest = argv[1:]
    ensure_venv()
    if command == "demo":
        cmd = [str(PYTHON), "-m", "eksamen_tui", "--demo", *rest]
    elif command == "test":
        cmd = [str(PYTHON), "-m", "pytest", "-n", "auto", "-q", *rest]
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
