"""Rules the desks enforce (issue 12, item 4), in the services, so that every
desk only shows the refusal: attendance only once the exam is held, a
withdrawal before the exam only before it, a blind and four-eyes control
pass, published exams shown as published, and a publication deadline never
before the grading deadline. Each test fails on the behaviour the issue
reported."""
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import AuditEntry, Grade, Registration
from eksamen_tui.domain.attendance import AttendanceState as S
from eksamen_tui.domain.deadlines import Rules
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.profiles import PROFILES, get_profile
from eksamen_tui.services import attendance, grades
from tests.factories import TODAY, add_exam, as_clerk
from tests.screen_text import open_exam_on_desk, screen_text, settle

TOMORROW = TODAY + timedelta(days=1)
LAST_WEEK = TODAY - timedelta(days=7)


def states(ctx, exam_id):
    with ctx.read() as s:
        return dict(s.exec(select(Registration.candidate_number, Registration.attendance_state)
                           .where(Registration.exam_id == exam_id)).all())


def audit_count(ctx):
    with ctx.read() as s:
        return len(s.exec(select(AuditEntry.id)).all())


# --- attendance only once the exam is held ------------------------------------------

@pytest.mark.parametrize("state", [S.ATTENDED, S.NO_SHOW, S.WITHDREW_DURING, S.BLANK, S.VALID_ABSENCE])
def test_attendance_before_the_exam_day_is_refused(ctx, state):
    exam = add_exam(ctx, exam_date=TOMORROW, candidates=3)
    before = audit_count(ctx)
    with pytest.raises(DomainError, match="først føres på eksamensdagen"):
        attendance.set_state(ctx, exam.id, 101, state)
    assert set(states(ctx, exam.id).values()) == {"registered"}
    assert audit_count(ctx) == before


def test_rest_attended_before_the_exam_marks_nobody(ctx):
    """The issue: `a` on an exam that is tomorrow marked 59 candidates as attended."""
    exam = add_exam(ctx, exam_date=TOMORROW, candidates=59)
    with pytest.raises(DomainError, match="først føres på eksamensdagen 24.11.2026"):
        attendance.mark_unmarked_attended(ctx, exam.id)
    assert set(states(ctx, exam.id).values()) == {"registered"}


def test_attendance_on_and_after_the_exam_day_is_recorded(ctx):
    today_exam = add_exam(ctx, code="TMA4100", exam_date=TODAY, candidates=2)
    past_exam = add_exam(ctx, code="TMA4105", exam_date=LAST_WEEK, candidates=2)
    attendance.set_state(ctx, today_exam.id, 101, S.NO_SHOW)
    assert len(attendance.mark_unmarked_attended(ctx, past_exam.id)) == 2
    assert states(ctx, today_exam.id)[101] == "no_show"


def test_a_withdrawal_before_the_exam_is_possible_before_it(ctx):
    exam = add_exam(ctx, exam_date=TOMORROW, candidates=2)
    change = attendance.set_state(ctx, exam.id, 101, S.WITHDRAWN)
    assert change.withdrawn_on == TODAY and states(ctx, exam.id)[101] == "withdrawn"


def test_a_withdrawal_after_the_exam_is_refused_and_names_the_alternative(ctx):
    """The issue: `f` (withdrew before the exam) was accepted after the exam."""
    exam = add_exam(ctx, exam_date=LAST_WEEK, candidates=2)
    with pytest.raises(DomainError, match="må skje før eksamen .*trekk under eksamen"):
        attendance.set_state(ctx, exam.id, 101, S.WITHDRAWN)
    with pytest.raises(DomainError, match="må skje før eksamen"):
        attendance.set_state(ctx, exam.id, 101, S.WITHDRAWN, on_date=LAST_WEEK)
    attendance.set_state(ctx, exam.id, 101, S.WITHDREW_DURING)
    assert states(ctx, exam.id)[101] == "withdrew_during"


def test_on_the_exam_day_a_withdrawal_before_the_exam_only_until_it_starts(ctx):
    exam = add_exam(ctx, exam_date=TODAY, candidates=2)  # starts 09:00
    early = replace(ctx, clock=lambda: datetime.combine(TODAY, time(8, 30)))
    attendance.set_state(early, exam.id, 101, S.WITHDRAWN)
    late = replace(ctx, clock=lambda: datetime.combine(TODAY, time(9, 0)))
    with pytest.raises(DomainError, match=r"før eksamen \(23.11.2026 kl. 09:00\)"):
        attendance.set_state(late, exam.id, 102, S.WITHDRAWN)
    assert states(ctx, exam.id) == {101: "withdrawn", 102: "registered"}


async def test_the_attendance_desk_shows_the_refusal_and_changes_nothing(ctx):
    exam = add_exam(ctx, code="TMA4115", exam_date=TOMORROW, candidates=5)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_exam_on_desk(app, pilot, "f4", "TMA4115")
        assert app.screen.exam_id == exam.id
        await pilot.press("a")
        await settle(app, pilot)
        assert "først føres på eksamensdagen" in screen_text(app)
        await pilot.press(*"102", "i")
        await settle(app, pilot)
        assert "først føres på eksamensdagen" in screen_text(app)
    assert set(states(ctx, exam.id).values()) == {"registered"}


# --- control: blind, and by another clerk -------------------------------------------

@pytest.fixture
def entered(ctx):
    """Three attended candidates with first entries A, B, D by the fixture's clerk."""
    exam = add_exam(ctx, code="TDT4100", exam_date=LAST_WEEK, candidates=3)
    attendance.mark_unmarked_attended(ctx, exam.id)
    for number, value in ((101, "A"), (102, "B"), (103, "D")):
        grades.enter_grade(ctx, exam.id, number, value)
    return exam


def stored(ctx, exam_id):
    with ctx.read() as s:
        return dict(s.exec(select(Registration.candidate_number, Grade.status)
                           .join(Grade, Grade.registration_id == Registration.id)
                           .where(Registration.exam_id == exam_id)).all())


def test_the_same_clerk_cannot_control_their_own_entry(ctx, entered):
    with pytest.raises(DomainError, match="du førte karakteren selv – kontrollen må føres av en annen saksbehandler"):
        grades.control_grade(ctx, entered.id, 101, "A")
    assert stored(ctx, entered.id)[101] == "provisional"
    assert grades.control_grade(as_clerk(ctx), entered.id, 101, "A").matched
    assert stored(ctx, entered.id)[101] == "controlled"


def test_four_eyes_is_an_institution_setting(ctx, entered):
    assert get_profile("ntnu").control_by_other_clerk and get_profile("nhh").control_by_other_clerk
    alone = replace(ctx, rules=Rules.for_profile(get_profile("ntnu", {"control_by_other_clerk": False})))
    assert grades.control_grade(alone, entered.id, 102, "B").matched


def test_a_mismatch_is_not_controlled_again_by_a_stray_key(ctx, entered):
    other = as_clerk(ctx)
    assert not grades.control_grade(other, entered.id, 103, "C").matched
    with pytest.raises(DomainError, match="allerede et avvik"):
        grades.control_grade(other, entered.id, 103, "E")


def grade_cell(app, number):
    table = app.screen.query_one("#protocol")
    registration_id = app.screen._by_number[number]
    return str(table.get_cell(str(registration_id), "grade")), str(table.get_cell(str(registration_id), "status"))


async def test_control_mode_never_shows_the_first_value(ctx, entered):
    """The issue: in control mode `r` showed the first value («nå C»), and a
    mismatch showed both values on the row and in the message."""
    app = EksamenApp(ctx=as_clerk(ctx))
    async with app.run_test(size=(150, 40)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TDT4100")
        assert grade_cell(app, 101)[0] == "A"  # first entry mode shows what was typed
        await pilot.press("k")
        await settle(app, pilot)
        assert [grade_cell(app, n)[0] for n in (101, 102, 103)] == ["•", "•", "•"]
        await pilot.press(*"102", "r")  # correct: would show «nå B»
        await settle(app, pilot)
        assert type(app.screen).__name__ == "GradesScreen"  # no dialog opened
        text = screen_text(app)
        assert "nå B" not in text and "slå av kontrollføring med K" in text
        await pilot.press(*"103", "c")  # a mismatch: first D, control C
        await settle(app, pilot)
        value, status = grade_cell(app, 103)
        assert "D" not in value and "D" not in status and status == "AVVIK"
        text = screen_text(app)
        assert "Kandidat 103: AVVIK" in text and "først D" not in text and "D / C" not in text
        await pilot.press(*"103", "l")  # resolving shows both values: not in control mode
        await settle(app, pilot)
        assert type(app.screen).__name__ == "GradesScreen"
        await pilot.press("k")  # out of control entry the values are shown again
        await settle(app, pilot)
        assert grade_cell(app, 103) == ("D", "AVVIK (D / C)")


async def test_the_grade_desk_refuses_a_control_by_the_first_clerk(ctx, entered):
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TDT4100")
        await pilot.press("k", *"101", "a")
        await settle(app, pilot)
        assert "kontrollen må føres av en annen saksbehandler" in screen_text(app)
    assert stored(ctx, entered.id)[101] == "provisional"


# --- published, not overdue ---------------------------------------------------------

def published_exam(ctx):
    day = date(2026, 10, 1)  # grading deadline 22.10.2026, long past
    exam = add_exam(ctx, code="TMA4240", exam_date=day, candidates=2)
    attendance.mark_unmarked_attended(ctx, exam.id)
    for number in (101, 102):
        grades.enter_grade(ctx, exam.id, number, "C")
        grades.control_grade(as_clerk(ctx), exam.id, number, "C")
    grades.publish(ctx, exam.id, on_date=date(2026, 10, 20))
    return exam


def test_a_published_exam_is_published_not_overdue(ctx):
    exam = published_exam(ctx)
    text, overdue = grades.grading_deadline_text(ctx, grades.protocol_info(ctx, exam.id))
    assert not overdue and "kunngjort 20.10.2026" in text and "over fristen" not in text
    late = add_exam(ctx, code="TMA4245", exam_date=date(2026, 10, 1), candidates=1)
    text, overdue = grades.grading_deadline_text(ctx, grades.protocol_info(ctx, late.id))
    assert overdue and "virkedager over fristen" in text and "ikke kunngjort" in text


async def test_the_grade_desk_shows_a_published_exam_as_published(ctx):
    published_exam(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TMA4240")
        text = screen_text(app)
    assert "kunngjort 20.10.2026" in text and "over fristen" not in text


# --- publication never before the grading deadline ----------------------------------

@pytest.mark.parametrize("exam_date", [date(2026, 12, 10), date(2027, 3, 19)])  # Christmas, Easter
def test_ntnu_publishes_on_the_grading_deadline_not_days_before(exam_date):
    """The old rule (21 days, whatever the grading deadline) gave 04.01.2027
    for an exam on 10.12.2026 graded by 11.01.2027."""
    ntnu = Rules.for_profile(get_profile("ntnu"))
    deadlines = ntnu.exam_deadlines(exam_date)
    assert deadlines["publication"] == deadlines["grading"] > ntnu.after(exam_date, 21)


def test_publication_is_never_before_grading_for_any_profile_or_day():
    for name in PROFILES:
        rules = Rules.for_profile(get_profile(name))
        day = date(2026, 1, 1)
        while day < date(2028, 1, 1):
            deadlines = rules.exam_deadlines(day)
            assert deadlines["publication"] >= deadlines["grading"], (name, day)
            day += timedelta(days=1)


def test_a_profile_with_its_own_publication_rule_keeps_it():
    nhh = Rules.for_profile(get_profile("nhh"))  # NHH publishes on day 21
    assert nhh.exam_deadlines(date(2026, 11, 2))["publication"] == date(2026, 11, 23)
    assert get_profile("ntnu").publication_days_after is None
    own = get_profile("ntnu", {"publication_days_after": 30})
    assert own.publication_days_after == 30
    assert get_profile("ntnu", {"publication_days_after": None}).publication_days_after is None
    with pytest.raises(DomainError):
        get_profile("ntnu", {"publication_days_after": "tre uker"})
