"""Live desks: a desk left open shows what another counter (a real
process) writes within 2 seconds, without a key press, and keeps working:
the typed number and the cursor stay, and the next key writes over the
value now shown, not over a stale one."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import date

import pytest
from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import AuditEntry, Grade, Registration
from eksamen_tui.services.attendance import mark_unmarked_attended
from tests.factories import add_exam
from tests.screen_text import open_exam_on_desk, screen_text

DAY = date(2026, 11, 12)

OTHER_COUNTER = """
import sys
from eksamen_tui.services.context import open_context
from eksamen_tui.services import attendance, grades
ctx = open_context(sys.argv[1], clerk="kari")
exam_id, other_exam, phases = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if "grades" in phases:
    for number, value in ((101, "A"), (102, "B"), (103, "C")):
        grades.enter_grade(ctx, exam_id, number, value, seen=None)
if "attendance" in phases:
    attendance.set_state(ctx, other_exam, 201, "no_show", seen="registered")
"""


async def _other_counter(ctx, exam_id, other_id, phases="grades,attendance"):
    """Another counter: a real process writing while the app keeps running
    (and polling) in this event loop."""
    url = ctx.engine.url
    target = str(url.database) if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=False)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", OTHER_COUNTER, target, str(exam_id), str(other_id), phases,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return subprocess.CompletedProcess([], process.returncode, "", stderr.decode())


async def _shown_within(app, pilot, texts, seconds=2.0, row=None) -> float:
    """Seconds until every text is on screen (in the row of candidate `row`)."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        await pilot.pause(0.1)
        text = screen_text(app) if row is None else _row_text(app, row)
        if all(t in text for t in texts):
            return time.monotonic() - start
    raise AssertionError(f"not shown within {seconds} s: {texts}\n{screen_text(app)}")


def _row_text(app, number: int) -> str:
    return next(line for line in screen_text(app).splitlines() if line.strip().startswith(str(number)))


async def test_grade_desk_shows_another_counters_grades_within_2_seconds(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=10, first_candidate=101)
    other = add_exam(ctx, code="TDT4100", exam_date=DAY, candidates=3, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TMA4240")
        await pilot.press("down", "down", "down", "down")  # the cursor on 105
        await pilot.press("1", "0")  # a number half typed
        done = await _other_counter(ctx, exam.id, other.id)
        assert done.returncode == 0, done.stderr
        await _shown_within(app, pilot, ["3 / 10"])
        await _shown_within(app, pilot, ["C"], row=103)
        assert "A" in _row_text(app, 101) and "B" in _row_text(app, 102) and "C" in _row_text(app, 103)
        assert "Kandidatnummer: 10" in screen_text(app)  # the typed number survived
        table = app.screen.query_one("#protocol")
        assert table.cursor_row == 4
        # finish the number: 102 gets D, written over the B now shown (no refusal)
        await pilot.press("2", "d")
        await pilot.pause()
        assert "Kandidat 102: D (var B)" in screen_text(app)
        with ctx.read() as s:
            stored = s.exec(select(Grade.value).join(Registration).where(
                Registration.exam_id == exam.id, Registration.candidate_number == 102,
                Grade.is_current == True)).one()  # noqa: E712
            assert stored == "D"
            assert s.exec(select(AuditEntry.clerk).where(AuditEntry.old_value == "B",
                                                         AuditEntry.new_value == "D")).one() == ctx.clerk


async def test_a_stale_desk_refuses_names_the_other_clerk_and_shows_their_value(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=10, first_candidate=101)
    other = add_exam(ctx, code="TDT4100", exam_date=DAY, candidates=3, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_exam_on_desk(app, pilot, "f5", "TMA4240")
        app.screen.CHANGE_POLL_SECONDS = 3600  # this desk does not look before the key
        for timer in app.screen._timers:
            timer.stop()
        done = await _other_counter(ctx, exam.id, other.id)
        assert done.returncode == 0, done.stderr
        await pilot.press("f")  # 101, shown empty here, is A in the database
        await pilot.pause()
        assert "Kandidat 101 ble satt til A av kari" in screen_text(app)
        for _ in range(20):
            await asyncio.sleep(0.05)
            await pilot.pause()
            if "A" in _row_text(app, 101):
                break
        assert "A" in _row_text(app, 101)
        with ctx.read() as s:
            assert s.exec(select(Grade.value).join(Registration).where(
                Registration.exam_id == exam.id, Registration.candidate_number == 101)).all() == ["A"]


@pytest.mark.slow("waits for the desks' one-second change polls")
async def test_dashboard_and_attendance_desk_follow_another_counter(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=10, first_candidate=101)
    other = add_exam(ctx, code="TDT4100", exam_date=DAY, candidates=3, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await _shown_within(app, pilot, ["Karakterer ført: 0"], seconds=10)  # the dashboard, loaded
        done = await _other_counter(ctx, exam.id, other.id, "grades")
        assert done.returncode == 0, done.stderr
        await _shown_within(app, pilot, ["Karakterer ført: 3"])  # the card follows, no key pressed
        await open_exam_on_desk(app, pilot, "f4", "TDT4100")
        done = await _other_counter(ctx, exam.id, other.id, "attendance")
        assert done.returncode == 0, done.stderr
        await _shown_within(app, pilot, ["ikke møtt"], row=201)


FORM_COUNTER = """
import sys
from pathlib import Path
from eksamen_tui.services.context import open_context
from eksamen_tui.services.commission_forms import import_path
ctx = open_context(sys.argv[1], clerk="kari")
assert all(result.ok for result in import_path(ctx, Path(sys.argv[2])))
"""


async def test_commission_desk_follows_a_form_imported_at_another_counter(ctx):
    from tests.test_commission_forms import _good_form

    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10), candidates=5)
    form = _good_form(ctx, exam)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("f7")
        await _shown_within(app, pilot, ["skjema mangler"], seconds=10)
        url = ctx.engine.url
        target = str(url.database) if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=False)
        process = await asyncio.create_subprocess_exec(sys.executable, "-c", FORM_COUNTER, target, str(form),
                                                       stderr=subprocess.PIPE)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 0, stderr.decode()
        await _shown_within(app, pilot, ["komplett"])
        assert "skjema mangler" not in screen_text(app)
