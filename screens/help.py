"""F1: the keys of the screen underneath, with their descriptions."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {"escape": "Esc", "enter": "Enter", "delete": "Del", "backspace": "⌫", "space": "Mellomrom",
             "ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "slash": "/", "plus": "+", "minus": "−",
             "question_mark": "?"}


def key_label(key: str) -> str:
    *modifiers, name = key.split("+")
    shown = KEY_NAMES.get(name, name.upper() if len(name) > 1 or modifiers else name)
    return "+".join([*(KEY_NAMES.get(m, m.capitalize()) for m in modifiers), shown])


def unwrap(text: str) -> str:
    """A desk's HELP text, written wrapped at about 80 columns in the source,
    as paragraphs the help window wraps at its own width (at 80×24 the
    source's line breaks left every other line a stub)."""
    paragraphs = text.strip().split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 120; max-width: 95%; height: auto; max-height: 90%;
        border: thick $accent; background: $panel; padding: 1 2;
    }
    """
    BINDINGS = [
        Binding("escape,f1,q", "close", "Lukk", id="help.close", tooltip="Lukk hjelpen"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self._target = screen

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            title = getattr(self._target, "TITLE", None) or "eksamen-tui"
            yield Static(Text(f"Hjelp – {title}", style="bold"))
            intro = getattr(self._target, "HELP", "")
            if intro:
                yield Static(unwrap(intro) + "\n")
            yield Static(self._keys_table())
            yield Static(self._keymap_line())
            yield Static("\nCtrl+P: kommandopaletten (søk etter en handling). Ctrl+Q avslutter. Esc eller F1 lukker.")

    def _keys_table(self) -> Table:
        table = Table(box=None, show_header=True, header_style="bold", padding=(0, 1), expand=True)
        table.add_column("Tast", style="bold cyan", no_wrap=True, min_width=12)
        table.add_column("Handling", ratio=1)
        table.add_column("Id (keymap.toml)", style="dim", no_wrap=True)
        seen: set[str] = set()
        for key, active in self._target.active_bindings.items():
            if active.node is not self._target and active.node is not self.app:
                continue  # the widgets' own navigation (arrows, page up …) is standard
            binding = active.binding
            if binding.id is None or not binding.show:
                continue  # Textual's own (English) defaults, and keys the text above explains
            if not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            description = binding.description
            if binding.tooltip:
                description = f"{description} – {binding.tooltip}"
            if not active.enabled:
                description += " (ikke tilgjengelig nå)"
            table.add_row(key_label(key), description, binding.id)
        return table

    def _keymap_line(self) -> str:
        """Where the clerk's own keys come from (tastene over er de som gjelder)."""
        result = getattr(self.app, "keymap_result", None)
        if result is None:
            return ""
        if not result.found:
            return f"\nEgne taster: legg dem i {result.path} (id = \"tast\")."
        changed = len(result.keymap)
        errors = f", {len(result.problems)} linje(r) med feil brukes ikke" if result.problems else ""
        return f"\nEgne taster fra {result.path}: {changed} endret{errors}."

    def action_close(self) -> None:
        self.dismiss(None)
