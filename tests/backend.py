"""Which database the tests run on, and where each test's database is.

SQLite (default): a file under the test's tmp_path.
PostgreSQL: EKSAMEN_TEST_DB=postgresql+psycopg://postgres@127.0.0.1:5432/test
runs the suite against that server. Each pytest process (xdist worker) has
its own schema, migrated once and emptied (TRUNCATE) before every test;
any other database a test asks for (db_target(tmp_path, "other.db")) is a
fresh schema of its own, dropped after the test. A database is named by a
URL carrying its schema (options=-csearch_path=...), so a CLI subprocess
given `--db URL` sees the same data.
"""
from __future__ import annotations

import itertools
import os
from pathlib import Path
from urllib.parse import quote

ENV_TEST_DB = "EKSAMEN_TEST_DB"
TEST_DB = os.environ.get(ENV_TEST_DB, "").strip()
BACKEND = "postgresql" if TEST_DB else "sqlite"
ON_POSTGRES = BACKEND == "postgresql"
DEFAULT_NAME = "test.db"
SCHEMA_PREFIX = "eks_"

_counter = itertools.count()
_test_schemas: dict[str, str] = {}  # name -> schema, for the running test
_worker_schema: str | None = None
_admin = None


def admin():
    """An autocommit engine on the test server (creates and drops schemas)."""
    global _admin
    if _admin is None:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        _admin = create_engine(TEST_DB, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    return _admin


def schema_url(schema: str) -> str:
    """The test server's URL with `schema` as the only search_path entry."""
    separator = "&" if "?" in TEST_DB else "?"
    return f"{TEST_DB}{separator}options={quote(f'-csearch_path={schema}')}"


def db_target(tmp_path: Path, name: str = DEFAULT_NAME) -> str:
    """The --db value for the test's database called `name`."""
    if not ON_POSTGRES:
        return str(Path(tmp_path) / name)
    if name == DEFAULT_NAME:
        return schema_url(worker_schema())
    if name not in _test_schemas:
        schema = f"{SCHEMA_PREFIX}{os.getpid()}_{next(_counter)}"
        _execute(f'CREATE SCHEMA "{schema}"')
        _test_schemas[name] = schema
    return schema_url(_test_schemas[name])


def db_arg(ctx) -> str:
    """The --db value for a context's database (a path or a full URL)."""
    from eksamen_tui.db.engine import sqlite_path

    path = sqlite_path(ctx.engine)
    return str(path) if path else ctx.engine.url.render_as_string(hide_password=False)


def worker_schema() -> str:
    """This process's schema, migrated once (and emptied before each test)."""
    global _worker_schema
    if _worker_schema is None:
        schema = f"{SCHEMA_PREFIX}{os.getpid()}_w"
        _drop_stale_schemas()
        _execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        _execute(f'CREATE SCHEMA "{schema}"')
        from eksamen_tui.db.engine import make_engine
        from eksamen_tui.db.migrations import upgrade

        engine = make_engine(schema_url(schema))
        upgrade(engine)
        engine.dispose()
        _worker_schema = schema
    return _worker_schema


_KEEP = ("alembic_version", "eksamen_tui_marker")


def empty_worker_schema() -> None:
    """TRUNCATE every table of the worker schema (ids restart at 1)."""
    if _worker_schema is None:
        return
    from sqlalchemy import text

    with admin().connect() as conn:
        tables = conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": _worker_schema}).scalars().all()
        names = ", ".join(f'"{_worker_schema}"."{t}"' for t in tables if t not in _KEEP)
        if names:  # replica role: the audit table's append-only triggers do not fire
            conn.execute(text("SET session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def drop_test_schemas() -> None:
    while _test_schemas:
        _, schema = _test_schemas.popitem()
        _execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def drop_worker_schema() -> None:
    global _worker_schema
    if _worker_schema is not None:
        _execute(f'DROP SCHEMA IF EXISTS "{_worker_schema}" CASCADE')
        _worker_schema = None


def _drop_stale_schemas() -> None:
    """Schemas left by test processes that no longer run (killed runs)."""
    from sqlalchemy import text

    with admin().connect() as conn:
        names = conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
                             {"p": f"{SCHEMA_PREFIX}%"}).scalars().all()
    for name in names:
        pid = name[len(SCHEMA_PREFIX):].split("_")[0]
        if pid.isdigit() and not _alive(int(pid)):
            _execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _execute(sql: str) -> None:
    from sqlalchemy import text

    with admin().connect() as conn:
        conn.execute(text(sql))


def server_reachable(url: str, timeout: float = 3.0) -> str | None:
    """None when `url` answers, else the reason in one line."""
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        with psycopg.connect(host=parsed.host, port=parsed.port or 5432, user=parsed.username,
                             password=parsed.password, dbname=parsed.database, connect_timeout=timeout):
            return None
    except Exception as error:  # any failure means: not reachable
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def db_fingerprint(engine, *, include_file: bool = False) -> str:
    """A hash of every row of every table (the database's full content), on
    either backend; with include_file, a SQLite file's bytes too (after a
    checkpoint), so that even a rewrite of equal rows shows."""
    import hashlib

    from sqlalchemy import inspect, text

    from eksamen_tui.db.engine import sqlite_path

    engine.dispose()
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            for row in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')):
                digest.update(repr(tuple(row)).encode())
        conn.rollback()
    engine.dispose()
    path = sqlite_path(engine)
    if include_file and path is not None:
        import sqlite3

        raw = sqlite3.connect(path)
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.close()
        digest.update(path.read_bytes())
    return digest.hexdigest()
