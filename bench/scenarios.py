"""Benchmark scenarios on a (large) database. Each runs in its own fresh
interpreter so that its peak resident memory is its own:

    python -m bench.scenarios NAME DB_PATH     -> one JSON object on stdout

Scenarios: desks, import_candidates, forms, export_protocol.
"""
from __future__ import annotations

import asyncio
import json
import resource
import shutil
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

    return open_context(db, clerk="bench", today=lambda: TODAY)


def _exam_id(ctx, code: str) -> int:
    from sqlmodel import select

    from eksamen_tui.db.models import Course, Exam

    with ctx.read() as s:
        return s.exec(select(Exam.id).join(Course, Course.id == Exam.course_id).where(Course.code == code)).first()


async def _desks(db: str) -> dict:
    """Time from asking a desk for the 2,000-candidate exam to a drawn, usable table."""
    from eksamen_tui.app import EksamenApp
    from textual.widgets import DataTable

    ctx = _context(db)
    exam_id = _exam_id(ctx, "BENCH2000")
    result = {}
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(160, 45)) as pilot:
        start = time.perf_counter()
        while not app.screen.query_one("#exams", DataTable).row_count:
            await asyncio.sleep(0.001)
        await pilot.pause()
        result["dashboard_ms"] = 1000 * (time.perf_counter() - start)
        for name, key in (("attendance", "f4"), ("grades", "f5"), ("papers", "f3")):
            await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
            start = time.perf_counter()
            app.screen.open_exam(exam_id)
            # usable: the exam is open with its first page drawn and keys are taken
            await asyncio.sleep(0)
            result[f"{name}_ms"] = 1000 * (time.perf_counter() - start)
            table = getattr(app.screen, "query_one")("EntryTable") if name != "papers" else None
            if table is not None:
                while not table.fully_loaded:  # the rest of the 2,000 rows arrive in chunks
                    await asyncio.sleep(0.001)
                result[f"{name}_all_rows_ms"] = 1000 * (time.perf_counter() - start)
        for name, key, table_id in (("appeals", "f6", "#cases"), ("commissions", "f7", "#exams")):
            start = time.perf_counter()
            app.action_desk(name)  # what the desk's function key does
            # usable: the desk is on screen and its list is loaded (first page drawn)
            while not type(app.screen).__name__.lower().startswith(name[:5]):
                await asyncio.sleep(0.001)
            await asyncio.sleep(0.01)
            await app.workers.wait_for_complete()
            await asyncio.sleep(0)
            del table_id
            result[f"{name}_ms"] = 1000 * (time.perf_counter() - start)
    return result


def desks(db: str) -> dict:
    return asyncio.run(_desks(db))


def import_candidates(db: str, rows: int = 10_000) -> dict:
    """Write a 10,000-row FS candidate list for upcoming exams, then import it."""
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
    name, db = argv[0], argv[1]
    result = SCENARIOS[name](db)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
