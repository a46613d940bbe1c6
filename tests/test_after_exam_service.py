"""After the exam, through the services: custody counts balance or are
flagged (and audited), an extension flows to the grade desk and the
dashboard, fee forms and resit lists from the database, exports."""
from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from eksamen_tui.db.models import AuditEntry, Commission, CommissionMember, Examiner, Exam, Grade, Registration
from eksamen_tui.domain.custody import ScriptKind
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.services import custody, dashboard, extensions, fees, grades, guidelines, resits
from tests.factories import add_exam

EXAM_DAY = date(2026, 10, 26)  # grading deadline (NTNU) 16.11.2026: past on 23.11


def commission(ctx, exam_id, *members):
    """Examiners (name, external, paid) on the exam's ordinary commission; returns their ids."""
    ids = []
    with ctx.write() as s:
        row = Commission(exam_id=exam_id, kind="ordinary", number=1)
        s.add(row)
        s.flush()
        for name, external, paid in members:
            examiner = s.exec(select(Examiner).where(Examiner.name == name)).first()
            if examiner is None:
                examiner = Examiner(name=name, email=f"{name.split()[0].lower()}@example.org", is_external=external)
                s.add(examiner)
                s.flush()
            s.add(CommissionMember(commission_id=row.id, examiner_id=examiner.id, is_paid=paid))
            ids.append(examiner.id)
    return ids


def attend(ctx, exam_id, states: dict[int, str] | None = None, grade: str | None = None, published=None):
    """Every candidate attended (or the state given per candidate number),
    with a controlled grade when `grade` is given."""
    states = states or {}
    with ctx.write() as s:
        for reg in s.exec(select(Registration).where(Registration.exam_id == exam_id)).all():
            reg.attendance_state = states.get(reg.candidate_number, "attended")
            s.add(reg)
            if grade and reg.attendance_state in ("attended", "withdrew_during", "blank"):
                value = grade.get(reg.candidate_number, "C") if isinstance(grade, dict) else grade
                if reg.attendance_state != "attended":
                    value = "F"
                s.add(Grade(registration_id=reg.id, value=value, status="controlled", control_value=value,
                            source="entry"))
        if published:
            exam = s.get(Exam, exam_id)
            exam.published_on = published
            s.add(exam)


@pytest.fixture
def exam(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY, candidates=40)
    attend(ctx, exam.id)
    return exam


def test_hand_out_prefilled_from_attendance_then_return_short_is_missing_in_words(ctx, exam):
    internal, external = commission(ctx, exam.id, ("Kari Intern", False, True), ("Eva Ekstern", True, False))
    view = custody.custody_view(ctx, exam.id)
    assert view.submissions == 40
    assert view.default_count(external, custody.Direction.OUT) == 40
    assert [e.kind for e in view.examiners] == [ScriptKind.COPY, ScriptKind.ORIGINAL]
    out = custody.hand_out(ctx, exam.id, external, 40, on_date=date(2026, 10, 27))
    assert out.item.kind is ScriptKind.ORIGINAL and not out.warning
    custody.hand_out(ctx, exam.id, internal, 40, on_date=date(2026, 10, 27))
    assert custody.custody_view(ctx, exam.id).default_count(external, custody.Direction.OUT) == 0
    back = custody.return_scripts(ctx, exam.id, external, 38, on_date=date(2026, 11, 13))
    assert back.item.words.startswith("2 originaler mangler (40 utlevert, 38 tilbake)")
    view = custody.custody_view(ctx, exam.id)
    assert view.missing == 2 and view.out == 40  # the 40 copies are with the examiner, not due yet
    assert view.summary() == ("2 besvarelser mangler (1 over frist): 2 originaler hos Eva Ekstern · "
                              "ute hos sensor, i tide: 40 kopier hos Kari Intern")
    (late,) = view.overdue  # originals past the grading deadline 16.11; copies not due (not published)
    assert late.kind is ScriptKind.ORIGINAL and "OVER FRIST" in late.words
    with pytest.raises(DomainError, match="bare 2 originaler ute, ikke 3"):
        custody.return_scripts(ctx, exam.id, external, 3)
    with ctx.read() as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.entity == "script_movement")).all()
    assert [(e.reason_code, e.old_value, e.new_value) for e in entries] == [
        ("hand_out", "0", "40"), ("hand_out", "0", "40"), ("return", "0", "38")]


def test_a_shortfall_resolved_with_a_reason_until_the_count_changes(ctx, exam):
    (external,) = commission(ctx, exam.id, ("Eva Ekstern", True, False))
    custody.hand_out(ctx, exam.id, external, 40)
    custody.return_scripts(ctx, exam.id, external, 37)
    with pytest.raises(DomainError):
        custody.resolve_shortfall(ctx, exam.id, external, "original", "  ")
    item = custody.resolve_shortfall(ctx, exam.id, external, "original", "tre blanke ark, kassert etter avtale")
    assert item.open_missing == 0 and not item.overdue and "avklart: tre blanke ark" in item.words
    assert custody.custody_summary(ctx) == {"scripts_missing": 0, "scripts_overdue": 0}
    custody.return_scripts(ctx, exam.id, external, 1)  # one came back after all: 2 missing, open again
    assert custody.custody_view(ctx, exam.id).item(external, ScriptKind.ORIGINAL).open_missing == 2
    assert custody.custody_summary(ctx) == {"scripts_missing": 2, "scripts_overdue": 1}


def test_refusals_hand_out_to_a_stranger_before_the_exam_or_zero(ctx, exam):
    (external,) = commission(ctx, exam.id, ("Eva Ekstern", True, False))
    with pytest.raises(DomainError, match="ikke i kommisjonen"):
        custody.hand_out(ctx, exam.id, external + 99, 5)
    with pytest.raises(DomainError, match="før eksamensdagen"):
        custody.hand_out(ctx, exam.id, external, 5, on_date=date(2026, 10, 20))
    with pytest.raises(DomainError):
        custody.hand_out(ctx, exam.id, external, 0)
    with pytest.raises(DomainError, match="ingen originaler ute"):
        custody.return_scripts(ctx, exam.id, external, 1)
    more = custody.hand_out(ctx, exam.id, external, 41)  # the invigilators' count can differ: recorded, with a warning
    assert "41 originaler utlevert i alt, men oppmøtet har 40" in more.warning


def test_copies_are_overdue_only_after_the_explanation_deadline(ctx, exam):
    (internal,) = commission(ctx, exam.id, ("Kari Intern", False, True))
    custody.hand_out(ctx, exam.id, internal, 40)
    attend(ctx, exam.id, published=date(2026, 11, 12))  # explanation request deadline 19.11
    view = custody.custody_view(ctx, exam.id)
    assert view.explanation_deadline == date(2026, 11, 19)
    assert view.item(internal, ScriptKind.COPY).overdue  # 23.11 > 19.11


def test_custody_list_exports_for_the_auditor_a4_private(ctx, exam, tmp_path):
    internal, external = commission(ctx, exam.id, ("Kari Intern", False, True), ("Eva Ekstern", True, False))
    custody.hand_out(ctx, exam.id, external, 40)
    custody.return_scripts(ctx, exam.id, external, 39)
    path = custody.export_custody(ctx, exam.id)
    assert path.name == "TDT4100_2026-10-26_Skoleeksamen_besvarelser.xlsx"
    assert (path.stat().st_mode & 0o777) == 0o600
    sheet = load_workbook(path).active
    assert int(sheet.page_setup.paperSize) == 9 and sheet.print_title_rows == "$7:$7"
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["Eva Ekstern", "ekstern", "original", 40, 39, 1,
            "1 original mangler (40 utlevert, 39 tilbake) – OVER FRIST (skulle vært tilbake 16.11.2026)"] in values
    assert any(row[:1] == ["Eva Ekstern"] and "returnert" in row for row in values)
    assert custody.export_custody(ctx, exam.id) != path  # never over an earlier export


def test_extension_moves_the_grading_deadline_everywhere_and_is_audited(ctx, exam):
    (external,) = commission(ctx, exam.id, ("Eva Ekstern", True, False))
    custody.hand_out(ctx, exam.id, external, 40)
    assert grades.protocol_info(ctx, exam.id).grading_deadline == date(2026, 11, 16)
    assert "sensur" in next(l for l in dashboard.exam_lines(ctx) if l.exam_id == exam.id).overdue
    assert custody.custody_view(ctx, exam.id).overdue
    with pytest.raises(DomainError, match="må være etter"):
        extensions.record_extension(ctx, exam.id, "10.11.2026", decision_reference="PR-1", approved_by="prorektor")
    with pytest.raises(DomainError, match="mangler"):
        extensions.record_extension(ctx, exam.id, "07.12.2026", decision_reference=" ", approved_by="prorektor")
    result = extensions.record_extension(ctx, exam.id, "07.12.2026", decision_reference="PR-2026/17",
                                         approved_by="prorektor for utdanning")
    assert result.describe() == "07.12.2026 (utsatt fra 16.11.2026, vedtak PR-2026/17)"
    info = grades.protocol_info(ctx, exam.id)
    assert info.grading_deadline == date(2026, 12, 7) and info.grading_extended_from == date(2026, 11, 16)
    line = next(l for l in dashboard.exam_lines(ctx) if l.exam_id == exam.id)
    assert "sensur" not in line.overdue and "utsatt" in line.grades
    assert grades.grading_summary(ctx)["exams_past_deadline"] == 0
    assert not custody.custody_view(ctx, exam.id).overdue  # originals now due 07.12
    with ctx.read() as s:
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.reason_code == "extension")).all()
    assert (entry.old_value, entry.new_value) == ("2026-11-16", "2026-12-07")
    assert "PR-2026/17" in entry.note and "prorektor" in entry.note


def test_guidelines_on_the_paper_and_published_with_the_grades(ctx):
    from eksamen_tui.domain.paper_checklist import CHECKLIST_ITEMS
    from eksamen_tui.services import papers

    coming = add_exam(ctx, code="TMA4100", exam_date=date(2026, 12, 10), candidates=3)
    papers.register_delivery(ctx, coming.id, checklist={k: k != "grading_guidelines" for k in CHECKLIST_ITEMS},
                             delivered_by="Kari")
    status = guidelines.guidelines_status(ctx, coming.id)
    assert status.delivered is False and "MANGLER" in status.describe()
    assert guidelines.guidelines_counts(ctx)["guidelines_not_delivered"] == 1
    past = add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY, candidates=3)
    with pytest.raises(DomainError, match="ikke kunngjort"):
        guidelines.mark_published(ctx, past.id)
    attend(ctx, past.id, grade="C", published=date(2026, 11, 16))
    assert guidelines.guidelines_counts(ctx)["guidelines_not_published"] == 1
    assert guidelines.mark_published(ctx, past.id).published_on == date(2026, 11, 23)
    assert guidelines.guidelines_counts(ctx)["guidelines_not_published"] == 0
    with pytest.raises(DomainError, match="allerede"):
        guidelines.mark_published(ctx, past.id)


def test_fee_list_after_publication_sent_then_confirmed_and_exported(ctx, exam):
    internal_paid, internal_unpaid, external = commission(
        ctx, exam.id, ("Kari Intern", False, True), ("Ola Ubetalt", False, False), ("Eva Ekstern", True, False))
    custody.hand_out(ctx, exam.id, external, 40)
    assert fees.fee_list(ctx) == []  # not published: nothing due yet
    attend(ctx, exam.id, grade="C", published=date(2026, 11, 16))
    lines = fees.fee_list(ctx)
    assert [(l.name, l.basis, l.scripts, l.state.label) for l in lines] == [
        ("Eva Ekstern", "ekstern", 40, "skal sendes"), ("Kari Intern", "intern (betalt)", 40, "skal sendes")]
    with pytest.raises(DomainError, match="må være sendt"):
        fees.mark_confirmed(ctx, exam.id, external)
    with pytest.raises(DomainError, match="ikke merket betalt"):
        fees.mark_sent(ctx, exam.id, internal_unpaid)
    assert fees.mark_sent(ctx, exam.id, external).state.label == "sendt"
    assert fees.mark_confirmed(ctx, exam.id, external).confirmed_on == date(2026, 11, 23)
    assert fees.fee_counts(ctx) == {"fee_due": 1, "fee_unconfirmed": 0}
    with ctx.read() as s:
        codes = [e.reason_code for e in s.exec(select(AuditEntry).where(AuditEntry.entity == "fee_form")).all()]
    assert codes == ["fee_sent", "fee_confirmed"]
    sheet = load_workbook(fees.export_fees(ctx)).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert any(r[3] == "Eva Ekstern" and r[8] == "bekreftet" for r in rows)
    del internal_paid


def test_resit_list_after_publication_across_attempts(ctx):
    spring = add_exam(ctx, code="TDT4100", exam_date=date(2026, 5, 20), candidates=4, first_candidate=11)
    autumn = add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY, candidates=0)
    with pytest.raises(DomainError, match="ikke kunngjort"):
        resits.resit_list(ctx, autumn.id)
    # the same four students sit again in the autumn
    with ctx.write() as s:
        for reg in s.exec(select(Registration).where(Registration.exam_id == spring.id)).all():
            s.add(Registration(exam_id=autumn.id, student_id=reg.student_id, candidate_number=reg.candidate_number + 100))
    attend(ctx, spring.id, states={11: "no_show", 12: "attended", 13: "valid_absence", 14: "attended"},
           grade={12: "F", 14: "F"}, published=date(2026, 6, 10))
    with ctx.write() as s:  # candidate 13's absence was documented
        reg = s.exec(select(Registration).where(Registration.exam_id == spring.id,
                                                Registration.candidate_number == 13)).one()
        reg.documentation_received_on = date(2026, 5, 22)
        s.add(reg)
    spring_list = resits.resit_list(ctx, spring.id)
    assert [(l.candidate_number, l.eligible) for l in spring_list.lines] == [(12, True), (13, True), (14, True), (11, False)]
    attend(ctx, autumn.id, states={111: "attended", 112: "attended", 113: "blank", 114: "valid_absence"},
           grade={111: "F", 112: "F"}, published=date(2026, 11, 16))
    listing = resits.resit_list(ctx, spring.id)  # any exam of the course: the last ordinary one counts
    assert listing.exam_id == autumn.id
    reasons = {l.candidate_number: (l.eligible, l.eligibility.reason) for l in listing.lines}
    assert reasons == {
        111: (True, "ikke bestått (F); 1 forsøk igjen"),  # no-show + F = 2 used
        112: (True, "ikke bestått (F); 1 forsøk igjen"),
        113: (True, "levert blankt (F); 2 forsøk igjen"),  # valid absence did not count
        114: (False, "gyldig fravær uten dokumentasjon (ennå)"),
    }
    path = resits.export_resits(ctx, autumn.id)
    rows = [r for r in load_workbook(path).active.iter_rows(values_only=True)]
    assert sum(1 for r in rows if r[2] in (111, 112, 113)) == 3 and not any(r[2] == 114 for r in rows)


def test_the_demo_shows_the_paper_trail_on_the_dashboard(tmp_path):
    from eksamen_tui.services.context import open_context
    from tests.factories import copy_demo_database

    today = date(2026, 11, 23)
    copy_demo_database(tmp_path / "demo.db", today=today)
    demo = open_context(str(tmp_path / "demo.db"), clerk="demo", today=lambda: today)
    counts = dashboard.after_exam_counts(demo)
    assert counts["scripts_missing"] > 0 and counts["scripts_overdue"] > 0
    assert counts["fee_due"] > 0 and counts["guidelines_missing"] > 0
    from eksamen_tui.services.dashboard_leads import exams_behind

    behind = exams_behind(demo, "after", "scripts_overdue")
    assert behind and all("besvarelser" in line.overdue for line in dashboard.exam_lines(demo, exam_ids=behind))
    lines = dashboard.exam_lines(demo)
    assert any("besvarelser" in line.overdue and "mangler" in line.scripts for line in lines)
    assert any(line.grading_extended and "utsatt" in line.grades for line in lines)
    demo.engine.dispose()


def test_fee_counts_are_the_fee_lists_lines_by_state(ctx):
    """`fee_counts` counts in SQL what `fee_list` lists: each examiner due a
    form once per exam (paid on one commission, unpaid on another: due),
    internal unpaid members never, only exams published in the period."""
    published = add_exam(ctx, code="TDT4100", exam_date=date(2026, 10, 26), candidates=4)
    second = add_exam(ctx, code="TDT4110", exam_date=date(2026, 10, 27), candidates=4)
    old = add_exam(ctx, code="TDT4120", exam_date=date(2025, 5, 20), candidates=4)
    unpublished = add_exam(ctx, code="TDT4130", exam_date=date(2026, 11, 2), candidates=4)
    external, paid, _unpaid = commission(ctx, published.id, ("Eva Ekstern", True, False),
                                         ("Kari Intern", False, True), ("Ola Ubetalt", False, False))
    commission(ctx, published.id, ("Kari Intern", False, False), ("Per Ekstern", True, True))  # a second commission
    commission(ctx, second.id, ("Eva Ekstern", True, False), ("Ola Ubetalt", False, True))
    commission(ctx, old.id, ("Eva Ekstern", True, False))
    commission(ctx, unpublished.id, ("Eva Ekstern", True, False))
    attend(ctx, published.id, grade="C", published=date(2026, 11, 16))
    attend(ctx, second.id, grade="C", published=date(2026, 11, 18))
    attend(ctx, old.id, grade="C", published=date(2025, 6, 10))
    fees.mark_sent(ctx, published.id, external)
    fees.mark_sent(ctx, published.id, paid)
    fees.mark_confirmed(ctx, published.id, paid)

    for days_back in (365, 600, 6):
        lines = fees.fee_list(ctx, days_back=days_back)
        states = Counter(line.state.value for line in lines)
        assert fees.fee_counts(ctx, days_back=days_back) == {"fee_due": states["due"], "fee_unconfirmed": states["sent"]}
    assert fees.fee_counts(ctx) == {"fee_due": 3, "fee_unconfirmed": 1}  # Per; Eva and Ola on the second


def test_the_latest_recorded_extension_is_in_force_however_it_is_asked_for(ctx, exam):
    """One rule (extensions._in_force) behind the desks' one-exam question and
    the dashboard's many-exam one: the latest recorded wins, even when it
    moves the deadline back towards the regular one."""
    from sqlalchemy import select as core_select

    from eksamen_tui.db.models import Exam

    other = add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY, candidates=3)
    extensions.record_extension(ctx, exam.id, "14.12.2026", decision_reference="PR-1", approved_by="prorektor")
    extensions.record_extension(ctx, exam.id, "07.12.2026", decision_reference="PR-2", approved_by="prorektor")
    extensions.record_extension(ctx, other.id, "10.12.2026", decision_reference="PR-3", approved_by="prorektor")
    with ctx.read() as s:
        one = extensions.extensions_for(s, [exam.id])
        listed = extensions.extended_dates(s, [exam.id, other.id])
        queried = extensions.extended_dates(s, core_select(Exam.__table__.c.id).scalar_subquery())
    assert one[exam.id].decision_reference == "PR-2"
    assert listed == queried == {exam.id: date(2026, 12, 7), other.id: date(2026, 12, 10)}
    assert extensions.grading_deadline(ctx, exam.id).effective == date(2026, 12, 7)
