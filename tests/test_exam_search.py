"""Finding an exam: Norwegian letters fold like any other letter, an exact
course code wins, and Enter never opens an exam the typed text does not
name, however fast the clerk (or a barcode scanner) types."""
import threading
from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.services import exams
from tests.factories import add_exam
from tests.screen_text import screen_text, settle


def codes(choices):
    return sorted({c.course_code for c in choices})


def test_norwegian_letters_match_in_either_case(ctx):
    add_exam(ctx, code="SØK2008", name="Økonomi – innføring i offentlig økonomi", exam_date=date(2026, 12, 1))
    add_exam(ctx, code="TMA4100", name="Matematikk 1", exam_date=date(2026, 12, 2))
    for text in ("søk2008", "SØK2008", "Søk", "økonomi", "ØKONOMI", "INNFØRING", "innføring i OFFENTLIG"):
        assert codes(exams.find_exams(ctx, text)) == ["SØK2008"], text
    assert exams.course_known(ctx, "søk2008")
    assert codes(exams.find_exams(ctx, "æøå")) == []


def test_like_wildcards_in_the_text_are_plain_characters(ctx):
    add_exam(ctx, code="TMA4100", name="Matematikk 1", exam_date=date(2026, 12, 2))
    assert exams.find_exams(ctx, "%") == []
    assert exams.find_exams(ctx, "TMA_100") == []


def test_enter_choice_exact_code_wins_and_ambiguity_opens_nothing(ctx):
    add_exam(ctx, code="TMA4115", name="Matematikk 3", exam_date=date(2026, 12, 10))
    add_exam(ctx, code="TMA41150", name="Matematikk 3 (utsatt)", exam_date=date(2026, 11, 24))
    add_exam(ctx, code="TDT4100", name="Objektorientert programmering", exam_date=date(2026, 12, 3))
    add_exam(ctx, code="TDT4100", name="Objektorientert programmering", exam_date=date(2027, 5, 3))
    exact = exams.search_exams(ctx, "tma4115")
    assert codes(exact.choices) == ["TMA4115", "TMA41150"]
    assert exact.enter_choice().course_code == "TMA4115"
    only = exams.search_exams(ctx, "utsatt")
    assert only.enter_choice().course_code == "TMA41150"
    several = exams.search_exams(ctx, "TDT4100")  # one course code, two exams: the clerk chooses
    assert several.enter_choice() is None
    assert "2 eksamener passer «TDT4100»" in several.why_not()
    assert exams.search_exams(ctx, "tma").enter_choice() is None


@pytest.mark.parametrize("desk_key", ["f3", "f4", "f5"])
async def test_enter_before_the_search_finishes_waits_for_it(ctx, monkeypatch, desk_key):
    """The search for the full code is held back; Enter comes first. The old
    picker opened the first exam of the previous (shorter) text's list.
    On each desk that opens an exam by its course code (F3, F4, F5)."""
    nearer = add_exam(ctx, code="TMA4110", name="Matematikk 2", exam_date=date(2026, 11, 24))
    wanted = add_exam(ctx, code="TMA4115", name="Matematikk 3", exam_date=date(2026, 12, 18))
    release = threading.Event()
    real_find = exams.find_exams

    def slow_find(ctx_, text, *args, **kwargs):
        if text == "tma4115":
            assert release.wait(10)
        return real_find(ctx_, text, *args, **kwargs)

    monkeypatch.setattr(exams, "find_exams", slow_find)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press(desk_key)
        await pilot.press(*"tma411")
        await settle(app, pilot)  # the list shows TMA4110 first, TMA4115 second
        await pilot.press("5", "enter")
        await pilot.pause()
        assert app.screen.exam_id is None  # nothing opened while the search runs
        assert app.screen.query_one("#picker").waiting_for_search
        release.set()
        await settle(app, pilot)
        assert app.screen.exam_id == wanted.id != nearer.id
        title = app.screen.sub_title  # the grade desk's header leaves the course name out
        assert title.startswith("TMA4115 ") and title.endswith("18.12.2026"), title
        assert f"Åpnet {title}" in screen_text(app)


async def test_several_matches_keep_the_list_open_until_chosen(ctx):
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 24))
    later = add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 18))
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f5", *"tdt4100")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.exam_id is None
        assert "2 eksamener passer «tdt4100»" in screen_text(app)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert app.screen.exam_id == later.id


def test_header_shows_the_open_exam_in_bold():
    app = EksamenApp()
    title = app.format_title("Oppmøte", "TMA4115 Matematikk 3 – Skoleeksamen 18.12.2026")
    assert title.plain == "Oppmøte — TMA4115 Matematikk 3 – Skoleeksamen 18.12.2026"
    bold = [span for span in title.spans if "bold" in str(span.style)]
    assert bold and title.plain[bold[0].start:bold[0].end].startswith("TMA4115")


@pytest.mark.parametrize("desk_key", ["f3", "f4", "f5", "f10"])
async def test_esc_empties_the_search_then_goes_back_to_the_open_exam(ctx, desk_key):
    """«/» over an open exam, a code that matches two exams (the list stays
    open), Esc empties the search, the second Esc goes back to the exam
    that was open; the next «/» starts from an empty search."""
    opened = add_exam(ctx, code="TMA4115", exam_date=date(2026, 11, 24))
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 25))
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 18))
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press(desk_key, *"tma4115", "enter")
        await settle(app, pilot)
        desk = app.screen
        assert desk.exam_id == opened.id
        await pilot.press("slash", *"tdt4100", "enter")
        await settle(app, pilot)
        picker = desk.query_one("#picker")
        assert picker.display and "2 eksamener passer «tdt4100»" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert picker.display and picker.query_one("Input").value == ""
        await pilot.press("escape")
        await settle(app, pilot)
        assert not picker.display and desk.exam_id == opened.id
        assert app.focused is not None and picker not in app.focused.ancestors_with_self
        await pilot.press("slash", *"tdt4100", "down", "enter")
        await settle(app, pilot)
        assert desk.exam_id != opened.id  # the search started empty: «tdt4100», not «tdt4100tdt4100»
