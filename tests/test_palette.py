"""The command palette speaks bokmål and offers the desks' actions with
their keys; an action not possible now says why."""
from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.services.context import open_context
from tests.factories import copy_demo_database
from tests.screen_text import screen_text, settle

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return copy_demo_database(tmp_path_factory.mktemp("demo") / "demo.db", today=TODAY)


def demo_app(demo_db):
    return EksamenApp(ctx=open_context(str(demo_db), clerk="kari", today=lambda: TODAY))


async def search(app, pilot, text: str) -> str:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause(0.8)  # the palette searches, then shows «Ingen treff» after 0.5 s
    await settle(app, pilot)
    return screen_text(app)


async def test_palette_in_bokmaal_without_textual_english(demo_db):
    app = demo_app(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Søk etter en handling" in text
        for english in ("Search for commands", "Quit", "Screenshot", "Theme", "Keys"):
            assert english not in text
        assert "Oversikt: Importer" in text  # discovery: this desk's actions
        await pilot.press(*"zzqqxx")
        await pilot.pause(0.8)
        assert "Ingen treff" in screen_text(app) and "No matches" not in screen_text(app)


@pytest.mark.parametrize("query, name, key", [
    ("kandidatliste", "Oversikt: Importer", "tast i"),
    ("import", "Kommisjonsskjema: Importer", "tast i"),
    ("kunngjør", "Karakterer: Kunngjør", "tast p"),
    ("klagekomm", "Begrunnelse og klage: Send til klagekomm.", "tast s"),
    ("eksporter", "Oppmøte: Eksporter", "tast x"),
    ("avslutt", "Avslutt eksamen-tui", "Ctrl+Q"),
])
async def test_palette_finds_the_desks_actions_with_their_keys(demo_db, query, name, key):
    app = demo_app(demo_db)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        text = await search(app, pilot, query)
        assert name in text and key in text


async def test_palette_action_goes_to_the_desk_and_says_why_not(demo_db):
    app = demo_app(demo_db)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "kunngjør")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "grades"
        assert "«Kunngjør»: velg en eksamen først" in screen_text(app)
        await search(app, pilot, "sensoroversikt")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "commissions"
        assert app.screen.query_one("#directory").display  # the action ran on its desk
