"""One reader for every spreadsheet (.xlsx, .xlsm, .xls, .ods) through
python-calamine, and a bounded one for .csv.

Bounded: a file is measured before anything is allocated for it — its size,
the uncompressed sizes in the zip directory, the row and column numbers the
sheet declares — and refused with the limit named, so a 1 KB file that
claims row 50,000,000 cannot make calamine build a 50-million-row grid.

Calamine cannot tell which rows are hidden or which number format a cell
has; the row scan that checks the bounds of an .xlsx/.ods also collects the
hidden rows, and number formats come from openpyxl (read-only) on demand.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from eksamen_tui.excel.problems import FileProblems, Problem

MAX_FILE_BYTES = 50 * 1024 * 1024  # the file on disk
MAX_XML_BYTES = 150 * 1024 * 1024  # one uncompressed sheet (or content.xml)
MAX_SHARED_STRINGS_BYTES = 25 * 1024 * 1024  # uncompressed sharedStrings.xml
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELLS = 1_500_000  # rows × columns of the rectangle a sheet spans

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TABULAR_SUFFIXES = SPREADSHEET_SUFFIXES + (".csv",)
EPOCH_1900 = (1899, 12, 30)
EPOCH_1904 = (1904, 1, 1)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


@dataclass
class Sheet:
    """One sheet: rows[i][j] is the cell in row i+1, column j (0-based);
    empty cells are None, text is as typed (trimmed later by the importers)."""

    name: str
    rows: list[list[Any]]
    visible: bool = True
    hidden_rows: set[int] = field(default_factory=set)  # 1-based row numbers


class Workbook:
    """The sheets of one file, loaded (and bound-checked) one at a time."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.file = self.path.name
        self.suffix = self.path.suffix.casefold()
        self.is_csv = self.suffix == ".csv"
        self.date_1904 = False
        self._sheets: dict[str, Sheet] = {}
        self._metadata: list[tuple[str, bool]] = []
        self._book = None
        self._xml_paths: dict[str, str] = {}
        _check_file(self.path)
        if self.is_csv:
            self._metadata = [(None, True)]  # type: ignore[list-item]
        else:
            self._open_spreadsheet()

    # --- opening ------------------------------------------------------------
    def _problem(self, message: str, sheet: str | None = None) -> FileProblems:
        return FileProblems([Problem(self.file, message, sheet=sheet)])

    def _open_spreadsheet(self) -> None:
        import python_calamine

        kind = {".xlsx": "Excel-arbeidsbok (.xlsx)", ".xlsm": "Excel-arbeidsbok (.xlsm)",
                ".xls": "Excel 97–2003-arbeidsbok (.xls)", ".ods": "OpenDocument-regneark (.ods)"}[self.suffix]
        is_zip = zipfile.is_zipfile(self.path)
        if self.suffix in (".xlsx", ".xlsm", ".ods") and not is_zip:
            with open(self.path, "rb") as handle:
                head = handle.read(8)
            if head.startswith(b"\xd0\xcf\x11\xe0"):
                message = (f"filen er en gammel Excel-fil (.xls) eller kryptert arbeidsbok, ikke en {kind}; "
                           "gi den endelsen .xls, eller lagre den på nytt som .xlsx")
            else:
                message = f"filen er ikke en {kind}, selv om navnet slutter på {self.path.suffix}; den er skadet eller av en annen type"
            raise self._problem(message)
        if is_zip:
            self._check_zip()
        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(self.path))
            self._metadata = [(m.name, str(m.visible).endswith("Visible") and "Hidden" not in str(m.visible))
                              for m in self._book.sheets_metadata
                              if str(m.typ).endswith("WorkSheet")]
        except python_calamine.PasswordError:
            raise self._problem("arbeidsboken er passordbeskyttet; lagre den uten passord og prøv igjen") from None
        except Exception as error:  # noqa: BLE001 — calamine raises many kinds for broken files
            raise self._problem(f"kan ikke lese filen som {kind}: den er skadet eller av en annen type "
                                f"({_short(error)})") from None
        if not self._metadata:
            raise self._problem("arbeidsboken har ingen regneark")

    def _check_zip(self) -> None:
        """Sizes from the zip directory: refuse before inflating anything."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                infos = {info.filename: info for info in archive.infolist()}
                total = sum(info.file_size for info in infos.values())
                strings = infos.get("xl/sharedStrings.xml")
                if strings is not None and strings.file_size > MAX_SHARED_STRINGS_BYTES:
                    raise self._problem(f"tabellen over delte tekster (sharedStrings.xml) er {_mb(strings.file_size)} "
                                        f"utpakket; grensen er {_mb(MAX_SHARED_STRINGS_BYTES)}")
                for name, info in infos.items():
                    is_sheet = name.startswith("xl/worksheets/") or name == "content.xml"
                    if is_sheet and info.file_size > MAX_XML_BYTES:
                        raise self._problem(f"et ark i filen er {_mb(info.file_size)} utpakket; "
                                            f"grensen er {_mb(MAX_XML_BYTES)}")
                if total > 2 * MAX_XML_BYTES:
                    raise self._problem(f"filen er {_mb(total)} utpakket; grensen er {_mb(2 * MAX_XML_BYTES)}")
                if self.suffix in (".xlsx", ".xlsm"):
                    self._read_workbook_xml(archive, infos)
        except zipfile.BadZipFile:
            raise self._problem("filen er skadet (ødelagt zip-arkiv)") from None

    def _read_workbook_xml(self, archive: zipfile.ZipFile, infos: dict) -> None:
        """Sheet name -> its XML part, and the 1904 date base."""
        import html

        def small(name: str) -> str:
            info = infos.get(name)
            if info is None or info.file_size > 5 * 1024 * 1024:
                return ""
            return archive.read(name).decode("utf-8", "replace")

        workbook = small("xl/workbook.xml")
        self.date_1904 = bool(re.search(r"date1904=\"(1|true)\"", workbook))
        rels = {m.group(1): m.group(2) for m in re.finditer(
            r"<Relationship\b[^>]*?Id=\"([^\"]+)\"[^>]*?Target=\"([^\"]+)\"", small("xl/_rels/workbook.xml.rels"))}
        rels.update({m.group(2): m.group(1) for m in re.finditer(
            r"<Relationship\b[^>]*?Target=\"([^\"]+)\"[^>]*?Id=\"([^\"]+)\"", small("xl/_rels/workbook.xml.rels"))})
        for tag in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
            attrs = tag.group(1)
            name = re.search(r"\bname=\"([^\"]*)\"", attrs)
            rel = re.search(r"\br:id=\"([^\"]*)\"|\bid=\"([^\"]*)\"", attrs)
            if not name or not rel:
                continue
            target = rels.get(rel.group(1) or rel.group(2), "")
            target = target.lstrip("/")
            self._xml_paths[html.unescape(name.group(1))] = target if target.startswith("xl/") else f"xl/{target}"

    # --- sheets -------------------------------------------------------------
    @property
    def sheet_names(self) -> list[str]:
        return [name for name, _ in self._metadata]

    def is_visible(self, name: str) -> bool:
        return dict(self._metadata).get(name, True)

    def sheet(self, name: str | None = None) -> Sheet:
        """A sheet by name; by default the first visible one."""
        if name is None:
            visible = [n for n, shown in self._metadata if shown]
            name = (visible or self.sheet_names)[0]
        if name not in self._sheets:
            self._sheets[name] = self._load(name)
        return self._sheets[name]

    def _load(self, name: str) -> Sheet:
        if self.is_csv:
            return Sheet(None, _read_csv(self.path, self.file))  # type: ignore[arg-type]
        hidden_rows = self._scan_bounds(name)
        try:
            raw = self._book.get_sheet_by_name(name)
            height, width = raw.end if raw.end else (-1, -1)
            if (height + 1) > MAX_ROWS or (width + 1) > MAX_COLUMNS or (height + 1) * (width + 1) > MAX_CELLS:
                raise self._problem(_bounds_message(height + 1, width + 1), sheet=name)
            grid = raw.to_python(skip_empty_area=False) if raw.end else []
        except FileProblems:
            raise
        except Exception as error:  # noqa: BLE001
            raise self._problem(f"kan ikke lese arket: det er skadet ({_short(error)})", sheet=name) from None
        rows = [[None if cell == "" else cell for cell in row] for row in grid]
        return Sheet(name, rows, self.is_visible(name), hidden_rows)

    def _scan_bounds(self, name: str) -> set[int]:
        """Refuse a sheet whose declared rows/columns pass the limits (before
        calamine allocates its grid); return the hidden rows found on the way."""
        if self.suffix in (".xlsx", ".xlsm") and name in self._xml_paths:
            return _scan_xlsx_sheet(self.path, self._xml_paths[name], self.file, name)
        if self.suffix == ".ods":
            return _scan_ods(self.path, self.file, name)
        if self.path.stat().st_size > MAX_FILE_BYTES // 5:  # .xls: no cheap look inside, so a tighter size limit
            raise self._problem(f"filen er {_mb(self.path.stat().st_size)}; grensen for .xls er {_mb(MAX_FILE_BYTES // 5)}")
        return set()

    # --- number formats (openpyxl, read-only, only when asked) --------------
    def number_formats(self, sheet: str, column: int, rows: Iterator[int]) -> dict[int, str]:
        """Row number -> number format of the cell in `column` (0-based) for
        the given 1-based rows; empty for formats other than .xlsx/.xlsm."""
        wanted = set(rows)
        if not wanted or self.suffix not in (".xlsx", ".xlsm"):
            return {}
        from openpyxl import load_workbook

        found: dict[int, str] = {}
        book = load_workbook(self.path, read_only=True, data_only=True)
        try:
            worksheet = book[sheet]
            for row in worksheet.iter_rows(min_row=min(wanted), max_row=max(wanted),
                                           min_col=column + 1, max_col=column + 1):
                for cell in row:
                    number = getattr(cell, "row", None)
                    if number in wanted:
                        found[number] = cell.number_format
        finally:
            book.close()
        return found


def _short(error: Exception) -> str:
    text = " ".join(str(error).split())[:120]
    return text or type(error).__name__


def _bounds_message(rows: int, columns: int) -> str:
    return (f"arket strekker seg over {rows:,} rader og {columns:,} kolonner; grensene er {MAX_ROWS:,} rader, "
            f"{MAX_COLUMNS} kolonner og {MAX_CELLS:,} celler").replace(",", " ")


def _check_file(path: Path) -> None:
    name = path.name
    if not path.exists():
        raise FileProblems([Problem(name, "filen finnes ikke")])
    if path.is_dir():
        raise FileProblems([Problem(name, "er en mappe, ikke en fil")])
    suffix = path.suffix.casefold()
    if suffix not in TABULAR_SUFFIXES:
        raise FileProblems([Problem(name, f"ukjent filtype «{path.suffix or '(ingen)'}» "
                                          "(bruk .xlsx, .xlsm, .xls, .ods eller .csv)")])
    size = path.stat().st_size
    if size == 0:
        raise FileProblems([Problem(name, "filen er tom")])
    if size > MAX_FILE_BYTES:
        raise FileProblems([Problem(name, f"filen er {_mb(size)}; grensen er {_mb(MAX_FILE_BYTES)}")])


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_CELL_COLUMNS = re.compile(rb"\sr=\"([A-Z]+)\d")  # the letters of every cell reference
_CELL_BIG_ROWS = re.compile(rb"\sr=\"[A-Z]+(\d{5,})\"")  # cell references in row 10000 or later
_CELL_COLUMNS_AFTER_SPACE = re.compile(rb" r=\"([A-Z]+)\d")  # the same two with a literal start: much faster,
_CELL_BIG_ROWS_AFTER_SPACE = re.compile(rb" r=\"[A-Z]+(\d{5,})\"")  # exact when no other white space precedes r="
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")
_HIDDEN = re.compile(rb"\bhidden=\"(?:1|true)\"")


def _scan_xlsx_sheet(path: Path, part: str, file: str, sheet: str) -> set[int]:
    """Stream the sheet's XML once: the highest row and column any cell or
    row declares, and the hidden rows. Memory: one chunk at a time."""
    hidden: set[int] = set()
    max_row = last_row = 0
    letters: set[bytes] = set()
    with zipfile.ZipFile(path) as archive:
        try:
            handle = archive.open(part)
        except KeyError:
            return hidden
        with handle:
            tail = b""
            while True:
                chunk = handle.read(1 << 20)
                data = tail + chunk
                cut = data.rfind(b"<") if chunk else len(data)
                cut = cut if cut > 0 else len(data)
                block, tail = data[:cut], data[cut:]
                for match in _ROW_TAG.finditer(block):
                    attrs = match.group(1)
                    number = _ROW_NUMBER.search(attrs)
                    last_row = int(number.group(1)) if number else last_row + 1
                    if last_row > MAX_ROWS:
                        raise FileProblems([Problem(file, f"arket oppgir rad {last_row:,}; grensen er {MAX_ROWS:,} rader"
                                                    .replace(",", " "), sheet=sheet)])
                    if b"hidden" in attrs and _HIDDEN.search(attrs):
                        hidden.add(last_row)
                if block.count(b'r="') == block.count(b' r="'):  # every r=" follows a plain space
                    columns, big_rows = _CELL_COLUMNS_AFTER_SPACE, _CELL_BIG_ROWS_AFTER_SPACE
                else:
                    columns, big_rows = _CELL_COLUMNS, _CELL_BIG_ROWS
                max_row = max(max_row, last_row, *(int(n) for n in big_rows.findall(block)))
                letters.update(columns.findall(block))
                max_column = max((_column_number(text) for text in letters), default=0)
                if max_row > MAX_ROWS or max_column > MAX_COLUMNS or max_row * max_column > MAX_CELLS:
                    raise FileProblems([Problem(file, _bounds_message(max_row, max_column), sheet=sheet)])
                if not chunk:
                    break
    return hidden


_ODS_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
                      rb"|</table:(table-row|table)>")
_REPEAT_ROWS = re.compile(rb"number-rows-repeated=\"(\d+)\"")
_REPEAT_COLUMNS = re.compile(rb"number-columns-repeated=\"(\d+)\"")
_TABLE_NAME = re.compile(rb"table:name=\"([^\"]*)\"")
_COLLAPSED = re.compile(rb"table:visibility=\"(?:collapse|filter)\"")


def _scan_ods(path: Path, file: str, sheet: str) -> set[int]:
    """content.xml once, counting rows with their repeats; only rows and
    cells that hold something count towards the limits (LibreOffice writes
    the empty rest of a sheet as one row repeated a million times)."""
    import html

    hidden: set[int] = set()
    wanted = False
    row = 0
    row_start = None  # (first row number, repeat, collapsed)
    row_columns = 0
    row_has_value = False
    with zipfile.ZipFile(path) as archive:
        try:
            data = archive.read("content.xml")  # size checked against MAX_XML_BYTES already
        except KeyError:
            return hidden
    for match in _ODS_TAG.finditer(data):
        tag, attrs, closed, end_tag = match.group(1), match.group(2) or b"", match.group(3), match.group(4)
        if tag == b"table":
            name = _TABLE_NAME.search(attrs)
            wanted = bool(name) and html.unescape(name.group(1).decode("utf-8", "replace")) == sheet
            row = 0
        elif end_tag == b"table":
            if wanted:
                break
        elif not wanted:
            continue
        elif tag == b"table-row":
            repeat = int(_REPEAT_ROWS.search(attrs).group(1)) if _REPEAT_ROWS.search(attrs) else 1
            row_start = (row + 1, repeat, bool(_COLLAPSED.search(attrs)))
            row_columns, row_has_value = 0, False
            if closed:
                row += repeat
                row_start = None
        elif tag in (b"table-cell", b"covered-table-cell") and row_start:
            repeat = int(_REPEAT_COLUMNS.search(attrs).group(1)) if _REPEAT_COLUMNS.search(attrs) else 1
            row_columns += repeat
            if b"office:value-type=" in attrs:  # empty cells carry no value type
                row_has_value = True
                if row_columns > MAX_COLUMNS:
                    raise FileProblems([Problem(file, _bounds_message(row_start[0], row_columns), sheet=sheet)])
        elif end_tag == b"table-row" and row_start:
            first, repeat, collapsed = row_start
            if row_has_value:
                last = first + repeat - 1
                if last > MAX_ROWS:
                    raise FileProblems([Problem(file, f"arket har rad {last:,}; grensen er {MAX_ROWS:,} rader"
                                                .replace(",", " "), sheet=sheet)])
                if collapsed:
                    hidden.update(range(first, last + 1))
            row += repeat
            row_start = None
    return hidden


# --- csv --------------------------------------------------------------------

def _decode_csv(raw: bytes, file: str) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise FileProblems([Problem(file, "filen sier den er UTF-16, men er skadet")]) from None
    if b"\x00" in raw[:4096]:
        raise FileProblems([Problem(file, "filen er ikke en tekstfil (CSV); den inneholder binære data. "
                                          "Lagre listen som .csv (UTF-8) eller .xlsx")])
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # every byte decodes; never reached in practice (cp1252 rarely fails)


def _read_csv(path: Path, file: str) -> list[list[Any]]:
    text = _decode_csv(path.read_bytes(), file)
    sample = text[:4096]
    delimiter = max((";", ",", "\t"), key=sample.count) if any(d in sample for d in ";,\t") else ";"
    rows: list[list[Any]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            if number > MAX_ROWS:
                raise FileProblems([Problem(file, f"filen har mer enn {MAX_ROWS:,} rader; det er grensen"
                                                  .replace(",", " "))])
            if len(row) > MAX_COLUMNS:
                raise FileProblems([Problem(file, f"rad {number} har {len(row)} kolonner; grensen er {MAX_COLUMNS}")])
            rows.append([cell if cell != "" else None for cell in row])
    except csv.Error as error:
        raise FileProblems([Problem(file, f"kan ikke lese filen som CSV ({error})")]) from None
    return rows
