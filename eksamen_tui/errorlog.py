"""Reports of unexpected errors: the full traceback goes to a private log
file; the clerk sees one line saying where it is.

Shared by the command line's error boundary and the app's failure helper.
The folder is $EKSAMEN_LOG_DIR or platformdirs' user log folder
(~/.local/state/eksamen-tui/log on Linux). Writing the report never raises:
when even that fails, the line says so instead of naming a file.

Pure file handling: no Textual, no database.
"""
from __future__ import annotations

import os
import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path

ENV_LOG_DIR = "EKSAMEN_LOG_DIR"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def log_dir() -> Path:
    """Where error reports go ($EKSAMEN_LOG_DIR, else the user log folder)."""
    explicit = os.environ.get(ENV_LOG_DIR)
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_log_path

    return user_log_path("eksamen-tui", appauthor=False)


def write_error_report(error: BaseException, *, where: str = "") -> Path | None:
    """Write `error` with its traceback to a new private file in log_dir();
    returns its path, or None when it could not be written. `where` says
    what was running (a command line, a desk and action ...)."""
    try:
        from eksamen_tui import __version__

        folder = log_dir()
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"feil-{stamp}-{os.getpid()}.log"
        text = "".join([
            f"eksamen-tui {__version__}, Python {platform.python_version()} on {platform.platform()}\n",
            f"time: {datetime.now().isoformat(timespec='seconds')}\n",
            f"where: {where or '-'}\n",
            f"argv: {sys.argv!r}\n\n",
            *traceback.format_exception(type(error), error, error.__traceback__),
        ])
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path
    except Exception:  # the report must never turn into a second failure
        return None


def internal_error_line(error: BaseException, *, where: str = "") -> str:
    """The one line shown for an unexpected error, after writing its report:
    "intern feil (KeyError) – se logg /…/feil-….log"."""
    path = write_error_report(error, where=where)
    kind = type(error).__name__
    if path is None:
        return f"intern feil ({kind}); loggen kunne ikke skrives til {log_dir()}"
    return f"intern feil ({kind}) – se logg {path}"
