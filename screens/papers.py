"""Desk: Eksamensoppgaver (not built yet: an honest placeholder)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from screens.base import DeskScreen


class PapersScreen(DeskScreen):
    TITLE = "Eksamensoppgaver"
    CSS_PATH = "papers.tcss"
    HELP = "Denne pulten er ikke bygget ennå."

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Eksamensoppgaver – kommer", classes="desk-title")
        yield Footer()
