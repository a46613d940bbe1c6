"""Commission queries and changes (ordinary and appeal commissions)."""
from __future__ import annotations

from sqlmodel import Session, select

from eksamen_tui.db.models import Commission, CommissionMember, Examiner
from eksamen_tui.domain.commission_rules import MemberInfo
from eksamen_tui.domain.vocabulary import CommissionKind
from eksamen_tui.services.context import Context
from eksamen_tui.services.queries import of_part


def find_commission(session: Session, exam_id: int, kind: CommissionKind, part_id: int | None = None) -> Commission | None:
    """The exam's commission of `kind`, or None."""
    query = select(Commission).where(Commission.exam_id == exam_id, Commission.kind == kind)
    query = query.where(of_part(Commission.part_id, part_id))
    return session.exec(query.order_by(Commission.number)).first()


def commission_members(session: Session, commission_id: int) -> list[MemberInfo]:
    rows = session.exec(
        select(Examiner)
        .join(CommissionMember, CommissionMember.examiner_id == Examiner.id)
        .where(CommissionMember.commission_id == commission_id)
        .order_by(Examiner.name)
    ).all()
    return [MemberInfo(key=str(e.id), name=e.name, is_external=e.is_external) for e in rows]


def commission_counts(ctx: Context, days_ahead: int = 30) -> dict[str, int]:
    """For the dashboard: exams in the coming `days_ahead` days whose form
    deadline has passed without an ordinary commission, and exams without
    an appeal commission."""
    from datetime import timedelta

    from eksamen_tui.db.models import Exam

    today = ctx.today()
    with ctx.read() as s:
        exams = s.exec(select(Exam).where(Exam.exam_date >= today,
                                          Exam.exam_date <= today + timedelta(days=days_ahead))).all()
        kinds: dict[int, set[str]] = {}
        for exam_id, kind in s.exec(select(Commission.exam_id, Commission.kind)
                                    .where(Commission.exam_id.in_([e.id for e in exams]))).all():
            kinds.setdefault(exam_id, set()).add(kind)
    missing_late = sum(1 for e in exams if CommissionKind.ORDINARY not in kinds.get(e.id, set())
                       and ctx.rules.commission_form(e.exam_date) < today)
    return {
        "form_missing_overdue": missing_late,
        "form_missing": sum(1 for e in exams if CommissionKind.ORDINARY not in kinds.get(e.id, set())),
        "appeal_missing": sum(1 for e in exams if CommissionKind.APPEAL not in kinds.get(e.id, set())),
    }
