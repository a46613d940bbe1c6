"""A DataTable for desks that type into one cell after another."""
from __future__ import annotations

from textual.widgets import DataTable


class EntryTable(DataTable):
    """DataTable whose row order is cached across cell updates.

    DataTable keys its row-order cache on an update counter that every
    `update_cell` bumps, so each keystroke rebuilt the order of all rows
    (O(n) per key). Updating a cell never reorders rows; only adding,
    removing, sorting or clearing does, and those bump `_order_version`.
    """

    _order_version = 0
    _order_cache: tuple | None = None

    @property
    def ordered_rows(self):
        key = (self.row_count, self._order_version)
        if self._order_cache is None or self._order_cache[0] != key:
            self._order_cache = (key, DataTable.ordered_rows.fget(self))
        return self._order_cache[1]

    def _bump_order(self) -> None:
        self._order_version += 1

    def clear(self, columns: bool = False):
        self._bump_order()
        return super().clear(columns)

    def sort(self, *args, **kwargs):
        self._bump_order()
        return super().sort(*args, **kwargs)

    def remove_row(self, row_key):
        self._bump_order()
        return super().remove_row(row_key)

    def add_row(self, *cells, **kwargs):
        self._bump_order()
        return super().add_row(*cells, **kwargs)
