"""The commission desk by keyboard: status list, import with preview, blank export."""
from datetime import date

from eksamen_tui.app import EksamenApp
from eksamen_tui.services.commission_forms import commission_overview
from tests.factories import add_exam
from tests.make_commission_corpus import APPEAL, HEADER, ORDINARY
from tests.screen_text import screen_text, settle



async def test_import_with_preview_then_status_complete(ctx, tmp_path):
    from eksamen_tui.excel.commission_form import write_form

    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10), candidates=3)
    add_exam(ctx, code="TMA4100", exam_date=date(2026, 12, 1))
    path = write_form(tmp_path / "TDT4100_Skoleeksamen_kommisjonsskjema.xlsx", HEADER, ORDINARY, APPEAL)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        text = screen_text(app)
        assert "! skjema mangler" in text  # TMA4100: form deadline 17.11 passed
        await pilot.press("i")
        await settle(app, pilot)
        app.screen.query_one("Input").value = ""
        await pilot.press(*"/finnes/ikke", "enter")  # refused beside the field; the dialog stays open
        await settle(app, pilot)
        assert type(app.screen).__name__ == "PromptDialog" and "Finner ikke /finnes/ikke" in screen_text(app)
        app.screen.query_one("Input").value = ""
        await pilot.press(*str(path), "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "nye: Kari Intern, Eva Ekstern" in text and "nye: Per Ny, Lise Ny" in text
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Importert 1 skjema" in screen_text(app)
    statuses = {row.course_code: row.status for row in commission_overview(ctx)}
    assert statuses == {"TDT4100": "komplett", "TMA4100": "skjema mangler"}
    del exam


async def test_blank_export_for_the_list_and_directory(ctx, tmp_path, monkeypatch):
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10))
    add_exam(ctx, code="TMA4100", exam_date=date(2026, 12, 1), parts=[("Midtsemester", 20), ("Slutt", 80)])
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert "4 skjema lagret" in screen_text(app)  # one per exam and per part
        await pilot.press("d")
        await settle(app, pilot)
        assert "Besvarelser" in screen_text(app)
    folder = tmp_path / "exports" / "kommisjonsskjema"
    assert sorted(p.name for p in folder.iterdir()) == [
        "TDT4100_Skoleeksamen_2026-12-10_kommisjonsskjema.xlsx",
        "TMA4100_Skoleeksamen-Midtsemester_2026-12-01_kommisjonsskjema.xlsx",
        "TMA4100_Skoleeksamen-Slutt_2026-12-01_kommisjonsskjema.xlsx",
        "TMA4100_Skoleeksamen_2026-12-01_kommisjonsskjema.xlsx"]
