"""Commission queries and changes (ordinary and appeal commissions)."""
from __future__ import annotations

from sqlmodel import Session, select

from eksamen_tui.db.models import Commission, CommissionMember, Examiner
from eksamen_tui.domain.commission_rules import MemberInfo


def find_commission(session: Session, exam_id: int, kind: str, part_id: int | None = None) -> Commission | None:
    """The exam's commission of `kind` ("ordinary" | "appeal"), or None."""
    query = select(Commission).where(Commission.exam_id == exam_id, Commission.kind == kind)
    query = query.where(Commission.part_id == part_id) if part_id is not None else query.where(Commission.part_id.is_(None))
    return session.exec(query.order_by(Commission.number)).first()


def commission_members(session: Session, commission_id: int) -> list[MemberInfo]:
    rows = session.exec(
        select(Examiner)
        .join(CommissionMember, CommissionMember.examiner_id == Examiner.id)
        .where(CommissionMember.commission_id == commission_id)
        .order_by(Examiner.name)
    ).all()
    return [MemberInfo(key=str(e.id), name=e.name, is_external=e.is_external) for e in rows]
