"""Explanations and appeals: deadlines around holidays, commission rules,
blocked grades, the two-step rule, outcomes and the blind export."""
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from eksamen_tui.db.models import AuditEntry, Case, Commission, CommissionMember, Examiner, Grade, Registration, Student
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.vocabulary import CommissionKind, GradeSource, ProtocolStatus
from eksamen_tui.services import appeals
from eksamen_tui.services.attendance import mark_unmarked_attended
from eksamen_tui.services.grades import control_grade, enter_grade, protocol, publish
from tests.factories import add_exam, as_clerk


def graded_exam(ctx, *, code="TDT4100", exam_date=date(2026, 4, 1), published=date(2026, 4, 23),
                exam_form="Skoleeksamen", grades=("C", "A", "E", "B")):
    exam = add_exam(ctx, code=code, exam_date=exam_date, exam_form=exam_form, candidates=len(grades),
                    first_candidate=101)
    mark_unmarked_attended(ctx, exam.id)
    for number, grade in enumerate(grades, start=101):
        enter_grade(ctx, exam.id, number, grade)
        control_grade(as_clerk(ctx), exam.id, number, grade)
    publish(ctx, exam.id, published)
    return exam


def reg_id(ctx, exam, number):
    with ctx.read() as s:
        return s.exec(select(Registration.id).where(Registration.exam_id == exam.id,
                                                    Registration.candidate_number == number)).one()


def commission(ctx, exam, kind, people):
    with ctx.write() as s:
        c = Commission(exam_id=exam.id, kind=kind)
        s.add(c)
        s.flush()
        for name, external in people:
            examiner = s.exec(select(Examiner).where(Examiner.name == name)).first()
            if examiner is None:
                examiner = Examiner(name=name, is_external=external)
                s.add(examiner)
                s.flush()
            s.add(CommissionMember(commission_id=c.id, examiner_id=examiner.id))


def test_appeal_in_time_and_late_around_ascension(ctx):
    # published Thu 23 April 2026: 3 weeks = 14 May (Ascension) -> Fri 15 May
    exam = graded_exam(ctx)
    case = appeals.register_case(ctx, reg_id(ctx, exam, 101), "grade_appeal", received_on=date(2026, 5, 15))
    assert case.in_time
    with pytest.raises(DomainError) as caught:
        appeals.register_case(ctx, reg_id(ctx, exam, 102), "grade_appeal", received_on=date(2026, 5, 18))
    assert "FOR SENT" in str(caught.value) and "15.05.2026" in str(caught.value)
    late = appeals.register_case(ctx, reg_id(ctx, exam, 102), "grade_appeal", received_on=date(2026, 5, 18),
                                 override_reason="syk i klageperioden, dokumentert")
    assert not late.in_time and late.override_reason.startswith("syk")
    with ctx.read() as s:
        assert s.exec(select(AuditEntry).where(AuditEntry.reason_code == "override")).one()


def test_explanation_request_deadline_one_week(ctx):
    exam = graded_exam(ctx, published=date(2026, 4, 29))  # + 7 = 6 May
    assert appeals.register_case(ctx, reg_id(ctx, exam, 101), "explanation", received_on=date(2026, 5, 6)).in_time
    with pytest.raises(DomainError):
        appeals.register_case(ctx, reg_id(ctx, exam, 102), "explanation", received_on=date(2026, 5, 7))


def test_explanation_then_appeal_counts_from_the_explanation(ctx):
    exam = graded_exam(ctx, exam_date=date(2026, 10, 1), published=date(2026, 10, 22))  # appeal by 12.11
    rid = reg_id(ctx, exam, 101)
    explanation = appeals.register_case(ctx, rid, "explanation", received_on=date(2026, 10, 26))
    assert explanation.deadline == date(2026, 11, 9)  # two weeks to give it
    appeals.record_explanation_given(ctx, explanation.id, date(2026, 11, 6), "written")
    # 3 weeks after the explanation was received: 27 November
    ctx.today = lambda: date(2026, 11, 27)  # a received date is never in the future
    case = appeals.register_case(ctx, rid, "grade_appeal", received_on=date(2026, 11, 27))
    assert case.in_time
    other = reg_id(ctx, exam, 102)
    with pytest.raises(DomainError):
        appeals.register_case(ctx, other, "grade_appeal", received_on=date(2026, 11, 13))


def test_oral_exams_cannot_be_appealed_but_explanations_come_at_once(ctx):
    exam = graded_exam(ctx, exam_form="Muntlig", published=date(2026, 11, 20))
    with pytest.raises(DomainError) as caught:
        appeals.register_case(ctx, reg_id(ctx, exam, 101), "grade_appeal", received_on=date(2026, 11, 20))
    assert "Muntlige og praktiske prestasjoner kan ikke påklages" in str(caught.value)
    assert appeals.register_case(ctx, reg_id(ctx, exam, 101), "explanation", received_on=date(2026, 11, 20)).in_time
    with pytest.raises(DomainError):
        appeals.register_case(ctx, reg_id(ctx, exam, 102), "explanation", received_on=date(2026, 11, 23))


def test_unpublished_exam_and_double_appeal_are_refused(ctx):
    exam = add_exam(ctx, code="X1", exam_date=date(2026, 11, 2), candidates=1)
    mark_unmarked_attended(ctx, exam.id)
    enter_grade(ctx, exam.id, 101, "B")
    with pytest.raises(DomainError) as caught:
        appeals.register_case(ctx, reg_id(ctx, exam, 101), "grade_appeal")
    assert "ikke kunngjort" in str(caught.value)
    published = graded_exam(ctx, code="X2", published=date(2026, 11, 20))
    appeals.register_case(ctx, reg_id(ctx, published, 101), "grade_appeal")
    with pytest.raises(DomainError):
        appeals.register_case(ctx, reg_id(ctx, published, 101), "grade_appeal")


def test_grade_is_blocked_while_the_appeal_runs(ctx):
    exam = graded_exam(ctx, published=date(2026, 11, 20))
    appeals.register_case(ctx, reg_id(ctx, exam, 102), "grade_appeal")
    rows = {r.candidate_number: r.status for r in protocol(ctx, exam.id)}
    assert rows == {101: ProtocolStatus.CONTROLLED, 102: ProtocolStatus.BLOCKED,
                    103: ProtocolStatus.CONTROLLED, 104: ProtocolStatus.CONTROLLED}


@pytest.mark.parametrize("people, words", [
    ([("Ny Intern", False)], "minst to sensorer"),
    ([("Ny Intern", False), ("Annen Intern", False)], "minst én ekstern"),
    ([("Ny Ekstern", True), ("Ordinær Intern", False)], "fra den ordinære kommisjonen: Ordinær Intern"),
])
def test_commission_rules_are_enforced_when_sending(ctx, people, words):
    exam = graded_exam(ctx, published=date(2026, 11, 20))
    commission(ctx, exam, CommissionKind.ORDINARY, [("Ordinær Intern", False), ("Ordinær Ekstern", True)])
    commission(ctx, exam, CommissionKind.APPEAL, people)
    appeals.register_case(ctx, reg_id(ctx, exam, 101), "grade_appeal")
    with pytest.raises(DomainError) as caught:
        appeals.send_to_commission(ctx, exam.id)
    assert words in str(caught.value)
    with ctx.read() as s:
        assert s.exec(select(Case.sent_to_commission_on)).all() == [None]


def test_missing_appeal_commission_is_refused(ctx):
    exam = graded_exam(ctx, published=date(2026, 11, 20))
    appeals.register_case(ctx, reg_id(ctx, exam, 101), "grade_appeal")
    with pytest.raises(DomainError) as caught:
        appeals.send_to_commission(ctx, exam.id)
    assert "ingen klagekommisjon" in str(caught.value)


def sent_appeals(ctx, numbers=(101, 102, 103)):
    exam = graded_exam(ctx, published=date(2026, 11, 20))  # grades C A E B
    commission(ctx, exam, CommissionKind.ORDINARY, [("Ordinær Intern", False), ("Ordinær Ekstern", True)])
    commission(ctx, exam, CommissionKind.APPEAL, [("Ny Intern", False), ("Ny Ekstern", True)])
    cases = [appeals.register_case(ctx, reg_id(ctx, exam, n), "grade_appeal") for n in numbers]
    sent = appeals.send_to_commission(ctx, exam.id, date(2026, 11, 23))
    assert {c.deadline for c in sent} == {date(2026, 12, 14)}  # 20 days: 13.12 is a Sunday
    return exam, cases


@pytest.mark.parametrize("number, new, outcome", [(101, "B", "up"), (102, "B", "down"), (103, "E", "unchanged")])
def test_outcomes_up_down_unchanged_replace_the_grade(ctx, number, new, outcome):
    exam, cases = sent_appeals(ctx)
    case = next(c for c in cases if c.registration_id == reg_id(ctx, exam, number))
    result = appeals.enter_new_grade(ctx, case.id, new)
    assert (result.outcome, result.waiting_for_further_assessment) == (outcome, False)
    with ctx.read() as s:
        history = s.exec(select(Grade.value, Grade.source, Grade.is_current).where(
            Grade.registration_id == case.registration_id).order_by(Grade.id)).all()
    assert history[-2][2] is False and history[-1] == (new, GradeSource.APPEAL, True)
    closed = appeals.close_case(ctx, case.id, date(2026, 11, 23))
    assert closed.decision_sent_on == date(2026, 11, 23) and closed.closed_on == date(2026, 11, 23)
    assert {r.candidate_number: r.status for r in protocol(ctx, exam.id)}[number] == ProtocolStatus.CONTROLLED


def test_two_steps_need_a_further_assessment(ctx):
    exam, cases = sent_appeals(ctx, numbers=(101,))  # original C
    result = appeals.enter_new_grade(ctx, cases[0].id, "A")
    assert result.waiting_for_further_assessment
    assert appeals.case_status(result.case) == "venter på videre vurdering (2+ trinn)"
    with pytest.raises(DomainError):
        appeals.close_case(ctx, cases[0].id)
    with ctx.read() as s:
        assert s.exec(select(Grade.value).where(Grade.registration_id == cases[0].registration_id,
                                                Grade.is_current == True)).one() == "C"  # noqa: E712
    case = appeals.record_further_assessment(ctx, cases[0].id, "B")
    assert case.outcome == "up"
    with ctx.read() as s:
        assert s.exec(select(Grade.value).where(Grade.registration_id == cases[0].registration_id,
                                                Grade.is_current == True)).one() == "B"  # noqa: E712


def test_case_list_filters_and_counts(ctx):
    exam, cases = sent_appeals(ctx, numbers=(101, 102))
    ctx.today = lambda: date(2026, 12, 15)  # past the regrading deadline
    assert appeals.case_counts(ctx) == {"open": 2, "overdue": 2}
    appeals.enter_new_grade(ctx, cases[0].id, "C")
    assert appeals.case_counts(ctx) == {"open": 2, "overdue": 1}
    assert len(appeals.case_list(ctx, only_overdue=True)) == 1
    assert len(appeals.case_list(ctx, case_type="explanation")) == 0
    assert len(appeals.case_list(ctx, exam_id=exam.id)) == 2


def test_blind_export_has_candidate_numbers_and_nothing_else(ctx, tmp_path):
    exam, cases = sent_appeals(ctx, numbers=(101, 103))
    appeals.register_case(ctx, reg_id(ctx, exam, 104), "explanation")
    path = appeals.blind_export(ctx, exam.id, tmp_path / "blind.xlsx")
    workbook = load_workbook(path)
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "101" in cells and "103" in cells and "104" not in cells and "102" not in cells
    text = " ".join(cells)
    assert "TDT4100" in text
    with ctx.read() as s:
        people = s.exec(select(Student.name, Student.student_number)).all()
    for name, number in people:
        assert name not in text and number not in text
    for grade in ("A", "B", "C", "D", "E", "F"):
        assert grade not in cells  # no original grade anywhere
    assert "begrunnelse" not in text.lower()


def test_closed_case_reopened_with_a_reason_keeps_its_decision(ctx):
    exam, cases = sent_appeals(ctx, numbers=(101,))
    case = cases[0]
    with pytest.raises(DomainError, match="ikke lukket"):
        appeals.reopen_case(ctx, case.id, "closed_by_mistake")
    appeals.enter_new_grade(ctx, case.id, "B")
    appeals.close_case(ctx, case.id)
    with pytest.raises(DomainError, match="årsak"):
        appeals.reopen_case(ctx, case.id, "because")
    with pytest.raises(DomainError, match="merknad"):
        appeals.reopen_case(ctx, case.id, "other", "  ")
    reopened = appeals.reopen_case(ctx, case.id, "decision_not_received")
    assert (reopened.closed_on, reopened.decision_sent_on, reopened.new_grade) == (None, None, "B")
    assert appeals.case_status(reopened) == "avgjort, vedtak ikke sendt"
    with ctx.read() as s:
        rows = s.exec(select(AuditEntry.field, AuditEntry.reason_code).where(
            AuditEntry.entity == "case", AuditEntry.entity_id == case.id,
            AuditEntry.reason_code == "reopen_decision_not_received")).all()
    assert sorted(rows) == [("closed_on", "reopen_decision_not_received"),
                            ("decision_sent_on", "reopen_decision_not_received")]
    assert appeals.close_case(ctx, case.id).closed_on == date(2026, 11, 23)  # and closed again


def test_send_refusal_is_known_before_asking(ctx):
    exam = graded_exam(ctx, published=date(2026, 11, 20))
    assert appeals.send_refusal(ctx, exam.id)[0].startswith("Eksamenen har ingen klagekommisjon")
    commission(ctx, exam, CommissionKind.ORDINARY, [("Ordinær Intern", False), ("Ordinær Ekstern", True)])
    commission(ctx, exam, CommissionKind.APPEAL, [("Ny Intern", False), ("Ny Ekstern", True)])
    assert appeals.send_refusal(ctx, exam.id) == ("Ingen åpne klager å sende for denne eksamenen", 0)
    appeals.register_case(ctx, reg_id(ctx, exam, 101), "grade_appeal")
    assert appeals.send_refusal(ctx, exam.id) == (None, 1)


def test_the_one_key_fast_path_writes_what_the_full_path_writes(ctx, monkeypatch):
    """enter_new_grade takes a SQL Core path (the appeals desk's one key per
    case); without it, the ORM path. One step (final grade) and two steps
    (further assessment) from the original, each both ways: the same case,
    grades and audit rows (who, when, old, new, why)."""
    from datetime import datetime

    ctx.clock = lambda: datetime(2026, 11, 23, 10, 0)
    originals = ("C", "A", "E", "B", "C", "A", "E", "B")
    exam = graded_exam(ctx, published=date(2026, 11, 20), grades=originals)
    commission(ctx, exam, CommissionKind.ORDINARY, [("Ordinær Intern", False), ("Ordinær Ekstern", True)])
    commission(ctx, exam, CommissionKind.APPEAL, [("Ny Intern", False), ("Ny Ekstern", True)])
    cases = [appeals.register_case(ctx, reg_id(ctx, exam, n), "grade_appeal") for n in range(101, 109)]
    appeals.send_to_commission(ctx, exam.id, date(2026, 11, 23))
    new = ("B", "A", "C", "D")  # up, unchanged, two steps up, two steps down
    core = appeals._enter_new_grade_core
    results = []
    for half, fast_path in ((cases[:4], core), (cases[4:], lambda *args: None)):
        monkeypatch.setattr(appeals, "_enter_new_grade_core", fast_path)
        for case, value in zip(half, new):
            results.append(appeals.enter_new_grade(ctx, case.id, value, seen="hos klagekommisjonen"))
    fields = [f for f in appeals.CaseView.__dataclass_fields__ if f not in ("id", "registration_id")]
    shown = [(tuple(getattr(r.case, f) for f in fields), r.outcome, r.waiting_for_further_assessment)
             for r in results]
    assert shown[:4] == shown[4:]
    assert [w for *_, w in shown[:4]] == [False, False, True, True]

    def written(half):
        with ctx.read() as s:
            regs = [c.registration_id for c in half]
            stored = [s.get(Case, c.id) for c in half]
            grades = s.exec(select(Grade).where(Grade.registration_id.in_(regs)).order_by(Grade.id)).all()
            by_case = {c.id: n for n, c in enumerate(half)}
            grade_of = {g.id: (regs.index(g.registration_id), g.value, g.source) for g in grades}
            audit = s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
            return (
                [tuple(getattr(c, f) for f in fields) for c in stored],
                [(grade_of[g.id], g.status, g.control_value, g.is_current, g.entered_by, g.entered_at,
                  g.controlled_by, g.controlled_at) for g in grades],
                [(a.at, a.clerk, a.entity, by_case[a.entity_id] if a.entity == "case" else grade_of[a.entity_id],
                  a.field, a.old_value, a.new_value, a.reason_code, a.note.split(":")[-1])  # «klagesak <id>: outcome»
                 for a in audit if (a.entity == "case" and a.entity_id in by_case)
                 or (a.entity == "grade" and a.entity_id in grade_of and a.reason_code == "appeal")],
            )

    assert written(cases[:4]) == written(cases[4:])
    assert sum(1 for a in written(cases[:4])[2] if a[4] in ("new_grade", "value")) == 4 + 2  # 4 new, 2 final
