"""Failures are reported, never fatal. A service that raises something no
rule foresaw (a bug, a locked or vanished database) in any desk's load,
export or action leaves the app running: the desk's message line says
«intern feil … se logg PATH», the traceback is in that file, and the clerk
can go on working."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from textual.widgets import Static

from eksamen_tui.app import EksamenApp
from eksamen_tui.services import appeals as appeal_service
from eksamen_tui.services import attendance as attendance_service
from eksamen_tui.services import commission_forms, dashboard
from eksamen_tui.services import grades as grade_service
from eksamen_tui.services import papers as paper_service
from eksamen_tui.services import protocol_export
from tests.factories import add_exam
from tests.screen_text import open_exam_on_desk, screen_text, settle

PAST = date(2026, 11, 20)     # today in the tests is 23.11.2026
FUTURE = date(2026, 12, 10)
KINDS = ["runtime", "operational"]


def breaking(monkeypatch, module, name: str, kind: str) -> list:
    """Replace `module.name` by a function that raises; returns its calls."""
    calls = []

    def fail(*args, **kwargs):
        calls.append(args)
        if kind == "operational":
            raise OperationalError("SELECT 1", {}, Exception("database is locked"))
        raise RuntimeError("injected failure")

    monkeypatch.setattr(module, name, fail)
    return calls


def message(app) -> str:
    """What the current desk's message line says."""
    screen = app.screen
    target = "#dashboard-status" if type(screen).__name__ == "DashboardScreen" else "#message"
    return str(screen.query_one(target, Static).content)


def assert_reported(app, tmp_path: Path, kind: str, text: str | None = None) -> None:
    assert app.is_running
    text = message(app) if text is None else text
    assert "intern feil" in text and "se logg" in text, text
    logs = sorted((tmp_path / "logs").glob("feil-*.log"))
    assert logs, "no error report written"
    report = logs[-1].read_text(encoding="utf-8")
    assert str(logs[-1]) in text
    assert ("OperationalError" if kind == "operational" else "RuntimeError: injected failure") in report
    assert "Traceback" in report
    assert (logs[-1].stat().st_mode & 0o777) == 0o600


async def open_again(app, pilot, desk_key: str, code: str) -> None:
    """Open the exam once more after a failed try (the search field is emptied first)."""
    from textual.widgets import Input

    app.screen.query_one("#picker Input", Input).value = ""
    await open_exam_on_desk(app, pilot, desk_key, code)
    await settle(app, pilot)


async def still_works(app, pilot) -> None:
    """After the failure the app answers keys: the desks can be switched."""
    await pilot.press("f2")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "DashboardScreen"


# --- the overview -------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
async def test_dashboard_load(ctx, tmp_path, monkeypatch, kind):
    add_exam(ctx, code="TDT4100", exam_date=FUTURE, candidates=2)
    calls = breaking(monkeypatch, dashboard, "exam_lines", kind)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert calls
        assert_reported(app, tmp_path, kind)
        await pilot.press("f4")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "AttendanceScreen"


# --- attendance ------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
async def test_attendance_load_action_export(ctx, tmp_path, monkeypatch, kind):
    add_exam(ctx, code="TDT4100", exam_date=PAST, candidates=3)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        with monkeypatch.context() as patch:
            breaking(patch, attendance_service, "exam_roster", kind)
            await open_exam_on_desk(app, pilot, "f4", "TDT4100")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
            assert app.screen.exam_id is None  # nothing half-opened
        await open_again(app, pilot, "f4", "TDT4100")
        assert app.screen.exam_id is not None
        with monkeypatch.context() as patch:
            breaking(patch, attendance_service, "set_state", kind)
            await pilot.press("m")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
        with monkeypatch.context() as patch:
            breaking(patch, attendance_service, "export_attendance", kind)
            await pilot.press("x")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
            assert not app.screen.query("#export-indicator")
        await pilot.press("m")  # the desk goes on: the next key is stored
        await settle(app, pilot)
        assert "møtt" in message(app) and "intern feil" not in message(app)
        await still_works(app, pilot)


# --- grades ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
async def test_grades_load_action_export(ctx, tmp_path, monkeypatch, kind):
    exam = add_exam(ctx, code="TDT4100", exam_date=PAST, candidates=3)
    attendance_service.mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        with monkeypatch.context() as patch:
            breaking(patch, grade_service, "protocol", kind)
            await open_exam_on_desk(app, pilot, "f5", "TDT4100")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
            assert app.screen.exam_id is None
        await open_again(app, pilot, "f5", "TDT4100")
        with monkeypatch.context() as patch:
            breaking(patch, grade_service, "enter_grade", kind)
            await pilot.press("b")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
        with monkeypatch.context() as patch:
            breaking(patch, protocol_export, "export_protocol", kind)
            await pilot.press("x")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
            assert not app.screen.query("#export-indicator")
        await pilot.press("b")
        await settle(app, pilot)
        assert message(app).startswith("Kandidat 101: B")
        await pilot.press("x")  # a working export runs in its worker and says where it went
        await settle(app, pilot)
        assert message(app).startswith("Protokoll lagret: ")
        assert Path(message(app).removeprefix("Protokoll lagret: ")).exists()
        await still_works(app, pilot)


# --- papers -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
async def test_papers_load_action_export(ctx, tmp_path, monkeypatch, kind):
    exam = add_exam(ctx, code="TDT4100", exam_date=FUTURE, candidates=3)
    paper_service.register_delivery(ctx, exam.id, checklist={}, delivered_by="Ola Faglærer",
                                    delivery_format="pdf", copies=None, remark="")
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        with monkeypatch.context() as patch:
            breaking(patch, paper_service, "paper_context", kind)
            await open_exam_on_desk(app, pilot, "f3", "TDT4100")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
            assert app.screen.exam_id is None
        await open_again(app, pilot, "f3", "TDT4100")
        with monkeypatch.context() as patch:
            breaking(patch, paper_service, "register_delivery", kind)
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
        app.screen.action_receipt()
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ReceiptDialog"
        with monkeypatch.context() as patch:
            breaking(patch, paper_service, "export_receipt", kind)
            await pilot.press("t")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind, str(app.screen.query_one("#receipt-saved", Static).content))
        await pilot.press("t")
        await settle(app, pilot)
        assert str(app.screen.query_one("#receipt-saved", Static).content).startswith("Lagret: ")
        await pilot.press("escape")
        await still_works(app, pilot)


# --- appeals ------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
async def test_appeals_load_action_export(ctx, tmp_path, monkeypatch, kind):
    from tests.test_appeals_service import graded_exam, reg_id

    exam = graded_exam(ctx, exam_date=date(2026, 10, 20), published=date(2026, 11, 18))
    appeal_service.register_case(ctx, reg_id(ctx, exam, 101), "grade_appeal")
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        with monkeypatch.context() as patch:
            breaking(patch, appeal_service, "case_list", kind)
            await pilot.press("f6")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
        await pilot.press("1")  # the list loads again once the service answers
        await settle(app, pilot)
        assert "· 1 sak" in screen_text(app)  # «1 sak» (count_text)
        with monkeypatch.context() as patch:
            breaking(patch, appeal_service, "enter_new_grade", kind)
            await pilot.press("b")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
        with monkeypatch.context() as patch:
            breaking(patch, appeal_service, "blind_export", kind)
            await pilot.press("x")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
        await still_works(app, pilot)


# --- commissions ---------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
async def test_commissions_load_and_export(ctx, tmp_path, monkeypatch, kind):
    add_exam(ctx, code="TDT4100", exam_date=FUTURE)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        with monkeypatch.context() as patch:
            breaking(patch, commission_forms, "commission_overview", kind)
            await pilot.press("f7")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
        app.screen.load()
        await settle(app, pilot)
        with monkeypatch.context() as patch:
            breaking(patch, commission_forms, "export_forms", kind)
            await pilot.press("b")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
            assert not app.screen.query_one("#export-progress").display
        with monkeypatch.context() as patch:
            breaking(patch, commission_forms, "export_directory", kind)
            await pilot.press("x")
            await settle(app, pilot)
            assert_reported(app, tmp_path, kind)
        await still_works(app, pilot)


async def test_batch_import_applies_each_file_alone_and_accounts_for_each(ctx, tmp_path, monkeypatch):
    """Three forms, the second fails halfway through its transaction: the
    first and third are stored, the second not at all, and the clerk reads
    which is which."""
    from sqlmodel import select

    from eksamen_tui.db.models import Commission
    from eksamen_tui.excel.commission_form import FormHeader, write_form
    from tests.make_commission_corpus import APPEAL, ORDINARY

    folder = tmp_path / "skjema"
    folder.mkdir()
    exams = {}
    for code, day in (("TDT4100", date(2026, 12, 10)), ("TMA4100", date(2026, 12, 11)),
                      ("TFY4125", date(2026, 12, 12))):
        exams[code] = add_exam(ctx, code=code, exam_date=day)
        write_form(folder / f"{code}_Skoleeksamen_kommisjonsskjema.xlsx",
                   FormHeader(code, "Emne", "2026H", "Skoleeksamen", day), ORDINARY, APPEAL)
    real = commission_forms.apply_form_import

    def second_fails(ctx_, plan):
        if plan.file.startswith("TMA4100"):
            def explode(*args, **kwargs):
                raise RuntimeError("injected failure")
            with monkeypatch.context() as patch:  # fails after the file's first writes
                patch.setattr(commission_forms, "_examiner_for", explode)
                return real(ctx_, plan)
        return real(ctx_, plan)

    monkeypatch.setattr(commission_forms, "apply_form_import", second_fails)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        app.screen.query_one("Input").value = str(folder)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FormImportDialog" and len(app.screen.plans) == 3
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "2 av 3 skjema importert" in text
        assert "✓ TDT4100_Skoleeksamen_kommisjonsskjema.xlsx" in text
        assert "✓ TFY4125_Skoleeksamen_kommisjonsskjema.xlsx" in text
        assert "✗ TMA4100_Skoleeksamen_kommisjonsskjema.xlsx: ikke importert – intern feil" in text
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CommissionsScreen"
        assert "Importert 2 skjema" in message(app)
    with ctx.read() as s:
        stored = {exam_id for exam_id in s.exec(select(Commission.exam_id)).all()}
    assert stored == {exams["TDT4100"].id, exams["TFY4125"].id}
