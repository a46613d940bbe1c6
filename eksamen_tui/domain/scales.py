"""Grade scales: the letter scale A–F and pass/fail.

Grades are stored as the canonical text: "A".."F", "bestått", "ikke bestått".
"""
from __future__ import annotations

from enum import StrEnum

from eksamen_tui.domain.errors import ValidationError


class GradeScale(StrEnum):
    LETTER = "letter"
    PASS_FAIL = "pass_fail"

    @property
    def label(self) -> str:
        return "A–F" if self is GradeScale.LETTER else "bestått/ikke bestått"


PASSED = "bestått"
NOT_PASSED = "ikke bestått"

LETTER_GRADES: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")
PASS_FAIL_GRADES: tuple[str, ...] = (PASSED, NOT_PASSED)

# Points used for weighted averages and "steps" between two grades.
LETTER_POINTS = {"A": 5, "B": 4, "C": 3, "D": 2, "E": 1, "F": 0}


def grades_of(scale: GradeScale) -> tuple[str, ...]:
    return LETTER_GRADES if scale is GradeScale.LETTER else PASS_FAIL_GRADES


def failing_grade(scale: GradeScale) -> str:
    """The grade given for withdrawal during the exam or a blank paper."""
    return "F" if scale is GradeScale.LETTER else NOT_PASSED


def is_pass(grade: str) -> bool:
    return grade not in ("F", NOT_PASSED)


def normalize_grade(value: str, scale: GradeScale) -> str:
    """Return the canonical grade for `value` on `scale`, or raise.

    Accepts lower case and the usual short forms (b/ib, bestått/ikke bestått,
    godkjent/ikke godkjent) so that typed and imported values agree.
    """
    text = " ".join(str(value).strip().split()).casefold()
    if scale is GradeScale.LETTER:
        upper = text.upper()
        if upper in LETTER_GRADES:
            return upper
    else:
        if text in ("bestått", "b", "best", "godkjent", "g", "passed", "pass"):
            return PASSED
        if text in ("ikke bestått", "ib", "ikke best", "ikke godkjent", "ig", "failed", "fail"):
            return NOT_PASSED
    raise ValidationError(
        f"«{value}» er ikke en karakter på skalaen {scale.label}", field="karakter"
    )


def grade_steps(old: str, new: str) -> int:
    """Signed number of steps from old to new (positive: better).

    On pass/fail one step separates the two grades.
    """
    if old in LETTER_POINTS and new in LETTER_POINTS:
        return LETTER_POINTS[new] - LETTER_POINTS[old]
    if old in PASS_FAIL_GRADES and new in PASS_FAIL_GRADES:
        return int(is_pass(new)) - int(is_pass(old))
    raise ValidationError(f"«{old}» og «{new}» er ikke på samme skala")
