"""Many clerks: 1, 4 and 8 clerk processes entering grades at full speed on
one database, on SQLite and on PostgreSQL.

    python -m bench.bench_clerks [--clerks 1 4 8] [--entries 425] [--pg URL] [--json] [--smoke]

Each clerk is a process of its own (its own engine and connections) that
waits at a common start time (a barrier) and then calls the grade desk's
service, `grades.enter_grade(..., seen=None)`, as fast as it can:

- own:  every clerk grades its own exam (counters at work side by side):
        measures throughput and latency under write-lock contention.
- same: every clerk goes through the SAME candidates from a different
        starting point (the worst case: all enter every grade): the first
        write wins, the rest must be refused naming the other clerk.

Reported per backend, mode and clerk count: entries written per second
(wall time from the barrier to the last clerk done), p95 and max latency of
one call, refusals (ChangedMeanwhile, DatabaseBusy), unexpected errors, and
a check of the result (one current grade per candidate, none lost).
PostgreSQL runs in a schema of its own (created and dropped here) on --pg
(default $EKSAMEN_TEST_DB or postgresql+psycopg://postgres@127.0.0.1:5432/test),
and is skipped, saying so, when the server does not answer.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LETTERS = "ABCDE"


# --- set-up -------------------------------------------------------------------

def prepare(target: str, exams: int, candidates: int) -> list[tuple[int, list[int]]]:
    """`exams` exams with `candidates` attended candidates each; returns
    (exam id, candidate numbers) per exam."""
    from eksamen_tui.db.models import Course, Exam, Registration, Student
    from eksamen_tui.services.context import open_context

    ctx = open_context(target, clerk="oppsett", today=lambda: TODAY)
    result = []
    with ctx.write() as s:
        course = Course(code="KLERK100", name="Mange skranker", department="Bench")
        s.add(course)
        s.flush()
        for e in range(exams):
            exam = Exam(course_id=course.id, semester="2026H", exam_form="Skoleeksamen",
                        exam_date=date(2026, 11, 10 + e % 10), grade_scale="letter")
            s.add(exam)
            s.flush()
            students = [Student(student_number=str(600000 + e * 10000 + i), name=f"Student {e}-{i}")
                        for i in range(candidates)]
            s.add_all(students)
            s.flush()
            numbers = [1000 + i for i in range(candidates)]
            s.add_all([Registration(exam_id=exam.id, student_id=student.id, candidate_number=number,
                                    attendance_state="attended")
                       for student, number in zip(students, numbers)])
            result.append((exam.id, numbers))
    ctx.engine.dispose()
    return result


def check(target: str, exam_ids: list[int]) -> dict:
    """Current grades per candidate on the exams: none doubled, count."""
    from sqlalchemy import text

    from eksamen_tui.services.context import open_context

    ctx = open_context(target, clerk="kontroll", today=lambda: TODAY)
    with ctx.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT g.registration_id, COUNT(*) FROM grade g JOIN registration r ON r.id = g.registration_id "
            "WHERE g.is_current AND r.exam_id IN (" + ",".join(str(i) for i in exam_ids) + ") "
            "GROUP BY g.registration_id")).all()
    ctx.engine.dispose()
    return {"candidates_graded": len(rows), "doubled": sum(1 for _, n in rows if n > 1)}


# --- one clerk ------------------------------------------------------------------

def clerk_main(target: str, index: int, exam_id: int, numbers: list[int], start_at: float) -> dict:
    from eksamen_tui.db.errors import DatabaseBusy
    from eksamen_tui.domain.errors import ChangedMeanwhile, DomainError
    from eksamen_tui.services import grades
    from eksamen_tui.services.context import open_context

    ctx = open_context(target, clerk=f"klerk{index}", today=lambda: TODAY, background_checkpoints=True)
    grades.protocol_info(ctx, exam_id)  # warm: imports, connection, statement cache
    latencies: list[float] = []
    outcome = {"written": 0, "changed_meanwhile": 0, "busy": 0, "other_refusals": 0, "errors": 0,
               "locked": 0, "error_samples": []}
    time.sleep(max(0.0, start_at - time.time()))
    began = time.time()
    for i, number in enumerate(numbers):
        value = LETTERS[(index + i) % len(LETTERS)]
        t0 = time.perf_counter()
        try:
            grades.enter_grade(ctx, exam_id, number, value, seen=None)
            outcome["written"] += 1
        except ChangedMeanwhile as error:
            outcome["changed_meanwhile"] += 1
            if "klerk" not in str(error):
                outcome["error_samples"].append(f"refusal without the other clerk: {error}")
        except DatabaseBusy:
            outcome["busy"] += 1
        except DomainError:
            outcome["other_refusals"] += 1
        except Exception as error:  # an escaped exception: the figure that must be 0
            outcome["errors"] += 1
            outcome["locked"] += "locked" in str(error).lower()
            if len(outcome["error_samples"]) < 3:
                outcome["error_samples"].append(f"{type(error).__name__}: {str(error)[:200]}")
        latencies.append((time.perf_counter() - t0) * 1000)
    outcome.update(began=began, ended=time.time(), latencies_ms=latencies)
    ctx.close()
    return outcome


# --- one run: N clerks at once ---------------------------------------------------

def run_once(target: str, clerks: int, entries: int, mode: str) -> dict:
    if mode == "own":
        exams = prepare(target, clerks, entries)
        plans = [(exams[i][0], exams[i][1]) for i in range(clerks)]
    else:
        (exam_id, numbers), = prepare(target, 1, entries)
        plans = []
        for i in range(clerks):
            offset = i * entries // clerks
            plans.append((exam_id, numbers[offset:] + numbers[:offset]))
    start_at = time.time() + 3.0 + 0.3 * clerks  # after every interpreter has started and warmed up
    procs = []
    for i, (exam_id, numbers) in enumerate(plans):
        job = json.dumps({"target": target, "index": i + 1, "exam_id": exam_id, "numbers": numbers,
                          "start_at": start_at})
        procs.append(subprocess.Popen([sys.executable, "-m", "bench.bench_clerks", "--child", job],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT))
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"a clerk process failed:\n{err[-2000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    latencies = sorted(x for r in results for x in r["latencies_ms"])
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    late = max(r["began"] for r in results) - min(r["began"] for r in results)
    written = sum(r["written"] for r in results)
    exam_ids = sorted({exam_id for exam_id, _ in plans})
    result = check(target, exam_ids)
    expected = entries * (clerks if mode == "own" else 1)
    figures = {
        "clerks": clerks, "mode": mode, "calls": len(latencies), "written": written,
        "entries_per_second": written / wall if wall else 0.0,
        "calls_per_second": len(latencies) / wall if wall else 0.0,
        "p50_ms": latencies[len(latencies) // 2], "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
        "max_ms": latencies[-1], "wall_s": wall, "start_spread_s": late,
        "refused_changed_meanwhile": sum(r["changed_meanwhile"] for r in results),
        "refused_busy": sum(r["busy"] for r in results),
        "other_refusals": sum(r["other_refusals"] for r in results),
        "escaped_errors": sum(r["errors"] for r in results),
        "locked_errors": sum(r["locked"] for r in results),
        "lost": expected - result["candidates_graded"], "doubled": result["doubled"],
        "error_samples": [s for r in results for s in r["error_samples"]][:3],
    }
    return figures


# --- backends -------------------------------------------------------------------

def pg_reachable(url: str) -> str | None:
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, password=u.password,
                             dbname=u.database, connect_timeout=3):
            return None
    except Exception as error:
        return (str(error).strip().splitlines() or [type(error).__name__])[0]


class Backend:
    def __init__(self, name: str, pg_url: str | None = None) -> None:
        self.name = name
        self.pg_url = pg_url
        self.folder = Path(tempfile.mkdtemp(prefix="clerks-"))
        self.count = 0
        self.schemas: list[str] = []

    def fresh(self) -> str:
        self.count += 1
        if self.name == "sqlite":
            return str(self.folder / f"clerks{self.count}.db")
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        schema = f"bench_clerks_{os.getpid()}_{self.count}"
        admin = create_engine(self.pg_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        self.schemas.append(schema)
        separator = "&" if "?" in self.pg_url else "?"
        return f"{self.pg_url}{separator}options={quote(f'-csearch_path={schema}')}"

    def cleanup(self) -> None:
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)
        if self.schemas:
            from sqlalchemy import create_engine, text
            from sqlalchemy.pool import NullPool

            admin = create_engine(self.pg_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                for schema in self.schemas:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def run(clerk_counts: list[int], entries: int, modes: list[str], pg_url: str | None,
        backends: list[str]) -> dict:
    figures: dict = {"entries_per_clerk": entries, "runs": [], "skipped": {}}
    for name in backends:
        if name == "postgresql":
            reason = pg_reachable(pg_url)
            if reason:
                figures["skipped"]["postgresql"] = f"not reachable at {pg_url.split('@')[-1]}: {reason}"
                continue
        backend = Backend(name, pg_url if name == "postgresql" else None)
        try:
            for mode in modes:
                for clerks in clerk_counts:
                    run = run_once(backend.fresh(), clerks, entries, mode)
                    run["backend"] = name
                    figures["runs"].append(run)
        finally:
            backend.cleanup()
    return figures


def report(figures: dict) -> str:
    lines = [f"many clerks: {figures['entries_per_clerk']} grade entries per clerk "
             "(own: each clerk its own exam; same: all clerks the same candidates)",
             f"{'backend':<11}{'mode':<6}{'clerks':>6}{'calls/s':>9}{'written/s':>11}{'p95 ms':>9}{'max ms':>9}"
             f"{'refused':>9}{'busy':>6}{'errors':>8}{'lost':>6}{'doubled':>8}"]
    for r in figures["runs"]:
        lines.append(f"{r['backend']:<11}{r['mode']:<6}{r['clerks']:>6}{r['calls_per_second']:>9.0f}"
                     f"{r['entries_per_second']:>11.0f}"
                     f"{r['p95_ms']:>9.1f}{r['max_ms']:>9.1f}{r['refused_changed_meanwhile']:>9}"
                     f"{r['refused_busy']:>6}{r['escaped_errors']:>8}{r['lost']:>6}{r['doubled']:>8}")
        for sample in r["error_samples"]:
            lines.append(f"    {sample}")
    for name, reason in figures["skipped"].items():
        lines.append(f"{name}: NOT RUN ({reason})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--clerks", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--entries", type=int, default=425, help="grade entries per clerk (4 × 425 = 1,700)")
    parser.add_argument("--modes", nargs="+", default=["own", "same"], choices=["own", "same"])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--pg", default=os.environ.get("EKSAMEN_TEST_DB") or DEFAULT_PG)
    parser.add_argument("--smoke", action="store_true", help="2 clerks on the same candidates, 20 entries, SQLite")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        job = json.loads(args.child)
        print(json.dumps(clerk_main(job["target"], job["index"], job["exam_id"], job["numbers"], job["start_at"])))
        return 0
    if args.smoke:
        args.clerks, args.entries, args.backends, args.modes = [2], 20, ["sqlite"], ["same"]
    figures = run(args.clerks, args.entries, args.modes, args.pg, args.backends)
    if args.json:
        for r in figures["runs"]:
            r.pop("error_samples", None) if not r["error_samples"] else None
        print(json.dumps(figures, default=str))
    else:
        print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
