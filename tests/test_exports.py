"""Every export as an office uses it: private files with unique names, A4
print setup, Norwegian dates, drop-downs that refuse other values, the
protocol's Merknad — and, when LibreOffice is installed, checked as printed
(#13 item 4, #14 items 5 and 7)."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from eksamen_tui.db.models import Commission, CommissionMember, Examiner, Registration
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.domain.vocabulary import CommissionKind
from eksamen_tui.services import appeals, attendance, grades, papers
from eksamen_tui.services.commission_forms import export_directory, export_forms
from eksamen_tui.services.protocol_export import export_protocol
from tests.factories import add_exam, as_clerk

EXAM_DATE = date(2026, 10, 27)
PUBLISHED = date(2026, 11, 13)
RECEIPT_EXAM_DATE = date(2026, 12, 10)
GRADES = "ABCDEF"


def _commission(ctx, exam_id: int, kind: str, people: list[tuple[str, bool]]) -> None:
    with ctx.write() as s:
        commission = Commission(exam_id=exam_id, kind=kind)
        s.add(commission)
        s.flush()
        for name, external in people:
            examiner = s.exec(select(Examiner).where(Examiner.name == name)).first()
            if examiner is None:
                examiner = Examiner(name=name, email=f"{name.split()[0].lower()}@uni.no", employer="Universitetet",
                                    is_external=external)
                s.add(examiner)
                s.flush()
            s.add(CommissionMember(commission_id=commission.id, examiner_id=examiner.id))


def printable_exam(ctx, *, candidates: int = 50, code: str = "DAT200", withdrawn: int = 1):
    """A graded, published exam with commissions, one corrected grade, two
    appeals sent to the appeal commission, `withdrawn` withdrawn candidates
    (with a date) and a paper delivery: something for every export."""
    exam = add_exam(ctx, code=code, name="Algoritmer & datastrukturer", exam_date=EXAM_DATE,
                    candidates=candidates + withdrawn)
    for number in range(101 + candidates, 101 + candidates + withdrawn):
        attendance.set_state(ctx, exam.id, number, AttendanceState.WITHDRAWN, on_date=EXAM_DATE - timedelta(days=20))
    attendance.mark_unmarked_attended(ctx, exam.id)
    _commission(ctx, exam.id, CommissionKind.ORDINARY, [("Kari Nordmann", False), ("Ola Ekstern", True)])
    _commission(ctx, exam.id, CommissionKind.APPEAL, [("Nina Klage", False), ("Per Ekstern", True)])
    for index in range(candidates):
        grades.enter_grade(ctx, exam.id, 101 + index, GRADES[index % 6])
        grades.control_grade(as_clerk(ctx), exam.id, 101 + index, GRADES[index % 6])
    grades.correct_grade(ctx, exam.id, 101, "B", "typo")
    grades.publish(ctx, exam.id, PUBLISHED)
    with ctx.read() as s:
        ids = dict(s.exec(select(Registration.candidate_number, Registration.id)
                          .where(Registration.exam_id == exam.id)).all())
    for number in (102, 103):
        appeals.register_case(ctx, ids[number], "grade_appeal")
    appeals.send_to_commission(ctx, exam.id, PUBLISHED + timedelta(days=5))
    coming = add_exam(ctx, code=code, exam_date=RECEIPT_EXAM_DATE)  # papers are received before the exam
    delivery = papers.register_delivery(ctx, coming.id, checklist={}, delivered_by="Faglærer")
    return exam, delivery


def export_all(ctx, exam, delivery, folder: Path | None = None) -> dict[str, Path]:
    """Each export once, into `folder` (None: the export folder)."""
    return {
        "protokoll": export_protocol(ctx, exam.id, folder),
        "oppmote": attendance.export_attendance(ctx, exam.id, folder),
        "klagesensur": appeals.blind_export(ctx, exam.id, folder),
        "kommisjonsskjema": export_forms(ctx, [exam.id], folder or Path(os.environ["EKSAMEN_EXPORT_DIR"]))[0],
        "sensoroversikt": export_directory(ctx, folder),
        "kvittering": papers.export_receipt(ctx, delivery.exam_id, delivery.id, "txt", folder),
    }


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def exported(ctx):
    exam, delivery = printable_exam(ctx)
    return exam, delivery, export_all(ctx, exam, delivery)


# --- private, unique, never overwritten --------------------------------------------------

def test_exports_are_private_and_named_per_exam(ctx, exported, tmp_path):
    exam, delivery, paths = exported
    folder = tmp_path / "exports"
    assert mode(folder) == 0o700
    assert {p.parent for p in paths.values()} == {folder}
    assert all(mode(p) == 0o600 for p in paths.values())
    assert paths["protokoll"].name == "DAT200_2026-10-27_Skoleeksamen_protokoll.xlsx"
    assert paths["oppmote"].name == "DAT200_2026-10-27_Skoleeksamen_oppmote.xlsx"
    assert paths["klagesensur"].name == "DAT200_2026-10-27_Skoleeksamen_klagesensur.xlsx"
    assert paths["kommisjonsskjema"].name == "DAT200_Skoleeksamen_2026-10-27_kommisjonsskjema_utfylt.xlsx"
    assert paths["sensoroversikt"].name == "sensoroversikt_2026-11-23.xlsx"
    assert paths["kvittering"].name.startswith("kvittering_DAT200_2026-12-10_Skoleeksamen_")
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left

    again = export_all(ctx, exam, delivery)
    for kind, path in again.items():
        assert path != paths[kind] and path.name.startswith(paths[kind].stem + " (2)"), kind
        assert paths[kind].exists() and mode(path) == 0o600


def test_a_hostile_course_code_stays_in_the_export_folder(ctx, tmp_path):
    exam, delivery = printable_exam(ctx, candidates=4, code="../../x", withdrawn=0)
    paths = export_all(ctx, exam, delivery)
    folder = (tmp_path / "exports").resolve()
    assert all(p.resolve().parent == folder for p in paths.values()), paths
    assert paths["protokoll"].name == "x_2026-10-27_Skoleeksamen_protokoll.xlsx"
    assert not (tmp_path.parent / "x_2026-10-27_Skoleeksamen_protokoll.xlsx").exists()


def test_commission_forms_get_one_file_per_exam(ctx, tmp_path):
    first = add_exam(ctx, code="DAT200", exam_date=date(2026, 10, 27))
    second = add_exam(ctx, code="DAT200", exam_date=date(2026, 12, 2))
    blank = export_forms(ctx, [first.id, second.id], tmp_path, blank=True)
    filled = export_forms(ctx, [first.id], tmp_path)
    assert [p.name for p in blank + filled] == [
        "DAT200_Skoleeksamen_2026-10-27_kommisjonsskjema.xlsx", "DAT200_Skoleeksamen_2026-12-02_kommisjonsskjema.xlsx",
        "DAT200_Skoleeksamen_2026-10-27_kommisjonsskjema_utfylt.xlsx"]
    again = export_forms(ctx, [first.id], tmp_path, blank=True)
    assert [p.name for p in again] == ["DAT200_Skoleeksamen_2026-10-27_kommisjonsskjema (2).xlsx"]
    assert len(list(tmp_path.glob("*.xlsx"))) == 4  # what was written is what is there


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    from eksamen_tui.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_refuses_an_empty_out_and_prints_what_it_wrote(ctx, tmp_path, monkeypatch, capsys):
    add_exam(ctx, code="DAT200", exam_date=date(2026, 10, 27))
    add_exam(ctx, code="DAT200", exam_date=date(2026, 12, 2))
    from tests.backend import db_arg

    db = db_arg(ctx)
    ctx.engine.dispose()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    for command in (["export", "protocol", "DAT200", "--date", "2026-10-27"], ["export", "commission", "DAT200"]):
        code, _, err = _cli(capsys, "--db", db, *command, "--out", "")
        assert code != 0 and "--out er tom" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written in the current or home folder
    target = tmp_path / "skjema"
    code, out, err = _cli(capsys, "--db", db, "export", "commission", "DAT200", "--blank", "--out", str(target))
    assert code == 0, err
    printed = out.splitlines()
    assert printed[:-1] == sorted(str(p) for p in target.iterdir()) and len(printed) == 3
    assert printed[-1] == f"2 skjema skrevet til {target}"
    code, out, err = _cli(capsys, "--db", db, "export", "protocol", "DAT200", "--date", "2026-10-27", "--out", str(target))
    assert code == 0, err
    assert out == f"Protokoll skrevet til {target / 'DAT200_2026-10-27_Skoleeksamen_protokoll.xlsx'}\n"


# --- paper ----------------------------------------------------------------------------------

PRINTED = {  # export: (orientation, heading row text in column A, repeated rows)
    "protokoll": ("portrait", "Kandidatnr", True),
    "oppmote": ("landscape", "Kandidatnr", True),
    "klagesensur": ("portrait", "Kandidatnr", True),
    "kommisjonsskjema": ("landscape", None, False),
    "sensoroversikt": ("landscape", "Navn", True),
}


def test_printable_exports_are_set_up_for_a4(exported):
    _, _, paths = exported
    for kind, (orientation, heading, repeated) in PRINTED.items():
        for sheet in load_workbook(paths[kind]).worksheets:
            setup = sheet.page_setup
            assert (str(setup.paperSize), setup.orientation) == ("9", orientation), kind
            assert (setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
            header = sheet.oddHeader.center.text
            if kind == "sensoroversikt":
                assert header == "Sensoroversikt per 23.11.2026"
            else:
                assert "DAT200 Algoritmer && datastrukturer" in header, kind  # '&' escaped in page headers
                assert "Skoleeksamen 27.10.2026" in header, kind
            if repeated:
                first, _, last = sheet.print_title_rows.replace("$", "").partition(":")
                assert first == last and sheet.cell(row=int(first), column=1).value == heading, kind


def test_dates_are_written_the_norwegian_way(exported):
    _, _, paths = exported
    dated = []
    for kind in PRINTED:
        for sheet in load_workbook(paths[kind]).worksheets:
            for row in sheet.iter_rows():
                dated += [(kind, cell.number_format) for cell in row if getattr(cell, "is_date", False)]
    assert ("oppmote", "DD.MM.YYYY") in dated and ("kommisjonsskjema", "DD.MM.YYYY") in dated
    assert {number_format for _, number_format in dated} == {"DD.MM.YYYY"}


def test_the_form_drop_downs_refuse_other_values_in_bokmal(exported):
    _, _, paths = exported
    sheet = load_workbook(paths["kommisjonsskjema"]).active
    rules = sheet.data_validations.dataValidation
    assert {rule.formula1 for rule in rules} == {'"Intern,Ekstern"', '"Ja,Nei"', "0"}
    for rule in rules:
        assert rule.showErrorMessage is True and rule.errorStyle == "stop"
        assert rule.errorTitle == "Ugyldig verdi"
    assert {rule.error for rule in rules} == {"Velg «Intern» eller «Ekstern» fra listen.",
                                              "Velg «Ja» eller «Nei» fra listen.", "Skriv et helt tall fra 0 til 10000."}


def test_the_protocol_merknad_carries_corrections_and_appeal_grades(ctx, exported):
    exam, _, paths = exported
    with ctx.read() as s:
        case = s.exec(select(appeals.Case).join(Registration, Registration.id == appeals.Case.registration_id)
                      .where(Registration.candidate_number == 103, Registration.exam_id == exam.id)).one()
    appeals.enter_new_grade(ctx, case.id, "B")
    appeals.close_case(ctx, case.id, date(2026, 11, 23))
    rows = {r[0]: r for r in load_workbook(export_protocol(ctx, exam.id)).active.iter_rows(values_only=True)}
    assert rows["101"][1:3] == ("B", "korrigert A → B (typo: skrivefeil ved registrering)")
    assert rows["104"][1:3] == ("D", None)
    assert rows["102"][2] == "sperret (klage)"  # still under appeal: the grade is not printed
    assert rows["103"][1:3] == ("B", "klage C → B (appeal: ny karakter etter klage)")


# --- checked as printed ------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _pdf_pages(pdf: Path) -> list[tuple[tuple[float, float], str]]:
    from pypdf import PdfReader

    return [((float(page.mediabox.width), float(page.mediabox.height)), page.extract_text())
            for page in PdfReader(pdf).pages]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) er ikke installert; .ci/run installerer den")
@pytest.mark.slow("LibreOffice renders the exports to PDF")
def test_exports_print_on_a4_as_expected(ctx, tmp_path):
    """All printable exports rendered by LibreOffice in one run: A4, the page
    counts an office expects, and every page carries the first and the last
    column heading (no column on a page of its own)."""
    big_ctx_exam, big_delivery = printable_exam(ctx, candidates=200, code="BIG200")
    small_exam, small_delivery = printable_exam(ctx, candidates=50, code="DAT200")
    folder = tmp_path / "print"
    small = export_all(ctx, small_exam, small_delivery, folder)
    big = export_protocol(ctx, big_ctx_exam.id, folder)
    sources = [p for kind, p in small.items() if kind in PRINTED] + [big]
    profile = tmp_path / "lo-profile"
    out = subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                          "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, sources)],
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    pages = {source: _pdf_pages(tmp_path / "pdf" / f"{source.stem}.pdf") for source in sources}

    columns = {"protokoll": ("Kandidatnr", "Merknad"), "oppmote": ("Kandidatnr", "Forsøk"),
               "klagesensur": ("Kandidatnr", "Ny karakter"), "sensoroversikt": ("Navn", "Eksamener"),
               "kommisjonsskjema": ("Navn", "(ekstern, muntlig)")}
    for kind, (first, last) in columns.items():
        printed = pages[small[kind]]
        for number, ((width, height), text) in enumerate(printed, start=1):
            a4 = (595, 842) if PRINTED[kind][0] == "portrait" else (842, 595)
            assert (round(width), round(height)) == a4, (kind, number)
            assert first in text and last in text, (kind, number, text[:200])
    assert len(pages[small["protokoll"]]) == 1  # 50 candidates and the signatures on one page
    assert len(pages[small["kommisjonsskjema"]]) == 1
    big_pages = pages[big]
    assert 2 <= len(big_pages) <= 5
    assert all("Kandidatnr" in text and "Merknad" in text for _, text in big_pages)
    assert "Signatur" not in "".join(text for _, text in big_pages[:-1])
    assert big_pages[-1][1].count("Dato: ____") == 2  # both examiners sign on the last page
    assert "BIG200 Algoritmer & datastrukturer – Skoleeksamen 27.10.2026" in big_pages[-1][1]  # page header
