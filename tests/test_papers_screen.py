"""The papers desk by keyboard: find, tick, register; late, re-delivery,
unknown course code; the overview and the dashboard follow."""
import json
from datetime import date

from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import PaperDelivery
from tests.factories import add_exam
from tests.screen_text import screen_text, settle



async def to_papers_desk(app, pilot):
    """From the app's start to the papers desk (F3), settled."""
    await settle(app, pilot)
    await pilot.press("f3")
    await settle(app, pilot)


async def find(app, pilot, code):
    if not app.focused.has_class("picker-input"):
        await pilot.press("slash")  # from anywhere else on the desk
    await pilot.press(*code.lower())
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


def deliveries(ctx, exam_id):
    with ctx.read() as s:
        return s.exec(select(PaperDelivery).where(PaperDelivery.exam_id == exam_id).order_by(PaperDelivery.id)).all()


async def type_delivery(pilot, name):
    # Tab through the checklist (items that don't apply are skipped) to «Levert av»
    for _ in range(10):
        if pilot.app.focused.id == "delivered-by":
            break
        await pilot.press("tab")
    assert pilot.app.focused.id == "delivered-by"
    await pilot.press(*name, "ctrl+r")


async def test_receive_a_paper_on_time_with_the_keyboard_only(ctx):
    exam = add_exam(ctx, code="TDT4120", exam_date=date(2026, 12, 4), candidates=30,
                    language_forms=("bokmål", "nynorsk"), accommodations={105: "ekstra tid"})
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await to_papers_desk(app, pilot)
        assert "TDT4120" in screen_text(app)  # in the overview: not delivered yet
        await find(app, pilot, "tdt41")
        text = screen_text(app)
        assert "Leveringsfrist 27.11.2026 – 4 virkedager igjen" in text
        assert "30 kandidater" in text
        assert "både bokmål og nynorsk (beregnet: gjelder)" in text
        await pilot.press(*"123456789")
        await type_delivery(pilot, "Kari Nordmann")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ReceiptDialog"
        text = screen_text(app)
        assert "KVITTERING" in text and "i tide" in text and "Sjekklisten er komplett" in text
        await pilot.press("t")
        await pilot.press("escape")
        await settle(app, pilot)
        (delivery,) = deliveries(ctx, exam.id)
        assert (delivery.delivered_by, delivery.is_late, delivery.checklist_complete, delivery.copies) == (
            "Kari Nordmann", False, True, 30 + ctx.profile.paper_copies_margin)
        # the dashboard counts it
        await pilot.press("f2")
        await settle(app, pilot)
        assert "Mottatt: 1" in screen_text(app)


async def test_late_delivery_incomplete_checklist_and_redelivery(ctx):
    exam = add_exam(ctx, code="TMA4100", exam_date=date(2026, 11, 27), candidates=5)  # deadline 20.11
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await to_papers_desk(app, pilot)
        assert "MANGLER – frist ute" in screen_text(app)
        await find(app, pilot, "tma4100")
        assert "FOR SENT" in screen_text(app)
        await pilot.press("1")  # only the cover page ticked
        await type_delivery(pilot, "Ola")
        await settle(app, pilot)
        assert "SJEKKLISTEN ER IKKE KOMPLETT" in screen_text(app) and "LEVERT FOR SENT" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "mottatt for sent, ufullstendig" in screen_text(app)
        # a corrected version: the earlier one stays in history, the latest counts
        await pilot.press(*"23456789")
        await type_delivery(pilot, "Ola")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Tidligere levering 2" in screen_text(app)
    first, second = deliveries(ctx, exam.id)
    assert first.is_late and not first.checklist_complete
    assert second.is_late and second.checklist_complete


async def test_unknown_course_code_and_past_exam(ctx):
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 12))
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await to_papers_desk(app, pilot)
        await pilot.press(*"ABC999")
        await settle(app, pilot)
        assert "Ukjent emnekode eller emnenavn: «ABC999»" in screen_text(app)
        await pilot.press("enter")
        assert "Ingen eksamen passer «ABC999»" in screen_text(app)
        for _ in range(6):
            await pilot.press("backspace")
        await pilot.press(*"tdt4100")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "allerede holdt" in screen_text(app)
        await type_delivery(pilot, "Ola")
        await settle(app, pilot)
        assert "allerede holdt; oppgaven kan ikke registreres" in screen_text(app)
    assert deliveries(ctx, 1) == []


async def test_the_form_is_driven_by_keys(ctx):
    """Enter moves on and registers at the last field; Alt+letter jumps to a
    field; letters on the checklist are no desk shortcuts; Esc leaves the
    field, then the form; the result stays after the receipt is closed."""
    exam = add_exam(ctx, code="TDT4120", exam_date=date(2026, 12, 4), candidates=10)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_papers_desk(app, pilot)
        await find(app, pilot, "tdt4120")
        assert app.focused.id == "check-cover_page_signed"
        text = screen_text(app)
        assert "☐ 1  Standard forside" in text and "4 virkedager igjen" in text
        await pilot.press("1", "enter")  # ticked; Enter moves on, it does not tick
        assert app.focused.id == "check-pages_numbered"
        assert "☑ 1  Standard forside" in screen_text(app)
        await pilot.press("o", "k")  # desk letters do nothing on the checklist
        await pilot.pause()
        assert app.focused.id == "check-pages_numbered" and type(app.screen).__name__ == "PapersScreen"
        assert "gjør ingenting i sjekklisten" in screen_text(app)
        await pilot.press("alt+l")
        assert app.focused.id == "delivered-by"
        await pilot.press(*"Ola Nordmann", "enter")  # «o» and «k» are letters of a name here
        assert app.focused.id == "format"
        await pilot.press("p", "enter")
        assert app.focused.id == "copies"
        await pilot.press("escape")  # out of the field …
        assert app.focused.id == "form"
        await pilot.press("enter")  # … and back in at the top
        assert app.focused.id == "check-cover_page_signed"
        await pilot.press("alt+m", *"rettet", "enter")  # Enter in the last field registers
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ReceiptDialog"
        await pilot.press("escape")
        await settle(app, pilot)
        assert "✔ Registrert" in screen_text(app) and "av Ola Nordmann" in screen_text(app)
        (delivery,) = deliveries(ctx, exam.id)
        assert (delivery.delivered_by, delivery.delivery_format, delivery.remark) == ("Ola Nordmann", "pdf", "rettet")
        await pilot.press("escape", "escape")  # out of the field, out of the form: to the search
        assert app.focused.has_class("picker-input")
        assert "✔ Registrert" in screen_text(app)  # the result stays until another exam is opened


async def test_enter_on_a_row_of_the_overview_opens_its_exam(ctx):
    first = add_exam(ctx, code="TDT4120", exam_date=date(2026, 12, 4), candidates=3)
    second = add_exam(ctx, code="TMA4100", exam_date=date(2026, 12, 7), candidates=3)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await to_papers_desk(app, pilot)
        desk = app.screen
        table = desk.query_one("#overview")
        for _ in range(3):  # Tab from the search, past its list, to the overview
            if table.has_focus:
                break
            await pilot.press("tab")
            await settle(app, pilot)
        assert table.has_focus
        keys = [table.row_key_at(i) for i in range(table.row_count)]
        assert keys == [str(first.id), str(second.id)]  # by deadline
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert desk.exam_id == second.id and "TMA4100" in desk.sub_title
        assert "Åpnet TMA4100" in screen_text(app)


async def test_checklist_items_tick_by_space_number_and_click_but_never_when_not_applicable(ctx):
    """The checklist's own items (screens.papers.CheckItem): space ticks the
    focused item, its number ticks any item, a click ticks too; an item
    that does not apply (here bokmål only: no nynorsk version) shows «–»
    and stays unticked whatever the clerk does."""
    exam = add_exam(ctx, code="TDT4120", exam_date=date(2026, 12, 4), candidates=10)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_papers_desk(app, pilot)
        await find(app, pilot, "tdt4120")
        desk = app.screen
        items = {key: desk.query_one(f"#check-{key}") for key in
                 ("cover_page_signed", "pages_numbered", "both_language_forms")}
        assert app.focused is items["cover_page_signed"]
        await pilot.press("space")
        assert items["cover_page_signed"].value and "☑ 1  Standard forside" in screen_text(app)
        await pilot.press("space")
        assert not items["cover_page_signed"].value and "☐ 1  Standard forside" in screen_text(app)
        await pilot.click(items["pages_numbered"])
        assert items["pages_numbered"].value and "☑ 2  Sidene er nummerert" in screen_text(app)
        assert "– 3  Oppgaven foreligger på både bokmål og nynorsk (ikke aktuelt)" in screen_text(app)
        await pilot.press("3")
        await pilot.click(items["both_language_forms"])
        assert not items["both_language_forms"].value
        assert "Punkt 3 er ikke aktuelt" in screen_text(app)
        await pilot.press("alt+l", *"Kari", "ctrl+r")
        await settle(app, pilot)
    (delivery,) = deliveries(ctx, exam.id)
    ticked = json.loads(delivery.checklist)
    assert ticked["pages_numbered"] and not ticked["cover_page_signed"] and not ticked["both_language_forms"]


async def test_alt_letter_jumps_from_a_text_field_as_a_terminal_sends_it(ctx):
    """A terminal sends Alt+K as ESC k: Textual reports the key "alt+k" with
    the character «k» (Pilot's press has no character). From «Levert av»
    it must jump to the copies, not type a «k» into the name."""
    from textual import events

    add_exam(ctx, code="TDT4120", exam_date=date(2026, 12, 4), candidates=10)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_papers_desk(app, pilot)
        await find(app, pilot, "tdt4120")
        await pilot.press("alt+l", *"Ola")
        assert app.focused.id == "delivered-by"
        app.post_message(events.Key("alt+k", "k"))  # as the terminal's ESC k arrives
        await settle(app, pilot)
        assert app.focused.id == "copies"
        assert app.screen.query_one("#delivered-by").value == "Ola"
        # and from the exam search (an Input too) back into the form
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert app.focused.has_class("picker-input")
        app.post_message(events.Key("alt+l", "l"))
        await settle(app, pilot)
        assert app.focused.id == "delivered-by" and app.focused.value == "Ola"


async def test_a_burst_of_keys_fills_each_field_it_was_typed_for(ctx):
    """A scanner, or a fast typist ahead of a busy app: the keys arrive
    together, before the first field has handled its Enter. Each key still
    lands in the field it was typed for (the name stayed «Kari30» before the
    form's moves became priority bindings)."""
    from textual import events

    exam = add_exam(ctx, code="TDT4120", exam_date=date(2026, 12, 4), candidates=10)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_papers_desk(app, pilot)
        await find(app, pilot, "tdt4120")
        # (Enter twice at the end: one delivery)
        burst = ["1", "2", "alt+l", *"Kari", "enter", "P", "enter", "3", "0", "alt+m", *"ok", "enter", "enter"]
        for key in burst:  # all posted before the app handles the first
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ReceiptDialog"
    (delivery,) = deliveries(ctx, exam.id)
    assert (delivery.delivered_by, delivery.delivery_format, delivery.copies, delivery.remark) == (
        "Kari", "pdf", 30, "ok")
    ticked = json.loads(delivery.checklist)
    assert ticked["cover_page_signed"] and ticked["pages_numbered"] and not ticked["two_teacher_review"]
