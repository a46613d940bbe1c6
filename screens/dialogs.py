"""Small modal dialogs shared by the desks."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class TextDialog(ModalScreen[None]):
    """A read-only text (history, lists) closed with Esc."""

    DEFAULT_CSS = """
    TextDialog { align: center middle; }
    TextDialog > VerticalScroll { width: 110; max-width: 95%; height: auto; max-height: 85%;
        border: thick $accent; background: $panel; padding: 1 2; }
    """
    BINDINGS = [Binding("escape,q,enter", "close", "Lukk", id="dialog.close", tooltip="Lukk vinduet")]

    def __init__(self, title: str, body: Text | str) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(Text(self._title, style="bold"))
            yield Static(self._body)

    def action_close(self) -> None:
        self.dismiss(None)


class PromptDialog(ModalScreen[str | None]):
    """Ask for one line of text; Enter answers, Esc cancels (None)."""

    DEFAULT_CSS = """
    PromptDialog { align: center middle; }
    PromptDialog > Vertical { width: 90; max-width: 95%; height: auto;
        border: thick $accent; background: $panel; padding: 1 2; }
    PromptDialog .prompt-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Avbryt", id="prompt.cancel", tooltip="Lukk uten å lagre")]

    def __init__(self, title: str, prompt: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self._title, self._prompt, self._value, self._placeholder = title, prompt, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title, style="bold"))
            yield Static(self._prompt)
            yield Input(value=self._value, placeholder=self._placeholder)
            yield Static("", classes="prompt-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
