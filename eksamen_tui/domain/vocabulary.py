"""The states and kinds the office speaks of, one `StrEnum` each. Values are
the strings stored in the database, so a stored row compares equal to its
member (`GradeStatus.CONTROLLED == "controlled"`)."""
from __future__ import annotations

from enum import StrEnum


class GradeStatus(StrEnum):
    """Where a stored grade is in the two-entry control."""

    PROVISIONAL = "provisional"  # entered once, not yet controlled
    MISMATCH = "mismatch"        # the control entry differed
    CONTROLLED = "controlled"    # final


class GradeSource(StrEnum):
    """How a stored grade came to be."""

    ENTRY = "entry"              # typed at the grade desk (or corrected)
    COMPUTED = "computed"        # computed from the parts' grades
    ATTENDANCE = "attendance"    # F / ikke bestått from an attendance state
    APPEAL = "appeal"            # the appeal commission's new grade


class ProtocolStatus(StrEnum):
    """What one line of a protocol shows (a stored grade's status and source,
    plus the lines without a grade and those blocked by an appeal)."""

    EMPTY = "empty"
    ENTERED = "entered"
    CONTROLLED = "controlled"
    MISMATCH = "mismatch"
    COMPUTED = "computed"
    BLOCKED = "blocked"


class CommissionKind(StrEnum):
    """The examiners of an exam, or of its appeals."""

    ORDINARY = "ordinary"
    APPEAL = "appeal"
