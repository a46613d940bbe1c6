"""A corpus of spreadsheets as departments make them — candidate lists and
commission forms — each with the exact database content it must give or
the exact refusal. The .xlsx/.csv files are built in the test (openpyxl);
the .ods/.xls variants are LibreOffice conversions of some of them,
committed under tests/data/sheets/ (rebuild: `python -m tests.sheet_corpus`,
needs `soffice`).

Every case is imported into a fresh database holding the exams of `setup`.
"""
from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from eksamen_tui.domain.vocabulary import CommissionKind

FIXTURES = Path(__file__).parent / "data" / "sheets"
EXAM_DAY = date(2026, 12, 10)  # TDT4100 Skoleeksamen
OTHER_DAY = date(2026, 12, 14)  # TMA4100 Skoleeksamen (a day above 12 decides slash dates)


@dataclass
class Case:
    name: str  # the file name the case is imported as
    kind: str  # "candidates" | "form"
    build: Callable[[Path], None] | None  # writes the file; None: a committed fixture
    rows: list[tuple] = field(default_factory=list)  # the exact database content afterwards
    refusal: list[str] = field(default_factory=list)  # every text the refusal must contain
    warnings: list[str] = field(default_factory=list)  # every text the warnings must contain (in order)


# --- candidate lists -------------------------------------------------------------

FS_HEADER = ["Emnekode", "Eksamensdato", "Studentnr", "Kandidatnr", "Navn", "Målform"]
PEOPLE = [("700001", 301, "Nordmann, Kari", "bokmål"), ("700002", 302, "Hansen, Ola", "nynorsk"),
          ("700003", 303, "Berg, Siv", "bokmål")]
EXPECTED = [("TDT4100", EXAM_DAY, "700001", 301, "Kari Nordmann", "bokmål"),
            ("TDT4100", EXAM_DAY, "700002", 302, "Ola Hansen", "nynorsk"),
            ("TDT4100", EXAM_DAY, "700003", 303, "Siv Berg", "bokmål")]


def _sheet(path: Path, rows: list[list], *, title: str = "Kandidater", before=None, after=None, epoch=None) -> None:
    workbook = Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if before:
        before(workbook, sheet)
    workbook.save(path)
    if after:
        after(path)


def _fs_list(day="10.12.2026", header=FS_HEADER, people=PEOPLE, code="TDT4100"):
    return [["Kandidatliste fra FS"], [], header] + [[code, day, s, c, n, lang] for s, c, n, lang in people]


def _serial(day: date, base: date = date(1899, 12, 30)) -> int:
    return (day - base).days


def _hidden_row(row_number: int):
    def change(workbook, sheet):
        sheet.row_dimensions[row_number].hidden = True
    return change


def _hidden_old_copy(workbook, sheet):
    old = workbook.create_sheet("Gammel liste", 0)
    for row in _fs_list(people=[("799999", 999, "Gammel, Student", "bokmål")]):
        old.append(row)
    old.sheet_state = "hidden"


def _number_format(cell: str, fmt: str):
    def change(workbook, sheet):
        sheet[cell].number_format = fmt
    return change


def _csv(text: str, encoding: str, bom: bytes = b""):
    def build(path: Path) -> None:
        path.write_bytes(bom + text.encode(encoding))
    return build


def _zip(entries: dict[str, bytes]):
    def build(path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                archive.writestr(name, data)
    return build


WORKBOOK_XML = (b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                b'<sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        b'Target="worksheets/sheet1.xml"/></Relationships>')
ROOT_RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             b'officeDocument" Target="xl/workbook.xml"/></Relationships>')
CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 b'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                 b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')


def bomb_rows(path: Path) -> None:
    """About 1 KB: one cell in row 50,000,000."""
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="50000000"><c r="A50000000" t="inlineStr"><is><t>x</t></is></c></row>'
             b'</sheetData></worksheet>')
    _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK_XML,
          "xl/_rels/workbook.xml.rels": RELS, "xl/worksheets/sheet1.xml": sheet})(path)


def bomb_shared_strings(path: Path, megabytes: int = 40) -> None:
    """A small file whose sharedStrings.xml inflates to `megabytes` MB."""
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
    one = b"<si><t>" + b"A" * 1008 + b"</t></si>"  # 1 KB each
    strings = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               + one * (megabytes * 1024) + b"</sst>")
    _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK_XML,
          "xl/_rels/workbook.xml.rels": RELS, "xl/worksheets/sheet1.xml": sheet,
          "xl/sharedStrings.xml": strings})(path)


def bomb_columns(path: Path) -> None:
    """One cell in column XFD next to a header: a 16,384-column grid."""
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Emnekode</t></is></c>'
             b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK_XML,
          "xl/_rels/workbook.xml.rels": RELS, "xl/worksheets/sheet1.xml": sheet})(path)


CSV_ROWS = "\r\n".join(["\t".join(FS_HEADER)] + ["\t".join(["TDT4100", "10.12.2026", s, str(c), n, lang])
                                                   for s, c, n, lang in PEOPLE]) + "\r\n"

CANDIDATE_CASES = [
    Case("fs_standard.xlsx", "candidates", lambda p: _sheet(p, _fs_list()), EXPECTED),
    Case("english_headers.xlsx", "candidates", lambda p: _sheet(p, _fs_list(header=[
        "Course code", "Exam date", "Student number", "Candidate number", "Name", "Language"])), EXPECTED),
    Case("nynorsk_colons_case.xlsx", "candidates", lambda p: _sheet(p, _fs_list(header=[
        "EMNEKODE:", "Eksamensdato :", "Studentnummer", "Kandidat-nr.", "Namn", "målform"])), EXPECTED),
    Case("bilingual_headers.xlsx", "candidates", lambda p: _sheet(p, _fs_list(header=[
        "Emnekode / Course code", "Eksamensdato (Exam date)", "Studentnr / Student number",
        "Kandidatnr / Candidate no", "Navn / Name", "Målform / Language"])), EXPECTED),
    Case("date_cells.xlsx", "candidates", lambda p: _sheet(p, _fs_list(day=datetime(2026, 12, 10))), EXPECTED),
    Case("date_serials_1900.xlsx", "candidates", lambda p: _sheet(p, _fs_list(day=_serial(EXAM_DAY))), EXPECTED),
    Case("date_serials_1904.xlsx", "candidates",
         lambda p: _sheet(p, _fs_list(day=_serial(EXAM_DAY, date(1904, 1, 1))), epoch=CALENDAR_MAC_1904), EXPECTED),
    Case("date_iso_text.xlsx", "candidates", lambda p: _sheet(p, _fs_list(day="2026-12-10")), EXPECTED),
    Case("slash_dates_day_first.xlsx", "candidates",
         lambda p: _sheet(p, _fs_list(day="10/12/2026") + [["TMA4100", "14/12/2026", "700009", 309, "Vik, Mona",
                                                             "bokmål"]]),
         EXPECTED + [("TMA4100", OTHER_DAY, "700009", 309, "Mona Vik", "bokmål")]),
    Case("slash_dates_ambiguous.xlsx", "candidates", lambda p: _sheet(p, _fs_list(day="10/12/2026")),
         refusal=["slash_dates_ambiguous.xlsx, ark «Kandidater», rad 4, kolonne B: «10/12/2026»: kan ikke avgjøre om "
                  "skråstrek-datoene er dag/måned eller måned/dag"]),
    Case("hidden_row.xlsx", "candidates",
         lambda p: _sheet(p, _fs_list() + [["TDT4100", "10.12.2026", "700004", 304, "Skjult, Per", "bokmål"]],
                          before=_hidden_row(7)),
         EXPECTED, warnings=["hidden_row.xlsx, ark «Kandidater»: skjult rad 7 er hoppet over"]),
    Case("hidden_old_sheet_first.xlsx", "candidates", lambda p: _sheet(p, _fs_list(), before=_hidden_old_copy),
         EXPECTED),
    Case("student_numbers_as_numbers_000000.xlsx", "candidates",
         lambda p: _sheet(p, _fs_list(people=[(54321, 301, "Nordmann, Kari", "bokmål")]),
                          before=_number_format("C4", "000000")),
         [("TDT4100", EXAM_DAY, "054321", 301, "Kari Nordmann", "bokmål")]),
    Case("student_number_short.xlsx", "candidates",
         lambda p: _sheet(p, _fs_list(people=[(54321, 301, "Nordmann, Kari", "bokmål")])),
         [("TDT4100", EXAM_DAY, "54321", 301, "Kari Nordmann", "bokmål")],
         warnings=["studentnummer med færre enn 6 sifre på rad 4"]),
    Case("untrimmed_text.xlsx", "candidates", lambda p: _sheet(p, [FS_HEADER] + [
        ["  tdt4100 ", " 10.12.2026", " 700001\u00a0", " 301 ", "  Nordmann,\u00a0 Kari  ", " Bokmål "]]),
         [("TDT4100", EXAM_DAY, "700001", 301, "Kari Nordmann", "bokmål")]),
    Case("last_and_first_name.xlsx", "candidates", lambda p: _sheet(p, [
        ["Emnekode", "Dato", "Studentnr", "Kandidatnr", "Etternavn", "Fornavn"],
        ["TDT4100", "10.12.2026", "700001", 301, "Nordmann", "Kari"]]),
         [("TDT4100", EXAM_DAY, "700001", 301, "Kari Nordmann", "bokmål")]),
    Case("duplicate_candidate_number.xlsx", "candidates",
         lambda p: _sheet(p, _fs_list(people=PEOPLE[:2] + [("700003", 301, "Berg, Siv", "bokmål")])),
         refusal=["rad 6, kolonne D: kandidatnummer 301 står også på rad 4 for en annen student"]),
    Case("unknown_course.xlsx", "candidates", lambda p: _sheet(p, _fs_list(code="XYZ999")),
         refusal=["unknown_course.xlsx, ark «Kandidater», rad 4, kolonne A: ukjent emnekode «XYZ999»"]),
    Case("broken_zip.xlsx", "candidates", _zip({"notes.txt": b"not a workbook"}),
         refusal=["broken_zip.xlsx: kan ikke lese filen som Excel-arbeidsbok (.xlsx): den er skadet"]),
    Case("random_bytes.xlsx", "candidates", lambda p: p.write_bytes(bytes(range(256)) * 4),
         refusal=["random_bytes.xlsx: filen er ikke en Excel-arbeidsbok (.xlsx), selv om navnet slutter på .xlsx"]),
    Case("old_excel_named_xlsx.xlsx", "candidates", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" * 64),
         refusal=["old_excel_named_xlsx.xlsx: filen er en gammel Excel-fil (.xls)"]),
    Case("excel_unicode_text_utf16.csv", "candidates", _csv(CSV_ROWS, "utf-16-le", codecs.BOM_UTF16_LE), EXPECTED),
    Case("windows_1252_semicolon.csv", "candidates",
         _csv(CSV_ROWS.replace("\t", ";"), "cp1252"), EXPECTED),
    Case("comma_quoted_names.csv", "candidates", _csv(
        "Emnekode,Eksamensdato,Studentnr,Kandidatnr,Navn,Målform\n"
        + "".join(f'TDT4100,2026-12-10,{s},{c},"{n}",{lang}\n' for s, c, n, lang in PEOPLE), "utf-8"), EXPECTED),
    Case("bomb_row_50_million.xlsx", "candidates", bomb_rows,
         refusal=["bomb_row_50_million.xlsx, ark «Ark1»: arket oppgir rad 50 000 000; grensen er 50 000 rader"]),
    Case("bomb_shared_strings.xlsx", "candidates", bomb_shared_strings,
         refusal=["bomb_shared_strings.xlsx: tabellen over delte tekster (sharedStrings.xml) er 40 MB utpakket; "
                  "grensen er 25 MB"]),
    Case("bomb_columns.xlsx", "candidates", bomb_columns,
         refusal=["bomb_columns.xlsx, ark «Ark1»: arket strekker seg over 1 rader og 16 384 kolonner"]),
    Case("fs_standard.xls", "candidates", None, EXPECTED),
    Case("fs_standard.ods", "candidates", None, EXPECTED),
    Case("hidden_row.ods", "candidates", None, EXPECTED,
         warnings=["hidden_row.ods, ark «Kandidater»: skjult rad 7 er hoppet over"]),
    Case("hidden_old_sheet_first.ods", "candidates", None, EXPECTED),
]

# --- commission forms -----------------------------------------------------------------

ORDINARY = [("Kari Intern", "sensor", "Intern", "kari@ntnu.no", "NTNU", "Ja"),
            ("Eva Ekstern", "sensor", "Ekstern", "eva@uio.no", "UiO", None)]
APPEAL = [("Per Ny", "klagesensor", "Intern", "per@ntnu.no", "NTNU", "Nei"),
          ("Lise Ny", "klagesensor", "Ekstern", "lise@uib.no", "UiB", None)]
FORM_EXPECTED = sorted([
    (CommissionKind.APPEAL, "Lise Ny", "lise@uib.no", True, "klagesensor", False, None),
    (CommissionKind.APPEAL, "Per Ny", "per@ntnu.no", False, "klagesensor", False, None),
    (CommissionKind.ORDINARY, "Eva Ekstern", "eva@uio.no", True, "sensor", False, None),
    (CommissionKind.ORDINARY, "Kari Intern", "kari@ntnu.no", False, "sensor", True, None),
])
NB_LABELS = ("Emnekode", "Emnenavn", "Eksamensform", "Eksamensdato")
NB_TITLES = ("Ordinær kommisjon", "Klagekommisjon")
NB_COLUMNS = ["Navn", "Rolle", "Intern/ekstern", "E-post", "Arbeidsgiver", "Honorar (intern)"]


def _form(labels=NB_LABELS, day="10.12.2026", titles=NB_TITLES, columns=NB_COLUMNS, ordinary=ORDINARY,
          appeal=APPEAL, kind=lambda text: text, before=None, sheet_title="Kommisjonsskjema"):
    """A form laid out by hand the way a department does it: labels in
    column A, values in B, two tables with a title row and a header row."""
    def build(path: Path) -> None:
        rows = [["Kommisjonsskjema"], []]
        for label, value in zip(labels, ("TDT4100", "Objektorientert programmering", "Skoleeksamen", day)):
            rows.append([label, value])
        for title, people in zip(titles, (ordinary, appeal)):
            rows += [[], [title], list(columns)]
            rows += [[n, r, kind(k), e, w, p] for n, r, k, e, w, p in people]
        _sheet(path, rows, title=sheet_title, before=before)
    return build


def _yes_no(text):
    return "J" if text == "Ekstern" else "N"


def _x(text):
    return "x" if text == "Ekstern" else None


def _hidden_form_copy(workbook, sheet):
    old = workbook.create_sheet("Kopi (gammel)", 0)
    old.append(["Emnekode", "TDT4100"])
    old.append(["Eksamensform", "Skoleeksamen"])
    old.append(["Eksamensdato", "10.12.2026"])
    old.append(["Ordinær kommisjon"])
    old.append(NB_COLUMNS)
    old.append(["Gammel Sensor", "sensor", "Ekstern", "gammel@uio.no", "UiO", None])
    old.sheet_state = "hidden"


FORM_CASES = [
    Case("TDT4100_standard_kommisjonsskjema.xlsx", "form", _form(), FORM_EXPECTED),
    Case("TDT4100_english_kommisjonsskjema.xlsx", "form", _form(
        labels=("Course code", "Course name", "Form of assessment", "Exam date"),
        titles=("Ordinary commission", "Appeal commission"),
        columns=["Name", "Role", "Internal/External", "Email", "Employer", "Fee"]), FORM_EXPECTED),
    Case("TDT4100_nynorsk_kommisjonsskjema.xlsx", "form", _form(
        labels=("Emnekode", "Emnenamn", "Eksamensform", "Eksamensdato"),
        columns=["Namn", "Rolle", "Intern/ekstern", "E-post", "Arbeidsgjevar", "Honorar"]), FORM_EXPECTED),
    Case("TDT4100_colons_case_kommisjonsskjema.xlsx", "form", _form(
        labels=("EMNEKODE:", "Emnenavn :", "eksamensform:", "Eksamens-dato:"),
        columns=["NAVN", "rolle", "INTERN / EKSTERN", "e-post:", "Arbeidsgiver", "Honorar"]), FORM_EXPECTED),
    Case("TDT4100_serial_date_kommisjonsskjema.xlsx", "form", _form(day=_serial(EXAM_DAY)), FORM_EXPECTED),
    Case("TDT4100_iso_date_kommisjonsskjema.xlsx", "form", _form(day="2026-12-10"), FORM_EXPECTED),
    Case("TDT4100_date_cell_kommisjonsskjema.xlsx", "form", _form(day=datetime(2026, 12, 10)), FORM_EXPECTED),
    Case("TDT4100_ekstern_jn_kommisjonsskjema.xlsx", "form", _form(
        columns=["Navn", "Rolle", "Ekstern sensor (J/N)", "E-post", "Arbeidsgiver", "Honorar"], kind=_yes_no),
         FORM_EXPECTED),
    Case("TDT4100_ekstern_x_kommisjonsskjema.xlsx", "form", _form(
        columns=["Navn", "Rolle", "Ekstern", "E-post", "Arbeidsgiver", "Honorar"], kind=_x), FORM_EXPECTED),
    Case("TDT4100_checkmarks_kommisjonsskjema.xlsx", "form", _form(
        ordinary=[ORDINARY[0][:5] + ("✓",), ORDINARY[1]]), FORM_EXPECTED),
    Case("TDT4100_ja_nei_as_kind_kommisjonsskjema.xlsx", "form", _form(kind=lambda k: "Ja" if k == "Ekstern" else "Nei"),
         refusal=["ark «Kommisjonsskjema», celle C10: «Nei» passer ikke i kolonnen «Intern/ekstern»: ja/nei sier "
                  "ikke om sensoren er intern eller ekstern"]),
    Case("TDT4100_hidden_examiner_kommisjonsskjema.xlsx", "form", _form(
        ordinary=ORDINARY + [("Skjult Sensor", "sensor", "Ekstern", "skjult@uio.no", "UiO", None)],
        before=_hidden_row(12)), FORM_EXPECTED,
         warnings=["ark «Kommisjonsskjema»: skjult rad 12 er hoppet over"]),
    Case("TDT4100_hidden_old_copy_kommisjonsskjema.xlsx", "form", _form(before=_hidden_form_copy), FORM_EXPECTED),
    Case("TDT4100_slash_date_ambiguous_kommisjonsskjema.xlsx", "form", _form(day="10/12/2026"),
         refusal=["ark «Kommisjonsskjema», celle B6: «10/12/2026»: kan ikke avgjøre"]),
    Case("TDT4100_bomb_kommisjonsskjema.xlsx", "form", bomb_rows, refusal=["grensen er 50 000 rader"]),
    Case("TDT4100_standard_kommisjonsskjema.ods", "form", None, FORM_EXPECTED),
    Case("TDT4100_english_kommisjonsskjema.xls", "form", None, FORM_EXPECTED),
    Case("TDT4100_hidden_examiner_kommisjonsskjema.ods", "form", None, FORM_EXPECTED,
         warnings=["ark «Kommisjonsskjema»: skjult rad 12 er hoppet over"]),
]

CASES = CANDIDATE_CASES + FORM_CASES
BY_NAME = {case.name: case for case in CASES}


def build_case(case: Case, folder: Path) -> Path:
    path = folder / case.name
    if case.build is None:
        return FIXTURES / case.name
    case.build(path)
    return path


def convert_fixtures() -> None:
    """The committed .ods/.xls files: LibreOffice conversions of the .xlsx cases."""
    import shutil
    import subprocess
    import tempfile

    FIXTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for case in CASES:
            if case.build is not None:
                continue
            stem, suffix = case.name.rsplit(".", 1)
            source = BY_NAME[f"{stem}.xlsx"]
            built = build_case(source, folder)
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                            "--convert-to", {"ods": "ods", "xls": "xls:MS Excel 97"}[suffix],
                            "--outdir", str(folder / "out"), str(built)], check=True, capture_output=True)
            shutil.copy(folder / "out" / f"{stem}.{suffix}", FIXTURES / case.name)
            print(FIXTURES / case.name)


if __name__ == "__main__":
    convert_fixtures()
