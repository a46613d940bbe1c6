"""The demo semester: big enough, deterministic, and usable by every desk."""
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from eksamen_tui.services.demo import write_demo_database


def _dump(path):
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    dump = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    conn.close()
    return dump


def test_demo_database_has_a_realistic_semester(tmp_path):
    stats = write_demo_database(tmp_path / "demo.db", today=date(2026, 11, 23))
    assert stats["course"] >= 40
    assert stats["exam"] >= 60
    assert stats["registration"] >= 5000
    assert stats["exampart"] > 0
    assert stats["paperdelivery"] > 0
    assert stats["commission"] > 0
    conn = sqlite3.connect(tmp_path / "demo.db")
    states = dict(conn.execute("SELECT attendance_state, COUNT(*) FROM registration GROUP BY 1").fetchall())
    assert {"attended", "no_show", "registered", "valid_absence", "withdrew_during", "blank"} <= set(states)
    appeals = conn.execute("SELECT COUNT(*) FROM \"case\" WHERE case_type = 'grade_appeal'").fetchone()[0]
    assert 1 <= appeals <= 2
    # candidate numbers unique per exam, and never 6-digit (those are student numbers)
    assert conn.execute("SELECT MAX(candidate_number) FROM registration").fetchone()[0] < 100000


def test_demo_database_is_deterministic(tmp_path):
    write_demo_database(tmp_path / "a.db", today=date(2026, 11, 23))
    write_demo_database(tmp_path / "b.db", today=date(2026, 11, 23))
    assert _dump(tmp_path / "a.db") == _dump(tmp_path / "b.db")


def test_demo_refuses_to_overwrite_a_database(tmp_path):
    from eksamen_tui.domain.errors import DomainError

    path = tmp_path / "demo.db"
    write_demo_database(path, today=date(2026, 11, 23))
    before = _dump(path)
    for target in (path, tmp_path):  # an existing file, a folder
        try:
            write_demo_database(target, today=date(2026, 11, 23))
        except DomainError as error:
            assert "finnes allerede" in str(error)
        else:
            raise AssertionError("an existing database was overwritten")
    assert _dump(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]  # no temporary file left behind


def test_demo_is_written_atomically_and_private(tmp_path, monkeypatch):
    """A demo that fails halfway leaves nothing under the target's name."""
    import os
    import stat

    from eksamen_tui.services import demo

    def broken(self):
        raise RuntimeError("killed halfway")

    monkeypatch.setattr(demo.DemoBuilder, "build", broken)
    try:
        write_demo_database(tmp_path / "demo.db", today=date(2026, 11, 23))
    except RuntimeError:
        pass
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    write_demo_database(tmp_path / "demo.db", today=date(2026, 11, 23))
    assert [p.name for p in tmp_path.iterdir()] == ["demo.db"]
    assert stat.S_IMODE(os.stat(tmp_path / "demo.db").st_mode) == 0o600


def test_the_demo_opens_on_a_fresh_machine_without_a_cache_folder(tmp_path, monkeypatch):
    """`python3 dev.py demo` on a new machine: no ~/.cache/eksamen-tui yet."""
    from eksamen_tui.services.demo import fresh_demo_database

    cache = tmp_path / "no-cache-yet"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    path = fresh_demo_database(today=date(2026, 11, 23))
    assert path.parent == cache / "eksamen-tui"
    assert path.stat().st_size > 0


@pytest.mark.slow("CLI processes: the demo database, an import and an export")
def test_demo_onto_a_database_url_then_import_grade_and_export(tmp_path):
    """`eksamen-tui --db URL demo` (PostgreSQL when the suite runs there, a
    sqlite:/// URL otherwise), then an import, a grade and an export: the id
    sequences were moved past the demo's explicit ids."""
    import subprocess
    import sys

    from sqlmodel import select

    from eksamen_tui.db.models import Course, Exam, ExamPart, Grade, Registration
    from eksamen_tui.services import grades
    from eksamen_tui.services.context import open_context
    from tests.backend import ON_POSTGRES, db_target

    target = db_target(tmp_path, "demo-url")
    if not ON_POSTGRES:
        target = f"sqlite:///{target}"
    run = lambda *args: subprocess.run([sys.executable, "-m", "eksamen_tui", "--db", target, "--today", "2026-11-23",
                                        *args], capture_output=True, text=True)
    out = run("demo")
    assert out.returncode == 0, out.stderr
    assert "Demodatabase skrevet til" in out.stdout and "registration" in out.stdout
    again = run("demo")
    assert again.returncode == 2 and "har allerede data" in again.stderr and "Traceback" not in again.stderr
    sample = Path(__file__).parents[1] / "data" / "samples" / "kandidatliste_eksempel.csv"
    imported = run("import", "candidates", str(sample))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    ctx = open_context(target, clerk="kari", today=lambda: date(2026, 11, 23))
    with ctx.write() as s:
        s.add(Course(code="NY1000", name="Nytt emne"))  # a plain insert after the demo's explicit ids
    with ctx.read() as s:
        reg, code, exam_date = s.exec(
            select(Registration, Course.code, Exam.exam_date)
            .join(Exam, Exam.id == Registration.exam_id).join(Course, Course.id == Exam.course_id)
            .where(Registration.attendance_state == "attended", Exam.grade_scale == "letter",
                   Registration.id.not_in(select(Grade.registration_id)),
                   Registration.exam_id.not_in(select(ExamPart.exam_id)))
            .order_by(Registration.id)).first()
    entry = grades.enter_grade(ctx, reg.exam_id, reg.candidate_number, "B")
    assert entry is not None
    out = tmp_path / "protokoll.xlsx"
    exported = run("export", "protocol", code, "--date", exam_date.isoformat(), "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert any(p.name.endswith(".xlsx") for p in tmp_path.iterdir())


def test_demo_refuses_a_mangled_url_and_writes_no_file(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    out = subprocess.run([sys.executable, "-m", "eksamen_tui", "demo", "postgresql+psycopg:/postgres@127.0.0.1/test"],
                         capture_output=True, text=True)
    assert out.returncode == 2, out.stderr
    assert "ødelagt database-URL" in out.stderr and "Traceback" not in out.stderr
    assert list(tmp_path.iterdir()) == []
