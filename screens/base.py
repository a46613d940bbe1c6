"""What every desk screen shares: access to the service context and the
ready/failed notifications from the app."""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from eksamen_tui.services.context import Context


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
