"""Alembic environment for eksamen-tui.

The app runs migrations itself (eksamen_tui.db.migrations.upgrade) on a
connection it has already locked (BEGIN IMMEDIATE on SQLite,
pg_advisory_xact_lock on PostgreSQL) and passes it in
`config.attributes["connection"]`; everything runs in that one transaction.
For a developer's `alembic revision --autogenerate`, see the README.
"""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from eksamen_tui.db import models  # noqa: F401  (registers the tables)

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # a developer running the alembic CLI with -x db=...
    from eksamen_tui.db.engine import make_engine

    db = context.get_x_argument(as_dictionary=True).get("db")
    if not db:
        raise SystemExit("give the database: alembic -x db=PATH-OR-URL ...")
    engine = make_engine(db)
    connection = engine.connect()

applied = config.attributes.get("applied")


def _record(ctx, step, heads, run_args) -> None:
    if applied is not None and step.is_upgrade:
        applied.append(step.up_revision_id)


context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move tables
    transaction_per_migration=False,
    on_version_apply=_record,
)
with context.begin_transaction():
    context.run_migrations()
if config.attributes.get("connection") is None:
    connection.commit()
    connection.close()
