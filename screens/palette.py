"""The command palette (Ctrl+P) in bokmål, offering the desks' actions.

Every desk's own keys are commands named "Desk: what it does", with the
key that does the same shown beside it: «import», «kunngjør» or «send»
find the action wherever the clerk is. Choosing one goes to the desk and
runs it there; an action that is not possible there now says so in words
instead of doing nothing."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.actions import parse
from textual.binding import Binding
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

# Actions that act on one candidate or one checklist item: typed on the desk, not searched for.
NOT_IN_PALETTE = {"grade", "state", "toggle", "clear_number"}


class BokmaalCommandPalette(CommandPalette):
    """Textual's palette with its texts in bokmål."""

    BINDINGS = [
        Binding("ctrl+end, shift+end", "command_list('last')", "Til bunnen", show=False),
        Binding("ctrl+home, shift+home", "command_list('first')", "Til toppen", show=False),
        Binding("down", "cursor_down", "Neste", show=False),
        Binding("escape", "escape", "Lukk paletten"),
        Binding("pagedown", "command_list('page_down')", "Neste side", show=False),
        Binding("pageup", "command_list('page_up')", "Forrige side", show=False),
        Binding("up", "command_list('cursor_up')", "Forrige", show=False),
    ]
    NO_MATCHES = "Ingen treff"

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("placeholder", "Søk etter en handling eller en pult …")
        super().__init__(**kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own shows "No matches found"; the same, in bokmål
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(self.NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


@dataclass(frozen=True)
class DeskCommand:
    desk: str  # mode name
    desk_title: str
    action: str  # the binding's action string, e.g. "publish" or "view('all')"
    description: str
    tooltip: str
    key: str  # as printed on the key

    @property
    def name(self) -> str:
        return f"{self.desk_title}: {self.description}"

    @property
    def help(self) -> str:
        return f"{self.tooltip} – tast {self.key}" if self.tooltip else f"Tast {self.key}"


def desk_commands(app) -> list[DeskCommand]:
    """Every desk's own actions (from its bindings, with the key in effect)."""
    import importlib

    from eksamen_tui.desks import DESKS
    from screens.help import key_label

    keymap = getattr(getattr(app, "keymap_result", None), "keymap", None) or {}
    commands = []
    for desk, (title, _key, target) in DESKS.items():
        module_name, class_name = target.split(":")
        screen_class = getattr(importlib.import_module(module_name), class_name)
        seen = set()
        for binding in screen_class.BINDINGS:
            if not isinstance(binding, Binding) or binding.id is None or not binding.description:
                continue
            _, action_name, _ = parse(binding.action)
            if action_name in NOT_IN_PALETTE or binding.action in seen:
                continue
            seen.add(binding.action)
            keys = keymap.get(binding.id, binding.key)
            key = binding.key_display if binding.key_display and binding.id not in keymap else \
                " / ".join(key_label(k.strip()) for k in keys.split(","))
            commands.append(DeskCommand(desk, title, binding.action, binding.description, binding.tooltip or "", key))
    return commands


class DeskActions(Provider):
    """The desks and their actions. Discovery (empty search) shows the
    current desk's actions and the way to every desk."""

    async def startup(self) -> None:
        self._commands = desk_commands(self.app)

    def _run(self, command: DeskCommand) -> None:
        self.app.run_desk_action(command.desk, command.action, command.description)  # type: ignore[attr-defined]

    def _desk_switches(self):
        from eksamen_tui.desks import DESKS

        for desk, (title, key, _) in DESKS.items():
            yield (f"Gå til: {title}", f"Åpne {title.lower()} – tast {key.upper()}",
                   partial(self.app.action_desk, desk))  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        current = getattr(self.app, "current_mode", None)
        for command in self._commands:
            if command.desk == current:
                yield DiscoveryHit(command.name, partial(self._run, command), help=command.help)
        for name, help_text, callback in self._desk_switches():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        current = getattr(self.app, "current_mode", None)
        for command in self._commands:
            # match on the words and on the tooltip: «import» finds «Importer kandidater»
            score = max(matcher.match(command.name), matcher.match(command.tooltip) * 0.8)
            if score > 0:
                if command.desk == current:
                    score = min(1.0, score * 1.2)  # the desk one is on first
                yield Hit(score, matcher.highlight(command.name), partial(self._run, command), help=command.help)
        for name, help_text, callback in self._desk_switches():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
