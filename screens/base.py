"""What every desk screen shares: access to the service context and the
ready/failed notifications from the app."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

if TYPE_CHECKING:
    from eksamen_tui.services.context import Context


REFUSED = object()  # what `DeskScreen._call` returns when a rule said no


class DeskScreen(Screen):
    """Base for desks. `HELP` is bokmål text shown above the key list on F1."""

    HELP: str = ""

    @property
    def ctx(self) -> "Context":
        ctx = self.app.ctx  # type: ignore[attr-defined]
        if ctx is None:
            raise RuntimeError("Databasen er ikke åpnet ennå")
        return ctx

    @property
    def ready(self) -> bool:
        return getattr(self.app, "ctx", None) is not None

    _ready_done = False

    def on_mount(self) -> None:
        if self.ready:
            self._become_ready()

    def on_database_ready(self, _message) -> None:
        self._become_ready()

    def _become_ready(self) -> None:
        # mount and the app's announcement can both arrive: load once
        if not self._ready_done:
            self._ready_done = True
            self.on_ready()

    def on_ready(self) -> None:
        """Called once the database is open: load the desk's data here."""

    def _say(self, message: str, *, error: bool = False) -> None:
        """The desk's message line (#message): what happened, or why not."""
        self.query_one("#message", Static).update(Text(message, style="bold red" if error else ""))

    def _call(self, service, *args, **kwargs):
        """Call a service; if a rule refuses (DomainError), say why on the
        message line and return REFUSED (nothing was changed)."""
        from eksamen_tui.domain.errors import DomainError

        try:
            return service(*args, **kwargs)
        except DomainError as error:
            self._say(str(error), error=True)
            return REFUSED


class CandidateNumberTyping:
    """Digits typed on a desk's list build a candidate number (shown in
    #number-line); Enter jumps to it, Backspace corrects, Esc clears. A
    state or grade key typed after the digits applies to that candidate."""

    _number = ""

    def typed_number_key(self, event, jump) -> bool:
        """Handle a key that belongs to the number; True when it did."""
        if event.character and event.character.isdigit():
            self._number += event.character
        elif event.key == "backspace" and self._number:
            self._number = self._number[:-1]
        elif event.key == "enter" and self._number:
            jump()
        else:
            return False
        self._show_number()
        event.stop()
        event.prevent_default()
        return True

    def take_number(self) -> str:
        """The typed number (and clear it)."""
        number, self._number = self._number, ""
        self._show_number()
        return number

    def _show_number(self) -> None:
        self.query_one("#number-line", Static).update(f"Kandidatnummer: {self._number}" if self._number else "")

    def action_clear_number(self) -> None:
        self._number = ""
        self._show_number()
