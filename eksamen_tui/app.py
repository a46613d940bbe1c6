"""The Textual app: a dashboard home and one mode per desk.

Start-up is kept light: only Textual is imported before the first frame.
The database (SQLModel, holidays ...) is opened in a worker thread after it,
and each desk's module is imported the first time its mode is entered.
Started from the command line, the dashboard's data is read meanwhile by a
second process (eksamen_tui.dashboard_feed).
"""
from __future__ import annotations

import importlib
import inspect
import threading
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Callable

from textual import events, work
from textual.app import App, get_system_commands_provider
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from eksamen_tui.desks import DESKS  # (re-exported: eksamen_tui.app.DESKS)

if TYPE_CHECKING:
    from eksamen_tui.dashboard_feed import DashboardFeed
    from eksamen_tui.services.context import Context


# Short names in the footer, so every desk key fits on one line.
FOOTER_NAMES = {"papers": "Oppgaver", "appeals": "Klager", "commissions": "Kommisjoner", "audit_log": "Logg",
                "settings": "Oppsett", "after": "Etter eks."}


# how long the app's opening of the database waits for the dashboard's feed at most
FEED_WAIT_SECONDS = 3.0


def _screen_factory(target: str) -> Callable[[], Screen]:
    def build() -> Screen:
        from textual.app import active_app

        module_name, class_name = target.split(":")
        screen = getattr(importlib.import_module(module_name), class_name)()
        app = active_app.get()
        if all(app.stylesheet.has_source(str(path), "") for path in screen.css_path):
            # Its .tcss was read ahead (EksamenApp.warm_desks): Textual would
            # otherwise re-parse every stylesheet of the app and restyle all
            # of it on the desk's first visit (its "CSS changed" counter
            # starts at -1), 0.2-0.3 s that change nothing.
            screen._css_update_count = app._css_update_count
        return screen

    return build


def desk_css_paths(screen_class: type[Screen]) -> list[Path]:
    """A desk's .tcss files, as Textual resolves its CSS_PATH."""
    base = Path(inspect.getfile(screen_class)).parent
    paths = screen_class.CSS_PATH or []
    return [(base / path).resolve() for path in ([paths] if isinstance(paths, (str, PurePath)) else paths)]


def _desk_actions_provider():
    from screens.palette import DeskActions

    return DeskActions


class DatabaseReady(Message):
    """Posted to every screen once the database is open (app.ctx is set)."""


class DatabaseFailed(Message):
    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


class EksamenApp(App):
    TITLE = "eksamen-tui"
    SUB_TITLE = "Eksamenskontoret"
    # the dashboard's styles with the app's: parsed once before the first
    # frame, where reading them on the dashboard's mode switch re-parsed
    # every stylesheet of the app (see _screen_factory)
    CSS_PATH = ["app.tcss", "../screens/dashboard.tcss"]
    MODES = {name: _screen_factory(target) for name, (_, _, target) in DESKS.items()}
    BINDINGS = [
        Binding("f1", "help", "Hjelp", id="app.help", tooltip="Vis tastene for dette skjermbildet"),
        *(
            Binding(key, f"desk('{name}')", FOOTER_NAMES.get(name, title), id=f"app.desk.{name}",
                    tooltip=f"Gå til {title}")
            for name, (title, key, _) in DESKS.items()
        ),
        # not in the footer (room for every desk key); F1 and the palette name it
        Binding("ctrl+q", "quit", "Avslutt", id="app.quit", tooltip="Avslutt eksamen-tui", priority=True,
                show=False),
        Binding("ctrl+p", "command_palette", "Kommandoer", id="app.palette", show=False, priority=True,
                tooltip="Søk etter en handling på alle pultene (kommandopaletten)"),
    ]
    COMMANDS = {get_system_commands_provider, _desk_actions_provider}

    def __init__(
        self,
        *,
        db: str | None = None,
        clerk: str | None = None,
        demo: bool = False,
        ctx: "Context | None" = None,
        today: date | None = None,
        dashboard_feed: "DashboardFeed | None" = None,
    ) -> None:
        super().__init__()
        from eksamen_tui import gc_policy

        gc_policy.tune()
        self._db = db
        self._clerk = clerk
        self._demo = demo
        self._today = today
        self.ctx: Context | None = ctx
        self.database_error: str | None = None
        self.keymap_result = None  # eksamen_tui.keymap.KeymapResult once read
        self._dashboard_feed = dashboard_feed
        # set when the feed has ended (or there is none): the app's own opening
        # of the database waits for it, so that importing the database layer
        # (~0.3 s holding the GIL) does not hold up drawing the feed's data
        self.dashboard_feed_ended = threading.Event()
        if dashboard_feed is None:
            self.dashboard_feed_ended.set()

    def take_dashboard_feed(self) -> "DashboardFeed | None":
        """The dashboard's data being read by another process while the app
        starts (see eksamen_tui.dashboard_feed), once: the dashboard
        takes it when it is mounted."""
        feed, self._dashboard_feed = self._dashboard_feed, None
        return feed

    @property
    def ready(self) -> bool:
        return self.ctx is not None

    async def on_event(self, event) -> None:
        # A terminal sends Alt+L as ESC l, which Textual reports as the key
        # "alt+l" with the character «l»: an Input took it as text, so Alt+
        # letter typed a letter into the field being filled instead of
        # jumping to another one (the forms' Alt shortcuts worked only from
        # widgets that take no text). Alt+letter is never text here.
        if isinstance(event, events.Key) and event.key.startswith("alt+") and len(event.key) == 5 \
                and event.key[-1].isalpha():
            event.character = None
        await super().on_event(event)

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.switch_mode("dashboard")
        self.call_after_refresh(self.load_keymap)
        if self.ctx is None:
            # after the first frame: importing the database layer in a thread
            # would otherwise compete with drawing it (one GIL)
            self.call_after_refresh(self._open_database)
        else:
            self.call_after_refresh(self._announce_ready)

    def exit(self, *args, **kwargs) -> None:
        self.dashboard_feed_ended.set()  # the opening of the database waits for nothing now
        super().exit(*args, **kwargs)

    @work(thread=True, exclusive=True, group="database")
    def _open_database(self) -> None:
        from textual.worker import get_current_worker

        self.dashboard_feed_ended.wait(FEED_WAIT_SECONDS)
        if self._exit or get_current_worker().is_cancelled:  # the clerk quit meanwhile: nothing to open
            return
        try:
            from eksamen_tui.services.context import open_context

            today = (lambda: self._today) if self._today else None
            if self._demo:
                from eksamen_tui.services.demo import fresh_demo_database

                target = fresh_demo_database(today=self._today or date.today())
            else:
                target = self._db
            # the keys' commits never checkpoint the WAL themselves (a thread does)
            ctx = open_context(target, clerk=self._clerk, today=today, background_checkpoints=True)
        except Exception as error:  # shown to the clerk, not swallowed
            self.call_from_thread(self._database_failed, f"{type(error).__name__}: {error}")
            return
        try:
            self.call_from_thread(self._set_context, ctx)
        except BaseException:  # the app ended meanwhile: nobody will close it
            ctx.close()
            raise

    def _set_context(self, ctx: "Context") -> None:
        self.ctx = ctx
        self._own_ctx = ctx
        self._announce_ready()

    _own_ctx: "Context | None" = None  # the context the app opened itself (not one it was given)

    def on_unmount(self) -> None:
        if self._own_ctx is not None:
            self._own_ctx.close()

    def _announce_ready(self) -> None:
        self.refresh_bindings()
        for screen in self.screen_stack:
            screen.post_message(DatabaseReady())
        if self._desk_when_ready is not None:
            self.call_after_refresh(self.action_desk, self._desk_when_ready)

    def _database_failed(self, error: str) -> None:
        self.database_error = error
        self.notify(f"Kunne ikke åpne databasen: {error}", severity="error", timeout=30)
        for screen in self.screen_stack:
            screen.post_message(DatabaseFailed(error))

    # --- the clerk's own keymap ---------------------------------------------
    SCREEN_MODULES = ("screens.help", "screens.dialogs", "screens.candidate_import")

    def known_bindings(self) -> dict[str, dict[str, str]]:
        """Binding id -> default keys for the app and every screen and dialog."""
        from eksamen_tui.keymap import collect_bindings

        return collect_bindings(self.binding_owners())

    def binding_owners(self) -> list[type]:
        """The app and every screen, dialog and widget class of its desks."""
        import inspect

        from textual.dom import DOMNode

        owners: list[type] = [type(self)]
        modules = [target.split(":")[0] for _, _, target in DESKS.values()] + list(self.SCREEN_MODULES)
        for module_name in dict.fromkeys(modules):
            module = importlib.import_module(module_name)
            owners += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                       if issubclass(cls, DOMNode) and cls.__module__ == module.__name__]
        return owners

    def load_keymap(self) -> None:
        """Read keymap.toml, apply what is valid, say in bokmål what is not."""
        from eksamen_tui.keymap import collect_widget_keys, keymap_path, load_keymap

        path = keymap_path()
        if not path.exists():
            # nothing to check, so no desk module to import for it right after
            # the first frame (they are imported when idle: warm_desks)
            self.keymap_result = load_keymap(path, {})
            return
        owners = self.binding_owners()
        result = load_keymap(path, self.known_bindings(), lambda: collect_widget_keys(owners))
        self.keymap_result = result
        if result.keymap:
            self.set_keymap(result.keymap)
        if result.problems:
            self.notify(result.message(), title="Tastekart", severity="error", timeout=30)

    _warming = False

    def warm_desks(self) -> None:
        """Import the desks' modules and read their .tcss ahead of their
        first visit, one per idle moment (each holds the UI thread for a few
        ms, never long enough to delay a key noticeably). Called once the dashboard
        shows its data. Then the garbage collector is settled (see
        eksamen_tui.gc_policy)."""
        if self._warming:
            return
        self._warming = True
        pending = list(dict.fromkeys(target for _, _, target in DESKS.values()))

        def next_module() -> None:
            if pending:
                module_name, class_name = pending.pop(0).split(":")
                self._read_desk_css(getattr(importlib.import_module(module_name), class_name))
                self.set_timer(0.02, next_module)
            else:
                self.set_timer(0.02, self._warmed_up)

        self.set_timer(0.02, next_module)

    warmed_up = False  # True once warm_desks is done (the benchmark's first visits wait for it)

    def _warmed_up(self) -> None:
        """Start-up is done: what is alive now lives as long as the app."""
        from eksamen_tui import gc_policy

        gc_policy.settle()
        self.warmed_up = True

    def _read_desk_css(self, screen_class: type[Screen]) -> None:
        """Add a desk's .tcss to the stylesheet before its first visit (its
        rules are scoped to the desk's screen, so nothing else changes)."""
        for path in desk_css_paths(screen_class):
            if not self.stylesheet.has_source(str(path), ""):
                self.stylesheet.read(path)

    def format_title(self, title: str, sub_title: str):
        """The header: the desk's title, then what it has open in bold (the
        exam a desk works on must catch the eye)."""
        from textual.content import Content

        if not sub_title:
            return Content(title)
        return Content.assemble(Content(title), (" — ", "dim"), (sub_title, "bold"))

    # --- actions ---------------------------------------------------------
    _desk_when_ready: str | None = None

    def action_desk(self, name: str) -> None:
        if not self.ready and name != "dashboard":
            # the dashboard can show its data before the database is open here
            # (dashboard_feed): a desk key pressed then is not lost, the desk
            # opens as soon as the database is open
            self._desk_when_ready = name
            return
        self._desk_when_ready = None
        if self.current_mode != name:
            self.switch_mode(name)

    def open_desk(self, name: str, target=None) -> None:
        """Go to desk `name` and open it on `target` (an exam id, or what the
        desk takes: see DeskScreen.open_on)."""
        if self.current_mode != name:
            self.switch_mode(name)
        if target is not None:
            self._screen_stacks[name][0].open_on(target)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # --- the command palette, in bokmål -----------------------------------
    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from screens.palette import BokmaalCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(BokmaalCommandPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen):
        """Textual's system commands, in bokmål (the desks' own actions come
        from screens.palette.DeskActions)."""
        from textual.app import SystemCommand

        yield SystemCommand("Hjelp: tastene her", "Vis tastene for dette skjermbildet – tast F1", self.action_help)
        yield SystemCommand("Avslutt eksamen-tui", "Lukk programmet – tast Ctrl+Q", self.action_quit)
        yield SystemCommand("Skjermbilde", "Lagre et bilde av skjermen (SVG) i eksportmappen", self._save_screenshot)
        if screen.maximized is not None:
            yield SystemCommand("Gjenopprett", "Vis feltet i vanlig størrelse igjen", screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand("Maksimer", "Vis feltet som har fokus over hele skjermen", screen.action_maximize)

    def _save_screenshot(self) -> None:
        from eksamen_tui.services.context import export_dir

        path = self.save_screenshot(path=str(export_dir()))
        self.notify(f"Skjermbilde lagret: {path}", title="Skjermbilde")

    def run_desk_action(self, desk: str, action: str, description: str) -> None:
        """A desk's action chosen in the palette: go to the desk, run it
        there; if it is not possible there now, say so (never nothing)."""
        if self.current_mode != desk:
            if not self.ready:
                self.notify("Databasen er ikke åpnet ennå", severity="warning")
                return
            self.switch_mode(desk)
        self.call_after_refresh(self._run_on_desk, action, description)

    # --- the safety net: a desk's action that fails does not end the app ----------
    catch_desk_errors: bool | None = None  # None: on, except under run_test (see screens.base.catches_errors)

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """Textual's run_action; an unexpected exception in an action (a
        key, the palette) on a desk or a dialog is logged and shown as one
        bokmål line (the desk's message line, else a notification), and the
        app goes on."""
        from screens.base import catches_errors, report_failure

        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as error:  # noqa: BLE001 - the safety net
            if not catches_errors(self):
                raise
            report_failure(self.screen, error, where=f"handling «{action}»")
            return True

    def _run_on_desk(self, action: str, description: str) -> None:
        from textual.actions import parse

        from screens.base import DeskScreen

        screen = self.screen
        if not isinstance(screen, DeskScreen):
            self.notify(f"«{description}»: lukk vinduet som er åpent først", severity="warning")
            return
        _, name, parameters = parse(action)
        if not screen.check_action(name, parameters):
            why = ("velg en eksamen først (skriv emnekode)" if getattr(screen, "exam_id", 0) is None
                   else "ikke mulig akkurat nå")
            screen.say_refused(f"«{description}»: {why}")
            return
        self.call_later(self.run_action, action, screen)
