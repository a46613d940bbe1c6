"""Drawing a desk's counters between the keys of a burst, within a frame.

Textual runs a binding's action in the App's task, and keys queued in a
burst (a scanner, a fast typist, posted events) are handled one after the
other without the event loop turning: a widget's refresh is only a flag
and a message to its own task, the screen's update timer (60 a second)
never gets to run, so nothing is drawn until the burst ends. Yielding once
per key (``asyncio.sleep(0)``) lets that pipeline run, but every key pays
for a turn of the loop through every waiting task, and a change still
waits for the timer's next tick (up to a whole frame) before it is drawn.

`KeyPacer` instead draws the desk's own changed widgets itself, at once,
when the oldest change not drawn yet would otherwise be more than about
half a frame old by the time it is drawn, and when the loop next turns
after a key (the end of a burst, or a single key): the counters stay
within a frame of the keys, and a burst pays for one partial redraw every
few keys instead of a loop turn per key. While a burst lasts, the garbage
collector waits (`gc_policy.hold`): a collection of 5-15 ms between a key
and its draw was what put a counter more than a frame behind.

The redraw is the screen's own frame (`Screen._on_timer_update`: layout if
one is pending, then the changed regions), run now with the desk's widgets
marked changed. Those two names are Textual internals; if a Textual release
renames them, the pacer falls back to the yield per key
(`tests/test_key_pacer.py` fails first, so the fallback is never silent).
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from time import perf_counter

from textual import constants
from textual.css.query import NoMatches
from textual.widget import Widget

from eksamen_tui import gc_policy

FRAME = 1 / constants.MAX_FPS
# what a key and a draw take, until measured: on the 2-core machine ~2 ms and ~5 ms
FIRST_KEY, FIRST_DRAW = 0.002, 0.005
# Draw when the oldest change not drawn yet would otherwise be this much of
# a frame old by the end of the next key and draw (estimated from their
# recent highs): the rest of the frame is the margin for a key or draw that
# takes longer than any lately.
DRAW_AT = 0.6


def can_draw_now(screen) -> bool:
    """Whether `draw_now` works with this Textual (its internals exist)."""
    return isinstance(getattr(screen, "_dirty_widgets", None), set) and callable(
        getattr(screen, "_on_timer_update", None))


def draw_now(screen, widgets: Iterable[Widget]) -> bool:
    """Draw the changed parts of `widgets` on `screen` now (the screen's
    own frame, as its update timer runs it). False if it could not."""
    if not can_draw_now(screen):
        return False
    screen._dirty_widgets.update(widgets)
    screen._on_timer_update()  # does nothing while a batch update is open or the screen is not shown
    return True


class KeyPacer:
    """After each one-key change on a desk: draw the desk's widgets now if
    waiting for one more key would leave the oldest change not drawn yet
    more than a frame behind (what a key and a draw take is measured as the
    keys come: slow keys are drawn one by one, fast ones a few at a time);
    otherwise draw them as soon as the event loop turns (the burst has
    ended or paused).

    The desk names the widgets its keys change (`widget_ids`).
    `before_draw()` is called just before each draw: the desk may bring what
    its keys only marked as changed (a panel of counts) up to date there,
    once per draw instead of once per key; `mid_burst` says whether more
    keys are waiting (what is not worth drawing for every frame of a burst
    can wait for its end)."""

    def __init__(self, screen, widget_ids: Iterable[str], before_draw: Callable[[], None] | None = None,
                 frame: float = FRAME) -> None:
        self.screen = screen
        self.widget_ids = tuple(widget_ids)
        self.before_draw = before_draw
        self._widgets: list[Widget] | None = None
        self.frame = frame
        self._undrawn_since: float | None = None  # end of the first key not drawn yet
        self._last_key = 0.0
        self._key = FIRST_KEY  # what a key takes (from one key's end to the next's), lately
        self._draw_time = FIRST_DRAW  # what a draw takes, lately
        self._scheduled = False
        self.mid_burst = False
        self.draws = 0

    async def key_done(self) -> None:
        now = perf_counter()
        interval = now - self._last_key
        self._last_key = now
        if interval < self.frame:  # keys of a burst: how fast they come
            self._key = max(interval, 0.9 * self._key + 0.1 * interval)
        if self._undrawn_since is None:
            self._undrawn_since = now
        if not self._scheduled:  # the burst's first key: the burst ends when the loop turns
            self._scheduled = True
            gc_policy.hold()
            asyncio.get_running_loop().call_soon(self._loop_turned)
        if now + self._key + self._draw_time >= self._undrawn_since + DRAW_AT * self.frame:
            if not self._draw(mid_burst=True):
                await asyncio.sleep(0)  # Textual without the internals: let its own update run

    def _loop_turned(self) -> None:
        self._scheduled = False
        try:
            if self._undrawn_since is not None:
                self._draw()  # the burst's last keys; brings the desk's panels up to date even if another screen is shown now
        except NoMatches:  # the desk was taken down meanwhile: nothing left to draw
            self._undrawn_since = None
        finally:
            gc_policy.release()

    def widgets(self) -> list[Widget]:
        """The desk's key widgets, brought up to date (looked up once)."""
        if self.before_draw is not None:
            self.before_draw()
        if self._widgets is None:
            self._widgets = [self.screen.query_one(f"#{name}") for name in self.widget_ids]
        return self._widgets

    def turn_page(self, turn: Callable[[], None]) -> None:
        """A table's page turn in a burst (EntryTable.around_page_turn).
        Repainting every line of the table takes several times a key's
        draw (15-17 ms at 160 columns on the 2-core machine, a whole frame),
        so the desk's changes are drawn first, the page is turned and drawn
        at once after, and the next keys' changes never wait behind it."""
        self._draw(mid_burst=True)
        turn()
        self._draw(mid_burst=True, typical=False)

    def _draw(self, *, mid_burst: bool = False, typical: bool = True) -> bool:
        """Draw now; `typical`: its time is what the next draws will take
        (a page turn's is not)."""
        start = perf_counter()
        self.mid_burst = mid_burst
        try:
            drawn = draw_now(self.screen, self.widgets())
        finally:
            self.mid_burst = False
        if not drawn:
            return False
        end = perf_counter()
        if typical:
            self._draw_time = max(end - start, 0.9 * self._draw_time + 0.1 * (end - start))
        self.draws += 1
        self._undrawn_since = None
        self._last_key = end  # the next key's time starts after the draw
        return True
