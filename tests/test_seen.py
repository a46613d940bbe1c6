"""No silent overwrite: every write takes what the clerk's screen showed
(`seen=`); when the stored value differs, nothing is written and the
refusal names who changed it, to what and when."""
from dataclasses import replace
from datetime import date, datetime, time

import pytest
from sqlmodel import func, select

from eksamen_tui.db.models import AuditEntry, Case, Grade, Registration
from eksamen_tui.domain.attendance import AttendanceState as S
from eksamen_tui.domain.errors import ChangedMeanwhile
from eksamen_tui.services import attendance, grades
from tests.factories import TODAY, add_exam

DAY = date(2026, 11, 12)


def as_clerk(ctx, clerk, hour=10, minute=41):
    other = replace(ctx, clerk=clerk)
    other.now = lambda: datetime.combine(TODAY, time(hour, minute))
    return other


@pytest.fixture
def exam(ctx):
    exam = add_exam(ctx, exam_date=DAY, candidates=4, first_candidate=2508)
    attendance.mark_unmarked_attended(ctx, exam.id)
    return exam


def grade_rows(ctx, exam_id):
    with ctx.read() as s:
        return s.exec(select(Registration.candidate_number, Grade.value, Grade.status, Grade.is_current)
                      .join(Grade).where(Registration.exam_id == exam_id).order_by(Grade.id)).all()


def audit_count(ctx):
    with ctx.read() as s:
        return s.exec(select(func.count()).select_from(AuditEntry)).one()


def test_entry_over_a_value_the_clerk_never_saw_is_refused_naming_who_and_when(ctx, exam):
    kari, ola = as_clerk(ctx, "kari"), as_clerk(ctx, "ola", 10, 45)
    grades.enter_grade(kari, exam.id, 2508, "C", seen=None)
    before, audits = grade_rows(ctx, exam.id), audit_count(ctx)
    with pytest.raises(ChangedMeanwhile) as refused:
        grades.enter_grade(ola, exam.id, 2508, "B", seen=None)  # ola's screen showed the cell empty
    assert str(refused.value).startswith("Kandidat 2508 ble satt til C av kari kl. 10:41")
    assert (refused.value.current, refused.value.by) == ("C", "kari")
    assert refused.value.at == datetime.combine(TODAY, time(10, 41))
    assert grade_rows(ctx, exam.id) == before and audit_count(ctx) == audits
    # having seen C, ola may change it
    entry = grades.enter_grade(ola, exam.id, 2508, "B", seen="C")
    assert (entry.old_value, entry.new_value) == ("C", "B")


def test_a_grade_emptied_by_an_undo_elsewhere_is_refused(ctx, exam):
    kari = as_clerk(ctx, "kari")
    entry = grades.enter_grade(kari, exam.id, 2509, "A", seen=None)
    grades.undo_entry(kari, exam.id, entry)
    with pytest.raises(ChangedMeanwhile, match="Kandidat 2509 ble tømt av kari kl. 10:41"):
        grades.enter_grade(ctx, exam.id, 2509, "B", seen="A")


def test_a_raced_control_pass_is_applied_once(ctx, exam):
    kari, ola = as_clerk(ctx, "kari"), as_clerk(ctx, "ola")
    grades.enter_grade(ctx, exam.id, 2508, "C", seen=None)
    assert grades.control_grade(kari, exam.id, 2508, "C", seen="C").matched
    with pytest.raises(ChangedMeanwhile, match=r"Kandidat 2508 ble kontrollert av kari kl. 10:41") as refused:
        grades.control_grade(ola, exam.id, 2508, "D", seen="C")
    assert "C" not in str(refused.value).replace("Kandidat", "")  # control entry is blind: no first value named
    assert [r.status for r in grade_rows(ctx, exam.id)] == ["controlled"]
    # a mismatch made at another counter is not controlled over either
    grades.enter_grade(ctx, exam.id, 2509, "C", seen=None)
    grades.control_grade(kari, exam.id, 2509, "D", seen="C")
    with pytest.raises(ChangedMeanwhile, match="avvik"):
        grades.control_grade(ola, exam.id, 2509, "C", seen="C")
    # the desk that showed the AVVIK may control it again (as before)
    assert grades.control_grade(ola, exam.id, 2509, "C", seen="C", seen_status="mismatch").matched


def test_correction_and_mismatch_resolution_check_what_was_shown(ctx, exam):
    kari = as_clerk(ctx, "kari")
    grades.enter_grade(ctx, exam.id, 2508, "C", seen=None)
    grades.control_grade(as_clerk(ctx, "ola"), exam.id, 2508, "C", seen="C")  # four eyes
    grades.correct_grade(kari, exam.id, 2508, "B", "typo", seen="C")
    with pytest.raises(ChangedMeanwhile, match=r"Kandidat 2508 ble kontrollert \(B\) av kari"):
        grades.correct_grade(ctx, exam.id, 2508, "A", "typo", seen="C")
    assert [(r.value, r.is_current) for r in grade_rows(ctx, exam.id)] == [("C", False), ("B", True)]
    grades.enter_grade(ctx, exam.id, 2509, "C", seen=None)
    grades.control_grade(as_clerk(ctx, "ola"), exam.id, 2509, "D", seen="C")
    grades.resolve_mismatch(kari, exam.id, 2509, "D", "sjekket", seen="C")
    with pytest.raises(ChangedMeanwhile, match=r"Avviket for kandidat 2509 ble løst \(D\) av kari"):
        grades.resolve_mismatch(ctx, exam.id, 2509, "C", "sjekket", seen="C")


def test_publish_raced_is_refused_naming_who(ctx, exam):
    kari = as_clerk(ctx, "kari")
    for number in range(2508, 2512):
        grades.enter_grade(ctx, exam.id, number, "C", seen=None)
        grades.control_grade(as_clerk(ctx, "ola"), exam.id, number, "C", seen="C")
    grades.publish(kari, exam.id, DAY)
    with pytest.raises(Exception, match="kunngjort"):
        grades.publish(ctx, exam.id, DAY)


def test_attendance_state_written_over_a_state_never_seen_is_refused(ctx):
    exam = add_exam(ctx, exam_date=DAY, candidates=3, first_candidate=2508)
    kari = as_clerk(ctx, "kari")
    attendance.set_state(kari, exam.id, 2508, S.NO_SHOW, seen=S.REGISTERED)
    with pytest.raises(ChangedMeanwhile, match="Kandidat 2508 ble satt til «ikke møtt» av kari kl. 10:41") as refused:
        attendance.set_state(ctx, exam.id, 2508, S.ATTENDED, seen=S.REGISTERED)
    assert refused.value.current == S.NO_SHOW
    with ctx.read() as s:
        assert s.exec(select(Registration.attendance_state)
                      .where(Registration.candidate_number == 2508)).one() == S.NO_SHOW.value
    attendance.set_state(ctx, exam.id, 2508, S.VALID_ABSENCE, seen=S.NO_SHOW)
    attendance.record_documentation(kari, exam.id, 2508, DAY, seen=None)
    with pytest.raises(ChangedMeanwhile, match="Dokumentasjonen for kandidat 2508 ble satt til 12.11.2026 av kari"):
        attendance.record_documentation(ctx, exam.id, 2508, TODAY, seen=None)


def test_mark_the_rest_attended_twice_changes_each_candidate_once(ctx):
    exam = add_exam(ctx, exam_date=DAY, candidates=40, first_candidate=1)
    first = attendance.mark_unmarked_attended(ctx, exam.id)
    second = attendance.mark_unmarked_attended(as_clerk(ctx, "kari"), exam.id)
    assert (len(first), len(second)) == (40, 0)


def test_undo_after_another_counter_changed_the_candidate_names_them(ctx):
    exam = add_exam(ctx, exam_date=DAY, candidates=2, first_candidate=2508)
    change = attendance.set_state(ctx, exam.id, 2508, S.NO_SHOW, seen=S.REGISTERED)
    attendance.set_state(as_clerk(ctx, "kari"), exam.id, 2508, S.ATTENDED, seen=S.NO_SHOW)
    with pytest.raises(ChangedMeanwhile, match="ble satt til «møtt» av kari"):
        attendance.undo_change(ctx, exam.id, change)


def test_without_seen_scripts_still_write(ctx, exam):
    grades.enter_grade(ctx, exam.id, 2508, "C")
    grades.enter_grade(ctx, exam.id, 2508, "D")
    assert [r.value for r in grade_rows(ctx, exam.id)] == ["D"]
    with ctx.read() as s:
        assert s.exec(select(func.count()).select_from(Case)).one() == 0


# --- the database's own guard (migration 0003) --------------------------------------

def test_no_code_path_can_store_two_current_grades_or_two_of_a_kind(ctx, exam):
    from eksamen_tui.db.models import Commission, Examiner

    grades.enter_grade(ctx, exam.id, 2508, "C", seen=None)
    with ctx.read() as s:
        reg_id = s.exec(select(Registration.id).where(Registration.candidate_number == 2508)).one()
    attempts = {
        "grade": lambda s: s.add(Grade(registration_id=reg_id, value="A", status="provisional", source="entry")),
        "appeal": lambda s: [s.add(Case(registration_id=reg_id, case_type="grade_appeal", received_on=DAY))
                             for _ in range(2)],
        "commission": lambda s: [s.add(Commission(exam_id=exam.id, kind="appeal")) for _ in range(2)],
        "examiner": lambda s: [s.add(Examiner(name=f"Sensor {i}", email="sensor@uio.no")) for i in range(2)],
    }
    for name, attempt in attempts.items():
        with pytest.raises(ChangedMeanwhile, match="ved en annen skranke samtidig"):
            with ctx.write() as s:
                attempt(s)
    # what the indexes allow: history rows, part grades, examiners without e-mail, other case types
    with ctx.write() as s:
        s.add(Grade(registration_id=reg_id, value="B", status="controlled", source="entry", is_current=False))
        s.add(Examiner(name="Uten e-post 1"))
        s.add(Examiner(name="Uten e-post 2"))
        s.add(Case(registration_id=reg_id, case_type="explanation", received_on=DAY))
        s.add(Case(registration_id=reg_id, case_type="explanation", received_on=DAY))
        s.add(Commission(exam_id=exam.id, kind="ordinary"))
        s.add(Commission(exam_id=exam.id, kind="ordinary", number=2))
    assert [(r.value, r.is_current) for r in grade_rows(ctx, exam.id)] == [("C", True), ("B", False)]


# --- case outcomes and commission membership ------------------------------------------

def test_a_case_moved_on_by_another_counter_is_refused_naming_who(ctx):
    from eksamen_tui.services import appeals
    from tests.test_appeals_service import sent_appeals

    exam, cases = sent_appeals(ctx, numbers=(101,))
    kari = as_clerk(ctx, "kari")
    with ctx.read() as s:
        shown = appeals.case_status(s.get(Case, cases[0].id))
    appeals.enter_new_grade(kari, cases[0].id, "B", seen=shown)  # C -> B: one step, final
    with pytest.raises(ChangedMeanwhile, match=rf"Sak {cases[0].id} \(kandidat 101\) ble endret til «avgjort, "
                                               r"vedtak ikke sendt» av kari kl. 10:41"):
        appeals.enter_new_grade(ctx, cases[0].id, "D", seen=shown)
    with ctx.read() as s:
        assert s.exec(select(Grade.value).where(Grade.is_current == True,  # noqa: E712
                                                Grade.source == "appeal")).all() == ["B"]
    appeals.close_case(kari, cases[0].id, seen="avgjort, vedtak ikke sendt")
    with pytest.raises(ChangedMeanwhile, match="ble endret til «lukket» av kari"):
        appeals.close_case(ctx, cases[0].id, seen="avgjort, vedtak ikke sendt")


def test_a_commission_form_confirmed_after_another_counter_changed_the_commission_is_refused(ctx, tmp_path):
    from eksamen_tui.db.models import CommissionMember
    from eksamen_tui.services import commission_forms as forms
    from tests.test_commission_forms import _good_form, commissions

    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10), candidates=5)
    plan = forms.plan_form_import(ctx, _good_form(ctx, exam))  # the preview a clerk looks at
    forms.apply_form_import(as_clerk(ctx, "kari"), forms.plan_form_import(ctx, _good_form(ctx, exam)))
    before = commissions(ctx, exam.id)
    with pytest.raises(ChangedMeanwhile, match="Kommisjonen for TDT4100 .* ble endret etter at skjemaet ble lest "
                                               "av kari kl. 10:41"):
        forms.apply_form_import(ctx, plan)
    assert commissions(ctx, exam.id) == before
    with ctx.read() as s:
        assert s.exec(select(func.count()).select_from(CommissionMember)).one() == len(before)
    # read again, the same form applies (nothing to change)
    assert forms.apply_form_import(ctx, forms.plan_form_import(ctx, _good_form(ctx, exam))) == {
        "new": 0, "changed": 0, "removed": 0}
