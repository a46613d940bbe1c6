"""The grade desk driven by the keyboard: entry, control entry, anonymity."""
import random
import re
from datetime import date

import pytest
from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Grade, Registration, Student
from eksamen_tui.domain.attendance import AttendanceState as S
from eksamen_tui.domain.vocabulary import GradeSource, GradeStatus
from eksamen_tui.services.attendance import mark_unmarked_attended, set_state
from tests.factories import add_exam, as_clerk
from tests.screen_text import open_exam_on_desk, screen_text

DAY = date(2026, 11, 12)



def stored(ctx, exam_id):
    with ctx.read() as s:
        return {n: (v, st) for n, v, st in s.exec(
            select(Registration.candidate_number, Grade.value, Grade.status).join(Grade)
            .where(Registration.exam_id == exam_id, Grade.is_current == True,  # noqa: E712
                   Grade.source == GradeSource.ENTRY))}


@pytest.mark.slow("about 230 keys on the grade desk, each repainting a 150x45 screen")
async def test_100_candidates_one_key_each_then_control_with_two_mismatches(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=100, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    rng = random.Random(7)  # one seeded generator: a varied, reproducible sequence
    grades = [rng.choice("abcdef") for _ in range(100)]
    assert len(set(grades)) == 6
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TMA4240")
        await pilot.press(*grades)
        result = stored(ctx, exam.id)
        assert [result[201 + i][0] for i in range(100)] == [g.upper() for g in grades]
        assert "100 / 100" in screen_text(app)
        # control entry by another clerk: the first values are hidden, two deliberate mismatches
        app.ctx = as_clerk(ctx)
        await pilot.press("k")
        assert "KONTROLLFØRING" in screen_text(app)
        control = list(grades)
        control[10] = "a" if grades[10] != "a" else "b"
        control[57] = "f" if grades[57] != "f" else "e"
        await pilot.press("home")
        await pilot.press(*control)
        result = stored(ctx, exam.id)
        assert sum(1 for v, st in result.values() if st == GradeStatus.CONTROLLED) == 98
        assert {n for n, (v, st) in result.items() if st == GradeStatus.MISMATCH} == {211, 258}
        assert re.search(r"Avvik:\s+2\b", screen_text(app))
        # resolve both (out of control entry): jump to the number, L; choose the right value and a reason code
        await pilot.press("k")
        for number, index in ((211, 10), (258, 57)):
            await pilot.press(*str(number), "l")
            await pilot.pause()
            assert type(app.screen).__name__ == "FormDialog"
            await pilot.press(grades[index], "enter", "s", "enter", "enter")  # value, «sjekket mot …», no note
            await pilot.pause()
            assert type(app.screen).__name__ == "GradesScreen"
        result = stored(ctx, exam.id)
        assert all(st == GradeStatus.CONTROLLED for v, st in result.values())
        assert [result[201 + i][0] for i in range(100)] == [g.upper() for g in grades]
        assert re.search(r"Ukontrollert:\s+0\b", screen_text(app))


async def test_no_name_or_student_number_in_any_frame(ctx):
    exam = add_exam(ctx, code="TDT4100", exam_date=DAY, candidates=12, first_candidate=101,
                    parts=None)
    set_state(ctx, exam.id, 112, S.NO_SHOW)
    mark_unmarked_attended(ctx, exam.id)
    with ctx.read() as s:
        people = s.exec(select(Student.name, Student.student_number).join(Registration)
                        .where(Registration.exam_id == exam.id)).all()
    frames = []
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TDT4100")
        frames.append(screen_text(app))
        await pilot.press("a", "b", "c", "x")
        frames.append(screen_text(app))
        await pilot.press(*"112", "a")  # a no-show: refused, naming the number only
        frames.append(screen_text(app))
        assert "Kandidat 112" in frames[-1] and "ikke møtt" in frames[-1]
        app.ctx = as_clerk(ctx)
        await pilot.press("k", "home", "a", "c")
        frames.append(screen_text(app))
        await pilot.press("f1")
        frames.append(screen_text(app))
    assert len(people) == 12
    for frame in frames:
        for name, number in people:
            assert name not in frame and number not in frame


async def test_out_of_scale_key_and_undo(ctx):
    exam = add_exam(ctx, code="HMS0002", exam_date=DAY, grade_scale="pass_fail", candidates=3, first_candidate=1)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "HMS0002")
        await pilot.press("a")  # A is not on the pass/fail scale
        assert "«a» er ingen karakter på skalaen bestått (+) / ikke bestått (−)" in screen_text(app)
        assert stored(ctx, exam.id) == {}
        await pilot.press("plus", "minus")
        assert stored(ctx, exam.id) == {1: ("bestått", GradeStatus.PROVISIONAL),
                                        2: ("ikke bestått", GradeStatus.PROVISIONAL)}
        await pilot.press("u")
        assert stored(ctx, exam.id) == {1: ("bestått", GradeStatus.PROVISIONAL)}
        text = screen_text(app)
        assert "+ bestått" in text and "− ikke bestått" in text  # both keys shown in the footer


async def test_keys_typed_after_a_refused_dialog_never_reach_the_desk(ctx):
    """F5 `l` with nothing chosen is refused beside the field; the dialog
    stays open, and letters that are grade keys typed next change nothing."""
    from eksamen_tui.db.models import AuditEntry
    from eksamen_tui.services.grades import control_grade, enter_grade

    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=3, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    enter_grade(ctx, exam.id, 202, "C")
    control_grade(as_clerk(ctx), exam.id, 202, "E")
    before = stored(ctx, exam.id)
    with ctx.read() as s:
        audit_rows = len(s.exec(select(AuditEntry)).all())
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TMA4240")
        await pilot.press(*"202", "l")
        await pilot.pause()
        await pilot.press("enter", "enter", "enter")  # through the empty fields: submitted, refused
        await pilot.pause()
        assert type(app.screen).__name__ == "FormDialog"
        assert "Velg «Riktig verdi»" in screen_text(app)
        await pilot.press(*"abcdef", "tab", "tab", *"fbe dcba", "plus", "minus")
        await pilot.pause()
        assert type(app.screen).__name__ == "FormDialog"
        assert stored(ctx, exam.id) == before
        await pilot.press("escape", "escape")  # out of the field, then out of the form
        await pilot.pause()
        assert type(app.screen).__name__ == "GradesScreen"
        assert "avviket er ikke løst" in screen_text(app)
    assert stored(ctx, exam.id) == before and before[202][1] == GradeStatus.MISMATCH
    with ctx.read() as s:
        assert len(s.exec(select(AuditEntry)).all()) == audit_rows


async def test_publish_refusal_says_why_before_any_question(ctx):
    exam = add_exam(ctx, code="HMS0002", exam_date=DAY, grade_scale="pass_fail", candidates=2, first_candidate=1)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "HMS0002")
        await pilot.press("plus")
        await pilot.press("p")
        await pilot.pause()
        assert type(app.screen).__name__ == "GradesScreen"  # no question asked
        assert "Kan ikke kunngjøre: 2 kandidater mangler kontrollert karakter (1 uten karakter, 1 ukontrollert" \
            in screen_text(app)
        await pilot.press("minus")
        app.ctx = as_clerk(ctx)  # the control by another clerk
        await pilot.press("k", "home", "plus", "minus")
        await pilot.press("p")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")
        await pilot.pause()
        assert "Ikke kunngjort" in screen_text(app)
        await pilot.press("p", "j")
        await pilot.pause()
        assert "Kunngjort. Frist for begrunnelse" in screen_text(app)
