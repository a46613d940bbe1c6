"""After the exam (issue 18): answer-script custody (handed out, returned,
shortfalls resolved with a reason), grading-deadline extensions, fee forms,
and the publication of grading guidelines.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scriptmovement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("clerk", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["exam_id"], ["exam.id"]),
        sa.ForeignKeyConstraint(["examiner_id"], ["examiner.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scriptmovement_exam", "scriptmovement", ["exam_id", "examiner_id"], unique=False)
    op.create_table(
        "scriptresolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("clerk", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["exam_id"], ["exam.id"]),
        sa.ForeignKeyConstraint(["examiner_id"], ["examiner.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scriptresolution_exam", "scriptresolution", ["exam_id"], unique=False)
    op.create_table(
        "gradingextension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("new_deadline", sa.Date(), nullable=False),
        sa.Column("decision_reference", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("clerk", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["exam_id"], ["exam.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_gradingextension_exam", "gradingextension", ["exam_id"], unique=False)
    op.create_table(
        "feeform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("sent_by", sa.Text(), nullable=True),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("confirmed_by", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["exam_id"], ["exam.id"]),
        sa.ForeignKeyConstraint(["examiner_id"], ["examiner.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exam_id", "examiner_id", name="uq_feeform_exam_examiner"),
    )
    op.create_table(
        "guidelinespublication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("clerk", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["exam_id"], ["exam.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exam_id"),
    )


def downgrade() -> None:
    op.drop_table("guidelinespublication")
    op.drop_table("feeform")
    op.drop_index("ix_gradingextension_exam", table_name="gradingextension")
    op.drop_table("gradingextension")
    op.drop_index("ix_scriptresolution_exam", table_name="scriptresolution")
    op.drop_table("scriptresolution")
    op.drop_index("ix_scriptmovement_exam", table_name="scriptmovement")
    op.drop_table("scriptmovement")
