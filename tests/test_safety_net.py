"""The safety net: an unexpected exception in a desk's own event handler
or action (outside DeskScreen._call and workers) is logged with its
traceback and shown as one bokmål line; the app keeps running. Under
run_test the net is off unless a test turns it on, so a test still fails
on such an error."""
from __future__ import annotations

from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.errorlog import log_dir
from eksamen_tui.services.attendance import mark_unmarked_attended
from screens.audit_log import AuditLogScreen
from tests.factories import add_exam
from tests.screen_text import screen_text, settle


def _broken(*_args, **_kwargs):
    raise RuntimeError("en feil ingen så komme")


def _reports() -> list[str]:
    folder = log_dir()
    return sorted(path.read_text(encoding="utf-8") for path in folder.glob("feil-*.log")) if folder.exists() else []


async def _on_the_log(app, pilot):
    await pilot.press("f9")
    await settle(app, pilot)
    assert isinstance(app.screen, AuditLogScreen)


@pytest.fixture
def changes(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=date(2026, 11, 12), candidates=3, first_candidate=101)
    mark_unmarked_attended(ctx, exam.id)


async def test_an_error_in_a_desks_event_handler_is_one_line_and_the_app_goes_on(ctx, changes, monkeypatch):
    monkeypatch.setattr(AuditLogScreen, "apply_filter", _broken)  # called from the Input.Submitted handler
    app = EksamenApp(ctx=ctx)
    app.catch_desk_errors = True
    async with app.run_test(size=(160, 45)) as pilot:
        await _on_the_log(app, pilot)
        await pilot.press("slash", *"tma", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        line = next(line for line in text.splitlines() if "intern feil" in line)
        assert "intern feil (RuntimeError) – se logg" in line
        (report,) = _reports()
        assert "en feil ingen så komme" in report and "hendelse Submitted" in report and "Traceback" in report
        assert app.is_running and isinstance(app.screen, AuditLogScreen)
        await pilot.press("f2")  # the app still answers keys
        await settle(app, pilot)
        assert app.current_mode == "dashboard"


async def test_an_error_in_a_desks_action_is_one_line_and_the_app_goes_on(ctx, changes, monkeypatch):
    monkeypatch.setattr(AuditLogScreen, "action_clear_filter", _broken)
    app = EksamenApp(ctx=ctx)
    app.catch_desk_errors = True
    async with app.run_test(size=(160, 45)) as pilot:
        await _on_the_log(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert "intern feil (RuntimeError) – se logg" in screen_text(app)
        (report,) = _reports()
        assert "handling «clear_filter»" in report and "en feil ingen så komme" in report
        await pilot.press("c")  # again: the desk is alive, a second report
        await settle(app, pilot)
        assert len(_reports()) == 2 and app.is_running


@pytest.mark.parametrize("where", ["apply_filter", "action_clear_filter"])
async def test_under_run_test_the_error_still_fails_the_test(ctx, changes, monkeypatch, where):
    monkeypatch.setattr(AuditLogScreen, where, _broken)
    app = EksamenApp(ctx=ctx)
    assert app.catch_desk_errors is None  # the default: off when headless
    with pytest.raises(RuntimeError, match="en feil ingen så komme"):
        async with app.run_test(size=(160, 45)) as pilot:
            await _on_the_log(app, pilot)
            await pilot.press(*(("slash", "t", "enter") if where == "apply_filter" else ("c",)))
            await settle(app, pilot)
    assert _reports() == []


def test_the_net_is_on_outside_tests():
    from screens.base import catches_errors

    class Running:
        is_headless = False
        catch_desk_errors = None

    class UnderRunTest(Running):
        is_headless = True

    assert catches_errors(Running()) and not catches_errors(UnderRunTest())
    turned_on = UnderRunTest()
    turned_on.catch_desk_errors = True
    assert catches_errors(turned_on)


async def test_an_error_in_a_dialogs_action_is_a_notification_and_the_app_goes_on(ctx, changes, monkeypatch):
    from screens.student import CaseTypeDialog

    monkeypatch.setattr(CaseTypeDialog, "action_cancel", _broken)
    app = EksamenApp(ctx=ctx)
    app.catch_desk_errors = True
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press(*"tma4240 101", "enter")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseTypeDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        assert any("intern feil (RuntimeError) – se logg" in n.message for n in app._notifications)
        (report,) = _reports()
        assert "handling «cancel»" in report
        assert app.is_running and isinstance(app.screen, CaseTypeDialog)  # still open, still answering
