"""The footer at 80×24 and 120×30 shows each desk's primary keys whole
(#12 item 9): the desk-switch F-keys give way below 140 columns (F1 and the
palette list them), short words and grouped keys below 100."""
from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.services.context import open_context
from eksamen_tui.services.demo import write_demo_database
from tests.screen_text import settle

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


@pytest.mark.parametrize("size", [(80, 24), (120, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_footer_shows_each_desks_primary_keys_whole(demo_file, size):
    from textual.widgets._footer import FooterKey

    async for desk, primary, footer in _each_desks_footer(demo_file, size):
        whole = {key.key for key in footer.query(FooterKey)
                 if key.region.width and key.region.right <= footer.region.right}
        assert primary <= whole, (desk, size, sorted(primary - whole))
        if size[0] < 140:
            assert not any(key.key.startswith("f") and key.key[1:].isdigit() and key.key != "f1"
                           for key in footer.query(FooterKey))


async def test_a_recomposed_footer_lets_its_old_keys_go(demo_file):
    """Each recompose (every change of the desk's bindings) makes new keys;
    the old ones must not stay bound to the footer (they did: ~50 MB of
    dead keys after the desks benchmark's 120 exam openings)."""
    from textual.widgets._footer import FooterKey

    ctx = open_context(str(demo_file), clerk="kari", today=lambda: TODAY)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        footer = app.screen.query_one("DeskFooter")
        for _ in range(5):
            footer.call_later(footer.recompose)  # as on a change of the desk's bindings
            await pilot.pause(0.05)
            await settle(app, pilot)
        shown = len(footer.query(FooterKey))
        bound = [node for watchers in getattr(footer, "__watchers", {}).values() for node, _ in watchers]
        assert shown and len(bound) <= shown, (len(bound), shown)


@pytest.mark.parametrize("size", [(80, 24), (120, 30), (150, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_nothing_in_the_footer_runs_into_its_neighbour_or_under_the_palette_key(demo_file, size):
    """Each key, group word and reminder stands apart, and none is cut by
    the palette key docked at the right: what does not fit at the end is
    left out (a reminder shortened first), not cut in half. (At 80 columns «mitbgf Status»
    ran into «a Resten», and «F1 hjelp» was cut to «F1 hjel».)"""
    from textual.widgets._footer import FooterKey, FooterLabel

    async for desk, _, footer in _each_desks_footer(demo_file, size):
        palette = footer.query_one(".-command-palette", FooterKey)
        items = sorted((item for item in footer.query("FooterKey, FooterLabel")
                        if item is not palette and item.region.width), key=lambda item: item.region.x)
        words = [item for item in items if isinstance(item, FooterLabel) or item.description]
        for left, right in zip(words, words[1:]):  # one blank column at least between words
            assert left.region.right < right.region.x, (desk, size, str(left.render()), str(right.render()))
        for item in items:  # whole before the palette key, or not shown at all
            assert item.region.right <= palette.region.x, (desk, size, str(item.render()))
        assert palette.region.right == footer.region.right, (desk, size)
