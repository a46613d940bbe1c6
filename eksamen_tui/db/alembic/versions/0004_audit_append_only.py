"""The audit trail is append-only in the database itself.

SQLite: triggers abort every UPDATE and DELETE on `auditentry`.
PostgreSQL: a trigger function raises on UPDATE, DELETE and TRUNCATE.
No code path of the app changes or removes an audit row; with these, plain
SQL cannot either (short of dropping the triggers, which is itself a schema
change). A later batch-mode rebuild of `auditentry` on SQLite must create
the triggers again.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MESSAGE = "revisjonssporet kan ikke endres eller slettes"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER auditentry_no_{verb.lower()} BEFORE {verb} ON auditentry "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION eksamen_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE} (%)', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$"
    )
    op.execute("CREATE TRIGGER auditentry_append_only BEFORE UPDATE OR DELETE ON auditentry "
               "FOR EACH ROW EXECUTE FUNCTION eksamen_audit_append_only()")
    op.execute("CREATE TRIGGER auditentry_no_truncate BEFORE TRUNCATE ON auditentry "
               "FOR EACH STATEMENT EXECUTE FUNCTION eksamen_audit_append_only()")


def downgrade() -> None:
    raise NotImplementedError("eksamen-tui does not downgrade databases")
