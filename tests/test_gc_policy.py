"""The garbage collector's policy (eksamen_tui.gc_policy): tuned at start,
settled (collected and frozen) once per process."""
import gc

from eksamen_tui import gc_policy


def test_the_app_tunes_the_collector_when_it_is_made():
    from eksamen_tui.app import EksamenApp

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        EksamenApp()
        assert gc.get_threshold() == gc_policy.THRESHOLDS
    finally:
        gc.set_threshold(*before)


def test_settle_freezes_what_is_alive_once_and_only_once(monkeypatch):
    monkeypatch.setattr(gc_policy, "_settled", False)
    gc.unfreeze()
    try:
        gc_policy.settle()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        made_later = [[i] for i in range(1000)]  # container objects born after the freeze
        gc_policy.settle()
        assert gc.get_freeze_count() == frozen, "a second settle froze the newer objects too"
        assert made_later
    finally:
        gc.unfreeze()


def test_hold_pauses_collection_until_the_last_release():
    assert gc.isenabled()
    gc_policy.hold()
    gc_policy.hold()  # a second holder (another desk's burst)
    assert not gc.isenabled()
    gc_policy.release()
    assert not gc.isenabled(), "the first release let a collection in while still held"
    gc_policy.release()
    assert gc.isenabled()
    gc_policy.release()  # one too many: nothing to undo, nothing breaks
    assert gc.isenabled()


def test_hold_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        gc_policy.hold()
        gc_policy.release()
        assert not gc.isenabled()
    finally:
        gc.enable()
