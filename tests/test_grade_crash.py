"""Never lose a grade: SIGKILL a real eksamen-tui in the middle of an entry
sequence typed through a pseudo-terminal, restart, and find every grade that
was shown as entered."""
import os
import pty
import re
import select
import signal
import sys
import time
from datetime import date

import pytest

from eksamen_tui.services.attendance import mark_unmarked_attended
from tests.factories import add_exam

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]|\x1b\][^\x07]*\x07")


class Terminal:
    """A child process on a pseudo-terminal: type keys, read what it drew."""

    def __init__(self, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        self.screen = ""

    def read(self, seconds=0.2):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return
                self.screen += ANSI.sub("", chunk.decode("utf-8", "replace"))

    def wait_for(self, text, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.read(0.1)
            if text in self.screen:
                return
        raise AssertionError(f"never saw {text!r}; last output: {self.screen[-800:]!r}")

    def type(self, keys):
        os.write(self.fd, keys.encode())

    def kill(self):
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.mark.slow("the real app on a pseudo-terminal, twice, waiting for each key to show")
def test_sigkill_mid_entry_loses_no_grade_shown_as_entered(ctx, tmp_path):
    exam = add_exam(ctx, code="TDT4120", exam_date=date(2026, 11, 12), candidates=40, first_candidate=301)
    mark_unmarked_attended(ctx, exam.id)
    from tests.backend import db_arg

    db = db_arg(ctx)
    ctx.engine.dispose()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "140", "LINES": "40"}
    argv = [sys.executable, "-m", "eksamen_tui", "--db", db, "--today", "2026-11-23", "--clerk", "krasj"]
    term = Terminal(argv, env)
    try:
        term.wait_for("Sensurfrist")  # the dashboard has its data: the database is open
        term.type("\x1b[15~")  # F5 (xterm)
        term.wait_for("Emnekode eller emnenavn")
        term.type("tdt4120")
        term.wait_for("TDT4120 Objektorientert")
        term.type("\r")
        term.wait_for("kandidater til sensur")
        grades = "abcdefabcdefabcdefab"
        shown = []
        for index, key in enumerate(grades):
            term.type(key)
            number = 301 + index
            term.wait_for(f"Kandidat {number}: {key.upper()}")
            shown.append((number, key.upper()))
        term.type("abc")  # more keys in flight when the process dies
    finally:
        term.kill()
    from sqlalchemy import text

    with ctx.engine.connect() as conn:
        stored = dict(conn.execute(text(
            "SELECT r.candidate_number, g.value FROM grade g JOIN registration r ON r.id = g.registration_id "
            "WHERE g.is_current")).all())
    ctx.engine.dispose()
    for number, value in shown:
        assert stored.get(number) == value, f"grade for {number} shown as entered but lost"
    # and the app starts again on the same database with the grades there
    term = Terminal(argv, env)
    try:
        term.wait_for("Oversikt")
    finally:
        term.kill()
