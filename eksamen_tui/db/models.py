"""SQLModel tables. Portable SQL only: the same models run on SQLite (the
embedded default) and on PostgreSQL through a SQLAlchemy URL.

Timestamps are naive local office time (NaiveDatetime): one office, one
time zone, and what the clerk saw is what is stored.

Enumerated values (attendance states, grade scales, case types ...) are
stored as short text; the domain modules own their meaning.
"""
from __future__ import annotations

from datetime import date, time
from typing import Optional

from pydantic import NaiveDatetime
from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from eksamen_tui.domain.vocabulary import CommissionKind, GradeSource, GradeStatus


_POSTGRESQL_WHERE: list[tuple[Index, str]] = []  # (index, its clause on PostgreSQL)


def _partial_unique(name: str, columns: tuple[str, ...], where: str) -> tuple[Index]:
    """A unique index over the rows that match `where` (SQLite and
    PostgreSQL both have partial indexes). `{true}` is the boolean literal.
    These hold what several counters must never break: one current grade
    per registration and part, one grade appeal per registration, one
    appeal commission per exam (and part), one examiner per e-mail.

    The PostgreSQL clause is attached by `with_postgresql_clauses` when a
    PostgreSQL engine is made: naming it here (postgresql_where=) loads
    SQLAlchemy's PostgreSQL dialect on every start, SQLite's included
    (~60 ms of CPU). The migrations create the indexes with both clauses."""
    index = Index(name, *columns, unique=True, sqlite_where=text(where.format(true="1")))
    _POSTGRESQL_WHERE.append((index, where.format(true="true")))
    return (index,)


def with_postgresql_clauses() -> None:
    """Give the partial indexes their PostgreSQL clause (idempotent)."""
    for index, where in _POSTGRESQL_WHERE:
        index.dialect_options["postgresql"]["where"] = text(where)


class Setting(SQLModel, table=True):
    """Institution settings as key/value text (values are JSON)."""

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(default="")


class Course(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)
    department: str = Field(default="", max_length=200)


class Exam(SQLModel, table=True):
    """An assessment of a course in one semester (vurdering)."""

    __table_args__ = (
        Index("ix_exam_course_date", "course_id", "exam_date"),
        Index("ix_exam_date", "exam_date"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id")
    semester: str = Field(max_length=10)  # e.g. "2026H", "2027V"
    exam_form: str = Field(max_length=40)
    exam_date: date
    start_time: Optional[time] = None
    duration_minutes: Optional[int] = None
    grade_scale: str = Field(default="letter", max_length=12)
    campus: str = Field(default="", max_length=60)
    rooms: str = Field(default="", max_length=200)
    is_thesis: bool = False
    published_on: Optional[date] = None


class ExamPart(SQLModel, table=True):
    """A weighted part of an exam (delvurdering)."""

    __table_args__ = (Index("ix_exampart_exam", "exam_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id")
    name: str = Field(max_length=100)
    weight: int = Field(default=50)  # percent
    exam_form: str = Field(default="", max_length=40)
    exam_date: Optional[date] = None
    start_time: Optional[time] = None
    duration_minutes: Optional[int] = None
    grade_scale: str = Field(default="letter", max_length=12)
    campus: str = Field(default="", max_length=60)
    rooms: str = Field(default="", max_length=200)


class Student(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    student_number: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=200)


class Registration(SQLModel, table=True):
    """A student's registration for an exam (vurderingsmelding)."""

    __table_args__ = (
        UniqueConstraint("exam_id", "candidate_number", name="uq_registration_exam_candidate"),
        UniqueConstraint("exam_id", "student_id", name="uq_registration_exam_student"),
        Index("ix_registration_student", "student_id"),
        Index("ix_registration_exam_state", "exam_id", "attendance_state"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id")
    student_id: int = Field(foreign_key="student.id")
    candidate_number: int
    attempt_number: int = 1
    language_form: str = Field(default="bokmål", max_length=20)
    accommodations: str = Field(default="", max_length=200)
    attendance_state: str = Field(default="registered", max_length=20)
    withdrawn_on: Optional[date] = None
    documentation_received_on: Optional[date] = None


class AttendanceChange(SQLModel, table=True):
    """The history of a registration's attendance state: recorded, not overwritten."""

    __table_args__ = (Index("ix_attendancechange_registration", "registration_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id")
    old_state: str = Field(max_length=20)
    new_state: str = Field(max_length=20)
    changed_at: NaiveDatetime
    clerk: str = Field(max_length=80)
    reason: str = Field(default="", max_length=200)


class PaperDelivery(SQLModel, table=True):
    """One delivery of an exam paper; re-deliveries add rows, the latest counts."""

    __table_args__ = (Index("ix_paperdelivery_exam", "exam_id", "received_at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id")
    part_id: Optional[int] = Field(default=None, foreign_key="exampart.id")
    received_at: NaiveDatetime
    delivered_by: str = Field(max_length=120)
    received_by: str = Field(max_length=80)
    delivery_format: str = Field(default="paper", max_length=10)  # paper | pdf
    checklist: str = Field(default="{}")  # JSON: item -> bool
    checklist_complete: bool = False
    copies: int = 0
    remark: str = Field(default="")
    is_late: bool = False
    deadline: Optional[date] = None


class Grade(SQLModel, table=True):
    """A grade for a registration, for the whole exam (part_id NULL) or a part.

    status: a GradeStatus value. `is_current` is False for a
    grade replaced by an appeal or a correction; it stays as history.
    source: a GradeSource value.
    """

    __table_args__ = (
        Index("ix_grade_registration_part", "registration_id", "part_id", "is_current"),
        *_partial_unique("uq_grade_current_whole", ("registration_id",), "is_current = {true} AND part_id IS NULL"),
        *_partial_unique("uq_grade_current_part", ("registration_id", "part_id"),
                         "is_current = {true} AND part_id IS NOT NULL"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id")
    part_id: Optional[int] = Field(default=None, foreign_key="exampart.id")
    value: str = Field(max_length=20)
    status: str = Field(default=GradeStatus.PROVISIONAL.value, max_length=12)
    source: str = Field(default=GradeSource.ENTRY.value, max_length=12)
    control_value: Optional[str] = Field(default=None, max_length=20)
    is_current: bool = True
    entered_by: str = Field(default="", max_length=80)
    entered_at: Optional[NaiveDatetime] = None
    controlled_by: Optional[str] = Field(default=None, max_length=80)
    controlled_at: Optional[NaiveDatetime] = None


class Examiner(SQLModel, table=True):
    __table_args__ = (Index("ix_examiner_email", "email"), Index("ix_examiner_name", "name"),
                      *_partial_unique("uq_examiner_email", ("email",), "email <> ''"))

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=200)
    employer: str = Field(default="", max_length=200)
    is_external: bool = False


class Commission(SQLModel, table=True):
    """The examiners of an exam (ordinary) or of its appeals (appeal)."""

    __table_args__ = (
        Index("ix_commission_exam", "exam_id", "kind"),
        *_partial_unique("uq_commission_appeal_whole", ("exam_id",), "kind = 'appeal' AND part_id IS NULL"),
        *_partial_unique("uq_commission_appeal_part", ("exam_id", "part_id"),
                         "kind = 'appeal' AND part_id IS NOT NULL"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id")
    part_id: Optional[int] = Field(default=None, foreign_key="exampart.id")
    kind: str = Field(default=CommissionKind.ORDINARY.value, max_length=10)  # a CommissionKind value
    number: int = 1
    created_at: Optional[NaiveDatetime] = None


class CommissionMember(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("commission_id", "examiner_id", name="uq_member_commission_examiner"),
        Index("ix_member_examiner", "examiner_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    commission_id: int = Field(foreign_key="commission.id")
    examiner_id: int = Field(foreign_key="examiner.id")
    role: str = Field(default="sensor", max_length=60)
    is_paid: bool = False
    candidate_count: Optional[int] = None


class Case(SQLModel, table=True):
    """An explanation request or an appeal (FS case types)."""

    __table_args__ = (
        Index("ix_case_registration", "registration_id"),
        Index("ix_case_type_closed", "case_type", "closed_on"),
        *_partial_unique("uq_case_grade_appeal", ("registration_id",), "case_type = 'grade_appeal'"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id")
    case_type: str = Field(max_length=20)  # explanation | grade_appeal | formal_appeal
    received_on: date
    in_time: bool = True
    override_reason: str = Field(default="")
    deadline: Optional[date] = None  # to give the explanation / to regrade
    commission_id: Optional[int] = Field(default=None, foreign_key="commission.id")
    sent_to_commission_on: Optional[date] = None
    original_grade: Optional[str] = Field(default=None, max_length=20)
    new_grade: Optional[str] = Field(default=None, max_length=20)
    outcome: Optional[str] = Field(default=None, max_length=12)  # up | down | unchanged
    needs_further_assessment: bool = False
    further_assessment_on: Optional[date] = None
    explanation_given_on: Optional[date] = None
    explanation_form: Optional[str] = Field(default=None, max_length=10)  # oral | written
    decision_on: Optional[date] = None
    decision_sent_on: Optional[date] = None
    closed_on: Optional[date] = None


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, from which value to which, and why."""

    __table_args__ = (
        Index("ix_audit_entity", "entity", "entity_id"),
        Index("ix_audit_at", "at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    at: NaiveDatetime
    clerk: str = Field(max_length=80)
    entity: str = Field(max_length=40)
    entity_id: int
    field: str = Field(max_length=60)
    old_value: Optional[str] = None
    new_value: Optional[str] = None
    reason_code: Optional[str] = Field(default=None, max_length=40)
    note: str = Field(default="")


class ScriptMovement(SQLModel, table=True):
    """Answer scripts handed out to an examiner or returned to the office
    (direction out | back; kind original | copy). Rows are added, never edited."""

    __table_args__ = (Index("ix_scriptmovement_exam", "exam_id", "examiner_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id")
    examiner_id: int = Field(foreign_key="examiner.id")
    kind: str = Field(default="original", max_length=10)
    direction: str = Field(max_length=4)
    count: int
    on_date: date
    at: NaiveDatetime
    clerk: str = Field(max_length=80)  # handed out by / received by
    note: str = Field(default="", max_length=200)


class ScriptResolution(SQLModel, table=True):
    """A shortfall of scripts accounted for with a reason (valid for that
    shortfall only)."""

    __table_args__ = (Index("ix_scriptresolution_exam", "exam_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id")
    examiner_id: int = Field(foreign_key="examiner.id")
    kind: str = Field(default="original", max_length=10)
    missing: int
    reason: str = Field(max_length=200)
    at: NaiveDatetime
    clerk: str = Field(max_length=80)


class GradingExtension(SQLModel, table=True):
    """An approved extension of an exam's grading deadline; the latest counts."""

    __table_args__ = (Index("ix_gradingextension_exam", "exam_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id")
    new_deadline: date
    decision_reference: str = Field(max_length=120)
    approved_by: str = Field(max_length=120)
    at: NaiveDatetime
    clerk: str = Field(max_length=80)


class FeeForm(SQLModel, table=True):
    """The fee form (honorarskjema) of one examiner for one exam."""

    __table_args__ = (UniqueConstraint("exam_id", "examiner_id", name="uq_feeform_exam_examiner"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id")
    examiner_id: int = Field(foreign_key="examiner.id")
    sent_on: Optional[date] = None
    sent_by: Optional[str] = Field(default=None, max_length=80)
    confirmed_on: Optional[date] = None
    confirmed_by: Optional[str] = Field(default=None, max_length=80)


class GuidelinesPublication(SQLModel, table=True):
    """Grading guidelines (sensorveiledning) made available to the candidates."""

    id: Optional[int] = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", unique=True)
    published_on: date
    at: NaiveDatetime
    clerk: str = Field(max_length=80)


def _text_columns() -> None:
    """Every string column is TEXT in the database (see alembic revision
    0002): the max_length values above document what the fields hold, and
    input is checked at the boundary, but no backend refuses a long value."""
    from sqlalchemy import String, Text

    for table in SQLModel.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                column.type = Text()


_text_columns()
