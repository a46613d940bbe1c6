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
        student_ids = [student.id for _, student in regs]
        history: dict[int, list[AttemptRecord]] = defaultdict(list)
        for start in range(0, len(student_ids), 5000):
            chunk = student_ids[start:start + 5000]
            grades = {reg_id: value for reg_id, value in s.exec(
                select(Grade.registration_id, Grade.value).join(Registration, Registration.id == Grade.registration_id)
                .join(Exam, Exam.id == Registration.exam_id)
                .where(Exam.course_id == course.id, Registration.student_id.in_(chunk), current_grade(),
                       Grade.status == GradeStatus.CONTROLLED)).all()}
            for reg, other in s.exec(select(Registration, Exam).join(Exam, Exam.id == Registration.exam_id)
                                     .where(Exam.course_id == course.id, Registration.student_id.in_(chunk),
                                            Exam.exam_date <= exam.exam_date)).all():
                withdrawn_in_time = reg.withdrawn_on is None or reg.withdrawn_on <= ctx.rules.withdrawal(other.exam_date)
                history[reg.student_id].append(AttemptRecord(
                    other.exam_date, AttendanceState(reg.attendance_state), grades.get(reg.id),
                    withdrawn_in_time=withdrawn_in_time, documented=reg.documentation_received_on is not None))
    lines = []
    for reg, student in regs:
        records = sorted(history[student.id], key=lambda r: r.exam_date)
        own = next((r for r in records if r.exam_date == exam.exam_date), None)
        lines.append(ResitLine(student.student_number, student.name, reg.candidate_number,
                               AttendanceState(reg.attendance_state), own.grade if own else None,
                               resit_eligibility(records, last_exam_date=exam.exam_date, exam_form=exam.exam_form,
                                                 max_attempts=ctx.profile.max_attempts)))
    lines.sort(key=lambda line: (not line.eligible, line.candidate_number))
    return ResitList(course.code, course.name, exam.id, exam.exam_form, exam.exam_date, exam.published_on, offered,
                     lines)


def student_resits(ctx: Context, student_number: str) -> list[tuple[str, Eligibility]]:
    """Per course the student took, whether they may register for a resit
    (for a student desk)."""
    with ctx.read() as s:
        student = s.exec(select(Student).where(Student.student_number == str(student_number).strip())).first()
        if student is None:
            raise DomainError(f"Fant ingen student med studentnummer {student_number}")
        exam_ids = s.exec(select(Exam.id, Exam.course_id).join(Registration, Registration.exam_id == Exam.id)
                          .where(Registration.student_id == student.id, Exam.published_on.is_not(None))).all()
    result = []
    seen = set()
    for exam_id, course_id in exam_ids:
        if course_id in seen:
            continue
        seen.add(course_id)
        listing = resit_list(ctx, exam_id)
        line = next((l for l in listing.lines if l.student_number == student.student_number), None)
        if line is not None:
            result.append((listing.course_code, line.eligibility))
    return sorted(result)


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
