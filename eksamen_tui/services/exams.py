"""Finding exams: the search every desk starts with."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import select

from eksamen_tui.db.models import Course, Exam, Registration
from eksamen_tui.services.context import Context


@dataclass(frozen=True)
class ExamChoice:
    exam_id: int
    course_code: str
    course_name: str
    exam_form: str
    exam_date: date

    @property
    def label(self) -> str:
        return f"{self.course_code} {self.course_name} – {self.exam_form} {self.exam_date:%d.%m.%Y}"

    @property
    def anonymous_label(self) -> str:
        return self.label


def find_exams(ctx: Context, text: str, limit: int = 50) -> list[ExamChoice]:
    """Exams whose course code or name contains `text` (case-insensitive),
    nearest to today first."""
    pattern = f"%{text.strip()}%"
    today = ctx.today()
    with ctx.read() as s:
        rows = s.exec(
            select(Exam.id, Course.code, Course.name, Exam.exam_form, Exam.exam_date)
            .join(Course, Course.id == Exam.course_id)
            .where((Course.code.ilike(pattern)) | (Course.name.ilike(pattern)))
            .order_by(Exam.exam_date.desc(), Course.code)
            .limit(limit * 4)
        ).all()
    choices = [ExamChoice(*row) for row in rows]
    choices.sort(key=lambda c: (abs((c.exam_date - today).days), c.course_code))
    return choices[:limit]


def course_known(ctx: Context, code: str) -> bool:
    with ctx.read() as s:
        return s.exec(select(Course.id).where(func.upper(Course.code) == code.strip().upper())).first() is not None


def exam_choice(ctx: Context, exam_id: int) -> ExamChoice:
    with ctx.read() as s:
        row = s.exec(
            select(Exam.id, Course.code, Course.name, Exam.exam_form, Exam.exam_date)
            .join(Course, Course.id == Exam.course_id).where(Exam.id == exam_id)
        ).one()
    return ExamChoice(*row)


def candidate_count(ctx: Context, exam_id: int) -> int:
    with ctx.read() as s:
        return s.exec(select(func.count()).select_from(Registration).where(Registration.exam_id == exam_id)).one()
