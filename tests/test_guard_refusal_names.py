"""A write stopped by one of the database's guard indexes (two current
grades, two grade appeals, two appeal commissions, two examiners with one
e-mail) is refused naming the clerk whose change holds the place, from the
newest audit row of that row; on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from eksamen_tui.db.models import Case, Commission, Examiner, Grade, Registration
from eksamen_tui.domain.errors import ChangedMeanwhile
from eksamen_tui.services import audit, grades
from eksamen_tui.services.attendance import mark_unmarked_attended
from tests.factories import add_exam, as_clerk

DAY = date(2026, 11, 12)


@pytest.fixture
def setup(ctx):
    exam = add_exam(ctx, exam_date=DAY, candidates=2, first_candidate=2508)
    mark_unmarked_attended(ctx, exam.id)
    with ctx.read() as s:
        reg_id = s.exec(select(Registration.id).where(Registration.exam_id == exam.id,
                                                      Registration.candidate_number == 2508)).one()
    return exam, reg_id


def _held_by_kari(ctx, row, entity: str) -> None:
    """Kari's counter stores `row` (and audits it, as every service does)."""
    kari = as_clerk(ctx, "kari")
    with kari.write() as s:
        s.add(row)
        s.flush()
        audit.record(s, kari, entity, row.id, "created", None, "ja")


def _refused(ctx, make) -> ChangedMeanwhile:
    with pytest.raises(ChangedMeanwhile) as refusal:
        with ctx.write() as s:
            s.add(make())
    return refusal.value


def test_a_second_current_grade_names_who_entered_the_first(ctx, setup):
    exam, reg_id = setup
    grades.enter_grade(as_clerk(ctx, "kari"), exam.id, 2508, "C", seen=None)
    error = _refused(ctx, lambda: Grade(registration_id=reg_id, value="A", status="provisional", source="entry"))
    assert str(error) == ("Kandidaten fikk karakter ved en annen skranke samtidig (av kari kl. 10:00) – "
                          "ingenting er endret. Se på verdien som står nå.")
    assert (error.by, error.at.hour) == ("kari", 10)


def test_a_second_grade_appeal_commission_and_examiner_name_the_clerk(ctx, setup):
    exam, reg_id = setup
    _held_by_kari(ctx, Case(registration_id=reg_id, case_type="grade_appeal", received_on=DAY), "case")
    _held_by_kari(ctx, Commission(exam_id=exam.id, kind="appeal"), "commission")
    _held_by_kari(ctx, Examiner(name="Eva Ekstern", email="eva@uio.no"), "examiner")
    for make, start in (
            (lambda: Case(registration_id=reg_id, case_type="grade_appeal", received_on=DAY),
             "Klagen på karakteren ble registrert ved en annen skranke samtidig (av kari"),
            (lambda: Commission(exam_id=exam.id, kind="appeal"),
             "Klagekommisjonen ble opprettet ved en annen skranke samtidig (av kari"),
            (lambda: Examiner(name="Eva E.", email="eva@uio.no"),
             "En sensor med samme e-postadresse ble registrert ved en annen skranke samtidig (av kari")):
        error = _refused(ctx, make)
        assert str(error).startswith(start) and error.by == "kari", str(error)


def test_without_an_audited_holder_the_refusal_stands_unnamed(ctx, setup):
    exam, _ = setup
    with ctx.write() as s:  # an ordinary commission audited by kari is not the one the index guards
        row = Commission(exam_id=exam.id, kind="ordinary")
        s.add(row)
        s.flush()
        audit.record(s, as_clerk(ctx, "kari"), "commission", row.id, "created", None, "ordinary")
    with pytest.raises(ChangedMeanwhile) as refusal:
        with ctx.write() as s:  # both in one transaction: nobody else holds the place
            s.add(Commission(exam_id=exam.id, kind="appeal"))
            s.add(Commission(exam_id=exam.id, kind="appeal"))
    assert str(refusal.value) == ("Klagekommisjonen ble opprettet ved en annen skranke samtidig – ingenting er "
                                  "endret. Se på verdien som står nå.")
    assert refusal.value.by is None
    with ctx.read() as s:
        assert s.exec(select(Commission.kind).where(Commission.exam_id == exam.id)).all() == ["ordinary"]
