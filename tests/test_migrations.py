"""Alembic migrations: the first release's databases upgrade without loss,
fresh databases match the models, foreign and newer databases are refused
untouched, a failed migration changes nothing."""
import gzip
import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from eksamen_tui.db import migrations
from eksamen_tui.db.engine import make_engine
from eksamen_tui.db.errors import DatabaseRefused
from eksamen_tui.db.migrations import classify, head_revision, upgrade

pytestmark = pytest.mark.sqlite_only

RELEASE_DB = Path(__file__).parent / "data" / "release_bdc2002.sqlite.gz"


def _release_db(tmp_path) -> Path:
    """A database written by the first release (commit bdc2002): its demo
    semester trimmed to 7 exams, plus audit rows and an attendance change."""
    path = tmp_path / "release.db"
    with gzip.open(RELEASE_DB) as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target)
    return path


def _dump(path) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    dump = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    conn.close()
    return dump


def _hash(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_release_database_upgrades_keeping_every_row(tmp_path):
    path = _release_db(tmp_path)
    before = _dump(path)
    assert sum(len(rows) for rows in before.values()) > 2500
    assert before["schema_version"] == [(1, "baseline schema")]
    engine = make_engine(path)
    assert upgrade(engine) == [revision for revision in sorted(migrations.known_revisions())
                               if revision != migrations.BASELINE]
    engine.dispose()
    after = _dump(path)
    for table, rows in before.items():
        assert after[table] == rows, table
    assert after["alembic_version"] == [(head_revision(),)]
    assert after[migrations.MARKER_TABLE] == [("eksamen-tui",)]


def test_release_database_opens_in_the_app_with_its_data(tmp_path):
    from sqlmodel import func, select

    from eksamen_tui.db.models import Grade
    from eksamen_tui.services.context import open_context

    ctx = open_context(str(_release_db(tmp_path)), clerk="kari")
    with ctx.read() as s:
        assert s.exec(select(func.count()).select_from(Grade)).one() == 871
    assert ctx.profile.name == "ntnu"


def test_fresh_database_matches_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = make_engine(tmp_path / "fresh.db")
    upgrade(engine)
    with engine.connect() as conn:
        # SQLite keeps the baseline's VARCHAR(n) declarations (it never enforced them)
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = [d for d in compare_metadata(context, SQLModel.metadata)
                       if not (d[0] == "remove_table" and d[1].name in ("schema_version", migrations.MARKER_TABLE))]
    assert differences == []
    assert upgrade(engine) == []


def test_head_is_written_out_and_a_current_database_opens_without_alembic(tmp_path):
    """migrations.HEAD names the newest revision file; a database already at
    it is opened without importing Alembic (start-up time and memory)."""
    assert migrations.HEAD == head_revision(), "set HEAD in eksamen_tui/db/migrations.py to the new revision"
    path = tmp_path / "h.db"
    upgrade(make_engine(path))
    code = ("import sys; from eksamen_tui.db.engine import make_engine; from eksamen_tui.db.migrations import upgrade; "
            f"assert upgrade(make_engine({str(path)!r})) == []; print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"


def test_second_start_applies_nothing(tmp_path):
    engine = make_engine(tmp_path / "x.db")
    assert upgrade(engine)
    assert upgrade(engine) == []


def test_empty_file_becomes_a_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)
    engine = make_engine(path)
    upgrade(engine)
    with engine.connect() as conn:
        assert classify(conn) == ("ours", head_revision())
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # not the app's file: mode kept


def test_created_file_is_private(tmp_path):
    make_engine(tmp_path / "new.db")
    assert stat.S_IMODE((tmp_path / "new.db").stat().st_mode) == 0o600


def _fresh(path):
    engine = make_engine(path)
    upgrade(engine)
    engine.dispose()


def _foreign_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('Kari')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind", ["foreign", "junk", "newer", "newer_release", "directory", "read_only",
                                  "missing_folder"])
def test_what_is_not_ours_is_refused_untouched(tmp_path, kind):
    path = tmp_path / "target.db"
    if kind == "foreign":
        _foreign_sqlite(path)
    elif kind == "junk":
        path.write_bytes(os.urandom(5000))
    elif kind == "newer":
        _fresh(path)
        conn = sqlite3.connect(path)
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
    elif kind == "newer_release":
        path = _release_db(tmp_path)
        conn = sqlite3.connect(path)
        conn.execute("INSERT INTO schema_version VALUES (2, 'from the future')")
        conn.commit()
        conn.close()
    elif kind == "directory":
        path.mkdir()
    elif kind == "read_only":
        _fresh(path)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        os.chmod(path, 0o400)
    elif kind == "missing_folder":
        path = tmp_path / "typo" / "x.db"
    before = sorted(p.name for p in tmp_path.rglob("*"))
    hashed = _hash(path) if path.is_file() else None
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    with pytest.raises(DatabaseRefused) as refused:
        make_engine(path)
    message = str(refused.value)
    assert "\n" not in message and str(path) in message
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # no -wal, -shm or folders
    if hashed:
        assert _hash(path) == hashed
    if mode is not None:
        assert stat.S_IMODE(path.stat().st_mode) == mode


def test_cli_refuses_a_foreign_database_in_one_line(tmp_path):
    path = tmp_path / "other.sqlite"
    _foreign_sqlite(path)
    hashed = _hash(path)
    out = subprocess.run([sys.executable, "-m", "eksamen_tui", "--db", str(path), "import", "candidates",
                          str(tmp_path / "nothing.csv")], capture_output=True, text=True)
    assert out.returncode == 2, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr
    assert "ikke en eksamen-tui-database" in out.stderr
    assert _hash(path) == hashed


def test_default_data_folder_is_created(tmp_path):
    from eksamen_tui.db.engine import default_db_path

    folder = default_db_path().parent
    assert str(folder).startswith(str(tmp_path))  # XDG_DATA_HOME from conftest
    assert not folder.exists()
    engine = make_engine(default_db_path())
    upgrade(engine)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_mangled_url_is_refused_not_created(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatabaseRefused, match="://"):
        make_engine("postgresql+psycopg:/postgres@127.0.0.1:5432/test")
    assert list(tmp_path.iterdir()) == []


def _scripts_with(tmp_path, monkeypatch, body: str) -> None:
    """The shipped revisions plus one more (0099) from `body`."""
    shipped = Path(migrations.__file__).parent / "alembic"
    scripts = tmp_path / "scripts"
    shutil.copytree(shipped, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    header = (f"import sqlalchemy as sa\nfrom alembic import op\n\nrevision = '0099'\n"
              f"down_revision = '{head_revision()}'\nbranch_labels = None\ndepends_on = None\n\n\n"
              "def upgrade():\n")
    (scripts / "versions" / "0099_test.py").write_text(header + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n")
    monkeypatch.setattr(migrations, "SCRIPT_LOCATION", str(scripts))
    migrations._script.cache_clear()
    monkeypatch.setattr(migrations, "_script", migrations._script)


@pytest.fixture
def restore_scripts():
    yield
    migrations._script.cache_clear()


def test_a_later_revision_in_batch_mode_keeps_every_row(tmp_path, monkeypatch, restore_scripts):
    path = _release_db(tmp_path)
    upgrade(make_engine(path))
    before = _dump(path)
    _scripts_with(tmp_path, monkeypatch, """
        with op.batch_alter_table("course") as batch:
            batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
            batch.create_unique_constraint("uq_course_name_code", ["name", "code"])
        """)
    engine = make_engine(path)
    assert upgrade(engine) == ["0099"]
    after = _dump(path)
    assert [row[:-1] for row in after["course"]] == before["course"]
    for table in before:
        if table not in ("course", "alembic_version"):
            assert after[table] == before[table], table
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_failed_migration_changes_nothing(tmp_path, monkeypatch, restore_scripts):
    path = tmp_path / "f.db"
    upgrade(make_engine(path))
    _scripts_with(tmp_path, monkeypatch, """
        op.add_column("course", sa.Column("half_done", sa.Integer()))
        raise RuntimeError("boom")
        """)
    with pytest.raises(RuntimeError, match="boom"):
        upgrade(make_engine(path))
    migrations._script.cache_clear()
    monkeypatch.undo()
    engine = make_engine(path)
    with engine.connect() as conn:
        assert classify(conn) == ("ours", head_revision())
        columns = [row[1] for row in conn.execute(text("PRAGMA table_info(course)"))]
    assert "half_done" not in columns


def test_migrations_ship_inside_the_package_and_run_from_any_folder(tmp_path):
    from importlib.resources import files

    versions = files("eksamen_tui.db") / "alembic" / "versions"
    assert any(entry.name.startswith("0001_") for entry in versions.iterdir())
    out = subprocess.run(
        [sys.executable, "-c", "from eksamen_tui.services.context import open_context; open_context('x.db')"],
        cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    conn = sqlite3.connect(tmp_path / "x.db")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]


def test_counters_opening_a_new_file_at_the_same_moment_all_get_it_in_wal_mode(tmp_path):
    """Switching a new file to WAL ignores SQLite's busy timeout while another
    connection switches it: one of several counters started together failed
    at once with «database is locked» (about one round in ten of six
    connections). Each round: six engines on a new file, connected at the
    same instant."""
    import threading

    for round_number in range(60):
        path = tmp_path / f"new-{round_number}.db"
        engines = [make_engine(path) for _ in range(6)]
        barrier = threading.Barrier(len(engines))
        failures: list[str] = []

        def connect(engine):
            barrier.wait()
            try:
                with engine.connect() as conn:
                    mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
                    if mode != "wal":
                        failures.append(f"journal mode {mode}")
            except Exception as error:  # what the clerk would have seen
                failures.append(repr(error))

        threads = [threading.Thread(target=connect, args=(engine,)) for engine in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for engine in engines:
            engine.dispose()
        assert not failures, (round_number, failures)


@pytest.mark.slow("real processes started together")
def test_several_counters_start_at_once_on_a_fresh_database(tmp_path):
    path = tmp_path / "shared.db"
    code = textwrap.dedent(f"""
        import sys, time
        from eksamen_tui.services.context import open_context
        time.sleep(max(0, float(sys.argv[1]) - time.time()))
        open_context({str(path)!r})
        """)
    import time

    start = str(time.time() + 1.5)
    procs = [subprocess.Popen([sys.executable, "-c", code, start], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    # (the whole traceback: a list's repr would be cut to its first line)
    assert [p.returncode for p in procs] == [0, 0, 0, 0], "\n---\n".join(error[-4000:] for error in errors if error)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
