"""The kommisjonsskjema: the project's template, and a tolerant reader for
forms that departments have edited by hand. Pure: no Textual, no database.

Template (sheet "Kommisjonsskjema"): a header block of label/value pairs
(Emnekode, Emnenavn, Semester, Eksamensform, Eksamensdato, Del), then two
tables under the titles "Ordinær kommisjon" and "Klagekommisjon" with one
examiner per row: Navn, Rolle, Intern/ekstern, E-post, Arbeidsgiver,
Honorar (intern), Antall kandidater/grupper (ekstern ved muntlig).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from eksamen_tui.domain.vocabulary import CommissionKind

from eksamen_tui.excel.tabular import (
    FileProblems,
    Problem,
    clean_text,
    column_letter,
    header_keys,
    hidden_rows_warning,
    match_header,
    normalize_header,
    open_workbook,
    parse_date,
    parse_flag,
    synonym_lookup,
)

SHEET_TITLE = "Kommisjonsskjema"
ROWS_PER_TABLE = 10

HEADER_FIELDS = {
    "course_code": ("emnekode", "emne kode", "emne", "fagkode", "course code", "course", "subject code"),
    "course_name": ("emnenavn", "emnenamn", "emnetittel", "navn på emne", "namn på emne", "course name",
                    "course title"),
    "semester": ("semester", "termin", "term"),
    "exam_form": ("eksamensform", "vurderingsform", "eksamenstype", "exam form", "form of assessment",
                  "assessment", "exam type"),
    "exam_date": ("eksamensdato", "dato for eksamen", "dato", "exam date", "date of exam", "date"),
    "part": ("del", "delvurdering", "vurderingsdel", "part"),
}
COLUMNS = {
    "name": ("navn", "namn", "sensor", "sensors navn", "fullt navn", "fullt namn", "name", "examiner",
             "full name"),
    "role": ("rolle", "funksjon", "role"),
    "internal_external": ("intern/ekstern", "intern ekstern", "internekstern", "ekstern/intern", "type sensor",
                          "ekstern", "ekstern sensor", "er ekstern", "intern", "intern sensor",
                          "intern eller ekstern", "internal/external", "external/internal", "external",
                          "external examiner", "internal", "type"),
    "email": ("e-post", "epost", "e-postadresse", "epostadresse", "email", "e-mail", "mail", "email address"),
    "employer": ("arbeidsgiver", "arbeidsgjevar", "institusjon", "arbeidssted", "employer", "institution"),
    "paid": ("honorar", "honorar (intern)", "betaling", "skal ha honorar", "paid", "betalt", "fee"),
    "candidate_count": ("antall kandidater/grupper", "antall kandidater", "antall grupper", "tal på kandidatar",
                        "antall kandidater/grupper (ekstern, muntlig)", "kandidater/grupper",
                        "number of candidates", "candidates"),
}
TABLE_TITLES = {CommissionKind.ORDINARY: "Ordinær kommisjon", CommissionKind.APPEAL: "Klagekommisjon"}
COLUMN_TITLES = ["Navn", "Rolle", "Intern/ekstern", "E-post", "Arbeidsgiver", "Honorar (intern)",
                 "Antall kandidater/grupper (ekstern, muntlig)"]

KIND_EXTERNAL = {"ekstern", "e", "ext", "external", "extern"}
KIND_INTERNAL = {"intern", "i", "int", "internal"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass
class FormHeader:
    course_code: str
    course_name: str
    semester: str
    exam_form: str
    exam_date: date | None
    part: str = ""


@dataclass
class FormExaminer:
    name: str
    role: str = "sensor"
    is_external: bool = False
    email: str = ""
    employer: str = ""
    is_paid: bool = False
    candidate_count: int | None = None
    cell: str = ""  # where the row is, e.g. "Kommisjonsskjema!A9"


@dataclass
class ParsedForm:
    file: str
    sheet: str
    header: FormHeader
    header_cells: dict[str, str]  # field -> "Sheet!B3" where its value was found
    ordinary: list[FormExaminer] = field(default_factory=list)
    appeal: list[FormExaminer] = field(default_factory=list)
    appeal_title_cell: str | None = None
    ordinary_title_cell: str | None = None
    warnings: list[Problem] = field(default_factory=list)


# --- writing ----------------------------------------------------------------

def form_filename(course_code: str, exam_form: str, part: str = "", exam_date: date | None = None,
                  *, filled: bool = False) -> str:
    """EMNEKODE_Eksamensform[-Del][_ÅÅÅÅ-MM-DD]_kommisjonsskjema[_utfylt].xlsx
    from sanitised parts: a course with the same form on two dates, and the
    blank form (what departments get and send back) and the office's filled
    copy of one exam, get different names."""
    from eksamen_tui.export_files import safe_part

    name = f"{safe_part(course_code.upper())}_{safe_part(exam_form.capitalize())}"
    if part:
        name += f"-{safe_part(part)}"
    if exam_date is not None:
        name += f"_{exam_date.isoformat()}"
    return f"{name}_kommisjonsskjema{'_utfylt' if filled else ''}.xlsx"


FIELD_STYLE, HEADING_STYLE = "Skjemafelt", "Skjemaoverskrift"  # the form's named cell styles
KIND_RULE_ERROR = "Velg «Intern» eller «Ekstern» fra listen."
FLAG_RULE_ERROR = "Velg «Ja» eller «Nei» fra listen."
COUNT_RULE_ERROR = "Skriv et helt tall fra 0 til 10000."


def form_workbook(header: FormHeader, ordinary: list[FormExaminer] = (), appeal: list[FormExaminer] = ()):
    """The template as an openpyxl workbook (blank when no examiners are given),
    set up to print on one A4 page in landscape."""
    workbook = _form_layout(max(ROWS_PER_TABLE, len(ordinary)), max(ROWS_PER_TABLE, len(appeal)))
    _fill_form(workbook, header, ordinary, appeal)
    return workbook


class FormWorkbooks:
    """Filled forms one after another (an export of 200 exams): the layout
    (styles, merged cells, validation lists, print setup) is built once per
    table size and refilled for each form, instead of a new workbook per
    form. Save each workbook `fill` returns before the next `fill`."""

    def __init__(self) -> None:
        self._layouts: dict[tuple[int, int], Any] = {}

    def fill(self, header: FormHeader, ordinary: list[FormExaminer] = (), appeal: list[FormExaminer] = ()):
        size = (max(ROWS_PER_TABLE, len(ordinary)), max(ROWS_PER_TABLE, len(appeal)))
        if size not in self._layouts:
            self._layouts[size] = _form_layout(*size)
        workbook = self._layouts[size]
        _fill_form(workbook, header, ordinary, appeal)
        return workbook


# where the values go: the header's value cells, and the first row of each table
_HEADER_CELLS = (("B4", "course_code"), ("E4", "course_name"), ("B5", "semester"), ("E5", "exam_form"),
                 ("B6", "exam_date"), ("E6", "part"))
_FIRST_TABLE_ROW = 10  # the ordinary table's first examiner row (title row 8, headings row 9)


def _set(cell, value: Any, *, empty: Any = None) -> None:
    """A value as text or number, never a formula; "" is stored as `empty`."""
    cell.value = empty if value == "" else value
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"  # text, never a formula


def _form_layout(ordinary_rows: int, appeal_rows: int):
    """The form without its values: `ordinary_rows` and `appeal_rows` examiner lines."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from eksamen_tui.excel.writer import DATE_FORMAT, new_workbook, setup_print

    workbook, sheet = new_workbook(SHEET_TITLE)
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="DDE7F0")
    # Named styles, registered once: giving each of ~200 cells its border
    # and font one by one made openpyxl hash the style objects every time
    # (most of the time of writing 200 forms).
    workbook.add_named_style(NamedStyle(FIELD_STYLE, border=box))
    workbook.add_named_style(NamedStyle(HEADING_STYLE, font=bold, fill=fill, border=box,
                                        alignment=Alignment(wrap_text=True, vertical="top")))

    def put(cell: str, value: Any, *, font=None) -> None:
        _set(sheet[cell], value, empty="")
        if font:
            sheet[cell].font = font

    put("A1", "Kommisjonsskjema", font=Font(bold=True, size=16))
    sheet.merge_cells("A1:G1")
    put("A2", "Fyll ut én linje per sensor. Intern/ekstern og Honorar velges fra listen. "
              "Klagekommisjonen: minst to sensorer, minst én ekstern, ingen fra den ordinære kommisjonen.")
    sheet.merge_cells("A2:G2")
    sheet["A2"].alignment = Alignment(wrap_text=True)
    sheet.row_dimensions[2].height = 30
    labels = {"B4": "Emnekode", "E4": "Emnenavn", "B5": "Semester", "E5": "Eksamensform", "B6": "Eksamensdato",
              "E6": "Del"}
    for value_cell, label in labels.items():
        put(chr(ord(value_cell[0]) - 1) + value_cell[1:], label, font=bold)
        sheet[value_cell].style = FIELD_STYLE
    sheet["B6"].number_format = DATE_FORMAT
    sheet["B6"].alignment = Alignment(horizontal="left")
    sheet.merge_cells("E4:G4")

    # A value outside the list is refused, with the reason in bokmål (Excel and LibreOffice both honour this).
    kind_rule = DataValidation(type="list", formula1='"Intern,Ekstern"', allow_blank=True)
    flag_rule = DataValidation(type="list", formula1='"Ja,Nei"', allow_blank=True)
    count_rule = DataValidation(type="whole", operator="between", formula1="0", formula2="10000", allow_blank=True)
    for rule, message in ((kind_rule, KIND_RULE_ERROR), (flag_rule, FLAG_RULE_ERROR), (count_rule, COUNT_RULE_ERROR)):
        rule.showErrorMessage = True
        rule.errorStyle = "stop"
        rule.errorTitle = "Ugyldig verdi"
        rule.error = message
        rule.showInputMessage = True
        rule.promptTitle = "Kommisjonsskjema"
        rule.prompt = message
        sheet.add_data_validation(rule)

    row = 8
    for kind, lines in ((CommissionKind.ORDINARY, ordinary_rows), (CommissionKind.APPEAL, appeal_rows)):
        put(f"A{row}", TABLE_TITLES[kind], font=Font(bold=True, size=13))
        row += 1
        for column, title in enumerate(COLUMN_TITLES, start=1):
            sheet.cell(row=row, column=column, value=title).style = HEADING_STYLE
        sheet.row_dimensions[row].height = 45  # three lines: the candidate-count heading is long
        first = row + 1
        for _ in range(lines):
            row += 1
            for column in range(1, len(COLUMN_TITLES) + 1):
                sheet.cell(row=row, column=column).style = FIELD_STYLE
        kind_rule.add(f"C{first}:C{row}")
        flag_rule.add(f"F{first}:F{row}")
        count_rule.add(f"G{first}:G{row}")
        row += 2
    setup_print(sheet, title="Kommisjonsskjema", landscape=True, widths=(30, 16, 15, 32, 26, 16, 22))
    sheet.print_area = f"A1:G{row}"
    workbook._eksamen_rows = (ordinary_rows, appeal_rows)  # the layout's table sizes, for _fill_form
    return workbook


def _fill_form(workbook, header: FormHeader, ordinary: list[FormExaminer], appeal: list[FormExaminer]) -> None:
    """Write the exam's facts and its examiners into a layout (every
    examiner cell is written, so nothing of a previous form stays)."""
    from eksamen_tui.excel.writer import _header_text

    sheet = workbook.active
    for cell, attribute in _HEADER_CELLS:
        _set(sheet[cell], getattr(header, attribute), empty="")  # as the form always stored them
    ordinary_rows, appeal_rows = workbook._eksamen_rows
    first = _FIRST_TABLE_ROW
    for people, lines in ((ordinary, ordinary_rows), (appeal, appeal_rows)):
        for index in range(lines):
            person = people[index] if index < len(people) else None
            values = ["", "", "", "", "", "", None]
            if person is not None:
                values = [person.name, person.role, "Ekstern" if person.is_external else "Intern", person.email,
                          person.employer, "" if person.is_external else ("Ja" if person.is_paid else "Nei"),
                          person.candidate_count]
            for column, value in enumerate(values, start=1):
                _set(sheet.cell(row=first + index, column=column), value)
        first += lines + 3  # the blank row, the next table's title and headings
    date_text = f" {header.exam_date:%d.%m.%Y}" if header.exam_date else ""
    part_text = f" – del {header.part}" if header.part else ""
    sheet.oddHeader.center.text = _header_text(f"Kommisjonsskjema {header.course_code} {header.course_name} – "
                                               f"{header.exam_form}{date_text}{part_text}")


def write_form(path: Path, header: FormHeader, ordinary: list[FormExaminer] = (),
               appeal: list[FormExaminer] = ()) -> Path:
    """Save the template at `path` as it is (replacing a file there): for the
    sample files and tests. Exports go through export_forms, which writes
    privately, atomically and never over another file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    form_workbook(header, ordinary, appeal).save(path)
    return path


# --- reading ------------------------------------------------------------------

def _kind_shape(header: Any) -> str:
    """How the Intern/ekstern column is meant, from its header: "kind"
    (values Intern/Ekstern), "external" (a yes/no column named after one
    value, e.g. "Ekstern sensor (J/N)") or "internal" ("Intern (J/N)")."""
    keys = " ".join(header_keys(header))
    external = "ekstern" in keys or "extern" in keys
    internal = "intern" in keys.replace("ekstern", "").replace("extern", "")
    if (external and internal) or not (external or internal):
        return "kind"
    return "external" if external else "internal"


def _is_external(value: Any, shape: str, header: str) -> bool:
    """Never guessed: a yes/no under Intern/ekstern, or a word under a
    yes/no column other than the column's own value, is refused."""
    text = clean_text(value).casefold()
    if shape == "kind":
        if not text:
            raise ValueError(f"mangler intern/ekstern (skriv Intern eller Ekstern i kolonnen «{header}»)")
        if text in KIND_EXTERNAL:
            return True
        if text in KIND_INTERNAL:
            return False
        try:
            parse_flag(value)
        except ValueError:
            raise ValueError(f"«{clean_text(value)}» er verken intern eller ekstern "
                             f"(skriv Intern eller Ekstern)") from None
        raise ValueError(f"«{clean_text(value)}» passer ikke i kolonnen «{header}»: ja/nei sier ikke om sensoren er "
                         "intern eller ekstern (skriv Intern eller Ekstern)")
    if text in KIND_EXTERNAL - {"e"} or text in KIND_INTERNAL - {"i"}:
        answer = text in KIND_EXTERNAL
    else:
        try:
            answer = parse_flag(value, blank=False)
        except ValueError:
            raise ValueError(f"«{clean_text(value)}» er ikke ja/nei i kolonnen «{header}» "
                             "(bruk Ja/Nei, J/N eller x)") from None
        if shape == "internal":
            answer = not answer
    return bool(answer)


HEADER_LOOKUP = synonym_lookup(HEADER_FIELDS)
COLUMN_LOOKUP = synonym_lookup(COLUMNS)
FORM_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def read_form(path: Path) -> ParsedForm:
    """Read a form; every problem is collected and raised together
    (FileProblems), each with file, sheet and cell. Warnings (hidden rows
    skipped, a form on a hidden sheet) are in `form.warnings`."""
    name = path.name
    if path.suffix.casefold() == ".csv":
        raise FileProblems([Problem(name, "et kommisjonsskjema må være et regneark (.xlsx, .xls eller .ods), "
                                          "ikke .csv")])
    book = open_workbook(path)
    warnings: list[Problem] = []
    sheet = _find_sheet(book)
    if sheet is None:
        names = ", ".join(f"«{n}»" for n in book.sheet_names if book.is_visible(n))
        raise FileProblems([Problem(name, f"fant ikke kommisjonsskjemaet: ingen arkfane har feltet «Emnekode» "
                                          f"(arkfaner: {names or 'ingen synlige'})")])
    if not sheet.visible:
        warnings.append(Problem(name, "skjemaet ligger i et skjult ark (ingen synlige ark har et skjema)",
                                sheet=sheet.name, severity="warning"))
    grid = sheet.rows
    problems: list[Problem] = []
    ref = lambda row, col: f"{column_letter(col)}{row + 1}"  # noqa: E731

    def problem(row: int | None, col: int | None, message: str, severity: str = "error") -> None:
        cell = ref(row, col) if row is not None and col is not None else None
        problems.append(Problem(name, message, sheet=sheet.name, row=None if row is None else row + 1,
                                cell=cell, severity=severity))

    # header block: a label cell, its value the next non-empty cell to the right
    values: dict[str, Any] = {}
    header_cells: dict[str, str] = {}
    section_rows: list[tuple[int, str, int]] = []
    for r, row in enumerate(grid):
        if r + 1 in sheet.hidden_rows:
            continue
        for c, cell in enumerate(row):
            if cell is None or not isinstance(cell, str):
                continue
            key = normalize_header(cell)
            if not key:
                continue
            if len(key) <= 30:  # a table title, not a sentence that mentions one
                kind = _section_kind(key)
                if kind:
                    section_rows.append((r, kind, c))
            field_key = match_header(cell, HEADER_LOOKUP) if r < 15 else None
            if field_key and field_key not in values:
                for c2 in range(c + 1, min(len(row), c + 5)):
                    if isinstance(row[c2], str) and match_header(row[c2], HEADER_LOOKUP):
                        c2 = None  # the next label: this one has no value
                        break
                    if row[c2] is not None and clean_text(row[c2]):
                        values[field_key] = row[c2]
                        header_cells[field_key] = f"{sheet.name}!{ref(r, c2)}"
                        break
                else:
                    c2 = None
                if c2 is None:
                    values[field_key] = None
                    header_cells[field_key] = f"{sheet.name}!{ref(r, c + 1)}"
    for required, label in (("course_code", "Emnekode"), ("exam_form", "Eksamensform"), ("exam_date", "Eksamensdato")):
        if not clean_text(values.get(required)):
            where = header_cells.get(required)
            problems.append(Problem(name, f"feltet «{label}» er tomt eller mangler", sheet=sheet.name,
                                    cell=where.split("!")[1] if where else None))
    exam_date = None
    if clean_text(values.get("exam_date")):
        try:
            exam_date = parse_date(values["exam_date"], date_1904=book.date_1904)
        except ValueError as error:
            cell = header_cells["exam_date"].split("!")[1]
            problems.append(Problem(name, str(error), sheet=sheet.name, cell=cell))
    header = FormHeader(
        course_code=clean_text(values.get("course_code")).upper(),
        course_name=clean_text(values.get("course_name")),
        semester=clean_text(values.get("semester")),
        exam_form=clean_text(values.get("exam_form")),
        exam_date=exam_date,
        part=clean_text(values.get("part")),
    )
    form = ParsedForm(name, sheet.name, header, header_cells)

    # the two tables
    kinds_seen: dict[CommissionKind, int] = {}
    if not any(kind == CommissionKind.ORDINARY for _, kind, _ in section_rows):
        problem(None, None, "fant ikke tabellen «Ordinær kommisjon»")
    section_rows.sort()
    hidden_people: list[int] = []
    for index, (r, kind, c) in enumerate(section_rows):
        if kind in kinds_seen:
            problem(r, c, f"skjemaet har mer enn én tabell «{TABLE_TITLES[kind]}» (også rad {kinds_seen[kind] + 1});"
                          " en eksamen har bare én" + (" klagekommisjon" if kind == CommissionKind.APPEAL else " ordinær kommisjon"))
            continue
        kinds_seen[kind] = r
        end = section_rows[index + 1][0] if index + 1 < len(section_rows) else len(grid)
        people = _read_table(grid, r + 1, end, problem, sheet.hidden_rows, hidden_people)
        if kind == CommissionKind.ORDINARY:
            form.ordinary = people
            form.ordinary_title_cell = f"{sheet.name}!{ref(r, c)}"
        else:
            form.appeal = people
            form.appeal_title_cell = f"{sheet.name}!{ref(r, c)}"
    if hidden_people:
        warnings.append(hidden_rows_warning(name, sheet.name, hidden_people))
    for person in form.ordinary + form.appeal:
        person.cell = f"{sheet.name}!{person.cell}"
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise FileProblems(problems + warnings)
    form.warnings = warnings + problems
    return form


def _section_kind(key: str) -> CommissionKind | None:
    if key.startswith(("klagekommisjon", "kommisjonforklage", "appealcommi", "appealscommi", "appealpanel",
                       "klagenemnd")):
        return CommissionKind.APPEAL
    if key.startswith(("ordinærkommisjon", "ordinaerkommisjon", "kommisjonforordinær", "ordinærsensur",
                       "ordinarycommi", "ordinarypanel", "examinationcommi", "examcommi")):
        return CommissionKind.ORDINARY
    return None


def _find_sheet(book):
    """The first visible sheet with an Emnekode label (in any of its
    spellings) near the top; a hidden one only when no visible sheet has it."""
    names = sorted(book.sheet_names, key=lambda n: not book.is_visible(n))
    for sheet_name in names:
        sheet = book.sheet(sheet_name)
        for row in sheet.rows[:15]:
            if any(isinstance(cell, str) and match_header(cell, HEADER_LOOKUP) == "course_code" for cell in row):
                return sheet
    return None


def _read_table(grid, start: int, end: int, problem, hidden_rows, hidden_people: list[int]) -> list[FormExaminer]:
    """Rows after a table title: find the column header row, then one
    examiner per row until the next title; blank rows are skipped, hidden
    rows skipped and reported."""
    header_row = None
    columns: dict[str, int] = {}
    for r in range(start, min(end, start + 4)):
        found = {}
        for c, cell in enumerate(grid[r]):
            key = match_header(cell, COLUMN_LOOKUP) if isinstance(cell, str) else None
            if key and key not in found:
                found[key] = c
        if len(found) >= 2:
            header_row, columns = r, found
            break
    if header_row is None:
        problem(start, 0, "fant ikke kolonneoverskriftene (Navn, Intern/ekstern, E-post …) under tabelltittelen")
        return []
    for key, label in (("name", "Navn"), ("internal_external", "Intern/ekstern"), ("email", "E-post")):
        if key not in columns:
            problem(header_row, None, f"mangler kolonnen «{label}»")
    if not {"name", "internal_external", "email"} <= set(columns):
        return []
    kind_header = clean_text(grid[header_row][columns["internal_external"]])
    shape = _kind_shape(kind_header)
    people: list[FormExaminer] = []
    seen: dict[str, int] = {}
    for r in range(header_row + 1, end):
        row = grid[r]
        cell = lambda key: row[columns[key]] if key in columns and columns[key] < len(row) else None  # noqa: E731
        if all(not clean_text(cell(key)) for key in columns):
            continue  # blank or decorative row
        if r + 1 in hidden_rows:
            hidden_people.append(r + 1)
            continue
        name = clean_text(cell("name"))
        if not name:
            problem(r, columns["name"], "sensor mangler navn")
            continue
        email = clean_text(cell("email")).lower()
        try:
            external = _is_external(cell("internal_external"), shape, kind_header)
        except ValueError as error:
            problem(r, columns["internal_external"], str(error))
            continue
        if not EMAIL.match(email):
            problem(r, columns["email"], f"«{email or '(tom)'}» er ikke en gyldig e-postadresse")
            continue
        try:
            paid = parse_flag(cell("paid")) if "paid" in columns else None
        except ValueError as error:
            problem(r, columns["paid"], str(error))
            continue
        count = None
        if "candidate_count" in columns and clean_text(cell("candidate_count")):
            raw = cell("candidate_count")
            try:
                count = int(float(raw)) if isinstance(raw, (int, float)) and float(raw).is_integer() \
                    else int(clean_text(raw)) if clean_text(raw).isascii() and clean_text(raw).isdigit() else None
                if count is None or isinstance(raw, bool):
                    raise ValueError
            except ValueError:
                problem(r, columns["candidate_count"], f"«{clean_text(raw)}» er ikke et antall")
                continue
        if email in seen:
            problem(r, columns["email"], f"{name} står to ganger i samme tabell (også rad {seen[email] + 1})")
            continue
        seen[email] = r
        people.append(FormExaminer(
            name=name, role=clean_text(cell("role")) or "sensor", is_external=external, email=email,
            employer=clean_text(cell("employer")), is_paid=bool(paid) and not external,
            candidate_count=count, cell=f"{column_letter(columns['name'])}{r + 1}",
        ))
    return people
