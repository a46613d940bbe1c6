"""The dashboard's data read by a second process while the app starts
(eksamen_tui/dashboard_feed.py): the same figures as the
dashboard's own reading, shown before the app has opened the database,
a change after the feed's reading still shown, and every way the feed can
fail leaving the dashboard to read its data itself."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.services.attendance import mark_unmarked_attended
from eksamen_tui.dashboard_feed import DashboardFeed, ForkedChild
from screens.dashboard import DashboardScreen
from tests.factories import TODAY, add_exam
from tests.screen_text import screen_text

DAY = date(2026, 11, 12)


def _target(ctx) -> str:
    url = ctx.engine.url
    return str(url.database) if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=False)


def _exams(ctx):
    exam = add_exam(ctx, code="TMA4240", exam_date=DAY, candidates=10, first_candidate=101)
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 3), candidates=3, first_candidate=201)
    mark_unmarked_attended(ctx, exam.id)
    return exam


def _replay(data: bytes) -> DashboardFeed:
    """A feed whose child sends `data` (a recorded feed) and ends."""
    code = "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read())"
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    process.stdin.write(data)
    process.stdin.close()
    return DashboardFeed(process)


async def _shown_within(app, pilot, texts, seconds=5.0) -> None:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        await pilot.pause(0.1)
        if all(text in screen_text(app) for text in texts):
            return
    raise AssertionError(f"not shown within {seconds} s: {texts}\n{screen_text(app)}")


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "new-interpreter"])
def test_the_feed_reads_what_the_dashboard_reads(ctx, fork):
    from eksamen_tui.services.concurrency import change_marker
    from eksamen_tui.services.dashboard import CARDS, card_counts, exam_lines
    from eksamen_tui.services.dashboard_leads import form_status

    _exams(ctx)
    feed = DashboardFeed.start(_target(ctx), clerk="kari", today=TODAY, fork=fork)
    assert isinstance(feed._process, ForkedChild) == fork
    messages = list(feed.messages())
    assert feed.complete
    header = messages[0][1]
    assert messages[0][0] == "header"
    assert (header["today"], header["profile"], header["clerk"]) == (TODAY, ctx.profile.title, "kari")
    assert header["marker"] == change_marker(ctx)
    lines = exam_lines(ctx)
    assert messages[1] == ("lines", lines, form_status(ctx, [(line.exam_id, line.exam_date) for line in lines]))
    assert [code for line in lines for code in [line.course_code]] == ["TMA4240", "TDT4100"]
    # (the cards of the second reader come after the first reader's own)
    assert sorted(messages[2:]) == sorted(("card", card, card_counts(ctx, card)) for card in CARDS)
    assert len(messages) == 2 + len(CARDS)


def test_a_second_reader_that_fails_leaves_the_feed_without_its_end(ctx, monkeypatch):
    """The cards of the second reader are part of the reading: if it fails,
    the feed sends no DONE, and the app reads the dashboard itself."""
    import io
    import pickle

    from eksamen_tui import dashboard_feed

    _exams(ctx)
    monkeypatch.setattr(dashboard_feed, "SECOND_READER_CARDS", ("commissions", "no such card"))
    out = io.BytesIO()
    with pytest.raises(RuntimeError, match="second reader"):
        dashboard_feed.serve(_target(ctx), "kari", TODAY, out)
    out.seek(0)
    kinds = []
    while out.tell() < len(out.getvalue()):
        kinds.append(pickle.load(out)[0])
    assert "header" in kinds and "lines" in kinds and dashboard_feed.DONE not in kinds


def test_the_cli_forks_the_feed_and_a_forked_feed_that_fails_ends_quietly(ctx, tmp_path):
    """As the CLI starts it (one thread, before Textual): forked. A child
    that fails (here: no such database) ends without data, writing nothing
    to the clerk's terminal, and never runs on into the caller's code (its
    lines would be printed twice)."""
    _exams(ctx)
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from eksamen_tui.dashboard_feed import DashboardFeed, ForkedChild\n"
        "feed = DashboardFeed.start(sys.argv[1], today=date(2026, 11, 23))\n"
        "print(type(feed._process).__name__, len(list(feed.messages())), feed.complete)\n"
        "feed = DashboardFeed.start(sys.argv[2], today=date(2026, 11, 23))\n"
        "print(type(feed._process).__name__, len(list(feed.messages())), feed.complete)\n"
    )
    missing = tmp_path / "missing.db"
    done = subprocess.run([sys.executable, "-c", script, _target(ctx), str(missing)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stderr
    from eksamen_tui.services.dashboard import CARDS

    assert done.stdout.splitlines() == [f"ForkedChild {2 + len(CARDS)} True", "ForkedChild 0 False"]
    assert not missing.exists()


@pytest.mark.sqlite_only
def test_the_feed_leaves_a_database_it_cannot_read_to_the_app_untouched(tmp_path):
    missing = tmp_path / "new.db"
    foreign = tmp_path / "foreign.db"
    import sqlite3

    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (text)")
    before = foreign.read_bytes()
    for target in (missing, foreign):
        feed = DashboardFeed.start(str(target), today=TODAY)
        assert list(feed.messages()) == [] and not feed.complete, target
    assert not missing.exists(), "the feed created the database (the app creates and migrates it)"
    assert foreign.read_bytes() == before


async def test_the_dashboard_shows_the_feeds_data_before_the_database_is_open(ctx, monkeypatch):
    _exams(ctx)
    target = _target(ctx)
    shown_without_database: list[bool] = []
    show = DashboardScreen._show

    def recording_show(screen, lines, forms=None):
        shown_without_database.append(screen.app.ctx is None)
        show(screen, lines, forms)

    monkeypatch.setattr(DashboardScreen, "_show", recording_show)
    loads: list[int] = []
    load = DashboardScreen._load
    monkeypatch.setattr(DashboardScreen, "_load", lambda screen: (loads.append(1), load(screen))[1])
    app = EksamenApp(db=target, clerk="kari", today=TODAY,
                     dashboard_feed=DashboardFeed.start(target, clerk="kari", today=TODAY))
    async with app.run_test(size=(150, 45)) as pilot:
        await _shown_within(app, pilot, ["TMA4240", "TDT4100", "Karakterer ført: 0", "Forventet: 10"])
        while app.ctx is None:
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        assert shown_without_database[:1] == [True], "the table waited for the app's own opening"
        assert loads == [], "the dashboard read its data again after the feed had brought it"
        assert "saksbehandler kari" in screen_text(app)


@pytest.mark.slow("waits for the dashboard's one-second change poll")
async def test_a_change_after_the_feeds_reading_is_shown(ctx, monkeypatch):
    from eksamen_tui.services.grades import enter_grade

    exam = _exams(ctx)
    recorded = subprocess.run([sys.executable, "-m", "eksamen_tui.dashboard_feed", _target(ctx),
                               "--today", TODAY.isoformat()], capture_output=True, check=True).stdout
    for number in (101, 102, 103):  # another counter, after the feed read the database
        enter_grade(ctx, exam.id, number, "B")
    entered: list[int] = []  # the grades card's «ført» each time it is shown
    show_card = DashboardScreen._show_card

    def recording(screen, card, values):
        if card == "grades":
            entered.append(values["entered"])
        show_card(screen, card, values)

    monkeypatch.setattr(DashboardScreen, "_show_card", recording)
    app = EksamenApp(ctx=ctx, dashboard_feed=_replay(recorded))
    async with app.run_test(size=(150, 45)) as pilot:
        await _shown_within(app, pilot, ["Karakterer ført: 3"])  # the poll: the feed's marker was older
    assert entered[0] == 0 and entered[-1] == 3, entered  # first what the feed read, then the change


@pytest.mark.parametrize("child", ["import sys; sys.exit(1)",  # failed before sending anything
                                   "import sys; sys.stdout.buffer.write(b'not a pickle'); sys.exit(1)"])
async def test_a_feed_that_fails_leaves_the_dashboard_to_read_itself(ctx, child):
    _exams(ctx)
    process = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE)
    app = EksamenApp(ctx=ctx, dashboard_feed=DashboardFeed(process))
    async with app.run_test(size=(150, 45)) as pilot:
        await _shown_within(app, pilot, ["TMA4240", "Karakterer ført: 0", "Forventet: 10"])


async def test_a_feed_cut_off_halfway_leaves_the_dashboard_to_read_itself(ctx):
    _exams(ctx)
    recorded = subprocess.run([sys.executable, "-m", "eksamen_tui.dashboard_feed", _target(ctx),
                               "--today", TODAY.isoformat()], capture_output=True, check=True).stdout
    loads: list[int] = []
    app = EksamenApp(ctx=ctx, dashboard_feed=_replay(recorded[:len(recorded) // 2]))
    load = DashboardScreen._load
    DashboardScreen._load = lambda screen: (loads.append(1), load(screen))[1]
    try:
        async with app.run_test(size=(150, 45)) as pilot:
            await _shown_within(app, pilot, ["TMA4240", "Karakterer ført: 0", "Forventet: 10"])
            assert loads, "a feed that ended early was taken as complete"
    finally:
        DashboardScreen._load = load


def test_closing_stops_a_feed_that_still_runs():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], stdout=subprocess.PIPE)
    feed = DashboardFeed(process)
    start = time.monotonic()
    feed.close()
    feed.close()  # (the app's exit and the reading thread may both close it)
    assert process.returncode is not None and time.monotonic() - start < 5


async def test_a_desk_key_pressed_before_the_database_is_open_opens_the_desk_when_it_is(ctx):
    """The dashboard may show its data before the app has opened the
    database: F5 then is not lost, the grade desk opens once it is open."""
    _exams(ctx)
    target = _target(ctx)
    app = EksamenApp(db=target, clerk="kari", today=TODAY)
    app.dashboard_feed_ended.clear()  # the app's own opening waits, as for a feed still reading
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.pause(0.2)
        assert app.ctx is None
        await pilot.press("f5")
        await pilot.pause(0.2)
        assert app.current_mode == "dashboard"
        app.dashboard_feed_ended.set()
        await _shown_within(app, pilot, ["Emnekode eller emnenavn"])
        assert app.current_mode == "grades"


async def test_a_feed_that_never_ends_is_stopped_and_the_dashboard_reads_itself(ctx, monkeypatch):
    import screens.dashboard as dashboard

    monkeypatch.setattr(dashboard, "FEED_GRACE_SECONDS", 0.3)
    _exams(ctx)
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], stdout=subprocess.PIPE)
    app = EksamenApp(ctx=ctx, dashboard_feed=DashboardFeed(process))
    async with app.run_test(size=(150, 45)) as pilot:
        await _shown_within(app, pilot, ["TMA4240", "Karakterer ført: 0", "Forventet: 10"])
        for _ in range(50):
            if process.poll() is not None:
                break
            await asyncio.sleep(0.05)
        assert process.returncode is not None, "the hanging feed was left running"


async def test_quitting_while_the_feed_reads_does_not_wait_for_it(ctx, monkeypatch):
    """The app's opening of the database waits for the feed; a clerk who
    quits meanwhile must not wait with it (it took the full wait, ~3.7 s,
    with a blank screen), and nothing is opened after the quit."""
    import eksamen_tui.app as app_module
    import eksamen_tui.services.context as context

    monkeypatch.setattr(app_module, "FEED_WAIT_SECONDS", 0.5)
    opened: list[str] = []
    open_context = context.open_context
    monkeypatch.setattr(context, "open_context", lambda *a, **k: (opened.append("opened"), open_context(*a, **k))[1])
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], stdout=subprocess.PIPE)
    feed = DashboardFeed(process)
    app = EksamenApp(db=_target(ctx), clerk="kari", today=TODAY, dashboard_feed=feed)
    try:
        async with app.run_test(size=(150, 45)) as pilot:
            await pilot.pause(0.2)
            app.exit()
            assert app.dashboard_feed_ended.is_set(), "the opening still waits for the feed after the quit"
        await asyncio.sleep(1.0)  # past the opening's wait
        assert opened == [] and app.ctx is None, "the database was opened after the clerk quit"
    finally:
        feed.close()
