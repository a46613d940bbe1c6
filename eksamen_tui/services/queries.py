"""Read-query pieces the services share, so each rule is written once:
which grade rows are current, and the part filter (one part of an exam, or
the exam as a whole, stored as part_id NULL). They work on ORM attributes
(`Grade.part_id`) and on Core columns (`Grade.__table__.c.part_id`) alike."""
from __future__ import annotations

from sqlalchemy import and_

from eksamen_tui.db.models import Grade


def of_part(column, part_id):
    """`column` (a part_id column) holds `part_id`; None means the exam as a
    whole (NULL). `part_id` may be a bind parameter."""
    return column.is_(None) if part_id is None else column == part_id


def is_current(column=None):
    """The grade row is the current one (not replaced by a correction,
    an appeal or an attendance change). `= true`, so the index serves it."""
    return (Grade.is_current if column is None else column) == True  # noqa: E712


def current_grade(part_id: int | None = None, columns=None):
    """Where-clause for the current grade rows of the exam as a whole
    (part_id None) or of one part. `columns`: a Core table's `.c` (the ORM
    attributes by default)."""
    source = Grade if columns is None else columns
    return and_(is_current(source.is_current), of_part(source.part_id, part_id))


def gradeable(column=None):
    """The registration can get a typed grade (the domain's `is_gradeable`)."""
    from eksamen_tui.db.models import Registration
    from eksamen_tui.domain.attendance import AttendanceState, is_gradeable

    states = sorted(state.value for state in AttendanceState if is_gradeable(state))
    return (Registration.attendance_state if column is None else column).in_(states)


def present(column=None):
    """The candidate was at the exam (the domain's PRESENT_STATES): attended,
    withdrew during it, or handed in blank; their papers are graded."""
    from eksamen_tui.db.models import Registration
    from eksamen_tui.domain.attendance import PRESENT_STATES

    return (Registration.attendance_state if column is None else column).in_(sorted(s.value for s in PRESENT_STATES))
