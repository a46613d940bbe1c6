"""Lists that act: documentation overdue (F4 o), forms missing and the
other counts behind the dashboard's cards open the item on the right desk
with Enter; the examiner directory is searchable, shows full e-mails and
flags a person registered twice as internal and external."""
from datetime import date

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Commission, CommissionMember, Examiner
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.services.attendance import set_state
from eksamen_tui.services.commission_forms import examiner_directory
from eksamen_tui.services.examiner_search import double_registrations, search_directory
from tests.factories import add_exam
from tests.screen_text import open_exam_on_desk, screen_text, settle

LONG_EMAIL = "kari.nordmann-ostby.sensor@institutt-for-datateknologi.example.no"


def absences(ctx):
    first = add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 2), candidates=4, first_candidate=11)
    second = add_exam(ctx, code="MA0001", exam_date=date(2026, 11, 3), candidates=3, first_candidate=21)
    set_state(ctx, first.id, 13, AttendanceState.VALID_ABSENCE)
    set_state(ctx, second.id, 22, AttendanceState.VALID_ABSENCE)
    return first, second


def examiners(ctx):
    exam = add_exam(ctx, code="DAT200", exam_date=date(2026, 12, 10), candidates=2)
    with ctx.write() as s:
        commission = Commission(exam_id=exam.id, kind="ordinary")
        s.add(commission)
        s.flush()
        people = [Examiner(name="Kari Nordmann", email=LONG_EMAIL, employer="NTNU", is_external=False),
                  Examiner(name="kari  nordmann", email="kari@uib.no", employer="UiB", is_external=True),
                  Examiner(name="Per Hansen", email="per@ntnu.no", employer="NTNU", is_external=False),
                  Examiner(name="Ola Berg", email="ola@uio.no", employer="UiO", is_external=True)]
        s.add_all(people)
        s.flush()
        for person in people:
            s.add(CommissionMember(commission_id=commission.id, examiner_id=person.id))
        return exam, [p.id for p in people]


async def test_f4_documentation_list_opens_the_candidate(ctx):
    first, second = absences(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f4", "TDT4100")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ActionListDialog"
        text = screen_text(app)
        assert "TDT4100" in text and "MA0001" in text
        await pilot.press("down", "enter")  # the second: MA0001 candidate 22
        await settle(app, pilot)
        desk = app.screen
        assert type(desk).__name__ == "AttendanceScreen" and desk.exam_id == second.id
        assert desk.target_registration() == desk._by_number[22]
        assert "Kandidat 22: gyldig fravær uten dokumentasjon" in screen_text(app)
        await pilot.press("d")  # and the documentation is one key away
        await settle(app, pilot)
        assert desk._rows[desk._by_number[22]].documentation_received_on == date(2026, 11, 23)


async def test_dashboard_counts_open_their_items_on_their_desk(ctx):
    first, second = absences(ctx)
    form_exam, _ = examiners(ctx)
    no_form = add_exam(ctx, code="KOM1000", exam_date=date(2026, 12, 4), candidates=2)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 48)) as pilot:
        table = app.screen.query_one("#exams")
        for _ in range(100):
            await settle(app, pilot)
            if table.row_count:
                break

        async def choose(card_id, option_id):
            card = app.screen.query_one(card_id)
            for _ in range(50):
                await settle(app, pilot)
                if card.option_count and card.get_option_at_index(0).id:
                    break
            card.focus()
            card.highlighted = next(i for i in range(card.option_count) if card.get_option_at_index(i).id == option_id)
            await pilot.press("enter")
            await settle(app, pilot)

        await choose("#card-attendance", "attendance:documentation_overdue")
        assert set(table.rows) == {str(first.id), str(second.id)}
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "attendance" and app.screen.exam_id in (first.id, second.id)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await choose("#card-commissions", "commissions:form_missing")
        assert str(no_form.id) in table.rows and str(form_exam.id) not in table.rows
        table.move_cursor(row=table.get_row_index(str(no_form.id)))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "commissions"
        assert "KOM1000" in (app.screen.sub_title or "")


def test_double_registration_is_flagged_and_directory_searchable(ctx):
    exam, ids = examiners(ctx)
    flags = double_registrations(ctx)
    assert set(flags) == {ids[0], ids[1]}
    assert "samme navn" in flags[ids[0]] and "også som ekstern" in flags[ids[0]]
    assert "også som intern" in flags[ids[1]]
    lines = examiner_directory(ctx)
    assert [line.name for line in search_directory(lines, "NORDMANN")] == ["Kari Nordmann", "kari  nordmann"]
    assert [line.name for line in search_directory(lines, "ntnu per")] == ["Per Hansen"]
    assert [line.name for line in search_directory(lines, "dat200 ekstern uio")] == ["Ola Berg"]
    assert len(search_directory(lines, "")) == 4


async def test_directory_on_f7_shows_full_emails_flags_and_searches(ctx):
    exam, ids = examiners(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(200, 45)) as pilot:
        await pilot.press("f7")
        await settle(app, pilot)
        await pilot.press("slash")  # opens the directory and its search field
        await settle(app, pilot)
        for _ in range(30):  # (a loaded machine may draw the filled table a frame or two later)
            text = screen_text(app)
            if LONG_EMAIL in text:
                break
            await pilot.pause(0.1)
        assert LONG_EMAIL in text
        assert "registrert to ganger" in text and "2 registrert to ganger som både intern og ekstern" in text
        await pilot.press(*"hansen")
        await settle(app, pilot)
        directory = app.screen.query_one("#directory")
        assert list(directory.rows) == [str(ids[2])]
