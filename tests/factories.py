"""Small builders for tests: a context on a temporary database and rows
inserted through the models (test set-up, not the code under test)."""
from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from eksamen_tui.db.models import Course, Exam, ExamPart, Registration, Student
from eksamen_tui.services.context import Context, open_context

TODAY = date(2026, 11, 23)


def make_context(tmp_path: Path, *, today: date = TODAY, clerk: str = "testbruker") -> Context:
    from tests.backend import ON_POSTGRES, db_target

    target = db_target(tmp_path)
    if not ON_POSTGRES and not Path(target).exists():
        copy_empty_database(Path(target))
    ctx = open_context(target, clerk=clerk, today=lambda: today)
    ctx.clock = lambda: datetime.combine(today, time(10, 0))
    return ctx


_templates: dict[str, Path] = {}


def _template(name: str, build) -> Path:
    """A SQLite file built once per test process by `build(path)` (kept in a
    private temporary folder until the process ends); copies of it are fresh
    databases for each test."""
    if name not in _templates:
        import atexit
        import shutil
        import sqlite3
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="eksamen-tui-test-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / name
        build(path)  # leaves no connection open
        conn = sqlite3.connect(path)  # the whole database in the one file (no -wal beside it)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        _templates[name] = path
    return _templates[name]


def _copy(template: Path, target: Path) -> Path:
    import os
    import shutil

    shutil.copyfile(template, target)
    os.chmod(target, 0o600)  # as eksamen-tui creates a database file
    return target


def copy_empty_database(target: Path) -> Path:
    """An empty database at the newest schema at `target` (SQLite), as
    open_context makes one, copied from a file migrated once per process:
    migrating takes ~60 ms of CPU, a copy well under 1 ms."""
    def build(path: Path) -> None:
        open_context(str(path), clerk="testbruker").engine.dispose()

    return _copy(_template("empty.db", build), target)


def copy_demo_database(target: Path, *, today: date = TODAY) -> Path:
    """The demo database of `today` at `target` (SQLite), copied from one
    built once per process (write_demo_database is deterministic per day)."""
    from eksamen_tui.services.demo import write_demo_database

    return _copy(_template(f"demo-{today.isoformat()}.db", lambda path: write_demo_database(path, today=today)),
                 target)


def as_clerk(ctx: Context, clerk: str = "kontrollør") -> Context:
    """The same database and clock with another clerk at the counter (the
    control of a grade is by another clerk than its first entry)."""
    from dataclasses import replace

    return replace(ctx, clerk=clerk)


def add_exam(
    ctx: Context,
    *,
    code: str = "TDT4100",
    name: str = "Objektorientert programmering",
    exam_date: date = date(2026, 12, 10),
    exam_form: str = "Skoleeksamen",
    grade_scale: str = "letter",
    candidates: int = 0,
    first_candidate: int = 101,
    language_forms: tuple[str, ...] = ("bokmål",),
    accommodations: dict[int, str] | None = None,
    parts: list[tuple[str, int]] | None = None,
) -> Exam:
    """An exam with `candidates` registrations numbered from `first_candidate`
    (student numbers 500001...). Returns the exam (ids filled in)."""
    accommodations = accommodations or {}
    with ctx.write() as s:
        course = s.exec(Course.__table__.select().where(Course.code == code)).first()
        if course is None:
            course_row = Course(code=code, name=name, department="IDI")
            s.add(course_row)
            s.flush()
            course_id = course_row.id
        else:
            course_id = course.id
        exam = Exam(
            course_id=course_id,
            semester="2026H",
            exam_form=exam_form,
            exam_date=exam_date,
            start_time=time(9, 0),
            duration_minutes=240,
            grade_scale=grade_scale,
            campus="Gløshaugen",
            rooms="R1, R2",
        )
        s.add(exam)
        s.flush()
        for index, (part_name, weight) in enumerate(parts or []):
            s.add(ExamPart(exam_id=exam.id, name=part_name, weight=weight, exam_form=exam_form,
                           exam_date=exam_date, grade_scale=grade_scale))
        for i in range(candidates):
            number = f"{500001 + i + exam.id * 1000}"
            student = s.exec(Student.__table__.select().where(Student.student_number == number)).first()
            if student is None:
                student_row = Student(student_number=number, name=f"Student Nummer{i + 1}")
                s.add(student_row)
                s.flush()
                student_id = student_row.id
            else:
                student_id = student.id
            s.add(
                Registration(
                    exam_id=exam.id,
                    student_id=student_id,
                    candidate_number=first_candidate + i,
                    language_form=language_forms[i % len(language_forms)],
                    accommodations=accommodations.get(first_candidate + i, ""),
                )
            )
        s.flush()
        s.refresh(exam)
    return exam


def write_candidate_sheet(path, rows) -> str:
    """A candidate list (.xlsx) with the import's headers and `rows`."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Emnekode", "Eksamensdato", "Studentnr", "Kandidatnr", "Navn", "Målform"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)
