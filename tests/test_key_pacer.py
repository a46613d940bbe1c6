"""A burst of one-key entries: the desk draws its counters between the keys
(screens/widgets/key_pacer.py), with the Textual internals it relies on."""
import asyncio
from contextlib import asynccontextmanager
import re
from datetime import date

from textual import events

from eksamen_tui.app import EksamenApp
from eksamen_tui.services.attendance import mark_unmarked_attended
from screens.widgets import key_pacer
from screens.widgets.counter_lines import CounterLines
from tests.factories import add_exam
from tests.screen_text import open_exam_on_desk, screen_text

DAY = date(2026, 11, 12)


@asynccontextmanager
async def grade_desk(ctx, candidates: int):
    """The grade desk open on a TMA4240 exam of `candidates` attended
    candidates numbered from 201: (app, pilot)."""
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=candidates, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TMA4240")
        yield app, pilot


async def test_a_burst_of_grades_is_drawn_while_it_is_typed(ctx):
    async with grade_desk(ctx, 120) as (app, pilot):
        screen = app.screen
        # the fast path is in use: a Textual that renamed what it needs fails here, not silently
        assert key_pacer.can_draw_now(screen)
        shown: list[int] = []
        progress = screen.query_one("#progress", CounterLines)
        render_lines = progress.render_lines

        def drawn(crop):
            strips = render_lines(crop)
            if match := re.search(r"Ført:\s+(\d+)", "\n".join(strip.text for strip in strips)):
                shown.append(int(match.group(1)))
            return strips

        progress.render_lines = drawn
        screen._pacer.frame = 0  # draw after every key: each count shows
        keys = "abcdef" * 20
        for key in keys:  # queued at once: the desk handles them without the loop turning in between
            app.post_message(events.Key(key, key))
        while len([r for r in screen._rows.values() if r.grade]) < len(keys):
            await asyncio.sleep(0.01)
        await pilot.pause()
        assert shown[:3] == [1, 2, 3] and shown[-1] == 120, shown[:5]
        assert "120 / 120" in screen_text(app)
        # the rows scrolled by pages, the cursor on the last row, every row as stored
        table = screen.query_one("#protocol")
        assert table.cursor_row == 119
        assert [screen._rows[int(k)].grade for k in table.rows] == [k.upper() for k in keys]


def test_without_the_internals_the_pacer_says_so():
    class Bare:
        pass

    assert not key_pacer.can_draw_now(Bare())
    assert not key_pacer.draw_now(Bare(), [])


async def test_keys_then_another_desk_in_one_burst_leave_the_counts_right(ctx):
    async with grade_desk(ctx, 20) as (app, pilot):
        grades = app.screen
        for key in ("a", "b", "c", "f4"):  # the desk changes before the loop turns
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        while app.screen is grades:
            await asyncio.sleep(0.01)
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert app.screen is grades
        assert re.search(r"Ført:\s+3 / 20", screen_text(app)), screen_text(app)


async def test_a_burst_of_attendance_states_ends_with_the_counts_right(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=40, first_candidate=201)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 30)) as pilot:
        await open_exam_on_desk(app, pilot, "f4", "TMA4240")
        screen = app.screen
        drawn_before = screen._pacer.draws
        for key in "mimtmbmg" * 5:
            app.post_message(events.Key(key, key))
        while sum(1 for row in screen._rows.values() if row.state.value != "registered") < 40:
            await asyncio.sleep(0.01)
        await pilot.pause()
        text = screen_text(app)
        assert re.search(r"ikke registrert:\s+0\b", text) and re.search(r"møtt:\s+20\b", text), text
        assert screen._pacer.draws > drawn_before


async def test_no_collection_pauses_a_burst_and_collection_resumes_after_it(ctx):
    import gc

    async with grade_desk(ctx, 30) as (app, pilot):
        screen = app.screen
        during: list[bool] = []
        grade = type(screen)._grade

        def graded(desk, *args):
            during.append(gc.isenabled())
            return grade(desk, *args)

        screen._grade = graded.__get__(screen)
        for key in "abcdef" * 5:
            app.post_message(events.Key(key, key))
        while len(during) < 30:
            await asyncio.sleep(0.01)
        await pilot.pause()
        # the pacer hears of a burst after its first key: from the second key on, no collection
        assert during[0] is True and not any(during[1:]), "the collector was on while the burst's keys were handled"
        assert gc.isenabled(), "the burst ended but the collector stayed off"


async def test_a_page_turn_in_a_burst_comes_after_the_counter_is_drawn(ctx):
    """Repainting a whole page of the table takes about a frame: the key
    that turns the page has its count drawn first, and the new page is drawn
    at once after it (not with the next keys' counts waiting behind it)."""
    async with grade_desk(ctx, 120) as (app, pilot):
        screen = app.screen
        progress = screen.query_one("#progress", CounterLines)
        table = screen.query_one("#protocol")
        drawn: list[tuple[str, int]] = []  # ("count", value) / ("page", first row shown)
        count_lines, table_lines = progress.render_lines, table.render_lines

        def count_drawn(crop):
            strips = count_lines(crop)
            if match := re.search(r"Ført:\s+(\d+)", "\n".join(strip.text for strip in strips)):
                drawn.append(("count", int(match.group(1))))
            return strips

        def table_drawn(crop):
            if not drawn or drawn[-1] != ("page", table.scroll_offset.y):
                drawn.append(("page", table.scroll_offset.y))
            return table_lines(crop)

        progress.render_lines, table.render_lines = count_drawn, table_drawn
        entered = [0]
        grade = type(screen)._grade

        def graded(desk, *args):
            grade(desk, *args)
            entered[0] += 1

        screen._grade = graded.__get__(screen)
        turns: list[tuple[int, int | None]] = []  # (entries when the page turned, the count drawn last before)
        around = table.around_page_turn

        def turn_page(turn):
            def turned():
                counts = [value for kind, value in drawn if kind == "count"]
                turns.append((entered[0] + 1, counts[-1] if counts else None))  # this key's entry is counted after its handler
                turn()

            around(turned)

        table.around_page_turn = turn_page
        for key in "abcdef" * 20:
            app.post_message(events.Key(key, key))
        while entered[0] < 120:
            await asyncio.sleep(0.01)
        await pilot.pause()
        assert len(turns) >= 3, turns  # 120 rows in a 30-line terminal: several pages
        for when, count in turns:
            assert count == when, (turns, drawn[-40:])  # the turning key's count was on screen before the turn
        pages = [value for kind, value in drawn if kind == "page"]
        assert pages == sorted(pages) and table.cursor_row == 119
