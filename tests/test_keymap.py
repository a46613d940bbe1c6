"""A keymap of one's own: keymap.toml in the config folder remaps bindings
by id, is checked on start (bokmål messages), and F1 shows the keys in effect."""
from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.keymap import keymap_path, load_keymap
from eksamen_tui.services.context import open_context
from eksamen_tui.services.demo import write_demo_database
from tests.screen_text import screen_text, settle

TODAY = date(2026, 11, 23)

BINDINGS = {
    "app": {"app.help": "f1", "app.desk.attendance": "f4"},
    "screens.attendance.AttendanceScreen": {"attendance.history": "h", "attendance.attended": "m"},
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    write_demo_database(path, today=TODAY)
    return path


def write_keymap(text: str):
    path = keymap_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_keymap_lives_in_the_platform_config_folder(tmp_path):
    assert keymap_path() == tmp_path / "xdg-config" / "eksamen-tui" / "keymap.toml"


def test_missing_file_is_no_problem():
    result = load_keymap(keymap_path(), BINDINGS)
    assert not result.found and result.keymap == {} and result.problems == []


def test_quoted_ids_and_tables_both_remap():
    path = write_keymap('"attendance.history" = "ctrl+h"\n[app]\nhelp = "f10,question_mark"\n')
    result = load_keymap(path, BINDINGS)
    assert result.problems == []
    assert result.keymap == {"attendance.history": "ctrl+h", "app.help": "f10,question_mark"}


def test_bad_entries_are_refused_in_bokmaal_and_the_rest_applies():
    path = write_keymap(
        '"attendance.histry" = "ctrl+h"\n'       # unknown id, close to a real one
        '"attendance.attended" = 5\n'            # not a text
        '"app.help" = "ctrl+hyperspace"\n'       # not a key
        '"attendance.history" = "m"\n'           # clashes with «Møtt» on the same desk
        '"app.desk.attendance" = "ctrl+o"\n'     # fine
    )
    result = load_keymap(path, BINDINGS)
    assert result.keymap == {"app.desk.attendance": "ctrl+o"}
    text = result.message()
    assert "Tastekartet" in text and "brukes ikke" in text
    assert "«attendance.histry»: ingen handling har denne id-en – mente du «attendance.history»?" in text
    assert "anførselstegn" in text
    assert "ikke en tast" in text
    assert "tasten «m» brukes allerede av «attendance.attended»" in text


def test_broken_toml_is_reported_not_raised():
    path = write_keymap('"app.help" = \n')
    result = load_keymap(path, BINDINGS)
    assert result.keymap == {} and "ikke gyldig TOML" in result.message()


def test_every_binding_of_every_screen_has_a_unique_id(demo_db):
    app = EksamenApp(ctx=open_context(str(demo_db), clerk="kari", today=lambda: TODAY))
    known = app.known_bindings()
    owners = {owner: ids for owner, ids in known.items()}
    assert "app.help" in owners["app"]
    assert any("AttendanceScreen" in owner for owner in owners)
    seen: dict[str, str] = {}
    for owner, ids in owners.items():
        for binding_id in ids:
            assert binding_id not in seen, f"{binding_id} in {owner} and {seen[binding_id]}"
            seen[binding_id] = owner


async def test_keymap_file_changes_a_binding_and_f1_shows_it(demo_db):
    write_keymap('"dashboard.refresh" = "ctrl+o"\n"app.desk.attendance" = "ctrl+b"\n')
    app = EksamenApp(ctx=open_context(str(demo_db), clerk="kari", today=lambda: TODAY))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.keymap_result is not None and app.keymap_result.problems == []
        await pilot.press("f1")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Ctrl+O" in text and "dashboard.refresh" in text
        assert "Egne taster fra" in text and len(app.keymap_result.keymap) == 2
        line = next(line for line in text.splitlines() if "Oppdater" in line)
        assert "Ctrl+O" in line
        await pilot.press("escape")
        await pilot.press("f4")  # the old key does nothing now
        await pilot.pause()
        assert app.current_mode == "dashboard"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.current_mode == "attendance"


async def test_bad_keymap_is_said_on_start(demo_db):
    write_keymap('"dashboard.refrsh" = "ctrl+o"\n')
    app = EksamenApp(ctx=open_context(str(demo_db), clerk="kari", today=lambda: TODAY))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("mente du «dashboard.refresh»" in m for m in messages)
        await pilot.press("r")  # the default key still works
