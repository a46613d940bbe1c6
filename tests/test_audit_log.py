"""The audit trail read back: lines tied to exam, candidate and student;
filters; anonymity of unpublished grades; the export."""
from datetime import date, datetime, time

from openpyxl import load_workbook
from sqlmodel import select

from eksamen_tui.db.models import Registration, Student
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.services.attendance import record_documentation, set_state
from eksamen_tui.services.audit_log import AuditFilter, audit_lines, count_lines, describe, export_log
from eksamen_tui.services.grades import control_grade, enter_grade, publish
from eksamen_tui.services.text_search import fold_text
from tests.factories import add_exam, as_clerk


def rename(ctx, exam, number, name):
    with ctx.write() as s:
        reg = s.exec(select(Registration).where(Registration.exam_id == exam.id,
                                                Registration.candidate_number == number)).one()
        student = s.get(Student, reg.student_id)
        student.name = name
        s.add(student)
        return reg.id, student.student_number


def setup(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 2), candidates=3, first_candidate=11)
    other = add_exam(ctx, code="MA0001", exam_date=date(2026, 11, 3), candidates=2, first_candidate=21)
    reg, student_number = rename(ctx, exam, 12, "René Sørensen-Müller")
    set_state(ctx, exam.id, 11, AttendanceState.ATTENDED)
    set_state(ctx, exam.id, 12, AttendanceState.VALID_ABSENCE, reason="syk")
    record_documentation(ctx, exam.id, 12, date(2026, 11, 5))
    set_state(ctx, exam.id, 13, AttendanceState.ATTENDED)
    enter_grade(ctx, exam.id, 13, "B")
    set_state(ctx, other.id, 21, AttendanceState.NO_SHOW)
    return exam, other, reg, student_number


def test_lines_say_who_when_what_old_new_and_why(ctx):
    exam, other, reg, student_number = setup(ctx)
    lines = audit_lines(ctx, AuditFilter(registration_id=reg))
    assert [line.what for line in lines] == ["dokumentasjon mottatt", "oppmøte"]  # newest first
    absence = lines[1]
    assert (absence.clerk, absence.at) == ("testbruker", datetime.combine(date(2026, 11, 23), time(10, 0)))
    assert absence.change == "oppmeldt → gyldig fravær" and absence.reason.startswith("syk")
    assert absence.exam_label == "TDT4100 02.11.2026" and absence.candidate_number == 12
    assert absence.student_name == "René Sørensen-Müller" and absence.student_number == student_number
    assert lines[0].new == "05.11.2026"


def test_filters_exam_candidate_student_clerk_kind_dates(ctx):
    exam, other, reg, student_number = setup(ctx)
    everything = audit_lines(ctx, AuditFilter())
    assert len(everything) == count_lines(ctx, AuditFilter()) >= 6
    assert {line.exam_id for line in audit_lines(ctx, AuditFilter(exam_id=other.id))} == {other.id}
    assert {line.candidate_number for line in audit_lines(ctx, AuditFilter(exam_id=exam.id, candidate_number=13))} == {13}
    # accent- and case-insensitive, partial
    for text in ("rene", "SØRENSEN", "muller", student_number):
        assert {line.candidate_number for line in audit_lines(ctx, AuditFilter(student=text))} == {12}, text
    assert audit_lines(ctx, AuditFilter(clerk="ingen-slik")) == []
    assert len(audit_lines(ctx, AuditFilter(clerk="TESTB"))) == len(everything)
    assert {line.kind for line in audit_lines(ctx, AuditFilter(kind="documentation"))} == {"documentation"}
    assert {line.kind for line in audit_lines(ctx, AuditFilter(kind="grade"))} == {"grade"}
    assert audit_lines(ctx, AuditFilter(date_from=date(2026, 11, 24))) == []
    assert len(audit_lines(ctx, AuditFilter(date_from=date(2026, 11, 23), date_to=date(2026, 11, 23)))) == len(everything)
    assert audit_lines(ctx, AuditFilter(course="ma00"))[0].exam_label.startswith("MA0001")


def test_unpublished_grades_never_name_the_student(ctx):
    exam, other, reg, student_number = setup(ctx)
    grade_lines = audit_lines(ctx, AuditFilter(kind="grade"))
    assert grade_lines and all(line.student_name == "" and line.student_number == "" for line in grade_lines)
    assert grade_lines[0].candidate_number == 13
    # a student filter does not find the grade either
    with ctx.read() as s:
        name = s.exec(select(Student.name).join(Registration, Registration.student_id == Student.id)
                      .where(Registration.exam_id == exam.id, Registration.candidate_number == 13)).one()
    assert all(line.kind != "grade" for line in audit_lines(ctx, AuditFilter(student=name)))
    # once published, the grade is the student's
    control_grade(as_clerk(ctx), exam.id, 13, "B")
    enter_grade(ctx, exam.id, 11, "C")
    control_grade(as_clerk(ctx), exam.id, 11, "C")
    publish(ctx, exam.id, date(2026, 11, 23))
    assert any(line.kind == "grade" for line in audit_lines(ctx, AuditFilter(student=name)))
    # opened from the grade desk: no line names anybody
    anonymous = audit_lines(ctx, AuditFilter(exam_id=exam.id, candidate_number=12, anonymous=True))
    assert anonymous and all(line.student_name == "" for line in anonymous)
    assert "anonymt" in describe(AuditFilter(anonymous=True))


def test_export_is_a_private_xlsx_of_the_filtered_log(ctx, tmp_path):
    exam, other, reg, student_number = setup(ctx)
    path = export_log(ctx, AuditFilter(kind="attendance", title="kandidat 12"))
    assert path.suffix == ".xlsx" and path.parent == tmp_path / "exports"
    assert path.stat().st_mode & 0o077 == 0
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "Endringslogg – kandidat 12"
    header = rows[3]
    assert header[:3] == ("Tidspunkt", "Saksbehandler", "Hva")
    body = [row for row in rows[4:] if row[0]]
    assert len(body) == len(audit_lines(ctx, AuditFilter(kind="attendance")))
    assert all(row[2] == "oppmøte" for row in body)
    assert export_log(ctx, AuditFilter()) != path  # never overwrites


def test_folding_matches_accents_but_keeps_norwegian_letters():
    assert fold_text(" RENÉ Müller ") == "rene muller"
    assert fold_text("ØSTBY Åse") == "østby åse"


def test_reasons_are_shown_in_words_not_codes(ctx):
    """The reason codes services write («undo», «control», a mismatch or
    reopening reason) read as bokmål in the Endringslogg; a code the log
    does not know is shown as written."""
    from eksamen_tui.services.audit_log import reason_label
    exam = add_exam(ctx, code="TMA4100", exam_date=date(2026, 11, 2), candidates=2, first_candidate=1)
    set_state(ctx, exam.id, 1, AttendanceState.ATTENDED)
    enter_grade(ctx, exam.id, 1, "C")
    control_grade(as_clerk(ctx), exam.id, 1, "C")
    reasons = [line.reason.split(" – ")[0] for line in audit_lines(ctx, AuditFilter(exam_id=exam.id))]
    assert "kontrollføring" in reasons and "førstegangsføring" in reasons, reasons
    assert not set(reasons) & {"undo", "entry", "control"}, reasons
    assert reason_label("reopen_new_information") == "gjenåpnet: nye opplysninger i saken"
    assert reason_label("control_typo") == "skrivefeil ved kontrollføring"
    assert reason_label("something_new") == "something_new" and reason_label(None) == ""


def test_an_undone_first_entry_stays_in_the_exams_log(ctx):
    """«Who changed this?» includes an entry that was undone: the grade row
    is retired, not deleted, so the log filtered on the exam still finds it."""
    from eksamen_tui.services.grades import undo_entry

    exam = add_exam(ctx, code="TMA4100", exam_date=date(2026, 11, 2), candidates=1, first_candidate=1)
    set_state(ctx, exam.id, 1, AttendanceState.ATTENDED)
    undo_entry(ctx, exam.id, enter_grade(ctx, exam.id, 1, "C"))
    lines = [line for line in audit_lines(ctx, AuditFilter(exam_id=exam.id)) if line.entity == "grade"]
    changes = [(line.old, line.new, line.reason.split(" – ")[0]) for line in lines]
    assert ("C", "", "angret") in changes and ("", "C", "førstegangsføring") in changes, changes
    assert all(line.candidate_number == 1 for line in lines)
    assert enter_grade(ctx, exam.id, 1, "B").new_value == "B"  # the candidate can be graded again
