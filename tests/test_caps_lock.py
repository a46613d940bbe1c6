"""Caps Lock at the counter: a grade or an attendance state typed in
capitals does what the lower-case key does, and a field keeps its capitals."""
from datetime import date

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Grade, Registration
from eksamen_tui.services.attendance import mark_unmarked_attended
from tests.factories import add_exam
from tests.screen_text import open_exam_on_desk, screen_text

DAY = date(2026, 11, 12)


async def test_capital_grade_and_state_keys_act_like_lower_case(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=3, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TMA4240")
        await pilot.press("C", "b")
        await pilot.pause()
        with ctx.read() as s:
            grades = dict(s.exec(select(Registration.candidate_number, Grade.value).join(Grade)
                                 .where(Registration.exam_id == exam.id, Grade.is_current == True)).all())  # noqa: E712
        assert grades == {201: "C", 202: "B"}
        assert "2 / 3" in screen_text(app)
        await open_exam_on_desk(app, pilot, "f4", "TMA4240")
        await pilot.press(*"203", "I")
        await pilot.pause()
        with ctx.read() as s:
            state = s.exec(select(Registration.attendance_state).where(
                Registration.exam_id == exam.id, Registration.candidate_number == 203)).one()
        assert state == "no_show"
