"""Grade entry throughput and handler latency through the app's own key
handling: key events are posted to the running app (no test-harness sleeps
between keys); each grade is committed to the database by its handler.

    python -m bench.bench_grade_entry [--entries 1000] [--db PATH] [--json] [--smoke]

Without --db a demo database is generated with one exam large enough.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 23)


def prepare_database(path: Path, entries: int) -> tuple[str, int]:
    """A demo database plus one exam with `entries` attended candidates."""
    from eksamen_tui.db.models import Course, Exam, Registration, Student
    from eksamen_tui.services.context import open_context
    from eksamen_tui.services.demo import write_demo_database
    from sqlalchemy import insert

    write_demo_database(path, today=TODAY)
    ctx = open_context(str(path), clerk="bench", today=lambda: TODAY)
    with ctx.write() as s:
        course = Course(code="BENCH100", name="Benchmark")
        s.add(course)
        s.flush()
        exam = Exam(course_id=course.id, semester="2026H", exam_form="Skoleeksamen", exam_date=date(2026, 11, 10))
        s.add(exam)
        s.flush()
        s.execute(insert(Student.__table__), [{"student_number": str(900000 + i), "name": f"B {i}"} for i in range(entries)])
        ids = dict(s.exec(__import__("sqlmodel").select(Student.student_number, Student.id)
                          .where(Student.student_number >= "900000")).all())
        s.execute(insert(Registration.__table__), [
            {"exam_id": exam.id, "student_id": ids[str(900000 + i)], "candidate_number": 10000 + i,
             "attempt_number": 1, "language_form": "bokmål", "accommodations": "", "attendance_state": "attended"}
            for i in range(entries)])
        exam_id = exam.id
    ctx.engine.dispose()
    return "BENCH100", exam_id


async def run_entries(db: Path, exam_id: int, entries: int) -> dict:
    from textual import events

    from eksamen_tui.app import EksamenApp
    from eksamen_tui.services.context import open_context
    from screens.grades import GradesScreen

    latencies: list[float] = []
    original = GradesScreen._grade  # the handler's work (action_grade then yields to the screen)

    def timed(self, key):
        start = time.perf_counter()
        original(self, key)
        latencies.append(time.perf_counter() - start)

    GradesScreen._grade = timed
    try:
        ctx = open_context(str(db), clerk="bench", today=lambda: TODAY, background_checkpoints=True)
        app = EksamenApp(ctx=ctx)
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            await pilot.press("f5")
            await pilot.pause()
            screen = app.screen
            screen.open_exam(exam_id)
            await pilot.pause()
            # every row in the table before the burst (a table that fills in chunks
            # after refreshes would leave the cursor at its last row meanwhile)
            table = screen.query_one("#protocol")
            while not getattr(table, "fully_loaded", True):
                await asyncio.sleep(0.01)
            keys = "abcdef"
            start, cpu = time.perf_counter(), time.process_time()
            for i in range(entries):
                key = keys[i % 6]
                app.post_message(events.Key(key, key))
            while len(latencies) < entries:
                await asyncio.sleep(0.001)
            elapsed = time.perf_counter() - start
            cpu = time.process_time() - cpu
            entered = sum(1 for row in screen._rows.values() if row.grade)
    finally:
        GradesScreen._grade = original
    latencies.sort()
    return {
        "entries": entries,
        "entered_in_database": entered,
        "seconds": elapsed,
        "entries_per_second": entries / elapsed,
        "cpu_ms_per_entry": 1000 * cpu / entries,  # the process's CPU over the burst: less load-dependent
        "p50_handler_ms": 1000 * statistics.median(latencies),
        "p95_handler_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "max_handler_ms": 1000 * latencies[-1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="a few entries, to check the script works")
    parser.add_argument("--db", type=Path, help="use (a copy of) this database instead of a fresh demo one")
    parser.add_argument("--exam-code", default="BENCH2000", help="with --db: the exam to enter grades on")
    args = parser.parse_args(argv)
    entries = 20 if args.smoke else args.entries
    folder = Path(tempfile.mkdtemp())
    db = folder / "bench.db"
    if args.db:
        import shutil

        from bench.scenarios import _context, _exam_id

        shutil.copy(args.db, db)  # entering grades changes the database
        exam_id = _exam_id(_context(str(db)), args.exam_code)
    else:
        _, exam_id = prepare_database(db, entries)
    result = asyncio.run(run_entries(db, exam_id, entries))
    import resource

    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{'grade entry (posted key events)':<36} {'value':>10}")
        for key, value in result.items():
            print(f"{key:<36} {value:>10.2f}" if isinstance(value, float) else f"{key:<36} {value:>10}")
    return 0 if result["entered_in_database"] == entries else 1


if __name__ == "__main__":
    sys.exit(main())
