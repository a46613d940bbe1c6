"""Which database and which clerk, before anything is opened: the standard
library only (and platformdirs), so that the dashboard's feed can find its
snapshot before the database layer is imported."""
from __future__ import annotations

import getpass
import os
from pathlib import Path

ENV_DB = "EKSAMEN_DB"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("eksamen-tui", appauthor=False) / "eksamen.db"


def resolve_db_target(explicit: str | os.PathLike | None = None) -> str:
    """--db PATH wins, then $EKSAMEN_DB, then the platformdirs data path.
    A value containing "://" is taken as a SQLAlchemy URL."""
    target = explicit or os.environ.get(ENV_DB) or default_db_path()
    return str(target)


def is_url(target: str | os.PathLike) -> bool:
    return "://" in str(target)


def default_clerk() -> str:
    """The clerk named in the audit trail when --clerk is not given."""
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (containers)
        return os.environ.get("USER", "ukjent")
