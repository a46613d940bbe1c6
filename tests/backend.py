"""Which database the tests run on, and where each test's database is.

SQLite (default): a file under the test's tmp_path.
PostgreSQL: EKSAMEN_TEST_DB=postgresql+psycopg://postgres@127.0.0.1:5432/test
runs the suite against that server. Each pytest process (xdist worker) has
its own schema, migrated once and emptied before every test that uses it
(the rows of the tables the last test wrote deleted, ids restarting at 1;
a test that never asked for it costs nothing). Any other database a test
asks for (db_target(tmp_path, "other.db")) is a fresh schema of its own,
dropped after the test; the EKSAMEN_DB every test gets (env_target) is one
schema per worker, recreated when a test left anything in it. A database
is named by a URL carrying its schema (options=-csearch_path=...), so a CLI subprocess
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
_worker_used = False  # handed out since it was last emptied
_env_schema: str | None = None
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


def env_target(tmp_path: Path) -> str:
    """The EKSAMEN_DB every test gets (few use it): a file under tmp_path,
    or on PostgreSQL this process's env schema, empty (recreated only when
    the test before left anything in it)."""
    global _env_schema
    if not ON_POSTGRES:
        return str(Path(tmp_path) / "env.db")
    from sqlalchemy import text

    if _env_schema is not None:
        with admin().connect() as conn:
            dirty = conn.execute(text(
                "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s) OR EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n "
                "ON n.oid = t.typnamespace WHERE n.nspname = :s)"), {"s": _env_schema}).scalar()
        if not dirty:
            return schema_url(_env_schema)
        _execute(f'DROP SCHEMA IF EXISTS "{_env_schema}" CASCADE')
    _env_schema = f"{SCHEMA_PREFIX}{os.getpid()}_env"
    _drop_stale_schemas()
    _execute(f'DROP SCHEMA IF EXISTS "{_env_schema}" CASCADE')
    _execute(f'CREATE SCHEMA "{_env_schema}"')
    return schema_url(_env_schema)


def worker_schema() -> str:
    """This process's schema, migrated once (and emptied before each test
    that uses it)."""
    global _worker_schema, _worker_used
    _worker_used = True
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
    """Empty the worker schema as if freshly migrated, when a test has used
    it since: DELETE the rows of every table that holds any and restart
    every id sequence drawn from (ids start at 1 again). Replica role: the
    audit table's append-only triggers and the foreign-key triggers do not
    fire. (TRUNCATE would cost the server new files and an fsync for every
    table and index, ~1 s a test; untouched tables are not visited.)"""
    global _worker_used
    if _worker_schema is None or not _worker_used:
        return
    from sqlalchemy import text

    schema = _worker_schema
    with admin().connect() as conn:
        tables = [t for t in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
            {"s": schema}).scalars().all() if t not in _KEEP]
        holding = conn.execute(text(" UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{schema}\".\"{t}\")" for t in tables))).scalars().all() \
            if tables else []
        drawn = conn.execute(text(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = :s AND last_value IS NOT NULL"),
            {"s": schema}).scalars().all()
        statements = [f'DELETE FROM "{schema}"."{table}"' for table in holding]
        statements += [f"SELECT setval('\"{schema}\".\"{name}\"', 1, false)" for name in drawn]
        if statements:  # one transaction, one round trip
            conn.exec_driver_sql("; ".join(["BEGIN", "SET LOCAL session_replication_role = replica",
                                            *statements, "COMMIT"]))
    _worker_used = False


def drop_test_schemas() -> None:
    while _test_schemas:
        _, schema = _test_schemas.popitem()
        _execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def drop_worker_schema() -> None:
    global _worker_schema, _env_schema
    if _worker_schema is not None:
        _execute(f'DROP SCHEMA IF EXISTS "{_worker_schema}" CASCADE')
        _worker_schema = None
    if _env_schema is not None:
        _execute(f'DROP SCHEMA IF EXISTS "{_env_schema}" CASCADE')
        _env_schema = None


_stale_dropped = False


def _drop_stale_schemas() -> None:
    """Schemas left by test processes that no longer run (killed runs);
    once per process."""
    global _stale_dropped
    if _stale_dropped:
        return
    _stale_dropped = True
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
