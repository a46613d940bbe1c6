"""A realistic, deterministic demo semester, written with bulk inserts.

The same `today` always gives the same database: exams are laid out around
`today` (some past, graded and published, some this week, some ahead with
papers missing) so that every desk has something to do. Courses come from
`data/demo_courses.csv`, read from the package (eksamen_tui.resources).

The file is written atomically: the database is built in a hidden temporary
file beside the target and gets its name only when complete, so a killed
demo leaves nothing half-written under the target's name; an existing file
is never replaced.
"""
from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert

from eksamen_tui.db.engine import make_engine
from eksamen_tui.db.migrations import upgrade
from eksamen_tui.db.models import (
    Case,
    Commission,
    CommissionMember,
    Course,
    Exam,
    Examiner,
    ExamPart,
    FeeForm,
    GradingExtension,
    GuidelinesPublication,
    Grade,
    PaperDelivery,
    Registration,
    ScriptMovement,
    ScriptResolution,
    Setting,
    Student,
)
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.domain.deadlines import Rules
from eksamen_tui.domain.grade_rules import compute_course_grade
from eksamen_tui.domain.profiles import get_profile
from eksamen_tui.domain.scales import GradeScale, failing_grade
from eksamen_tui.domain.vocabulary import CommissionKind, GradeSource, GradeStatus

SEED = 20261123

FIRST_NAMES = (
    "Emma Nora Olivia Ella Sofie Leah Frida Ingrid Sara Maja Astrid Ida Emilie Hedda Tiril "
    "Jakob Lucas Emil Noah Oliver Filip William Aksel Theodor Magnus Henrik Sander Elias Tobias "
    "Jonas Kristian Marius Sindre Eirik Håkon Ole Lars Kari Siri Marte Ragnhild Solveig Åse"
).split()
LAST_NAMES = (
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen "
    "Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen Halvorsen "
    "Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen Strand Solberg Svendsen Eide Knutsen "
    "Martinsen Paulsen Bakken Kristoffersen Mathisen Lie Amundsen Nguyen Rasmussen Ali Lunde Solheim "
    "Berge Moe Nygård Bakke Kristensen Fredriksen Holm Lien Hauge Christensen Andresen Nielsen Knudsen "
    "Evensen Sæther Aas Myhre Hanssen Ahmed Haugland Thomassen Sivertsen Simonsen Danielsen Berntsen "
    "Sandvik Rønning Arnesen Antonsen Næss Vik Haug Ellingsen Thorsen Edvardsen Birkeland Isaksen Gulbrandsen"
).split()
EMPLOYERS_EXTERNAL = ("UiO", "UiB", "UiT", "OsloMet", "NMBU", "NHH", "USN", "HVL", "Nord universitet", "Equinor ASA", "SINTEF")
LETTER_WEIGHTS = {"A": 10, "B": 24, "C": 31, "D": 17, "E": 10, "F": 8}
ROOMS = ("Storhall Idrettsbygget", "R1", "R2", "S5", "F1", "KJL1", "Eksamenssal 1", "Eksamenssal 2", "Auditorium A")
CAMPUSES = ("Gløshaugen", "Dragvoll", "Kalvskinnet", "Gjøvik", "Ålesund")


def read_demo_courses() -> list[dict]:
    from eksamen_tui.resources import read_text

    return list(csv.DictReader(io.StringIO(read_text("demo_courses.csv"), newline=""), delimiter=";"))


def fresh_demo_database(*, today: date) -> Path:
    """A new demo database in the user's cache folder (never the real one)."""
    from platformdirs import user_cache_path

    path = user_cache_path("eksamen-tui", appauthor=False) / "demo.db"
    # A fresh machine has no cache folder yet; the database layer refuses a
    # missing folder (a typo must not create folders), so make ours here.
    path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    from eksamen_tui.dashboard_snapshot import SUFFIX as DASHBOARD_SNAPSHOT

    for suffix in ("", "-wal", "-shm", DASHBOARD_SNAPSHOT):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    write_demo_database(path, today=today)
    return path


def write_demo_database(path: "Path | str", *, today: date) -> dict[str, int]:
    """Write a fresh demo database to `path`, a new file (an existing one is
    refused with ExportError, never replaced), atomically and private (0600),
    or to a database URL (an empty PostgreSQL database or schema).
    Returns the row count per table."""
    from eksamen_tui.db.engine import is_url, looks_like_mangled_url
    from eksamen_tui.db.errors import DatabaseRefused
    from eksamen_tui.export_files import ExportError, write_private

    if is_url(str(path)):
        return _write_demo_to_server(str(path), today=today)
    if looks_like_mangled_url(path):
        raise DatabaseRefused(f"«{path}» ser ut som en ødelagt database-URL (mangler «://»); demo skriver ingen fil "
                              "med det navnet. Skriv den som postgresql+psycopg://bruker@vert/database")
    path = Path(path).expanduser()
    if path.exists() or path.is_symlink():
        what = "en mappe" if path.is_dir() else "en fil"
        raise ExportError(f"{path} finnes allerede ({what}); demo skriver bare en ny fil – velg et annet navn")
    counts: dict[str, int] = {}

    def build(temporary: Path) -> None:
        counts.update(_build_demo_database(temporary, today=today))

    write_private(path, build, add_counter=False)
    return counts


DEMO_TABLES = (Setting, Course, Exam, ExamPart, Student, Registration, Examiner,
               Commission, CommissionMember, PaperDelivery, Grade, Case)


def _insert_demo_rows(conn, today: date) -> dict[str, list[dict]]:
    """The demo rows, on `conn` (one transaction); on a server the id
    sequences are moved past the explicit ids (the next import gets free ids)."""
    from eksamen_tui.db.engine import reset_sequences

    rows = DemoBuilder(today).build()
    tables = (*DEMO_TABLES, *AFTER_EXAM_MODELS)
    for model in tables:
        batch = rows[model.__tablename__]
        if batch:
            # executemany needs the same keys in every row
            keys = set().union(*batch)
            conn.execute(insert(model.__table__), [{k: row.get(k) for k in keys} for row in batch])
    reset_sequences(conn, [m.__table__ for m in tables if "id" in m.__table__.c])
    return rows


def _write_demo_to_server(url: str, *, today: date) -> dict[str, int]:
    from sqlalchemy import func, select, text

    from eksamen_tui.db.engine import describe_target
    from eksamen_tui.db.errors import DatabaseRefused
    from eksamen_tui.db.migrations import ADVISORY_LOCK_KEY

    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # two demos at once: the second finds data
                conn.execute(text("SELECT pg_advisory_xact_lock(:key, hashtext(coalesce(current_schema(), '')))"),
                             {"key": ADVISORY_LOCK_KEY})
            used = any(conn.execute(select(func.count()).select_from(model.__table__)).scalar()
                       for model in (Course, Exam, Student, Examiner))
            if used:
                raise DatabaseRefused(f"databasen {describe_target(engine)} har allerede data; "
                                      "demo skriver bare i en tom database")
            rows = _insert_demo_rows(conn, today)
    finally:
        engine.dispose()
    return {name: len(batch) for name, batch in rows.items() if batch}


def _build_demo_database(path: Path, *, today: date) -> dict[str, int]:
    engine = make_engine(path)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            rows = _insert_demo_rows(conn, today)
    finally:
        engine.dispose()
    # one self-contained file before the rename: fold the WAL back in (the
    # app switches to WAL again when it opens the database)
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    return {name: len(batch) for name, batch in rows.items() if batch}


class DemoBuilder:
    """Builds the demo rows as plain dicts with explicit ids."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.random = random.Random(SEED)
        self.rules = Rules.for_profile(get_profile("ntnu"))
        self.rows: dict[str, list[dict]] = {
            model.__tablename__: []
            for model in (Setting, Course, Exam, ExamPart, Student, Registration, Examiner,
                          Commission, CommissionMember, PaperDelivery, Grade, Case, *AFTER_EXAM_MODELS)
        }

    # --- helpers -----------------------------------------------------------
    def _add(self, model, **values) -> int:
        table = self.rows[model.__tablename__]
        values.setdefault("id", len(table) + 1)
        table.append(values)
        return values["id"]

    def _name(self) -> str:
        return f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}"

    def _grade(self, scale: str) -> str:
        if scale == "pass_fail":
            return "bestått" if self.random.random() < 0.9 else "ikke bestått"
        return self.random.choices(list(LETTER_WEIGHTS), weights=list(LETTER_WEIGHTS.values()))[0]

    def _at(self, day: date, hour: int = 10) -> datetime:
        return datetime.combine(day, time(hour, self.random.randrange(0, 60)))

    # --- the semester ------------------------------------------------------
    def build(self) -> dict[str, list[dict]]:
        self._add(Setting, key="profile", value=json.dumps("ntnu"))
        self._add(Setting, key="profile_overrides", value=json.dumps({}))
        self._add(Setting, key="institution_name", value=json.dumps("Demouniversitetet"))
        for row in self.rows["setting"]:
            row.pop("id")
        students = self._students(3000)
        examiners = self._examiners(140)
        courses = read_demo_courses()
        autumn_days = self._exam_days(len(courses))
        spring = set(self.random.sample(range(len(courses)), 17))
        for index, course in enumerate(courses):
            course_id = self._add(Course, code=course["code"], name=course["name"], department=course["department"])
            parts = [p.split(":") for p in course["parts"].split("|")] if course["parts"] else []
            if index in spring:  # last spring's exam: graded, published, attempts history
                spring_day = self.rules.calendar.roll_forward(date(self.today.year, 5, 20) + timedelta(days=index % 20))
                self._exam(course_id, course, spring_day, "2026V" if self.today.year == 2026 else f"{self.today.year}V",
                           students, examiners, parts=[], size=self.random.randint(30, 70))
            size = self.random.choice((25, 40, 60, 80, 120, 150, 200, 260)) if course["exam_form"] not in ("Muntlig", "Praktisk") else self.random.randint(12, 30)
            self._exam(course_id, course, autumn_days[index], self._semester(), students, examiners, parts=parts, size=size)
        self._cases()
        self._after_exam()
        return self.rows

    def _semester(self) -> str:
        return f"{self.today.year}{'H' if self.today.month >= 7 else 'V'}"

    def _exam_days(self, count: int) -> list[date]:
        """Working days from 30 days ago to 35 days ahead, spread evenly."""
        days = [self.today + timedelta(days=offset) for offset in range(-30, 36)]
        days = [d for d in days if self.rules.calendar.is_working_day(d)]
        chosen = [days[int(i * len(days) / count)] for i in range(count)]
        self.random.shuffle(chosen)
        return chosen

    def _students(self, count: int) -> list[int]:
        numbers = self.random.sample(range(470000, 599999), count)
        return [self._add(Student, student_number=str(n), name=self._name()) for n in numbers]

    def _examiners(self, count: int) -> list[tuple[int, bool]]:
        result = []
        for i in range(count):
            name = self._name()
            external = i % 3 == 0
            employer = self.random.choice(EMPLOYERS_EXTERNAL) if external else "Demouniversitetet"
            user = name.lower().replace(" ", ".").replace("å", "a").replace("ø", "o").replace("æ", "ae")
            domain = "example.org" if external else "demo-uni.no"
            result.append((self._add(Examiner, name=name, email=f"{user}{i}@{domain}", employer=employer,
                                     is_external=external), external))
        return result

    def _exam(self, course_id, course, day, semester, students, examiners, *, parts, size) -> None:
        scale = course["grade_scale"]
        form = course["exam_form"]
        oral = form in ("Muntlig", "Praktisk")
        published = None
        grading_deadline = self.rules.grading(day)
        if day < self.today - timedelta(days=21):
            published = self.rules.calendar.roll_forward(min(grading_deadline, day + timedelta(days=21)))
            if published > self.today:
                published = None
        exam_id = self._add(
            Exam, course_id=course_id, semester=semester, exam_form=form, exam_date=day,
            start_time=time(9, 0) if not oral else time(8, 15), duration_minutes=None if form in ("Mappe", "Hjemmeeksamen") else (30 if oral else 240),
            grade_scale=scale, campus=self.random.choice(CAMPUSES),
            rooms="" if oral or form in ("Mappe", "Hjemmeeksamen") else ", ".join(self.random.sample(ROOMS, 2)),
            is_thesis=False, published_on=published,
        )
        part_ids = [
            self._add(ExamPart, exam_id=exam_id, name=name, weight=int(weight), exam_form=name,
                      exam_date=day - timedelta(days=35) if i == 0 else day, grade_scale=scale,
                      campus="", rooms="", start_time=None, duration_minutes=None)
            for i, (name, weight) in enumerate(parts)
        ]
        ordinary = self._commissions(exam_id, examiners)
        self._paper(exam_id, day, form)
        base = self.random.randrange(100, 900) * 10
        numbers = sorted(self.random.sample(range(base, base + size * 3), size))
        chosen = self.random.sample(students, size)
        attendance_done = self.rules.calendar.add_working_days(day, 2) <= self.today
        attendance_partial = day < self.today and not attendance_done
        graded = day + timedelta(days=10) <= self.today
        # some exams lag behind, as in real life: lists not typed in, grades late
        lagging = day < self.today and self.random.random() < 0.2 and published is None
        for student_id, number in zip(chosen, numbers):
            roll = self.random.random()
            lang = "nynorsk" if roll < 0.12 else ("engelsk" if roll < 0.15 else "bokmål")
            accommodations = self.random.choice(("ekstra tid", "eget rom", "PC", "ekstra tid, PC")) if self.random.random() < 0.05 else ""
            state, withdrawn_on, documentation = self._state(
                day, attendance_done and not (lagging and self.random.random() < 0.1), attendance_partial)
            reg_id = self._add(
                Registration, exam_id=exam_id, student_id=student_id, candidate_number=number,
                attempt_number=1 if self.random.random() < 0.85 else self.random.choice((2, 2, 3)),
                language_form=lang, accommodations=accommodations, attendance_state=state,
                withdrawn_on=withdrawn_on, documentation_received_on=documentation,
            )
            if state in (AttendanceState.WITHDREW_DURING, AttendanceState.BLANK):
                self._grade_row(reg_id, None, failing_grade_for(scale), GradeStatus.CONTROLLED.value, GradeSource.ATTENDANCE.value, day)
            elif state == AttendanceState.ATTENDED and graded and not (lagging and self.random.random() < 0.3):
                self._grades_for(reg_id, scale, part_ids, day, published)
            elif state == AttendanceState.ATTENDED and part_ids:
                # the first part (e.g. the project) was graded before the exam
                self._grade_row(reg_id, part_ids[0], self._grade(scale), GradeStatus.CONTROLLED.value, GradeSource.ENTRY.value, day - timedelta(days=14))
        del ordinary

    def _state(self, day: date, done: bool, partial: bool):
        withdrawal_deadline = self.rules.withdrawal(day)
        roll = self.random.random()
        if roll < 0.02:
            withdrawn = min(self.today, withdrawal_deadline - timedelta(days=self.random.randint(1, 10)))
            return AttendanceState.WITHDRAWN.value, withdrawn, None
        if not (done or (partial and self.random.random() < 0.4)):
            return AttendanceState.REGISTERED.value, None, None
        roll = self.random.random()
        if roll < 0.86:
            return AttendanceState.ATTENDED.value, None, None
        if roll < 0.92:
            return AttendanceState.NO_SHOW.value, None, None
        if roll < 0.945:
            return AttendanceState.WITHDREW_DURING.value, None, None
        if roll < 0.96:
            return AttendanceState.BLANK.value, None, None
        documented = day + timedelta(days=self.random.randint(1, 4)) if self.random.random() < 0.7 else None
        if documented and documented > self.today:
            documented = None
        return AttendanceState.VALID_ABSENCE.value, None, documented

    def _grades_for(self, reg_id, scale, part_ids, day, published) -> None:
        entered = day + timedelta(days=self.random.randint(8, 14))
        if part_ids:
            weights = {part["id"]: part["weight"] for part in self.rows["exampart"] if part["id"] in part_ids}
            values = []
            for part_id in part_ids:
                value = self._grade(scale)
                values.append((weights[part_id], value))
                self._grade_row(reg_id, part_id, value, GradeStatus.CONTROLLED.value, GradeSource.ENTRY.value, entered)
            # the course grade computed from the parts, by the rule the grade desk uses
            self._grade_row(reg_id, None, compute_course_grade(values, GradeScale(scale)), GradeStatus.CONTROLLED.value,
                            GradeSource.COMPUTED.value, entered)
            return
        status = GradeStatus.CONTROLLED.value if published or self.random.random() < 0.6 else GradeStatus.PROVISIONAL.value
        self._grade_row(reg_id, None, self._grade(scale), status, GradeSource.ENTRY.value, min(entered, self.today))

    def _grade_row(self, reg_id, part_id, value, status, source, day) -> None:
        controlled = status == GradeStatus.CONTROLLED
        self._add(
            Grade, registration_id=reg_id, part_id=part_id, value=value, status=status, source=source,
            control_value=value if controlled else None, is_current=True,
            entered_by="demo", entered_at=self._at(day, 9),
            # four eyes: the control is by another clerk than the first entry
            controlled_by="demo-kontroll" if controlled else None, controlled_at=self._at(day, 14) if controlled else None,
        )

    def _commissions(self, exam_id: int, examiners) -> list[int]:
        if self.random.random() < 0.12:
            return []  # form not received yet
        internal = [e for e, ext in examiners if not ext]
        external = [e for e, ext in examiners if ext]
        ordinary = [self.random.choice(internal), self.random.choice(external)]
        commission = self._add(Commission, exam_id=exam_id, part_id=None, kind=CommissionKind.ORDINARY.value, number=1,
                               created_at=self._at(self.today - timedelta(days=40)))
        for examiner_id in ordinary:
            self._add(CommissionMember, commission_id=commission, examiner_id=examiner_id,
                      role="sensor", is_paid=examiner_id in internal and self.random.random() < 0.3, candidate_count=None)
        if self.random.random() < 0.7:
            appeal = self._add(Commission, exam_id=exam_id, part_id=None, kind=CommissionKind.APPEAL.value, number=1,
                               created_at=self._at(self.today - timedelta(days=40)))
            members = [self.random.choice([e for e in internal if e not in ordinary]),
                       self.random.choice([e for e in external if e not in ordinary])]
            for examiner_id in members:
                self._add(CommissionMember, commission_id=appeal, examiner_id=examiner_id,
                          role="klagesensor", is_paid=False, candidate_count=None)
        return ordinary

    def _paper(self, exam_id: int, day: date, form: str) -> None:
        if form in ("Mappe", "Muntlig", "Praktisk"):
            return
        deadline = self.rules.paper_delivery(day)
        roll = self.random.random()
        if deadline < self.today or day <= self.today:
            if roll < 0.2 and day > self.today:
                return  # missing and already late
            late = roll < 0.25
            received = self.rules.calendar.add_working_days(deadline, self.random.randint(1, 2)) if late \
                else self.rules.calendar.add_working_days(deadline, -self.random.randint(0, 4))
        else:
            if roll < 0.6:
                return  # not due yet, not delivered
            received = min(self.today, self.rules.calendar.add_working_days(deadline, -self.random.randint(1, 5)))
        received = min(received, self.today)
        checklist = {"cover_page_signed": True, "pages_numbered": True, "two_teacher_review": True,
                     "contact_person_named": True, "aids_on_cover": True, "colour_flagged": True,
                     "grading_guidelines": True}
        complete = self.random.random() > 0.1
        if not complete:
            checklist["pages_numbered"] = False
        elif exam_id % 9 == 4:  # delivered without its grading guidelines (sensorveiledning); no random draw
            checklist["grading_guidelines"] = False
            complete = False
        self._add(
            PaperDelivery, exam_id=exam_id, part_id=None, received_at=self._at(received, 11),
            delivered_by=self._name(), received_by="demo", delivery_format=self.random.choice(("paper", "pdf")),
            checklist=json.dumps(checklist), checklist_complete=complete, copies=0, remark="",
            is_late=received > deadline, deadline=deadline,
        )

    def _after_exam(self) -> None:
        """The paper trail after the exam (its own random stream, so the rest
        of the demo stays as it was): scripts out and back per examiner, one
        exam with originals missing after its grading deadline, one with
        copies kept past the explanation deadline, one with the shortfall
        resolved, an approved extension on a late exam, fee forms sent and
        confirmed, and grading guidelines published."""
        rng = random.Random(SEED + 18)
        cal = self.rules.calendar
        attended: dict[int, int] = {}
        for reg in self.rows["registration"]:
            if reg["attendance_state"] == AttendanceState.ATTENDED.value:
                attended[reg["exam_id"]] = attended.get(reg["exam_id"], 0) + 1
        members: dict[int, list[tuple[int, bool, bool]]] = {}
        examiners = {e["id"]: e for e in self.rows["examiner"]}
        commissions = {c["id"]: c for c in self.rows["commission"] if c["kind"] == "ordinary"}
        for member in self.rows["commissionmember"]:
            commission = commissions.get(member["commission_id"])
            if commission is not None:
                members.setdefault(commission["exam_id"], []).append(
                    (member["examiner_id"], examiners[member["examiner_id"]]["is_external"], member["is_paid"]))
        exams = sorted((e for e in self.rows["exam"] if e["exam_date"].month >= 8 and e["id"] in members
                        and attended.get(e["id"]) and cal.add_working_days(e["exam_date"], 2) <= self.today),
                       key=lambda e: (e["exam_date"], e["id"]))
        missing_original = missing_copy = resolved = extended = None
        for exam in exams:
            count = attended[exam["id"]]
            handed = cal.add_working_days(exam["exam_date"], 2)
            grading = self.rules.grading(exam["exam_date"])
            published = exam["published_on"]
            explanation = self.rules.explanation_request(published) if published else None
            if published is None and grading >= self.today and extended is None:
                extended = exam["id"]  # the department could not make it: an approved extension
                grading = cal.roll_forward(grading + timedelta(days=14))
                self._add(GradingExtension, exam_id=exam["id"], new_deadline=grading,
                          decision_reference=f"PR-{self.today.year}/{rng.randint(10, 99)}",
                          approved_by="prorektor for utdanning", at=self._at(self.today - timedelta(days=2)),
                          clerk="demo")
            for examiner_id, external, paid in members[exam["id"]]:
                kind = "original" if external else "copy"
                self._add(ScriptMovement, exam_id=exam["id"], examiner_id=examiner_id, kind=kind, direction="out",
                          count=count, on_date=handed, at=self._at(handed, 13), clerk="demo", note="")
                due = grading if external else explanation
                if due is None or due >= self.today and not (external and published):
                    continue  # still with the examiner, in time
                back = count
                if external and published and missing_original is None:
                    missing_original, back = exam["id"], count - 2  # two originals never came back
                elif external and published and resolved is None:
                    resolved, back = exam["id"], count - 1
                    self._add(ScriptResolution, exam_id=exam["id"], examiner_id=examiner_id, kind=kind, missing=1,
                              reason="kandidaten leverte blankt ark, registrert som besvarelse",
                              at=self._at(min(self.today, (published or grading) + timedelta(days=1))), clerk="demo")
                elif not external and missing_copy is None:
                    missing_copy = exam["id"]
                    continue  # the internal examiner still keeps the copies
                if back:
                    returned = min(self.today, (published or due) if external else cal.add_working_days(due, 1))
                    self._add(ScriptMovement, exam_id=exam["id"], examiner_id=examiner_id, kind=kind,
                              direction="back", count=back, on_date=returned, at=self._at(returned, 14),
                              clerk="demo", note="")
            if published:
                if rng.random() < 0.85:
                    self._add(GuidelinesPublication, exam_id=exam["id"], published_on=published,
                              at=self._at(published, 8), clerk="demo")
                for examiner_id, external, paid in members[exam["id"]]:
                    if not (external or paid) or rng.random() < 0.4:
                        continue  # not due a fee form, or not sent yet
                    sent = min(self.today, cal.add_working_days(published, rng.randint(1, 5)))
                    confirmed = min(self.today, cal.add_working_days(sent, rng.randint(1, 6))) \
                        if rng.random() < 0.6 else None
                    self._add(FeeForm, exam_id=exam["id"], examiner_id=examiner_id, sent_on=sent, sent_by="demo",
                              confirmed_on=confirmed, confirmed_by="demo" if confirmed else None)

    def _cases(self) -> None:
        """An explanation and two grade appeals on the first published exam."""
        exams = {e["id"]: e for e in self.rows["exam"]}
        published = sorted((e for e in exams.values() if e["published_on"] and e["exam_date"].month >= 8),
                           key=lambda e: e["exam_date"])
        if not published:
            return
        exam = published[0]
        graded = [g for g in self.rows["grade"] if g["part_id"] is None and g["source"] == GradeSource.ENTRY]
        regs = {r["id"]: r for r in self.rows["registration"] if r["exam_id"] == exam["id"]}
        candidates = [g for g in graded if g["registration_id"] in regs][:3]
        for index, grade in enumerate(candidates):
            received = self.rules.calendar.add_working_days(exam["published_on"], 2 + index)
            received = min(received, self.today)
            if index == 0:
                self._add(Case, registration_id=grade["registration_id"], case_type="explanation",
                          received_on=received, in_time=True, override_reason="",
                          deadline=self.rules.explanation_given(received), needs_further_assessment=False)
            else:
                self._add(Case, registration_id=grade["registration_id"], case_type="grade_appeal",
                          received_on=received, in_time=True, override_reason="", original_grade=grade["value"],
                          needs_further_assessment=False)


AFTER_EXAM_MODELS = (ScriptMovement, ScriptResolution, GradingExtension, FeeForm, GuidelinesPublication)


def failing_grade_for(scale: str) -> str:
    from eksamen_tui.domain.scales import GradeScale

    return failing_grade(GradeScale(scale))


REFERENCE_TODAY = date(2026, 11, 23)


def samples_dir():
    """The shipped sample import files (data/samples), made by write_demo_samples."""
    from eksamen_tui.resources import data_file

    return data_file("samples")


def write_demo_samples(folder: Path, *, today: date = REFERENCE_TODAY) -> list[Path]:
    """Sample import files matching the demo database built for `today`
    (the committed ones in data/samples/ match REFERENCE_TODAY): a candidate
    list for the first upcoming written school exam."""
    import tempfile

    from eksamen_tui.services.candidate_import import write_sample_candidate_lists
    from eksamen_tui.services.context import open_context

    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "demo.db"
        write_demo_database(db, today=today)
        ctx = open_context(str(db), clerk="demo", today=lambda: today)
        with ctx.read() as s:
            from sqlmodel import select

            code, exam_date = s.exec(
                select(Course.code, Exam.exam_date).join(Course, Course.id == Exam.course_id)
                .where(Exam.exam_date > today + timedelta(days=7), Exam.exam_form == "Skoleeksamen")
                .order_by(Exam.exam_date, Course.code)
            ).first()
        written = write_sample_candidate_lists(ctx, folder, code, exam_date)
        ctx.engine.dispose()
        written.append(_write_sample_form(folder, code, exam_date))
        return written


def _write_sample_form(folder: Path, code: str, exam_date: date) -> Path:
    """A filled kommisjonsskjema for the same exam, as a department returns it."""
    from eksamen_tui.excel.commission_form import FormExaminer, FormHeader, form_filename, write_form

    course = next(c for c in read_demo_courses() if c["code"] == code)
    header = FormHeader(code, course["name"], "2026H", "Skoleeksamen", exam_date)
    ordinary = [FormExaminer("Ingrid Fagerli", "sensor", False, "ingrid.fagerli@demo-uni.no", "Demouniversitetet", True),
                FormExaminer("Tor Brekke", "sensor", True, "tor.brekke@example.org", "UiO")]
    appeal = [FormExaminer("Mona Sletten", "klagesensor", False, "mona.sletten@demo-uni.no", "Demouniversitetet"),
              FormExaminer("Arne Vik", "klagesensor", True, "arne.vik@example.org", "UiB")]
    return write_form(folder / form_filename(code, "Skoleeksamen"), header, ordinary, appeal)
