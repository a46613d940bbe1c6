"""The appeals desk by keyboard only: register an appeal, send it to a valid
commission, enter the new grade, close the case."""
from datetime import date

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Case, Grade
from eksamen_tui.domain.vocabulary import CommissionKind, GradeSource
from tests.screen_text import screen_text, settle
from tests.test_appeals_service import commission, graded_exam



async def test_appeal_from_counter_to_closed_case_by_keyboard(ctx):
    exam = graded_exam(ctx, published=date(2026, 11, 20))  # 101: C
    commission(ctx, exam, CommissionKind.ORDINARY, [("Ordinær Intern", False), ("Ordinær Ekstern", True)])
    commission(ctx, exam, CommissionKind.APPEAL, [("Ny Intern", False), ("Ny Ekstern", True)])
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"TDT4100 101")
        await settle(app, pilot)
        assert "kand. 101" in screen_text(app)
        await pilot.press("alt+t")  # to the case type
        await pilot.press("k")  # «Klage på karakter»
        assert "Klage på karakter" in screen_text(app)
        await pilot.press("enter", "enter", "enter")  # on through the date and the override: registered
        await settle(app, pilot)
        assert type(app.screen).__name__ == "AppealsScreen"
        text = screen_text(app)
        assert "klage karakter" in text and "mottatt, ikke sendt" in text
        assert "Opprinnelig karakter: C" in text and "sperret mens" in text
        await pilot.press("s")  # asks first: N changes nothing
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")
        await settle(app, pilot)
        assert "Ingenting sendt" in screen_text(app)
        await pilot.press("s", "j")
        await settle(app, pilot)
        assert "1 klage for TDT4100" in screen_text(app) and "sendt til klagekommisjonen" in screen_text(app)
        await pilot.press("b")  # the commission's new grade: B (up one step)
        await settle(app, pilot)
        assert "Ny karakter B (opp)" in screen_text(app)
        await pilot.press("l", "escape")  # asks first: Esc changes nothing
        await settle(app, pilot)
        assert "er ikke lukket" in screen_text(app)
        await pilot.press("l", "j")
        await settle(app, pilot)
        assert "saken er lukket" in screen_text(app)
    with ctx.read() as s:
        case = s.exec(select(Case)).one()
        grades = s.exec(select(Grade.value, Grade.source, Grade.is_current)
                        .where(Grade.registration_id == case.registration_id).order_by(Grade.id)).all()
    assert (case.case_type, case.outcome, case.closed_on, case.decision_sent_on) == (
        "grade_appeal", "up", date(2026, 11, 23), date(2026, 11, 23))
    assert grades == [("C", GradeSource.ENTRY, False), ("B", GradeSource.APPEAL, True)]


async def test_closed_case_reopened_with_a_reason_by_keyboard(ctx):
    from eksamen_tui.db.models import AuditEntry
    from eksamen_tui.services.appeals import close_case, enter_new_grade, register_case, send_to_commission

    exam = graded_exam(ctx, published=date(2026, 11, 20))
    commission(ctx, exam, CommissionKind.ORDINARY, [("Ordinær Intern", False), ("Ordinær Ekstern", True)])
    commission(ctx, exam, CommissionKind.APPEAL, [("Ny Intern", False), ("Ny Ekstern", True)])
    with ctx.read() as s:
        registration_id = s.exec(select(Grade.registration_id)).first()
    case = register_case(ctx, registration_id, "grade_appeal")
    send_to_commission(ctx, exam.id)
    enter_new_grade(ctx, case.id, "C" if case.original_grade != "C" else "D")
    close_case(ctx, case.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        await pilot.press("3")  # all cases, closed ones too
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FormDialog"
        await pilot.press("a", "enter", "enter")  # «annet» without a note: refused beside the note
        await settle(app, pilot)
        assert type(app.screen).__name__ == "FormDialog"
        assert "Skriv en merknad" in screen_text(app)
        await pilot.press(*"feil dato", "enter")
        await settle(app, pilot)
        assert f"Sak {case.id} er gjenåpnet" in screen_text(app)
    with ctx.read() as s:
        reopened = s.get(Case, case.id)
        audit = s.exec(select(AuditEntry).where(AuditEntry.entity == "case", AuditEntry.entity_id == case.id,
                                                AuditEntry.field == "closed_on")).all()
    assert reopened.closed_on is None and reopened.decision_sent_on is None and reopened.decision_on is not None
    assert audit[-1].new_value in (None, "") and audit[-1].reason_code == "reopen_other" and audit[-1].note == "feil dato"


async def test_late_request_needs_override_and_invalid_commission_is_named(ctx):
    exam = graded_exam(ctx, published=date(2026, 10, 1))  # appeal deadline 22.10
    commission(ctx, exam, CommissionKind.APPEAL, [("Bare Intern", False)])
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6", "n")
        await settle(app, pilot)
        await pilot.press(*"TDT4100 102")
        await settle(app, pilot)
        await pilot.press("tab", "tab", "k", "ctrl+r")
        await settle(app, pilot)
        assert "FOR SENT" in screen_text(app) and "overstyring" in screen_text(app)
        await pilot.press("alt+o")  # to the override
        assert app.focused.id == "case-override"
        await pilot.press(*"dokumentert sykdom", "ctrl+r")
        await settle(app, pilot)
        text = screen_text(app)
        assert "for sent, overstyrt:" in text and "dokumentert sykdom" in text
        await pilot.press("s")
        await settle(app, pilot)
        text = screen_text(app)
        assert "minst to sensorer" in text and "minst én ekstern" in text
