"""Snapshots (pytest-textual-snapshot's SVG format) of every desk at 80×24,
120×30 and 150×40 on the demo database, the clock stopped at 23.11.2026
10:00 (tests/snapshot_support.py).

Each desk is reached as a clerk reaches it: its function key, then the demo
exam's course code typed and Enter where the desk searches exams (F3, F4,
F5, F10; F8 takes «EMNEKODE kandidatnr»; F9 filters on it). F6 and F7 list
every exam's cases and forms (the demo exam has no case, and its form
deadline is before F7's window): they are shown as they open.

Issue 17's two counter questions, in under three keys from a desk: «what is
registered for me?» (F8, the student number, Enter — from the grade desk,
where digits are candidate numbers) and «who changed this?» (the number and
`h` on F5, anonymous, and on F4), each asserted in words too.

One app per size walks a group of desks in order (a clerk's session) and
compares a snapshot at each stop: starting the app and opening the exam for
every single snapshot would cost the suite a minute. Every snapshot is
compared even when an earlier one differs; the test then names them all.

The SVGs live in tests/__snapshots__/test_snapshots/. After a deliberate
change to a screen: `pytest tests/test_snapshots.py --snapshot-update`, then
LOOK at the new SVGs before committing them (a snapshot freezes what is
shown, broken or not). SQLite only: the demo is a SQLite file here, and the
screens draw the same on PostgreSQL.
"""
import pytest
from pytest_textual_snapshot import SVGImageExtension

from tests.screen_text import screen_text
from tests.snapshot_support import (EXAM, SIZES, demo_app, demo_copy, demo_database, keys, open_exam,  # noqa: F401
                                    size_id, steady, until)

pytestmark = pytest.mark.sqlite_only

STUDENT_NUMBER = "483018"  # Elias Thomassen, candidate 6153 on the demo exam


def log_rows(app) -> list[list[str]]:
    """The Endringslogg's rows as its table holds them (when, who, candidate,
    what, old → new); the time is shown without the year at 80 columns."""
    table = app.screen.query_one("#log")
    rows = [[str(table.get_cell(row, column)) for column in ("at", "clerk", "cand", "what", "change")]
            for row in table.rows]
    for row in rows:
        row[0] = row[0].replace("23.11 ", "23.11.2026 ")
    return rows


# --- the stops: each brings the app to one screen ------------------------------------------
async def dashboard(pilot):
    """F2 is where the app opens; the cursor goes to the demo exam's row
    (its deadlines show below the table): Ctrl+Home, then down. (The table
    opens on today's exam, scrolled into view once its rows are measured,
    which under load happens a frame earlier or later: from the top the
    rows shown do not depend on it.)"""
    table = pilot.app.screen.query_one("#exams")
    row = next(i for i in range(table.row_count) if EXAM in str(table.get_row_at(i)[0]))
    await keys(pilot, "ctrl+home", *["down"] * row)


async def papers(pilot):
    await open_exam(pilot, "f3")


async def attendance(pilot):
    await open_exam(pilot, "f4")


async def grades(pilot):
    await open_exam(pilot, "f5")


async def help_on_grades(pilot):
    await keys(pilot, "f1")


async def appeals(pilot):
    await keys(pilot, "f6")


async def commissions(pilot):
    await keys(pilot, "f7")


async def student(pilot):
    await keys(pilot, "f8", f"'{EXAM.lower()} 6153'", "enter")


async def after_exam(pilot):
    await open_exam(pilot, "f10")


async def settings(pilot):
    await keys(pilot, "f12")


async def student_from_grades(pilot):
    """«What is registered for me?» asked at the grade desk."""
    app = pilot.app
    await open_exam(pilot, "f5")
    await keys(pilot, "f8", f"'{STUDENT_NUMBER}'", "enter")
    assert app.current_mode == "student"
    await until(pilot, lambda: "Elias Thomassen" in (app.screen.sub_title or ""), "the student opened")
    text = screen_text(app)
    assert "Elias Thomassen" in text and EXAM in text and "6153" in text


async def history_from_grades(pilot):
    """«Who changed this grade?»: a control entry, then the number and `h`;
    from F5 the log names nobody."""
    app = pilot.app
    await keys(pilot, "f5", "k", "'6156'", "c", "'6156'", "h")
    assert app.current_mode == "audit_log"
    await until(pilot, lambda: "6156" in (app.screen.sub_title or ""), "the log filtered to 6156")
    text = screen_text(app)
    assert "kandidat 6156" in text and "kari" in text and "23.11.2026 10:00" in text
    assert "anonymt" in text and "Astrid Svendsen" not in text and "553098" not in text
    assert log_rows(app) == [["23.11.2026 10:00", "kari", "6156", "karakterstatus", "ført → kontrollert"]]


async def history_from_attendance(pilot):
    app = pilot.app
    await open_exam(pilot, "f4")
    await keys(pilot, "'6160'", "d", "'6160'", "h")
    assert app.current_mode == "audit_log"
    await until(pilot, lambda: "6160" in (app.screen.sub_title or ""), "the log filtered to 6160")
    text = screen_text(app)
    assert "kandidat 6160" in text and "Ole Johnsen" in text
    assert log_rows(app) == [["23.11.2026 10:00", "kari", "6160", "dokumentasjon mottatt", "– → 23.11.2026"]]


async def audit_log_on_exam(pilot):
    """F9 with the filter cleared, then the demo exam's course code: both
    changes just made."""
    await keys(pilot, "c", "slash", f"'{EXAM.lower()}'", "enter")
    assert sorted(row[2] for row in log_rows(pilot.app)) == ["6156", "6160"]


GROUPS = {
    # read-only desks first
    "desks": [("dashboard", dashboard), ("f3-papers", papers), ("f4-attendance", attendance),
              ("f5-grades", grades), ("f1-help-on-f5", help_on_grades)],
    "lists": [("f6-appeals", appeals), ("f7-commissions", commissions), ("f8-student", student),
              ("f10-after-exam", after_exam), ("f12-settings", settings)],
    # issue 17: the counter's questions (they change the demo exam), then F9 on it
    "questions": [("student-from-f5", student_from_grades), ("history-from-f5", history_from_grades),
                  ("history-from-f4", history_from_attendance), ("f9-audit-log", audit_log_on_exam)],
}


@pytest.mark.parametrize("size", SIZES, ids=size_id)
@pytest.mark.parametrize("group", list(GROUPS))
async def test_snapshots(group, size, demo_copy, snapshot, tmp_path):
    svg = snapshot.use_extension(SVGImageExtension)
    app = demo_app(demo_copy)
    differ = []
    async with app.run_test(size=size) as pilot:
        await steady(pilot)
        for name, stop in GROUPS[group]:
            await stop(pilot)
            await steady(pilot)
            await pilot.wait_for_scheduled_animations()
            shot = app.export_screenshot(simplify=True)
            if not svg(name=name) == shot:
                differ.append(name)
                (tmp_path / f"{name}.svg").write_text(shot)  # what was shown, to compare by eye
            if stop is help_on_grades:
                await keys(pilot, "escape")
    assert not differ, f"snapshots that differ at {size_id(size)}: {', '.join(differ)} (shown: {tmp_path})"
