"""Explanations and appeals: cases, deadlines, blocked grades, regrading."""
from __future__ import annotations

from sqlmodel import Session, select

from eksamen_tui.db.models import Case, Registration

GRADE_APPEAL = "grade_appeal"


def blocked_registration_ids(session: Session, exam_id: int) -> set[int]:
    """Registrations of `exam_id` whose grade is blocked by a running grade
    appeal. The grade desk and every export ask this."""
    rows = session.exec(
        select(Case.registration_id)
        .join(Registration, Registration.id == Case.registration_id)
        .where(
            Registration.exam_id == exam_id,
            Case.case_type == GRADE_APPEAL,
            Case.closed_on.is_(None),
        )
    ).all()
    return set(rows)


def case_counts(ctx) -> dict[str, int]:
    """For the dashboard: open cases, and open cases past their deadline."""
    today = ctx.today()
    with ctx.read() as s:
        open_cases = s.exec(select(Case).where(Case.closed_on.is_(None))).all()
    overdue = sum(1 for case in open_cases if case.deadline is not None and case.deadline < today)
    return {"open": len(open_cases), "overdue": overdue}
