"""Import of candidate lists shaped like an FS attendance list (.xlsx/.csv).

All-or-nothing: the whole file is read and checked first (`plan_import`);
only a file without errors is written, in one transaction with bulk
inserts (`apply_import`). Re-importing the same rows changes nothing.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from sqlalchemy import insert
from sqlmodel import select

from eksamen_tui.db.models import AuditEntry, Course, Exam, Registration, Student
from eksamen_tui.domain.plausibility import check_attempt_number
from eksamen_tui.excel.tabular import (
    FileProblems,
    Problem,
    clean_text,
    find_table,
    is_blank,
    open_workbook,
    parse_date,
    parse_int,
    slash_date_order,
)
from eksamen_tui.services import audit
from eksamen_tui.services.context import Context

SYNONYMS = {
    "course_code": ("emnekode", "emne", "emnekode emne", "fagkode", "course code", "course", "course id",
                    "subject code"),
    "exam_date": ("eksamensdato", "eksamendato", "dato", "vurderingsdato", "eksamen dato", "dato for eksamen",
                  "exam date", "date", "date of exam", "examination date"),
    "student_number": ("studentnr", "studentnummer", "student nr", "student no", "student number", "student id",
                       "studentid"),
    "candidate_number": ("kandidatnr", "kandidatnummer", "kand nr", "kandnr", "kandidat", "candidate number",
                         "candidate no", "candidate"),
    "name": ("navn", "namn", "student", "studentnavn", "studentnamn", "fullt navn", "fullt namn", "name",
             "full name", "student name"),
    "last_name": ("etternavn", "etternamn", "last name", "surname", "family name"),
    "first_name": ("fornavn", "fornamn", "førenamn", "first name", "given name"),
    "language_form": ("målform", "maalform", "malform", "språkform", "språk", "language", "language form"),
    "accommodations": ("tilrettelegging", "tilrettelegg", "tilrettelegging eksamen", "accommodations",
                       "accommodation", "special arrangements"),
    "attempt_number": ("forsøk", "forsok", "forsøksnummer", "forsøksnr", "attempt", "attempt number"),
}
REQUIRED = ("course_code", "exam_date", "student_number", "candidate_number")
LABELS = {"course_code": "Emnekode", "exam_date": "Eksamensdato", "student_number": "Studentnr",
          "candidate_number": "Kandidatnr", "name": "Navn"}
LANGUAGE_FORMS = {
    "bokmål": "bokmål", "bokmal": "bokmål", "bm": "bokmål", "b": "bokmål", "nb": "bokmål",
    "nynorsk": "nynorsk", "nn": "nynorsk", "n": "nynorsk",
    "engelsk": "engelsk", "en": "engelsk", "english": "engelsk", "e": "engelsk",
}
STUDENT_NUMBER = re.compile(r"\d{5,7}")
MAX_CANDIDATE_NUMBER = 99999  # six digits or more is a student number, not a candidate number


@dataclass
class PlannedRow:
    row: int
    exam_id: int
    student_number: str
    name: str
    candidate_number: int
    language_form: str
    accommodations: str
    attempt_number: int


@dataclass
class ExamSummary:
    label: str
    new: int = 0
    unchanged: int = 0


@dataclass
class ImportPlan:
    file: str
    rows_read: int
    new_registrations: list[PlannedRow] = field(default_factory=list)
    new_students: dict[str, str] = field(default_factory=dict)  # student number -> name
    per_exam: dict[int, ExamSummary] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return sum(s.unchanged for s in self.per_exam.values())


def plan_import(ctx: Context, path: Path, progress: Callable[[int, int], None] | None = None) -> ImportPlan:
    """Read and check every row; raise FileProblems listing all errors."""
    path = Path(path)
    book = open_workbook(path)
    sheet = book.sheet()
    table = find_table(path.name, sheet.name, sheet.rows, SYNONYMS, REQUIRED, is_csv=book.is_csv,
                       hidden_rows=sheet.hidden_rows, labels=LABELS)
    if "name" not in table.columns and not {"last_name", "first_name"} <= set(table.columns):
        raise FileProblems([Problem(path.name, "mangler kolonnen «Navn» (eller «Etternavn» og «Fornavn»)",
                                    sheet=sheet.name, row=table.header_row)])
    if not table.rows:
        raise FileProblems([Problem(path.name, "ingen kandidater under overskriftsraden", sheet=sheet.name,
                                    row=table.header_row)])
    (course_code_of, exam_date_of, student_number_of, candidate_number_of, name_of, first_name_of, last_name_of,
     language_form_of, attempt_number_of, accommodations_of) = (table.getter(column) for column in (
        "course_code", "exam_date", "student_number", "candidate_number", "name", "first_name", "last_name",
        "language_form", "attempt_number", "accommodations"))
    errors: list[Problem] = []
    plan = ImportPlan(file=path.name, rows_read=len(table.rows), warnings=list(table.warnings))
    slash_order, slash_problem = slash_date_order(exam_date_of(cells) for _, cells in table.rows)
    padded = _student_number_formats(book, table)
    wanted_length = ctx.profile.student_number_length
    short_numbers: list[int] = []

    def error(row: int, field_name: str, message: str) -> None:
        errors.append(Problem(message=message, **table.where(row, field_name)))

    with ctx.read() as s:
        courses = s.exec(select(Course.id, Course.code)).all()
        known_courses = {code.casefold() for _, code in courses}
        # only the exams of the courses the file names (not every exam of every year)
        named = {clean_text(course_code_of(cells)).casefold() for _, cells in table.rows}
        course_ids = [course_id for course_id, code in courses if code.casefold() in named]
        exams: dict[tuple[str, date], list[tuple[int, str]]] = defaultdict(list)
        for exam_id, code, exam_date, form in s.exec(
            select(Exam.id, Course.code, Exam.exam_date, Exam.exam_form).join(Course, Course.id == Exam.course_id)
            .where(Exam.course_id.in_(course_ids))
        ).all() if course_ids else []:
            exams[(code.casefold(), exam_date)].append((exam_id, f"{code} {form} {exam_date:%d.%m.%Y}"))

        parsed: list[PlannedRow] = []
        total = len(table.rows)
        for index, (row, cells) in enumerate(table.rows):
            if progress and index % 500 == 0:
                progress(index, total)
            code = clean_text(course_code_of(cells)).upper()
            try:
                exam_date = parse_date(exam_date_of(cells), date_1904=book.date_1904,
                                       slash_order=slash_order, slash_problem=slash_problem)
            except ValueError as problem:
                error(row, "exam_date", str(problem))
                continue
            if not code:
                error(row, "course_code", "emnekode mangler")
                continue
            if exam_date is None:
                error(row, "exam_date", "eksamensdato mangler")
                continue
            matches = exams.get((code.casefold(), exam_date), [])
            if not matches:
                if code.casefold() not in known_courses:
                    error(row, "course_code", f"ukjent emnekode «{code}»")
                else:
                    error(row, "exam_date", f"{code} har ingen eksamen {exam_date:%d.%m.%Y}")
                continue
            if len(matches) > 1:
                error(row, "exam_date", f"{code} har flere eksamener {exam_date:%d.%m.%Y}; del filen per eksamen")
                continue
            exam_id, label = matches[0]
            raw_student = student_number_of(cells)
            student_number = padded.get(row) or clean_text(raw_student)
            if isinstance(raw_student, float) and raw_student.is_integer() and row not in padded:
                student_number = str(int(raw_student))
            if not STUDENT_NUMBER.fullmatch(student_number):
                error(row, "student_number", f"«{student_number}» er ikke et studentnummer (5–7 sifre)")
                continue
            if len(student_number) < wanted_length:
                short_numbers.append(row)
            raw_candidate = candidate_number_of(cells)
            try:
                candidate = parse_int(raw_candidate)
            except ValueError as problem:
                error(row, "candidate_number", str(problem) if not is_blank(raw_candidate) else "kandidatnummer mangler")
                continue
            if candidate < 1 or candidate > MAX_CANDIDATE_NUMBER:
                error(row, "candidate_number",
                      f"{candidate} ligner et studentnummer, ikke et kandidatnummer (høyst 5 sifre)")
                continue
            if "name" in table.columns:
                name = clean_text(name_of(cells))
                if "," in name:  # "Etternavn, Fornavn" as FS prints it
                    last, first = (part.strip() for part in name.split(",", 1))
                    name = f"{first} {last}".strip()
                name_field = "name"
            else:
                name = f"{clean_text(first_name_of(cells))} {clean_text(last_name_of(cells))}".strip()
                name_field = "last_name"
            if not name:
                error(row, name_field, "navn mangler")
                continue
            language = clean_text(language_form_of(cells)).casefold() or "bokmål"
            if language not in LANGUAGE_FORMS:
                error(row, "language_form", f"ukjent målform «{language}» (bokmål, nynorsk eller engelsk)")
                continue
            attempt = 1
            if "attempt_number" in table.columns and not is_blank(attempt_number_of(cells)):
                try:
                    attempt = check_attempt_number(parse_int(attempt_number_of(cells)))
                except ValueError as problem:  # ValidationError is one too
                    error(row, "attempt_number", str(problem))
                    continue
            plan.per_exam.setdefault(exam_id, ExamSummary(label))
            parsed.append(PlannedRow(row, exam_id, student_number, name, candidate,
                                     LANGUAGE_FORMS[language], clean_text(accommodations_of(cells)), attempt))

        # duplicates inside the file
        seen_candidate: dict[tuple[int, int], PlannedRow] = {}
        seen_student: dict[tuple[int, str], PlannedRow] = {}
        for item in parsed:
            first = seen_candidate.setdefault((item.exam_id, item.candidate_number), item)
            if first is not item and first.student_number != item.student_number:
                error(item.row, "candidate_number",
                      f"kandidatnummer {item.candidate_number} står også på rad {first.row} for en annen student")
            first = seen_student.setdefault((item.exam_id, item.student_number), item)
            if first is not item and first.candidate_number != item.candidate_number:
                error(item.row, "student_number",
                      f"studentnummer {item.student_number} står også på rad {first.row} med et annet kandidatnummer")

        # against the database
        exam_ids = list(plan.per_exam)
        existing: dict[tuple[int, int], tuple[str, int]] = {}
        existing_by_student: dict[tuple[int, str], int] = {}
        for exam_id in exam_ids:
            for candidate, student_number in s.exec(
                select(Registration.candidate_number, Student.student_number)
                .join(Student, Student.id == Registration.student_id)
                .where(Registration.exam_id == exam_id)
            ).all():
                existing[(exam_id, candidate)] = (student_number, candidate)
                existing_by_student[(exam_id, student_number)] = candidate
        students = _students_by_number(s, {item.student_number for item in parsed}, Student.name)

    done: set[tuple[int, int]] = set()
    for item in parsed:
        key = (item.exam_id, item.candidate_number)
        if key in done:
            continue
        done.add(key)
        holder = existing.get(key)
        registered_as = existing_by_student.get((item.exam_id, item.student_number))
        if holder and holder[0] != item.student_number:
            error(item.row, "candidate_number",
                  f"kandidatnummer {item.candidate_number} er allerede gitt til en annen student på denne eksamenen")
            continue
        if registered_as is not None and registered_as != item.candidate_number:
            error(item.row, "candidate_number",
                  f"studenten er allerede meldt opp med kandidatnummer {registered_as}")
            continue
        if holder:
            plan.per_exam[item.exam_id].unchanged += 1
            continue
        known_name = students.get(item.student_number)
        if known_name is None:
            plan.new_students.setdefault(item.student_number, item.name)
        elif known_name.casefold() != item.name.casefold():
            plan.warnings.append(Problem(message=f"navnet «{item.name}» avviker fra «{known_name}» i databasen; "
                                                 "databasens navn beholdes", severity="warning",
                                         **table.where(item.row, "student_number")))
        plan.new_registrations.append(item)
        plan.per_exam[item.exam_id].new += 1
    if short_numbers:
        shown = ", ".join(str(n) for n in short_numbers[:10]) + (
            f" og {len(short_numbers) - 10} til" if len(short_numbers) > 10 else "")
        plan.warnings.append(Problem(
            path.name, f"studentnummer med færre enn {wanted_length} sifre på rad {shown}; "
                       "mangler en innledende null? (kontroller mot FS)", sheet=sheet.name,
            column=table.where(short_numbers[0], "student_number")["column"], severity="warning"))
    if errors:
        raise FileProblems(sorted(errors, key=lambda p: (p.row or 0)))
    if progress:
        progress(total, total)
    return plan


def _student_number_formats(book, table) -> dict[int, str]:
    """Row -> student number for numeric cells whose number format shows
    leading zeros ("000000" shows 54321 as 054321): read as the clerk sees it."""
    numeric = [row for row, cells in table.rows
               if isinstance(table.cell(cells, "student_number"), (int, float))
               and not isinstance(table.cell(cells, "student_number"), bool)]
    if not numeric:
        return {}
    formats = book.number_formats(table.sheet, table.columns["student_number"], numeric)
    padded: dict[int, str] = {}
    values = dict(table.rows)
    for row, number_format in formats.items():
        zeros = re.fullmatch(r"0+", number_format.replace("\\", "").replace('"', ""))
        value = table.cell(values[row], "student_number")
        if zeros and float(value).is_integer():
            padded[row] = str(int(value)).zfill(len(zeros.group(0)))
    return padded


def _students_by_number(session, numbers: set[str], column) -> dict[str, object]:
    """student number -> `column` (name or id) for the students that exist,
    in chunks so that a 10,000-row file stays within SQL parameter limits."""
    found: dict[str, object] = {}
    ordered = sorted(numbers)
    for start in range(0, len(ordered), 5000):
        found.update(session.exec(select(Student.student_number, column)
                                  .where(Student.student_number.in_(ordered[start:start + 5000]))).all())
    return found


@dataclass
class ImportResult:
    registrations: int
    students: int
    unchanged: int


def apply_import(ctx: Context, plan: ImportPlan) -> ImportResult:
    """Write a checked plan in one transaction (bulk inserts) with audit rows.
    Another counter importing the same rows at the same moment makes this
    one a refusal in words (ChangedMeanwhile), never half an import."""
    from eksamen_tui.services.concurrency import integrity_as_refusal

    refusal = (f"{plan.file}: en annen skranke importerte de samme kandidatene samtidig; "
               "ingenting er importert herfra – les inn filen på nytt")
    with integrity_as_refusal(refusal), ctx.write() as s:
        # RETURNING makes SQLAlchemy insert in multi-row statements ("insertmanyvalues"), ~3x cheaper
        # than executemany here, and gives the new rows' ids without another query
        students = Student.__table__
        ids: dict[str, int] = {}
        if plan.new_students:
            ids.update(s.execute(insert(students).returning(students.c.student_number, students.c.id),
                                 [{"student_number": n, "name": name} for n, name in plan.new_students.items()]).all())
        ids.update(_students_by_number(s, {item.student_number for item in plan.new_registrations} - ids.keys(),
                                       Student.id))
        added = []
        if plan.new_registrations:
            registrations = Registration.__table__
            added = s.execute(insert(registrations).returning(
                registrations.c.id, registrations.c.candidate_number), [
                {
                    "exam_id": item.exam_id, "student_id": ids[item.student_number],
                    "candidate_number": item.candidate_number, "attempt_number": item.attempt_number,
                    "language_form": item.language_form, "accommodations": item.accommodations,
                    "attendance_state": "registered",
                }
                for item in plan.new_registrations
            ]).all()
        _audit_each_registration(s, ctx, plan, added)
        for exam_id, summary in plan.per_exam.items():
            if summary.new:
                audit.record(s, ctx, "exam", exam_id, "candidates_imported", summary.unchanged,
                             summary.unchanged + summary.new, reason_code="import", note=plan.file)
    return ImportResult(len(plan.new_registrations), len(plan.new_students), plan.unchanged)


def _audit_each_registration(s, ctx: Context, plan: ImportPlan, added) -> None:
    """One audit row per registration the import added (an import adds
    registrations, it never changes one), in one bulk insert; `added`:
    (id, candidate number) of each."""
    if not added:
        return
    at = ctx.now()
    rows = [
        {"at": at, "clerk": ctx.clerk, "entity": "registration", "entity_id": reg_id,
         "field": "imported", "old_value": None, "new_value": f"kandidat {number}",
         "reason_code": "import", "note": plan.file}
        for reg_id, number in added
    ]
    entries = AuditEntry.__table__
    s.execute(insert(entries).returning(entries.c.id), rows).all()  # RETURNING: multi-row statements (see apply_import)


def write_sample_candidate_lists(ctx: Context, folder: Path, course_code: str, exam_date: date, count: int = 12) -> list[Path]:
    """Sample import files (xlsx and csv) with new students for an exam in the
    database: what the demo's data/samples/ files are made from. The
    candidate numbers start above the highest the exam already uses, so the
    samples import cleanly into the database they were made for."""
    import csv as csv_module

    from openpyxl import Workbook
    from sqlalchemy import func

    with ctx.read() as s:
        highest = s.exec(select(func.max(Registration.candidate_number))
                         .join(Exam, Exam.id == Registration.exam_id).join(Course, Course.id == Exam.course_id)
                         .where(Course.code == course_code, Exam.exam_date == exam_date)).one() or 0
    first = (highest // 1000 + 1) * 1000 + 1
    header = ["Emnekode", "Eksamensdato", "Studentnr", "Kandidatnr", "Navn", "Målform"]
    rows = [[course_code, exam_date.strftime("%d.%m.%Y"), str(610001 + i), first + i,
             f"Eksempel, Student {i + 1}", "nynorsk" if i % 4 == 0 else "bokmål"] for i in range(count)]
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = folder / "kandidatliste_eksempel.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kandidater"
    sheet.append([f"Kandidatliste {course_code}"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(xlsx)
    csv_path = folder / "kandidatliste_eksempel.csv"
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv_module.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return [xlsx, csv_path]
