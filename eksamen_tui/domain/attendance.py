"""Attendance states and their consequences (attempts, automatic grade)."""
from __future__ import annotations

from enum import StrEnum


class AttendanceState(StrEnum):
    REGISTERED = "registered"          # not yet marked
    ATTENDED = "attended"              # møtt, with a submission
    NO_SHOW = "no_show"                # ikke møtt
    WITHDREW_DURING = "withdrew_during"  # trekk under eksamen
    BLANK = "blank"                    # levert blankt
    VALID_ABSENCE = "valid_absence"    # gyldig fravær
    WITHDRAWN = "withdrawn"            # trekk før eksamen

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @classmethod
    def parse(cls, value: object) -> "AttendanceState":
        """A state given by a caller (its code or its bokmål label), or a
        DomainError listing the states."""
        from eksamen_tui.domain.errors import DomainError
        from eksamen_tui.domain.parsing import shown

        if isinstance(value, cls):
            return value
        text = " ".join(str(value).split()).casefold()
        for state in cls:
            if text in (state.value, STATE_LABELS[state]):
                return state
        choices = ", ".join(STATE_LABELS[state] for state in cls)
        raise DomainError(f"Ukjent oppmøtestatus «{shown(value)}» (velg {choices})")


STATE_LABELS = {
    AttendanceState.REGISTERED: "ikke registrert",
    AttendanceState.ATTENDED: "møtt",
    AttendanceState.NO_SHOW: "ikke møtt",
    AttendanceState.WITHDREW_DURING: "trekk under eksamen",
    AttendanceState.BLANK: "levert blankt",
    AttendanceState.VALID_ABSENCE: "gyldig fravær",
    AttendanceState.WITHDRAWN: "trekk før eksamen",
}

# States that end in an automatic fail grade (F / ikke bestått).
FAIL_STATES = frozenset({AttendanceState.WITHDREW_DURING, AttendanceState.BLANK})

# States counted as "attended" by the institution (they sat the exam).
PRESENT_STATES = frozenset(
    {AttendanceState.ATTENDED, AttendanceState.WITHDREW_DURING, AttendanceState.BLANK}
)


# States only known once the exam has been held: everything but a
# withdrawal before the exam (and the unmarked start).
AFTER_EXAM_STATES = frozenset(set(AttendanceState) - {AttendanceState.REGISTERED, AttendanceState.WITHDRAWN})


def check_state_allowed(state: AttendanceState, *, exam_date, today) -> None:
    """Attendance (møtt, ikke møtt, trekk under eksamen, blankt, gyldig
    fravær) can be recorded only on or after the exam day; a DomainError
    saying why otherwise. Withdrawals before the exam: `check_withdrawal_date`."""
    from eksamen_tui.domain.errors import DomainError

    if state in AFTER_EXAM_STATES and today < exam_date:
        raise DomainError(f"«{state.label}» kan først føres på eksamensdagen {exam_date:%d.%m.%Y} "
                          f"(i dag er {today:%d.%m.%Y}); før eksamen er bare trekk før eksamen mulig")


def counts_as_attempt(state: AttendanceState, *, withdrawn_in_time: bool = True) -> bool:
    """Whether a registration in `state` uses one of the student's attempts.

    A withdrawal counts only when it came after the withdrawal deadline.
    An unmarked registration has not (yet) used an attempt.
    """
    if state is AttendanceState.WITHDRAWN:
        return not withdrawn_in_time
    return state in (
        AttendanceState.ATTENDED,
        AttendanceState.NO_SHOW,
        AttendanceState.WITHDREW_DURING,
        AttendanceState.BLANK,
    )


def is_gradeable(state: AttendanceState) -> bool:
    """Only candidates who attended with a submission get a grade typed in."""
    return state is AttendanceState.ATTENDED


def automatic_fail(state: AttendanceState) -> bool:
    return state in FAIL_STATES
