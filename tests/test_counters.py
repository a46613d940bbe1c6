"""Several counters at once: real processes on one database, started
together by a barrier. No "database is locked", no lost or doubled grade,
no silent overwrite, and every refusal names the other clerk."""
from __future__ import annotations

import multiprocessing
import random
import traceback
from collections import defaultdict
from datetime import date

import pytest
from sqlmodel import func, select

from eksamen_tui.db.models import AuditEntry, Grade, Registration
from eksamen_tui.domain.errors import ChangedMeanwhile
from tests.factories import TODAY, add_exam

DAY = date(2026, 11, 12)
CLERKS = ("kari", "ola", "per", "siri")
CANDIDATES = 40
GRADES = "ABCDEF"


def _db_target(ctx) -> str:
    url = ctx.engine.url
    return str(url.database) if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=False)


def _clerk_context(target: str, clerk: str):
    from eksamen_tui.services.context import open_context

    return open_context(target, clerk=clerk, today=lambda: TODAY)


def _grade_clerk(target, clerk, exam_id, barrier, results, rounds):
    """A clerk at the grade desk: a screen (what was last read), grades typed
    over it, refusals shown and the row updated to the stored value."""
    from eksamen_tui.services import grades

    outcome = {"clerk": clerk, "written": 0, "unchanged": 0, "refusals": [], "errors": []}
    try:
        ctx = _clerk_context(target, clerk)
        screen = {row.candidate_number: row.grade for row in grades.protocol(ctx, exam_id)}
        rng = random.Random(clerk)
        barrier.wait(timeout=30)
        for _ in range(rounds):
            numbers = list(screen)
            rng.shuffle(numbers)
            for number in numbers:
                try:
                    entry = grades.enter_grade(ctx, exam_id, number, rng.choice(GRADES), seen=screen[number])
                    screen[number] = entry.new_value
                    # (the grade it already had, typed again, writes nothing)
                    outcome["written" if entry.old_value != entry.new_value else "unchanged"] += 1
                except ChangedMeanwhile as refusal:
                    outcome["refusals"].append((str(refusal), refusal.by))
                    screen[number] = refusal.current  # the desk shows the stored value
                except Exception as error:  # "database is locked" and everything else
                    outcome["errors"].append(f"{type(error).__name__}: {error}")
    except Exception:
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


def _control_clerk(target, clerk, exam_id, barrier, results, first):
    from eksamen_tui.services import grades

    outcome = {"clerk": clerk, "written": 0, "refusals": [], "errors": []}
    try:
        ctx = _clerk_context(target, clerk)
        barrier.wait(timeout=30)
        for number, value in first.items():
            try:
                grades.control_grade(ctx, exam_id, number, value, seen=value)
                outcome["written"] += 1
            except ChangedMeanwhile as refusal:
                outcome["refusals"].append((str(refusal), refusal.by))
            except Exception as error:
                outcome["errors"].append(f"{type(error).__name__}: {error}")
    except Exception:
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


def _rest_attended_clerk(target, clerk, exam_id, barrier, results):
    from eksamen_tui.services import attendance

    outcome = {"clerk": clerk, "written": 0, "refusals": [], "errors": []}
    try:
        ctx = _clerk_context(target, clerk)
        barrier.wait(timeout=30)
        outcome["written"] = len(attendance.mark_unmarked_attended(ctx, exam_id))
    except Exception:
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


def _run_clerks(ctx, target_function, *args) -> list[dict]:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    mp = multiprocessing.get_context(method)
    barrier, results = mp.Barrier(len(CLERKS)), mp.Queue()
    ctx.engine.dispose()  # no pooled connection crosses the fork
    processes = [mp.Process(target=target_function, args=(_db_target(ctx), clerk, *args[:1], barrier, results,
                                                          *args[1:]))
                 for clerk in CLERKS]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=10)
    return outcomes


def _assert_clean(outcomes) -> None:
    errors = [error for outcome in outcomes for error in outcome["errors"]]
    assert errors == [], errors[:3]
    for outcome in outcomes:
        for message, by in outcome["refusals"]:
            assert by in CLERKS and by != outcome["clerk"], message
            assert f" av {by} " in message, message


def test_four_clerks_grading_the_same_candidates(ctx):
    exam = add_exam(ctx, exam_date=DAY, candidates=CANDIDATES, first_candidate=1)
    from eksamen_tui.services.attendance import mark_unmarked_attended

    mark_unmarked_attended(ctx, exam.id)
    outcomes = _run_clerks(ctx, _grade_clerk, exam.id, 3)
    _assert_clean(outcomes)
    written = sum(outcome["written"] for outcome in outcomes)
    unchanged = sum(outcome["unchanged"] for outcome in outcomes)
    refused = sum(len(outcome["refusals"]) for outcome in outcomes)
    assert written + unchanged + refused == len(CLERKS) * CANDIDATES * 3
    assert refused > 0  # they did collide
    with ctx.read() as s:
        current = s.exec(select(Grade.registration_id, func.count()).join(Registration)
                         .where(Registration.exam_id == exam.id, Grade.is_current == True)  # noqa: E712
                         .group_by(Grade.registration_id)).all()
        assert len(current) == CANDIDATES and {count for _, count in current} == {1}  # none lost, none doubled
        grades_by_id = {g.id: g for g in s.exec(select(Grade).join(Registration)
                                                .where(Registration.exam_id == exam.id)).all()}
        trail = s.exec(select(AuditEntry).where(AuditEntry.entity == "grade", AuditEntry.field == "value",
                                                AuditEntry.entity_id.in_(list(grades_by_id)))
                       .order_by(AuditEntry.id)).all()
    assert len(trail) == written  # every accepted write audited once
    # no silent overwrite: each write replaced exactly the value the one before it left
    chains = defaultdict(list)
    for entry in trail:
        chains[entry.entity_id].append(entry)
    for grade_id, entries in chains.items():
        previous = None
        for entry in entries:
            assert entry.old_value == previous, (grade_id, [(e.clerk, e.old_value, e.new_value) for e in entries])
            previous = entry.new_value
        assert grades_by_id[grade_id].value == previous


def test_four_clerks_controlling_and_marking_the_rest_attended_at_once(ctx):
    from eksamen_tui.services import attendance, grades

    exam = add_exam(ctx, exam_date=DAY, candidates=CANDIDATES, first_candidate=1)
    outcomes = _run_clerks(ctx, _rest_attended_clerk, exam.id)
    _assert_clean(outcomes)
    assert sum(outcome["written"] for outcome in outcomes) == CANDIDATES  # 40 changes for 40 candidates, not 80+
    with ctx.read() as s:
        assert s.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.field == "attendance_state")).one() == CANDIDATES
    first = {}
    for number in range(1, CANDIDATES + 1):
        first[number] = GRADES[number % 6]
        grades.enter_grade(ctx, exam.id, number, first[number], seen=None)
    outcomes = _run_clerks(ctx, _control_clerk, exam.id, first)
    _assert_clean(outcomes)
    assert sum(outcome["written"] for outcome in outcomes) == CANDIDATES  # each control pass applied once
    assert sum(len(outcome["refusals"]) for outcome in outcomes) == CANDIDATES * (len(CLERKS) - 1)
    with ctx.read() as s:
        assert s.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.reason_code == "control")).one() == CANDIDATES
    assert all(row.status == "controlled" for row in grades.protocol(ctx, exam.id))
    assert attendance  # imported for the set-up above
