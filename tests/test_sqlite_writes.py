"""SQLite under several counters: a write takes the write lock at its start
(BEGIN IMMEDIATE) and waits for it; reads never wait; a write that times out
is a DatabaseBusy (a DomainError with one bokmål line), never a crash."""
import sqlite3
import threading
import time

import pytest
from sqlalchemy import text
from sqlmodel import select

from eksamen_tui.db import engine as engine_module
from eksamen_tui.db.errors import DatabaseBusy
from eksamen_tui.db.models import Course
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.services.context import open_context

pytestmark = pytest.mark.sqlite_only


def _hold_write_lock(path, seconds: float, ready: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO course (code, name, department) VALUES ('HOLD', 'holder', '')")
    ready.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def _holder(path, seconds):
    ready = threading.Event()
    thread = threading.Thread(target=_hold_write_lock, args=(path, seconds, ready))
    thread.start()
    assert ready.wait(5)
    return thread


def test_transactions_begin_immediate_for_writes_and_deferred_for_reads(tmp_path):
    ctx = open_context(str(tmp_path / "x.db"))
    statements = []
    from sqlalchemy import event

    event.listen(ctx.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: statements.append(statement))
    with ctx.write() as s:
        s.add(Course(code="A1", name="a"))
    with ctx.read() as s:
        s.exec(select(Course)).all()
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_a_write_waits_for_another_counters_write(tmp_path):
    path = tmp_path / "x.db"
    ctx = open_context(str(path))
    thread = _holder(path, 1.0)
    started = time.monotonic()
    with ctx.write() as s:
        s.add(Course(code="TDT4100", name="OOP"))
    waited = time.monotonic() - started
    thread.join()
    assert 0.5 < waited < engine_module.BUSY_TIMEOUT_SECONDS
    with ctx.read() as s:
        assert sorted(c.code for c in s.exec(select(Course))) == ["HOLD", "TDT4100"]


def test_reads_do_not_wait_for_a_writer(tmp_path):
    path = tmp_path / "x.db"
    ctx = open_context(str(path))
    with ctx.write() as s:
        s.add(Course(code="TDT4100", name="OOP"))
    thread = _holder(path, 1.5)
    started = time.monotonic()
    with ctx.read() as s:
        assert [c.code for c in s.exec(select(Course))] == ["TDT4100"]  # the committed state
    assert time.monotonic() - started < 0.5
    thread.join()


def test_a_write_that_times_out_is_database_busy_and_the_next_one_works(tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_SECONDS", 0.3)
    path = tmp_path / "x.db"
    ctx = open_context(str(path))
    thread = _holder(path, 1.5)
    with pytest.raises(DatabaseBusy) as busy:
        with ctx.write() as s:
            s.add(Course(code="TDT4100", name="OOP"))
    assert isinstance(busy.value, DomainError)
    assert "opptatt" in str(busy.value) and "\n" not in str(busy.value)
    with pytest.raises(DatabaseBusy):  # SQL Core writes too
        with ctx.engine.begin() as conn:
            conn.execute(text("INSERT INTO course (code, name, department) VALUES ('X', 'x', '')"))
    thread.join()
    with ctx.write() as s:  # the same engine, after the other counter is done
        s.add(Course(code="TDT4100", name="OOP"))
    with ctx.read() as s:
        assert sorted(c.code for c in s.exec(select(Course))) == ["HOLD", "TDT4100"]
