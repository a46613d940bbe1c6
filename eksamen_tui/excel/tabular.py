"""Tolerant reading of tabular files (.xlsx, .xlsm, .xls, .ods, .csv) typed
or exported by hand: headers matched case-, space-, colon- and
language-tolerantly against synonyms, columns in any order, blank and
decorative rows skipped, hidden rows skipped with a warning, every problem
located by file, sheet, row and column. Values are never guessed: a value
that does not fit its column is refused with the cell named."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from eksamen_tui.excel.problems import FileProblems, Problem
from eksamen_tui.excel.reader import Sheet, Workbook

__all__ = ["FileProblems", "Problem", "Table", "Workbook", "Sheet", "open_workbook", "read_grid", "find_table",
           "normalize_header", "header_keys", "match_header", "clean_text", "is_blank", "parse_date",
           "parse_int", "slash_date_order", "column_letter", "parse_flag", "hidden_rows_warning"]


@dataclass
class Table:
    """Rows of a sheet with the header row identified."""

    file: str
    sheet: str | None
    header_row: int  # 1-based row number in the file
    columns: dict[str, int]  # canonical field -> 0-based column index
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, cells)
    is_csv: bool = False
    headers: dict[str, str] = field(default_factory=dict)  # canonical field -> the header as written
    warnings: list[Problem] = field(default_factory=list)

    def cell(self, cells: list[Any], field_name: str) -> Any:
        index = self.columns.get(field_name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def getter(self, field_name: str) -> Callable[[list[Any]], Any]:
        """`cell` for one field, its column looked up once (for a loop over rows)."""
        index = self.columns.get(field_name)
        if index is None:
            return lambda cells: None
        return lambda cells: cells[index] if index < len(cells) else None

    def where(self, row: int, field_name: str) -> dict:
        index = self.columns[field_name]
        label = column_letter(index) if not self.is_csv else f"{column_letter(index)} ({self.headers.get(field_name, field_name)})"
        return {"file": self.file, "sheet": self.sheet, "row": row, "column": label}


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- headers ------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalize_header(text: Any) -> str:
    """Lower case, no spaces, dots, dashes, colons or underscores:
    "Kandidat-nr.:" -> "kandidatnr"."""
    return re.sub(r"[\s._\-:/()\[\]?*#]+", "", str(text or "").translate(_INVISIBLE)).casefold()


def header_keys(text: Any) -> list[str]:
    """The ways a header may be meant, most literal first: as written,
    without a bracketed remark ("Ekstern sensor (J/N)" -> "eksternsensor"),
    then each part of a bilingual header ("Emnekode / Course code")."""
    return list(_header_keys(str(text or "")))


@lru_cache(maxsize=4096)
def _header_keys(text: str) -> tuple[str, ...]:
    """Cached: every form and list repeats the same few headers and labels."""
    raw = text.translate(_INVISIBLE)
    keys = [normalize_header(raw)]
    without = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", raw)
    keys.append(normalize_header(without))
    for part in re.split(r"\s+/\s+|\||\n|\(|\)", raw):
        keys.append(normalize_header(part))
    seen: list[str] = []
    for key in keys:
        if key and key not in seen:
            seen.append(key)
    return tuple(seen)


def match_header(text: Any, lookup: dict[str, str]) -> str | None:
    for key in header_keys(text):
        if key in lookup:
            return lookup[key]
    return None


def synonym_lookup(synonyms: dict[str, Iterable[str]]) -> dict[str, str]:
    return {normalize_header(s): field_name for field_name, names in synonyms.items()
            for s in (field_name, *names)}


# --- values ---------------------------------------------------------------------

def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.translate(_INVISIBLE).strip())


def clean_text(value: Any) -> str:
    """Trimmed text with inner runs of whitespace (also no-break spaces) as one space."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text.isascii():  # cheap test first: most cells are plain ASCII
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
FIRST_PLAUSIBLE_SERIAL = 32874  # 1990-01-01 in the 1900 base: older is no exam date
LAST_PLAUSIBLE_SERIAL = 73051  # 2100-01-01


def slash_date_order(values: Iterable[Any]) -> tuple[str | None, str | None]:
    """How a column writes slash dates: ("dmy"|"mdy"|None, problem). Decided
    only from values that cannot be read the other way (13/02 or 02/13);
    a column of only ambiguous ones (03/04) has no order and is refused."""
    day_first = month_first = ambiguous = False
    for value in values:
        if not isinstance(value, str) or "/" not in value:
            continue
        match = SLASH_DATE.fullmatch(clean_text(value))
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            day_first = True
        elif second > 12 >= first:
            month_first = True
        elif first != second:
            ambiguous = True
    if day_first and month_first:
        return None, "kolonnen blander datoer skrevet dag/måned og måned/dag; skriv DD.MM.ÅÅÅÅ"
    if day_first:
        return "dmy", None
    if month_first:
        return "mdy", None
    if ambiguous:
        return None, "kan ikke avgjøre om skråstrek-datoene er dag/måned eller måned/dag; skriv DD.MM.ÅÅÅÅ"
    return "dmy", None  # only dates like 05/05: both readings agree


def parse_date(value: Any, *, date_1904: bool = False, slash_order: str | None = "unknown",
               slash_problem: str | None = None) -> date | None:
    """A date cell, Norwegian text (12.12.2026, 12.12.26), ISO text
    (2026-12-12), an Excel serial number (the workbook's 1900/1904 base) or
    slash text when the column's order is known. Raises ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (time, timedelta)):
        raise ValueError("cellen har et klokkeslett, ikke en dato")
    if isinstance(value, bool):
        raise ValueError(f"«{value}» er ikke en dato")
    if isinstance(value, (int, float)):
        return _serial_date(value, date_1904)
    text = clean_text(value)
    if not text:
        return None
    return _parse_date_str(text, date_1904, slash_order, slash_problem)


@lru_cache(maxsize=4096)
def _parse_date_str(text: str, date_1904: bool, slash_order: str | None, slash_problem: str | None) -> date:
    """parse_date for cleaned, non-empty text. Cached: a list repeats the same
    few dates thousands of times (a refusal is not cached: raised each time)."""
    slash = SLASH_DATE.fullmatch(text)
    if slash:
        first, second, year = (int(part) for part in slash.groups())
        if slash_order == "unknown":
            slash_order, problem = slash_date_order([text])
            if problem:
                raise ValueError(f"«{text}»: {problem}")
        if slash_order is None:
            reason = slash_problem or "kan ikke avgjøre om datoen er dag/måned eller måned/dag; skriv DD.MM.ÅÅÅÅ"
            raise ValueError(f"«{text}»: {reason}")
        day, month = (first, second) if slash_order == "dmy" else (second, first)
        try:
            return date(year + 2000 if year < 100 else year, month, day)
        except ValueError:
            raise ValueError(f"«{text}» er ikke en dato") from None
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # a serial number stored as text
        return _serial_date(float(text), date_1904)
    return _parse_date_text(text)


def _serial_date(number: float, date_1904: bool) -> date:
    serial = number + (1462 if date_1904 else 0)  # as a 1900-base serial, to check plausibility
    if not FIRST_PLAUSIBLE_SERIAL <= serial < LAST_PLAUSIBLE_SERIAL:
        shown = int(number) if float(number).is_integer() else number
        raise ValueError(f"«{shown}» er ikke en dato (et tall her må være et Excel-dato-serienummer mellom "
                         "1990 og 2100; skriv heller DD.MM.ÅÅÅÅ)")
    base = date(1904, 1, 1) if date_1904 else date(1899, 12, 30)
    return base + timedelta(days=int(number))


@lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> date:
    """Cached: a list repeats the same few dates thousands of times."""
    norwegian = re.fullmatch(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{2}|\d{4})", text)
    try:
        if norwegian:
            day, month, year = (int(part) for part in norwegian.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?", text):
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
    if not re.fullmatch(r"[0-9]{1,12}", text):
        raise ValueError(f"«{clean_text(value)}» er ikke et heltall")
    return int(text)


TRUE_WORDS = {"j", "ja", "x", "✓", "✔", "☑", "yes", "y", "true", "sann", "1", "sant"}
FALSE_WORDS = {"n", "nei", "no", "false", "usann", "0", "-", "–", "✗", "usant"}


def parse_flag(value: Any, *, blank: bool | None = None) -> bool | None:
    """Ja/Nei, J/N, x, ✓, yes/no, a TRUE/FALSE cell, 1/0; blank gives `blank`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = clean_text(value).casefold()
    if not text:
        return blank
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"«{clean_text(value)}» er ikke ja/nei (bruk Ja/Nei, J/N eller x)")


# --- reading files ---------------------------------------------------------

def open_workbook(path: Path) -> Workbook:
    """Open a spreadsheet or csv; raises FileProblems with a Norwegian
    message for missing, empty, oversized, broken or foreign files."""
    return Workbook(Path(path))


def read_grid(path: Path) -> tuple[str | None, list[list[Any]], bool]:
    """The first visible sheet (or the csv) as rows. Returns (sheet, rows, is_csv)."""
    book = open_workbook(path)
    sheet = book.sheet()
    return sheet.name, sheet.rows, book.is_csv


def hidden_rows_warning(file: str, sheet: str | None, rows: Iterable[int]) -> Problem:
    numbers = sorted(rows)
    shown = ", ".join(str(n) for n in numbers[:15]) + (f" og {len(numbers) - 15} til" if len(numbers) > 15 else "")
    word = "rad" if len(numbers) == 1 else "rader"
    return Problem(file, f"skjult {word} {shown} er hoppet over (vis radene hvis de skal med)",
                   sheet=sheet, severity="warning")


def find_table(
    file: str,
    sheet: str | None,
    grid: list[list[Any]],
    synonyms: dict[str, Iterable[str]],
    required: Iterable[str],
    *,
    is_csv: bool = False,
    search_rows: int = 20,
    hidden_rows: set[int] | frozenset[int] = frozenset(),
    labels: dict[str, str] | None = None,
) -> Table:
    """Locate the header row (the first row matching most fields) and map
    columns to fields; the rest are data rows (blank rows skipped, hidden
    rows skipped with one warning naming them)."""
    lookup = synonym_lookup(synonyms)
    required = list(required)
    best: tuple[int, int, dict[str, int]] | None = None
    for row_index, row in enumerate(grid[:search_rows]):
        if row_index + 1 in hidden_rows:
            continue
        columns: dict[str, int] = {}
        for col_index, cell in enumerate(row):
            if cell is None:
                continue
            field_name = match_header(cell, lookup)
            if field_name and field_name not in columns:
                columns[field_name] = col_index
        score = sum(1 for f in required if f in columns) * 100 + len(columns)
        if columns and (best is None or score > best[1]):
            best = (row_index, score, columns)
    if best is None:
        raise FileProblems([Problem(file, "fant ingen overskriftsrad med kjente kolonner "
                                          f"(leter etter {', '.join((labels or {}).get(f, f) for f in required)} "
                                          f"i de {search_rows} første radene)",
                                    sheet=sheet)])
    header_index, _, columns = best
    missing = [f for f in required if f not in columns]
    if missing:
        raise FileProblems([
            Problem(file, f"mangler kolonnen «{(labels or {}).get(f, f)}»", sheet=sheet, row=header_index + 1)
            for f in missing
        ])
    table = Table(file=file, sheet=sheet, header_row=header_index + 1, columns=columns, is_csv=is_csv,
                  headers={f: clean_text(grid[header_index][i]) for f, i in columns.items()})
    skipped: list[int] = []
    for row_index in range(header_index + 1, len(grid)):
        cells = grid[row_index]
        if all(is_blank(c) for c in cells):
            continue
        if row_index + 1 in hidden_rows:
            skipped.append(row_index + 1)
            continue
        table.rows.append((row_index + 1, cells))
    if skipped:
        table.warnings.append(hidden_rows_warning(file, sheet, skipped))
    return table
