"""Online backup of the SQLite database (safe while counters are writing).

The copy is made in a hidden temporary file in the target folder and gets
its name only when complete (atomic); an existing file is never replaced,
and the database itself is refused as its own target."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from eksamen_tui.domain.errors import ValidationError


def backup_database(db: str | None, destination: Path) -> Path:
    """Back up the database --db (or $EKSAMEN_DB, or the default) names."""
    from eksamen_tui.db.engine import is_url, resolve_db_target

    source = resolve_db_target(db)
    if is_url(source):
        raise ValidationError("backup gjelder SQLite-filer; bruk databasens egne verktøy for en server", field="db")
    source_path = Path(source).expanduser()
    if not source_path.is_file():
        what = "er en mappe, ikke en database" if source_path.is_dir() else "finnes ikke"
        raise ValidationError(f"databasen {source_path} {what}", field="db")
    _refuse_unless_ours(source_path)
    return backup_sqlite(source_path, destination)


def _refuse_unless_ours(path: Path) -> None:
    """Only an eksamen-tui database is backed up (read-only look, nothing written)."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    from eksamen_tui.db.errors import DatabaseRefused
    from eksamen_tui.db.migrations import refuse_unless_ours

    probe = create_engine(f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&uri=true", poolclass=NullPool)
    try:
        with probe.connect() as conn:
            refuse_unless_ours(conn, str(path))
    except DatabaseRefused:
        raise
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0][:120]
        raise ValidationError(f"{path} er ikke en eksamen-tui-database ({reason}); ingen kopi er tatt",
                              field="db") from None
    finally:
        probe.dispose()


def backup_sqlite(source: Path, destination: Path) -> Path:
    """Copy `source` to `destination` (a new file, or a folder to put
    `source`'s name in); returns the path written."""
    from eksamen_tui.export_files import write_private

    if not str(destination).strip() or str(destination) == ".":
        raise ValidationError("oppgi en fil eller mappe for sikkerhetskopien", field="path")
    destination = Path(destination).expanduser()
    if destination.is_dir():
        destination = destination / source.name
    if _same_file(source, destination):
        raise ValidationError(f"{destination} er selve databasen; en sikkerhetskopi må ligge i en annen fil",
                              field="path")
    if destination.exists() or destination.is_symlink():
        raise ValidationError(f"{destination} finnes allerede; sikkerhetskopien overskriver aldri – velg et nytt navn",
                              field="path")

    def copy(temporary: Path) -> None:
        src = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
        dst = sqlite3.connect(temporary)
        try:
            src.backup(dst, pages=1024)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        except sqlite3.DatabaseError as error:
            raise ValidationError(f"{source} kan ikke kopieres som SQLite-database: {error}", field="db") from None
        finally:
            src.close()
            dst.close()

    return write_private(destination, copy, add_counter=False)


def _same_file(source: Path, destination: Path) -> bool:
    if destination.resolve() == source.resolve():
        return True
    try:
        return os.path.samefile(source, destination)
    except OSError:
        return False
