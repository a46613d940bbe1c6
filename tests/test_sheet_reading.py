"""The spreadsheet reader's contract beyond the corpus: bounded reading
(bombs refused fast and small), values never guessed, warnings printed by
the CLI, two forms for one exam refused together, the samples import."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest

from eksamen_tui.excel.tabular import FileProblems, open_workbook, parse_date, slash_date_order
from eksamen_tui.services import commission_forms
from tests.backend import db_target
from tests.factories import add_exam
from tests.sheet_corpus import BY_NAME, EXAM_DAY, bomb_rows, bomb_shared_strings, build_case

# VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork+exec
MEASURE = """
import re, sys, time
start = time.perf_counter()
from eksamen_tui.excel.tabular import FileProblems, open_workbook
try:
    open_workbook(sys.argv[1]).sheet()
    print("READ")
except FileProblems as problems:
    print(problems.problems[0])
print(time.perf_counter() - start)
print(int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024)
"""


@pytest.mark.parametrize("bomb, expected", [
    (bomb_rows, "arket oppgir rad 50 000 000; grensen er 50 000 rader"),
    (lambda p: bomb_shared_strings(p, 120), "sharedStrings.xml) er 120 MB utpakket; grensen er 25 MB"),
])
def test_bombs_are_refused_fast_and_small(tmp_path, bomb, expected):
    path = tmp_path / "bomb.xlsx"
    bomb(path)
    assert path.stat().st_size < 1_000_000
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True)
    message, seconds, megabytes = out.stdout.strip().splitlines()
    assert expected in message
    assert float(seconds) < 5
    assert float(megabytes) < 200


def _ods(path: Path, rows_xml: str) -> None:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Ark1">'
               f'{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)


def test_ods_with_a_value_repeated_over_ten_million_rows_is_refused(tmp_path):
    path = tmp_path / "bomb.ods"
    _ods(path, '<table:table-row table:number-rows-repeated="10000000"><table:table-cell '
               'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    with pytest.raises(FileProblems) as caught:
        open_workbook(path).sheet()
    assert "bomb.ods, ark «Ark1»: arket har rad 10 000 000; grensen er 50 000 rader" in str(caught.value)


def test_ods_trailing_empty_rows_as_libreoffice_writes_them_are_fine(tmp_path):
    path = tmp_path / "liste.ods"
    _ods(path, '<table:table-row><table:table-cell office:value-type="string"><text:p>Emnekode</text:p>'
               '</table:table-cell></table:table-row>'
               '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
               'table:number-columns-repeated="1024"/></table:table-row>')
    assert open_workbook(path).sheet().rows == [["Emnekode"]]


def test_binary_junk_named_csv_is_not_a_header_problem(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(FileProblems) as caught:
        open_workbook(path).sheet()
    assert "liste.csv: filen er ikke en tekstfil (CSV)" in str(caught.value)


@pytest.mark.parametrize("value, expected", [
    (datetime(2026, 12, 10, 9, 0), date(2026, 12, 10)),
    (46366, date(2026, 12, 10)),
    (46366.375, date(2026, 12, 10)),  # a serial with a time of day
    ("46366", date(2026, 12, 10)),
    ("10.12.2026", date(2026, 12, 10)),
    ("10.12.26", date(2026, 12, 10)),
    ("2026-12-10", date(2026, 12, 10)),
    ("14/12/2026", date(2026, 12, 14)),
    ("12/12/2026", date(2026, 12, 12)),
])
def test_dates_as_people_write_them(value, expected):
    assert parse_date(value) == expected


def test_1904_serials_count_from_1904():
    assert parse_date(44904, date_1904=True) == date(2026, 12, 10)


@pytest.mark.parametrize("value, words", [
    (12, "er ikke en dato"),  # a small number is no exam date
    (True, "er ikke en dato"),
    (time(9, 0), "klokkeslett"),
    ("03/04/2026", "kan ikke avgjøre"),
    ("31.02.2026", "er ikke en dato"),
])
def test_dates_that_are_not_read_as_anything(value, words):
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    assert words in str(caught.value)


def test_slash_order_is_decided_by_the_whole_column():
    assert slash_date_order(["03/04/2026", "14/04/2026"]) == ("dmy", None)
    assert slash_date_order(["04/03/2026", "04/14/2026"]) == ("mdy", None)
    order, problem = slash_date_order(["14/04/2026", "04/14/2026"])
    assert order is None and "blander" in problem


def test_two_forms_for_one_exam_in_a_folder_are_refused_together(ctx, tmp_path):
    exam = add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY)
    folder = tmp_path / "innkommet"
    folder.mkdir()
    first = build_case(BY_NAME["TDT4100_standard_kommisjonsskjema.xlsx"], folder)
    second = build_case(BY_NAME["TDT4100_english_kommisjonsskjema.xlsx"], folder)
    results = commission_forms.import_path(ctx, folder)
    assert [(r.file, r.ok) for r in results] == [(second.name, False), (first.name, False)]
    for result in results:
        assert first.name in result.message and second.name in result.message
        assert "to skjema for samme eksamen (TDT4100 Skoleeksamen 10.12.2026)" in result.message
    with ctx.read() as s:
        from sqlmodel import select

        from eksamen_tui.db.models import Commission

        assert s.exec(select(Commission).where(Commission.exam_id == exam.id)).all() == []


def cli(*args):
    return subprocess.run([sys.executable, "-m", "eksamen_tui", *args], capture_output=True, text=True)


def test_cli_prints_each_warning_as_advarsel_and_exits_0(ctx, tmp_path):
    add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY)
    path = build_case(BY_NAME["hidden_row.xlsx"], tmp_path)
    out = cli("--db", db_target(tmp_path), "--today", "2026-11-23", "import", "candidates", str(path))
    assert out.returncode == 0, out.stderr
    warnings = [line for line in out.stdout.splitlines() if line.startswith("Advarsel:")]
    assert warnings == ["Advarsel: hidden_row.xlsx, ark «Kandidater»: skjult rad 7 er hoppet over "
                        "(vis radene hvis de skal med)"]
    assert "Importert 3 oppmeldinger" in out.stdout


def test_cli_commission_import_prints_warnings_and_skipped_files(ctx, tmp_path):
    add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY)
    folder = tmp_path / "skjema"
    folder.mkdir()
    build_case(BY_NAME["TDT4100_hidden_examiner_kommisjonsskjema.xlsx"], folder)
    (folder / "les meg.txt").write_text("notes")
    out = cli("--db", db_target(tmp_path), "--today", "2026-11-23", "import", "commission", str(folder))
    assert out.returncode == 0, out.stderr
    warnings = [line for line in out.stdout.splitlines() if line.startswith("Advarsel:")]
    assert warnings == [
        "Advarsel: les meg.txt: hoppet over: er ikke et regneark (.xlsx, .xlsm, .xls eller .ods)",
        "Advarsel: TDT4100_hidden_examiner_kommisjonsskjema.xlsx, ark «Kommisjonsskjema»: skjult rad 12 er hoppet "
        "over (vis radene hvis de skal med)",
    ]


@pytest.mark.slow("CLI processes: the demo database, then every sample imported")
def test_the_samples_import_cleanly_into_a_fresh_demo_database(tmp_path):
    """What the README tells a new user to do."""
    from eksamen_tui.services.demo import samples_dir

    db = tmp_path / "demo.db"
    assert cli("--today", "2026-11-23", "demo", str(db)).returncode == 0
    samples = sorted(samples_dir().iterdir(), key=lambda p: p.name)
    assert {p.suffix for p in samples} == {".xlsx", ".csv"}
    outputs = {}
    for sample in samples:
        kind = "commission" if "kommisjon" in sample.name else "candidates"
        out = cli("--db", str(db), "--today", "2026-11-23", "import", kind, str(sample))
        assert out.returncode == 0, out.stdout + out.stderr
        assert "FEIL" not in out.stdout and "Advarsel" not in out.stdout
        outputs[sample.suffix] = out.stdout
    assert "Importert 12 oppmeldinger og 12 nye studenter fra kandidatliste_eksempel.csv" in outputs[".csv"]
    # the .xlsx holds the same list: already there
    assert "Importert 0 oppmeldinger og 0 nye studenter" in outputs[".xlsx"]


@pytest.mark.parametrize("space", [" ", "\n", "\t", "\r\n"])
def test_a_far_cell_is_refused_whatever_white_space_precedes_its_reference(tmp_path, space):
    """The bounds scan reads cell references after any white space (it has a
    faster path for references after a plain space only)."""
    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    workbook = Workbook()
    workbook.active.append(["Emnekode", "Kandidatnr"])
    workbook.active.append(["INF100", 1])
    workbook.save(plain)
    far = tmp_path / "far.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(far, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # one more cell in column HZ (234 > 200 columns)
                data = data.replace(b"</row></sheetData>",
                                    f'<c{space}r="HZ2" t="n"><v>5</v></c></row></sheetData>'.encode())
                assert b'r="HZ2"' in data
            target.writestr(item, data)
    from eksamen_tui.excel.reader import _scan_xlsx_sheet

    with pytest.raises(FileProblems) as refused:  # by the scan, before calamine reads the sheet
        _scan_xlsx_sheet(far, "xl/worksheets/sheet1.xml", far.name, "Sheet")
    assert "234 kolonner" in str(refused.value.problems[0].message)
    with pytest.raises(FileProblems):
        open_workbook(far).sheet()
