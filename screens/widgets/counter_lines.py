"""Counter panels: a few lines of text of which a key changes one or two.

A `Static` renders its whole content again on every update (about a
millisecond for a six-line panel on the 2-core machine, several times a
key's own work when the panel is drawn between the keys of a burst).
`CounterLines` keeps one rendered strip per line (Textual's public Line
API) and repaints only the lines whose text changed. Lines never wrap: a
line wider than the widget is cut (the desks size their panels so that
none is).
"""
from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget


class CounterLines(Widget):
    """Lines of text (`set_lines`); only the lines that changed are drawn again."""

    DEFAULT_CSS = """
    CounterLines {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[Text] = []
        self._strips: dict[int, Strip] = {}
        self._width = 0
        self._drawn_width = 0

    @property
    def lines(self) -> list[Text]:
        return list(self._lines)

    @property
    def plain(self) -> str:
        return "\n".join(line.plain for line in self._lines)

    def set_lines(self, lines: Iterable[Text | str]) -> None:
        new = [line if isinstance(line, Text) else Text(line) for line in lines]
        old, self._lines = self._lines, new
        widths = max((line.cell_len for line in new), default=0)
        if len(old) != len(new) or widths != self._width:
            self._width = widths
            self._strips.clear()
            self.refresh(layout=True)  # a size that depends on the content changed
            return
        width = max(self.size.width, 1)
        changed = [y for y, (before, after) in enumerate(zip(old, new)) if before != after]
        for y in changed:
            self._strips.pop(y, None)
        if changed:  # one refresh for all of them (each call works out the widget's geometry)
            self.refresh(*(Region(0, y, width, 1) for y in changed))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._width

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._drawn_width:  # another width: every line again
            self._strips.clear()
            self._drawn_width = width
        strip = self._strips.get(y)
        if strip is None:
            base = self.visual_style.rich_style
            if y >= len(self._lines):
                return Strip.blank(width, base)
            text, console = self._lines[y], self.app.console
            # Text.render leaves out the text's own style (its spans are in): it goes under the spans
            style = base + console.get_style(text.style) if text.style else base
            segments = Segment.apply_style(text.render(console, end=""), style)
            strip = self._strips[y] = Strip(list(segments)).crop(0, width)  # not padded, as a Static's lines
        return strip
