"""The dashboard's data, read by a second process while the app starts.

Starting the app is two long steps that need not wait for each other:
Textual drawing its first frame (~0.2 s of CPU), and importing the
database layer (SQLAlchemy, SQLModel, the models: ~0.3 s of CPU) before
the dashboard's queries can run. In one process they run one after the
other. `DashboardFeed.start` (called by the CLI before Textual is
imported) starts this module as a child process on the other core; it
opens the database read-only, reads the dashboard's table and cards with
the same services the dashboard calls, and sends them back through a pipe
as they are ready. The app shows them as they arrive, then opens the
database itself, as it always does (it waits for the feed to end, at most
a few seconds, so that its import of the database layer, which holds the
GIL, does not hold up drawing the feed's data). A desk key pressed before
the database is open opens that desk as soon as it is.

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
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from typing import IO

# what the child sends, each message pickled on its own:
#   ("header", {"today", "profile", "clerk", "marker"})   first
#   ("lines", lines, forms)                                the table
#   ("card", card, counts)                                 each card
#   ("done",)                                              last
DONE = "done"


class DashboardFeed:
    """The parent's end: the child process and its messages."""

    def __init__(self, process: subprocess.Popen) -> None:
        self._process = process
        self._lock = threading.Lock()
        self.complete = False  # every message arrived, ending with "done"

    @classmethod
    def start(cls, db: str | None, *, clerk: str | None = None, today: date | None = None) -> "DashboardFeed | None":
        """Start the child (None if it cannot be started, or on one core,
        where it would only compete with the app: the app then reads the
        dashboard itself)."""
        if (os.cpu_count() or 1) < 2:
            return None
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


# --- the child ---------------------------------------------------------------

def _send(out: IO[bytes], *message) -> None:
    pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def serve(db: str | None, clerk: str | None, today: date | None, out: IO[bytes]) -> None:
    """Read the dashboard's data and send it to `out`, the table first, then
    each card as its counts are in (the order the dashboard shows them)."""
    from eksamen_tui.services.concurrency import change_marker
    from eksamen_tui.services.context import open_current_context
    from eksamen_tui.services.dashboard import CARDS, card_counts, exam_lines
    from eksamen_tui.services.dashboard_leads import form_status

    ctx = open_current_context(db, clerk=clerk, today=(lambda: today) if today else None)
    try:
        _send(out, "header", {"today": ctx.today(), "profile": ctx.profile.title, "clerk": ctx.clerk,
                              "marker": change_marker(ctx)})
        lines = exam_lines(ctx)
        _send(out, "lines", lines, form_status(ctx, [(line.exam_id, line.exam_date) for line in lines]))
        for card in CARDS:
            _send(out, "card", card, card_counts(ctx, card))
        _send(out, DONE)
    finally:
        ctx.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    import argparse
    import gc

    gc.disable()  # a short life: no collection pauses (it ends in a second)
    parser = argparse.ArgumentParser(prog="eksamen_tui.dashboard_feed")
    parser.add_argument("db")
    parser.add_argument("--clerk")
    parser.add_argument("--today", type=date.fromisoformat)
    args = parser.parse_args(argv)
    try:
        serve(args.db or None, args.clerk, args.today, sys.stdout.buffer)
    except BrokenPipeError:  # the app quit first
        os._exit(0)
    except Exception:  # noqa: BLE001 (the app reads the dashboard itself; nothing to tell here)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
