"""The import from the app: path, preview with errors or changes, commit."""
from datetime import date

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Registration
from tests.factories import add_exam, write_candidate_sheet
from tests.screen_text import screen_text, settle


async def test_preview_errors_then_fix_and_commit(ctx, tmp_path):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10))
    bad = write_candidate_sheet(tmp_path / "bad.xlsx", [["TDT4100", "10.12.2026", "700001", 201, "Kari", "bokmål"],
                                       ["TDT4100", "10.12.2026", "700002", 201, "Ola", "bokmål"]])
    good = write_candidate_sheet(tmp_path / "good.xlsx", [["TDT4100", "10.12.2026", "700001", 201, "Kari", "bokmål"],
                                         ["TDT4100", "10.12.2026", "700002", 202, "Ola", "nynorsk"]])
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CandidateImportScreen"
        await pilot.press(*bad, "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "1 feil" in text and "rad 3, kolonne D" in text
        assert app.screen.query_one("#import-commit").disabled
        app.screen.query_one("#import-path").value = ""
        await pilot.press(*good, "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "2 nye" in text and "Nye studenter: 2" in text
        with ctx.read() as s:
            assert s.exec(select(Registration).where(Registration.exam_id == exam.id)).all() == []
        await pilot.press("enter")  # the focused «Importer» button
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
    with ctx.read() as s:
        numbers = s.exec(select(Registration.candidate_number).where(Registration.exam_id == exam.id)).all()
    assert sorted(numbers) == [201, 202]
