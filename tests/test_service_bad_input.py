"""Service calls with impossible arguments — huge numbers, unknown ids, bad
case types and attendance codes, implausible dates — raise the domain's
error with a bokmål message and change nothing (no OverflowError,
ValueError, NoResultFound or AttributeError)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import AuditEntry, Grade, Registration
from eksamen_tui.domain.attendance import AttendanceState as S
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.services import appeals, attendance, exams, grades, papers, protocol_export
from eksamen_tui.services.attendance import mark_unmarked_attended
from tests.factories import add_exam, as_clerk
from tests.screen_text import open_exam_on_desk, screen_text

HUGE = 10 ** 23
PAST = date(2026, 11, 12)  # today is 23.11.2026


def rows(ctx):
    """Every registration, grade and audit row (to show nothing changed)."""
    with ctx.read() as s:
        return (s.exec(select(Registration.id, Registration.attendance_state, Registration.withdrawn_on,
                              Registration.documentation_received_on)).all(),
                s.exec(select(Grade.id, Grade.value, Grade.status)).all(),
                len(s.exec(select(AuditEntry.id)).all()))


@pytest.fixture
def graded(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=PAST, candidates=3, first_candidate=101)
    mark_unmarked_attended(ctx, exam.id)
    return exam


CALLS = {
    # name: (call(ctx, exam), words the message must contain)
    "grade for a 23-digit candidate": (lambda c, e: grades.enter_grade(c, e.id, str(HUGE), "B"), "for mange sifre"),
    "grade for an int candidate 10^23": (lambda c, e: grades.enter_grade(c, e.id, HUGE, "B"), "utenfor det mulige"),
    "grade for «²»": (lambda c, e: grades.enter_grade(c, e.id, "²", "B"), "ikke et tall"),
    "grade on a huge exam id": (lambda c, e: grades.enter_grade(c, HUGE, "101", "B"), "utenfor det mulige"),
    "grade on an unknown exam": (lambda c, e: grades.enter_grade(c, 999_999, "101", "B"), "Fant ingen eksamen"),
    "grade on an unknown part": (lambda c, e: grades.enter_grade(c, e.id, "101", "B", part_id=999), "Delen"),
    "control on an unknown exam": (lambda c, e: grades.control_grade(c, 999_999, "101", "B"), "Fant ingen eksamen"),
    "protocol of a huge exam id": (lambda c, e: grades.protocol(c, HUGE), "utenfor det mulige"),
    "protocol info of an unknown exam": (lambda c, e: grades.protocol_info(c, 424242), "Fant ingen eksamen"),
    "publish an unknown exam": (lambda c, e: grades.publish(c, 424242), "Fant ingen eksamen"),
    "publish in the future": (lambda c, e: grades.publish(c, e.id, date(2026, 12, 24)), "i fremtiden"),
    "attendance for a huge number": (lambda c, e: attendance.set_state(c, e.id, HUGE, S.NO_SHOW), "utenfor"),
    "attendance code «x»": (lambda c, e: attendance.set_state(c, e.id, "101", "x"), "Ukjent oppmøtestatus"),
    "attendance on an unknown exam": (lambda c, e: attendance.set_state(c, 999_999, "101", S.NO_SHOW), "Fant ingen"),
    "roster of a huge exam id": (lambda c, e: attendance.exam_roster(c, HUGE), "utenfor det mulige"),
    "mark the rest of an unknown exam": (lambda c, e: attendance.mark_unmarked_attended(c, -1), "utenfor"),
    "withdrawal in year 1": (lambda c, e: attendance.set_state(c, e.id, "101", S.WITHDRAWN, on_date=date(1, 1, 1)),
                             "utenfor det mulige"),
    "withdrawal in 9999": (lambda c, e: attendance.set_state(c, e.id, "101", S.WITHDRAWN, on_date=date(9999, 1, 1)),
                           "utenfor det mulige"),
    "withdrawal after the exam": (lambda c, e: attendance.set_state(c, e.id, "101", S.WITHDRAWN,
                                                                    on_date=date(2026, 11, 20)), "må skje før eksamen"),
    "withdrawal years before": (lambda c, e: attendance.set_state(c, e.id, "101", S.WITHDRAWN,
                                                                  on_date=date(2020, 1, 6)), "mer enn ett år"),
    "documentation before the exam": (lambda c, e: (attendance.set_state(c, e.id, "102", S.VALID_ABSENCE),
                                                    attendance.record_documentation(c, e.id, "102", date(2026, 11, 1))),
                                      "før eksamensdagen"),
    "exam choice of an unknown exam": (lambda c, e: exams.exam_choice(c, 777), "Fant ingen eksamen"),
    "candidate count of a huge exam id": (lambda c, e: exams.candidate_count(c, HUGE), "utenfor det mulige"),
    "paper for an unknown exam": (lambda c, e: papers.paper_context(c, 777), "Fant ingen eksamen"),
    "receipt for an unknown delivery": (lambda c, e: papers.export_receipt(c, e.id, 999), "Fant ingen levering"),
    "case for an unknown registration": (lambda c, e: appeals.register_case(c, 999_999, "explanation"),
                                         "Fant ingen oppmelding"),
    "case for a huge registration id": (lambda c, e: appeals.register_case(c, HUGE, "explanation"), "utenfor"),
    "case type «klage»": (lambda c, e: appeals.register_case(c, 1, "klage"), "Ukjent sakstype"),
    "explanation for an unknown case": (lambda c, e: appeals.record_explanation_given(c, 999, PAST, "oral"),
                                        "Fant ingen sak"),
    "close a huge case id": (lambda c, e: appeals.close_case(c, HUGE), "utenfor det mulige"),
    "new grade on an unknown case": (lambda c, e: appeals.enter_new_grade(c, 999, "B"), "Fant ingen sak"),
    "send an unknown exam's appeals": (lambda c, e: appeals.send_to_commission(c, 999_999), "Fant ingen eksamen"),
    "blind export of an unknown exam": (lambda c, e: appeals.blind_export(c, 999_999), "Fant ingen eksamen"),
    "protocol export of an unknown exam": (lambda c, e: protocol_export.export_protocol(c, 999_999),
                                           "Fant ingen eksamen"),
    "paper with 10^23 copies": (lambda c, e: papers.register_delivery(
        c, add_exam(c, code="BIO100", exam_date=date(2026, 12, 14)).id, checklist={}, delivered_by="Kari",
        copies=str(HUGE)), "for mange sifre"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_impossible_service_calls_are_refused_in_words(ctx, graded, name):
    call, words = CALLS[name]
    before = rows(ctx)
    with pytest.raises(DomainError) as caught:
        call(ctx, graded)
    message = str(caught.value)
    assert words in message and "\n" not in message
    if name != "documentation before the exam":  # that one set a state first, on purpose
        assert rows(ctx) == before


def test_future_received_appeal_is_refused_even_with_an_override(ctx, graded):
    for number in (101, 102):
        grades.enter_grade(ctx, graded.id, number, "C")
        grades.control_grade(as_clerk(ctx), graded.id, number, "C")
    grades.enter_grade(ctx, graded.id, 103, "C")
    grades.control_grade(as_clerk(ctx), graded.id, 103, "C")
    grades.publish(ctx, graded.id, date(2026, 11, 20))
    with ctx.read() as s:
        registration_id = s.exec(select(Registration.id).where(Registration.candidate_number == 101)).one()
    before = rows(ctx)
    with pytest.raises(DomainError, match="i fremtiden"):
        appeals.register_case(ctx, registration_id, "grade_appeal", received_on=date(2026, 11, 30),
                              override_reason="kom med posten")
    assert rows(ctx) == before
    case = appeals.register_case(ctx, registration_id, "grade_appeal", received_on=date(2026, 11, 23))
    assert case.in_time


async def test_desk_number_typing_takes_ascii_digits_only_and_never_crashes(ctx, graded):
    """19+ digits then a grade key, and «²» then a key: a message, no crash,
    nothing written."""
    app = EksamenApp(ctx=ctx)
    before = rows(ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TDT4100")
        await pilot.press(*("1" * 25))
        await pilot.pause()
        assert "høyst 9 sifre" in screen_text(app)
        await pilot.press("b")
        await pilot.pause()
        assert "111111111 er for langt til å være et kandidatnummer" in screen_text(app)
        assert rows(ctx) == before  # the 9 digits kept are no candidate: «b» changed nothing
        # «²» and «٣» are no digits (though str.isdigit says so): no number is
        # started and the grade key after each acts on the row under the cursor
        await pilot.press("escape", "²", "b")
        await pilot.pause()
        await pilot.press("escape", "٣", "c")
        await pilot.pause()
        assert app.is_running
        assert "Kandidatnummer:" not in screen_text(app)
    with ctx.read() as s:
        entered = s.exec(select(Registration.candidate_number, Grade.value).join(Grade)
                         .where(Registration.exam_id == graded.id).order_by(Registration.candidate_number)).all()
    assert entered == [(101, "B"), (102, "C")]
