"""Writing workbooks safely and printably: text that looks like a formula
stays text, dates are shown the Norwegian way, and every sheet meant for
paper is set up for A4."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
PAPER_A4 = "9"
A4_POINTS = (595.0, 842.0)  # width, height
MARGIN_SIDES, MARGIN_TOP_BOTTOM, MARGIN_HEADER = 0.5, 0.5, 0.2  # inches  # OOXML paperSize code for A4 (1 is US Letter, the spreadsheet programs' usual default)


def new_workbook(title: str):
    """A fresh workbook and its first sheet, named `title`."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    return workbook, sheet


def _date_format(value: Any) -> str | None:
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return None


def append_row(sheet, values: Iterable[Any], font=None) -> int:
    """Append a row; every text cell starting with =, +, - or @ is stored as
    text, never as a formula, and dates get dd.mm.yyyy. Returns the row number."""
    values = list(values)
    sheet.append(values)
    row = sheet._current_row  # the row `append` just wrote (blank rows count too)
    for column, value in enumerate(values, start=1):
        if value is None:
            continue
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        elif (number_format := _date_format(value)) is not None:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
    return row


def new_write_only_workbook(font_size: float | None = None):
    """A streaming workbook for long exports (rows are written once, in order).
    `font_size` sets the workbook's default font (and so its row height)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    if font_size is not None:
        set_default_font_size(workbook, font_size)
    return workbook


def set_default_font_size(workbook, size: float) -> None:
    """The size of the workbook's default font, used by every cell without a
    font of its own; spreadsheet programs size default rows from it. openpyxl
    has no public setter: the default is font 0 and the "Normal" style's font."""
    from copy import copy

    from openpyxl.styles.fonts import DEFAULT_FONT
    from openpyxl.utils.indexed_list import IndexedList

    font = copy(DEFAULT_FONT)
    font.sz = size
    workbook._fonts = IndexedList([font])
    workbook._named_styles["Normal"].font = copy(font)


def write_only_row(sheet, values: Iterable[Any], font=None) -> None:
    """`append_row` for write-only sheets: formula-looking text stays text,
    dates get dd.mm.yyyy."""
    from openpyxl.cell import WriteOnlyCell

    _use_fast_rows(sheet)
    values = list(values)
    if font is None and not any((isinstance(v, str) and v.startswith(FORMULA_STARTS)) or isinstance(v, date)
                                for v in values):
        sheet.append(values)  # the common case: plain values are written fastest
        return
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        elif (number_format := _date_format(value)) is not None:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        cells.append(cell)
    sheet.append(cells)


def _header_text(text: str) -> str:
    # '&' starts a code in page headers (&P = page number); a literal one is '&&'
    return text.replace("&", "&&")[:240]


def setup_print(sheet, *, title: str, title_rows: tuple[int, int] | None = None, landscape: bool = False,
                widths: Iterable[float] = (), row_height: float | None = None) -> None:
    """Make a sheet print as an office expects: A4, all columns on one page
    width (as many pages down as needed), `title_rows` (first, last) repeated
    on every page, `title` (course, exam date, form) in the page header and
    "Side x av y" in the footer. Works for normal and write-only sheets; call
    it before the first row of a write-only sheet."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    setup = sheet.page_setup
    setup.paperSize = PAPER_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # 0 = as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = MARGIN_SIDES
    margins.top = margins.bottom = MARGIN_TOP_BOTTOM
    margins.header = margins.footer = MARGIN_HEADER
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if row_height is not None:
        # a fixed default height: the page count then does not depend on which
        # font the printing machine substitutes for Calibri
        sheet.sheet_format.defaultRowHeight = row_height
        sheet.sheet_format.customHeight = True
    sheet.oddHeader.center.text = _header_text(title)
    sheet.oddHeader.center.size = 10
    sheet.oddFooter.center.text = "Side &P av &N"
    sheet.oddFooter.center.size = 9


def printable_height(landscape: bool = False) -> float:
    """Points of rows that fit on one A4 page with `setup_print`'s margins."""
    return (A4_POINTS[0] if landscape else A4_POINTS[1]) - 2 * MARGIN_TOP_BOTTOM * 72


def page_of_rows(heights: list[float], usable: float, repeated: tuple[int, int] | None = None) -> list[int]:
    """The page (0-based) each row lands on when rows have fixed heights
    (points, row 1 first) and rows `repeated` (first, last; 1-based) are
    printed again at the top of every later page."""
    repeat_height = sum(heights[repeated[0] - 1:repeated[1]]) if repeated else 0.0
    pages, page, used = [], 0, 0.0
    for height in heights:
        if used + height > usable and used > (repeat_height if page else 0):
            page, used = page + 1, repeat_height
        used += height
        pages.append(page)
    return pages


def keep_rows_together(sheet, heights: list[float], first: int, last: int, *, landscape: bool = False,
                       repeated: tuple[int, int] | None = None, slack: float = 14.0) -> bool:
    """Put a page break before rows `first`..`last` (1-based) when they would
    otherwise be split over two pages (or end within `slack` points of the
    page's foot: programs round row heights differently). Returns whether a
    break was added. For write-only sheets call it before writing row `first`."""
    from openpyxl.worksheet.pagebreak import Break

    pages = page_of_rows(heights, printable_height(landscape) - slack, repeated)
    if pages[first - 1] == pages[last - 1] or first <= 1:
        return False
    sheet.row_breaks.append(Break(id=first - 1))  # the break goes after row first-1
    return True


# --- faster serialisation of cell rows ------------------------------------------
# openpyxl (without lxml) serialises every cell through ElementTree-like
# element objects: ~0.1 ms per cell, most of a 10,000-row export. The common
# cells -- text and finite numbers, styled or not, no comment or hyperlink --
# are written here as the very same bytes (tests/test_exports.py compares the
# sheet XML with openpyxl's own); every other cell goes through openpyxl.

def _escape_text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _fast_row_writer():
    from math import isfinite

    from openpyxl import LXML
    from openpyxl.cell._writer import write_cell
    from openpyxl.comments.comment_sheet import CommentRecord
    from openpyxl.worksheet._writer import WorksheetWriter

    class FastRowWriter(WorksheetWriter):
        def write_row(self, xf, row, row_idx):
            write = getattr(xf, "_file", None)
            if LXML or write is None or row_idx in self.ws.row_dimensions:
                return super().write_row(xf, row, row_idx)
            worksheet = self.ws
            parts = [f'<row r="{row_idx}">']
            for cell in row:  # once: a write-only row is a generator of one reused cell
                if cell._comment is not None or cell.hyperlink is not None:
                    if cell._comment is not None:
                        worksheet._comments.append(CommentRecord.from_cell(cell))
                    if cell._value is None and not cell.has_style and not cell._comment:
                        continue
                    write("".join(parts))
                    parts.clear()
                    write_cell(xf, worksheet, cell, cell.has_style)
                    continue
                value = cell._value
                styled = cell.has_style
                if value is None and not styled:
                    continue
                kind = cell.data_type
                if value is None and kind == "n":  # styled and empty (a form's bordered blanks)
                    parts.append(f'<c r="{cell.coordinate}" s="{cell.style_id}" t="n" />')
                elif kind == "s" and type(value) is str:
                    style = f' s="{cell.style_id}"' if styled else ""
                    if not value:
                        parts.append(f'<c r="{cell.coordinate}"{style} t="inlineStr" />')
                        continue
                    stripped = value.strip()
                    space = ' xml:space="preserve"' if stripped and stripped != value else ""
                    parts.append(f'<c r="{cell.coordinate}"{style} t="inlineStr"><is><t{space}>'
                                 f'{_escape_text(value)}</t></is></c>')
                elif kind == "n" and type(value) in (int, float) and isfinite(value):
                    style = f' s="{cell.style_id}"' if styled else ""
                    parts.append(f'<c r="{cell.coordinate}"{style} t="n"><v>{"%.16g" % value}</v></c>')
                else:  # anything else as openpyxl writes it
                    write("".join(parts))
                    parts.clear()
                    write_cell(xf, worksheet, cell, styled)
            parts.append("</row>")
            write("".join(parts))

    return FastRowWriter


_FAST_ROW_WRITER = None


def _row_writer_class():
    global _FAST_ROW_WRITER
    if _FAST_ROW_WRITER is None:
        _FAST_ROW_WRITER = _fast_row_writer()
    return _FAST_ROW_WRITER


def _use_fast_rows(sheet) -> None:
    """Give a write-only sheet the fast row writer (before its first row)."""
    if sheet._writer is None:
        sheet._writer = _row_writer_class()(sheet)
        sheet._writer.write_top()


def save_workbook(workbook, filename) -> None:
    """`workbook.save(filename)` with the cell rows written by FastRowWriter
    and each sheet's XML made in memory instead of in a temporary file: every
    part of the file holds the same bytes as after openpyxl's own save."""
    import datetime
    from io import BytesIO
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.writer.excel import ExcelWriter

    if workbook.read_only or (workbook.write_only and not workbook.worksheets):
        workbook.save(filename)  # openpyxl's refusals and its empty write-only sheet
        return
    row_writer = _row_writer_class()

    class Writer(ExcelWriter):
        def write_worksheet(self, ws):  # ExcelWriter.write_worksheet with FastRowWriter
            if self.workbook.write_only:
                return super().write_worksheet(ws)
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = row_writer(ws, BytesIO())  # in memory, not a temporary file per sheet
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], writer.read())
            self.manifest.append(ws)

    archive = ZipFile(filename, "w", ZIP_DEFLATED, allowZip64=True)
    workbook.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
    Writer(workbook, archive).save()
