"""Database errors a clerk can act on: one line in bokmål, never a traceback.

Both are DomainErrors, so the CLI's and the desks' error handling shows
them like any refused action.
"""
from __future__ import annotations

from eksamen_tui.domain.errors import DomainError


class DatabaseRefused(DomainError):
    """The target is not a database eksamen-tui may open (another program's
    file, a newer schema, read-only, a folder, a missing folder ...).
    Raised before anything is written to it."""


class DatabaseBusy(DomainError):
    """A write waited for the database's write lock longer than the busy
    timeout (another counter held it). Nothing was written; try again."""

    MESSAGE = "Databasen er opptatt av en annen skranke; ingenting ble lagret. Prøv igjen."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.MESSAGE)
