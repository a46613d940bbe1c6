"""Commission forms: round trip through a form filled in by hand, the
corpus of broken and foreign files, exports without formulas."""
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from eksamen_tui.db.models import AuditEntry, Commission, CommissionMember, Examiner
from eksamen_tui.domain.vocabulary import CommissionKind
from eksamen_tui.excel.tabular import FileProblems
from eksamen_tui.services import commission_forms as svc
from tests.factories import add_exam
from tests.make_commission_corpus import CASES, FOLDER


@pytest.fixture
def exam(ctx):
    return add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10), candidates=5)


def commissions(ctx, exam_id):
    with ctx.read() as s:
        rows = s.exec(select(Commission.kind, Examiner.name, Examiner.email, Examiner.is_external,
                             CommissionMember.role, CommissionMember.is_paid, CommissionMember.candidate_count)
                      .join(CommissionMember, CommissionMember.commission_id == Commission.id)
                      .join(Examiner, Examiner.id == CommissionMember.examiner_id)
                      .where(Commission.exam_id == exam_id)).all()
    return sorted(rows)


def test_blank_form_filled_by_hand_imports_exactly_what_was_typed(ctx, exam, tmp_path):
    (path,) = svc.export_forms(ctx, [exam.id], tmp_path, blank=True)
    assert path.name == "TDT4100_Skoleeksamen_2026-12-10_kommisjonsskjema.xlsx"
    workbook = load_workbook(path)
    sheet = workbook.active
    # the way a person edits it: date as text, merged header cells, flags in words,
    # spaces, a blank row between examiners, headers in other case
    sheet["B6"] = "10.12.2026"
    sheet.merge_cells("B4:C4")
    sheet["D9"] = "  E-POST "
    rows = [
        ("Kari Nordmann ", "sensor", "Intern", "Kari@NTNU.no ", "NTNU", "Ja", None),
        None,
        ("Ola Ekstern", "sensor", "ekstern", "ola@uio.no", "UiO", None, 12),
        ("Siv Intern", "faglærer", "intern", "siv@ntnu.no", "NTNU", "Nei", None),
    ]
    for offset, values in enumerate(rows):
        if values:
            for column, value in enumerate(values, start=1):
                sheet.cell(row=10 + offset, column=column, value=value)
    for offset, values in enumerate([("Per Klage", "klagesensor", "Intern", "per@ntnu.no", "NTNU", "N", None),
                                     ("Lise Klage", "klagesensor", " EKSTERN ", "lise@uib.no", "UiB", None, None)]):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=23 + offset, column=column, value=value)
    workbook.save(path)

    plan = svc.plan_form_import(ctx, path)
    assert plan.changes[CommissionKind.ORDINARY].new == ["Kari Nordmann", "Ola Ekstern", "Siv Intern"]
    assert plan.changes[CommissionKind.APPEAL].new == ["Per Klage", "Lise Klage"]
    svc.apply_form_import(ctx, plan)
    assert commissions(ctx, exam.id) == sorted([
        (CommissionKind.ORDINARY, "Kari Nordmann", "kari@ntnu.no", False, "sensor", True, None),
        (CommissionKind.ORDINARY, "Ola Ekstern", "ola@uio.no", True, "sensor", False, 12),
        (CommissionKind.ORDINARY, "Siv Intern", "siv@ntnu.no", False, "faglærer", False, None),
        (CommissionKind.APPEAL, "Per Klage", "per@ntnu.no", False, "klagesensor", False, None),
        (CommissionKind.APPEAL, "Lise Klage", "lise@uib.no", True, "klagesensor", False, None),
    ])
    # exported again from the database and imported: nothing changes
    (again,) = svc.export_forms(ctx, [exam.id], tmp_path / "filled")
    plan = svc.plan_form_import(ctx, again)
    assert not plan.changes[CommissionKind.ORDINARY].any and not plan.changes[CommissionKind.APPEAL].any
    # a changed form: one removed, one changed, one new — shown before it is applied
    workbook = load_workbook(again)
    sheet = workbook.active
    sheet["A12"] = None
    sheet["B12"] = None
    sheet["C12"] = None
    sheet["D12"] = None
    sheet["E12"] = None
    sheet["F12"] = None
    sheet["G11"] = 14
    for column, value in enumerate(("Nina Ny", "sensor", "Intern", "nina@ntnu.no", "NTNU", "Ja"), start=1):
        sheet.cell(row=13, column=column, value=value)
    workbook.save(again)
    plan = svc.plan_form_import(ctx, again)
    change = plan.changes[CommissionKind.ORDINARY]
    assert (change.new, change.changed, change.removed) == (["Nina Ny"], ["Ola Ekstern"], ["Siv Intern"])
    svc.apply_form_import(ctx, plan)
    with ctx.read() as s:
        trail = s.exec(select(AuditEntry.old_value, AuditEntry.new_value).where(
            AuditEntry.entity == "commission", AuditEntry.field == "member")).all()
    assert ("Siv Intern", None) in trail and (None, "Nina Ny") in trail


def fingerprint(ctx) -> str:
    from tests.backend import db_fingerprint

    return db_fingerprint(ctx.engine)


def test_corpus_has_at_least_fifteen_files():
    assert len(CASES) >= 15
    assert sorted(p.name for p in FOLDER.glob("*.xlsx")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_broken_file_gives_its_error_and_changes_nothing(ctx, exam, name):
    # an existing commission that a broken file must not disturb
    svc.apply_form_import(ctx, svc.plan_form_import(ctx, _good_form(ctx, exam)))
    before = fingerprint(ctx)
    with pytest.raises(FileProblems) as caught:
        plan = svc.plan_form_import(ctx, FOLDER / name)
        svc.apply_form_import(ctx, plan)
    text = str(caught.value)
    assert CASES[name] in text
    assert name in text  # every problem names the file
    assert fingerprint(ctx) == before


def _good_form(ctx, exam) -> Path:
    folder = Path(os.environ["EKSAMEN_EXPORT_DIR"]).parent / "good"
    from tests.make_commission_corpus import APPEAL, HEADER, ORDINARY
    from eksamen_tui.excel.commission_form import write_form

    return write_form(folder / "TDT4100_Skoleeksamen_kommisjonsskjema.xlsx", HEADER, ORDINARY, APPEAL)


def test_errors_point_at_the_cell(ctx, exam):
    with pytest.raises(FileProblems) as caught:
        svc.plan_form_import(ctx, FOLDER / "bad_email.xlsx")
    (problem,) = [p for p in caught.value.problems if p.severity == "error"]
    assert (problem.sheet, problem.cell) == ("Kommisjonsskjema", "D10")
    assert "bad_email.xlsx, ark «Kommisjonsskjema», celle D10" in str(problem)


def test_folder_import_is_file_by_file_and_reports_what_it_skips(ctx, exam, tmp_path):
    folder = tmp_path / "innkommet"
    folder.mkdir()
    shutil.copy(_good_form(ctx, exam), folder / "TDT4100_Skoleeksamen_kommisjonsskjema.xlsx")
    shutil.copy(FOLDER / "bad_email.xlsx", folder / "TMA4100_Skoleeksamen_kommisjonsskjema.xlsx")
    (folder / "notater.xlsx").write_text("not a form, not named as one: skipped")
    (folder / "kommisjonsskjema.pdf").write_text("a scan")
    (folder / "~$TDT4100_Skoleeksamen_kommisjonsskjema.xlsx").write_text("Excel's lock file: silent")
    results = svc.import_path(ctx, folder)
    assert [(r.file, r.ok, r.skipped) for r in results] == [
        ("kommisjonsskjema.pdf", False, True), ("notater.xlsx", False, True),
        ("TDT4100_Skoleeksamen_kommisjonsskjema.xlsx", True, False),
        ("TMA4100_Skoleeksamen_kommisjonsskjema.xlsx", False, False)]
    assert results[0].message == "hoppet over: er ikke et regneark (.xlsx, .xlsm, .xls eller .ods)"
    assert results[1].message == "hoppet over: navnet sier ikke «kommisjonsskjema»"
    assert len(commissions(ctx, exam.id)) == 4


def test_second_appeal_commission_is_refused(ctx, exam):
    svc.apply_form_import(ctx, svc.plan_form_import(ctx, _good_form(ctx, exam)))
    from eksamen_tui.domain.errors import DomainError

    with pytest.raises(DomainError):
        with ctx.write() as s:
            svc.create_commission(s, ctx, exam.id, CommissionKind.APPEAL)


def test_exports_contain_no_formulas_even_for_hostile_text(ctx, tmp_path):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10))
    with ctx.write() as s:
        commission = Commission(exam_id=exam.id, kind=CommissionKind.ORDINARY)
        s.add(commission)
        s.flush()
        for name in ("=HYPERLINK(\"http://x\")", "+47 Sensor", "-Minus", "@Alfa"):
            examiner = Examiner(name=name, email=f"{abs(hash(name))}@x.no", employer="=1+1", is_external=True)
            s.add(examiner)
            s.flush()
            s.add(CommissionMember(commission_id=commission.id, examiner_id=examiner.id, role="@rolle"))
    paths = svc.export_forms(ctx, [exam.id], tmp_path) + [svc.export_directory(ctx, tmp_path / "dir.xlsx")]
    for path in paths:
        workbook = load_workbook(path)
        cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None]
        assert all(c.data_type != "f" for c in cells), path
        assert any(str(c.value).startswith("=HYPERLINK") for c in cells)


def test_cli_export_and_import(ctx, exam, tmp_path):
    import subprocess
    import sys

    from tests.backend import db_arg

    db = db_arg(ctx)
    ctx.engine.dispose()
    out = subprocess.run([sys.executable, "-m", "eksamen_tui", "--db", db, "export", "commission", "TDT4100",
                          "--blank", "--out", str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == str(tmp_path / "TDT4100_Skoleeksamen_2026-12-10_kommisjonsskjema.xlsx")
    assert (tmp_path / "TDT4100_Skoleeksamen_2026-12-10_kommisjonsskjema.xlsx").exists()
    out = subprocess.run([sys.executable, "-m", "eksamen_tui", "--db", db, "import", "commission",
                          str(FOLDER / "appeal_no_external.xlsx")], capture_output=True, text=True)
    assert out.returncode == 2 and "minst én ekstern" in out.stdout  # an input error
    assert len(out.stderr.splitlines()) == 1 and "appeal_no_external.xlsx" in out.stderr


def test_examiner_directory_counts_papers(ctx, exam):
    from eksamen_tui.services.attendance import mark_unmarked_attended

    from dataclasses import replace

    mark_unmarked_attended(replace(ctx, today=lambda: exam.exam_date), exam.id)  # on the exam day
    svc.apply_form_import(ctx, svc.plan_form_import(ctx, _good_form(ctx, exam)))
    lines = {line.name: line for line in svc.examiner_directory(ctx)}
    assert lines["Kari Intern"].papers == 5 and lines["Per Ny"].papers == 0
    assert lines["Per Ny"].exams == ["TDT4100 10.12 (klage)"]


def test_overview_judges_commissions_by_the_domain_rules(ctx):
    """The status list applies the same rules as sending appeals: an appeal
    commission with an examiner from the ordinary commission is not complete."""
    from tests.test_appeals_service import commission

    ok = add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10))
    reused = add_exam(ctx, code="TMA4100", exam_date=date(2026, 12, 11))
    for exam, appeal in ((ok, [("Ny Intern", False), ("Ny Ekstern", True)]),
                         (reused, [("Ordinær Intern", False), ("Ny Ekstern", True)])):
        commission(ctx, exam, CommissionKind.ORDINARY, [("Ordinær Intern", False), ("Ordinær Ekstern", True)])
        commission(ctx, exam, CommissionKind.APPEAL, appeal)
    statuses = {row.course_code: row.status for row in svc.commission_overview(ctx)}
    assert statuses == {"TDT4100": "komplett", "TMA4100": "klagekommisjon ufullstendig"}


def test_refilled_form_is_the_same_as_a_fresh_one():
    """FormWorkbooks reuses one layout for many exams: a form filled after
    another (more examiners before, fewer now) equals one built from scratch."""
    from eksamen_tui.excel.commission_form import FormExaminer, FormHeader, FormWorkbooks, form_workbook

    first = FormHeader("AAA1", "Navn A", "2026H", "Skoleeksamen", date(2026, 11, 12), "Del 1")
    second = FormHeader("BBB2", "Navn B", "2026H", "Muntlig", date(2026, 12, 1), "")
    many = [FormExaminer("=Ola", "sensor", True, "a@b.no", "UiO", False, 3),
            FormExaminer("Kari", "sensor", False, "k@b.no", "NTNU", True, None)]
    one = [FormExaminer("Per", "klagesensor", True, "p@b.no", "UiB", False, 7)]

    def content(workbook):
        sheet = workbook.active
        return ([(c.coordinate, c.value, c.data_type, c.number_format, c.style) for row in sheet.iter_rows() for c in row],
                sheet.oddHeader.center.text, sheet.print_area)

    forms = FormWorkbooks()
    forms.fill(first, many, many)
    assert content(forms.fill(second, one, [])) == content(form_workbook(second, one, []))
