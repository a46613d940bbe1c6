"""What the snapshot tests share: one demo database per test run (copied
for each test), an app on it with the clock stopped, and the clerk's keys.

Everything time-dependent on screen is fixed here: the date (`--today`),
the time of day every audit row, receipt and case is stamped with
(`ctx.clock`), and the text cursor, which would otherwise blink (a
snapshot taken half a second later would differ). Paths that would name
the machine (the keymap file F1 shows) point at a fixed place.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.screen_text import settle

DEMO_TODAY = date(2026, 11, 23)
DEMO_NOW = datetime(2026, 11, 23, 10, 0)  # the time of day every stamp takes
CLERK = "kari"
EXAM = "TMA4100"  # the demo exam every desk is opened on (grading under way, an extended deadline)
SIZES = [(80, 24), (120, 30), (150, 40)]
KEYMAP_FILE = "/home/kari/.config/eksamen-tui/keymap.toml"  # shown on F1; need not exist


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """The demo database for 23.11.2026, built once for the whole run: the
    xdist workers share one file (the first builds it under a lock)."""
    from eksamen_tui.services.demo import write_demo_database

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, shared by every worker
    path = root / "snapshot-demo.db"
    with open(root / "snapshot-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            write_demo_database(path, today=DEMO_TODAY)  # written atomically
    return path


@pytest.fixture
def demo_copy(demo_database, tmp_path, monkeypatch) -> Path:
    """This test's own copy of the demo database (tests may change it).
    No other counter writes to it, so the desks' once-a-second look for
    other counters' changes is switched off: a refill landing between two
    frames is timing, not layout."""
    from screens.base import DeskScreen

    monkeypatch.setenv("EKSAMEN_KEYMAP", KEYMAP_FILE)
    monkeypatch.setattr(DeskScreen, "CHANGE_POLL_SECONDS", 3600.0)
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_database, copy)
    return copy


def demo_app(path: Path):
    """The app on `path`, clerk kari, on 23.11.2026 at 10:00 (stopped)."""
    from eksamen_tui.app import EksamenApp
    from eksamen_tui.services.context import open_context

    ctx = open_context(str(path), clerk=CLERK, today=lambda: DEMO_TODAY)
    ctx.clock = lambda: DEMO_NOW
    return EksamenApp(ctx=ctx)


async def keys(pilot, *steps: str) -> None:
    """Press keys as a clerk does, letting the app finish after each step.
    A step is a key name ("f5", "enter", "down") or, quoted as "'text'",
    text typed a character at a time (at typing speed: the app catches up
    after the last character)."""
    app = pilot.app
    for step in steps:
        if len(step) > 2 and step[0] == step[-1] == "'":
            await pilot.press(*[("space" if ch == " " else ch) for ch in step[1:-1]])
        else:
            await pilot.press(step)
        await settle(app, pilot)


async def until(pilot, condition, what: str) -> None:
    """Let the app work until `condition()` holds (a desk opened from
    another one applies its target after its first refresh, which under
    load can be a few frames later); fail after about ten seconds."""
    for _ in range(100):
        if condition():
            return
        await settle(pilot.app, pilot)
        await pilot.pause(0.1)
    raise AssertionError(f"not reached: {what}")


async def open_exam(pilot, desk_key: str, code: str = EXAM) -> None:
    """A desk's function key, the course code typed, Enter."""
    await keys(pilot, desk_key, f"'{code.lower()}'", "enter")


async def steady(pilot) -> None:
    """Let the screen come to rest and stop what would move: workers done,
    tables measured, every text cursor shown steadily (no blink)."""
    from textual.widgets import Input

    app = pilot.app
    await settle(app, pilot)
    await pilot.pause(0.1)  # a table measures its new rows when idle
    await settle(app, pilot)
    await pilot.wait_for_scheduled_animations()
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False  # shown, and stays shown
    await pilot.pause()
