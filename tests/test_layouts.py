"""Every desk at 80×24, 120×30 and 150×40 on the demo database: what the
clerk needs is on screen, nothing essential is cut, and figures like
`171/200` are never cut to a misleading `171/1`."""
import re
from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.services.context import open_context
from tests.factories import copy_demo_database
from tests.screen_text import screen_text, settle

TODAY = date(2026, 11, 23)
SIZES = [(80, 24), (120, 30), (150, 40)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return copy_demo_database(tmp_path_factory.mktemp("demo") / "demo.db", today=TODAY)


def demo_app(demo_db):
    return EksamenApp(ctx=open_context(str(demo_db), clerk="kari", today=lambda: TODAY))


def assert_no_sideways_scrolling(app, where: str) -> None:
    """No table or panel needs a horizontal scrollbar (its thumb's ends are
    the stray «▏» and «▁▁» a clerk sees at 80 columns)."""
    sideways = [widget for widget in app.screen.query("*") if widget.show_horizontal_scrollbar]
    assert not sideways, f"{where}: scrolls sideways: {[w.id or type(w).__name__ for w in sideways]}"


async def open_exam(app, pilot, code):
    await pilot.press(*code.lower())
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_dashboard_fits(demo_db, size):
    app = demo_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.2)  # a table measures its new rows when idle
        await settle(app, pilot)
        text = screen_text(app)
        table = app.screen.query_one("#exams")
        headers = [str(column.label) for column in table.columns.values()]
        table_line = next(line for line in text.splitlines() if "Emne" in line and "Sensur" in line)
        for header in headers:
            assert header in table_line, f"column {header} cut at {size}"
        assert sum(column.render_width for column in table.columns.values()) <= size[0] - 2
        # (no \b: the text of an SVG export may join a cell to the one before it)
        figures = set(re.findall(r"(?<!\d)\d+/\d+(?!\d)", text))
        whole = {m for line in app.screen._lines.values() for m in re.findall(r"\d+/\d+", line.grades)}
        cut = figures - whole
        assert figures and not cut, [line for line in text.splitlines() if any(c in line for c in cut)]
        assert table.row_count and "«!» = frist ute" in text
        assert_no_sideways_scrolling(app, f"the dashboard at {size}")
        if size[0] < 100:  # every count of every card, in short words
            from screens.dashboard import SHORT_LABELS

            for desk, desk_counts in app.screen._counts.items():
                for key, value in desk_counts.items():
                    assert f"{value} {SHORT_LABELS[key]}" in text, (desk, key)
        if size[0] >= 150:
            assert "f7 Kommisjoner" in text  # every desk key in the footer
        # each card names its period in its frame, whole (in short words where
        # the full ones do not fit), or not at all at 80 columns
        from screens.dashboard import CARD_PERIODS, CARD_PERIODS_SHORT

        periods = [card.border_subtitle for card in app.screen.query(".card")]
        if size[0] < 100:  # F1 names them
            assert not any(periods)
            help_text = " ".join(app.screen.HELP.split())
            assert all(period.split(",")[0] in help_text for period in CARD_PERIODS.values())
        else:
            assert periods in (list(CARD_PERIODS.values()), list(CARD_PERIODS_SHORT.values()))
            frame = next(line for line in text.splitlines() if "╰" in line)
            for period in periods:
                assert f" {period} ─" in frame, (period, frame)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_papers_form_fits(demo_db, size):
    app = demo_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert "Status" in screen_text(app)  # the overview's columns
        assert_no_sideways_scrolling(app, f"F3's overview at {size}")
        await open_exam(app, pilot, "TDT4120")
        text = screen_text(app)
        for number in range(1, 10):
            assert re.search(rf"[☐☑–] {number}  \w", text), f"checklist item {number} not shown at {size}"
        assert "Levert av (navn) · Alt+L" in text
        assert "1 virkedag igjen" in text
        assert_no_sideways_scrolling(app, f"F3's form at {size}")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_attendance_and_grades_fit(demo_db, size):
    app = demo_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await open_exam(app, pilot, "BUS447")
        text = screen_text(app)
        # at 80 columns the student number gives way to the note
        headers = ("Kand.", "Navn", "Status", "Forsøk", "Merknad") if size[0] < 100 else \
            ("Kand.nr", "Studentnr", "Navn", "Status", "Forsøk", "Merknad")
        for header in headers:
            assert header in text, f"F4 column {header} cut at {size}"
        assert "ikke registrert" in text and "trekk før eksamen" in text
        assert_no_sideways_scrolling(app, f"F4 at {size}")
        await pilot.press("f5")
        await settle(app, pilot)
        await open_exam(app, pilot, "TMA4100")
        text = screen_text(app)
        assert "Kandidatnr" in text and "Status" in text and "Ført:" in text
        progress = app.screen._progress
        assert f"{progress.entered} / {progress.expected}" in re.sub(r"Ført:\s+", "", text), \
            f"the count of grades entered is cut at {size}"
        chart = text[text.index("Fordeling"):]
        assert re.search(r"A █+ \d+", chart), "a grade's bar wrapped away from its letter"
        assert_no_sideways_scrolling(app, f"F5 at {size}")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_appeals_and_commissions_fit(demo_db, size):
    app = demo_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        text = screen_text(app)
        for header in ("Sak", "Type", "Emne", "Kand.", "Frist", "Status"):
            assert header in text, f"F6 column {header} cut at {size}"
        assert "venter på begrunnelse" in text and "mottatt, ikke sendt" in text
        assert "Sak 1: begrunnelse" in text  # the case's detail is on screen too
        assert_no_sideways_scrolling(app, f"F6 at {size}")
        await pilot.press("f7")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Skjemafrist" in text and "Status" in text and "skjema mangler" in text
        assert_no_sideways_scrolling(app, f"F7 at {size}")
