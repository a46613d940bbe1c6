"""A keyed table for desks that type into one row after another.

Built on Textual's public Line API (`ScrollView.render_line`, `Strip`,
`Segment`, component classes) rather than on DataTable: DataTable keeps
its row order in a cache keyed on an update counter that every
`update_cell` bumps, so each keystroke rebuilt the order of all rows, and
it measures every cell of a new row. Here

- rows live in a list of keys (display order) plus a dict key -> cells;
  a key's position is looked up in a dict rebuilt only when the order
  changes (add in the middle, remove, sort, replace);
- `update_cell` changes one list item and repaints one line: O(1);
- only lines on screen are rendered; a row's rendered cells are cached
  until the row changes, so moving the cursor re-renders nothing;
- a column with a fixed width is never measured; an auto-width column
  (``width=None``) grows to its widest value, so figures such as
  «171/200» are never cut.

Styling is TCSS on the component classes `entry-table--header`,
`entry-table--cursor`, `entry-table--even-row`, `entry-table--odd-row`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CELL_PADDING = 1  # one space either side of every cell, as in DataTable
_PAD = Segment(" " * CELL_PADDING)
# Rendered rows kept, the oldest dropped first: a few screens' worth. Each
# costs ~2.7 KB (a Strip, its segments and Textual's seven per-strip caches):
# paging once through a 2,000-row roster kept 5.4 MB per table at 4,096.
_STRIP_CACHE_LIMIT = 320


@dataclass
class Column:
    """A column: `width` fixed, or None to fit the widest of its label and
    values. An auto-width column counts its values by width, so a change
    of one value finds the new widest without looking at the other rows."""

    key: str
    label: str
    width: int | None = None
    content_width: int = 0
    _widths: Counter = field(default_factory=Counter, repr=False)  # value width -> number of values

    def count(self, value: Any, delta: int) -> None:
        width = _width_of(value)
        self._widths[width] += delta
        if not self._widths[width]:
            del self._widths[width]

    def fit(self) -> bool:
        """Set the width to the widest label or value; True if it changed."""
        widest = max(_width_of(self.label), max(self._widths, default=0))
        changed, self.content_width = widest != self.content_width, widest
        return changed

    @property
    def shown_width(self) -> int:
        return self.width if self.width is not None else self.content_width

    @property
    def render_width(self) -> int:
        """Width on screen, padding included."""
        return self.shown_width + 2 * CELL_PADDING


class _Rows(Mapping):
    """Read-only view of the rows: key -> cells, iterated in display order."""

    def __init__(self, table: EntryTable) -> None:
        self._table = table

    def __getitem__(self, key: Hashable) -> tuple:
        return tuple(self._table._cells[key])

    def __contains__(self, key: object) -> bool:
        return key in self._table._cells

    def __iter__(self) -> Iterator:
        return iter(list(self._table._keys))

    def __len__(self) -> int:
        return len(self._table._keys)


def _width_of(value: Any) -> int:
    if isinstance(value, Text):
        return value.cell_len
    return cell_len("" if value is None else str(value))


class EntryTable(ScrollView, can_focus=True):
    """A table of keyed rows with a row cursor (see the module docstring)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entry-table--header",
        "entry-table--cursor",
        "entry-table--even-row",
        "entry-table--odd-row",
    }

    DEFAULT_CSS = """
    EntryTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;

        &:focus {
            background-tint: $foreground 5%;
            & > .entry-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .entry-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark {
            & > .entry-table--even-row {
                background: $surface-darken-1 40%;
            }
        }
        & > .entry-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .entry-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .entry-table--odd-row {
        }
        & > .entry-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .entry-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Opp", show=False),
        Binding("down", "cursor_down", "Ned", show=False),
        Binding("pageup", "page_up", "Side opp", show=False),
        Binding("pagedown", "page_down", "Side ned", show=False),
        Binding("home,ctrl+home", "cursor_first", "Første rad", show=False),
        Binding("end,ctrl+end", "cursor_last", "Siste rad", show=False),
    ]

    class Highlighted(Message):
        """The cursor is on another row (or the rows under it were replaced)."""

        def __init__(self, table: EntryTable, key: Hashable | None) -> None:
            super().__init__()
            self.table, self.key = table, key

        @property
        def control(self) -> EntryTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            # queued one after another (a burst of keys, each moving the cursor),
            # only the last is handled: listeners want where the cursor is now
            return isinstance(message, EntryTable.Highlighted) and message.table is self.table

    def __init__(self, *, zebra_stripes: bool = False, name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.zebra_stripes = zebra_stripes
        self.columns: dict[str, Column] = {}
        self._column_list: list[Column] = []
        self._column_index: dict[str, int] = {}
        self._keys: list[Hashable] = []  # display order
        self._cells: dict[Hashable, list] = {}
        self._positions: dict[Hashable, int] | None = {}  # None: rebuild before use
        self._strips: dict[Hashable, Strip] = {}  # rendered cells (without row style) per row
        # per row: (its rendered strip, style, post style, scroll x, width) -> the line drawn; a few
        # screens' worth, so that redrawing an unchanged line does not restyle every segment
        self._lines: dict[Hashable, tuple] = {}
        self._header: Strip | None = None
        self._cursor = 0
        self._auto_key = 0

    # --- reading ------------------------------------------------------------------
    @property
    def rows(self) -> Mapping:
        """key -> cells (a tuple), iterated in display order."""
        return _Rows(self)

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def cursor_key(self) -> Hashable | None:
        """The key of the row under the cursor (None when there are no rows)."""
        return self._keys[self._cursor] if self._keys else None

    def get_row_index(self, key: Hashable) -> int:
        """Position of the row `key` in display order (KeyError if absent)."""
        if self._positions is None:
            self._positions = {k: i for i, k in enumerate(self._keys)}
        return self._positions[key]

    def row_key_at(self, index: int) -> Hashable:
        return self._keys[index]

    def get_row(self, key: Hashable) -> list:
        return list(self._cells[key])

    def get_row_at(self, index: int) -> list:
        return list(self._cells[self._keys[index]])

    def get_cell(self, key: Hashable, column_key: str) -> Any:
        return self._cells[key][self._column_index[column_key]]

    # --- columns ------------------------------------------------------------------
    def add_column(self, label: str, *, key: str | None = None, width: int | None = None) -> str:
        key = key if key is not None else label
        if key in self._column_index:
            raise ValueError(f"column {key!r} exists")
        column = Column(key, label, width)
        for cells in self._cells.values():  # existing rows get an empty cell
            cells.append("")
        if width is None:
            column._widths[0] = len(self._cells)
        column.fit()
        self._column_index[key] = len(self._column_list)
        self._column_list.append(column)
        self.columns[key] = column
        self._layout_changed()
        return key

    # --- rows -----------------------------------------------------------------------
    def add_row(self, *cells: Any, key: Hashable | None = None) -> Hashable:
        """Append a row; returns its key."""
        if key is None:
            self._auto_key += 1
            key = f"row-{self._auto_key}"
        if key in self._cells:
            raise ValueError(f"row {key!r} exists")
        self._cells[key] = self._checked(cells)
        if self._positions is not None:
            self._positions[key] = len(self._keys)
        self._keys.append(key)
        if self._count_widths(self._cells[key], +1):
            self._layout_changed()
        else:
            self._size_changed()
            self._refresh_index(len(self._keys) - 1)
        return key

    def fill(self, rows: Iterable[tuple[Hashable, Sequence[Any]]]) -> None:
        """Replace every row (key, cells) at once; the cursor goes to the top."""
        keys: list[Hashable] = []
        cells: dict[Hashable, list] = {}
        for key, row in rows:
            keys.append(key)
            cells[key] = self._checked(row)
        if len(cells) != len(keys):
            raise ValueError("duplicate row keys")
        self._keys, self._cells, self._positions = keys, cells, None
        for n, column in enumerate(self._column_list):
            if column.width is None:
                column._widths = Counter(_width_of(row[n]) for row in cells.values())
                column.fit()
        self._reset_view()

    def remove_row(self, key: Hashable) -> None:
        index = self.get_row_index(key)
        del self._keys[index]
        cells = self._cells.pop(key)
        self._strips.pop(key, None)
        self._positions = None
        if self._cursor >= len(self._keys):
            self._cursor = max(0, len(self._keys) - 1)
        if self._count_widths(cells, -1):
            self._layout_changed()
        else:
            self._size_changed()
            self.refresh()

    def clear(self, columns: bool = False) -> None:
        """Remove every row (and the columns too if asked)."""
        self._keys, self._cells, self._positions = [], {}, {}
        if columns:
            self.columns, self._column_list, self._column_index = {}, [], {}
        else:
            for column in self._column_list:
                column._widths.clear()
                column.fit()
        self._reset_view()

    def update_cell(self, key: Hashable, column_key: str, value: Any) -> None:
        """Change one cell and repaint its line: O(1), whatever the row count."""
        cells = self._cells[key]
        index = self._column_index[column_key]
        column = self._column_list[index]
        if column.width is None:
            column.count(cells[index], -1)
            column.count(value, +1)
        cells[index] = value
        self._strips.pop(key, None)
        if column.width is None and column.fit():
            self._layout_changed()
            return
        self._refresh_index(self.get_row_index(key))

    def update_row(self, key: Hashable, cells: Sequence[Any]) -> None:
        """Replace one row's cells and repaint its line: O(1)."""
        new = self._checked(cells)
        self._count_widths(self._cells[key], -1, fit=False)
        self._cells[key] = new
        self._strips.pop(key, None)
        if self._count_widths(new, +1):
            self._layout_changed()
            return
        self._refresh_index(self.get_row_index(key))

    def sort(self, *column_keys: str, key: Callable[[Any], Any] | None = None, reverse: bool = False) -> None:
        """Order the rows by the given columns' values (all cells if none),
        through `key` if given (it gets one value for one column, else a
        tuple). Stable; the cursor stays on the row it was on."""
        indexes = [self._column_index[c] for c in column_keys] or list(range(len(self._column_list)))

        def values(row_key: Hashable) -> Any:
            cells = self._cells[row_key]
            picked = tuple(cells[i] for i in indexes)
            value = picked[0] if len(picked) == 1 else picked
            return key(value) if key is not None else value

        current = self.cursor_key
        self._keys.sort(key=values, reverse=reverse)
        self._positions = None
        if current is not None:
            self._cursor = self.get_row_index(current)
        self.refresh()
        self._scroll_to_cursor()

    def _checked(self, cells: Sequence[Any]) -> list:
        if len(cells) != len(self._column_list):
            raise ValueError(f"{len(cells)} cells for {len(self._column_list)} columns")
        return list(cells)

    # --- cursor ---------------------------------------------------------------------
    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        """Put the cursor on row `row` (clamped to the rows there are)."""
        row = max(0, min(row, len(self._keys) - 1))
        old, self._cursor = self._cursor, row
        if old != row:
            self._refresh_index(old)
            self._refresh_index(row)
            self.post_message(self.Highlighted(self, self.cursor_key))
        if scroll:
            self._scroll_to_cursor()

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    # Called by advance() with the function that turns the page, where a
    # desk draws its keys' changes itself (KeyPacer.turn_page): what the key
    # changed is drawn before the whole table is repainted, not after it.
    around_page_turn: Callable[[Callable[[], None]], None] | None = None

    def advance(self) -> None:
        """Move to the next row after an entry. When that row is below the
        view, the rows scroll by a page at once (the last rows typed stay in
        view above the cursor), not one line per key: a burst of entries
        repaints the whole table once a page instead of on every key."""
        row = min(self._cursor + 1, len(self._keys) - 1)
        top, visible = self.scroll_offset.y, self._visible_rows()
        if not self.scrollable_content_region.height or not top <= self._cursor < top + visible:
            self.move_cursor(row=row)  # not laid out, or the cursor was out of view: the plain rule
            return
        self.move_cursor(row=row, scroll=False)
        if row >= top + visible:
            def turn() -> None:
                self.scroll_to(y=row - min(2, visible // 4), animate=False, force=True)

            if self.around_page_turn is not None:
                self.around_page_turn(turn)
            else:
                turn()

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor - self._visible_rows())

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor + self._visible_rows())

    def action_cursor_first(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_last(self) -> None:
        self.move_cursor(row=len(self._keys) - 1)

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the header line
            return
        index = offset.y - 1 + self.scroll_offset.y
        if index < len(self._keys):
            self.move_cursor(row=index)

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        if not self.scrollable_content_region.height:  # not laid out yet
            self.call_after_refresh(self._scroll_to_cursor)
            return
        top, visible = self.scroll_offset.y, self._visible_rows()
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, force=True)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False, force=True)

    # --- keeping the picture in step ---------------------------------------------
    def _count_widths(self, cells: list, delta: int, fit: bool = True) -> bool:
        """Count a row's values in (or out of) the auto-width columns; True
        if a column's width changed."""
        changed = False
        for column, value in zip(self._column_list, cells):
            if column.width is None:
                column.count(value, delta)
                if fit:
                    changed = column.fit() or changed
        return changed

    def _size_changed(self) -> None:
        width = sum(column.render_width for column in self._column_list)
        self.virtual_size = Size(width, len(self._keys) + 1)

    def _layout_changed(self) -> None:
        """Column widths changed: every rendered row is stale."""
        self._strips.clear()
        self._lines.clear()
        self._header = None
        self._size_changed()
        self.refresh()

    def _reset_view(self) -> None:
        self._strips.clear()
        self._lines.clear()
        self._header = None
        self._cursor = 0
        self.post_message(self.Highlighted(self, self.cursor_key))
        self._size_changed()
        self.refresh()
        self.scroll_to(0, 0, animate=False, force=True)

    def _refresh_index(self, index: int) -> None:
        """Repaint the line of row `index` if it is on screen."""
        top = self.scroll_offset.y
        if top <= index < top + self._visible_rows():
            self.refresh_line(index + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a cell's rich style can depend on the theme
        self._lines.clear()
        self._header = None
        self._base_style = None

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        # the widget's own rich style is worked out again after every refresh
        # (Textual clears its component styles then too), once per draw
        # rather than once per line: walking the ancestors' styles was half
        # the cost of drawing a 150-wide line
        self._base_style = None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    # --- drawing (Line API) -----------------------------------------------------------
    def _cell_segments(self, value: Any, width: int) -> list[Segment]:
        if isinstance(value, Text):
            text = value
            if "\n" in text.plain:
                text = Text(" ").join(text.split("\n", allow_blank=True))
            if text.cell_len > width:
                text = text.copy()
                text.truncate(width, overflow="ellipsis")
            console = self.app.console
            if text.spans:  # Rich applies the text's own style under its spans
                segments = list(text.render(console))
            else:  # ... but drops it when there are none: Text("AVVIK", style="bold red")
                style = console.get_style(text.style, default=Style.null()) if text.style else None
                segments = [Segment(text.plain, style or None)]
            if text.cell_len < width:
                segments.append(Segment(" " * (width - text.cell_len)))
            return segments
        plain = "" if value is None else str(value)
        if "\n" in plain:
            plain = plain.replace("\n", " ")
        length = cell_len(plain)
        if length > width:
            plain = set_cell_size(plain, width - 1) + "…" if width > 0 else ""
        elif length < width:
            plain += " " * (width - length)
        return [Segment(plain)]

    def _render_cells(self, cells: Iterable[Any]) -> Strip:
        segments: list[Segment] = []
        total = 0
        for column, value in zip(self._column_list, cells):
            width = column.shown_width
            segments.append(_PAD)
            segments.extend(self._cell_segments(value, width))
            segments.append(_PAD)
            total += width + 2 * CELL_PADDING
        return Strip(segments, total)

    def _row_strip(self, key: Hashable) -> Strip:
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= _STRIP_CACHE_LIMIT:
                del self._strips[next(iter(self._strips))]  # the oldest rendered
            strip = self._strips[key] = self._render_cells(self._cells[key])
        return strip

    def _styled(self, strip: Strip, style: Style, post_style: Style | None = None) -> Strip:
        width, scroll_x = self.size.width, self.scroll_offset.x
        segments = list(Segment.apply_style(strip, style, post_style))
        line = Strip(segments, strip.cell_length).extend_cell_length(scroll_x + width, style)
        return line.crop(scroll_x, scroll_x + width)

    _base_style: Style | None = None  # self.rich_style until the next refresh or style update

    def render_line(self, y: int) -> Strip:
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if y == 0:
            if self._header is None:
                self._header = self._render_cells(column.label for column in self._column_list)
            return self._styled(self._header, base + self.get_component_rich_style("entry-table--header"))
        index = y - 1 + self.scroll_offset.y
        if index >= len(self._keys):
            return Strip.blank(self.size.width, base)
        style = base
        if self.zebra_stripes:
            style = self.get_component_rich_style("entry-table--odd-row" if index % 2 else "entry-table--even-row")
        strip = self._row_strip(self._keys[index])
        if index == self._cursor:
            cursor = self.get_component_rich_style("entry-table--cursor")
            return self._line(index, strip, style + cursor, Style.from_color(color=cursor.color))
        return self._line(index, strip, style)

    def _line(self, index: int, strip: Strip, style: Style, post_style: Style | None = None) -> Strip:
        """Row `index` drawn in `style`: the last drawing of the row when
        nothing it depends on changed (the row's strip is re-rendered on
        any change of its cells or the columns)."""
        key = self._keys[index]
        width, scroll_x = self.size.width, self.scroll_offset.x
        cached = self._lines.get(key)
        if (cached is not None and cached[0] is strip and cached[3] == scroll_x and cached[4] == width
                and cached[1] == style and cached[2] == post_style):
            return cached[5]
        line = self._styled(strip, style, post_style)
        if len(self._lines) >= _STRIP_CACHE_LIMIT // 2:
            del self._lines[next(iter(self._lines))]  # the oldest drawn
        self._lines[key] = (strip, style, post_style, scroll_x, width, line)
        return line
