"""Grade entry rules through the service."""
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from eksamen_tui.db.models import AuditEntry, Case, Commission, CommissionMember, Examiner, ExamPart, Grade, Registration
from eksamen_tui.domain.attendance import AttendanceState as S
from eksamen_tui.domain.errors import DomainError, ValidationError
from eksamen_tui.domain.vocabulary import CommissionKind, ProtocolStatus
from eksamen_tui.services import grades as svc
from eksamen_tui.services.attendance import mark_unmarked_attended, set_state
from tests.factories import add_exam, as_clerk

DAY = date(2026, 11, 12)


@pytest.fixture
def exam(ctx):
    exam = add_exam(ctx, exam_date=DAY, candidates=6, first_candidate=101)
    set_state(ctx, exam.id, 106, S.NO_SHOW)
    set_state(ctx, exam.id, 105, S.BLANK)
    mark_unmarked_attended(ctx, exam.id)
    return exam


def test_protocol_lists_only_attended_in_order_without_names(ctx, exam):
    rows = svc.protocol(ctx, exam.id)
    assert [r.candidate_number for r in rows] == [101, 102, 103, 104]
    assert all(set(vars(r)) == {"registration_id", "candidate_number", "grade", "status", "control_value"} for r in rows)


def test_entry_then_control_match_and_mismatch(ctx, exam):
    svc.enter_grade(ctx, exam.id, 101, "B")
    svc.enter_grade(ctx, exam.id, "102", "c")
    assert svc.control_grade(as_clerk(ctx), exam.id, 101, "B").matched
    result = svc.control_grade(as_clerk(ctx), exam.id, 102, "D")
    assert not result.matched and result.row.status == ProtocolStatus.MISMATCH
    with pytest.raises(DomainError):
        svc.resolve_mismatch(ctx, exam.id, 102, "D", "")  # a reason is required
    with pytest.raises(DomainError):
        svc.resolve_mismatch(ctx, exam.id, 102, "A", "neither value")
    row = svc.resolve_mismatch(ctx, exam.id, 102, "D", "sjekket signert protokoll")
    assert (row.grade, row.status) == ("D", ProtocolStatus.CONTROLLED)
    progress = svc.progress_of(svc.protocol(ctx, exam.id), svc.protocol_info(ctx, exam.id).scale)
    assert (progress.entered, progress.controlled, progress.uncontrolled, progress.expected) == (2, 2, 0, 4)
    assert progress.distribution == {"A": 0, "B": 1, "C": 0, "D": 1, "E": 0, "F": 0}


def test_out_of_scale_values_change_nothing(ctx, exam):
    with pytest.raises(ValidationError):
        svc.enter_grade(ctx, exam.id, 101, "G")
    with pytest.raises(ValidationError):
        svc.enter_grade(ctx, exam.id, 101, "bestått")
    pass_fail = add_exam(ctx, code="HMS0002", exam_date=DAY, grade_scale="pass_fail", candidates=1)
    mark_unmarked_attended(ctx, pass_fail.id)
    with pytest.raises(ValidationError):
        svc.enter_grade(ctx, pass_fail.id, 101, "A")
    assert svc.enter_grade(ctx, pass_fail.id, 101, "bestått").new_value == "bestått"
    with ctx.read() as s:
        assert len(s.exec(select(Grade).where(Grade.source == "entry")).all()) == 1


@pytest.mark.parametrize("number, words", [
    (106, "«ikke møtt» og kan ikke få karakter"),
    (105, "«levert blankt» og kan ikke få karakter"),
    (999, "Kandidatnummer 999 finnes ikke"),
    ("512345", "ikke et kandidatnummer"),
])
def test_not_gradeable_numbers_are_refused_naming_the_number(ctx, exam, number, words):
    with pytest.raises(DomainError) as caught:
        svc.enter_grade(ctx, exam.id, number, "A")
    assert words in str(caught.value) and str(number) in str(caught.value)


def test_undo_of_first_entry_and_of_a_change(ctx, exam):
    first = svc.enter_grade(ctx, exam.id, 101, "B")
    second = svc.enter_grade(ctx, exam.id, 101, "A")
    assert second.old_value == "B"
    assert svc.undo_entry(ctx, exam.id, second).grade == "B"
    assert svc.undo_entry(ctx, exam.id, first).status == ProtocolStatus.EMPTY
    with ctx.read() as s:
        trail = s.exec(select(AuditEntry.old_value, AuditEntry.new_value, AuditEntry.reason_code)
                       .where(AuditEntry.entity == "grade").order_by(AuditEntry.id)).all()
    assert trail[-4:] == [(None, "B", "entry"), ("B", "A", "entry"), ("A", "B", "undo"), ("B", None, "undo")]


def test_the_same_grade_typed_again_changes_nothing_and_its_undo_neither(ctx, exam):
    """A clerk (or another counter) types the grade the candidate already
    has: no write, no audit row, the first clerk stays the one who entered
    it (the control must still be someone else's); undoing that key keeps
    the grade."""
    svc.enter_grade(ctx, exam.id, 101, "B")
    again = svc.enter_grade(as_clerk(ctx, "ola"), exam.id, 101, "b", seen="B")
    assert (again.old_value, again.new_value, again.row.grade, again.row.status) == (
        "B", "B", "B", ProtocolStatus.ENTERED)
    assert svc.undo_entry(as_clerk(ctx, "ola"), exam.id, again).grade == "B"
    with ctx.read() as s:
        (grade,) = s.exec(select(Grade).join(Registration).where(Registration.candidate_number == 101,
                                                                  Registration.exam_id == exam.id)).all()
        trail = s.exec(select(AuditEntry.clerk, AuditEntry.old_value, AuditEntry.new_value)
                       .where(AuditEntry.entity == "grade", AuditEntry.entity_id == grade.id)).all()
    assert trail == [(ctx.clerk, None, "B")]
    assert (grade.value, grade.entered_by) == ("B", ctx.clerk)


def test_controlled_grade_changes_only_with_a_reason_code(ctx, exam):
    svc.enter_grade(ctx, exam.id, 103, "C")
    svc.control_grade(as_clerk(ctx), exam.id, 103, "C")
    with pytest.raises(DomainError):
        svc.enter_grade(ctx, exam.id, 103, "B")
    with pytest.raises(DomainError):
        svc.correct_grade(ctx, exam.id, 103, "B", "because")
    row = svc.correct_grade(ctx, exam.id, 103, "B", "examiner", "ny protokoll")
    assert (row.grade, row.status) == ("B", ProtocolStatus.CONTROLLED)
    with ctx.read() as s:
        history = s.exec(select(Grade.value, Grade.is_current).join(Registration).where(
            Registration.candidate_number == 103, Registration.exam_id == exam.id).order_by(Grade.id)).all()
        audit = s.exec(select(AuditEntry).where(AuditEntry.reason_code == "examiner")).one()
    assert history == [("C", False), ("B", True)]
    assert (audit.old_value, audit.new_value, audit.clerk) == ("C", "B", "testbruker")


def test_part_grades_compute_the_course_grade(ctx):
    exam = add_exam(ctx, code="TDT4145", exam_date=DAY, candidates=3, parts=[("Prosjekt", 30), ("Skoleeksamen", 70)])
    mark_unmarked_attended(ctx, exam.id)
    with ctx.read() as s:
        project, written = [p.id for p in s.exec(select(ExamPart).where(ExamPart.exam_id == exam.id).order_by(ExamPart.id))]
    with pytest.raises(DomainError):
        svc.enter_grade(ctx, exam.id, 101, "A")  # the course grade is computed
    assert svc.enter_grade(ctx, exam.id, 101, "A", project).computed is None
    entry = svc.enter_grade(ctx, exam.id, 101, "C", written)
    assert entry.computed.grade == "B" and entry.computed.status == ProtocolStatus.COMPUTED  # 0.3*5 + 0.7*3 = 3.6 -> B
    svc.enter_grade(ctx, exam.id, 102, "B", project)
    assert svc.enter_grade(ctx, exam.id, 102, "F", written).computed.grade == "F"  # a failed part fails
    svc.enter_grade(ctx, exam.id, 103, "B", project)
    assert svc.enter_grade(ctx, exam.id, 103, "C", written).computed.grade == "C"  # 3.3 -> C
    # the computed grade becomes controlled when its parts are
    for number, (p, w) in {101: ("A", "C")}.items():
        svc.control_grade(as_clerk(ctx), exam.id, number, p, project)
        svc.control_grade(as_clerk(ctx), exam.id, number, w, written)
    rows = {r.candidate_number: r for r in svc.protocol(ctx, exam.id)}
    assert rows[101].grade == "B" and rows[101].status == ProtocolStatus.COMPUTED
    with pytest.raises(DomainError):
        svc.correct_grade(ctx, exam.id, 101, "A", "typo")
    # changing a part recomputes
    svc.enter_grade(ctx, exam.id, 103, "A", written)
    assert {r.candidate_number: r.grade for r in svc.protocol(ctx, exam.id)}[103] == "A"  # 0.3*4+0.7*5=4.7


def test_grade_blocked_by_an_open_appeal(ctx, exam):
    svc.enter_grade(ctx, exam.id, 104, "D")
    svc.control_grade(as_clerk(ctx), exam.id, 104, "D")
    with ctx.write() as s:
        reg = s.exec(select(Registration).where(Registration.exam_id == exam.id, Registration.candidate_number == 104)).one()
        s.add(Case(registration_id=reg.id, case_type="grade_appeal", received_on=date(2026, 11, 20)))
    row = {r.candidate_number: r for r in svc.protocol(ctx, exam.id)}[104]
    assert row.status == ProtocolStatus.BLOCKED
    with pytest.raises(DomainError):
        svc.correct_grade(ctx, exam.id, 104, "C", "typo")


def test_publish_needs_every_grade_controlled_and_gives_deadlines(ctx, exam):
    for number, grade in ((101, "A"), (102, "B"), (103, "C")):
        svc.enter_grade(ctx, exam.id, number, grade)
        svc.control_grade(as_clerk(ctx), exam.id, number, grade)
    with pytest.raises(DomainError) as caught:
        svc.publish(ctx, exam.id, date(2026, 11, 23))
    assert "1 kandidat mangler kontrollert karakter (1 uten karakter; f.eks. kandidat 104)" in str(caught.value)
    assert svc.publish_refusal(ctx, exam.id) == str(caught.value)
    svc.enter_grade(ctx, exam.id, 104, "E")
    svc.control_grade(as_clerk(ctx), exam.id, 104, "E")
    deadlines = svc.publish(ctx, exam.id, date(2026, 11, 23))
    assert deadlines["explanation_request"] == date(2026, 11, 30)
    assert deadlines["appeal"] == date(2026, 12, 14)
    assert svc.protocol_info(ctx, exam.id).published_on == date(2026, 11, 23)
    with pytest.raises(DomainError):
        svc.publish(ctx, exam.id)


def test_protocol_export_content(ctx, exam, tmp_path):
    from eksamen_tui.services.protocol_export import export_protocol

    svc.enter_grade(ctx, exam.id, 101, "A")
    svc.control_grade(as_clerk(ctx), exam.id, 101, "A")
    with ctx.write() as s:
        commission = Commission(exam_id=exam.id, kind=CommissionKind.ORDINARY)
        s.add(commission)
        s.flush()
        for name, external in (("Intern Sensor", False), ("=Ekstern Sensor", True)):
            examiner = Examiner(name=name, is_external=external)
            s.add(examiner)
            s.flush()
            s.add(CommissionMember(commission_id=commission.id, examiner_id=examiner.id))
    path = export_protocol(ctx, exam.id, tmp_path / "p.xlsx")
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "Vurderingsprotokoll – TDT4100 Objektorientert programmering" in flat
    header = next(i for i, row in enumerate(values) if row[0] == "Kandidatnr")
    data = [row[:2] for row in values[header + 1:header + 5]]
    assert data == [["101", "A"], ["102", None], ["103", None], ["104", None]]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert any("=Ekstern Sensor" in str(v) for v in flat)
    assert not any(str(v).startswith("Student") for v in flat)  # no names of students
    assert sum(1 for v in flat if v == "Signatur") == 2


def test_grading_summary_is_a_recount_exam_by_exam(ctx):
    """The dashboard's grade card (counted through subqueries, each deadline
    once per date) is a plain recount, exam by exam: exams of the last 90
    days (the 90th day in, the 91st and today out), published ones left out,
    an exam without candidates, a thesis and an extended deadline on the
    same day as a late exam."""
    from dataclasses import replace
    from datetime import timedelta

    from eksamen_tui.db.models import Exam
    from eksamen_tui.services import extensions

    today = ctx.today()
    exams = {
        "boundary": add_exam(ctx, code="TDT4100", exam_date=today - timedelta(days=90), candidates=3),
        "outside": add_exam(ctx, code="TDT4110", exam_date=today - timedelta(days=91), candidates=3),
        "late": add_exam(ctx, code="TDT4120", exam_date=date(2026, 10, 1), candidates=4),
        "extended": add_exam(ctx, code="TDT4130", exam_date=date(2026, 10, 1), candidates=4),
        "thesis": add_exam(ctx, code="TDT4135", exam_date=date(2026, 10, 1), candidates=3),
        "published": add_exam(ctx, code="TDT4140", exam_date=date(2026, 10, 1), candidates=2),
        "empty": add_exam(ctx, code="TDT4145", exam_date=date(2026, 10, 2)),
        "today": add_exam(ctx, code="TDT4150", exam_date=today, candidates=2),
    }
    for key, exam in exams.items():
        if key != "empty":
            set_state(ctx, exam.id, 101, S.NO_SHOW)
            mark_unmarked_attended(ctx, exam.id)
            svc.enter_grade(ctx, exam.id, 102, "B")
    svc.enter_grade(ctx, exams["boundary"].id, 103, "C")  # complete
    extensions.record_extension(ctx, exams["extended"].id, date(2026, 12, 18), decision_reference="PR-1",
                                approved_by="Dekan")
    with ctx.write() as s:
        for key, field_name, value in (("thesis", "is_thesis", True), ("published", "published_on", date(2026, 11, 2))):
            row = s.get(Exam, exams[key].id)
            setattr(row, field_name, value)
            s.add(row)

    def recount(ctx):
        day = ctx.today()
        counts = {"entered": 0, "expected": 0, "exams_past_deadline": 0}
        with ctx.read() as s:
            for exam in s.exec(select(Exam)).all():
                if exam.published_on is not None or not day - timedelta(days=90) <= exam.exam_date < day:
                    continue
                attended = s.exec(select(Registration.id).where(Registration.exam_id == exam.id,
                                                                Registration.attendance_state == S.ATTENDED)).all()
                graded = [reg_id for reg_id in attended if s.exec(select(Grade.id).where(
                    Grade.registration_id == reg_id, Grade.is_current == True, Grade.part_id.is_(None))).first()]  # noqa: E712
                counts["entered"] += len(graded)
                counts["expected"] += len(attended)
                if len(graded) < len(attended) and extensions.grading_deadline(ctx, exam.id, s).effective < day:
                    counts["exams_past_deadline"] += 1
        return counts

    assert svc.grading_summary(ctx) == recount(ctx) == {"entered": 5, "expected": 10, "exams_past_deadline": 1}
    for day in (date(2026, 10, 2), date(2026, 12, 30), date(2027, 1, 2), date(2027, 3, 1)):
        later = replace(ctx, today=lambda day=day: day)
        assert svc.grading_summary(later) == recount(later), day
