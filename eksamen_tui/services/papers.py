"""Exam papers received at the counter: deadlines, checklist, receipts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select

from eksamen_tui.db.models import Course, Exam, PaperDelivery
from eksamen_tui.domain.exam_forms import needs_paper
from eksamen_tui.services.context import Context

DUE_SOON_WORKING_DAYS = 3


@dataclass
class PaperStatus:
    exam_id: int
    course_code: str
    course_name: str
    exam_date: date
    exam_form: str
    deadline: date
    working_days_left: int  # negative: working days late
    delivery: PaperDelivery | None

    @property
    def state(self) -> str:
        """received | late_received | missing_late | due_soon | missing"""
        if self.delivery is not None:
            return "late_received" if self.delivery.is_late else "received"
        if self.working_days_left < 0:
            return "missing_late"
        if self.working_days_left <= DUE_SOON_WORKING_DAYS:
            return "due_soon"
        return "missing"


def paper_overview(ctx: Context, days: int = 14) -> list[PaperStatus]:
    """Exams in the coming `days` days that need a paper, by deadline."""
    today = ctx.today()
    with ctx.read() as s:
        rows = s.exec(
            select(Exam, Course)
            .join(Course, Course.id == Exam.course_id)
            .where(Exam.exam_date >= today, Exam.exam_date <= today + timedelta(days=days))
        ).all()
        rows = [(exam, course) for exam, course in rows if needs_paper(exam.exam_form)]
        latest = latest_deliveries(s, [exam.id for exam, _ in rows])
    result = []
    for exam, course in rows:
        deadline = ctx.rules.paper_delivery(exam.exam_date)
        result.append(PaperStatus(
            exam_id=exam.id, course_code=course.code, course_name=course.name, exam_date=exam.exam_date,
            exam_form=exam.exam_form, deadline=deadline,
            working_days_left=ctx.rules.calendar.working_days_between(today, deadline),
            delivery=latest.get(exam.id),
        ))
    result.sort(key=lambda p: (p.deadline, p.course_code))
    return result


def latest_deliveries(session, exam_ids: list[int]) -> dict[int, PaperDelivery]:
    """The latest delivery per exam (a re-delivery replaces the earlier one)."""
    latest: dict[int, PaperDelivery] = {}
    if not exam_ids:
        return latest
    for delivery in session.exec(
        select(PaperDelivery).where(PaperDelivery.exam_id.in_(exam_ids)).order_by(PaperDelivery.received_at, PaperDelivery.id)
    ).all():
        latest[delivery.exam_id] = delivery
    return latest


def paper_counts(ctx: Context, days: int = 14) -> dict[str, int]:
    counts = {"missing": 0, "late": 0, "due_soon": 0, "received": 0}
    for status in paper_overview(ctx, days):
        state = status.state
        if state in ("received", "late_received"):
            counts["received"] += 1
        elif state == "missing_late":
            counts["late"] += 1
            counts["missing"] += 1
        elif state == "due_soon":
            counts["due_soon"] += 1
            counts["missing"] += 1
        else:
            counts["missing"] += 1
    return counts
