"""The Endringslogg is live: a change made at another counter (a real
process) appears within about 2 seconds without a key press, and the
filter and the cursor stay where the clerk left them."""
from __future__ import annotations

from datetime import date

from eksamen_tui.app import EksamenApp
from eksamen_tui.services.attendance import mark_unmarked_attended
from tests.factories import add_exam
from tests.screen_text import screen_text, settle
from tests.test_live_desk import _other_counter, _shown_within

DAY = date(2026, 11, 12)


def _cursor_entry(app) -> str:
    table = app.screen.query_one("#log")
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


async def test_endringslogg_shows_another_counters_changes_keeping_filter_and_cursor(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=5, first_candidate=101)
    other = add_exam(ctx, code="TDT4100", exam_date=DAY, candidates=3, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)  # five rows by testbruker on TMA4240
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(170, 45)) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("slash", *"tma4240", "enter")  # filter on the course
        await settle(app, pilot)
        table = app.screen.query_one("#log")
        assert table.row_count == 5
        await pilot.press("down", "down")
        on = _cursor_entry(app)
        assert app.screen.query_one("#f-student").value == ""
        await pilot.press("slash", "tab", "tab")  # half-typed, not applied: the student field
        await pilot.press(*"nummer")
        await pilot.press("shift+tab", "shift+tab", "shift+tab")  # back to the list, nothing applied
        await settle(app, pilot)
        done = await _other_counter(ctx, exam.id, other.id)  # kari: 3 grades on TMA4240, a state on TDT4100
        assert done.returncode == 0, done.stderr
        await _shown_within(app, pilot, ["kari"])
        await settle(app, pilot)
        assert table.row_count == 8  # the three grades came; TDT4100's change is filtered out
        assert "TDT4100" not in screen_text(app)
        assert _cursor_entry(app) == on and table.cursor_row == 5  # the same line, three rows further down
        assert app.screen.query_one("#f-course").value == "tma4240"
        assert app.screen.query_one("#f-student").value == "nummer"  # typed input untouched
        assert "emne «tma4240»" in screen_text(app)


def test_the_live_log_looks_for_news_under_its_filter_only(ctx):
    from eksamen_tui.services import attendance
    from eksamen_tui.services.audit_log import AuditFilter, audit_lines, has_lines_after

    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=2, first_candidate=101)
    other = add_exam(ctx, code="TDT4100", exam_date=DAY, candidates=2, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    newest = audit_lines(ctx, AuditFilter(), limit=1)[0].entry_id
    tma, tdt = AuditFilter(course="TMA4240"), AuditFilter(course="TDT4100")
    assert not has_lines_after(ctx, tma, newest) and not has_lines_after(ctx, tdt, newest)
    attendance.set_state(ctx, other.id, 201, "no_show")
    assert has_lines_after(ctx, tdt, newest) and not has_lines_after(ctx, tma, newest)
    assert has_lines_after(ctx, tma, newest - 1)  # the window below: TMA4240's last row
