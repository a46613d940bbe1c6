"""The app shell: dashboard home, one key per desk, help on F1, palette."""
from datetime import date

import pytest

from eksamen_tui.app import DESKS, EksamenApp
from eksamen_tui.services.context import open_context
from tests.factories import copy_demo_database
from tests.screen_text import screen_text, settle

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return copy_demo_database(tmp_path_factory.mktemp("demo") / "demo.db", today=TODAY)


def demo_ctx(demo_db):
    return open_context(str(demo_db), clerk="kari", today=lambda: TODAY)



async def wait_for_dashboard(app, pilot):
    """The dashboard's load worker starts once the database is announced;
    `settle` waits for it (and its call_from_thread) deterministically."""
    await settle(app, pilot)
    table = app.screen.query_one("#exams")
    assert table.row_count, "dashboard never filled"
    return table


async def test_dashboard_shows_exams_with_deadlines_and_progress(demo_db):
    app = EksamenApp(ctx=demo_ctx(demo_db))
    async with app.run_test(size=(160, 45)) as pilot:
        table = await wait_for_dashboard(app, pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        codes = {str(row[0]).lstrip("! ") for row in rows}
        assert "TDT4100" in codes
        # overdue items are marked in words, not by colour alone
        assert any("frist ute" in str(cell) or str(cell).startswith("MANGLER") for row in rows for cell in row)
        status = str(app.screen.query_one("#dashboard-status").render())
        assert "kari" in status and "NTNU" in status


@pytest.mark.slow("builds every desk once")
async def test_every_desk_is_one_key_away_and_back(demo_db):
    app = EksamenApp(ctx=demo_ctx(demo_db))
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for_dashboard(app, pilot)
        for name, (title, key, target) in DESKS.items():
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == name
            assert type(app.screen).__name__ == target.split(":")[1]
        await pilot.press("f2")
        assert app.current_mode == "dashboard"


async def test_f1_lists_the_keys_of_the_current_screen(demo_db):
    app = EksamenApp(ctx=demo_ctx(demo_db))
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for_dashboard(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        text = screen_text(app)
        assert "Oppdater" in text and "Importer kandidater" in text and "Oppmøte" in text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_app_opens_database_itself_after_first_frame(tmp_path):
    """Started like the command line does: the database opens in a worker."""
    db = copy_demo_database(tmp_path / "fresh.db", today=TODAY)
    app = EksamenApp(db=str(db), clerk="ola", today=TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await wait_for_dashboard(app, pilot)
        assert app.ctx is not None and app.ctx.clerk == "ola"
        assert table.row_count > 10
        # its keys' commits leave the WAL's checkpoints to a thread, which ends with the app
        assert app.ctx.checkpointer is not None and app.ctx.checkpointer.running
    assert not app.ctx.checkpointer.running


async def test_command_palette_offers_the_desks(demo_db):
    app = EksamenApp(ctx=demo_ctx(demo_db))
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for_dashboard(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"gå til oppmøte")
        await settle(app, pilot)  # the palette's search is a worker
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "attendance"
