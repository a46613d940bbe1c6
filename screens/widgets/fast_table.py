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
        self._pending = []
        return super().clear(columns)

    def sort(self, *args, **kwargs):
        self._bump_order()
        return super().sort(*args, **kwargs)

    def remove_row(self, row_key):
        self._bump_order()
        return super().remove_row(row_key)

    def add_row(self, *cells, **kwargs):
        # appending keeps the cached order valid: extend it instead of dropping it
        cache = self._order_cache
        row_key = super().add_row(*cells, **kwargs)
        if cache is not None and cache[0] == (self.row_count - 1, self._order_version):
            cache[1].append(self.rows[row_key])
            self._order_cache = ((self.row_count, self._order_version), cache[1])
        return row_key

    # --- filling a long list without blocking the first frame --------------------
    FIRST_PAGE = 60
    CHUNK = 100

    def fill(self, rows: list[tuple[str, tuple]]) -> None:
        """Replace the rows: the first page at once (the desk is usable at
        once), the rest in chunks after each refresh. `ensure_row(key)`
        finishes the filling when a key beyond what is shown is asked for."""
        self.clear()
        self._pending = list(rows)
        self._add_pending(self.FIRST_PAGE)

    def _add_pending(self, count: int) -> None:
        pending = getattr(self, "_pending", [])
        batch, self._pending = pending[:count], pending[count:]
        for key, cells in batch:
            self.add_row(*cells, key=key)
        if self._pending:
            self.call_after_refresh(self._add_pending, self.CHUNK)

    def ensure_row(self, key: str) -> None:
        """Make sure the row for `key` is in the table (add the rest now)."""
        if getattr(self, "_pending", None) and key not in self.rows:
            self._add_pending(len(self._pending))

    @property
    def fully_loaded(self) -> bool:
        return not getattr(self, "_pending", None)
