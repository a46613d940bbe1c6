"""A versioned schema. Each migration is a function from version N-1 to N,
run in its own transaction; the current version is kept in `schema_version`.

Version 1 is the baseline schema from the models. A later change to the
models adds a migration here (ALTER TABLE ...), never edits an earlier one,
so an upgrade keeps every row.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from eksamen_tui.db import models  # noqa: F401  (registers the tables)


def _v1_baseline(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "baseline schema", _v1_baseline),
]

LATEST_VERSION = MIGRATIONS[-1][0]


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not inspect(conn).has_table("schema_version"):
            return 0
        value = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
        return int(value or 0)


def upgrade(engine: Engine, migrations=None) -> list[int]:
    """Bring the schema to the newest version; returns the versions applied."""
    migrations = MIGRATIONS if migrations is None else migrations
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, description VARCHAR(200) NOT NULL)"
            )
        )
    applied: list[int] = []
    have = current_version(engine)
    for version, description, step in migrations:
        if version <= have:
            continue
        with engine.begin() as conn:
            step(conn)
            conn.execute(
                text("INSERT INTO schema_version (version, description) VALUES (:v, :d)"),
                {"v": version, "d": description},
            )
        applied.append(version)
    return applied
