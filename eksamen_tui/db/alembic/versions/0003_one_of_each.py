"""What several counters must never break, held by the database itself:
at most one current grade per registration and part, one grade appeal per
registration, one appeal commission per exam (and part), one examiner per
e-mail address. Partial unique indexes, on SQLite and PostgreSQL.

An existing database may already break them (two counters raced before
this release). Before the indexes are made:
- two current grades for one registration and part: the newest stays
  current, the older ones become history (is_current false), audited;
- two examiners with one e-mail: the oldest row stays, the other's
  commission memberships move to it (or go, when it is already a member),
  audited;
- two grade appeals for one registration, or two appeal commissions for
  one exam: a clerk has to decide which is right, so the upgrade stops
  with a message naming them, and the database is left as it was.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CLERK = "oppgradering"

_grade = sa.table("grade", sa.column("id", sa.Integer), sa.column("registration_id", sa.Integer),
                  sa.column("part_id", sa.Integer), sa.column("is_current", sa.Boolean),
                  sa.column("value", sa.String))
_examiner = sa.table("examiner", sa.column("id", sa.Integer), sa.column("email", sa.String),
                     sa.column("name", sa.String))
_member = sa.table("commissionmember", sa.column("id", sa.Integer), sa.column("commission_id", sa.Integer),
                   sa.column("examiner_id", sa.Integer))
_case = sa.table("case", sa.column("id", sa.Integer), sa.column("registration_id", sa.Integer),
                 sa.column("case_type", sa.String))
_commission = sa.table("commission", sa.column("id", sa.Integer), sa.column("exam_id", sa.Integer),
                       sa.column("part_id", sa.Integer), sa.column("kind", sa.String))
_audit = sa.table("auditentry", sa.column("at", sa.DateTime), sa.column("clerk", sa.String),
                  sa.column("entity", sa.String), sa.column("entity_id", sa.Integer), sa.column("field", sa.String),
                  sa.column("old_value", sa.String), sa.column("new_value", sa.String),
                  sa.column("reason_code", sa.String), sa.column("note", sa.String))

INDEXES = [
    ("uq_grade_current_whole", "grade", ["registration_id"], "is_current = {true} AND part_id IS NULL"),
    ("uq_grade_current_part", "grade", ["registration_id", "part_id"], "is_current = {true} AND part_id IS NOT NULL"),
    ("uq_case_grade_appeal", "case", ["registration_id"], "case_type = 'grade_appeal'"),
    ("uq_commission_appeal_whole", "commission", ["exam_id"], "kind = 'appeal' AND part_id IS NULL"),
    ("uq_commission_appeal_part", "commission", ["exam_id", "part_id"], "kind = 'appeal' AND part_id IS NOT NULL"),
    ("uq_examiner_email", "examiner", ["email"], "email <> ''"),
]


def _audit_row(conn, entity, entity_id, field, old, new, note):
    conn.execute(_audit.insert().values(at=datetime.now().replace(microsecond=0), clerk=CLERK, entity=entity,
                                        entity_id=entity_id, field=field, old_value=old, new_value=new,
                                        reason_code="upgrade_duplicate", note=note))


def _retire_extra_current_grades(conn) -> None:
    current = conn.execute(sa.select(_grade.c.id, _grade.c.registration_id, _grade.c.part_id)
                           .where(_grade.c.is_current == sa.true()).order_by(_grade.c.id)).all()
    newest: dict[tuple, int] = {}
    for grade_id, registration_id, part_id in current:
        newest[(registration_id, part_id)] = grade_id
    keep = set(newest.values())
    for grade_id, registration_id, part_id in current:
        if grade_id in keep:
            continue
        conn.execute(_grade.update().where(_grade.c.id == grade_id).values(is_current=False))
        _audit_row(conn, "grade", grade_id, "is_current", "ja", "nei",
                   f"to gjeldende karakterer for samme oppmelding; nyeste (id {newest[(registration_id, part_id)]}) "
                   "gjelder")


def _merge_examiners_by_email(conn) -> None:
    rows = conn.execute(sa.select(_examiner.c.id, _examiner.c.email).where(_examiner.c.email != "")
                        .order_by(_examiner.c.id)).all()
    first: dict[str, int] = {}
    for examiner_id, email in rows:
        if email not in first:
            first[email] = examiner_id
            continue
        keep = first[email]
        kept_in = set(conn.execute(sa.select(_member.c.commission_id).where(_member.c.examiner_id == keep)).scalars())
        for member_id, commission_id in conn.execute(sa.select(_member.c.id, _member.c.commission_id)
                                                     .where(_member.c.examiner_id == examiner_id)).all():
            if commission_id in kept_in:
                conn.execute(_member.delete().where(_member.c.id == member_id))
            else:
                conn.execute(_member.update().where(_member.c.id == member_id).values(examiner_id=keep))
                kept_in.add(commission_id)
        conn.execute(_examiner.delete().where(_examiner.c.id == examiner_id))
        _audit_row(conn, "examiner", examiner_id, "merged_into", str(examiner_id), str(keep),
                   f"samme e-post {email}: slått sammen med sensor {keep}")


def _refuse_duplicates(conn) -> None:
    problems = []
    for registration_id, count in conn.execute(
            sa.select(_case.c.registration_id, sa.func.count()).where(_case.c.case_type == "grade_appeal")
            .group_by(_case.c.registration_id).having(sa.func.count() > 1)).all():
        problems.append(f"{count} klager på karakter for oppmelding {registration_id}")
    for exam_id, part_id, count in conn.execute(
            sa.select(_commission.c.exam_id, _commission.c.part_id, sa.func.count())
            .where(_commission.c.kind == "appeal")
            .group_by(_commission.c.exam_id, _commission.c.part_id).having(sa.func.count() > 1)).all():
        problems.append(f"{count} klagekommisjoner for eksamen {exam_id}" + (f" del {part_id}" if part_id else ""))
    if problems:
        raise RuntimeError("Databasen har dobbeltregistreringer som må ryddes før oppgraderingen: "
                           + "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else ""))


def upgrade() -> None:
    conn = op.get_bind()
    _refuse_duplicates(conn)
    _retire_extra_current_grades(conn)
    _merge_examiners_by_email(conn)
    for name, table, columns, where in INDEXES:
        op.create_index(name, table, columns, unique=True,
                        sqlite_where=sa.text(where.format(true="1")),
                        postgresql_where=sa.text(where.format(true="true")))


def downgrade() -> None:
    raise NotImplementedError("eksamen-tui does not downgrade databases")
