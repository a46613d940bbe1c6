"""The student desk's picture: «what is registered for me?». A student is
found by student number, by name (accent- and case-insensitive, partial)
or by course code + candidate number; the picture lists every registration
per semester with candidate number, attempt and whether it counts,
attendance, accommodations, language form, the deadlines still ahead for
this student, the grade once it is published, and open cases.

Grades that are not published are never part of this picture, and a grade
under a running grade appeal is shown as blocked, not as its value."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import select

from eksamen_tui.db.models import Case, Course, Exam, Grade, Registration, Student
from eksamen_tui.domain.appeal_rules import CaseType
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.exam_forms import is_oral_or_practical
from eksamen_tui.domain.parsing import MAX_DIGITS, is_digit_key
from eksamen_tui.services.appeals import case_status
from eksamen_tui.services.attendance import attempt_counted
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import require
from eksamen_tui.services.queries import current_grade
from eksamen_tui.services.resits import StudentResit, resits_for_student
from eksamen_tui.services.text_search import escape_like, fold_text, folded

CASE_LABELS = {"explanation": "begrunnelse", "grade_appeal": "klage på karakter",
               "formal_appeal": "klage på formell feil"}


@dataclass(frozen=True)
class StudentMatch:
    student_id: int
    student_number: str
    name: str
    hint: str = ""  # how it was found, e.g. "kand. 13 på TDT4100 10.12.2026"
    registration_id: int | None = None  # the registration a course + candidate number points at

    @property
    def label(self) -> str:
        return f"{self.student_number}  {self.name}" + (f"  ({self.hint})" if self.hint else "")


def _digits(word: str) -> bool:
    return 0 < len(word) <= MAX_DIGITS and all(is_digit_key(ch) for ch in word)


def find_students(ctx: Context, text: str, limit: int = 40) -> list[StudentMatch]:
    """Students for what a clerk types at the counter: a student number,
    «EMNEKODE kandidatnummer», or part of a name (every word must match)."""
    words = text.split()
    if not words:
        return []
    with ctx.read() as s:
        if len(words) == 1 and _digits(words[0]):
            rows = s.exec(select(Student).where(Student.student_number == words[0])).all()
            return [StudentMatch(st.id, st.student_number, st.name) for st in rows]
        if len(words) == 2 and _digits(words[1]) and not _digits(words[0]):
            rows = s.exec(
                select(Student, Course.code, Exam.exam_date, Registration.id)
                .join(Registration, Registration.student_id == Student.id)
                .join(Exam, Exam.id == Registration.exam_id)
                .join(Course, Course.id == Exam.course_id)
                .where(folded(Course.code) == fold_text(words[0]), Registration.candidate_number == int(words[1]))
                .order_by(Exam.exam_date.desc())
                .limit(limit)
            ).all()
            if rows:
                return [StudentMatch(st.id, st.student_number, st.name,
                                     f"kand. {words[1]} på {code} {day:%d.%m.%Y}", registration_id)
                        for st, code, day, registration_id in rows]
        query = select(Student)
        for word in words:
            query = query.where(folded(Student.name).like(f"%{escape_like(fold_text(word))}%", escape="\\"))
        rows = s.exec(query.order_by(Student.name).limit(limit)).all()
    return [StudentMatch(st.id, st.student_number, st.name) for st in rows]


@dataclass
class RegistrationLine:
    registration_id: int
    exam_id: int
    semester: str
    course_code: str
    course_name: str
    exam_form: str
    exam_date: date
    candidate_number: int
    attempt: int  # this registration's attempt at the course (1 = first)
    counts: bool | None  # counts as an attempt; None while the exam is ahead / unmarked
    state: AttendanceState
    withdrawn_on: date | None
    documentation_received_on: date | None
    accommodations: str
    language_form: str
    published_on: date | None
    grade: str | None  # only when published; "sperret" while a grade appeal runs
    deadlines: list[tuple[str, date]] = field(default_factory=list)  # ahead for this student
    overdue: list[str] = field(default_factory=list)  # what this student is late with, in words
    open_cases: list[str] = field(default_factory=list)  # "klage på karakter: hos klagekommisjonen"
    course_id: int = 0
    resit: StudentResit | None = None  # may the student register for a resit (services.resits' rule)

    @property
    def exam_label(self) -> str:
        return f"{self.course_code} {self.course_name} – {self.exam_form} {self.exam_date:%d.%m.%Y}"

    @property
    def attempt_text(self) -> str:
        if self.counts is None:
            return f"{self.attempt}. (avgjøres)"
        return f"{self.attempt}. – {'teller' if self.counts else 'teller ikke'}"


@dataclass
class StudentPicture:
    student_id: int
    student_number: str
    name: str
    registrations: list[RegistrationLine]

    def semesters(self) -> dict[str, list[RegistrationLine]]:
        result: dict[str, list[RegistrationLine]] = defaultdict(list)
        for line in self.registrations:
            result[line.semester].append(line)
        return dict(result)


def student_picture(ctx: Context, student_id: int) -> StudentPicture:
    """Everything registered for one student, newest semester first."""
    today = ctx.today()
    rules = ctx.rules
    with ctx.read() as s:
        student = require(s, Student, student_id, "student")
        rows = s.exec(
            select(Registration, Exam, Course)
            .join(Exam, Exam.id == Registration.exam_id)
            .join(Course, Course.id == Exam.course_id)
            .where(Registration.student_id == student.id)
            .order_by(Exam.exam_date, Exam.id)
        ).all()
        ids = [reg.id for reg, _, _ in rows]
        grades = {g.registration_id: g.value for g in s.exec(select(Grade).where(
            Grade.registration_id.in_(ids), current_grade())).all()}
        cases: dict[int, list[Case]] = defaultdict(list)
        for case in s.exec(select(Case).where(Case.registration_id.in_(ids)).order_by(Case.id)).all():
            cases[case.registration_id].append(case)
    used: dict[int, int] = defaultdict(int)  # counted attempts per course so far
    lines = []
    for reg, exam, course in rows:
        state = AttendanceState(reg.attendance_state)
        decided = state != AttendanceState.REGISTERED
        counts = attempt_counted(ctx, state, reg.withdrawn_on, exam.exam_date) if decided else None
        attempt = used[course.id] + 1
        if counts:
            used[course.id] += 1
        reg_cases = cases.get(reg.id, [])
        appeal_running = any(c.case_type == CaseType.GRADE_APPEAL.value and c.closed_on is None for c in reg_cases)
        grade = None
        if exam.published_on is not None and reg.id in grades:
            grade = "sperret (klage pågår)" if appeal_running else grades[reg.id]
        line = RegistrationLine(
            registration_id=reg.id, exam_id=exam.id, semester=exam.semester, course_code=course.code,
            course_name=course.name, exam_form=exam.exam_form, exam_date=exam.exam_date,
            candidate_number=reg.candidate_number, attempt=attempt, counts=counts, state=state,
            withdrawn_on=reg.withdrawn_on, documentation_received_on=reg.documentation_received_on,
            accommodations=reg.accommodations, language_form=reg.language_form, published_on=exam.published_on,
            grade=grade,
            open_cases=[f"{CASE_LABELS.get(c.case_type, c.case_type)}: {case_status(c)}"
                        for c in reg_cases if c.closed_on is None],
        )
        line.course_id = course.id
        _deadlines(ctx, line, exam, reg_cases, today)
        lines.append(line)
    _attach_resits(lines, resits_for_student(ctx, student.id))
    lines.sort(key=lambda line: (_semester_order(line.semester), line.exam_date), reverse=True)
    return StudentPicture(student.id, student.student_number, student.name, lines)


def _attach_resits(lines: list[RegistrationLine], facts: dict[int, StudentResit]) -> None:
    """Each course's resit fact on the registration for the course's last
    ordinary exam; a student not registered for it sees the fact (and why
    not) on their newest registration of the course."""
    for course_id, fact in facts.items():
        course_lines = [line for line in lines if line.course_id == course_id]
        own = next((line for line in course_lines if line.exam_id == fact.exam_id), None)
        if own is None and course_lines:
            own = max(course_lines, key=lambda line: line.exam_date)
        if own is not None:
            own.resit = fact


def _semester_order(semester: str) -> tuple[str, int]:
    """"2026V" (spring) before "2026H" (autumn) in the same year."""
    return semester[:4], {"V": 0, "S": 1, "H": 2}.get(semester[4:5].upper(), 3)


def _deadlines(ctx: Context, line: RegistrationLine, exam: Exam, cases: list[Case], today: date) -> None:
    """The deadlines still ahead for this student on this registration."""
    rules = ctx.rules
    state = line.state
    if state == AttendanceState.REGISTERED and exam.exam_date >= today:
        withdrawal = rules.withdrawal(exam.exam_date)
        if withdrawal >= today:
            line.deadlines.append(("trekk uten at det teller", withdrawal))
    if state == AttendanceState.VALID_ABSENCE and line.documentation_received_on is None:
        due = rules.valid_absence_documentation(exam.exam_date)
        if due >= today:
            line.deadlines.append(("dokumentasjon for gyldig fravær", due))
        else:
            line.overdue.append(f"dokumentasjon for gyldig fravær (frist {due:%d.%m.%Y})")
    if exam.published_on is not None and line.grade is not None:
        oral = is_oral_or_practical(exam.exam_form)
        kinds = {c.case_type for c in cases}
        if CaseType.EXPLANATION.value not in kinds:
            ask = rules.explanation_request(exam.published_on, oral_or_practical=oral)
            if ask >= today:
                line.deadlines.append(("be om begrunnelse", ask))
        if not oral and CaseType.GRADE_APPEAL.value not in kinds:
            explained = [c.explanation_given_on for c in cases if c.explanation_given_on]
            appeal = rules.appeal(exam.published_on, max(explained) if explained else None)
            if appeal >= today:
                line.deadlines.append(("klage på karakter", appeal))
    line.deadlines.sort(key=lambda item: item[1])


def registration_line(ctx: Context, registration_id: int) -> RegistrationLine:
    """One registration as the student desk shows it (after a change)."""
    with ctx.read() as s:
        reg = require(s, Registration, registration_id, "oppmelding")
        student_id = reg.student_id
    for line in student_picture(ctx, student_id).registrations:
        if line.registration_id == registration_id:
            return line
    raise DomainError(f"Fant ingen oppmelding med id {registration_id}")
