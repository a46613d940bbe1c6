"""The dashboard as last read, kept beside its SQLite database
(eksamen_tui/dashboard_snapshot.py): shown at the next start only while the
database is exactly as it was read, never after a change, a new day, a
settings change or a restore; a damaged or planted file is not used; the
app's own readings keep it up to date."""
from __future__ import annotations

import io
import os
import pickle
import stat
import subprocess
import sys
from datetime import date, datetime

import pytest

from eksamen_tui import dashboard_feed
from eksamen_tui.app import EksamenApp
from eksamen_tui.dashboard_snapshot import current_key, load, snapshot_path
from eksamen_tui.services.attendance import mark_unmarked_attended
from eksamen_tui.services.concurrency import change_marker
from eksamen_tui.services.dashboard import card_counts, exam_lines
from eksamen_tui.services.settings import add_closed_day
from tests.factories import TODAY, add_exam

def _database(ctx) -> str:
    return str(ctx.engine.url.database)


def _exams(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=date(2026, 11, 12), candidates=10, first_candidate=101)
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 3), candidates=3, first_candidate=201)
    return exam


def _feed(ctx, today=TODAY) -> list[tuple]:
    """What the feed sends on `ctx`'s database, as the CLI starts it."""
    out = io.BytesIO()
    dashboard_feed.serve(_database(ctx), "kari", today, out)
    out.seek(0)
    messages = []
    while out.tell() < len(out.getvalue()):
        messages.append(pickle.load(out))
    assert messages[-1] == (dashboard_feed.DONE,)
    return messages[:-1]


def _card(messages, name):
    return next(message[2] for message in messages if message[:2] == ("card", name))


@pytest.mark.sqlite_only
def test_a_reading_is_kept_and_sent_again_while_nothing_changes(ctx):
    _exams(ctx)
    assert not snapshot_path(_database(ctx)).exists()
    first = _feed(ctx)
    kept = snapshot_path(_database(ctx))
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    again = _feed(ctx)
    # the same messages; the cards in the order the reading kept them
    assert again[:2] == first[:2] and sorted(again[2:]) == sorted(first[2:])
    assert again[0][1]["marker"] == change_marker(ctx)
    assert [line.course_code for line in again[1][1]] == ["TMA4240", "TDT4100"]


@pytest.mark.sqlite_only
def test_sending_a_kept_reading_imports_no_database_layer(ctx):
    """The point of it: the feed answers before SQLAlchemy is imported."""
    _exams(ctx)
    _feed(ctx)  # keeps the reading
    script = (
        "import io, sys\n"
        "from datetime import date\n"
        "from eksamen_tui import dashboard_feed\n"
        "out = io.BytesIO()\n"
        "dashboard_feed.serve(sys.argv[1], 'kari', date.fromisoformat(sys.argv[2]), out)\n"
        "print(out.getvalue().count(b'ExamLine') > 0, 'sqlalchemy' in sys.modules, 'sqlmodel' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, _database(ctx), TODAY.isoformat()],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "False"]


@pytest.mark.sqlite_only
def test_a_change_since_the_reading_is_read_afresh_and_kept_anew(ctx):
    exam = _exams(ctx)
    before = _feed(ctx)
    key = current_key(_database(ctx), TODAY)
    mark_unmarked_attended(ctx, exam.id)  # another counter marks ten candidates as attended
    assert current_key(_database(ctx), TODAY) != key
    assert load(_database(ctx), current_key(_database(ctx), TODAY)) is None
    after = _feed(ctx)
    assert _card(after, "attendance") == card_counts(ctx, "attendance") != _card(before, "attendance")
    assert after[1][1] == exam_lines(ctx)
    # that reading is kept for the state after the change
    assert load(_database(ctx), current_key(_database(ctx), TODAY))["counts"]["attendance"] == \
        card_counts(ctx, "attendance")


@pytest.mark.sqlite_only
def test_a_settings_change_or_another_day_is_not_shown_the_old_reading(ctx):
    _exams(ctx)
    _feed(ctx)
    key = current_key(_database(ctx), TODAY)
    assert load(_database(ctx), key) is not None
    # deadlines move with the day
    assert load(_database(ctx), current_key(_database(ctx), date(2026, 11, 24))) is None
    add_closed_day(ctx, "2026-12-01")  # a closed day moves working-day deadlines (audited as a setting)
    assert load(_database(ctx), current_key(_database(ctx), TODAY)) is None


@pytest.mark.sqlite_only
def test_a_restored_database_changed_since_is_not_shown_the_newer_reading(ctx, tmp_path):
    """A backup restored and changed as often as the original since: the
    same audit ids and counts, other rows (their time tells them apart)."""
    import sqlite3

    from eksamen_tui.services.context import open_context

    def copy(source, target):
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)

    exam = _exams(ctx)
    backup = tmp_path / "backup.db"
    copy(_database(ctx), backup)
    ctx.clock = lambda: datetime(2026, 11, 23, 10, 0, 0)
    mark_unmarked_attended(ctx, exam.id)
    _feed(ctx)
    kept_key = current_key(_database(ctx), TODAY)
    ctx.close()
    copy(backup, _database(ctx))  # the backup restored; then a clerk marks the same candidates later
    again = open_context(_database(ctx), clerk="ola", today=lambda: TODAY)
    try:
        again.clock = lambda: datetime(2026, 11, 23, 10, 5, 0)
        mark_unmarked_attended(again, exam.id)
        key = current_key(_database(ctx), TODAY)
        assert key[4] == kept_key[4], "the same marker: only the newest row's time tells them apart"
        assert key != kept_key and load(_database(ctx), key) is None
    finally:
        again.close()


@pytest.mark.sqlite_only
def test_a_damaged_or_planted_snapshot_is_not_used_and_runs_nothing(ctx, tmp_path):
    _exams(ctx)
    first = _feed(ctx)
    path = snapshot_path(_database(ctx))
    key = current_key(_database(ctx), TODAY)
    # cut in half (a full disk)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    assert load(_database(ctx), key) is None
    # a pickle that would run a command when loaded, with the right key
    planted = tmp_path / "planted"

    class Plant:
        def __reduce__(self):
            return (os.system, (f"touch {planted}",))

    path.write_bytes(pickle.dumps(key) + pickle.dumps({"profile": Plant()}))  # (the file's layout: key, reading)
    assert load(_database(ctx), key) is None
    assert not planted.exists()
    # and the feed then reads afresh, sending what the dashboard reads
    again = _feed(ctx)
    assert again[:2] == first[:2] and sorted(again[2:]) == sorted(first[2:])


@pytest.mark.sqlite_only
def test_an_unreadable_database_has_no_key(tmp_path):
    assert current_key(tmp_path / "missing.db", TODAY) is None
    foreign = tmp_path / "foreign.db"
    import sqlite3

    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (text)")
    assert current_key(foreign, TODAY) is None


@pytest.mark.sqlite_only
@pytest.mark.asyncio
async def test_the_dashboard_keeps_what_it_reads_for_the_next_start(ctx):
    """The app's own reading (here without a feed) is kept, so a start after
    the clerk has worked all day still finds it current."""
    from tests.test_dashboard_feed import _shown_within

    exam = _exams(ctx)
    mark_unmarked_attended(ctx, exam.id)
    app = EksamenApp(db=_database(ctx), clerk="kari", today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await _shown_within(app, pilot, ["TMA4240", "TDT4100"])
        for _ in range(50):
            await pilot.pause(0.1)
            kept = load(_database(ctx), current_key(_database(ctx), TODAY))
            if kept is not None:
                break
    assert kept is not None, "the dashboard's reading was not kept"
    assert kept["lines"] == exam_lines(ctx)
    assert kept["counts"]["attendance"] == card_counts(ctx, "attendance")


def test_postgresql_keeps_no_snapshot(ctx):
    from eksamen_tui.services.dashboard import snapshot_key

    if ctx.engine.dialect.name == "sqlite":
        assert snapshot_key(ctx) is not None
    else:
        assert snapshot_key(ctx) is None


@pytest.mark.sqlite_only
def test_another_database_at_the_same_path_is_not_shown_the_old_reading(tmp_path):
    """Neither has an audit row (a demo database and an empty one): the
    same change marker, other contents."""
    from tests.factories import copy_demo_database, copy_empty_database

    target = tmp_path / "eksamen.db"
    copy_demo_database(target)
    assert current_key(target, TODAY)[4] == (0, 0)
    out = io.BytesIO()
    dashboard_feed.serve(str(target), "kari", TODAY, out)
    assert load(target, current_key(target, TODAY)) is not None
    target.unlink()
    copy_empty_database(target)  # the clerk starts over on a new, empty database at the same path
    key = current_key(target, TODAY)
    assert key[4] == (0, 0) and load(target, key) is None
