"""A keymap of one's own: keymap.toml in the config folder remaps bindings
by id, is checked on start (bokmål messages), and F1 shows the keys in effect."""
from datetime import date

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input

from eksamen_tui.app import EksamenApp
from eksamen_tui.keymap import keymap_path, load_keymap
from eksamen_tui.services.context import open_context
from tests.factories import copy_demo_database
from tests.screen_text import screen_text, settle

TODAY = date(2026, 11, 23)

BINDINGS = {
    "app": {"app.help": "f1", "app.desk.attendance": "f4"},
    "screens.attendance.AttendanceScreen": {"attendance.history": "h", "attendance.attended": "m"},
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return copy_demo_database(tmp_path_factory.mktemp("demo") / "demo.db", today=TODAY)


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


# --- keys Textual's own widgets take first ----------------------------------------------

class TinyDesk(Screen):
    """A desk's shape: a screen composing an Input and a DataTable."""

    BINDINGS = [Binding("h", "history", "Historikk", id="tiny.history"),
                Binding("x", "export", "Eksporter", id="tiny.export")]

    def compose(self):
        yield Input(id="filter")
        yield DataTable(id="rows")


def test_a_key_a_widget_of_the_desk_takes_is_refused_naming_key_action_and_widget():
    from eksamen_tui.keymap import collect_widget_keys

    desk = TinyDesk
    owners = [EksamenApp, desk]
    bindings = {"app": {"app.help": "f1"}, f"{desk.__module__}.{desk.__qualname__}":
                {"tiny.history": "h", "tiny.export": "x"}}
    taken = collect_widget_keys(owners)
    mine = taken[f"{desk.__module__}.{desk.__qualname__}"]
    assert {"ctrl+a", "home", "end", "enter", "up", "pagedown"} <= set(mine)  # Input's and DataTable's
    assert {"ctrl+q", "ctrl+p", "ctrl+c", "tab"} <= set(taken["app"])  # Textual's App and Screen
    path = write_keymap('"tiny.history" = "ctrl+a"\n"tiny.export" = "ctrl+o,home"\n"app.help" = "ctrl+q"\n')
    result = load_keymap(path, bindings, lambda: taken)
    assert result.keymap == {}
    text = result.message()
    assert "«tiny.history» = «ctrl+a»: tasten «ctrl+a» brukes av Input (handlingen «home») når den har fokus" in text
    assert "«tiny.export» = «ctrl+o,home»: tasten «home» brukes av DataTable og Input" in text
    assert "«app.help» = «ctrl+q»: tasten «ctrl+q» brukes av Textual-appen selv (handlingen «quit»" in text
    # keys no widget of the desk takes still apply; nothing is asked when nothing is remapped
    path = write_keymap('"tiny.history" = "ctrl+o"\n"app.help" = "f12"\n')
    assert load_keymap(path, bindings, lambda: taken).keymap == {"tiny.history": "ctrl+o", "app.help": "f12"}
    assert load_keymap(write_keymap(""), bindings, lambda: 1 / 0).keymap == {}


def test_the_app_knows_the_widgets_of_each_real_desk():
    from eksamen_tui.keymap import collect_widget_keys

    app = EksamenApp(ctx=None)
    taken = collect_widget_keys(app.binding_owners())
    audit_log = taken["screens.audit_log.AuditLogScreen"]
    assert "Input" in audit_log["ctrl+a"].widget and "DataTable" in audit_log["pageup"].widget
    assert "Select" in audit_log["enter"].widget  # the kind-of-change list
    assert "OptionList" in taken["screens.dashboard.DashboardScreen"]["enter"].widget  # the cards' counts
    assert "ctrl+a" not in taken["screens.dashboard.DashboardScreen"]  # no text field there


async def test_a_remap_onto_a_widget_key_is_refused_on_start_in_bokmaal(demo_db):
    write_keymap('"auditlog.export" = "ctrl+a"\n"dashboard.refresh" = "ctrl+o"\n')
    app = EksamenApp(ctx=open_context(str(demo_db), clerk="kari", today=lambda: TODAY))
    async with app.run_test(size=(160, 45)) as pilot:
        for _ in range(20):
            await pilot.pause()
            if app.keymap_result is not None:
                break
        assert app.keymap_result.keymap == {"dashboard.refresh": "ctrl+o"}
        messages = "\n".join(n.message for n in app._notifications)
        assert ("«auditlog.export» = «ctrl+a»: tasten «ctrl+a» brukes av Input (handlingen «home») "
                "når den har fokus – velg en annen tast") in messages


async def test_why_such_a_remap_would_not_work_a_focused_input_takes_the_key(demo_db):
    """The premise of the check: with the export moved onto ctrl+a anyway,
    ctrl+a in the Endringslogg's filter field moves the cursor and exports nothing."""
    app = EksamenApp(ctx=open_context(str(demo_db), clerk="kari", today=lambda: TODAY))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        app.set_keymap({"auditlog.export": "ctrl+a"})
        await pilot.press("slash", *"tdt")
        field = app.screen.query_one("#f-course")
        assert field.has_focus and field.cursor_position == 3
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert field.cursor_position == 0 and "Lager endringslogg" not in screen_text(app)
        await pilot.press("escape", "tab")  # elsewhere (the list) the key reaches the desk
        app.screen.query_one("#log").focus()
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert "Endringsloggen er lagret" in screen_text(app)
