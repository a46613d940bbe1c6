"""Garbage collection tuned for a desk app: short pauses, bounded memory.

CPython's defaults (700, 10, 10) suit short scripts. In the running app a
full collection walks every container object: with the modules of SQLAlchemy,
Textual and the desks loaded, plus 2,000-row lists on several desks, that
is 0.2-0.5 s during which no key is handled, and it came dozens of times
per minute of desk work (measured: 44 full collections, 11 s of pauses, in
the benchmark's desks scenario).

- `tune()` (at start): the young generation is collected every 10,000 new
  container objects instead of 700 (a few ms each, fewer of them) and a
  full collection waits for 100 middle ones instead of 10.
- `settle()` (once, when start-up is done and the desks' modules are
  imported): one full collection, then everything alive is frozen
  (`gc.freeze`): modules, classes and the app's own widgets are never
  garbage, so later collections do not walk them.

- `hold()` / `release()` (around a burst of keys, see KeyPacer): no
  collection while the burst is handled, so a young collection (up to
  ~7 ms) or a middle one (~15 ms) does not land between a key and the
  draw that shows it; the collection that was due runs when the burst
  has ended. A burst allocates mostly short-lived, acyclic objects
  (reference counting frees them), so holding it costs little memory.

Objects created later are collected as before (cyclic garbage included),
only less often; memory stays bounded.
"""
from __future__ import annotations

import gc

THRESHOLDS = (10_000, 10, 100)

_settled = False
_holds = 0
_resume = False  # whether release() turns collection back on


def tune() -> None:
    gc.set_threshold(*THRESHOLDS)


def settle() -> None:
    """Collect once and freeze what is alive; only the first call in a
    process does anything (a second freeze would keep the garbage of what
    was alive at the first, e.g. a test's app, forever)."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()


def hold() -> None:
    """No automatic collection until the matching `release()`."""
    global _holds, _resume
    if _holds == 0:
        _resume = gc.isenabled()  # (a caller that disabled it keeps it disabled)
        gc.disable()
    _holds += 1


def release() -> None:
    global _holds
    if _holds == 0:
        return
    _holds -= 1
    if _holds == 0 and _resume:
        gc.enable()  # a collection that came due meanwhile runs at the next allocation
