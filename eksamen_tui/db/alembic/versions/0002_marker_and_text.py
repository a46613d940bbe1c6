"""The eksamen-tui marker table, and unbounded text on servers.

`eksamen_tui_marker` tells an eksamen-tui database from any other: the app
opens only a database that has it (or an empty one, or one written by the
first release, which is stamped with 0001 and upgraded).

On PostgreSQL (and any other server) every length-limited VARCHAR becomes
TEXT, so a long name is stored instead of failing on one backend only.
SQLite never enforced the lengths, so its tables are left as they are.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# every String(length) column of the baseline: table -> [(column, length, nullable)]
_LIMITED = {
    "schema_version": [("description", 200, False)],
    "auditentry": [("clerk", 80, False), ("entity", 40, False), ("field", 60, False), ("reason_code", 40, True)],
    "course": [("code", 20, False), ("name", 200, False), ("department", 200, False)],
    "examiner": [("name", 200, False), ("email", 200, False), ("employer", 200, False)],
    "setting": [("key", 80, False)],
    "student": [("student_number", 20, False), ("name", 200, False)],
    "exam": [("semester", 10, False), ("exam_form", 40, False), ("grade_scale", 12, False),
             ("campus", 60, False), ("rooms", 200, False)],
    "exampart": [("name", 100, False), ("exam_form", 40, False), ("grade_scale", 12, False),
                 ("campus", 60, False), ("rooms", 200, False)],
    "registration": [("language_form", 20, False), ("accommodations", 200, False), ("attendance_state", 20, False)],
    "attendancechange": [("old_state", 20, False), ("new_state", 20, False), ("clerk", 80, False),
                         ("reason", 200, False)],
    "commission": [("kind", 10, False)],
    "grade": [("value", 20, False), ("status", 12, False), ("source", 12, False), ("control_value", 20, True),
              ("entered_by", 80, False), ("controlled_by", 80, True)],
    "paperdelivery": [("delivered_by", 120, False), ("received_by", 80, False), ("delivery_format", 10, False)],
    "case": [("case_type", 20, False), ("original_grade", 20, True), ("new_grade", 20, True),
             ("outcome", 12, True), ("explanation_form", 10, True)],
    "commissionmember": [("role", 60, False)],
}


def upgrade() -> None:
    op.create_table(
        "eksamen_tui_marker",
        sa.Column("application", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("application"),
    )
    op.execute("INSERT INTO eksamen_tui_marker (application) VALUES ('eksamen-tui')")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return
    for table, columns in _LIMITED.items():
        if dialect == "postgresql":  # one statement per table (VARCHAR -> TEXT rewrites nothing)
            changes = ", ".join(f'ALTER COLUMN "{column}" TYPE TEXT' for column, _, _ in columns)
            op.execute(f'ALTER TABLE "{table}" {changes}')
            continue
        for column, length, nullable in columns:
            op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length=length),
                            existing_nullable=nullable)


def downgrade() -> None:
    raise NotImplementedError("eksamen-tui does not downgrade databases")
