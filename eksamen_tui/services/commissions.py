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


def commission_counts(ctx: Context) -> dict[str, int]:
    """For the dashboard: the same counts F7 shows (from its overview):
    forms missing, appeal commissions missing, exams past the form deadline."""
    from eksamen_tui.services.commission_forms import commission_overview, commission_summary

    summary = commission_summary(commission_overview(ctx))
    return {key: summary[key] for key in ("form_missing", "appeal_missing", "overdue")}
