"""Desk: Oppmøte (not built yet: an honest placeholder)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from screens.base import DeskScreen


class AttendanceScreen(DeskScreen):
    TITLE = "Oppmøte"
    CSS_PATH = "attendance.tcss"
    HELP = "Denne pulten er ikke bygget ennå."

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Oppmøte – kommer", classes="desk-title")
        yield Footer()
