"""The student desk: «what is registered for me?» found by student number,
name or course code + candidate number; attempts, deadlines ahead,
published grades only, open cases; withdrawal, documentation and cases
through the desks' services."""
from datetime import date

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import AuditEntry, Case, Exam, Registration, Student
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.services import appeals
from eksamen_tui.services.attendance import mark_unmarked_attended, set_state
from eksamen_tui.services.grades import control_grade, enter_grade, publish
from eksamen_tui.services.student import find_students, student_picture
from tests.factories import add_exam, as_clerk
from tests.screen_text import screen_text, settle


def enrol(ctx, exam, student_id, number):
    with ctx.write() as s:
        s.add(Registration(exam_id=exam.id, student_id=student_id, candidate_number=number,
                           accommodations="utvidet tid" if number == 77 else "", language_form="nynorsk"))


def one_student(ctx):
    """René: TDT4100 in spring (no-show, counts), TDT4100 now (attended,
    graded and published), MA0001 ahead (registered), EXPH0001 (valid absence)."""
    spring = add_exam(ctx, code="TDT4100", exam_date=date(2026, 5, 20), candidates=2, first_candidate=1)
    with ctx.write() as s:
        exam = s.get(Exam, spring.id)
        exam.semester = "2026V"
        s.add(exam)
        student = s.exec(select(Student).join(Registration, Registration.student_id == Student.id)
                         .where(Registration.exam_id == spring.id, Registration.candidate_number == 1)).one()
        student.name = "René Sørensen"
        s.add(student)
        student_id, student_number = student.id, student.student_number
    set_state(ctx, spring.id, 1, AttendanceState.NO_SHOW)
    autumn = add_exam(ctx, code="TDT4100", exam_date=date(2026, 10, 20), candidates=1, first_candidate=40)
    enrol(ctx, autumn, student_id, 41)
    mark_unmarked_attended(ctx, autumn.id)
    for number, grade in ((40, "C"), (41, "B")):
        enter_grade(ctx, autumn.id, number, grade)
        control_grade(as_clerk(ctx), autumn.id, number, grade)
    publish(ctx, autumn.id, date(2026, 11, 16))
    ahead = add_exam(ctx, code="MA0001", name="Matematikk", exam_date=date(2026, 12, 18))
    enrol(ctx, ahead, student_id, 77)
    absent = add_exam(ctx, code="EXPH0001", name="Examen philosophicum", exam_date=date(2026, 11, 19))
    enrol(ctx, absent, student_id, 5)
    set_state(ctx, absent.id, 5, AttendanceState.VALID_ABSENCE)
    unpublished = add_exam(ctx, code="IT1001", exam_date=date(2026, 11, 2))
    enrol(ctx, unpublished, student_id, 9)
    set_state(ctx, unpublished.id, 9, AttendanceState.ATTENDED)
    enter_grade(ctx, unpublished.id, 9, "A")
    return student_id, student_number, spring, autumn, ahead, absent, unpublished


def test_found_by_student_number_name_or_course_and_candidate(ctx):
    student_id, number, *_ = one_student(ctx)
    assert [m.student_id for m in find_students(ctx, number)] == [student_id]
    for text in ("rene", "SØREN", "rené sør", "sorensen"[:0] + "René"):
        assert student_id in [m.student_id for m in find_students(ctx, text)], text
    assert find_students(ctx, "sorensen") == []  # ø is a letter of its own, not an accent
    found = find_students(ctx, "tdt4100 41")
    assert [m.student_id for m in found] == [student_id] and "kand. 41" in found[0].hint
    assert find_students(ctx, "") == [] and find_students(ctx, "999999") == []


def test_picture_per_semester_attempts_deadlines_published_grades_cases(ctx):
    student_id, number, spring, autumn, ahead, absent, unpublished = one_student(ctx)
    picture = student_picture(ctx, student_id)
    assert picture.name == "René Sørensen"
    assert list(picture.semesters()) == ["2026H", "2026V"]
    by_code = {(line.course_code, line.exam_date): line for line in picture.registrations}
    first = by_code[("TDT4100", date(2026, 5, 20))]
    second = by_code[("TDT4100", date(2026, 10, 20))]
    assert (first.attempt, first.counts, first.attempt_text) == (1, True, "1. – teller")
    assert (second.attempt, second.counts, second.candidate_number) == (2, True, 41)
    assert second.grade == "B" and second.language_form == "nynorsk"
    labels = [label for label, _ in second.deadlines]
    assert labels == ["be om begrunnelse", "klage på karakter"]
    future = by_code[("MA0001", date(2026, 12, 18))]
    assert future.counts is None and future.accommodations == "utvidet tid"
    assert future.deadlines == [("trekk uten at det teller", date(2026, 12, 4))]
    valid = by_code[("EXPH0001", date(2026, 11, 19))]
    assert valid.counts is False and valid.deadlines[0][0] == "dokumentasjon for gyldig fravær"
    hidden = by_code[("IT1001", date(2026, 11, 2))]
    assert hidden.grade is None and hidden.published_on is None  # not published: never shown
    # a running grade appeal blocks the grade and is an open case
    appeals.register_case(ctx, second.registration_id, "grade_appeal", received_on=date(2026, 11, 20))
    second = next(l for l in student_picture(ctx, student_id).registrations if l.registration_id == second.registration_id)
    assert second.grade == "sperret (klage pågår)"
    assert second.open_cases == ["klage på karakter: mottatt, ikke sendt"]


async def test_what_is_registered_for_me_and_one_key_actions(ctx):
    student_id, number, spring, autumn, ahead, absent, unpublished = one_student(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 45)) as pilot:
        await pilot.press("f8")  # one key to the desk, the search has focus
        await settle(app, pilot)
        assert app.current_mode == "student"
        await pilot.press(*number, "enter")  # then the number and Enter
        await settle(app, pilot)
        text = screen_text(app)
        assert "René Sørensen" in text and "MA0001" in text and "EXPH0001" in text
        assert "2. – teller" in text and "ikke kunngj." in text
        assert "IT1001" in text and " A " not in text.split("IT1001")[1].split("\n")[0]
        table = app.screen.query_one("#registrations")
        # withdraw from MA0001 (ahead, before the deadline)
        table.move_cursor(row=table.get_row_index(str(app.screen._line_for("MA0001").registration_id)))
        await pilot.press("t")
        await settle(app, pilot)
        with ctx.read() as s:
            reg = s.exec(select(Registration).where(Registration.exam_id == ahead.id)).one()
        assert reg.attendance_state == "withdrawn" and reg.withdrawn_on == date(2026, 11, 23)
        assert "innen trekkfristen" in screen_text(app)
        # documentation for EXPH0001
        table.move_cursor(row=table.get_row_index(str(app.screen._line_for("EXPH0001").registration_id)))
        await pilot.press("d")
        await settle(app, pilot)
        with ctx.read() as s:
            reg = s.exec(select(Registration).where(Registration.exam_id == absent.id)).one()
            assert reg.documentation_received_on == date(2026, 11, 23)
            assert s.exec(select(AuditEntry).where(AuditEntry.entity == "registration",
                                                   AuditEntry.entity_id == reg.id,
                                                   AuditEntry.field == "documentation_received_on")).first()
        # a case on the published TDT4100 exam
        second = app.screen._line_for("TDT4100", date(2026, 10, 20))
        table.move_cursor(row=table.get_row_index(str(second.registration_id)))
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("enter")  # the first type: explanation
        await settle(app, pilot)
        with ctx.read() as s:
            case = s.exec(select(Case).where(Case.registration_id == second.registration_id)).one()
        assert case.case_type == "explanation"
        assert "begrunnelse: venter på begrunnelse" in screen_text(app)
        # who changed it? one key more
        await pilot.press("h")
        await settle(app, pilot)
        assert app.current_mode == "audit_log"
        assert "sak registrert" in screen_text(app)


async def test_name_search_with_several_matches_lets_the_clerk_choose(ctx):
    one_student(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 45)) as pilot:
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press(*"student", "enter")
        await settle(app, pilot)
        assert "studenter passer" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.picture is not None


async def test_course_and_candidate_number_opens_the_student_on_that_registration(ctx):
    """«EXPH0001 5» at the counter: the student opens with the cursor on
    EXPH0001 (not the first line), and the message says which one is chosen."""
    student_id, number, spring, autumn, ahead, absent, unpublished = one_student(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 45)) as pilot:
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press(*"exph0001 5", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert screen.picture is not None and screen.picture.student_id == student_id
        assert screen._current().course_code == "EXPH0001"
        assert "kand. 5 på EXPH0001 er valgt" in screen_text(app)
        assert "5 oppmeldinger i 2 semestre" in screen_text(app)
