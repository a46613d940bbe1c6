"""Benchmark scenarios on a (large) database. Each runs in its own fresh
interpreter so that its peak resident memory is its own:

    python -m bench.scenarios NAME DB_PATH [OPENINGS]    -> one JSON object on stdout

Peak memory is the scenario's own process (RUSAGE_SELF), never the
generator's or another scenario's.

Scenarios: desks, import_candidates, forms, export_protocol.
"""
from __future__ import annotations

import asyncio
import json
import math
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 23)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _context(db: str):
    from eksamen_tui.services.context import open_context

    return open_context(db, clerk="bench", today=lambda: TODAY, background_checkpoints=True)


def _exam_id(ctx, code: str) -> int:
    from sqlmodel import select

    from eksamen_tui.db.models import Course, Exam

    with ctx.read() as s:
        return s.exec(select(Exam.id).join(Course, Course.id == Exam.course_id).where(Course.code == code)).first()


DESK_ORDER = ("papers", "attendance", "grades", "appeals", "commissions", "after")
OPENINGS = 20


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


async def _frame(app) -> None:
    """Wait until the screen has been refreshed (a frame drawn) after now."""
    drawn = asyncio.get_running_loop().create_future()
    app.screen.call_after_refresh(lambda: drawn.done() or drawn.set_result(None))
    await drawn


def _busy(app) -> bool:
    """A worker other than the change poll is still loading something."""
    return any(worker.is_running and worker.group != "changes" for worker in app.workers)


def _shows(screen, code: str) -> bool:
    """The desk names the exam: in its header (opened), or on its message
    line (e.g. the commission desk: not in its list of current exams)."""
    from textual.widgets import Static

    return code in screen.sub_title or code in str(screen.query_one("#message", Static).render())


async def _until(predicate, what: str = "", timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"never happened: {what}")
        await asyncio.sleep(0.0005)


async def _desks(db: str, openings: int = OPENINGS) -> dict:
    """On the 2,000-candidate exam, for each desk that opens an exam:
    - first visit (after the app's warm-up, see below): from the desk's
      function-key action to its first frame
      (and to its list loaded, when it loads one in a worker);
    - opening: from `open_desk(desk, exam)` (what the dashboard's Enter and
      the exam picker lead to) to the first frame showing the exam with no
      loading worker left, `openings` times: median and p95;
    - switching between visited desks: action to first frame, p95.
    """
    from eksamen_tui.app import EksamenApp
    ctx = _context(db)
    code = "BENCH2000"
    exam_id = _exam_id(ctx, code)
    result: dict = {"openings": openings}
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        start = time.perf_counter()
        await _until(lambda: getattr(app.screen, "_counts", None) is not None and not _busy(app))
        await _frame(app)
        result["dashboard_loaded_in_app_ms"] = 1000 * (time.perf_counter() - start)
        # the app reads the desks' modules and styles once the dashboard is in,
        # then settles the garbage collector (EksamenApp.warm_desks): first
        # visits are measured after that, as a clerk a moment after start
        await _until(lambda: app.warmed_up, "the app's warm-up after start")
        result["warm_up_after_dashboard_ms"] = 1000 * (time.perf_counter() - start) - result[
            "dashboard_loaded_in_app_ms"]
        for name in DESK_ORDER:
            start = time.perf_counter()
            app.action_desk(name)  # what the desk's function key does
            await _until(lambda: app.current_mode == name and app.screen.is_current
                         and getattr(app.screen, "_ready_done", False))
            await _frame(app)
            result[f"first_visit_{name}_ms"] = 1000 * (time.perf_counter() - start)
            await _until(lambda: not _busy(app))
            await _frame(app)
            result[f"first_visit_{name}_with_data_ms"] = 1000 * (time.perf_counter() - start)
            times = []
            for _ in range(openings):
                screen = app.screen
                screen.sub_title = ""
                screen._say("")
                await _frame(app)
                start = time.perf_counter()
                app.open_desk(name, exam_id)
                await _until(lambda: _shows(screen, code) and not _busy(app),
                             f"{name} shows {code} (it shows «{screen.sub_title}»)")
                await _frame(app)
                times.append(1000 * (time.perf_counter() - start))
            result[f"open_{name}_p95_ms"] = p95(times)
            result[f"open_{name}_median_ms"] = statistics.median(times)
        switches = []
        cycle = ("dashboard",) + DESK_ORDER
        for i in range(max(openings, len(cycle))):
            name = cycle[(i + 1) % len(cycle)]
            start = time.perf_counter()
            app.action_desk(name)
            await _until(lambda: app.current_mode == name and app.screen.is_current)
            await _frame(app)
            switches.append(1000 * (time.perf_counter() - start))
            await _until(lambda: not _busy(app))  # what the desk reloads on resume, before the next switch
        result["switch_visited_p95_ms"] = p95(switches)
        result["switch_visited_median_ms"] = statistics.median(switches)
        result["first_visit_max_ms"] = max(result[f"first_visit_{name}_ms"] for name in DESK_ORDER)
        result["open_p95_max_ms"] = max(result[f"open_{name}_p95_ms"] for name in DESK_ORDER)
        del pilot
    return result


def desks(db: str, openings: str = str(OPENINGS)) -> dict:
    return asyncio.run(_desks(db, int(openings)))


def import_candidates(db: str, rows: int | str = 10_000) -> dict:
    """Write a 10,000-row FS candidate list for upcoming exams, then import it."""
    rows = int(rows)
    from openpyxl import Workbook
    from sqlmodel import select

    from eksamen_tui.db.models import Course, Exam
    from eksamen_tui.services.candidate_import import apply_import, plan_import

    work = Path(tempfile.mkdtemp())
    copy = work / "db.sqlite"
    shutil.copy(db, copy)
    ctx = _context(str(copy))
    with ctx.read() as s:
        exams = s.exec(select(Course.code, Exam.exam_date).join(Course, Course.id == Exam.course_id)
                       .where(Exam.exam_form == "Skoleeksamen")
                       .order_by(Exam.exam_date.desc(), Course.code)).all()
    by_key: dict = {}
    for code, day in exams:
        by_key.setdefault((code, day), None)
    exams = list(by_key)[:20]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kandidater")
    sheet.append(["Emnekode", "Eksamensdato", "Studentnr", "Kandidatnr", "Navn", "Målform"])
    for i in range(rows):
        code, day = exams[i % len(exams)]
        sheet.append([code, day.strftime("%d.%m.%Y"), str(900000 + i), 60000 + i, f"Ny Student {i}", "bokmål"])
    path = work / "kandidatliste.xlsx"
    workbook.save(path)
    start = time.perf_counter()
    plan = plan_import(ctx, path)
    parsed = time.perf_counter()
    result = apply_import(ctx, plan)
    done = time.perf_counter()
    return {"rows": rows, "imported": result.registrations, "read_and_check_s": parsed - start,
            "write_s": done - parsed, "total_s": done - start}


def forms(db: str, count: int = 200) -> dict:
    """Export 200 filled forms into a folder, then import the folder."""
    from eksamen_tui.services.commission_forms import export_forms, import_path, select_exams

    work = Path(tempfile.mkdtemp())
    copy = work / "db.sqlite"
    shutil.copy(db, copy)
    ctx = _context(str(copy))
    exam_ids = select_exams(ctx, date_from=date(2026, 11, 1), date_to=date(2026, 12, 31))[:count]
    folder = work / "skjema"
    start = time.perf_counter()
    written = export_forms(ctx, exam_ids, folder)
    exported = time.perf_counter()
    results = import_path(ctx, folder)
    done = time.perf_counter()
    return {"forms": len(written), "imported_ok": sum(r.ok for r in results), "export_s": exported - start,
            "import_s": done - exported}


def export_protocol(db: str) -> dict:
    from eksamen_tui.services.protocol_export import export_protocol as export

    ctx = _context(db)
    exam_id = _exam_id(ctx, "BENCH10K")
    path = Path(tempfile.mkdtemp()) / "protokoll.xlsx"
    start = time.perf_counter()
    export(ctx, exam_id, path)
    elapsed = time.perf_counter() - start
    from openpyxl import load_workbook

    rows = sum(1 for _ in load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    return {"rows_in_sheet": rows, "total_s": elapsed}


SCENARIOS = {"desks": desks, "import_candidates": import_candidates, "forms": forms,
             "export_protocol": export_protocol}


def main(argv: list[str] | None = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    name, db, *extra = argv
    result = SCENARIOS[name](db, *extra)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
