"""The «Etter eksamen» desk (F10) by keyboard: hand out and take back answer
scripts in a few keys, a shortfall in words until resolved, an extension,
fee forms and the resit list; the dashboard follows."""
from datetime import date

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Exam, ScriptMovement
from tests.factories import add_exam
from tests.screen_text import screen_text, settle
from tests.test_after_exam_service import EXAM_DAY, attend, commission


async def open_after_desk(app, pilot, code):
    await settle(app, pilot)
    await pilot.press("f10")
    await settle(app, pilot)
    await pilot.press(*code.lower())
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_hand_out_and_return_in_a_few_keys_missing_in_words_then_resolved(ctx, tmp_path):
    exam = add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY, candidates=40)
    attend(ctx, exam.id)
    internal, external = commission(ctx, exam.id, ("Kari Intern", False, True), ("Eva Ekstern", True, False))
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_after_desk(app, pilot, "tdt4100")
        text = screen_text(app)
        assert "Etter eksamen" in text and "innleverte besvarelser (oppmøte): 40" in text
        assert "Kari Intern" in text and "Eva Ekstern" in text
        # the internal examiner is on the first row (copies): U, Ctrl+R hands out the prefilled 40
        await pilot.press("u")
        await settle(app, pilot)
        assert "Utlevering til Kari Intern" in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "40 kopier utlevert til Kari Intern" in screen_text(app)
        # the external examiner: originals out, then 38 back
        await pilot.press("down", "u", "ctrl+r")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        app.screen.query_one("#field-count").value = ""
        await pilot.press(*"38", "ctrl+r")
        await settle(app, pilot)
        text = screen_text(app)
        assert "2 originaler mangler (40 utlevert, 38 tilbake)" in text
        assert "OVER FRIST" in text  # the grading deadline 16.11 has passed
        # the dashboard says so in words
        await pilot.press("f2")
        await settle(app, pilot)
        assert "Besv. mangler: 2" in screen_text(app)
        await pilot.press("f10")
        await settle(app, pilot)
        # resolve the two originals with a reason
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press(*"funnet i arkivet", "enter")
        await settle(app, pilot)
        assert "avklart: funnet i arkivet" in screen_text(app)
        await pilot.press("x")
        await settle(app, pilot)
        assert "Lagret:" in screen_text(app)
    with ctx.read() as s:
        moves = s.exec(select(ScriptMovement).order_by(ScriptMovement.id)).all()
    assert [(m.examiner_id, m.kind, m.direction, m.count) for m in moves] == [
        (internal, "copy", "out", 40), (external, "original", "out", 40), (external, "original", "back", 38)]
    assert list((tmp_path / "exports").glob("TDT4100_*_besvarelser.xlsx"))


async def test_extension_fees_and_resits_from_the_desk(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY, candidates=3)
    (external,) = commission(ctx, exam.id, ("Eva Ekstern", True, False))
    attend(ctx, exam.id, grade={101: "F", 102: "C", 103: "B"})
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_after_desk(app, pilot, "tdt4100")
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press(*"07.12.2026", "enter", *"PR-2026/17", "ctrl+r")
        await settle(app, pilot)
        text = screen_text(app)
        assert "07.12.2026 (utsatt fra 16.11.2026, vedtak PR-2026/17)" in text
        # the grade desk shows the extended deadline
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press(*"tdt4100")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "sensurfrist 07.12.2026" in screen_text(app) and "UTSATT fra 16.11.2026" in screen_text(app)
        with ctx.write() as s:
            row = s.get(Exam, exam.id)
            row.published_on = date(2026, 11, 20)
            s.add(row)
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert "Eva Ekstern" in screen_text(app) and "skal sendes" in screen_text(app)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert "honorarskjema bekreftet" in screen_text(app)
        await pilot.press("k")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Kan melde seg til konte: 1 av 3" in text and "KAN MELDE SEG: ikke bestått (F); 2 forsøk igjen" in text
        await pilot.press("x")
        await settle(app, pilot)
        assert "konte.xlsx" in screen_text(app).replace("\n", "")
    del external
