"""Candidate-list import: tolerant reading, all-or-nothing, precise errors."""
import subprocess
import sys
from datetime import date

import pytest
from openpyxl import Workbook
from sqlmodel import select

from eksamen_tui.db.models import AuditEntry, Registration, Student
from eksamen_tui.excel.tabular import FileProblems
from eksamen_tui.services.candidate_import import apply_import, plan_import
from tests.factories import add_exam

HEADER = ["Emnekode", "Eksamensdato", "Studentnr", "Kandidatnr", "Navn", "Målform"]


def xlsx(path, rows, header=HEADER, title_rows=1):
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["Kandidatliste fra FS"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def good_rows(n=5, code="TDT4100", day="10.12.2026"):
    return [[code, day, str(700001 + i), 201 + i, f"Nordmann, Kari {i}", "nynorsk" if i == 0 else "bokmål"]
            for i in range(n)]


@pytest.fixture
def exam(ctx):
    return add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10))


def registrations(ctx, exam_id):
    with ctx.read() as s:
        return s.exec(select(Registration.candidate_number, Student.student_number, Student.name,
                             Registration.language_form)
                      .join(Student, Student.id == Registration.student_id)
                      .where(Registration.exam_id == exam_id).order_by(Registration.candidate_number)).all()


def test_xlsx_import_with_shuffled_columns_odd_headers_and_blank_rows(ctx, exam, tmp_path):
    header = [" kandidat-nr. ", "STUDENTNUMMER", "Navn", "emne", "Dato", "maalform"]
    rows = [[201, 700001, "Nordmann, Kari", "tdt4100 ", date(2026, 12, 10), "NN"], [None] * 6,
            [202, "700002", "Ola Nordmann  ", "TDT4100", "2026-12-10", "bokmål"]]
    plan = plan_import(ctx, xlsx(tmp_path / "liste.xlsx", rows, header=header))
    assert len(plan.new_registrations) == 2 and len(plan.new_students) == 2
    result = apply_import(ctx, plan)
    assert result.registrations == 2
    assert registrations(ctx, exam.id) == [(201, "700001", "Kari Nordmann", "nynorsk"),
                                           (202, "700002", "Ola Nordmann", "bokmål")]
    with ctx.read() as s:
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.field == "candidates_imported")).all()
    assert (entry.old_value, entry.new_value, entry.note) == ("0", "2", "liste.xlsx")
    with ctx.read() as s:
        added = s.exec(select(AuditEntry.entity_id, AuditEntry.new_value, AuditEntry.clerk)
                       .where(AuditEntry.entity == "registration", AuditEntry.field == "imported")).all()
        ids = dict(s.exec(select(Registration.candidate_number, Registration.id)
                          .where(Registration.exam_id == exam.id)).all())
    # each registration the import added has its own audit row
    assert sorted(added) == sorted([(ids[201], "kandidat 201", ctx.clerk), (ids[202], "kandidat 202", ctx.clerk)])


def test_csv_with_semicolons_and_bom(ctx, exam, tmp_path):
    path = tmp_path / "liste.csv"
    lines = [";".join(HEADER)] + [";".join(str(c) for c in row) for row in good_rows(3)]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    result = apply_import(ctx, plan_import(ctx, path))
    assert result.registrations == 3
    assert [r[0] for r in registrations(ctx, exam.id)] == [201, 202, 203]


def test_reimport_is_idempotent(ctx, exam, tmp_path):
    path = xlsx(tmp_path / "a.xlsx", good_rows(4))
    apply_import(ctx, plan_import(ctx, path))
    plan = plan_import(ctx, path)
    assert plan.new_registrations == [] and plan.unchanged == 4
    assert apply_import(ctx, plan).registrations == 0
    assert len(registrations(ctx, exam.id)) == 4


def db_fingerprint(ctx) -> str:
    """A hash of every row of every table (the database's full content)."""
    from tests.backend import db_fingerprint

    return db_fingerprint(ctx.engine, include_file=True)


@pytest.mark.parametrize("bad_row, column, words", [
    (["TDT9999", "10.12.2026", "700099", 299, "X Y", "bokmål"], "A", "ukjent emnekode «TDT9999»"),
    (["TDT4100", "11.12.2026", "700099", 299, "X Y", "bokmål"], "B", "har ingen eksamen 11.12.2026"),
    (["TDT4100", "31.02.2026", "700099", 299, "X Y", "bokmål"], "B", "er ikke en dato"),
    (["TDT4100", "10.12.2026", "12ab", 299, "X Y", "bokmål"], "C", "er ikke et studentnummer"),
    (["TDT4100", "10.12.2026", "700099", 700099, "X Y", "bokmål"], "D", "ligner et studentnummer"),
    (["TDT4100", "10.12.2026", "700099", "", "X Y", "bokmål"], "D", "kandidatnummer mangler"),
    (["TDT4100", "10.12.2026", "700099", 201, "X Y", "bokmål"], "D", "står også på rad 4"),
    (["TDT4100", "10.12.2026", "700099", 299, "", "bokmål"], "E", "navn mangler"),
    (["TDT4100", "10.12.2026", "700099", 299, "X Y", "svensk"], "F", "ukjent målform"),
])
def test_one_bad_row_changes_nothing_and_names_row_and_column(ctx, exam, tmp_path, bad_row, column, words):
    path = xlsx(tmp_path / "broken.xlsx", good_rows(5) + [bad_row])
    before = db_fingerprint(ctx)
    with pytest.raises(FileProblems) as caught:
        plan_import(ctx, path)
    (problem,) = caught.value.problems
    assert problem.row == 9 and problem.column == column
    assert words in problem.message
    assert f"broken.xlsx, ark «Sheet», rad 9, kolonne {column}" in str(problem)
    assert db_fingerprint(ctx) == before


def test_cli_import_of_a_broken_file_exits_nonzero_and_leaves_the_file_byte_for_byte(ctx, exam, tmp_path):
    path = xlsx(tmp_path / "broken.xlsx", good_rows(3) + [["TDT4100", "10.12.2026", "700010", 201, "Dup", "bokmål"]])
    from tests.backend import db_arg

    db = db_arg(ctx)
    before = db_fingerprint(ctx)
    out = subprocess.run([sys.executable, "-m", "eksamen_tui", "--db", db, "import", "candidates", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 2  # an input error
    assert "rad 7, kolonne D" in out.stdout and "ingenting er importert" in out.stderr
    assert len(out.stderr.splitlines()) == 1 and "rad 7, kolonne D" in out.stderr
    assert db_fingerprint(ctx) == before
    good = xlsx(tmp_path / "good.xlsx", good_rows(3))
    out = subprocess.run([sys.executable, "-m", "eksamen_tui", "--db", db, "import", "candidates", str(good)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Importert 3 oppmeldinger" in out.stdout


@pytest.mark.parametrize("content, words", [
    (b"", "filen er tom"),
    (b"this is not a workbook", "ikke en Excel-arbeidsbok"),
])
def test_foreign_files_are_refused(ctx, exam, tmp_path, content, words):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileProblems) as caught:
        plan_import(ctx, path)
    assert words in str(caught.value)


def test_missing_column_is_named(ctx, exam, tmp_path):
    path = xlsx(tmp_path / "x.xlsx", [["TDT4100", "10.12.2026", "700001", "Kari"]],
                header=["Emnekode", "Eksamensdato", "Studentnr", "Navn"])
    with pytest.raises(FileProblems) as caught:
        plan_import(ctx, path)
    assert "mangler kolonnen «candidate_number»" in str(caught.value) or "Kandidat" in str(caught.value)


def test_existing_candidate_number_for_another_student_is_refused(ctx, tmp_path):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10), candidates=2, first_candidate=201)
    path = xlsx(tmp_path / "x.xlsx", [["TDT4100", "10.12.2026", "700555", 201, "Ny Student", "bokmål"]])
    with pytest.raises(FileProblems) as caught:
        plan_import(ctx, path)
    assert "allerede gitt til en annen student" in str(caught.value)
    assert len(registrations(ctx, exam.id)) == 2


def test_ten_thousand_rows_import_in_one_go(ctx, tmp_path):
    for i in range(4):
        add_exam(ctx, code=f"BIG{i}", exam_date=date(2026, 12, 10 + i))
    rows = [[f"BIG{i % 4}", date(2026, 12, 10 + i % 4), str(800000 + i), 1000 + i, f"Student {i}", "bokmål"]
            for i in range(10_000)]
    path = xlsx(tmp_path / "big.xlsx", rows)
    assert apply_import(ctx, plan_import(ctx, path)).registrations == 10_000
    with ctx.read() as s:
        assert len(s.exec(select(Registration.id)).all()) == 10_000


def test_two_counters_importing_the_same_list_at_once_one_is_refused_in_words(ctx, exam, tmp_path):
    """Both planned before either wrote (two processes at the same moment):
    the second write is refused as a whole, in words, not an IntegrityError."""
    from eksamen_tui.domain.errors import ChangedMeanwhile

    path = xlsx(tmp_path / "list.xlsx", good_rows(3))
    first, second = plan_import(ctx, path), plan_import(ctx, path)
    assert apply_import(ctx, first).registrations == 3
    before = db_fingerprint(ctx)
    with pytest.raises(ChangedMeanwhile) as refused:
        apply_import(ctx, second)
    assert "en annen skranke importerte de samme kandidatene" in str(refused.value)
    assert db_fingerprint(ctx) == before
