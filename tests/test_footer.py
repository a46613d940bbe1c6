"""The footer at 80×24 and 120×30 shows each desk's primary keys whole
(#12 item 9): the desk-switch F-keys give way below 140 columns (F1 and the
palette list them), short words and grouped keys below 100."""
from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.services.context import open_context
from eksamen_tui.services.demo import write_demo_database
from screens.footer import REMINDERS
from tests.screen_text import settle

REMINDERS_ALL = {text for texts in REMINDERS.values() for text in texts}

TODAY = date(2026, 11, 23)

# desk -> (exam to open: course code and date, or None) and the keys a clerk needs there most
PRIMARY = {
    "dashboard": (None, {"r", "i"}),
    "papers": (("TPK4100", "2026-11-25"), {"ctrl+r", "slash"}),
    "attendance": (("TDT4171", "2026-11-16"), {"m", "i", "t", "b", "g", "f", "a", "u", "d"}),
    "grades": (("AOS130", "2026-11-17"), {"a", "k", "l", "r", "p", "x"}),
    "appeals": (("SOS1001", "2026-10-26"), {"n", "g", "s", "a", "v", "l"}),
    "commissions": (("TDT4120", "2026-12-01"), {"i", "b", "f", "d"}),
    "after": (("TMA4100", "2026-11-02"), {"u", "r", "a", "e"}),
}


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("footer") / "demo.db"
    write_demo_database(path, today=TODAY)
    return path


def exam_id(ctx, code, day):
    from sqlmodel import select

    from eksamen_tui.db.models import Course, Exam

    with ctx.read() as s:
        return s.exec(select(Exam.id).join(Course).where(Course.code == code, Exam.exam_date == date.fromisoformat(day))).one()


async def _each_desks_footer(demo_file, size):
    """Every desk of PRIMARY opened on its exam at `size`: (desk, its primary
    keys, its footer), one after the other in one app."""
    ctx = open_context(str(demo_file), clerk="kari", today=lambda: TODAY)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        for desk, (exam, primary) in PRIMARY.items():
            app.open_desk(desk, exam_id(ctx, *exam) if exam else None)
            await settle(app, pilot)
            await pilot.pause(0.1)
            yield desk, primary, app.screen.query_one("DeskFooter")


def _footer_line(app) -> str:
    """The footer's row as Textual draws it."""
    return app.screen.query_one("DeskFooter").render_line(0).text


@pytest.mark.parametrize("size", [(80, 24), (120, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_footer_shows_each_desks_primary_keys_whole(demo_file, size):
    async for desk, primary, footer in _each_desks_footer(demo_file, size):
        line = _footer_line(footer.app)
        _, entries, _, _ = footer._shown
        display = footer.app.get_key_display
        # key -> as drawn: the key and its word, or the group's keys and the group's word
        shown = {binding.key: (f"{display(binding)} {description}" if group is None else
                               "".join(display(member) for member, *_ in members) + f" {group}")
                 for group, members in entries for binding, _, _, description in members}
        assert primary <= set(shown), (desk, size, sorted(primary - set(shown)))
        for key in primary:
            assert shown[key] in line, (desk, size, key, line)
        if size[0] < 140:
            assert not any(key.startswith("f") and key[1:].isdigit() and key != "f1" for key in shown), (desk, line)


@pytest.mark.parametrize("size", [(80, 24), (120, 30), (150, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_nothing_in_the_footer_runs_into_its_neighbour_or_under_the_palette_key(demo_file, size):
    """Each key, group word and reminder stands apart, and none is cut by
    the palette key at the right: what does not fit at the end is left
    out (a reminder shortened first), not cut in half. (At 80 columns
    «mitbgf Status» ran into «a Resten», and «F1 hjelp» was cut to «F1 hjel».)"""
    async for desk, _, footer in _each_desks_footer(demo_file, size):
        line = _footer_line(footer.app)
        assert len(line) == size[0] and line.endswith("▏^p Kommandoer"), (desk, size, line)
        left = line[:-len("▏^p Kommandoer")].rstrip()
        _, entries, _, reminder = footer._shown
        words = [f"{footer.app.get_key_display(members[0][0])} {members[0][3]}" if group is None else
                 "".join(footer.app.get_key_display(binding) for binding, *_ in members) + f" {group}"
                 for group, members in entries] + ([reminder] if reminder else [])
        assert left == " ".join(words), (desk, size, line)  # each whole, one blank between, nothing more
        assert not reminder or reminder in REMINDERS_ALL


async def test_the_footer_is_one_widget_and_a_click_on_a_key_presses_it(demo_file):
    """One widget for the whole line (Textual's Footer mounted one per key,
    ~40 ms of every desk's first frame); a click on «r Oppdater» reads the
    dashboard again, as the key does."""
    ctx = open_context(str(demo_file), clerk="kari", today=lambda: TODAY)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        footer = app.screen.query_one("DeskFooter")
        assert not footer.children
        pressed = []
        app.screen.action_refresh = lambda: pressed.append("r")
        line = _footer_line(app)
        await pilot.click(footer, offset=(line.index("Oppdater"), 0))
        await settle(app, pilot)
        assert pressed == ["r"]


async def test_the_footer_follows_a_resized_terminal(demo_file):
    """Wide: every desk key; narrowed to 80 columns: the reminder instead,
    nothing cut; and back."""
    ctx = open_context(str(demo_file), clerk="kari", today=lambda: TODAY)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        assert "f7 Kommisjoner" in _footer_line(app)
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        await pilot.pause(0.1)
        line = _footer_line(app)
        assert len(line) == 80 and "f7" not in line and "F1 hjelp" in line and line.endswith("▏^p Kommandoer"), line
        await pilot.resize_terminal(150, 40)
        await settle(app, pilot)
        await pilot.pause(0.1)
        assert "f7 Kommisjoner" in _footer_line(app)
