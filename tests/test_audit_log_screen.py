"""«Who changed this?»: `h` on a desk's row opens the Endringslogg filtered
to it; F9 opens it from anywhere; the grade desk's log names nobody."""
from datetime import date

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Registration, Student
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.services.attendance import set_state
from eksamen_tui.services.grades import enter_grade
from tests.factories import add_exam
from tests.screen_text import open_exam_on_desk, screen_text, settle


def student_of(ctx, exam_id, number):
    with ctx.read() as s:
        return s.exec(select(Student).join(Registration, Registration.student_id == Student.id)
                      .where(Registration.exam_id == exam_id, Registration.candidate_number == number)).one()


def graded(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 2), candidates=4, first_candidate=11)
    set_state(ctx, exam.id, 12, AttendanceState.NO_SHOW, reason="ikke på listen")
    for number in (11, 13, 14):
        set_state(ctx, exam.id, number, AttendanceState.ATTENDED)
    enter_grade(ctx, exam.id, 13, "B")
    return exam


async def test_h_on_attendance_row_shows_who_changed_it(ctx):
    exam = graded(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f4", "TDT4100")
        await pilot.press("1", "2", "h")  # two keys after the number: who changed candidate 12?
        await settle(app, pilot)
        assert app.current_mode == "audit_log"
        text = screen_text(app)
        assert "Historikk for kandidat 12" in text
        assert "testbruker" in text and "oppmeldt → ikke møtt" in text and "ikke på listen" in text
        assert student_of(ctx, exam.id, 12).name in text
        assert "oppmeldt → møtt" not in text  # only candidate 12's changes
        # X exports what is shown
        await pilot.press("x")
        await settle(app, pilot)
        assert "Endringsloggen er lagret" in screen_text(app)
        # C clears the filter: everything
        await pilot.press("c")
        await settle(app, pilot)
        assert "oppmeldt → møtt" in screen_text(app)


async def test_grade_desk_history_is_anonymous(ctx):
    """No screen links a candidate number on F5 to a name: not F5 itself,
    and not the Endringslogg opened from it."""
    exam = graded(ctx)
    names = {student_of(ctx, exam.id, n).name for n in (11, 12, 13, 14)}
    numbers = {student_of(ctx, exam.id, n).student_number for n in (11, 12, 13, 14)}
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TDT4100")
        await settle(app, pilot)
        text = screen_text(app)
        assert "13" in text
        assert not any(name in text for name in names) and not any(n in text for n in numbers)
        await pilot.press("1", "3", "h")
        await settle(app, pilot)
        assert app.current_mode == "audit_log"
        text = screen_text(app)
        assert "Historikk for kandidat 13" in text and "→ B" in text and "anonymt" in text
        assert not any(name in text for name in names) and not any(n in text for n in numbers)
        assert app.screen.query_one("#f-student").disabled
        # typing a student into the filter cannot undo the anonymity
        app.screen.query_one("#f-course").focus()
        await pilot.press(*"tdt", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert not any(name in text for name in names)


async def test_f9_from_anywhere_then_filter_by_student_name(ctx):
    exam = graded(ctx)
    other = student_of(ctx, exam.id, 14)
    with ctx.write() as s:
        row = s.get(Student, other.id)
        row.name = "Zoë Ødegård"
        s.add(row)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 45)) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.current_mode == "audit_log"
        table = app.screen.query_one("#log")
        everything = table.row_count
        assert everything >= 5
        await pilot.press("slash")
        app.screen.query_one("#f-student").focus()
        await pilot.press(*"zoe ødeg", "enter")
        await settle(app, pilot)
        assert 0 < table.row_count < everything
        assert "Zoë Ødegård" in screen_text(app)
