"""How a course grade is computed from weighted part grades."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.scales import LETTER_POINTS, NOT_PASSED, PASSED, GradeScale, is_pass

POINT_LETTERS = {points: letter for letter, points in LETTER_POINTS.items()}

# The rule is a setting; "weighted_average" is the only one so far.
WEIGHTED_AVERAGE = "weighted_average"


def compute_course_grade(parts: list[tuple[int, str]], scale: GradeScale, rule: str = WEIGHTED_AVERAGE) -> str:
    """The course grade from (weight, grade) of every part.

    Default rule: F (or ikke bestått) if any part is failed; otherwise the
    weighted average of A=5 … E=1, rounded half up. Pass/fail parts count
    only through the fail rule. On a pass/fail course: bestått when every
    part is passed.
    """
    if rule != WEIGHTED_AVERAGE:
        raise DomainError(f"Ukjent regel for samlet karakter «{rule}»")
    if not parts:
        raise DomainError("Ingen delkarakterer å beregne fra")
    if any(not is_pass(grade) for _, grade in parts):
        return "F" if scale is GradeScale.LETTER else NOT_PASSED
    if scale is GradeScale.PASS_FAIL:
        return PASSED
    lettered = [(weight, grade) for weight, grade in parts if grade in LETTER_POINTS]
    total_weight = sum(weight for weight, _ in lettered)
    if total_weight <= 0:
        raise DomainError("Delene med bokstavkarakter har ingen vekt")
    average = Decimal(sum(weight * LETTER_POINTS[grade] for weight, grade in lettered)) / Decimal(total_weight)
    points = int(average.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return POINT_LETTERS[max(1, min(5, points))]
