"""Files that hold personal data: every export and receipt is written here.

- private: files 0600, folders this module creates 0700 (an existing folder
  is used as it is: it is the clerk's);
- named from sanitised parts, so a course code such as ``../../x`` can never
  put a file outside the export folder;
- never overwritten: a name that is taken gets a counter, ``navn (2).xlsx``;
- atomic: written to a hidden temporary file in the target folder, then
  moved into place in one step, so a crash never leaves half a file.

Pure file handling: no Textual, no database.
"""
from __future__ import annotations

import errno
import os
import sys
import re
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Callable

from eksamen_tui.domain.errors import DomainError

FILE_MODE = 0o600
FOLDER_MODE = 0o700
MAX_PART_LENGTH = 60
MAX_COUNTER = 999


class ExportError(DomainError):
    """An export could not be written; the message names the file or folder."""


def safe_part(text: object, fallback: str = "ukjent") -> str:
    """One piece of a file name from data: letters (æøå too), digits, '-' and
    '_' only; no dots, slashes or spaces, so it cannot climb out of a folder."""
    cleaned = unicodedata.normalize("NFC", str(text or "")).replace(" ", "")
    cleaned = re.sub(r"[^\w-]+", "", cleaned).strip("-_")[:MAX_PART_LENGTH]
    return cleaned or fallback


def export_name(*parts: object, suffix: str) -> str:
    """``DAT200_2026-10-27_Skoleeksamen_protokoll.xlsx`` from its parts (dates
    written ISO so the names sort by date); empty parts are left out."""
    pieces = [part.isoformat() if isinstance(part, date) else safe_part(part) for part in parts if part not in (None, "")]
    return "_".join(pieces) + suffix


def out_argument(text: str | None) -> Path | None:
    """A command line's ``--out``: None when not given; an empty value is an
    error (``Path('')`` would silently mean the current folder)."""
    if text is None:
        return None
    if not text.strip():
        raise ExportError("--out er tom: oppgi en mappe (eller et filnavn) å skrive til")
    return Path(text).expanduser()


def export_target(path: str | os.PathLike | None, name: str, default_folder: Callable[[], os.PathLike]) -> Path:
    """Where an export goes: `path` when it names a file with the export's
    suffix (``--out protokoll.xlsx``), else the folder `path` (created when
    missing) or, without a path, `default_folder()`, with the usual `name`."""
    if path is None:
        return Path(default_folder()) / name
    path = Path(path)
    if path.suffix.lower() == Path(name).suffix.lower() and not path.is_dir():
        return path
    return path / name


def private_folder(folder: str | os.PathLike) -> Path:
    """The folder, created 0700 (with any missing parents) when it does not exist."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists():
        if probe.is_symlink():  # a dangling link: creating through it would write elsewhere
            raise ExportError(f"{probe} er en brutt snarvei, ikke en mappe")
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ExportError(f"{probe} er en fil, ikke en mappe")
    for level in reversed(missing):
        try:
            level.mkdir(mode=FOLDER_MODE)
            os.chmod(level, FOLDER_MODE)  # mkdir's mode is filtered through the umask
        except FileExistsError:
            if not level.is_dir():
                raise ExportError(f"{level} er en fil, ikke en mappe") from None
        except OSError as error:
            raise ExportError(f"kan ikke lage mappen {level}: {_reason(error)}") from None
    return folder


def numbered(path: Path, number: int) -> Path:
    """``navn.xlsx`` → ``navn (2).xlsx``."""
    return path if number == 1 else path.with_name(f"{path.stem} ({number}){path.suffix}")


def write_private(path: str | os.PathLike, write: Callable[[Path], None], *, add_counter: bool = True) -> Path:
    """Write a private file atomically at `path`, or at ``path (2)`` and so on
    when the name is taken (with add_counter=False a taken name is refused).
    `write` gets the temporary file's path. Returns the path actually written."""
    temporary, path = _temporary_for(path)
    try:
        write(temporary)
        os.chmod(temporary, FILE_MODE)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())  # the data is on disk before the name points at it
        return _move_into_place(temporary, path, MAX_COUNTER if add_counter else 1)
    except OSError as error:
        raise ExportError(f"kan ikke skrive {path}: {_reason(error)}") from None
    finally:
        temporary.unlink(missing_ok=True)


def _temporary_for(path: str | os.PathLike) -> tuple[Path, Path]:
    """A new empty temporary file in `path`'s (private) folder, and `path`;
    a name that is no file, or a folder, is refused."""
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise ExportError(f"{path} er ikke et filnavn")
    if path.is_dir():
        raise ExportError(f"{path} er en mappe, ikke en fil")
    folder = private_folder(path.parent)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.stem[:40]}.", suffix=".tmp")
    except OSError as error:
        raise ExportError(f"kan ikke skrive i {folder}: {_reason(error)}") from None
    os.close(handle)
    return Path(temporary), path


def _move_into_place(temporary: Path, path: Path, max_counter: int = MAX_COUNTER) -> Path:
    """Give the finished file its name without replacing an existing one.

    A hard link fails atomically when the name exists (rename would replace
    it); where links are not supported, fall back to os.replace after a check."""
    for number in range(1, max_counter + 1):
        target = numbered(path, number)
        try:
            os.link(temporary, target)
            return target
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if target.exists() or target.is_symlink():
                continue
            os.replace(temporary, target)
            return target
    if max_counter == 1:
        raise ExportError(f"{path} finnes allerede; velg et nytt filnavn")
    raise ExportError(f"{path} finnes allerede (også med nummer opp til {max_counter})")


class PrivateBatch:
    """Many private files written as one batch (e.g. 200 commission forms):
    each is written to a temporary file by `add`; `finish` makes them all
    durable with one flush of the file system instead of one fsync per
    file (~1.5 s for 200 small files on a busy disk), then gives each its
    name as `write_private` does. Nothing is named until every file is
    written; an error leaves no temporary file behind.

        with PrivateBatch() as batch:
            for ...: batch.add(path, write)
        batch.written  # the paths actually written"""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self.written: list[Path] = []

    def __enter__(self) -> "PrivateBatch":
        return self

    def add(self, path: str | os.PathLike, write: Callable[[Path], None]) -> None:
        temporary, path = _temporary_for(path)
        self._pending.append((temporary, path))
        try:
            write(temporary)
            os.chmod(temporary, FILE_MODE)
        except OSError as error:
            raise ExportError(f"kan ikke skrive {path}: {_reason(error)}") from None

    def finish(self) -> list[Path]:
        try:
            _sync([temporary for temporary, _ in self._pending])  # on disk before any name points at them
            for temporary, path in self._pending:
                self.written.append(_move_into_place(temporary, path, MAX_COUNTER))
        except OSError as error:
            raise ExportError(f"kan ikke skrive {self._pending[len(self.written)][1]}: {_reason(error)}") from None
        return self.written

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if kind is None:
                self.finish()
        finally:
            for temporary, _ in self._pending:
                temporary.unlink(missing_ok=True)


def _sync(paths: list[Path]) -> None:
    """Make the files' data durable: on Linux one sync() of the file systems
    (it waits until the data is written), elsewhere an fsync per file."""
    if sys.platform.startswith("linux") and hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        with open(path, "rb") as written:
            os.fsync(written.fileno())


def save_workbook(workbook, path: str | os.PathLike) -> Path:
    """An openpyxl workbook, saved privately and atomically; returns the path written."""
    from eksamen_tui.excel.writer import save_workbook as save

    return write_private(path, lambda temporary: save(workbook, temporary))


def write_text(path: str | os.PathLike, text: str) -> Path:
    """A text file (UTF-8), saved privately and atomically; returns the path written."""
    return write_private(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "ingen tilgang"
    if isinstance(error, NotADirectoryError):
        return "en del av stien er en fil, ikke en mappe"
    if isinstance(error, IsADirectoryError):
        return "det er en mappe"
    if error.errno == errno.ENOSPC:
        return "disken er full"
    if error.errno == errno.EROFS:
        return "filsystemet er skrivebeskyttet"
    return error.strerror or type(error).__name__
