"""A dashboard that leads: Enter on an exam opens the desk of its most
urgent item, already opened on the exam (one test per kind of item); a
count on a card filters the table to the exams behind it; each card says
what period it counts."""
from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.services import appeals
from eksamen_tui.services.attendance import mark_unmarked_attended, set_state
from eksamen_tui.services.dashboard import exam_lines
from eksamen_tui.services.dashboard_leads import exams_behind, form_status, leads_for
from eksamen_tui.services.grades import control_grade, enter_grade, publish
from tests.factories import add_exam, as_clerk
from tests.screen_text import screen_text, settle


def office(ctx):
    """One exam per kind of urgent item (today is Monday 23.11.2026)."""
    papers = add_exam(ctx, code="PAP1000", exam_date=date(2026, 11, 26), candidates=2)  # paper deadline passed
    attendance = add_exam(ctx, code="OPP1000", exam_date=date(2026, 11, 16), candidates=3)  # nobody marked
    grades = add_exam(ctx, code="SEN1000", exam_date=date(2026, 10, 26), candidates=2)  # grading deadline passed
    mark_unmarked_attended(ctx, grades.id)
    enter_grade(ctx, grades.id, 101, "C")
    cases = add_exam(ctx, code="KLA1000", exam_date=date(2026, 10, 28), candidates=2)
    mark_unmarked_attended(ctx, cases.id)
    for number in (101, 102):
        enter_grade(ctx, cases.id, number, "B")
        control_grade(as_clerk(ctx), cases.id, number, "B")
    publish(ctx, cases.id, date(2026, 11, 16))
    appeals.register_case(ctx, _reg(ctx, cases.id, 101), "explanation", received_on=date(2026, 11, 20))
    form = add_exam(ctx, code="KOM1000", exam_date=date(2026, 12, 4), candidates=2)  # form deadline 20.11 passed
    return {"papers": papers, "attendance": attendance, "grades": grades, "appeals": cases, "commissions": form}


def _reg(ctx, exam_id, number):
    from sqlmodel import select

    from eksamen_tui.db.models import Registration

    with ctx.read() as s:
        return s.exec(select(Registration.id).where(Registration.exam_id == exam_id,
                                                    Registration.candidate_number == number)).one()


def test_most_urgent_item_per_exam(ctx):
    exams = office(ctx)
    lines = {line.exam_id: line for line in exam_lines(ctx)}
    forms = form_status(ctx, [(line.exam_id, line.exam_date) for line in lines.values()])
    for desk, exam in exams.items():
        leads = leads_for(lines[exam.id], exam.id in forms, forms.get(exam.id, False))
        assert leads and leads[0].desk == desk, (desk, leads)
    # the form exam also needs its paper, but the overdue form comes first
    form_leads = leads_for(lines[exams["commissions"].id], True, True)
    assert [lead.desk for lead in form_leads] == ["commissions", "papers"]


async def open_from_dashboard(app, pilot, exam_id):
    table = app.screen.query_one("#exams")
    for _ in range(100):
        await settle(app, pilot)
        if table.row_count and str(exam_id) in table.rows:
            break
    table.focus()
    table.move_cursor(row=table.get_row_index(str(exam_id)))
    await pilot.press("enter")
    await settle(app, pilot)


@pytest.mark.slow("opens five desks from the dashboard")
async def test_enter_opens_the_right_desk_on_the_right_exam(ctx):
    exams = office(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 48)) as pilot:
        for desk, exam in exams.items():
            await pilot.press("f2")
            await open_from_dashboard(app, pilot, exam.id)
            assert app.current_mode == desk, desk
            screen = app.screen
            if desk in ("papers", "attendance", "grades"):
                assert screen.exam_id == exam.id, desk
            elif desk == "appeals":
                assert screen.exam_filter == exam.id
                assert "KLA1000" in screen_text(app)
            else:
                assert screen.query_one("#exams").cursor_key == str(exam.id)
            code = {"papers": "PAP1000", "attendance": "OPP1000", "grades": "SEN1000", "appeals": "KLA1000",
                    "commissions": "KOM1000"}[desk]
            assert code in (screen.sub_title or ""), (desk, screen.sub_title)


async def test_a_count_filters_the_table_and_cards_name_their_period(ctx):
    exams = office(ctx)
    assert exams_behind(ctx, "grades", "exams_past_deadline") == [exams["grades"].id]
    assert exams["commissions"].id in exams_behind(ctx, "commissions", "overdue")
    assert exams["papers"].id in exams_behind(ctx, "papers", "late")
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 48)) as pilot:
        table = app.screen.query_one("#exams")
        for _ in range(100):
            await settle(app, pilot)
            if table.row_count:
                break
        text = screen_text(app)
        for period in ("neste 14 dager", "siste 120 dager", "90 dager, ukunngjort", "alle åpne saker", "7 d. bak – 60 d. fram"):
            assert period in text
        everything = table.row_count
        assert everything >= 5
        card = app.screen.query_one("#card-grades")
        for _ in range(50):
            await settle(app, pilot)
            if card.option_count and card.get_option_at_index(0).id:
                break
        index = next(i for i in range(card.option_count) if card.get_option_at_index(i).id == "grades:exams_past_deadline")
        card.focus()
        card.highlighted = index
        await pilot.press("enter")
        await settle(app, pilot)
        assert list(table.rows) == [str(exams["grades"].id)] and "Esc viser alle" in screen_text(app)
        await pilot.press("enter")  # and Enter leads on from the filtered table
        await settle(app, pilot)
        assert app.current_mode == "grades" and app.screen.exam_id == exams["grades"].id
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert table.row_count == everything


@pytest.mark.sqlite_only
@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2026, 12, 20), date(2027, 1, 4)], ids=str)
def test_every_count_lists_as_many_exams_as_it_counts(demo_db, today):
    """A count on a card and the list behind it come from the same rows
    (the commissions card counted F7's overview while its list read the
    next 30 days by rules of its own, and «Over frist» listed nothing)."""
    from eksamen_tui.services.context import open_context
    from eksamen_tui.services.dashboard import CARDS, card_counts
    from screens.dashboard import NOT_EXAMS

    ctx = open_context(str(demo_db), today=lambda: today)
    checked = 0
    for card in CARDS:
        for key, count in card_counts(ctx, card).items():
            if key in NOT_EXAMS or (card, key) in {("attendance", "documentation_overdue"), ("cases", "open"),
                                                   ("cases", "overdue"), ("after", "guidelines_missing"),
                                                   ("after", "fee_due"), ("after", "scripts_missing"),
                                                   ("after", "scripts_overdue")}:
                continue  # counts of candidates, cases, forms or scripts: several can be one exam's
            assert len(exams_behind(ctx, card, key)) == count, (card, key, today)
            checked += 1
    assert checked >= 9
