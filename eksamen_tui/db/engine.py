"""Opening the database: SQLite by default (WAL, foreign keys, mode 0600),
or any SQLAlchemy URL (e.g. postgresql+psycopg://...) for shared counters."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

ENV_DB = "EKSAMEN_DB"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("eksamen-tui", appauthor=False) / "eksamen.db"


def resolve_db_target(explicit: str | os.PathLike | None = None) -> str:
    """--db PATH wins, then $EKSAMEN_DB, then the platformdirs data path.
    A value containing "://" is taken as a SQLAlchemy URL."""
    target = explicit or os.environ.get(ENV_DB) or default_db_path()
    return str(target)


def is_url(target: str) -> bool:
    return "://" in target


def _create_private_file(path: Path) -> None:
    """Create the database file with mode 0600 before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


def make_engine(target: str | os.PathLike) -> Engine:
    target = str(target)
    if is_url(target):
        return create_engine(target, pool_pre_ping=True)
    path = Path(target).expanduser()
    _create_private_file(path)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": 10},
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn) -> None:
    # We issue BEGIN ourselves so that DDL (migrations) is transactional too:
    # the sqlite3 module would otherwise commit before every CREATE/ALTER.
    conn.exec_driver_sql("BEGIN")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # no implicit transactions (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One short transaction: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def sqlite_path(engine: Engine) -> Path | None:
    if engine.url.get_backend_name() != "sqlite":
        return None
    return Path(engine.url.database) if engine.url.database else None
