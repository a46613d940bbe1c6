"""The keys that type a grade, shared by the grade desk (F5) and the appeal
desk (F6) so both take a grade the same way: a–f on the letter scale,
+ and − for bestått / ikke bestått."""
from __future__ import annotations

from eksamen_tui.domain.scales import LETTER_GRADES, NOT_PASSED, PASSED

LETTER_KEYS = {grade.lower(): grade for grade in LETTER_GRADES}
PASS_FAIL_KEYS = {"plus": PASSED, "minus": NOT_PASSED}


def grade_for_key(key: str) -> str | None:
    """The grade a key types, or None."""
    return LETTER_KEYS.get(key) or PASS_FAIL_KEYS.get(key)
