"""Resits (konte / ny eksamen, seed 002): after a fail or a valid absence at
the last ordinary exam a student may register for a resit where one is
offered; not for courses assessed by portfolio or overall assessment.
Attempts: a resit is an attempt, so attempts must be left under the
institution's limit (default three)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eksamen_tui.domain.attendance import AttendanceState, counts_as_attempt
from eksamen_tui.domain.scales import is_pass

# Exam forms without a resit: portfolio and overall assessment.
_NO_RESIT = {"mappe", "mappevurdering", "portefølje", "helhetsvurdering", "helhetlig vurdering",
             "samlet vurdering", "samlet sluttvurdering"}


def resit_offered(exam_form: str) -> bool:
    return " ".join(exam_form.split()).casefold() not in _NO_RESIT


@dataclass(frozen=True)
class AttemptRecord:
    """One registration of a student for an exam of the course."""

    exam_date: date
    state: AttendanceState
    grade: str | None  # the current (final) grade, if any
    withdrawn_in_time: bool = True
    documented: bool = False  # valid absence with documentation received

    @property
    def counts(self) -> bool:
        return counts_as_attempt(self.state, withdrawn_in_time=self.withdrawn_in_time)


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str  # bokmål, for the list
    attempts_used: int
    attempts_left: int


def resit_eligibility(history: list[AttemptRecord], *, last_exam_date: date, exam_form: str,
                      max_attempts: int) -> Eligibility:
    """Whether a student may register for a resit after the course's last
    ordinary exam (held `last_exam_date`), from every registration of theirs
    in the course."""
    used = sum(1 for record in history if record.counts and record.exam_date <= last_exam_date)
    left = max(max_attempts - used, 0)

    def result(eligible: bool, reason: str) -> Eligibility:
        return Eligibility(eligible, reason, used, left)

    if not resit_offered(exam_form):
        return result(False, f"ingen konte for {exam_form.lower()}")
    last = [record for record in history if record.exam_date == last_exam_date]
    if not last:
        return result(False, "ikke oppmeldt til siste ordinære eksamen")
    record = last[0]
    if any(r.grade is not None and is_pass(r.grade) and r.exam_date <= last_exam_date for r in history):
        return result(False, "har bestått emnet")
    if record.state is AttendanceState.VALID_ABSENCE:
        if not record.documented:
            return result(False, "gyldig fravær uten dokumentasjon (ennå)")
        why = "gyldig fravær"
    elif record.grade is not None and not is_pass(record.grade):
        why = {AttendanceState.WITHDREW_DURING: "trekk under eksamen (F)",
               AttendanceState.BLANK: "levert blankt (F)"}.get(record.state, f"ikke bestått ({record.grade})")
    elif record.state is AttendanceState.NO_SHOW:
        return result(False, "ikke møtt (gir ikke rett til konte)")
    elif record.state is AttendanceState.WITHDRAWN:
        return result(False, "trukket før eksamen")
    else:
        return result(False, "ingen endelig karakter")
    if left <= 0:
        return result(False, f"{why}, men ingen forsøk igjen ({used} av {max_attempts} brukt)")
    return result(True, f"{why}; {left} forsøk igjen")
