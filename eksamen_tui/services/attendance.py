"""Attendance service: states, withdrawals, documentation, and who can be graded."""
from __future__ import annotations

from sqlmodel import Session, select

from eksamen_tui.db.models import Registration
from eksamen_tui.domain.attendance import AttendanceState


def gradeable_registrations(session: Session, exam_id: int) -> list[Registration]:
    """Registrations of `exam_id` that can receive a typed grade (attended),
    in candidate-number order. The grade desk asks this, never the table."""
    return list(
        session.exec(
            select(Registration)
            .where(
                Registration.exam_id == exam_id,
                Registration.attendance_state == AttendanceState.ATTENDED.value,
            )
            .order_by(Registration.candidate_number)
        ).all()
    )
