"""A large deterministic database at the scale of a big university:
1,000,000 registrations across 20,000 exams and 300,000 students over
eight semesters, with attendance, grades, commissions and appeals in
realistic proportions, and one exam of 2,000 candidates (course BENCH2000)
for the desk benchmarks. `--scale 0.001` makes a tiny one (smoke tests).

    python -m bench.generate_large PATH [--scale 1.0]

Bulk inserts through SQLAlchemy Core executemany, in batches, on the
app's own schema (migrations, indexes) — no ORM objects.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, time as clock, timedelta
from pathlib import Path

from sqlalchemy import insert

from eksamen_tui.domain.vocabulary import CommissionKind, GradeSource, GradeStatus

BATCH = 50_000
SEMESTERS = [("2023V", date(2023, 5, 8)), ("2023H", date(2023, 11, 27)), ("2024V", date(2024, 5, 6)),
             ("2024H", date(2024, 11, 25)), ("2025V", date(2025, 5, 5)), ("2025H", date(2025, 11, 24)),
             ("2026V", date(2026, 5, 4)), ("2026H", date(2026, 11, 9))]
FORMS = ["Skoleeksamen"] * 6 + ["Hjemmeeksamen", "Mappe", "Muntlig", "Oppgave"]
STATES = ["attended"] * 86 + ["no_show"] * 6 + ["withdrew_during"] * 2 + ["blank"] * 1 + \
         ["valid_absence"] * 2 + ["withdrawn"] * 3
LETTERS = ["A"] * 10 + ["B"] * 24 + ["C"] * 31 + ["D"] * 17 + ["E"] * 10 + ["F"] * 8
BIG_EXAM_CANDIDATES = 2000
PROTOCOL_EXAM_CANDIDATES = 10_000


def generate(path: Path, *, scale: float = 1.0, today: date = date(2026, 11, 23), seed: int = 8) -> dict[str, int]:
    from eksamen_tui.db.engine import make_engine
    from eksamen_tui.db.migrations import upgrade
    from eksamen_tui.db.models import (Case, Commission, CommissionMember, Course, Exam, Examiner, Grade,
                                       Registration, Setting, Student)

    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rnd = random.Random(seed)
    n_students = max(300, int(300_000 * scale))
    n_exams = max(40, int(20_000 * scale))
    n_registrations = max(2_000, int(1_000_000 * scale))
    n_courses = max(10, n_exams // len(SEMESTERS))
    n_examiners = max(20, int(5_000 * scale))
    engine = make_engine(path)
    upgrade(engine)
    counts: dict[str, int] = {}

    def put(conn, model, rows):
        if rows:
            conn.execute(insert(model.__table__), rows)
            counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA cache_size=-200000")
        put(conn, Setting, [{"key": "profile", "value": '"ntnu"'}, {"key": "profile_overrides", "value": "{}"}])
        put(conn, Course, [{"id": i + 1, "code": f"EMN{i + 1:04d}", "name": f"Emne nummer {i + 1}",
                            "department": f"Institutt {i % 40 + 1}"} for i in range(n_courses)]
            + [{"id": n_courses + 1, "code": "BENCH2000", "name": "Stort emne", "department": "Institutt 1"},
           {"id": n_courses + 2, "code": "BENCH10K", "name": "Svært stort emne", "department": "Institutt 1"}])
        for start in range(0, n_students, BATCH):
            put(conn, Student, [{"id": i + 1, "student_number": str(400000 + i), "name": f"Student {i + 1}"}
                                for i in range(start, min(n_students, start + BATCH))])
        put(conn, Examiner, [{"id": i + 1, "name": f"Sensor {i + 1}", "email": f"sensor{i + 1}@example.org",
                              "employer": "UiO" if i % 3 == 0 else "Universitetet", "is_external": i % 3 == 0}
                             for i in range(n_examiners)])
        # exams: spread over the semesters, each course once per semester
        exams = []
        for i in range(n_exams):
            semester, first_day = SEMESTERS[i % len(SEMESTERS)]
            day = first_day + timedelta(days=(i // len(SEMESTERS)) % 28)
            while day.weekday() > 4:
                day += timedelta(days=1)
            form = FORMS[i % len(FORMS)]
            exams.append({"id": i + 1, "course_id": (i // len(SEMESTERS)) % n_courses + 1, "semester": semester,
                          "exam_form": form, "exam_date": day, "start_time": clock(9), "duration_minutes": 240,
                          "grade_scale": "pass_fail" if i % 17 == 0 else "letter", "campus": "Gløshaugen",
                          "rooms": "", "is_thesis": False,
                          "published_on": day + timedelta(days=21) if day + timedelta(days=28) < today else None})
        big_id = n_exams + 1
        exams.append({"id": big_id, "course_id": n_courses + 1, "semester": "2026H", "exam_form": "Skoleeksamen",
                      "exam_date": date(2026, 11, 12), "start_time": clock(9), "duration_minutes": 240,
                      "grade_scale": "letter", "campus": "Gløshaugen", "rooms": "Storhall", "is_thesis": False,
                      "published_on": None})
        protocol_id = n_exams + 2
        exams.append({"id": protocol_id, "course_id": n_courses + 2, "semester": "2026H",
                      "exam_form": "Skoleeksamen", "exam_date": date(2026, 10, 20), "start_time": clock(9),
                      "duration_minutes": 240, "grade_scale": "letter", "campus": "Gløshaugen", "rooms": "",
                      "is_thesis": False, "published_on": None})
        put(conn, Exam, exams)
        # commissions: an ordinary one for every exam, an appeal one for half
        commissions, members = [], []

        def pick(start: int, external: bool, avoid: set[int]) -> int:
            """An examiner id from `start` on of the wanted kind, not in `avoid`."""
            candidate = (start - 1) % n_examiners + 1
            while ((candidate - 1) % 3 == 0) != external or candidate in avoid:
                candidate = candidate % n_examiners + 1
            return candidate

        for exam in exams:
            cid = len(commissions) + 1
            commissions.append({"id": cid, "exam_id": exam["id"], "part_id": None, "kind": CommissionKind.ORDINARY.value, "number": 1,
                                "created_at": datetime(2026, 1, 1)})
            first = pick(rnd.randrange(n_examiners) + 1, False, set())
            second = pick(rnd.randrange(n_examiners) + 1, True, {first})
            ordinary = {first, second}
            for examiner_id in (first, second):
                members.append({"commission_id": cid, "examiner_id": examiner_id, "role": "sensor",
                                "is_paid": False, "candidate_count": None})
            if exam["id"] % 2 == 0:  # a valid appeal commission: two new, one external
                cid = len(commissions) + 1
                commissions.append({"id": cid, "exam_id": exam["id"], "part_id": None, "kind": CommissionKind.APPEAL.value,
                                    "number": 1, "created_at": datetime(2026, 1, 1)})
                for examiner_id in (pick(first + 7, False, ordinary), pick(second + 7, True, ordinary)):
                    members.append({"commission_id": cid, "examiner_id": examiner_id, "role": "klagesensor",
                                    "is_paid": False, "candidate_count": None})
        put(conn, Commission, commissions)
        put(conn, CommissionMember, members)
        # registrations, grades and a few cases
        per_exam = [n_registrations // n_exams] * n_exams
        per_exam.append(BIG_EXAM_CANDIDATES)
        per_exam.append(min(PROTOCOL_EXAM_CANDIDATES, n_students))
        registrations, grades, cases = [], [], []
        reg_id = 0
        for exam_index, size in enumerate(per_exam):
            exam = exams[exam_index]
            past = exam["exam_date"] < today - timedelta(days=3)
            graded = exam["exam_date"] < today - timedelta(days=14)
            students = rnd.sample(range(1, n_students + 1), min(size, n_students))
            base = rnd.randrange(1000, 5000)
            for offset, student_id in enumerate(students):
                reg_id += 1
                state = rnd.choice(STATES) if past else "registered"
                if exam["id"] in (big_id, protocol_id):
                    state = "attended"
                registrations.append({
                    "id": reg_id, "exam_id": exam["id"], "student_id": student_id, "candidate_number": base + offset,
                    "attempt_number": 1, "language_form": "nynorsk" if offset % 9 == 0 else "bokmål",
                    "accommodations": "", "attendance_state": state,
                    "withdrawn_on": exam["exam_date"] - timedelta(days=20) if state == "withdrawn" else None,
                    "documentation_received_on": None})
                if graded and state == "attended":
                    value = rnd.choice(LETTERS) if exam["grade_scale"] == "letter" else "bestått"
                    grades.append({"registration_id": reg_id, "part_id": None, "value": value,
                                   "status": GradeStatus.CONTROLLED.value, "source": GradeSource.ENTRY.value,
                                   "control_value": value,
                                   "is_current": True, "entered_by": "bench", "entered_at": datetime(2026, 1, 1),
                                   "controlled_by": "bench", "controlled_at": datetime(2026, 1, 2)})
                    if exam["published_on"] and rnd.random() < 0.005:
                        cases.append({"registration_id": reg_id, "case_type": "grade_appeal",
                                      "received_on": exam["published_on"] + timedelta(days=5), "in_time": True,
                                      "override_reason": "", "original_grade": value,
                                      "closed_on": exam["published_on"] + timedelta(days=60)
                                      if exam["published_on"] + timedelta(days=60) < today else None,
                                      "needs_further_assessment": False})
            if len(registrations) >= BATCH:  # grades only after their registrations
                put(conn, Registration, registrations)
                put(conn, Grade, grades)
                registrations, grades = [], []
        put(conn, Registration, registrations)
        put(conn, Grade, grades)
        put(conn, Case, cases)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    counts = generate(args.path, scale=args.scale)
    elapsed = time.perf_counter() - start
    print(", ".join(f"{v:,} {k}" for k, v in counts.items()))
    print(f"generated in {elapsed:.1f} s: {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
