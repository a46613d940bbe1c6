"""Desk: Begrunnelse og klage (not built yet: an honest placeholder)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from screens.base import DeskScreen


class AppealsScreen(DeskScreen):
    TITLE = "Begrunnelse og klage"
    CSS_PATH = "appeals.tcss"
    HELP = "Denne pulten er ikke bygget ennå."

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Begrunnelse og klage – kommer", classes="desk-title")
        yield Footer()
