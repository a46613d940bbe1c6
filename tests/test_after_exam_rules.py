"""The paper trail after the exam, as pure rules: custody counts balance or
are flagged, extended deadlines flow to every dependent date, resit
eligibility across attempts and absence kinds, fee forms."""
from datetime import date

import pytest

from eksamen_tui.domain.attendance import AttendanceState as S
from eksamen_tui.domain.custody import (
    Balance, Direction, Movement, Resolution, ScriptKind, balances, check_return, is_flagged, is_overdue, is_resolved,
    missing_in_words, return_deadline,
)
from eksamen_tui.domain.deadlines import EXAM_DEADLINE_LABELS, Rules
from eksamen_tui.domain.errors import DomainError, ValidationError
from eksamen_tui.domain.extensions import check_extension
from eksamen_tui.domain.fees import FeeState, due_fee_form, next_state, scripts_graded
from eksamen_tui.domain.profiles import get_profile
from eksamen_tui.domain.resits import AttemptRecord, resit_eligibility, resit_offered

NTNU = Rules.for_profile(get_profile("ntnu"))
NHH = Rules.for_profile(get_profile("nhh"))
D = date(2026, 11, 2)


def move(examiner, kind, direction, count, day=D):
    return Movement(examiner, kind, direction, count, day)


# --- custody ---------------------------------------------------------------------

def test_counts_balance_per_examiner_and_kind():
    result = balances([
        move(1, ScriptKind.ORIGINAL, Direction.OUT, 40), move(2, ScriptKind.COPY, Direction.OUT, 40),
        move(1, ScriptKind.ORIGINAL, Direction.BACK, 30), move(1, ScriptKind.ORIGINAL, Direction.BACK, 10),
        move(2, ScriptKind.COPY, Direction.BACK, 38),
    ])
    assert result[(1, ScriptKind.ORIGINAL)].missing == 0
    assert result[(2, ScriptKind.COPY)].missing == 2
    assert missing_in_words(result[(1, ScriptKind.ORIGINAL)]) == "alle 40 originaler er tilbake"
    assert missing_in_words(result[(2, ScriptKind.COPY)]) == "2 kopier mangler (40 utlevert, 38 tilbake)"
    assert missing_in_words(Balance(3, ScriptKind.ORIGINAL, 5, 4)) == "1 original mangler (5 utlevert, 4 tilbake)"
    assert missing_in_words(Balance(3, ScriptKind.COPY, 5, 0)) == "5 kopier ute (ingen tilbake ennå)"
    # out and not yet due is not missing; fewer back than out, or nothing back by the due day, is
    assert not is_flagged(Balance(3, ScriptKind.COPY, 5, 0), overdue=False)
    assert is_flagged(Balance(3, ScriptKind.COPY, 5, 0), overdue=True)
    assert is_flagged(Balance(3, ScriptKind.COPY, 5, 4), overdue=False)
    assert not is_flagged(Balance(3, ScriptKind.COPY, 5, 4), overdue=False, resolved=True)


def test_a_return_cannot_exceed_what_is_out():
    with pytest.raises(DomainError, match="ingen originaler ute"):
        check_return(None, 1, ScriptKind.ORIGINAL)
    with pytest.raises(DomainError, match="bare 2 kopier ute, ikke 3"):
        check_return(Balance(1, ScriptKind.COPY, 5, 3), 3, ScriptKind.COPY)
    check_return(Balance(1, ScriptKind.COPY, 5, 3), 2, ScriptKind.COPY)


def test_originals_due_at_grading_deadline_copies_after_explanation_deadline():
    grading, explanation = date(2026, 11, 23), date(2026, 12, 1)
    assert return_deadline(ScriptKind.ORIGINAL, grading, explanation) == grading
    assert return_deadline(ScriptKind.COPY, grading, explanation) == explanation
    assert return_deadline(ScriptKind.COPY, grading, None) is None  # not published: not due yet
    out = Balance(1, ScriptKind.ORIGINAL, 10, 9)
    assert not is_overdue(out, grading, grading)  # on the day itself: in time
    assert is_overdue(out, grading, date(2026, 11, 24))
    assert not is_overdue(out, grading, date(2026, 11, 24), resolved=True)
    assert not is_overdue(Balance(1, ScriptKind.ORIGINAL, 10, 10), grading, date(2027, 1, 1))
    assert not is_overdue(Balance(1, ScriptKind.COPY, 10, 0), None, date(2027, 1, 1))


def test_a_resolution_covers_exactly_the_shortfall_it_was_given_for():
    short = Balance(1, ScriptKind.ORIGINAL, 10, 8)
    resolution = [Resolution(1, ScriptKind.ORIGINAL, 2, "levert direkte til arkivet")]
    assert is_resolved(short, resolution)
    assert not is_resolved(Balance(1, ScriptKind.ORIGINAL, 10, 9), resolution)  # changed since: open again
    assert not is_resolved(Balance(1, ScriptKind.COPY, 10, 8), resolution)
    assert not is_resolved(Balance(2, ScriptKind.ORIGINAL, 10, 8), resolution)


def test_kind_follows_the_examiner_and_parses_bokmal():
    assert ScriptKind.for_examiner(True) is ScriptKind.ORIGINAL
    assert ScriptKind.for_examiner(False) is ScriptKind.COPY
    assert ScriptKind.parse("Kopi") is ScriptKind.COPY
    with pytest.raises(ValidationError):
        ScriptKind.parse("fotokopi")


# --- extensions ----------------------------------------------------------------------

def test_an_extension_moves_every_date_that_follows_the_grading_deadline():
    exam = date(2026, 11, 2)
    regular = NTNU.exam_deadlines(exam)
    extended = NTNU.exam_deadlines(exam, grading_extended_to=date(2026, 12, 14))
    assert regular["grading"] == regular["scripts_returned"] == date(2026, 11, 23)
    assert extended["grading"] == extended["scripts_returned"] == date(2026, 12, 14)
    # publication (and the grading guidelines with it) no earlier than the extended grading deadline
    assert regular["publication"] == regular["guidelines_published"] == date(2026, 11, 23)
    assert extended["publication"] == extended["guidelines_published"] == date(2026, 12, 14)
    # what does not follow from grading stays
    for key in ("withdrawal", "paper_delivery", "attendance_registration", "valid_absence_documentation"):
        assert extended[key] == regular[key]
    assert set(extended) <= set(EXAM_DEADLINE_LABELS)
    # NHH publishes one day after its grading deadline: kept after an extension
    assert NHH.exam_deadlines(exam, grading_extended_to=date(2026, 12, 10))["publication"] == date(2026, 12, 11)


def test_an_extension_must_be_later_than_the_regular_deadline():
    regular = date(2026, 11, 23)
    assert check_extension(date(2026, 12, 14), regular=regular) == date(2026, 12, 14)
    with pytest.raises(ValidationError, match="må være etter"):
        check_extension(regular, regular=regular)
    with pytest.raises(ValidationError, match="allerede utsatt"):
        check_extension(date(2026, 12, 14), regular=regular, current=date(2026, 12, 14))
    with pytest.raises(ValidationError, match="mer enn ett år"):
        check_extension(date(2028, 1, 1), regular=regular)


# --- resits ----------------------------------------------------------------------------

LAST = date(2026, 11, 2)


def rec(day, state, grade=None, **kw):
    return AttemptRecord(day, state, grade, **kw)


@pytest.mark.parametrize("history, eligible, reason", [
    ([rec(LAST, S.ATTENDED, "F")], True, "ikke bestått (F); 2 forsøk igjen"),
    ([rec(LAST, S.ATTENDED, "ikke bestått")], True, "ikke bestått (ikke bestått); 2 forsøk igjen"),
    ([rec(LAST, S.WITHDREW_DURING, "F")], True, "trekk under eksamen (F); 2 forsøk igjen"),
    ([rec(LAST, S.BLANK, "F")], True, "levert blankt (F); 2 forsøk igjen"),
    ([rec(LAST, S.VALID_ABSENCE, documented=True)], True, "gyldig fravær; 3 forsøk igjen"),
    ([rec(LAST, S.VALID_ABSENCE)], False, "gyldig fravær uten dokumentasjon (ennå)"),
    ([rec(LAST, S.NO_SHOW)], False, "ikke møtt (gir ikke rett til konte)"),
    ([rec(LAST, S.WITHDRAWN)], False, "trukket før eksamen"),
    ([rec(LAST, S.ATTENDED, "C")], False, "har bestått emnet"),
    ([rec(LAST, S.ATTENDED, None)], False, "ingen endelig karakter"),
    # attempts across earlier exams: a no-show and a fail used two, the third failed: none left
    ([rec(date(2025, 12, 1), S.NO_SHOW), rec(date(2026, 5, 20), S.ATTENDED, "F"), rec(LAST, S.ATTENDED, "F")],
     False, "ikke bestått (F), men ingen forsøk igjen (3 av 3 brukt)"),
    # a valid absence and a timely withdrawal do not count
    ([rec(date(2025, 12, 1), S.VALID_ABSENCE, documented=True), rec(date(2026, 5, 20), S.WITHDRAWN),
      rec(date(2026, 6, 1), S.ATTENDED, "F"), rec(LAST, S.ATTENDED, "E")], False, "har bestått emnet"),
    ([rec(date(2025, 12, 1), S.VALID_ABSENCE, documented=True), rec(date(2026, 5, 20), S.WITHDRAWN),
      rec(date(2026, 6, 1), S.ATTENDED, "F"), rec(LAST, S.ATTENDED, "F")], True, "ikke bestått (F); 1 forsøk igjen"),
    # a late withdrawal counts
    ([rec(date(2026, 5, 20), S.WITHDRAWN, withdrawn_in_time=False), rec(date(2026, 6, 1), S.ATTENDED, "F"),
      rec(LAST, S.VALID_ABSENCE, documented=True)], True, "gyldig fravær; 1 forsøk igjen"),
    ([rec(date(2026, 5, 20), S.WITHDRAWN, withdrawn_in_time=False), rec(date(2026, 6, 1), S.ATTENDED, "F"),
      rec(LAST, S.BLANK, "F")], False, "levert blankt (F), men ingen forsøk igjen (3 av 3 brukt)"),
])
def test_resit_eligibility(history, eligible, reason):
    result = resit_eligibility(history, last_exam_date=LAST, exam_form="Skoleeksamen", max_attempts=3)
    assert (result.eligible, result.reason) == (eligible, reason)


def test_no_resit_for_portfolio_or_overall_assessment():
    assert not resit_offered("Mappe") and not resit_offered("Helhetsvurdering")
    assert resit_offered("Skoleeksamen") and resit_offered("Muntlig")
    result = resit_eligibility([rec(LAST, S.ATTENDED, "F")], last_exam_date=LAST, exam_form="Mappe", max_attempts=3)
    assert not result.eligible and result.reason == "ingen konte for mappe"


def test_the_attempt_limit_is_a_setting():
    history = [rec(date(2026, 5, 20), S.ATTENDED, "F"), rec(LAST, S.ATTENDED, "F")]
    assert not resit_eligibility(history, last_exam_date=LAST, exam_form="Skoleeksamen", max_attempts=2).eligible
    assert resit_eligibility(history, last_exam_date=LAST, exam_form="Skoleeksamen", max_attempts=4).attempts_left == 2


# --- fees ----------------------------------------------------------------------------------

def test_who_is_due_a_fee_form_and_the_order_of_its_steps():
    assert due_fee_form(is_external=True, is_paid=False)
    assert due_fee_form(is_external=False, is_paid=True)
    assert not due_fee_form(is_external=False, is_paid=False)
    assert next_state(FeeState.DUE, FeeState.SENT) is FeeState.SENT
    assert next_state(FeeState.SENT, FeeState.CONFIRMED) is FeeState.CONFIRMED
    with pytest.raises(DomainError, match="må være sendt"):
        next_state(FeeState.DUE, FeeState.CONFIRMED)
    with pytest.raises(DomainError, match="allerede sendt"):
        next_state(FeeState.SENT, FeeState.SENT)


def test_scripts_graded_prefers_what_is_known_best():
    assert scripts_graded(reported=12, handed_out=40, graded_on_exam=40, commissions=1) == 12
    assert scripts_graded(reported=None, handed_out=25, graded_on_exam=40, commissions=2) == 25
    assert scripts_graded(reported=None, handed_out=0, graded_on_exam=40, commissions=1) == 40
    assert scripts_graded(reported=None, handed_out=0, graded_on_exam=40, commissions=2) is None
