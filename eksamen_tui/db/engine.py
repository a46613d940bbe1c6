"""Opening the database: SQLite by default (WAL, foreign keys, mode 0600),
or a SQLAlchemy URL (postgresql+psycopg://...) for shared counters.

SQLite: every write transaction starts with BEGIN IMMEDIATE, so it takes
the write lock at its start and waits for it (busy timeout) instead of
failing half-way; reads start a plain BEGIN and never block writers (WAL).
A write that still times out raises DatabaseBusy (a DomainError).

`--db` touches only eksamen-tui databases: an existing file is inspected
read-only first and refused untouched when it is a folder, read-only,
another program's database or a newer schema; a missing folder is an
error (except the default data folder); only a file created here gets 0600.
"""
from __future__ import annotations

import os
import re
import sqlite3
import stat
import time
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from eksamen_tui.db.errors import DatabaseBusy, DatabaseRefused
from eksamen_tui.db.target import ENV_DB, default_db_path, is_url, resolve_db_target  # noqa: F401 (named here too)

BUSY_TIMEOUT_SECONDS = 8
READ_ONLY = {"eksamen_read": True}

_engines: "weakref.WeakSet[Engine]" = weakref.WeakSet()


_MANGLED_URL = re.compile(r"^(postgres(ql)?|sqlite|mysql|mariadb|oracle|mssql)[a-z0-9+._-]*:", re.IGNORECASE)


def looks_like_mangled_url(target: str | os.PathLike) -> bool:
    """`postgresql+psycopg:/host/db` and the like: a URL that lost a slash
    (or was cut by the shell), which must not become a file of that name."""
    text = str(target)
    return not is_url(text) and bool(_MANGLED_URL.match(text))


def describe_target(engine: Engine) -> str:
    """The database for messages: the file, or the URL without password."""
    path = sqlite_path(engine)
    return str(path) if path else engine.url.render_as_string(hide_password=True)


def make_engine(target: str | os.PathLike, *, background_checkpoints: bool = False) -> Engine:
    """An engine on `target` (path or URL). A SQLite file is checked first
    (read-only) and refused with DatabaseRefused before anything is written.
    `background_checkpoints`: its commits leave the WAL's checkpoints to a
    WalCheckpointer (eksamen_tui.db.checkpoints) up to the backstop."""
    target = str(target)
    if is_url(target):
        url = make_url(target)
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise DatabaseRefused("eksamen-tui trenger en databasefil, ikke en minnedatabase")
            return _sqlite_engine(Path(url.database), background_checkpoints)
        return _server_engine(url)
    if looks_like_mangled_url(target):
        raise DatabaseRefused(
            f"«{target}» ser ut som en ødelagt database-URL (mangler «://»); "
            "skriv den som postgresql+psycopg://bruker@vert/database")
    return _sqlite_engine(Path(target).expanduser(), background_checkpoints)


def dispose_all() -> None:
    """Close every pooled connection of every engine made here (tests)."""
    for engine in list(_engines):
        engine.dispose()


# --- SQLite -----------------------------------------------------------------

def _sqlite_engine(path: Path, background_checkpoints: bool = False) -> Engine:
    check_sqlite_target(path)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS},
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    if background_checkpoints:
        event.listen(engine, "connect", _checkpoint_only_at_backstop)
    event.listen(engine, "begin", _sqlite_begin)
    event.listen(engine, "handle_error", _busy_error)
    _engines.add(engine)
    return engine


def check_sqlite_target(path: Path) -> None:
    """Refuse (untouched) what eksamen-tui must not open; create a missing
    database file with mode 0600. Existing files keep their mode."""
    if path.is_dir():
        raise DatabaseRefused(f"{path} er en mappe, ikke en databasefil")
    if not path.parent.is_dir():
        default_folder = default_db_path().parent
        if path.parent.resolve() != default_folder.resolve() or path.parent.exists():
            raise DatabaseRefused(f"kan ikke åpne {path}: mappen {path.parent} finnes ikke (opprett den først eller velg en annen --db)")
        default_folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    if not path.exists():
        if path.is_symlink():
            raise DatabaseRefused(f"{path} er en lenke som ikke peker på noen fil")
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another counter created it just now
            return check_sqlite_target(path)
        except OSError as error:
            raise DatabaseRefused(f"kan ikke opprette databasen {path}: {error.strerror}") from None
        os.close(fd)
        return
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseRefused(f"{path} er ikke en vanlig fil")
    if info.st_mode & 0o222 == 0 or not os.access(path, os.W_OK):
        raise DatabaseRefused(f"databasen {path} er skrivebeskyttet; eksamen-tui åpner den ikke (og endrer ikke rettighetene)")
    if not os.access(path, os.R_OK):
        raise DatabaseRefused(f"eksamen-tui har ikke lov til å lese {path}")
    if info.st_size == 0:
        return
    from eksamen_tui.db.migrations import refuse_unless_ours

    probe = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", poolclass=NullPool)
    try:
        with probe.connect() as conn:
            refuse_unless_ours(conn, str(path))
    except DatabaseRefused:
        raise
    except SQLAlchemyError as error:  # not a database at all, or unreadable
        raise DatabaseRefused(f"{path} er ikke en eksamen-tui-database ({_short(error)}); den er ikke endret") from None
    finally:
        probe.dispose()


def _short(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.splitlines()[0][:120] if text else type(error).__name__


def _sqlite_begin(conn) -> None:
    # We issue BEGIN ourselves so that DDL (migrations) is transactional too
    # (the sqlite3 module would commit before every CREATE/ALTER), and so
    # that a write takes the write lock at its start: BEGIN IMMEDIATE waits
    # for it (busy timeout) where a deferred BEGIN would fail half-way.
    if conn.get_execution_options().get("eksamen_read"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # no implicit transactions (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _checkpoint_only_at_backstop(dbapi_connection, _record) -> None:
    from eksamen_tui.db.checkpoints import BACKSTOP_PAGES

    dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")


def _switch_to_wal(cursor) -> None:
    """PRAGMA journal_mode=WAL, waiting for the lock as a write would.
    SQLite does not apply the busy timeout here when another connection is
    switching the same new file at that moment: several counters opening a
    fresh database at once, one of them failed with «database is locked»
    at once. Retried with short pauses until the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.002
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.1)


# --- PostgreSQL (and other servers) ----------------------------------------

def _server_engine(url) -> Engine:
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")  # psycopg 3, the [postgres] extra
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError:
        raise DatabaseRefused(
            "driveren for PostgreSQL mangler; installer den med: pip install 'eksamen-tui[postgres]'") from None
    except Exception as error:
        raise DatabaseRefused(f"ugyldig database-URL: {_short(error)}") from None
    if engine.dialect.name == "postgresql":
        from eksamen_tui.db.models import with_postgresql_clauses

        with_postgresql_clauses()  # the partial indexes' clause on PostgreSQL (see models._partial_unique)
        event.listen(engine, "connect", _postgres_settings)
    event.listen(engine, "handle_error", _busy_error)
    _engines.add(engine)
    return engine


def _postgres_settings(dbapi_connection, _record) -> None:
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    with dbapi_connection.cursor() as cursor:
        # a row lock held by another counter is waited for, within limits
        cursor.execute(f"SET lock_timeout = '{int(BUSY_TIMEOUT_SECONDS * 1000)}ms'")
    dbapi_connection.autocommit = autocommit


_BUSY_SQLSTATES = {"55P03", "40P01", "40001"}  # lock timeout, deadlock, serialization failure


def _busy_error(context):
    original = context.original_exception
    if isinstance(original, sqlite3.OperationalError):
        message = str(original).lower()
        if "locked" in message or "busy" in message:
            return DatabaseBusy()
        return None
    if getattr(original, "sqlstate", None) in _BUSY_SQLSTATES:
        return DatabaseBusy()
    return None


def reset_sequences(conn, tables) -> None:
    """After rows were inserted with explicit ids: move each table's id
    sequence past its largest id (PostgreSQL), so the next plain INSERT gets
    a free id. SQLite needs nothing (it takes MAX(rowid) + 1)."""
    if conn.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for table in tables:
        name = getattr(table, "name", table)
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence(:table, 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{name}"), 0) + 1, false)'), {"table": f'"{name}"'})


# --- transactions -------------------------------------------------------------

def read_engine(engine: Engine) -> Engine:
    """The same engine for reading: on SQLite its transactions start with a
    plain BEGIN (no write lock), so reads never wait for writers."""
    reader = engine.__dict__.get("_eksamen_reader")
    if reader is None:
        reader = engine.execution_options(**READ_ONLY)
        engine.__dict__["_eksamen_reader"] = reader
    return reader


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One short write transaction: commit on success, roll back on any error."""
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
