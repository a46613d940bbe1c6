"""The dashboard's data, read by a second process while the app starts.

Starting the app is two long steps that need not wait for each other:
Textual drawing its first frame (~0.2 s of CPU), and importing the
database layer (SQLAlchemy, SQLModel, the models: ~0.3 s of CPU) before
the dashboard's queries can run. In one process they run one after the
other. `DashboardFeed.start` (called by the CLI before Textual is
imported) starts a child process on the other core (forked, or this
module in a new interpreter where the app cannot fork); it opens the
database read-only, reads the dashboard's table and cards with the same
services the dashboard calls, and sends them back through a pipe as they
are ready (two of the cards are read meanwhile by a second process
forked from it once its imports are done, when the app has drawn its
first frame and the other core is free). The app shows them as they
arrive, then opens the database itself, as it always does (it waits for
the feed to end, at most a few seconds, so that its import of the
database layer, which holds the GIL, does not hold up drawing the feed's
data). A desk key pressed before the database is open opens that desk as
soon as it is.

The feed only ever reads. A database that is missing, empty or not at the
newest schema is left to the app (which creates or migrates it); then, as
when the child fails in any other way, the feed ends without data and the
dashboard reads its data itself once the database is open. The child reads
the change marker before anything else, so a change another counter makes
after the child's reading is picked up by the dashboard's next poll.

This module imports only the standard library when the app uses it: the
point is not to import the database layer before the first frame.
"""
from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

# what the child sends, each message pickled on its own:
#   ("header", {"today", "profile", "clerk", "marker"})   first
#   ("lines", lines, forms)                                the table
#   ("card", card, counts)                                 each card
#   ("done",)                                              last
DONE = "done"


class DashboardFeed:
    """The parent's end: the child process and its messages."""

    def __init__(self, process: "subprocess.Popen | ForkedChild") -> None:
        self._process = process
        self._lock = threading.Lock()
        self.complete = False  # every message arrived, ending with "done"

    @classmethod
    def start(cls, db: str | None, *, clerk: str | None = None, today: date | None = None,
              fork: bool | None = None) -> "DashboardFeed | None":
        """Start the child (None if it cannot be started, or on one core,
        where it would only compete with the app: the app then reads the
        dashboard itself).

        The child is forked where it can be (`fork` None: where the system
        forks and this process runs one thread, as the CLI does before
        Textual starts): it then starts ~20-40 ms sooner than a new
        interpreter, which has to start and import its site first. Else
        it is `python -m eksamen_tui.dashboard_feed`."""
        if (os.cpu_count() or 1) < 2:
            return None
        if fork is None:
            fork = hasattr(os, "fork") and threading.active_count() == 1
        if fork:
            try:
                return cls(ForkedChild.start(lambda out: main_served(db, clerk, today, out)))
            except OSError:
                return None
        import subprocess

        command = [sys.executable, "-m", __name__, db or ""]
        if clerk:
            command += ["--clerk", clerk]
        if today:
            command += ["--today", today.isoformat()]
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, close_fds=True)
        except OSError:
            return None
        return cls(process)

    def messages(self) -> Iterator[tuple]:
        """The child's messages as they come (blocking; run it in a thread).
        Ends at the last one, or early if the child failed or was stopped."""
        stream = self._process.stdout
        try:
            while True:
                try:
                    message = pickle.load(stream)
                except (EOFError, OSError, ValueError, pickle.UnpicklingError, AttributeError, ImportError):
                    return  # the child ended (or was stopped) without finishing
                if message[0] == DONE:
                    self.complete = True
                    return
                yield message
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child if it still runs (the app quit early) and reap it."""
        with self._lock:
            process = self._process
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None and not process.stdout.closed:
                process.stdout.close()


class ForkedChild:
    """A child forked from this process, writing to a pipe, with the calls
    DashboardFeed makes on a subprocess.Popen."""

    def __init__(self, pid: int, stdout: IO[bytes]) -> None:
        self.pid, self.stdout = pid, stdout
        self.returncode: int | None = None

    @classmethod
    def start(cls, work: Callable[[IO[bytes]], int]) -> "ForkedChild":
        """Fork; the child runs `work` on the pipe's writing end and exits
        with the code it returns (1 if it raises)."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid:
            os.close(write_end)
            return cls(pid, os.fdopen(read_end, "rb"))
        # the child: never returns into the caller's code
        code = 1
        try:
            os.close(read_end)
            nothing = os.open(os.devnull, os.O_RDWR)  # not the clerk's terminal
            for fd in (0, 1, 2):
                os.dup2(nothing, fd)
            code = work(os.fdopen(write_end, "wb"))
        finally:
            os._exit(code)

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 9)  # SIGKILL (signal.SIGKILL, without importing signal)
            except ProcessLookupError:
                pass

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


# --- the child ---------------------------------------------------------------

def _send(out: IO[bytes], *message) -> None:
    pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


# The cards a second reader reads meanwhile (about half of the reading's
# time): forked from the feed once the database layer is imported, it has
# the other core to itself by then, as the app has drawn its first frame.
SECOND_READER_CARDS = ("commissions", "after")


def serve(db: str | None, clerk: str | None, today: date | None, out: IO[bytes]) -> None:
    """Send the dashboard's data to `out`: the snapshot kept of it when the
    database is unchanged since (eksamen_tui.dashboard_snapshot), else read
    afresh and kept as the next start's snapshot."""
    from eksamen_tui import dashboard_snapshot
    from eksamen_tui.db.target import default_clerk, is_url, resolve_db_target

    target = resolve_db_target(db)
    day = today or date.today()
    key = None if is_url(target) else dashboard_snapshot.current_key(target, day)
    kept = dashboard_snapshot.load(target, key) if key is not None else None
    if kept is not None:
        _send(out, "header", {"today": day, "profile": kept["profile"], "clerk": clerk or default_clerk(),
                              "marker": dashboard_snapshot.marker_of(key)})
        _send(out, "lines", kept["lines"], kept["forms"])
        for card, counts in kept["counts"].items():
            _send(out, "card", card, counts)
        _send(out, DONE)
        return
    reading = read(db, clerk, today, out)
    if key is not None:  # (before DONE: the app stops the feed once it has DONE)
        dashboard_snapshot.store(target, key, reading)
    _send(out, DONE)


def read(db: str | None, clerk: str | None, today: date | None, out: IO[bytes]) -> dict:
    """Read the dashboard's data and send it to `out`: the change marker
    first, then the table and each card as its counts are in. A second
    reader, where the system forks, reads SECOND_READER_CARDS meanwhile;
    they are sent as they come after this reader's own. Without every
    card it raises (and the app, without DONE, reads the dashboard itself).
    Returns what was sent, as a snapshot keeps it."""
    from eksamen_tui.services.concurrency import change_marker
    from eksamen_tui.services.context import open_current_context
    from eksamen_tui.services.dashboard import CARDS, card_counts, exam_lines
    from eksamen_tui.services.dashboard_leads import form_status

    def open_database():
        return open_current_context(db, clerk=clerk, today=(lambda: today) if today else None)

    reading: dict = {"counts": {}}
    # forked before this reader opens the database: no connection is shared
    second = _second_reader(open_database, SECOND_READER_CARDS, card_counts)
    try:
        ctx = open_database()
        try:
            reading["profile"] = ctx.profile.title
            _send(out, "header", {"today": ctx.today(), "profile": ctx.profile.title, "clerk": ctx.clerk,
                                  "marker": change_marker(ctx)})
            lines = exam_lines(ctx)
            reading["lines"] = lines
            reading["forms"] = form_status(ctx, [(line.exam_id, line.exam_date) for line in lines])
            _send(out, "lines", lines, reading["forms"])
            for card in CARDS:
                if second is None or card not in SECOND_READER_CARDS:
                    reading["counts"][card] = card_counts(ctx, card)
                    _send(out, "card", card, reading["counts"][card])
        finally:
            ctx.engine.dispose()
        if second is not None:
            for message in second.messages():
                _send(out, *message)
                reading["counts"][message[1]] = message[2]
            if not second.complete:
                raise RuntimeError("the second reader ended without every card")
    finally:
        if second is not None:
            second.close()
    return reading


def _second_reader(open_database, cards, card_counts) -> "DashboardFeed | None":
    """A forked process that opens the database itself and sends `cards`,
    then DONE (None where the system does not fork, or it failed to)."""
    if not hasattr(os, "fork"):
        return None

    def work(out: IO[bytes]) -> int:
        ctx = open_database()
        try:
            for card in cards:
                _send(out, "card", card, card_counts(ctx, card))
            _send(out, DONE)
        finally:
            ctx.engine.dispose()
        return 0

    try:
        return DashboardFeed(ForkedChild.start(work))
    except OSError:
        return None


def main_served(db: str | None, clerk: str | None, today: date | None, out: IO[bytes]) -> int:
    """The child's life: serve, and say by the exit code how it went."""
    import gc

    gc.disable()  # a short life: no collection pauses (it ends in a second)
    try:
        serve(db or None, clerk, today, out)  # (each message flushed as it is sent)
    except BrokenPipeError:  # the app quit first
        os._exit(0)
    except Exception:  # noqa: BLE001 (the app reads the dashboard itself; nothing to tell here)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="eksamen_tui.dashboard_feed")
    parser.add_argument("db")
    parser.add_argument("--clerk")
    parser.add_argument("--today", type=date.fromisoformat)
    args = parser.parse_args(argv)
    return main_served(args.db, args.clerk, args.today, sys.stdout.buffer)


if __name__ == "__main__":
    sys.exit(main())
