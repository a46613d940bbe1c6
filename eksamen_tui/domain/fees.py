"""Fee forms (honorarskjema, seed 002): sent by the office to each examiner
when grading is done, confirmed by the examiner. External examiners are
always paid; an internal examiner only when the commission form marks
them as paid."""
from __future__ import annotations

from enum import StrEnum

from eksamen_tui.domain.errors import DomainError


class FeeState(StrEnum):
    DUE = "due"
    SENT = "sent"
    CONFIRMED = "confirmed"

    @property
    def label(self) -> str:
        return {"due": "skal sendes", "sent": "sendt", "confirmed": "bekreftet"}[self.value]


def due_fee_form(*, is_external: bool, is_paid: bool) -> bool:
    return is_external or is_paid


def next_state(current: FeeState, wanted: FeeState) -> FeeState:
    """Sent before confirmed; a step cannot be repeated."""
    if wanted is FeeState.SENT and current is not FeeState.DUE:
        raise DomainError(f"Honorarskjemaet er allerede {current.label}")
    if wanted is FeeState.CONFIRMED:
        if current is FeeState.DUE:
            raise DomainError("Honorarskjemaet må være sendt før sensor kan bekrefte det")
        if current is FeeState.CONFIRMED:
            raise DomainError("Honorarskjemaet er allerede bekreftet")
    if wanted is FeeState.DUE:
        raise DomainError("Et honorarskjema kan ikke settes tilbake til «skal sendes»")
    return wanted


def scripts_graded(*, reported: int | None, handed_out: int, graded_on_exam: int, commissions: int) -> int | None:
    """The number of scripts (or candidates) an examiner is paid for: what
    the department reported (oral exams), else the scripts handed out to
    them, else the exam's graded candidates when it has one commission;
    None when it cannot be known."""
    if reported is not None:
        return reported
    if handed_out:
        return handed_out
    if commissions == 1:
        return graded_on_exam
    return None
