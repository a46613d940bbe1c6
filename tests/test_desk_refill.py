"""A candidate added at another counter (an import) while F4 or F5 is open:
the desk refills its list (DeskScreen's shared `_refill`), the new
candidate shows, and the cursor stays on the candidate it was on."""
from __future__ import annotations

from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Registration, Student
from eksamen_tui.services import audit
from eksamen_tui.services.attendance import mark_unmarked_attended
from tests.factories import add_exam
from tests.screen_text import open_exam_on_desk
from tests.test_live_desk import _row_text

DAY = date(2026, 11, 12)


def _add_candidate(ctx, exam_id: int, number: int) -> None:
    """What a candidate import at another counter leaves: a registration and its audit row."""
    with ctx.write() as s:
        student = Student(student_number="599999", name="Sent Importert")
        s.add(student)
        s.flush()
        reg = Registration(exam_id=exam_id, student_id=student.id, candidate_number=number,
                           attendance_state="attended")
        s.add(reg)
        s.flush()
        audit.record(s, ctx, "registration", reg.id, "imported", None, f"kandidat {number}", reason_code="import")


@pytest.mark.parametrize("desk, table_id", [("f4", "#roster"), ("f5", "#protocol")])
async def test_a_candidate_added_elsewhere_appears_and_the_cursor_stays(ctx, desk, table_id):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=6, first_candidate=101)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, desk, "TMA4240")
        await pilot.press("down", "down", "down")  # the cursor on 104
        table = app.screen.query_one(table_id)
        on = table.cursor_key
        _add_candidate(ctx, exam.id, 100)  # sorts first: every row below moves down one
        for _ in range(100):  # the desk polls once a second; a busy machine is slower
            await pilot.pause(0.1)
            if table.row_count == 7:
                break
        assert table.row_count == 7
        assert table.cursor_key == on
        assert table.cursor_row == 4  # 104, one row further down
        assert app.screen._by_number[100] in app.screen._rows
        assert "Sent" not in _row_text(app, 100) or desk == "f4"  # the grade desk names nobody
