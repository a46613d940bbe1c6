"""The grade desk driven by the keyboard: entry, control entry, anonymity."""
import random
import re
from datetime import date

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Grade, Registration, Student
from eksamen_tui.domain.attendance import AttendanceState as S
from eksamen_tui.services.attendance import mark_unmarked_attended, set_state
from tests.factories import add_exam
from tests.screen_text import open_exam_on_desk, screen_text

DAY = date(2026, 11, 12)



def stored(ctx, exam_id):
    with ctx.read() as s:
        return {n: (v, st) for n, v, st in s.exec(
            select(Registration.candidate_number, Grade.value, Grade.status).join(Grade)
            .where(Registration.exam_id == exam_id, Grade.is_current == True, Grade.source == "entry"))}  # noqa: E712


async def test_100_candidates_one_key_each_then_control_with_two_mismatches(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=100, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    grades = [random.Random(7).choice("abcdef") for _ in range(100)]
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TMA4240")
        await pilot.press(*grades)
        result = stored(ctx, exam.id)
        assert [result[201 + i][0] for i in range(100)] == [g.upper() for g in grades]
        assert "100 / 100" in screen_text(app)
        # control entry: the first values are hidden, two deliberate mismatches
        await pilot.press("k")
        assert "KONTROLLFØRING" in screen_text(app)
        control = list(grades)
        control[10] = "a" if grades[10] != "a" else "b"
        control[57] = "f" if grades[57] != "f" else "e"
        await pilot.press("home")
        await pilot.press(*control)
        result = stored(ctx, exam.id)
        assert sum(1 for v, st in result.values() if st == "controlled") == 98
        assert {n for n, (v, st) in result.items() if st == "mismatch"} == {211, 258}
        assert re.search(r"Avvik:\s+2\b", screen_text(app))
        # resolve both: jump to the number, L, type the right value and a reason
        for number, index in ((211, 10), (258, 57)):
            await pilot.press(*str(number), "l")
            await pilot.pause()
            await pilot.press(*f"{grades[index].upper()} sjekket signert protokoll", "enter")
            await pilot.pause()
        result = stored(ctx, exam.id)
        assert all(st == "controlled" for v, st in result.values())
        assert [result[201 + i][0] for i in range(100)] == [g.upper() for g in grades]
        assert re.search(r"Ukontrollert:\s+0\b", screen_text(app))


async def test_no_name_or_student_number_in_any_frame(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=DAY, candidates=12, first_candidate=101,
                    parts=None)
    set_state(ctx, exam.id, 112, S.NO_SHOW)
    mark_unmarked_attended(ctx, exam.id)
    with ctx.read() as s:
        people = s.exec(select(Student.name, Student.student_number).join(Registration)
                        .where(Registration.exam_id == exam.id)).all()
    frames = []
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TDT4100")
        frames.append(screen_text(app))
        await pilot.press("a", "b", "c", "x")
        frames.append(screen_text(app))
        await pilot.press(*"112", "a")  # a no-show: refused, naming the number only
        frames.append(screen_text(app))
        assert "Kandidat 112" in frames[-1] and "ikke møtt" in frames[-1]
        await pilot.press("k", "home", "a", "c")
        frames.append(screen_text(app))
        await pilot.press("f1")
        frames.append(screen_text(app))
    assert len(people) == 12
    for frame in frames:
        for name, number in people:
            assert name not in frame and number not in frame


async def test_out_of_scale_key_and_undo(ctx):
    exam = add_exam(ctx, code="HMS0002", exam_date=DAY, grade_scale="pass_fail", candidates=3, first_candidate=1)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "HMS0002")
        await pilot.press("a")  # A is not on the pass/fail scale
        assert "«a» er ingen karakter på skalaen bestått (+) / ikke bestått (−)" in screen_text(app)
        assert stored(ctx, exam.id) == {}
        await pilot.press("plus", "minus")
        assert stored(ctx, exam.id) == {1: ("bestått", "provisional"), 2: ("ikke bestått", "provisional")}
        await pilot.press("u")
        assert stored(ctx, exam.id) == {1: ("bestått", "provisional")}
        text = screen_text(app)
        assert "+ bestått" in text and "− ikke bestått" in text  # both keys shown in the footer
