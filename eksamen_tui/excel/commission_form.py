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
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from eksamen_tui.excel.tabular import FileProblems, Problem, clean_text, column_letter, normalize_header, parse_date

SHEET_TITLE = "Kommisjonsskjema"
ROWS_PER_TABLE = 10

HEADER_FIELDS = {
    "course_code": ("emnekode", "emne kode", "emne", "course code"),
    "course_name": ("emnenavn", "emnetittel", "navn på emne", "course name"),
    "semester": ("semester", "termin"),
    "exam_form": ("eksamensform", "vurderingsform", "eksamenstype", "exam form"),
    "exam_date": ("eksamensdato", "dato for eksamen", "dato", "exam date"),
    "part": ("del", "delvurdering", "vurderingsdel", "part"),
}
COLUMNS = {
    "name": ("navn", "sensor", "sensors navn", "fullt navn", "name"),
    "role": ("rolle", "funksjon", "role"),
    "internal_external": ("intern/ekstern", "intern ekstern", "internekstern", "ekstern/intern", "type sensor", "ekstern"),
    "email": ("e-post", "epost", "e-postadresse", "email", "e-mail", "mail"),
    "employer": ("arbeidsgiver", "institusjon", "arbeidssted", "employer"),
    "paid": ("honorar", "honorar (intern)", "betaling", "skal ha honorar", "paid", "betalt"),
    "candidate_count": ("antall kandidater/grupper", "antall kandidater", "antall grupper",
                        "antall kandidater/grupper (ekstern, muntlig)", "kandidater/grupper"),
}
TABLE_TITLES = {"ordinary": "Ordinær kommisjon", "appeal": "Klagekommisjon"}
COLUMN_TITLES = ["Navn", "Rolle", "Intern/ekstern", "E-post", "Arbeidsgiver", "Honorar (intern)",
                 "Antall kandidater/grupper (ekstern, muntlig)"]
COLUMN_ORDER = ["name", "role", "internal_external", "email", "employer", "paid", "candidate_count"]

TRUE_FLAGS = {"j", "ja", "x", "✓", "✔", "yes", "y", "true", "1", "sann"}
FALSE_FLAGS = {"n", "nei", "no", "false", "0", "-", "usann"}
EXTERNAL_WORDS = {"ekstern", "e", "ext", "external", "j", "ja", "x", "✓", "✔"}
INTERNAL_WORDS = {"intern", "i", "int", "internal", "n", "nei"}
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


# --- writing ----------------------------------------------------------------

def form_filename(course_code: str, exam_form: str, part: str = "") -> str:
    """EMNEKODE_Eksamensform_kommisjonsskjema.xlsx (part appended when there is one)."""
    safe = lambda text: re.sub(r"[^\w-]+", "", text.replace(" ", ""))  # noqa: E731
    name = f"{safe(course_code.upper())}_{safe(exam_form.capitalize())}"
    if part:
        name += f"-{safe(part)}"
    return f"{name}_kommisjonsskjema.xlsx"


def write_form(path: Path, header: FormHeader, ordinary: list[FormExaminer] = (),
               appeal: list[FormExaminer] = ()) -> Path:
    """Write the template (blank when no examiners are given)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from eksamen_tui.excel.writer import new_workbook

    workbook, sheet = new_workbook(SHEET_TITLE)
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="DDE7F0")

    def put(cell: str, value: Any, *, font=None) -> None:
        target = sheet[cell]
        target.value = value
        if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
            target.data_type = "s"  # text, never a formula
        if font:
            target.font = font

    put("A1", "Kommisjonsskjema", font=Font(bold=True, size=16))
    sheet.merge_cells("A1:G1")
    put("A2", "Fyll ut én linje per sensor. Intern/ekstern og Honorar velges fra listen. "
              "Klagekommisjonen: minst to sensorer, minst én ekstern, ingen fra den ordinære kommisjonen.")
    sheet.merge_cells("A2:G2")
    sheet["A2"].alignment = Alignment(wrap_text=True)
    sheet.row_dimensions[2].height = 30
    pairs = [
        ("A4", "Emnekode", "B4", header.course_code), ("D4", "Emnenavn", "E4", header.course_name),
        ("A5", "Semester", "B5", header.semester), ("D5", "Eksamensform", "E5", header.exam_form),
        ("A6", "Eksamensdato", "B6", header.exam_date), ("D6", "Del", "E6", header.part),
    ]
    for label_cell, label, value_cell, value in pairs:
        put(label_cell, label, font=bold)
        put(value_cell, value)
        sheet[value_cell].border = box
    sheet["B6"].number_format = "DD.MM.YYYY"
    sheet.merge_cells("E4:G4")

    kind_rule = DataValidation(type="list", formula1='"Intern,Ekstern"', allow_blank=True)
    flag_rule = DataValidation(type="list", formula1='"Ja,Nei"', allow_blank=True)
    count_rule = DataValidation(type="whole", operator="between", formula1="0", formula2="10000", allow_blank=True)
    for rule in (kind_rule, flag_rule, count_rule):
        rule.error = "Velg fra listen"
        sheet.add_data_validation(rule)

    row = 8
    for kind, people in (("ordinary", ordinary), ("appeal", appeal)):
        put(f"A{row}", TABLE_TITLES[kind], font=Font(bold=True, size=13))
        row += 1
        for column, title in enumerate(COLUMN_TITLES, start=1):
            cell = sheet.cell(row=row, column=column, value=title)
            cell.font, cell.fill, cell.border = bold, fill, box
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 30
        first = row + 1
        for index in range(max(ROWS_PER_TABLE, len(people))):
            row += 1
            person = people[index] if index < len(people) else None
            values = ["", "", "", "", "", "", None]
            if person is not None:
                values = [person.name, person.role, "Ekstern" if person.is_external else "Intern", person.email,
                          person.employer, "" if person.is_external else ("Ja" if person.is_paid else "Nei"),
                          person.candidate_count]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column, value=value if value != "" else None)
                if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
                    cell.data_type = "s"
                cell.border = box
        kind_rule.add(f"C{first}:C{row}")
        flag_rule.add(f"F{first}:F{row}")
        count_rule.add(f"G{first}:G{row}")
        row += 2
    for column, width in zip("ABCDEFG", (30, 16, 15, 32, 26, 16, 22)):
        sheet.column_dimensions[column].width = width
    sheet.print_area = f"A1:G{row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


# --- reading ------------------------------------------------------------------

def _flag(value: Any) -> bool | None:
    text = clean_text(value).casefold()
    if not text:
        return None
    if text in TRUE_FLAGS:
        return True
    if text in FALSE_FLAGS:
        return False
    raise ValueError(f"«{clean_text(value)}» er ikke ja/nei (bruk J/N, Ja/Nei eller x)")


def _external(value: Any) -> bool:
    text = clean_text(value).casefold()
    if text in EXTERNAL_WORDS:
        return True
    if text in INTERNAL_WORDS:
        return False
    raise ValueError(f"«{clean_text(value)}» er verken intern eller ekstern")


def _lookup(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalize_header(s): key for key, names in synonyms.items() for s in (key, *names)}


HEADER_LOOKUP = _lookup(HEADER_FIELDS)
COLUMN_LOOKUP = _lookup(COLUMNS)


def read_form(path: Path) -> ParsedForm:
    """Read a form; every problem is collected and raised together
    (FileProblems), each with file, sheet and cell."""
    name = path.name
    if not path.exists():
        raise FileProblems([Problem(name, "filen finnes ikke")])
    if path.stat().st_size == 0:
        raise FileProblems([Problem(name, "filen er tom")])
    if not zipfile.is_zipfile(path):
        raise FileProblems([Problem(name, "filen er ikke en Excel-arbeidsbok (.xlsx), selv om navnet sier det")])
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as error:  # a zip that is no workbook, a broken one ...
        raise FileProblems([Problem(name, f"kan ikke lese arbeidsboken ({type(error).__name__})")]) from None
    sheet = _find_sheet(workbook)
    if sheet is None:
        names = ", ".join(f"«{ws.title}»" for ws in workbook.worksheets)
        raise FileProblems([Problem(name, f"fant ikke kommisjonsskjemaet: ingen arkfane har feltet «Emnekode» "
                                          f"(arkfaner: {names})")])
    grid = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    problems: list[Problem] = []
    ref = lambda row, col: f"{column_letter(col)}{row + 1}"  # noqa: E731

    def problem(row: int | None, col: int | None, message: str, severity: str = "error") -> None:
        cell = ref(row, col) if row is not None and col is not None else None
        problems.append(Problem(name, message, sheet=sheet.title, row=None if row is None else row + 1,
                                cell=cell, severity=severity))

    # header block: a label cell, its value the next non-empty cell to the right
    values: dict[str, Any] = {}
    header_cells: dict[str, str] = {}
    section_rows: list[tuple[int, str, int]] = []
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            key = normalize_header(cell)
            if not key:
                continue
            if len(key) <= 30:  # a table title, not a sentence that mentions one
                if key.startswith(("klagekommisjon", "kommisjonforklage")):
                    section_rows.append((r, "appeal", c))
                elif key.startswith(("ordinærkommisjon", "ordinaerkommisjon", "kommisjonforordinær", "ordinærsensur")):
                    section_rows.append((r, "ordinary", c))
            field_key = HEADER_LOOKUP.get(key)
            if field_key and field_key not in values and r < 15:
                for c2 in range(c + 1, min(len(row), c + 5)):
                    if normalize_header(row[c2]) in HEADER_LOOKUP:
                        c2 = None  # the next label: this one has no value
                        break
                    if row[c2] is not None and clean_text(row[c2]):
                        values[field_key] = row[c2]
                        header_cells[field_key] = f"{sheet.title}!{ref(r, c2)}"
                        break
                else:
                    c2 = None
                if c2 is None:
                    values[field_key] = None
                    header_cells[field_key] = f"{sheet.title}!{ref(r, c + 1)}"
    for required, label in (("course_code", "Emnekode"), ("exam_form", "Eksamensform"), ("exam_date", "Eksamensdato")):
        if not clean_text(values.get(required)):
            where = header_cells.get(required)
            problems.append(Problem(name, f"feltet «{label}» er tomt eller mangler", sheet=sheet.title,
                                    cell=where.split("!")[1] if where else None))
    exam_date = None
    if clean_text(values.get("exam_date")):
        try:
            exam_date = parse_date(values["exam_date"])
        except ValueError as error:
            cell = header_cells["exam_date"].split("!")[1]
            problems.append(Problem(name, str(error), sheet=sheet.title, cell=cell))
    header = FormHeader(
        course_code=clean_text(values.get("course_code")).upper(),
        course_name=clean_text(values.get("course_name")),
        semester=clean_text(values.get("semester")),
        exam_form=clean_text(values.get("exam_form")),
        exam_date=exam_date,
        part=clean_text(values.get("part")),
    )
    form = ParsedForm(name, sheet.title, header, header_cells)

    # the two tables
    kinds_seen: dict[str, int] = {}
    if not any(kind == "ordinary" for _, kind, _ in section_rows):
        problem(None, None, "fant ikke tabellen «Ordinær kommisjon»")
    section_rows.sort()
    for index, (r, kind, c) in enumerate(section_rows):
        if kind in kinds_seen:
            problem(r, c, f"skjemaet har mer enn én tabell «{TABLE_TITLES[kind]}» (også rad {kinds_seen[kind] + 1});"
                          " en eksamen har bare én" + (" klagekommisjon" if kind == "appeal" else " ordinær kommisjon"))
            continue
        kinds_seen[kind] = r
        end = section_rows[index + 1][0] if index + 1 < len(section_rows) else len(grid)
        people = _read_table(grid, r + 1, end, problem)
        if kind == "ordinary":
            form.ordinary = people
            form.ordinary_title_cell = f"{sheet.title}!{ref(r, c)}"
        else:
            form.appeal = people
            form.appeal_title_cell = f"{sheet.title}!{ref(r, c)}"
    for person in form.ordinary + form.appeal:
        person.cell = f"{sheet.title}!{person.cell}"
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise FileProblems(problems)
    return form


def _find_sheet(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_row=15, values_only=True):
            if any(normalize_header(cell) == "emnekode" for cell in row):
                return sheet
    return None


def _read_table(grid, start: int, end: int, problem) -> list[FormExaminer]:
    """Rows after a table title: find the column header row, then one
    examiner per row until the next title; blank rows are skipped."""
    header_row = None
    columns: dict[str, int] = {}
    for r in range(start, min(end, start + 4)):
        found = {}
        for c, cell in enumerate(grid[r]):
            key = COLUMN_LOOKUP.get(normalize_header(cell))
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
    people: list[FormExaminer] = []
    seen: dict[str, int] = {}
    for r in range(header_row + 1, end):
        row = grid[r]
        cell = lambda key: row[columns[key]] if key in columns and columns[key] < len(row) else None  # noqa: E731
        if all(not clean_text(cell(key)) for key in columns):
            continue  # blank or decorative row
        name = clean_text(cell("name"))
        if not name:
            problem(r, columns["name"], "sensor mangler navn")
            continue
        email = clean_text(cell("email")).lower()
        try:
            external = _external(cell("internal_external"))
        except ValueError as error:
            problem(r, columns["internal_external"], str(error))
            continue
        if not EMAIL.match(email):
            problem(r, columns["email"], f"«{email or '(tom)'}» er ikke en gyldig e-postadresse")
            continue
        try:
            paid = _flag(cell("paid")) if "paid" in columns else None
        except ValueError as error:
            problem(r, columns["paid"], str(error))
            continue
        count = None
        if "candidate_count" in columns and clean_text(cell("candidate_count")):
            raw = cell("candidate_count")
            try:
                count = int(float(raw)) if not isinstance(raw, str) else int(clean_text(raw))
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
