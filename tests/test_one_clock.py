"""One clock (issue 12, item 6): everything that stamps a date or a time
takes it from the context, so `--today` holds for receipts, audit rows,
attendance changes, withdrawals, grades and cases alike. The context below
has a fixed `today` and the machine's clock for the time of day, as the app
has with `--today`; the old context stamped the machine's date instead."""
from datetime import date, datetime, timedelta

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import AttendanceChange, AuditEntry, Case, Exam, Grade, PaperDelivery, Registration
from eksamen_tui.domain.attendance import AttendanceState as S
from eksamen_tui.domain.paper_checklist import CHECKLIST_ITEMS
from eksamen_tui.services import appeals, attendance, grades, papers
from eksamen_tui.services.context import open_context
from tests.factories import add_exam, as_clerk

# Far from the machine's date (whenever the suite runs), so a machine-clock stamp shows.
FIXED = date(2031, 3, 4)


def fixed_context(tmp_path):
    return open_context(str(tmp_path / "clock.db"), clerk="kari", today=lambda: FIXED)


def test_every_stamp_takes_the_contexts_date(tmp_path):
    ctx = fixed_context(tmp_path)
    assert ctx.now().date() == FIXED
    ahead = add_exam(ctx, code="TMA4100", exam_date=FIXED + timedelta(days=20), candidates=2)
    held = add_exam(ctx, code="TDT4100", exam_date=FIXED - timedelta(days=30), candidates=3)

    delivery = papers.register_delivery(ctx, ahead.id, checklist={item: True for item in CHECKLIST_ITEMS},
                                        delivered_by="Ola Nordmann")
    receipt = "\n".join(papers.receipt_lines(papers.paper_context(ctx, ahead.id), delivery))
    assert f"Mottatt:     {FIXED:%d.%m.%Y} kl." in receipt and "i tide" in receipt

    attendance.set_state(ctx, ahead.id, 101, S.WITHDRAWN)
    attendance.set_state(ctx, held.id, 103, S.VALID_ABSENCE)
    attendance.record_documentation(ctx, held.id, 103, ctx.today())
    attendance.mark_unmarked_attended(ctx, held.id)
    for number in (101, 102):
        grades.enter_grade(ctx, held.id, number, "B")
        grades.control_grade(as_clerk(ctx), held.id, number, "B")
    grades.publish(ctx, held.id)
    with ctx.read() as s:
        registration_id = s.exec(select(Registration.id).where(Registration.exam_id == held.id,
                                                               Registration.candidate_number == 101)).one()
    appeals.register_case(ctx, registration_id, "explanation")

    with ctx.read() as s:
        stamps = {
            "kvittering": [d.received_at for d in s.exec(select(PaperDelivery)).all()],
            "revisjonsspor": [a.at for a in s.exec(select(AuditEntry)).all()],
            "oppmøteendringer": [c.changed_at for c in s.exec(select(AttendanceChange)).all()],
            "trekk": [r.withdrawn_on for r in s.exec(select(Registration).where(Registration.withdrawn_on.is_not(None))).all()],
            "dokumentasjon": [r.documentation_received_on for r in s.exec(
                select(Registration).where(Registration.documentation_received_on.is_not(None))).all()],
            "karakter ført": [g.entered_at for g in s.exec(select(Grade)).all()],
            "karakter kontrollert": [g.controlled_at for g in s.exec(select(Grade)).all()],
            "kunngjort": [e.published_on for e in s.exec(select(Exam).where(Exam.published_on.is_not(None))).all()],
            "sak mottatt": [c.received_on for c in s.exec(select(Case)).all()],
        }
    for what, values in stamps.items():
        assert values, what
        days = {v.date() if isinstance(v, datetime) else v for v in values}
        assert days == {FIXED}, (what, days)


async def test_the_app_started_with_today_stamps_that_day(tmp_path):
    ctx = fixed_context(tmp_path)
    ctx.engine.dispose()
    app = EksamenApp(db=str(tmp_path / "clock.db"), clerk="kari", today=FIXED)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.ctx is not None
        assert app.ctx.today() == FIXED and app.ctx.now().date() == FIXED


def test_the_cli_today_option_reaches_the_context(tmp_path):
    from eksamen_tui.cli import build_parser, open_cli_context

    args = build_parser().parse_args(["--db", str(tmp_path / "cli.db"), "--today", FIXED.isoformat(), "backup", "x"])
    ctx = open_cli_context(args)
    assert ctx.today() == FIXED and ctx.now().date() == FIXED
