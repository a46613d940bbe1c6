"""The attendance desk driven by the keyboard, as a clerk re-types a list."""
from datetime import date

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Registration
from tests.factories import add_exam
from tests.screen_text import open_exam_on_desk, screen_text



def states(ctx, exam_id):
    with ctx.read() as s:
        return dict(s.exec(select(Registration.candidate_number, Registration.attendance_state)
                           .where(Registration.exam_id == exam_id)).all())


async def test_200_candidates_with_10_exceptions_by_keyboard_alone(ctx):
    exam = add_exam(ctx, code="TMA4100", exam_date=date(2026, 11, 20), candidates=200, first_candidate=101)
    exceptions = {105: "i", 117: "t", 130: "b", 142: "g", 155: "i", 168: "i", 199: "t", 240: "g", 277: "b", 300: "i"}
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f4", "TMA4100")
        assert app.screen.exam_id == exam.id
        keys = []
        for number, key in exceptions.items():
            keys += [*str(number), key]
        keys.append("a")  # the rest attended
        await pilot.press(*keys)
        await pilot.pause()
        assert "Oppmeldt 200" in screen_text(app)
    result = states(ctx, exam.id)
    expected_names = {"i": "no_show", "t": "withdrew_during", "b": "blank", "g": "valid_absence"}
    for number, key in exceptions.items():
        assert result[number] == expected_names[key]
    assert sum(1 for v in result.values() if v == "attended") == 190
    assert len(keys) == 41  # the whole list in 41 key presses after choosing the exam


async def test_arrows_one_key_and_undo(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 20), candidates=5, first_candidate=11)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f4", "TDT4100")
        await pilot.press("m", "m", "i")  # 11, 12 attended, 13 no-show; cursor moves on
        assert states(ctx, exam.id) == {11: "attended", 12: "attended", 13: "no_show", 14: "registered", 15: "registered"}
        await pilot.press("u")
        assert states(ctx, exam.id)[13] == "registered"
        await pilot.press("up", "b")  # undo put the cursor back on 13
        assert states(ctx, exam.id)[12] == "blank"
        assert "karakter F" in screen_text(app)


async def test_unknown_number_and_student_number_are_refused(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 20), candidates=5, first_candidate=11)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f4", "TDT4100")
        await pilot.press("9", "9", "i")
        assert "Kandidatnummer 99 finnes ikke" in screen_text(app)
        with ctx.read() as s:
            student_number = s.exec(select(Registration.student_id)).first()
        await pilot.press(*"500001", "m")
        await pilot.pause()
        assert "ingenting er endret" in screen_text(app)
    assert set(states(ctx, exam.id).values()) == {"registered"}
    assert student_number


async def test_unknown_course_code_says_so(ctx):
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 20), candidates=1)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.pause()
        await pilot.press("f4")
        await pilot.press(*"xyz123")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Ukjent emnekode eller emnenavn: «xyz123»" in screen_text(app)


def documentation(ctx, exam_id):
    with ctx.read() as s:
        return dict(s.exec(select(Registration.candidate_number, Registration.documentation_received_on)
                           .where(Registration.exam_id == exam_id)).all())


async def test_typed_number_wins_over_the_cursor_for_documentation_and_history(ctx):
    """`14 d` with the cursor on 11 records the documentation for 14; `u`
    takes it back out of the database; `13 h` shows 13's history."""
    from eksamen_tui.domain.attendance import AttendanceState
    from eksamen_tui.services.attendance import set_state

    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 20), candidates=5, first_candidate=11)
    for number in (11, 14):
        set_state(ctx, exam.id, number, AttendanceState.VALID_ABSENCE)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f4", "TDT4100")
        await pilot.press("1", "4", "d")
        assert documentation(ctx, exam.id)[14] == date(2026, 11, 23)
        assert documentation(ctx, exam.id)[11] is None
        assert "Kandidat 14: dokumentasjon mottatt 23.11.2026" in screen_text(app)
        await pilot.press("u")
        assert documentation(ctx, exam.id)[14] is None
        assert "Angret for kandidat 14" in screen_text(app)
        await pilot.press("1", "3", "h")
        await pilot.pause()
        assert "Historikk for kandidat 13" in screen_text(app)

