"""Database layer: pragmas, file mode, migrations that keep data, backup, audit."""
import os
import sqlite3
import stat
import subprocess
import sys

from sqlalchemy import text

from eksamen_tui.db.engine import make_engine
from eksamen_tui.db.models import AuditEntry
from eksamen_tui.services import audit
from tests.factories import add_exam


def test_sqlite_is_wal_with_foreign_keys_and_private_file(tmp_path):
    engine = make_engine(tmp_path / "x.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    mode = stat.S_IMODE(os.stat(tmp_path / "x.db").st_mode)
    assert mode == 0o600


def test_foreign_keys_are_enforced(ctx):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from eksamen_tui.db.models import Registration

    with pytest.raises(IntegrityError):
        with ctx.write() as s:
            s.add(Registration(exam_id=999, student_id=999, candidate_number=1))


def test_audit_records_who_when_old_and_new(ctx):
    exam = add_exam(ctx, candidates=1)
    with ctx.write() as s:
        audit.record(s, ctx, "exam", exam.id, "published_on", None, exam.exam_date, reason_code="publish")
    with ctx.read() as s:
        (entry,) = audit.history(s, "exam", exam.id)
    assert isinstance(entry, AuditEntry)
    assert (entry.clerk, entry.field, entry.old_value, entry.new_value, entry.reason_code) == (
        "testbruker", "published_on", None, "2026-12-10", "publish")
    assert entry.at.date().isoformat() == "2026-11-23"


def test_audit_row_is_rolled_back_with_its_change(ctx):
    exam = add_exam(ctx)
    try:
        with ctx.write() as s:
            audit.record(s, ctx, "exam", exam.id, "x", 1, 2)
            raise ValueError("the change failed")
    except ValueError:
        pass
    with ctx.read() as s:
        assert audit.history(s, "exam", exam.id) == []


def test_backup_command_makes_a_readable_copy(tmp_path):
    db = tmp_path / "real.db"
    env = {**os.environ, "EKSAMEN_DB": str(db)}
    subprocess.run([sys.executable, "-m", "eksamen_tui", "--today", "2026-11-23", "demo", str(db)], check=True, env=env)
    out = subprocess.run([sys.executable, "-m", "eksamen_tui", "backup", str(tmp_path / "copy.db")],
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    conn = sqlite3.connect(tmp_path / "copy.db")
    assert conn.execute("SELECT COUNT(*) FROM registration").fetchone()[0] > 5000
    assert stat.S_IMODE(os.stat(tmp_path / "copy.db").st_mode) == 0o600
