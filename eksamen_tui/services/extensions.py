"""Approved extensions of a grading deadline: recorded (new date, the
decision's reference, who approved, audited); every desk that shows a
grading deadline asks here for the one in force."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as core_select
from sqlmodel import Session, select

from eksamen_tui.db.models import Exam, GradingExtension
from eksamen_tui.domain.extensions import check_extension, check_text
from eksamen_tui.domain.parsing import parse_date
from eksamen_tui.services import audit
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import require


@dataclass(frozen=True)
class GradingDeadline:
    """The grading deadline in force for one exam."""

    regular: date
    extended_to: date | None = None
    decision_reference: str = ""
    approved_by: str = ""

    @property
    def effective(self) -> date:
        return self.extended_to or self.regular

    @property
    def is_extended(self) -> bool:
        return self.extended_to is not None

    def describe(self) -> str:
        """«14.12.2026» or «08.01.2027 (utsatt fra 14.12.2026, vedtak PR-2026/17)»."""
        if not self.is_extended:
            return f"{self.regular:%d.%m.%Y}"
        ref = f", vedtak {self.decision_reference}" if self.decision_reference else ""
        return f"{self.effective:%d.%m.%Y} (utsatt fra {self.regular:%d.%m.%Y}{ref})"


def _in_force(rows_of, query, exam_ids) -> dict[int, object]:
    """The rule, in one place: of an exam's extensions the latest recorded
    (the highest id) is in force. `query` selects rows with an `exam_id`;
    `rows_of(statement)` runs it. `exam_ids`: a list of ids (asked for 5,000
    at a time), or a scalar subquery selecting them. exam id -> its row."""
    ordered = query.order_by(GradingExtension.__table__.c.id)
    exam_id = GradingExtension.__table__.c.exam_id
    if isinstance(exam_ids, (list, tuple, set)):
        exam_ids = list(exam_ids)
        batches = [exam_ids[start:start + 5000] for start in range(0, len(exam_ids), 5000)]
    else:
        batches = [exam_ids]
    latest: dict[int, object] = {}
    for batch in batches:
        for row in rows_of(ordered.where(exam_id.in_(batch))):
            latest[row.exam_id] = row  # a later one replaces an earlier one
    return latest


def extensions_for(session: Session, exam_ids: list[int]) -> dict[int, GradingExtension]:
    """The extension in force per exam, for those that have one."""
    return _in_force(lambda statement: session.exec(statement).all(), select(GradingExtension), exam_ids)


def extended_dates(session: Session, exam_ids) -> dict[int, date]:
    """The extended grading deadline per exam, for those that have one (the
    one in force). `exam_ids`: a list of ids, or a scalar subquery selecting
    them (no bound parameter per exam). Plain rows: the dashboard asks for
    hundreds of exams."""
    extension = GradingExtension.__table__.c
    conn = session.connection()
    rows = _in_force(conn.execute, core_select(extension.exam_id, extension.new_deadline), exam_ids)
    return {exam_id: row.new_deadline for exam_id, row in rows.items()}


def deadline_of(ctx: Context, exam: Exam, extension: GradingExtension | None) -> GradingDeadline:
    regular = ctx.rules.grading(exam.exam_date, thesis=exam.is_thesis)
    if extension is None:
        return GradingDeadline(regular)
    return GradingDeadline(regular, extension.new_deadline, extension.decision_reference, extension.approved_by)


def grading_deadline(ctx: Context, exam_id: int, session: Session | None = None) -> GradingDeadline:
    """The grading deadline in force for `exam_id`."""
    if session is None:
        with ctx.read() as s:
            return grading_deadline(ctx, exam_id, s)
    exam = require(session, Exam, exam_id, "eksamen")
    return deadline_of(ctx, exam, extensions_for(session, [exam.id]).get(exam.id))


def exam_deadlines(ctx: Context, exam: Exam, extended_to: date | None) -> dict[str, date]:
    return ctx.rules.exam_deadlines(exam.exam_date, thesis=exam.is_thesis, grading_extended_to=extended_to)


def record_extension(ctx: Context, exam_id: int, new_deadline: date | str, *, decision_reference: str,
                     approved_by: str) -> GradingDeadline:
    """Record an approved extension (one transaction, audited). Returns the
    deadline now in force."""
    reference = check_text(decision_reference, what="vedtakets referanse")
    approver = check_text(approved_by, what="hvem som godkjente")
    new_date = parse_date(new_deadline, what="ny sensurfrist", today=ctx.today()) \
        if not isinstance(new_deadline, date) else new_deadline
    with ctx.write() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        before = deadline_of(ctx, exam, extensions_for(s, [exam.id]).get(exam.id))
        check_extension(new_date, regular=before.regular, current=before.extended_to)
        row = GradingExtension(exam_id=exam.id, new_deadline=new_date, decision_reference=reference,
                               approved_by=approver, at=ctx.now(), clerk=ctx.clerk)
        s.add(row)
        s.flush()
        audit.record(s, ctx, "exam", exam.id, "grading_deadline", before.effective, new_date,
                     reason_code="extension", note=f"vedtak {reference}, godkjent av {approver}")
        return deadline_of(ctx, exam, row)
