"""The dashboard as last read, kept beside its SQLite database, so that the
next start can show it without reading it again.

Reading the dashboard at start-up (eksamen_tui.dashboard_feed) first has to
import the database layer (SQLAlchemy, SQLModel, the models: 0.3-0.45 s of
CPU on a 2-core machine), then read for another ~0.15 s. When nothing has
changed since the dashboard was last read - the morning after the office
closed, a restart after a crash - that reading gives what it gave last time.
So each full reading of the dashboard (the feed's, and the app's own when
the dashboard loads or follows another counter's change) is written here,
with the state of the database it was read from; the feed, before it
imports anything else, checks that state with the standard library's
sqlite3 and, when it is unchanged, sends the snapshot instead.

A snapshot is shown only for exactly the state it was read from. Its key:
- the change marker the desks poll (the newest audit id and the audit rows
  in the window below it): every change is audited, settings too;
- the newest audit row's time: a database restored from a backup and
  changed since can reach the same ids with other rows;
- the highest row id of every table: another database put at the same
  path, with no audit rows either (a new demo, an empty one), is not
  taken for this one;
- the schema revision, the day (deadlines move with it), and this code
  (the package's version and its modules' times: an upgrade reads afresh).
The key is taken before the reading it describes, so a change made while
the dashboard is read makes the snapshot stale, never wrong.

The file is `<database>-dashboard` (like SQLite's own `-wal`), mode 0600,
replaced atomically; a missing, stale, unreadable or foreign one is simply
not used. It is unpickled with only the few classes a snapshot holds
allowed, so a file put there cannot run code. SQLite only: on PostgreSQL
the feed reads as before.

Only the standard library is imported here: the point is to answer before
the database layer is imported.
"""
from __future__ import annotations

import functools
import io
import os
import pickle
import sqlite3
from datetime import date
from pathlib import Path

FORMAT = 2
SUFFIX = "-dashboard"

# The change marker, one statement for SQLite and PostgreSQL alike
# (eksamen_tui.services.concurrency.change_marker runs it too).
# PostgreSQL hands out ids when a row is inserted, not when it is committed:
# a slow transaction can commit an id below the newest one already seen. The
# marker therefore also counts the rows in a window below the newest id, and
# a desk asks for the changes in that window again.
MARKER_WINDOW = 500
MARKER_SQL = (
    "SELECT newest.id, (SELECT count(*) FROM auditentry WHERE auditentry.id > newest.id - :window) "
    "FROM (SELECT coalesce(max(id), 0) AS id FROM auditentry) AS newest"
)

# what a snapshot may hold besides builtins (see _SnapshotUnpickler)
_ALLOWED_CLASSES = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("eksamen_tui.services.exam_line", "ExamLine"),
}


def snapshot_path(database: str | os.PathLike) -> Path:
    return Path(f"{Path(database).expanduser()}{SUFFIX}")


@functools.cache
def _code_stamp() -> tuple:
    """The package's version and its newest module's time: a snapshot read
    by other code (an upgrade, a change in development) is not shown."""
    from eksamen_tui import __version__

    package = Path(__file__).resolve().parent
    newest = 0
    for folder, _dirs, files in os.walk(package):
        for name in files:
            if name.endswith(".py"):
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime_ns)
    return __version__, newest


def current_key(database: str | os.PathLike, today: date) -> tuple | None:
    """The key of the database's state now (None when it cannot be read
    here: missing, not ours, locked; the caller then reads as usual)."""
    path = Path(database).expanduser()
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        newest, count = conn.execute(MARKER_SQL, {"window": MARKER_WINDOW}).fetchone()
        at = conn.execute("SELECT at FROM auditentry WHERE id = ?", (newest,)).fetchone()
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        # (each the last entry of its rowid b-tree: a few pages read, whatever the table's size)
        highest = tuple(conn.execute(f'SELECT max(rowid) FROM "{name}"').fetchone()[0] for name in tables)
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return (FORMAT, _code_stamp(), revision, today.isoformat(), (newest, count), at, highest)


def marker_of(key: tuple) -> tuple[int, int]:
    """The change marker inside a key (what the dashboard's polls start from)."""
    return key[4]


def store(database: str | os.PathLike, key: tuple, reading: dict) -> None:
    """Keep `reading` ({"profile", "lines", "forms", "counts"}) as read in
    the state `key`. Never fails the caller: a snapshot is only a help."""
    target = snapshot_path(database)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        # the key first, on its own: a stale snapshot is told without reading the rest
        data = pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL) + pickle.dumps(
            reading, protocol=pickle.HIGHEST_PROTOCOL)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


def load(database: str | os.PathLike, key: tuple) -> dict | None:
    """The reading kept for exactly the state `key`, else None."""
    try:
        data = snapshot_path(database).read_bytes()
    except OSError:
        return None
    try:
        stream = io.BytesIO(data)
        if _SnapshotUnpickler(stream).load() != key:
            return None  # stale (or another database's)
        reading = _SnapshotUnpickler(stream).load()
    except Exception:  # noqa: BLE001 (a damaged or foreign file: read as usual)
        return None
    return reading if isinstance(reading, dict) else None


class _SnapshotUnpickler(pickle.Unpickler):
    """Unpickles builtins and the classes a snapshot holds, nothing else."""

    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a dashboard snapshot")
