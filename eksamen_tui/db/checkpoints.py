"""SQLite's WAL checkpoints, off the thread that handles the clerk's keys.

In WAL mode a commit appends pages to the log; a checkpoint copies them
back into the database file. SQLite runs one automatically inside the
commit that takes the log past `wal_autocheckpoint` pages (1,000 by
default), and at the counter that commit is a key's: every ~1,000th page
written, one key took 4–8 ms instead of about one (BENCHMARKS.md).

The app therefore raises that threshold to BACKSTOP_PAGES, which is
reached only if the checkpoint thread has stopped (or cannot keep up), and
a WalCheckpointer checkpoints every INTERVAL_SECONDS on a connection of
its own (see `checkpoint` for how it keeps out of the writers' way).
Measured with 3,000 grade commits in a row on the large database: commits
over 5 ms fell from 14-17 to 1-2 (BENCHMARKS.md).

Plain threads and sqlite3: nothing here knows of Textual or of the models.
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

# ~40 MB of 4 KiB pages: a commit checkpoints by itself only past this
BACKSTOP_PAGES = 10_000
INTERVAL_SECONDS = 0.25
# past this many pages in the log (SQLite's own threshold), starting it again is tried too
RESTART_AT_PAGES = 1_000


class WalCheckpointer:
    """A daemon thread checkpointing the database at `path` every
    `interval` seconds until stop(). A failed round (a full disk, say) is
    reported once and retried at the next; meanwhile the backstop keeps
    the log bounded."""

    def __init__(self, path: str | Path, interval: float = INTERVAL_SECONDS) -> None:
        self.path = Path(path)
        self.interval = interval
        self.rounds = 0  # checkpoints run (tests and benchmarks read it)
        self.last_result: tuple[int, int, int] | None = None  # (busy, log pages, pages copied)
        self.failure: BaseException | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "WalCheckpointer":
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """End the thread after the round in progress (if any)."""
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while not self._stopping.wait(self.interval):
                try:
                    if connection is None:
                        # no busy timeout: a checkpoint never waits for a lock (see checkpoint)
                        connection = sqlite3.connect(self.path, timeout=0, isolation_level=None,
                                                     check_same_thread=False)
                    self.last_result = checkpoint(connection)
                    self.rounds += 1
                except sqlite3.Error as error:
                    self._report(error)
        finally:
            if connection is not None:
                connection.close()

    def _report(self, error: sqlite3.Error) -> None:
        if self.failure is None:
            from eksamen_tui.errorlog import write_error_report

            write_error_report(error, where=f"WAL checkpoints of {self.path}")
        self.failure = error


def checkpoint(connection: sqlite3.Connection) -> tuple[int, int, int]:
    """Copy the log back, and start it again once it is long: (busy, pages
    in the log, pages copied) of the last checkpoint run.

    A PASSIVE checkpoint copies what no reader still needs, blocking no
    one. The log starts again from its beginning only when a transaction
    begins while all of it is copied and no reader is using it, which
    counters writing steadily seldom leave room for: the log would grow
    until they pause. So once it is past RESTART_AT_PAGES, a RESTART
    checkpoint follows, without waiting (the connection has no busy
    timeout): it takes the write lock only if it is free, copies the few
    pages written since, and starts the log again if no reader is using
    it; otherwise it ends at once as PASSIVE would, and the next round
    tries again. A key's commit waits for it at most that short while."""
    busy, log_pages, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    if log_pages >= RESTART_AT_PAGES:
        busy, log_pages, copied = connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    return busy, log_pages, copied
