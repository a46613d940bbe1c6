"""PostgreSQL for real: locks, concurrent starts, long text, foreign and
newer schemas. Run with EKSAMEN_TEST_DB=postgresql+psycopg://... (the
backend-neutral tests run on both)."""
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import text
from sqlmodel import select

from eksamen_tui.db import engine as engine_module
from eksamen_tui.db.engine import make_engine
from eksamen_tui.db.errors import DatabaseBusy, DatabaseRefused
from eksamen_tui.db.migrations import head_revision, upgrade
from eksamen_tui.db.models import AuditEntry, Course, Examiner
from eksamen_tui.services import audit
from eksamen_tui.services.context import open_context
from tests.backend import admin, db_target


def test_long_text_is_stored_on_every_backend(ctx):
    long_name = "Ø" * 65 + " " + "x" * 300
    with ctx.write() as s:
        s.add(Examiner(name=long_name, email="a" * 250 + "@example.org", employer=long_name))
        s.add(Course(code="K" * 40, name=long_name))
        audit.record(s, ctx, "examiner", 1, "name" * 20, None, long_name, reason_code="r" * 60)
    ctx.clerk = "c" * 120
    with ctx.write() as s:
        audit.record(s, ctx, "examiner", 1, "email", None, "x")
    with ctx.read() as s:
        assert s.exec(select(Examiner.name)).one() == long_name
        assert [e.clerk for e in s.exec(select(AuditEntry).order_by(AuditEntry.id))][-1] == "c" * 120


@pytest.mark.postgres_only
@pytest.mark.slow("holds a row lock for two seconds")
def test_a_row_lock_held_too_long_is_database_busy(tmp_path, monkeypatch):
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_SECONDS", 0.5)
    ctx = open_context(db_target(tmp_path))
    with ctx.write() as s:
        s.add(Course(code="TDT4100", name="OOP"))
    other = make_engine(db_target(tmp_path))
    held = threading.Event()

    def hold():
        with other.begin() as conn:
            conn.execute(text("UPDATE course SET name = 'holder'"))
            held.set()
            time.sleep(2)

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(5)
    with pytest.raises(DatabaseBusy):
        with ctx.write() as s:
            s.exec(select(Course)).one().name = "mine"
    thread.join()
    with ctx.write() as s:  # the same engine works once the other is done
        s.exec(select(Course)).one().name = "mine"
    with ctx.read() as s:
        assert s.exec(select(Course.name)).one() == "mine"


@pytest.mark.postgres_only
@pytest.mark.slow("four processes started together, two seconds after launch")
def test_several_counters_start_at_once_on_a_fresh_schema(tmp_path):
    url = db_target(tmp_path, "fresh")
    code = textwrap.dedent("""
        import sys, time
        from eksamen_tui.services.context import open_context
        time.sleep(max(0, float(sys.argv[2]) - time.time()))
        open_context(sys.argv[1])
        """)
    start = str(time.time() + 2)
    procs = [subprocess.Popen([sys.executable, "-c", code, url, start], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate(timeout=90)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]


@pytest.mark.postgres_only
def test_a_foreign_or_newer_schema_is_refused_untouched(tmp_path):
    url = db_target(tmp_path, "foreign")
    schema = url.rsplit("%3D", 1)[-1]
    with admin().connect() as conn:
        conn.execute(text(f'CREATE TABLE "{schema}".contacts (id serial PRIMARY KEY, name text)'))
    with pytest.raises(DatabaseRefused, match="ikke en eksamen-tui-database"):
        upgrade(make_engine(url))
    with admin().connect() as conn:
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars()
        assert sorted(tables) == ["contacts"]
    newer = db_target(tmp_path, "newer")
    upgrade(make_engine(newer))
    engine = make_engine(newer)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseRefused, match="nyere skjema"):
        open_context(newer)
