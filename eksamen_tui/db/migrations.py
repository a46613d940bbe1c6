"""Schema migrations with Alembic (batch mode on SQLite).

The revisions live inside the package, in eksamen_tui/db/alembic/versions/
(shipped as package data, found through the package, never the current
folder). 0001 is the frozen schema of the first release; a database that
release wrote (its own `schema_version` table, version 1) is stamped 0001
and upgraded from there, keeping every row.

`upgrade(engine)` runs on every start, in ONE transaction that holds the
database's lock (BEGIN IMMEDIATE on SQLite, pg_advisory_xact_lock on
PostgreSQL), so several counters may start at once on a fresh database.
It refuses, before writing anything, a database that is not an eksamen-tui
database or whose schema is newer than this program knows.

Adding a revision: see "ALEMBIC LANDED" in the project notes, or
`python -m eksamen_tui.db.migrations new "what it does"`.
"""
from __future__ import annotations

import sys
from functools import lru_cache

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine

from eksamen_tui.db.errors import DatabaseRefused

SHIPPED_SCRIPTS = "eksamen_tui.db:alembic"
SCRIPT_LOCATION = SHIPPED_SCRIPTS
MARKER_TABLE = "eksamen_tui_marker"
BASELINE = "0001"
# The newest revision, written out so that a database already at it opens
# without importing Alembic (~0.1 s and ~10 MB at every start).
# tests/test_migrations.py checks it against the revision files.
HEAD = "0005"


def _head() -> str:
    """The newest revision: HEAD for the shipped revisions (no Alembic import)."""
    return HEAD if SCRIPT_LOCATION == SHIPPED_SCRIPTS else head_revision()
LEGACY_TABLES = {"schema_version", "course", "exam", "registration", "grade", "auditentry"}
# pg_advisory_xact_lock(key, hashtext(schema)): one lock per eksamen-tui schema ("eks" in ASCII)
ADVISORY_LOCK_KEY = 0x656B73


def _config(connection: Connection | None = None, applied: list | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    config.attributes["applied"] = applied
    return config


@lru_cache(maxsize=1)
def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    heads = _script().get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads {heads}; point one down_revision at the other")
    return heads[0]


def known_revisions() -> set[str]:
    return {script.revision for script in _script().walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    """The database's Alembic revision, or None (empty, legacy or foreign)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def classify(conn: Connection) -> tuple[str, str | None]:
    """What the database on `conn` is, without writing to it:
    ("empty", None) | ("ours", revision) | ("legacy", None) | ("newer", revision) | ("foreign", None)."""
    tables = set(inspect(conn).get_table_names())
    if not tables:
        return "empty", None
    if MARKER_TABLE in tables or LEGACY_TABLES <= tables:
        revision = current_revision(conn) if "alembic_version" in tables else None
        if revision is not None:
            return ("ours" if revision == _head() or revision in known_revisions() else "newer"), revision
        if MARKER_TABLE in tables:
            return "foreign", None  # marker without a version: damaged
        version = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
        if version == 1:
            return "legacy", None
        if isinstance(version, int) and version > 1:
            return "newer", f"schema_version {version}"
    return "foreign", None


def refuse_unless_ours(conn: Connection, where: str) -> str:
    """Raise DatabaseRefused for a foreign or newer database; return the kind."""
    kind, revision = classify(conn)
    if kind == "foreign":
        raise DatabaseRefused(
            f"{where} er ikke en eksamen-tui-database (en annen programs data); den er ikke endret")
    if kind == "newer":
        raise DatabaseRefused(
            f"databasen {where} har et nyere skjema ({revision}) enn denne versjonen av eksamen-tui kjenner; "
            "oppgrader eksamen-tui. Databasen er ikke endret")
    return kind


def upgrade(engine: Engine) -> list[str]:
    """Bring the schema to the newest revision; returns the revisions applied."""
    # (engine.describe_target, inlined: engine imports this module, so importing it back would be a cycle)
    url = engine.url
    where = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)
    applied: list[str] = []
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # batch mode copies tables: foreign keys are checked once at the end
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():  # BEGIN IMMEDIATE on SQLite: the write lock, waited for
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key, hashtext(coalesce(current_schema(), '')))"),
                                 {"key": ADVISORY_LOCK_KEY})
                kind = refuse_unless_ours(conn, where)
                if kind == "ours" and current_revision(conn) == _head():
                    return []
                from alembic import command

                config = _config(conn, applied)
                if kind == "legacy":
                    command.stamp(config, BASELINE)
                    applied.clear()  # stamping is not applying
                command.upgrade(config, "head")
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left rows breaking foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    return applied


def _new_revision(message: str) -> None:
    """Write a new, empty revision file on top of the current head."""
    from alembic import command

    head = head_revision()
    script = command.revision(_config(), message=message, rev_id=f"{int(head) + 1:04d}", head=head)
    print(script.path)
    print(f"now set HEAD = \"{int(head) + 1:04d}\" in {__file__}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "new":
        _new_revision(" ".join(sys.argv[2:]))
    elif len(sys.argv) == 2 and sys.argv[1] == "head":
        print(head_revision())
    else:
        print("usage: python -m eksamen_tui.db.migrations new MESSAGE | head")
        sys.exit(2)
