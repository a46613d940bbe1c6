"""WAL checkpoints off the keys' thread (eksamen_tui.db.checkpoints): the
app's commits leave checkpoints to a thread up to the backstop, the
thread copies the log back so that it starts again, and with several
counters writing at once the log stays bounded."""
from __future__ import annotations

import multiprocessing
import struct
import time
import traceback
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from eksamen_tui.db.checkpoints import BACKSTOP_PAGES, WalCheckpointer
from eksamen_tui.db.engine import make_engine
from eksamen_tui.services.context import open_context
from tests.factories import TODAY, add_exam

DAY = date(2026, 11, 12)
WRITE_SECONDS = 2.5


def _autocheckpoint(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()


def _log_frames(path: Path) -> int:
    """Frames in the log now, read from the -wal file itself (a look that
    changes nothing): the frames after its header that carry the header's
    salt. When the log starts again the salt changes, and the old frames
    after the new ones no longer count."""
    wal = path.with_name(path.name + "-wal")
    try:
        log = wal.open("rb")
    except FileNotFoundError:
        return 0
    with log:
        header = log.read(32)
        if len(header) < 32:
            return 0
        page_size = struct.unpack(">I", header[8:12])[0]
        salt, frames = header[16:24], 0
        while True:
            log.seek(32 + frames * (24 + page_size))
            frame_header = log.read(24)
            if len(frame_header) < 24 or frame_header[8:16] != salt:
                return frames
            frames += 1


def _wal_bytes(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.sqlite_only
def test_only_the_apps_engine_leaves_checkpoints_to_the_thread(tmp_path):
    plain = make_engine(tmp_path / "plain.db")
    app = make_engine(tmp_path / "app.db", background_checkpoints=True)
    try:
        assert _autocheckpoint(plain) == 1000  # SQLite's default: the CLI's commands keep it
        assert _autocheckpoint(app) == BACKSTOP_PAGES
    finally:
        plain.dispose()
        app.dispose()


@pytest.mark.sqlite_only
def test_the_context_starts_the_thread_and_close_stops_it(tmp_path):
    ctx = open_context(str(tmp_path / "app.db"), clerk="kari", background_checkpoints=True)
    assert ctx.checkpointer is not None and ctx.checkpointer.running
    ctx.close()
    assert not ctx.checkpointer.running
    plain = open_context(str(tmp_path / "cli.db"), clerk="kari")
    assert plain.checkpointer is None
    plain.close()


def test_a_server_database_has_no_checkpoint_thread(tmp_path):
    """PostgreSQL (a URL) checkpoints itself: the app's context starts no
    thread there, and on SQLite it does (the backend the suite runs on)."""
    from tests import backend

    ctx = open_context(backend.env_target(tmp_path), clerk="kari", background_checkpoints=True)
    try:
        assert (ctx.checkpointer is None) == backend.ON_POSTGRES
    finally:
        ctx.close()


@pytest.mark.sqlite_only
def test_the_thread_copies_the_log_back_and_the_log_starts_again(tmp_path):
    path = tmp_path / "app.db"
    engine = make_engine(path, background_checkpoints=True)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE page (body BLOB)"))
    for _ in range(1200):  # past SQLite's own threshold (1,000 pages): no commit checkpointed
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO page VALUES (randomblob(3000))"))
    assert _log_frames(path) > 1200
    size = _wal_bytes(path)
    checkpointer = WalCheckpointer(path, interval=0.05).start()
    try:
        deadline = time.monotonic() + 10
        while not (checkpointer.last_result and checkpointer.last_result[1] == checkpointer.last_result[2]):
            assert time.monotonic() < deadline, checkpointer.last_result
            time.sleep(0.02)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO page VALUES (randomblob(3000))"))
        assert _log_frames(path) < 20  # the log started again from its beginning
        assert _wal_bytes(path) == size  # in the same file, which did not grow
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM page")).scalar() == 1201
        assert checkpointer.failure is None
    finally:
        checkpointer.stop()
        engine.dispose()


@pytest.mark.sqlite_only
def test_a_failing_round_is_reported_once_and_retried(tmp_path, monkeypatch):
    monkeypatch.setenv("EKSAMEN_LOG_DIR", str(tmp_path / "log"))
    missing = tmp_path / "no such folder" / "app.db"
    checkpointer = WalCheckpointer(missing, interval=0.02).start()
    try:
        deadline = time.monotonic() + 5
        while checkpointer.failure is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.1)  # more failing rounds
        assert checkpointer.running  # it goes on trying
        assert len(list((tmp_path / "log").iterdir())) == 1
    finally:
        checkpointer.stop()


# --- several counters -------------------------------------------------------------------------

def _counter(target, clerk, exam_id, keep_thread, barrier, results):
    """A counter typing grades as fast as a scanner for WRITE_SECONDS, on
    the app's engine (background checkpoints); without its thread when
    `keep_thread` is False (the backstop alone)."""
    from eksamen_tui.services import grades

    outcome = {"clerk": clerk, "written": 0, "errors": [], "rounds": 0}
    try:
        ctx = open_context(target, clerk=clerk, today=lambda: TODAY, background_checkpoints=True)
        if not keep_thread:
            ctx.checkpointer.stop()
        screen = {row.candidate_number: row.grade for row in grades.protocol(ctx, exam_id)}
        barrier.wait(timeout=30)
        end = time.monotonic() + WRITE_SECONDS
        while time.monotonic() < end:
            for number, grade in screen.items():
                value = "A" if grade != "A" else "B"
                screen[number] = grades.enter_grade(ctx, exam_id, number, value, seen=grade).new_value
                outcome["written"] += 1
                time.sleep(0.003)
        outcome["rounds"] = ctx.checkpointer.rounds
        ctx.close()
    except Exception:
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


def _run_counters(ctx, exams, keep_thread: bool) -> tuple[list[dict], int]:
    """Three counters at once; the most frames the log held while they wrote."""
    mp = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    barrier, results = mp.Barrier(len(exams) + 1), mp.Queue()
    path = Path(ctx.engine.url.database)
    ctx.engine.dispose()  # no pooled connection crosses the fork
    processes = [mp.Process(target=_counter, args=(str(path), f"klerk{i}", exam_id, keep_thread, barrier, results))
                 for i, exam_id in enumerate(exams)]
    for process in processes:
        process.start()
    barrier.wait(timeout=60)
    largest = 0
    while any(process.is_alive() for process in processes) and results.qsize() < len(processes):
        largest = max(largest, _log_frames(path))
        time.sleep(0.02)
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=10)
    return outcomes, largest


@pytest.mark.sqlite_only
def test_the_log_stays_bounded_while_three_counters_write(ctx):
    from eksamen_tui.services.attendance import mark_unmarked_attended

    exams = []
    for code in ("TMA4240", "TDT4100", "EXPH0300"):
        exam = add_exam(ctx, code=code, exam_date=DAY, candidates=40, first_candidate=1)
        mark_unmarked_attended(ctx, exam.id)
        exams.append(exam.id)
    # the backstop alone (the thread stopped): the log grows with every page written
    alone, grown = _run_counters(ctx, exams, keep_thread=False)
    # with the thread, as the app runs
    outcomes, bounded = _run_counters(ctx, exams, keep_thread=True)
    for outcome in alone + outcomes:
        assert outcome["errors"] == [], outcome["errors"][0]
    assert all(outcome["rounds"] >= 1 for outcome in outcomes)
    written = sum(outcome["written"] for outcome in outcomes)
    assert written > 500 and sum(outcome["written"] for outcome in alone) > 500
    print(f"log: {grown} frames with the backstop alone, {bounded} with the thread")
    assert bounded < grown / 2
    from sqlmodel import func, select

    from eksamen_tui.db.models import AuditEntry

    with ctx.read() as s:  # every write of both runs is in the database
        audited = s.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "grade", AuditEntry.field == "value")).one()
    assert audited == written + sum(outcome["written"] for outcome in alone)
