"""The department-made corpus (tests/sheet_corpus.py): every file gives its
exact database content or its exact refusal, and a refusal changes nothing."""
from __future__ import annotations

import pytest
from sqlmodel import select

from eksamen_tui.db.models import Commission, CommissionMember, Course, Exam, Examiner, Registration, Student
from eksamen_tui.excel.tabular import FileProblems
from eksamen_tui.services import candidate_import, commission_forms
from tests.factories import add_exam
from tests.sheet_corpus import CASES, EXAM_DAY, OTHER_DAY, build_case


@pytest.fixture
def exams(ctx):
    return add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY), add_exam(ctx, code="TMA4100", name="Matematikk 1",
                                                                        exam_date=OTHER_DAY)


def registrations(ctx):
    with ctx.read() as s:
        return sorted(s.exec(select(Course.code, Exam.exam_date, Student.student_number,
                                    Registration.candidate_number, Student.name, Registration.language_form)
                             .join(Exam, Exam.id == Registration.exam_id).join(Course, Course.id == Exam.course_id)
                             .join(Student, Student.id == Registration.student_id)).all())


def commissions(ctx):
    with ctx.read() as s:
        return sorted(s.exec(select(Commission.kind, Examiner.name, Examiner.email, Examiner.is_external,
                                    CommissionMember.role, CommissionMember.is_paid, CommissionMember.candidate_count)
                             .join(CommissionMember, CommissionMember.commission_id == Commission.id)
                             .join(Examiner, Examiner.id == CommissionMember.examiner_id)).all())


def everything(ctx):
    with ctx.read() as s:
        return registrations(ctx), commissions(ctx), len(s.exec(select(Student)).all())


def test_the_corpus_is_large_enough():
    assert len([c for c in CASES if c.kind == "candidates"]) >= 15
    assert len([c for c in CASES if c.kind == "form"]) >= 15
    assert {c.name.rsplit(".", 1)[1] for c in CASES} >= {"xlsx", "xls", "ods", "csv"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_file(ctx, exams, tmp_path, case):
    path = build_case(case, tmp_path)
    before = everything(ctx)
    plan_and_apply = {
        "candidates": lambda: _candidates(ctx, path),
        "form": lambda: _form(ctx, path),
    }[case.kind]
    if case.refusal:
        with pytest.raises(FileProblems) as caught:
            plan_and_apply()
        text = "\n".join(str(p) for p in caught.value.problems)
        for expected in case.refusal:
            assert expected in text
        assert everything(ctx) == before  # all-or-nothing
        return
    warnings = plan_and_apply()
    actual = registrations(ctx) if case.kind == "candidates" else commissions(ctx)
    assert actual == sorted(case.rows)
    shown = [str(w) for w in warnings]
    assert len(shown) == len(case.warnings), shown
    for expected, text in zip(case.warnings, shown):
        assert expected in text
    # imported twice: nothing changes the second time
    plan_and_apply()
    assert (registrations(ctx) if case.kind == "candidates" else commissions(ctx)) == sorted(case.rows)


def _candidates(ctx, path):
    plan = candidate_import.plan_import(ctx, path)
    candidate_import.apply_import(ctx, plan)
    return plan.warnings


def _form(ctx, path):
    plan = commission_forms.plan_form_import(ctx, path)
    commission_forms.apply_form_import(ctx, plan)
    return plan.warnings
