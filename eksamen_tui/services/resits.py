"""Resits (konte): after an exam's grades are published, the candidates of
the course who may register for a resit – failed or valid absence at the
last ordinary exam, attempts left under the institution's limit, and never
for portfolio or overall assessment. The list exports."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import select

from eksamen_tui.db.models import Course, Exam, Grade, Registration, Student
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.resits import AttemptRecord, Eligibility, resit_eligibility, resit_offered
from eksamen_tui.domain.vocabulary import GradeStatus
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import checked_id, require
from eksamen_tui.services.queries import current_grade


@dataclass
class ResitLine:
    student_number: str
    name: str
    candidate_number: int
    state: AttendanceState
    grade: str | None
    eligibility: Eligibility

    @property
    def eligible(self) -> bool:
        return self.eligibility.eligible


@dataclass
class ResitList:
    course_code: str
    course_name: str
    exam_id: int
    exam_form: str
    exam_date: date
    published_on: date
    offered: bool
    lines: list[ResitLine]  # every candidate of the last ordinary exam, eligible first

    @property
    def eligible(self) -> list[ResitLine]:
        return [line for line in self.lines if line.eligible]


def _last_ordinary_exam(s, course_id: int) -> Exam | None:
    """The course's latest exam with published grades."""
    return s.exec(select(Exam).where(Exam.course_id == course_id, Exam.published_on.is_not(None))
                  .order_by(Exam.exam_date.desc(), Exam.id.desc())).first()


def _attempts(s, ctx: Context, course_id: int, student_ids: list[int], up_to: date) -> dict[int, list[AttemptRecord]]:
    """Every registration of `student_ids` for the course's exams held up to
    `up_to`, as the resit rule reads them (student id -> records by date)."""
    history: dict[int, list[AttemptRecord]] = defaultdict(list)
    for start in range(0, len(student_ids), 5000):
        chunk = student_ids[start:start + 5000]
        grades = {reg_id: value for reg_id, value in s.exec(
            select(Grade.registration_id, Grade.value).join(Registration, Registration.id == Grade.registration_id)
            .join(Exam, Exam.id == Registration.exam_id)
            .where(Exam.course_id == course_id, Registration.student_id.in_(chunk), current_grade(),
                   Grade.status == GradeStatus.CONTROLLED)).all()}
        for reg, other in s.exec(select(Registration, Exam).join(Exam, Exam.id == Registration.exam_id)
                                 .where(Exam.course_id == course_id, Registration.student_id.in_(chunk),
                                        Exam.exam_date <= up_to)).all():
            withdrawn_in_time = reg.withdrawn_on is None or reg.withdrawn_on <= ctx.rules.withdrawal(other.exam_date)
            history[reg.student_id].append(AttemptRecord(
                other.exam_date, AttendanceState(reg.attendance_state), grades.get(reg.id),
                withdrawn_in_time=withdrawn_in_time, documented=reg.documentation_received_on is not None))
    for records in history.values():
        records.sort(key=lambda r: r.exam_date)
    return history


def _eligibility(ctx: Context, records: list[AttemptRecord], exam: Exam) -> Eligibility:
    """The resit rule (domain.resits) after the course's last ordinary exam `exam`."""
    return resit_eligibility(records, last_exam_date=exam.exam_date, exam_form=exam.exam_form,
                             max_attempts=ctx.profile.max_attempts)


def resit_list(ctx: Context, exam_id: int) -> ResitList:
    """The resit list of the course of `exam_id`, after its last ordinary
    exam (which must be published)."""
    with ctx.read() as s:
        opened = require(s, Exam, checked_id(exam_id, "eksamen"), "eksamen")
        course = s.get(Course, opened.course_id)
        exam = _last_ordinary_exam(s, course.id)
    if exam is None:
        raise DomainError(f"{course.code}: sensuren er ikke kunngjort ennå – kontelisten lages etter kunngjøring")
    offered = resit_offered(exam.exam_form)
    with ctx.read() as s:
        regs = s.exec(select(Registration, Student).join(Student, Student.id == Registration.student_id)
                      .where(Registration.exam_id == exam.id).order_by(Registration.candidate_number)).all()
        history = _attempts(s, ctx, course.id, [student.id for _, student in regs], exam.exam_date)
    lines = []
    for reg, student in regs:
        records = history[student.id]
        own = next((r for r in records if r.exam_date == exam.exam_date), None)
        lines.append(ResitLine(student.student_number, student.name, reg.candidate_number,
                               AttendanceState(reg.attendance_state), own.grade if own else None,
                               _eligibility(ctx, records, exam)))
    lines.sort(key=lambda line: (not line.eligible, line.candidate_number))
    return ResitList(course.code, course.name, exam.id, exam.exam_form, exam.exam_date, exam.published_on, offered,
                     lines)


@dataclass(frozen=True)
class StudentResit:
    """Whether one student may register for a resit in one course, after
    the course's last ordinary exam (the same fact as on the resit list)."""

    course_id: int
    course_code: str
    exam_id: int  # the course's last ordinary (published) exam
    exam_date: date
    eligibility: Eligibility

    def describe(self) -> str:
        """One bokmål line for the student desk."""
        answer = "kan melde seg" if self.eligibility.eligible else "nei"
        return (f"Konte i {self.course_code} (etter eksamen {self.exam_date:%d.%m.%Y}): {answer} – "
                f"{self.eligibility.reason}")


def resits_for_student(ctx: Context, student_id: int) -> dict[int, StudentResit]:
    """Per course the student is registered in that has a published exam:
    course id -> whether they may register for a resit (for the student desk)."""
    result: dict[int, StudentResit] = {}
    with ctx.read() as s:
        courses = s.exec(select(Course).join(Exam, Exam.course_id == Course.id)
                         .join(Registration, Registration.exam_id == Exam.id)
                         .where(Registration.student_id == checked_id(student_id, "student"))
                         .distinct()).all()
        for course in courses:
            exam = _last_ordinary_exam(s, course.id)
            if exam is None:
                continue
            records = _attempts(s, ctx, course.id, [student_id], exam.exam_date)[student_id]
            result[course.id] = StudentResit(course.id, course.code, exam.id, exam.exam_date,
                                             _eligibility(ctx, records, exam))
    return result


def student_resits(ctx: Context, student_number: str) -> list[tuple[str, Eligibility]]:
    """Per course the student took, whether they may register for a resit."""
    with ctx.read() as s:
        student = s.exec(select(Student).where(Student.student_number == str(student_number).strip())).first()
        if student is None:
            raise DomainError(f"Fant ingen student med studentnummer {student_number}")
    facts = resits_for_student(ctx, student.id).values()
    return sorted(((fact.course_code, fact.eligibility) for fact in facts), key=lambda pair: pair[0])


def export_resits(ctx: Context, exam_id: int, path: Path | None = None) -> Path:
    """The course's resit list (eligible candidates, with attempts left) as
    .xlsx for A4; private, never overwritten."""
    from openpyxl.styles import Font

    from eksamen_tui.excel.writer import append_row, new_workbook, setup_print
    from eksamen_tui.export_files import export_name, export_target, save_workbook
    from eksamen_tui.services.context import export_dir

    listing = resit_list(ctx, exam_id)
    name = export_name(listing.course_code, listing.exam_date, listing.exam_form.capitalize(), "konte", suffix=".xlsx")
    path = export_target(path, name, export_dir)
    workbook, sheet = new_workbook("Konte")
    setup_print(sheet, title=f"Konteliste {listing.course_code} {listing.course_name}", title_rows=(5, 5),
                widths=(12, 30, 12, 22, 10, 44))
    append_row(sheet, [f"Konteliste – {listing.course_code} {listing.course_name}"], Font(bold=True, size=13))
    append_row(sheet, ["Siste ordinære eksamen", f"{listing.exam_form} {listing.exam_date:%d.%m.%Y}, "
                                                  f"kunngjort {listing.published_on:%d.%m.%Y}"])
    append_row(sheet, ["Kan melde seg til konte", len(listing.eligible) if listing.offered
                       else f"ingen konte for {listing.exam_form.lower()}"])
    append_row(sheet, [])
    append_row(sheet, ["Studentnr", "Navn", "Kandidatnr", "Resultat", "Forsøk igjen", "Begrunnelse"], Font(bold=True))
    for line in listing.eligible:
        result = line.grade or line.state.label
        append_row(sheet, [line.student_number, line.name, line.candidate_number, result,
                           line.eligibility.attempts_left, line.eligibility.reason])
    return save_workbook(workbook, path)
