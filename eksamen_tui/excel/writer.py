"""Writing workbooks safely: text that looks like a formula stays text."""
from __future__ import annotations

from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@")


def new_workbook(title: str):
    """A fresh workbook and its first sheet, named `title`."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    return workbook, sheet


def append_row(sheet, values: Iterable[Any]) -> int:
    """Append a row; every text cell starting with =, +, - or @ is stored as
    text, never as a formula. Returns the row number."""
    values = list(values)
    sheet.append(values)
    row = sheet._current_row  # the row `append` just wrote (blank rows count too)
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            sheet.cell(row=row, column=column).data_type = "s"
    return row


def new_write_only_workbook():
    """A streaming workbook for long exports (rows are written once, in order)."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def write_only_row(sheet, values: Iterable[Any], font=None) -> None:
    """`append_row` for write-only sheets: formula-looking text stays text."""
    from openpyxl.cell import WriteOnlyCell

    values = list(values)
    if font is None and not any(isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in values):
        sheet.append(values)  # the common case: plain values are written fastest
        return
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        cells.append(cell)
    sheet.append(cells)
