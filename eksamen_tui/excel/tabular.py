"""Tolerant reading of tabular files (.xlsx, .csv) typed or exported by hand:
headers matched case- and space-insensitively against synonyms, columns in
any order, blank and decorative rows skipped, every problem located by
file, sheet, row and column."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable


@dataclass(frozen=True)
class Problem:
    """One problem in a file, located as precisely as we can."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # a letter for xlsx ("C"), the header for csv
    severity: str = "error"  # error | warning
    cell: str | None = None  # a cell reference ("D12") when that is the clearest place

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"ark «{self.sheet}»")
        if self.cell:
            where.append(f"celle {self.cell}")
        elif self.row is not None and self.column:
            where.append(f"rad {self.row}, kolonne {self.column}")
        elif self.row is not None:
            where.append(f"rad {self.row}")
        elif self.column:
            where.append(f"kolonne {self.column}")
        return f"{', '.join(where)}: {self.message}"


class FileProblems(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Table:
    """Rows of a sheet with the header row identified."""

    file: str
    sheet: str | None
    header_row: int  # 1-based row number in the file
    columns: dict[str, int]  # canonical field -> 0-based column index
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, cells)
    is_csv: bool = False

    def column_name(self, index: int) -> str:
        return column_letter(index) if not self.is_csv else f"{index + 1}"

    def cell(self, cells: list[Any], field_name: str) -> Any:
        index = self.columns.get(field_name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def where(self, row: int, field_name: str) -> dict:
        index = self.columns[field_name]
        label = column_letter(index) if not self.is_csv else f"{column_letter(index)} ({field_name})"
        return {"file": self.file, "sheet": self.sheet, "row": row, "column": label}


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def normalize_header(text: Any) -> str:
    """Lower case, no spaces, dots, dashes or underscores: "Kandidat-nr." -> "kandidatnr"."""
    return re.sub(r"[\s._\-:/()]+", "", str(text or "")).casefold()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_date(value: Any) -> date | None:
    """Excel dates, ISO text (2026-12-12) and Norwegian text (12.12.2026, 12.12.26)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    return _parse_date_text(text) if text else None


@lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> date:
    """Cached: a list repeats the same few dates thousands of times."""
    norwegian = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})", text)
    try:
        if norwegian:
            day, month, year = (int(part) for part in norwegian.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}( .*)?", text):
            return date.fromisoformat(text[:10])
    except ValueError:
        pass
    raise ValueError(f"«{text}» er ikke en dato (bruk DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD)")


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"«{value}» er ikke et heltall")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = clean_text(value).replace(" ", "")
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"«{clean_text(value)}» er ikke et heltall")
    return int(text)


# --- reading files ---------------------------------------------------------

def read_grid(path: Path) -> tuple[str | None, list[list[Any]], bool]:
    """The first sheet (or the csv) as a list of rows. Returns (sheet, rows, is_csv).
    Raises FileProblems for files that are not what their name says."""
    name = path.name
    if not path.exists():
        raise FileProblems([Problem(name, "filen finnes ikke")])
    if path.stat().st_size == 0:
        raise FileProblems([Problem(name, "filen er tom")])
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        return None, _read_csv(path), True
    if suffix in (".xlsx", ".xlsm"):
        if not zipfile.is_zipfile(path):
            raise FileProblems([Problem(name, "filen er ikke en Excel-arbeidsbok (.xlsx), selv om navnet sier det")])
        from eksamen_tui.excel.fast_xlsx import read_first_sheet

        try:
            sheet, rows = read_first_sheet(path)
        except Exception as error:  # a zip that is no workbook, broken XML ...
            raise FileProblems([Problem(name, f"kan ikke lese arbeidsboken ({type(error).__name__})")]) from None
        return sheet, rows, False
    raise FileProblems([Problem(name, f"ukjent filtype «{path.suffix}» (bruk .xlsx eller .csv)")])


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def find_table(
    file: str,
    sheet: str | None,
    grid: list[list[Any]],
    synonyms: dict[str, Iterable[str]],
    required: Iterable[str],
    *,
    is_csv: bool = False,
    search_rows: int = 20,
) -> Table:
    """Locate the header row (the first row matching most fields) and map
    columns to fields; the rest are data rows (blank rows skipped)."""
    lookup = {normalize_header(s): field for field, names in synonyms.items() for s in (field, *names)}
    required = list(required)
    best: tuple[int, int, dict[str, int]] | None = None
    for row_index, row in enumerate(grid[:search_rows]):
        columns: dict[str, int] = {}
        for col_index, cell in enumerate(row):
            field = lookup.get(normalize_header(cell))
            if field and field not in columns:
                columns[field] = col_index
        score = sum(1 for f in required if f in columns)
        if best is None or score > best[1]:
            best = (row_index, score, columns)
    if best is None or best[1] == 0:
        raise FileProblems([Problem(file, "fant ingen overskriftsrad med kjente kolonner", sheet=sheet)])
    header_index, _, columns = best
    missing = [f for f in required if f not in columns]
    if missing:
        raise FileProblems([
            Problem(file, f"mangler kolonnen «{f}»", sheet=sheet, row=header_index + 1) for f in missing
        ])
    table = Table(file=file, sheet=sheet, header_row=header_index + 1, columns=columns, is_csv=is_csv)
    for row_index in range(header_index + 1, len(grid)):
        cells = list(grid[row_index])
        if all(is_blank(c) for c in cells):
            continue
        table.rows.append((row_index + 1, cells))
    return table
