"""Finding exams: the search every desk starts with."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import select

from eksamen_tui.db.models import Course, Exam, Registration
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import checked_id


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


# SQLite's lower() folds ASCII only, PostgreSQL's depends on the database's
# locale: fold these letters explicitly so both backends match æ/ø/å (and
# the accented letters of names) like any other letter.
_FOLDED_LETTERS = "ÆØÅÄÖÜÉÈÊÁÀÓÒÔÚÑÇ"


def _folded(column):
    """SQL expression: `column` in lower case, the same on every backend."""
    expression = func.lower(column)
    for letter in _FOLDED_LETTERS:
        expression = func.replace(expression, letter, letter.lower())
    return expression


def fold(text: str) -> str:
    """`text` folded as `_folded` folds the database's values."""
    return text.strip().lower()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_exams(ctx: Context, text: str, limit: int = 50) -> list[ExamChoice]:
    """Exams whose course code or name contains `text` (case-insensitive,
    æ/ø/å included), nearest to today first."""
    pattern = f"%{_escape_like(fold(text))}%"
    today = ctx.today()
    with ctx.read() as s:
        rows = s.exec(
            select(Exam.id, Course.code, Course.name, Exam.exam_form, Exam.exam_date)
            .join(Course, Course.id == Exam.course_id)
            .where(_folded(Course.code).like(pattern, escape="\\") | _folded(Course.name).like(pattern, escape="\\"))
            .order_by(Exam.exam_date.desc(), Course.code)
            .limit(limit * 4)
        ).all()
    choices = [ExamChoice(*row) for row in rows]
    choices.sort(key=lambda c: (abs((c.exam_date - today).days), c.course_code))
    return choices[:limit]


def course_known(ctx: Context, code: str) -> bool:
    with ctx.read() as s:
        return s.exec(select(Course.id).where(_folded(Course.code) == fold(code))).first() is not None


@dataclass(frozen=True)
class ExamSearch:
    """What the search found for one text, and what Enter may open."""

    text: str
    choices: list[ExamChoice]
    unknown: bool  # text typed, nothing matches, and no such course code

    @property
    def exact(self) -> list[ExamChoice]:
        """Exams of the course whose code is exactly the text."""
        return [c for c in self.choices if fold(c.course_code) == fold(self.text)]

    def enter_choice(self) -> ExamChoice | None:
        """The one exam Enter opens: the exact course code's only exam, else
        the only match; None when there is nothing or more than one."""
        exact = self.exact
        if len(exact) == 1:
            return exact[0]
        if not exact and len(self.choices) == 1:
            return self.choices[0]
        return None

    def why_not(self) -> str:
        """Why Enter opened nothing (for the message line)."""
        typed = self.text.strip()
        if not typed:
            return "Skriv en emnekode eller del av emnenavnet"
        if not self.choices:
            return f"Ingen eksamen passer «{typed}»"
        count = len(self.exact) or len(self.choices)
        return f"{count} eksamener passer «{typed}» – velg med ↓/↑ og Enter"


def search_exams(ctx: Context, text: str) -> ExamSearch:
    """The picker's search: exams matching `text` (the nearest 30 when empty)."""
    if not text.strip():
        return ExamSearch(text, find_exams(ctx, "", limit=30), False)
    choices = find_exams(ctx, text)
    return ExamSearch(text, choices, not choices and not course_known(ctx, text))


def exam_choice(ctx: Context, exam_id: int) -> ExamChoice:
    with ctx.read() as s:
        row = s.exec(
            select(Exam.id, Course.code, Course.name, Exam.exam_form, Exam.exam_date)
            .join(Course, Course.id == Exam.course_id).where(Exam.id == checked_id(exam_id, "eksamen"))
        ).first()
    if row is None:
        raise DomainError(f"Fant ingen eksamen med id {exam_id}")
    return ExamChoice(*row)


def candidate_count(ctx: Context, exam_id: int) -> int:
    with ctx.read() as s:
        return s.exec(select(func.count()).select_from(Registration)
                      .where(Registration.exam_id == checked_id(exam_id, "eksamen"))).one()
