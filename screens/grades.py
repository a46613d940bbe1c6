"""Desk: Karakterer (not built yet: an honest placeholder)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from screens.base import DeskScreen


class GradesScreen(DeskScreen):
    TITLE = "Karakterer"
    CSS_PATH = "grades.tcss"
    HELP = "Denne pulten er ikke bygget ennå."

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Karakterer – kommer", classes="desk-title")
        yield Footer()
