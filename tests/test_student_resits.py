"""The student desk says, per course, whether the student may register for
a resit: the same fact as the course's resit list (services/resits.py),
across attempts and kinds of absence."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Exam, Grade, Registration
from eksamen_tui.services.resits import resit_list, student_resits
from eksamen_tui.services.student import student_picture
from tests.factories import add_exam
from tests.screen_text import screen_text, settle

DATES = (date(2025, 12, 10), date(2026, 5, 20), date(2026, 10, 26))
PUBLISHED = (date(2026, 1, 5), date(2026, 6, 10), date(2026, 11, 16))


def sit(ctx, code: str, attempts, exam_form: str = "Skoleeksamen", publish_last: bool = True):
    """One student's registrations for `code`, one per (state, grade,
    documented) in `attempts`, at successive exams; every exam published
    (the last one only if `publish_last`). Returns (student id, exam ids)."""
    exam_ids, student_id = [], None
    for index, (state, grade, documented) in enumerate(attempts):
        exam = add_exam(ctx, code=code, exam_date=DATES[index], exam_form=exam_form,
                        candidates=0 if student_id else 1, first_candidate=10)
        published = PUBLISHED[index] if publish_last or index < len(attempts) - 1 else None
        with ctx.write() as s:
            if student_id is None:
                reg = s.exec(select(Registration).where(Registration.exam_id == exam.id)).one()
                student_id = reg.student_id
            else:
                reg = Registration(exam_id=exam.id, student_id=student_id, candidate_number=10 + index)
            reg.attendance_state = state
            if state == "withdrawn":
                reg.withdrawn_on = date(2025, 1, 1)  # well before any exam: in time
            if documented:
                reg.documentation_received_on = DATES[index]
            s.add(reg)
            s.flush()
            if grade:
                s.add(Grade(registration_id=reg.id, value=grade, status="controlled", control_value=grade,
                            source="entry"))
            row = s.get(Exam, exam.id)
            row.published_on = published
            s.add(row)
        exam_ids.append(exam.id)
    return student_id, exam_ids


CASES = [
    # (attempts at successive exams, eligible, reason)
    ([("attended", "F", False)], True, "ikke bestått (F); 2 forsøk igjen"),
    ([("no_show", None, False), ("attended", "F", False)], True, "ikke bestått (F); 1 forsøk igjen"),
    ([("attended", "F", False), ("attended", "F", False), ("attended", "F", False)], False,
     "ikke bestått (F), men ingen forsøk igjen (3 av 3 brukt)"),
    ([("valid_absence", None, True)], True, "gyldig fravær; 3 forsøk igjen"),
    ([("attended", "F", False), ("valid_absence", None, True)], True, "gyldig fravær; 2 forsøk igjen"),
    ([("valid_absence", None, False)], False, "gyldig fravær uten dokumentasjon (ennå)"),
    ([("attended", "E", False)], False, "har bestått emnet"),
    ([("attended", "F", False), ("attended", "D", False)], False, "har bestått emnet"),
    ([("no_show", None, False)], False, "ikke møtt (gir ikke rett til konte)"),
    ([("withdrawn", None, False)], False, "trukket før eksamen"),
    ([("withdrew_during", "F", False)], True, "trekk under eksamen (F); 2 forsøk igjen"),
    ([("blank", "F", False), ("blank", "F", False)], True, "levert blankt (F); 1 forsøk igjen"),
]


@pytest.mark.parametrize("attempts, eligible, reason", CASES)
def test_the_student_desk_says_what_the_resit_list_says(ctx, attempts, eligible, reason):
    student_id, exam_ids = sit(ctx, "TDT4100", attempts)
    picture = student_picture(ctx, student_id)
    last = next(line for line in picture.registrations if line.exam_id == exam_ids[-1])
    assert last.resit is not None
    assert (last.resit.eligibility.eligible, last.resit.eligibility.reason) == (eligible, reason)
    assert last.resit.exam_id == exam_ids[-1]
    # earlier registrations of the course carry no second answer
    assert [line.resit for line in picture.registrations if line.exam_id != exam_ids[-1]] == [None] * (len(exam_ids) - 1)
    listed = next(line for line in resit_list(ctx, exam_ids[0]).lines if line.candidate_number == last.candidate_number)
    assert listed.eligibility == last.resit.eligibility
    assert student_resits(ctx, picture.student_number) == [("TDT4100", last.resit.eligibility)]


def test_no_resit_for_portfolio_and_nothing_before_publication(ctx):
    folder, (folder_exam,) = sit(ctx, "IT1901", [("attended", "F", False)], exam_form="Mappe")
    (line,) = student_picture(ctx, folder).registrations
    assert (line.resit.eligibility.eligible, line.resit.eligibility.reason) == (False, "ingen konte for mappe")
    waiting, exams = sit(ctx, "TMA4100", [("attended", "F", False), ("attended", "F", False)], publish_last=False)
    picture = student_picture(ctx, waiting)
    by_exam = {line.exam_id: line for line in picture.registrations}
    # the autumn exam is not published: the fact is still the one after the spring exam
    assert by_exam[exams[1]].resit is None
    assert by_exam[exams[0]].resit.eligibility.reason == "ikke bestått (F); 2 forsøk igjen"


def test_a_student_not_at_the_last_exam_sees_why_on_their_newest_registration(ctx):
    student_id, (spring,) = sit(ctx, "TDT4100", [("attended", "E", False)])
    add_exam(ctx, code="TDT4100", exam_date=DATES[1], candidates=2, first_candidate=50)
    with ctx.write() as s:
        later = s.exec(select(Exam).where(Exam.exam_date == DATES[1])).one()
        later.published_on = PUBLISHED[1]
        s.add(later)
    (line,) = student_picture(ctx, student_id).registrations
    assert line.resit.exam_id == later.id
    assert line.resit.eligibility.reason == "ikke oppmeldt til siste ordinære eksamen"


async def test_the_desk_shows_the_resit_fact_of_the_chosen_registration(ctx):
    student_id, exam_ids = sit(ctx, "TDT4100", [("no_show", None, False), ("attended", "F", False)])
    number = student_picture(ctx, student_id).student_number
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press(*number, "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Konte i TDT4100 (etter eksamen 20.05.2026): kan melde seg – ikke bestått (F); 1 forsøk igjen" in text
        table = app.screen.query_one("#registrations")
        assert [table.get_row_at(i)[table.get_column_index("resit")] for i in range(table.row_count)] == ["ja", ""]
