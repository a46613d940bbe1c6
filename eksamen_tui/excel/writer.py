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
