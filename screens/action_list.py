"""A list of things to do that acts: Enter on an item dismisses with its
key, and the desk that opened the list opens the item (on the right exam,
on the right candidate). Esc closes without opening anything."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static


class ActionListDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ActionListDialog { align: center middle; }
    ActionListDialog > Vertical { width: 120; max-width: 96%; height: auto; max-height: 85%;
        border: thick $accent; background: $panel; padding: 1 2; }
    ActionListDialog DataTable { height: auto; max-height: 30; }
    """
    BINDINGS = [Binding("escape,q", "close", "Lukk", id="actionlist.close", tooltip="Lukk listen uten å åpne noe")]

    def __init__(self, title: str, columns: tuple[str, ...], rows: list[tuple[str, tuple]], *,
                 hint: str = "Enter åpner valgt rad · Esc lukker", empty: str = "Ingen.") -> None:
        super().__init__()
        self._title, self._columns, self._rows, self._hint, self._empty = title, columns, rows, hint, empty

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title, style="bold"))
            yield DataTable(id="action-rows", cursor_type="row", zebra_stripes=True)
            yield Static(self._hint if self._rows else self._empty, classes="status-line")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*self._columns)
        for key, cells in self._rows:
            table.add_row(*cells, key=key)
        table.display = bool(self._rows)
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(event.row_key.value)

    def action_close(self) -> None:
        self.dismiss(None)
