"""Desk: Kommisjonsskjema (not built yet: an honest placeholder)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from screens.base import DeskScreen


class CommissionsScreen(DeskScreen):
    TITLE = "Kommisjonsskjema"
    CSS_PATH = "commissions.tcss"
    HELP = "Denne pulten er ikke bygget ennå."

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Kommisjonsskjema – kommer", classes="desk-title")
        yield Footer()
