"""Generate the corpus of broken and foreign commission forms under
tests/data/commission_forms/ (committed; run again after changing the
template: `python -m tests.make_commission_corpus`).

Every file is meant for an exam TDT4100 Skoleeksamen 10.12.2026; CASES
says which error each must give."""
from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

from eksamen_tui.excel.commission_form import FormExaminer, FormHeader, write_form

FOLDER = Path(__file__).parent / "data" / "commission_forms"
HEADER = FormHeader("TDT4100", "Objektorientert programmering", "2026H", "Skoleeksamen", date(2026, 12, 10))
ORDINARY = [FormExaminer("Kari Intern", "sensor", False, "kari@ntnu.no", "NTNU", True),
            FormExaminer("Eva Ekstern", "sensor", True, "eva@uio.no", "UiO")]
APPEAL = [FormExaminer("Per Ny", "klagesensor", False, "per@ntnu.no", "NTNU"),
          FormExaminer("Lise Ny", "klagesensor", True, "lise@uib.no", "UiB")]

# file name -> the words its error must contain
CASES = {
    "wrong_sheet.xlsx": "fant ikke kommisjonsskjemaet",
    "missing_email_column.xlsx": "mangler kolonnen «E-post»",
    "bad_email.xlsx": "er ikke en gyldig e-postadresse",
    "unknown_course.xlsx": "ukjent emnekode «XYZ999»",
    "duplicate_examiner.xlsx": "står to ganger i samme tabell",
    "appeal_one_examiner.xlsx": "minst to sensorer",
    "appeal_no_external.xlsx": "minst én ekstern",
    "appeal_reuses_ordinary.xlsx": "fra den ordinære kommisjonen",
    "not_really_xlsx.xlsx": "ikke en Excel-arbeidsbok",
    "empty.xlsx": "filen er tom",
    "bad_date.xlsx": "er ikke en dato",
    "no_such_exam_date.xlsx": "har ingen Skoleeksamen 11.12.2026",
    "missing_course_code.xlsx": "feltet «Emnekode» er tomt",
    "bad_flag.xlsx": "er ikke ja/nei",
    "bad_internal_external.xlsx": "verken intern eller ekstern",
    "no_ordinary_table.xlsx": "fant ikke tabellen «Ordinær kommisjon»",
    "two_appeal_tables.xlsx": "mer enn én tabell «Klagekommisjon»",
    "zip_not_workbook.xlsx": "den er skadet eller av en annen type",
    "empty_ordinary.xlsx": "minst én sensor",
    "examiner_without_name.xlsx": "sensor mangler navn",
    "wrong_exam_form.xlsx": "har ingen Hjemmeeksamen 10.12.2026",
}


def _valid(path: Path, header=HEADER, ordinary=ORDINARY, appeal=APPEAL) -> Path:
    return write_form(path, header, ordinary, appeal)


def _edit(path: Path, change) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    change(workbook.active)
    workbook.save(path)


def build(folder: Path = FOLDER) -> None:
    from dataclasses import replace

    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    f = lambda name: folder / name  # noqa: E731

    workbook = Workbook()
    workbook.active.title = "Ark1"
    workbook.active.append(["Navn", "E-post"])
    workbook.active.append(["Kari Intern", "kari@ntnu.no"])
    workbook.save(f("wrong_sheet.xlsx"))

    _valid(f("missing_email_column.xlsx"))
    _edit(f("missing_email_column.xlsx"), lambda ws: setattr(ws["D9"], "value", "Kontor"))

    _valid(f("bad_email.xlsx"), ordinary=[replace(ORDINARY[0], email="kari(at)ntnu.no"), ORDINARY[1]])
    _valid(f("unknown_course.xlsx"), header=replace(HEADER, course_code="XYZ999"))
    _valid(f("duplicate_examiner.xlsx"), ordinary=[ORDINARY[0], ORDINARY[1], ORDINARY[0]])
    _valid(f("appeal_one_examiner.xlsx"), appeal=[APPEAL[1]])
    _valid(f("appeal_no_external.xlsx"), appeal=[APPEAL[0], replace(APPEAL[1], is_external=False)])
    _valid(f("appeal_reuses_ordinary.xlsx"), appeal=[APPEAL[1], ORDINARY[0]])
    f("not_really_xlsx.xlsx").write_text("Emnekode;Navn\nTDT4100;Kari\n", encoding="utf-8")
    f("empty.xlsx").write_bytes(b"")
    _valid(f("bad_date.xlsx"))
    _edit(f("bad_date.xlsx"), lambda ws: setattr(ws["B6"], "value", "31.02.2026"))
    _valid(f("no_such_exam_date.xlsx"), header=replace(HEADER, exam_date=date(2026, 12, 11)))
    _valid(f("missing_course_code.xlsx"), header=replace(HEADER, course_code=""))
    _valid(f("bad_flag.xlsx"))
    _edit(f("bad_flag.xlsx"), lambda ws: setattr(ws["F10"], "value", "kanskje"))
    _valid(f("bad_internal_external.xlsx"))
    _edit(f("bad_internal_external.xlsx"), lambda ws: setattr(ws["C11"], "value", "gjest"))
    _valid(f("no_ordinary_table.xlsx"))
    _edit(f("no_ordinary_table.xlsx"), lambda ws: setattr(ws["A8"], "value", "Sensorer"))
    _valid(f("two_appeal_tables.xlsx"))
    _edit(f("two_appeal_tables.xlsx"), lambda ws: setattr(ws["A8"], "value", "Klagekommisjon"))
    with zipfile.ZipFile(f("zip_not_workbook.xlsx"), "w") as archive:
        archive.writestr("notes.txt", "this is a zip, not a workbook")
    _valid(f("empty_ordinary.xlsx"), ordinary=[])
    _valid(f("examiner_without_name.xlsx"))
    _edit(f("examiner_without_name.xlsx"), lambda ws: setattr(ws["A11"], "value", None))
    _valid(f("wrong_exam_form.xlsx"), header=replace(HEADER, exam_form="Hjemmeeksamen"))


if __name__ == "__main__":
    build()
    print(f"{len(CASES)} files in {FOLDER}")
