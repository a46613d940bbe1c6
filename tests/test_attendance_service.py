"""Attendance rules through the service: consequences, attempts, deadlines."""
from datetime import date

import pytest
from sqlmodel import select

from eksamen_tui.db.models import AttendanceChange, AuditEntry, Grade, Registration, Student
from eksamen_tui.domain.attendance import AttendanceState as S
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.vocabulary import GradeSource
from eksamen_tui.services import attendance as svc
from tests.factories import add_exam

EXAM_DAY = date(2026, 11, 12)  # past: today is 2026-11-23


@pytest.fixture
def exam(ctx):
    return add_exam(ctx, exam_date=EXAM_DAY, candidates=10, first_candidate=101)


def grades_of(ctx, candidate, exam_id):
    with ctx.read() as s:
        return s.exec(select(Grade.value, Grade.source, Grade.is_current).join(
            Registration, Registration.id == Grade.registration_id).where(
            Registration.exam_id == exam_id, Registration.candidate_number == candidate).order_by(Grade.id)).all()


@pytest.mark.parametrize("state, grade, attempt", [
    (S.ATTENDED, None, True),
    (S.NO_SHOW, None, True),
    (S.WITHDREW_DURING, "F", True),
    (S.BLANK, "F", True),
    (S.VALID_ABSENCE, None, False),
])
def test_each_state_has_its_consequences(ctx, exam, state, grade, attempt):
    change = svc.set_state(ctx, exam.id, 101, state)
    assert change.new_state == state
    assert grades_of(ctx, 101, exam.id) == ([(grade, GradeSource.ATTENDANCE, True)] if grade else [])
    assert svc.attempt_counted(ctx, state, None, EXAM_DAY) is attempt


def test_pass_fail_exam_gives_ikke_bestatt_for_blank(ctx):
    exam = add_exam(ctx, code="HMS0002", exam_date=EXAM_DAY, grade_scale="pass_fail", candidates=2)
    svc.set_state(ctx, exam.id, 101, S.BLANK)
    assert grades_of(ctx, 101, exam.id) == [("ikke bestått", GradeSource.ATTENDANCE, True)]


def test_only_attended_candidates_are_gradeable(ctx, exam):
    svc.set_state(ctx, exam.id, 101, S.ATTENDED)
    svc.set_state(ctx, exam.id, 102, S.NO_SHOW)
    svc.set_state(ctx, exam.id, 103, S.BLANK)
    with ctx.read() as s:
        assert [r.candidate_number for r in svc.gradeable_registrations(s, exam.id)] == [101]


def test_withdrawal_before_the_deadline_is_not_an_attempt(ctx):
    exam = add_exam(ctx, exam_date=date(2026, 12, 10), candidates=2)  # deadline 26.11
    ctx.today = lambda: date(2026, 11, 27)  # a withdrawal date is never in the future
    change = svc.set_state(ctx, exam.id, 101, S.WITHDRAWN, on_date=date(2026, 11, 26))
    assert "innen trekkfristen" in change.message and "teller ikke" in change.message
    assert not svc.attempt_counted(ctx, S.WITHDRAWN, date(2026, 11, 26), exam.exam_date)
    late = svc.set_state(ctx, exam.id, 102, S.WITHDRAWN, on_date=date(2026, 11, 27))
    assert "ETTER trekkfristen" in late.message and "teller som et forsøk" in late.message
    assert svc.attempt_counted(ctx, S.WITHDRAWN, date(2026, 11, 27), exam.exam_date)
    with ctx.read() as s:
        reg = s.exec(select(Registration).where(Registration.candidate_number == 102)).one()
    assert reg.withdrawn_on == date(2026, 11, 27)


def test_documentation_deadline_across_a_holiday(ctx):
    # Exam Wed 13 May 2026: 5 working days after skips Ascension (14.5) and the weekend -> 21 May
    exam = add_exam(ctx, exam_date=date(2026, 5, 13), candidates=3)
    change = svc.set_state(ctx, exam.id, 101, S.VALID_ABSENCE)
    assert "dokumentasjon innen 21.05.2026" in change.message
    svc.set_state(ctx, exam.id, 102, S.VALID_ABSENCE)
    overdue = svc.missing_documentation(ctx, days_back=365)
    assert [(m.candidate_number, m.deadline) for m in overdue] == [(101, date(2026, 5, 21)), (102, date(2026, 5, 21))]
    assert svc.missing_documentation(ctx) == []  # by default only the last 180 days
    svc.record_documentation(ctx, exam.id, 101, date(2026, 5, 20))
    assert [m.candidate_number for m in svc.missing_documentation(ctx, days_back=365)] == [102]
    with pytest.raises(DomainError):
        svc.record_documentation(ctx, exam.id, 103, date(2026, 5, 20))  # not a valid absence


def test_not_overdue_before_the_deadline(ctx):
    exam = add_exam(ctx, exam_date=date(2026, 11, 20), candidates=1)  # deadline 27.11
    svc.set_state(ctx, exam.id, 101, S.VALID_ABSENCE)
    assert svc.missing_documentation(ctx) == []
    assert len(svc.missing_documentation(ctx, only_overdue=False)) == 1


def test_correction_keeps_history_and_audit(ctx, exam):
    svc.set_state(ctx, exam.id, 104, S.NO_SHOW)
    svc.set_state(ctx, exam.id, 104, S.VALID_ABSENCE, reason="legeattest")
    with ctx.read() as s:
        reg = s.exec(select(Registration).where(Registration.candidate_number == 104)).one()
        changes = s.exec(select(AttendanceChange).where(AttendanceChange.registration_id == reg.id)).all()
        audits = s.exec(select(AuditEntry).where(AuditEntry.entity == "registration",
                                                 AuditEntry.entity_id == reg.id)).all()
    assert [(c.old_state, c.new_state, c.reason) for c in changes] == [
        ("registered", "no_show", ""), ("no_show", "valid_absence", "legeattest")]
    assert [(a.old_value, a.new_value, a.clerk, a.reason_code) for a in audits] == [
        ("registered", "no_show", "testbruker", None), ("no_show", "valid_absence", "testbruker", "legeattest")]


def test_correcting_blank_to_attended_retires_the_automatic_f(ctx, exam):
    svc.set_state(ctx, exam.id, 105, S.BLANK)
    svc.set_state(ctx, exam.id, 105, S.ATTENDED, reason="feil liste")
    assert grades_of(ctx, 105, exam.id) == [("F", GradeSource.ATTENDANCE, False)]


@pytest.mark.parametrize("typed, words", [
    ("999", "Kandidatnummer 999 finnes ikke"),
    ("500001", "for langt til å være et kandidatnummer"),
    ("12a", "«12a» er ikke et tall"),
    ("²", "«²» er ikke et tall"),
    ("1" * 30, "har for mange sifre"),
    (10 ** 23, "utenfor det mulige"),
])
def test_unknown_numbers_are_refused_and_nothing_changes(ctx, exam, typed, words):
    with pytest.raises(DomainError) as caught:
        svc.set_state(ctx, exam.id, typed, S.NO_SHOW)
    assert words in str(caught.value)
    with ctx.read() as s:
        assert set(s.exec(select(Registration.attendance_state)).all()) == {"registered"}
        assert s.exec(select(AuditEntry)).all() == []


def test_a_student_number_is_recognised_as_such(ctx, exam):
    with ctx.read() as s:
        number = s.exec(select(Student.student_number)).first()
    with pytest.raises(DomainError) as caught:
        svc.set_state(ctx, exam.id, number, S.ATTENDED)
    assert "er et studentnummer" in str(caught.value)


def test_undo_puts_the_state_back(ctx, exam):
    change = svc.set_state(ctx, exam.id, 106, S.BLANK)
    svc.undo_change(ctx, exam.id, change)
    with ctx.read() as s:
        reg = s.exec(select(Registration).where(Registration.candidate_number == 106)).one()
    assert reg.attendance_state == "registered"
    assert grades_of(ctx, 106, exam.id) == [("F", GradeSource.ATTENDANCE, False)]


def test_mark_rest_attended(ctx, exam):
    svc.set_state(ctx, exam.id, 101, S.NO_SHOW)
    changes = svc.mark_unmarked_attended(ctx, exam.id)
    assert len(changes) == 9
    rows = svc.exam_roster(ctx, exam.id)
    assert svc.state_counts(rows)[S.ATTENDED] == 9 and svc.state_counts(rows)[S.NO_SHOW] == 1


def test_attempts_are_counted_across_the_course_and_a_fourth_is_flagged(ctx):
    days = [date(2025, 5, 20), date(2025, 12, 1), date(2026, 5, 20), date(2026, 12, 10)]
    exams = [add_exam(ctx, code="TMA4100", exam_date=d) for d in days]
    with ctx.write() as s:
        student = Student(student_number="654321", name="Gjentatt Forsøk")
        s.add(student)
        s.flush()
        for number, exam in enumerate(exams, start=1):
            s.add(Registration(exam_id=exam.id, student_id=student.id, candidate_number=number))
    svc.set_state(ctx, exams[0].id, 1, S.NO_SHOW)
    svc.set_state(ctx, exams[1].id, 2, S.VALID_ABSENCE)  # does not count
    svc.set_state(ctx, exams[2].id, 3, S.BLANK)
    (row,) = svc.exam_roster(ctx, exams[3].id)
    assert row.attempt == 3
    svc.set_state(ctx, exams[1].id, 2, S.ATTENDED, reason="feilføring")
    (row,) = svc.exam_roster(ctx, exams[3].id)
    assert row.attempt == 4 > ctx.profile.max_attempts


def test_export_attendance_list(ctx, exam, tmp_path):
    from openpyxl import load_workbook

    svc.set_state(ctx, exam.id, 101, S.NO_SHOW)
    path = svc.export_attendance(ctx, exam.id, tmp_path / "oppmote.xlsx")
    sheet = load_workbook(path).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    header_index = next(i for i, r in enumerate(rows) if r and r[0] == "Kandidatnr")
    data = rows[header_index + 1:]
    assert [r[0] for r in data] == list(range(101, 111))
    assert data[0][3] == "ikke møtt"


def test_summary_for_the_dashboard(ctx, exam):
    summary = svc.attendance_summary(ctx)
    assert summary["not_registered"] == 1 and summary["not_registered_overdue"] == 1
    svc.mark_unmarked_attended(ctx, exam.id)
    assert svc.attendance_summary(ctx)["not_registered"] == 0


def test_undoing_a_valid_absence_takes_back_its_documentation_date(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 20), candidates=2, first_candidate=11)
    change = svc.set_state(ctx, exam.id, 11, S.VALID_ABSENCE)
    svc.record_documentation(ctx, exam.id, 11, date(2026, 11, 23))
    reverted = svc.undo_change(ctx, exam.id, change)
    assert reverted.documentation_received_on is None
    with ctx.read() as s:
        reg = s.exec(select(Registration).where(Registration.exam_id == exam.id,
                                                Registration.candidate_number == 11)).one()
    assert reg.attendance_state == "registered" and reg.documentation_received_on is None


def test_documentation_undo_is_audited_and_refused_after_a_later_change(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 11, 20), candidates=1, first_candidate=11)
    svc.set_state(ctx, exam.id, 11, S.VALID_ABSENCE)
    first = svc.record_documentation(ctx, exam.id, 11, date(2026, 11, 21))
    svc.undo_documentation(ctx, exam.id, first)
    with ctx.read() as s:
        undo_rows = s.exec(select(AuditEntry).where(AuditEntry.field == "documentation_received_on",
                                                    AuditEntry.reason_code == "undo")).all()
    assert len(undo_rows) == 1
    svc.record_documentation(ctx, exam.id, 11, date(2026, 11, 22))
    with pytest.raises(DomainError):
        svc.undo_documentation(ctx, exam.id, first)


def test_the_one_key_fast_path_writes_what_the_full_path_writes(ctx, monkeypatch):
    """set_state takes the SQL Core path for a state on the day (the desk's
    keys); without it (as for withdrawals), the ORM path. Every state change between
    the day's states, with grades entered first: the same states, history,
    grades and audit rows (who, when, old, new, why) either way."""
    from eksamen_tui.services.grades import enter_grade

    ctx.clock = lambda: __import__("datetime").datetime(2026, 11, 23, 10, 0)
    states = [S.ATTENDED, S.NO_SHOW, S.WITHDREW_DURING, S.BLANK, S.VALID_ABSENCE]
    steps = [(a, b) for a in states for b in states]  # every transition (and every state kept)
    fast = add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY, candidates=len(steps), first_candidate=101)
    full = add_exam(ctx, code="TDT4145", exam_date=EXAM_DAY, candidates=len(steps), first_candidate=101)
    core = svc._set_state_core
    for exam, fast_path in ((fast, core), (full, lambda *args, **kwargs: None)):
        monkeypatch.setattr(svc, "_set_state_core", fast_path)
        for n, (first, then) in enumerate(steps):
            number = 101 + n
            seen = S.REGISTERED
            for state in (first, then):
                change = svc.set_state(ctx, exam.id, number, state, seen=seen)
                assert change.new_state == state
                seen = state
                if state == S.ATTENDED:  # a grade to take out of the protocol on the next change
                    enter_grade(ctx, exam.id, number, "B")

    def written(exam):
        with ctx.read() as s:
            regs = {r.id: r for r in s.exec(select(Registration).where(Registration.exam_id == exam.id))}
            grades = s.exec(select(Grade).where(Grade.registration_id.in_(list(regs))).order_by(Grade.id)).all()
            grade_of = {g.id: (regs[g.registration_id].candidate_number, g.value, g.source) for g in grades}
            changes = s.exec(select(AttendanceChange).where(AttendanceChange.registration_id.in_(list(regs)))
                             .order_by(AttendanceChange.id)).all()
            audit = s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
            return (
                sorted((r.candidate_number, r.attendance_state, r.withdrawn_on) for r in regs.values()),
                [(grade_of[g.id], g.status, g.control_value, g.is_current, g.entered_by, g.entered_at,
                  g.controlled_by, g.controlled_at) for g in grades],
                [(regs[c.registration_id].candidate_number, c.old_state, c.new_state, c.changed_at, c.clerk, c.reason)
                 for c in changes],
                [(a.at, a.clerk, a.entity, regs[a.entity_id].candidate_number if a.entity == "registration"
                  else grade_of[a.entity_id], a.field, a.old_value, a.new_value, a.reason_code, a.note)
                 for a in audit if (a.entity == "registration" and a.entity_id in regs)
                 or (a.entity == "grade" and a.entity_id in grade_of)],
            )

    assert written(fast) == written(full)
    assert len(written(fast)[3]) > 3 * len(steps)  # states, grades, retirements all audited


def test_the_summarys_documentation_count_is_the_lists_length(ctx):
    """attendance_summary counts undocumented absences per exam date in SQL;
    it is `missing_documentation`'s length: documented ones, the 180-day
    boundary and deadlines not yet passed left out, on any day."""
    from dataclasses import replace
    from datetime import timedelta

    today = ctx.today()
    for code, day in (("TDT4100", today - timedelta(days=180)), ("TDT4110", today - timedelta(days=181)),
                      ("TDT4120", date(2026, 10, 1)), ("TDT4130", today - timedelta(days=1)), ("TDT4140", today)):
        exam = add_exam(ctx, code=code, exam_date=day, candidates=4)
        for number in (101, 102, 103):
            svc.set_state(ctx, exam.id, number, S.VALID_ABSENCE)
        svc.record_documentation(ctx, exam.id, 103, day)
    for day in (today, today + timedelta(days=3), today + timedelta(days=20), date(2027, 5, 1)):
        later = replace(ctx, today=lambda day=day: day)
        assert svc.attendance_summary(later)["documentation_overdue"] == len(svc.missing_documentation(later)), day
    assert svc.attendance_summary(ctx)["documentation_overdue"] == 4  # 180 days back and 01.10, two each
