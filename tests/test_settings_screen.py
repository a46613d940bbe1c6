"""The settings screen (F12, and from the command palette): the same
settings as `eksamen-tui settings`, validated and audited."""
from datetime import date

from textual.widgets import DataTable, Input, Static

from eksamen_tui.app import EksamenApp
from eksamen_tui.services import audit
from eksamen_tui.services import settings as svc
from tests.screen_text import screen_text


async def _open(app, pilot):
    await pilot.press("f12")
    await pilot.pause()
    assert type(app.screen).__name__ == "SettingsScreen"
    table = app.screen.query_one("#settings", DataTable)
    assert table.row_count == len(svc.SETTING_LABELS) + 1
    return table


async def _move_to(pilot, table, key):
    table.focus()
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()


async def test_change_an_offset_a_closed_day_and_the_profile(ctx):
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        table = await _open(app, pilot)
        await _move_to(pilot, table, "grading_days_after")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "FormDialog"
        field = app.screen.query_one("#field-value", Input)
        assert field.value == "21"
        field.value = "abc"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert type(app.screen).__name__ == "FormDialog"  # refused: stays open, says why
        assert "bare sifrene" in str(app.screen.query_one("#error-value", Static).render())
        field.value = "25"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"
        assert "Lagret" in str(app.screen.query_one("#message", Static).render())
        assert str(table.get_row("grading_days_after")[1]) == "25"
        assert ctx.rules.profile.grading_days_after == 25

        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#field-day", Input).value = "27.12"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "12-27" in str(table.get_row("local_closed_days")[1])
        assert not ctx.rules.calendar.is_working_day(date(2027, 12, 27))

        await pilot.press("p")
        await pilot.pause()
        await pilot.press("n")  # the first profile beginning with N: NHH
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert ctx.rules.profile.name == "nhh"
        assert "NHH" in str(app.screen.query_one("#profile-line", Static).render())

        await _move_to(pilot, table, "grading_days_after")
        await pilot.press("r")
        await pilot.pause()
        assert ctx.rules.profile.grading_days_after == 20  # NHH's own value
    with ctx.read() as s:
        fields = [(e.field, e.old_value, e.new_value) for e in audit.history(s, "setting", 0)]
    assert ("grading_days_after", "21", "25") in fields
    assert ("local_closed_days", "12-24, 12-31", "12-24, 12-27, 12-31") in fields
    assert ("profile", "ntnu", "nhh") in fields
    assert ("grading_days_after", "25", "20") in fields


async def test_settings_are_in_the_palette_and_the_footer(ctx):
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"gå til innstillinger")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.current_mode == "settings"
        assert "f12" in app.screen.active_bindings and "p" in app.screen.active_bindings
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("f1")  # the help lists the key from every desk
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        assert "Innstillinger" in screen_text(app)
