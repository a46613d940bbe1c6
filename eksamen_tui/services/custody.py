"""Answer-script custody per exam: scripts handed out to each examiner of
the commission and returned, the shortfall in words until it is resolved
with a reason, what is overdue, and the custody list for the auditor.
Every handing-out, return and resolution is one transaction with its audit
row."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from eksamen_tui.db.models import (
    Commission,
    CommissionMember,
    Course,
    Exam,
    Examiner,
    Registration,
    ScriptMovement,
    ScriptResolution,
)
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.domain.custody import (
    Balance,
    Direction,
    Movement,
    Resolution,
    ScriptKind,
    balances,
    check_count,
    check_reason,
    check_return,
    default_hand_out,
    is_flagged,
    is_overdue,
    is_resolved,
    missing_in_words,
    return_deadline,
)
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.exam_forms import is_oral_or_practical
from eksamen_tui.domain.parsing import parse_number
from eksamen_tui.domain.plausibility import check_happened_on
from eksamen_tui.services import audit
from eksamen_tui.services.context import Context
from eksamen_tui.services.extensions import GradingDeadline, deadline_of, extensions_for
from eksamen_tui.services.lookup import checked_id, require


@dataclass
class ExaminerRow:
    examiner_id: int
    name: str
    is_external: bool
    commission: int | None  # the ordinary commission's number; None: not on it (any more)

    @property
    def kind(self) -> ScriptKind:
        return ScriptKind.for_examiner(self.is_external)

    @property
    def type_label(self) -> str:
        return "ekstern" if self.is_external else "intern"


@dataclass
class CustodyItem:
    """Scripts of one kind with one examiner, with their status."""

    examiner_id: int
    name: str
    is_external: bool
    balance: Balance
    due: date | None
    overdue: bool
    resolved_reason: str | None  # the reason a shortfall was accounted for

    @property
    def kind(self) -> ScriptKind:
        return self.balance.kind

    @property
    def open_out(self) -> int:
        """Scripts out and not accounted for (with the examiner, or missing)."""
        return 0 if self.resolved_reason is not None else max(self.balance.missing, 0)

    @property
    def flagged(self) -> bool:
        """Shown as missing: fewer back than out, or none back by the due day."""
        return is_flagged(self.balance, self.overdue, resolved=self.resolved_reason is not None)

    @property
    def open_missing(self) -> int:
        """Scripts missing (flagged) and not accounted for."""
        return self.open_out if self.flagged else 0

    @property
    def words(self) -> str:
        text = missing_in_words(self.balance)
        if self.resolved_reason is not None:
            text += f" – avklart: {self.resolved_reason}"
        elif self.overdue:
            text += f" – OVER FRIST (skulle vært tilbake {self.due:%d.%m.%Y})"
        elif self.balance.missing > 0 and self.due is not None:
            text += f" – tilbake senest {self.due:%d.%m.%Y}"
        return text

    def sentence(self) -> str:
        return f"{self.name} ({'ekstern' if self.is_external else 'intern'}): {self.words}"


@dataclass
class CustodyView:
    exam_id: int
    course_code: str
    course_name: str
    exam_form: str
    exam_date: date
    published_on: date | None
    submissions: int  # the attendance desk's count of candidates who handed in
    grading: GradingDeadline
    explanation_deadline: date | None
    examiners: list[ExaminerRow]
    items: list[CustodyItem]
    movements: list[ScriptMovement] = field(default_factory=list)
    resolutions: list[ScriptResolution] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.course_code} {self.course_name} – {self.exam_form} {self.exam_date:%d.%m.%Y}"

    def item(self, examiner_id: int, kind: ScriptKind) -> CustodyItem | None:
        return next((i for i in self.items if i.examiner_id == examiner_id and i.kind is kind), None)

    def examiner(self, examiner_id: int) -> ExaminerRow | None:
        return next((e for e in self.examiners if e.examiner_id == examiner_id), None)

    def out_of_kind(self, kind: ScriptKind) -> int:
        return sum(i.balance.out for i in self.items if i.kind is kind)

    def default_count(self, examiner_id: int, direction: Direction, kind: ScriptKind | None = None) -> int:
        """What the counter's count field is prefilled with."""
        row = self.examiner(examiner_id)
        kind = kind or (row.kind if row else ScriptKind.ORIGINAL)
        if direction is Direction.OUT:
            return default_hand_out(self.submissions, self.out_of_kind(kind))
        item = self.item(examiner_id, kind)
        return max(item.balance.missing, 0) if item else 0

    @property
    def missing(self) -> int:
        """Scripts flagged as missing and not accounted for."""
        return sum(i.open_missing for i in self.items)

    @property
    def out(self) -> int:
        """Scripts still with the examiners in time (not missing)."""
        return sum(i.open_out for i in self.items if not i.flagged)

    @property
    def overdue(self) -> list[CustodyItem]:
        return [i for i in self.items if i.overdue]

    def summary(self) -> str:
        """The exam's custody in one line of words."""
        if not self.items:
            return "Ingen besvarelser utlevert ennå"
        open_items = [i for i in self.items if i.open_missing]
        out = [i for i in self.items if i.open_out and not i.flagged]
        if not open_items and not out:
            return "Alle utleverte besvarelser er gjort rede for"
        parts = []
        if open_items:
            total = sum(i.open_missing for i in open_items)
            head = f"{total} besvarelse mangler" if total == 1 else f"{total} besvarelser mangler"
            late = sum(1 for i in open_items if i.overdue)
            parts.append(head + (f" ({late} over frist)" if late else "") + ": " + "; ".join(
                f"{i.open_missing} {i.kind.label if i.open_missing == 1 else i.kind.plural} hos {i.name}"
                for i in open_items))
        if out:
            parts.append("ute hos sensor, i tide: " + "; ".join(
                f"{i.open_out} {i.kind.label if i.open_out == 1 else i.kind.plural} hos {i.name}" for i in out))
        return " · ".join(parts)


def _explanation_deadline(ctx: Context, exam: Exam) -> date | None:
    if exam.published_on is None:
        return None
    return ctx.rules.explanation_request(exam.published_on, oral_or_practical=is_oral_or_practical(exam.exam_form))


def _movements(rows: list[ScriptMovement]) -> list[Movement]:
    """The domain's movements from stored ones (ORM objects or plain rows)."""
    return [Movement(r.examiner_id, ScriptKind(r.kind), Direction(r.direction), r.count, r.on_date) for r in rows]


def _resolutions(rows: list[ScriptResolution]) -> list[Resolution]:
    return [Resolution(r.examiner_id, ScriptKind(r.kind), r.missing, r.reason) for r in rows]


def _items(ctx: Context, exam: Exam, grading: GradingDeadline, moves: list[ScriptMovement],
           resolutions: list[ScriptResolution], people: dict[int, tuple[str, bool]]) -> list[CustodyItem]:
    today = ctx.today()
    explanation = _explanation_deadline(ctx, exam)
    resolved = _resolutions(resolutions)
    items = []
    for (examiner_id, kind), balance in balances(_movements(moves)).items():
        name, external = people.get(examiner_id, (f"sensor {examiner_id}", False))
        due = return_deadline(kind, grading.effective, explanation)
        done = is_resolved(balance, resolved)
        reason = next((r.reason for r in reversed(resolved)
                       if r.examiner_key == examiner_id and r.kind is kind), None) if done else None
        items.append(CustodyItem(examiner_id, name, external, balance, due,
                                 is_overdue(balance, due, today, resolved=done), reason))
    return items


def _submissions(s: Session, exam_id: int) -> int:
    return s.exec(select(func.count()).select_from(Registration).where(
        Registration.exam_id == exam_id, Registration.attendance_state == AttendanceState.ATTENDED.value)).one()


def _examiners(s: Session, exam_id: int, moved_ids: set[int]) -> list[ExaminerRow]:
    rows = s.exec(
        select(Examiner, Commission.number)
        .join(CommissionMember, CommissionMember.examiner_id == Examiner.id)
        .join(Commission, Commission.id == CommissionMember.commission_id)
        .where(Commission.exam_id == exam_id, Commission.kind == "ordinary")
        .order_by(Commission.number, Examiner.is_external, Examiner.name)
    ).all()
    result: dict[int, ExaminerRow] = {}
    for examiner, number in rows:
        result.setdefault(examiner.id, ExaminerRow(examiner.id, examiner.name, examiner.is_external, number))
    missing = moved_ids - set(result)
    if missing:  # scripts are with someone no longer on the commission: still shown
        for examiner in s.exec(select(Examiner).where(Examiner.id.in_(sorted(missing)))).all():
            result[examiner.id] = ExaminerRow(examiner.id, examiner.name, examiner.is_external, None)
    return list(result.values())


def custody_view(ctx: Context, exam_id: int) -> CustodyView:
    exam_id = checked_id(exam_id, "eksamen")
    with ctx.read() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        course = s.get(Course, exam.course_id)
        moves = list(s.exec(select(ScriptMovement).where(ScriptMovement.exam_id == exam_id)
                            .order_by(ScriptMovement.on_date, ScriptMovement.id)).all())
        resolutions = list(s.exec(select(ScriptResolution).where(ScriptResolution.exam_id == exam_id)
                                  .order_by(ScriptResolution.id)).all())
        examiners = _examiners(s, exam_id, {m.examiner_id for m in moves})
        submissions = _submissions(s, exam_id)
        grading = deadline_of(ctx, exam, extensions_for(s, [exam_id]).get(exam_id))
    people = {e.examiner_id: (e.name, e.is_external) for e in examiners}
    return CustodyView(exam.id, course.code, course.name, exam.exam_form, exam.exam_date, exam.published_on,
                       submissions, grading, _explanation_deadline(ctx, exam), examiners,
                       _items(ctx, exam, grading, moves, resolutions, people), moves, resolutions)


@dataclass
class Registered:
    """What one handing-out or return did, for the message line."""

    item: CustodyItem
    movement_id: int
    warning: str = ""

    def describe(self, direction: Direction) -> str:
        item = self.item
        count = self.item.balance.out if direction is Direction.OUT else self.item.balance.back
        verb = "utlevert til" if direction is Direction.OUT else "returnert fra"
        text = f"{count} {item.kind.plural if count != 1 else item.kind.label} {verb} {item.name} i alt: {item.words}"
        return text + (f". {self.warning}" if self.warning else "")


def _register(ctx: Context, exam_id: int, examiner_id: int, count: object, direction: Direction,
              kind: ScriptKind | str | None, on_date: date | None, note: str) -> Registered:
    number = check_count(parse_number(count, what="antall besvarelser", max_digits=5))
    examiner_id = checked_id(examiner_id, "sensor")
    view = custody_view(ctx, exam_id)
    row = view.examiner(examiner_id)
    if row is None:
        raise DomainError(f"Sensor {examiner_id} er ikke i kommisjonen for {view.course_code} "
                          f"{view.exam_date:%d.%m.%Y}")
    kind = ScriptKind.parse(kind) if kind is not None else row.kind
    on_date = check_happened_on(on_date or ctx.today(), what="datoen", today=ctx.today(),
                                not_before=view.exam_date, not_before_what="eksamensdagen")
    current = view.item(examiner_id, kind)
    warning = ""
    if direction is Direction.BACK:
        check_return(current.balance if current else None, number, kind)
    elif view.out_of_kind(kind) + number > view.submissions:
        warning = (f"Merk: {view.out_of_kind(kind) + number} {kind.plural} utlevert i alt, men oppmøtet har "
                   f"{view.submissions} innleverte besvarelser")
    with ctx.write() as s:
        move = ScriptMovement(exam_id=view.exam_id, examiner_id=examiner_id, kind=kind.value,
                              direction=direction.value, count=number, on_date=on_date, at=ctx.now(),
                              clerk=ctx.clerk, note=" ".join(note.split())[:200])
        s.add(move)
        s.flush()
        before = current.balance if current else Balance(examiner_id, kind, 0, 0)
        field_name, old, new = (("out", before.out, before.out + number) if direction is Direction.OUT
                                else ("back", before.back, before.back + number))
        audit.record(s, ctx, "script_movement", move.id, field_name, old, new,
                     reason_code="hand_out" if direction is Direction.OUT else "return",
                     note=f"{view.course_code} {view.exam_date:%d.%m.%Y}: {number} {kind.plural} "
                          f"{'til' if direction is Direction.OUT else 'fra'} {row.name} ({on_date:%d.%m.%Y})")
        move_id = move.id
    after = custody_view(ctx, exam_id).item(examiner_id, kind)
    return Registered(after, move_id, warning)


def hand_out(ctx: Context, exam_id: int, examiner_id: int, count: object, *, kind: ScriptKind | str | None = None,
             on_date: date | None = None, note: str = "") -> Registered:
    """Scripts handed to an examiner of the commission (by the clerk at the counter)."""
    return _register(ctx, exam_id, examiner_id, count, Direction.OUT, kind, on_date, note)


def return_scripts(ctx: Context, exam_id: int, examiner_id: int, count: object, *,
                   kind: ScriptKind | str | None = None, on_date: date | None = None, note: str = "") -> Registered:
    """Scripts back from an examiner (received by the clerk at the counter)."""
    return _register(ctx, exam_id, examiner_id, count, Direction.BACK, kind, on_date, note)


def resolve_shortfall(ctx: Context, exam_id: int, examiner_id: int, kind: ScriptKind | str, reason: str) -> CustodyItem:
    """Account for scripts that will not come back, with a reason (audited).
    The resolution holds for this shortfall: a later return re-opens it."""
    reason = check_reason(reason)
    kind = ScriptKind.parse(kind)
    view = custody_view(ctx, exam_id)
    item = view.item(checked_id(examiner_id, "sensor"), kind)
    if item is None or item.balance.missing <= 0:
        raise DomainError("Ingen besvarelser mangler hos denne sensoren – ingenting å avklare")
    if item.resolved_reason is not None:
        raise DomainError(f"Mangelen er allerede avklart: {item.resolved_reason}")
    with ctx.write() as s:
        row = ScriptResolution(exam_id=view.exam_id, examiner_id=item.examiner_id, kind=kind.value,
                               missing=item.balance.missing, reason=reason, at=ctx.now(), clerk=ctx.clerk)
        s.add(row)
        s.flush()
        audit.record(s, ctx, "script_resolution", row.id, "missing", item.balance.missing, 0,
                     reason_code="resolved", note=f"{view.course_code} {view.exam_date:%d.%m.%Y}, {item.name}: {reason}")
    return custody_view(ctx, exam_id).item(item.examiner_id, kind)


# --- many exams at once: the dashboard -------------------------------------------

def custody_items_for(ctx: Context, session: Session, exams: list[Exam],
                      extended: dict[int, date] | None = None) -> dict[int, list[CustodyItem]]:
    """Custody items per exam for `exams` (those with movements only).
    `exams`: Exam objects, or plain rows with the fields read here (id,
    exam_date, is_thesis, published_on, exam_form)."""
    ids = [e.id for e in exams]
    if not ids:
        return {}
    # plain rows with the fields `_items` reads (SQL Core: the dashboard's
    # table waits for these, in a process whose statements are not compiled yet)
    movement, resolution, examiner = ScriptMovement.__table__.c, ScriptResolution.__table__.c, Examiner.__table__.c
    conn = session.connection()
    moves: dict[int, list] = defaultdict(list)
    resolutions: dict[int, list] = defaultdict(list)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        for row in conn.execute(select(movement.exam_id, movement.examiner_id, movement.kind, movement.direction,
                                       movement.count, movement.on_date)
                                .where(movement.exam_id.in_(chunk)).order_by(movement.on_date, movement.id)):
            moves[row.exam_id].append(row)
        for row in conn.execute(select(resolution.exam_id, resolution.examiner_id, resolution.kind, resolution.missing,
                                       resolution.reason)
                                .where(resolution.exam_id.in_(chunk)).order_by(resolution.id)):
            resolutions[row.exam_id].append(row)
    if not moves:
        return {}
    people = {examiner_id: (name, external) for examiner_id, name, external in conn.execute(
        select(examiner.id, examiner.name, examiner.is_external)
        .where(examiner.id.in_(sorted({m.examiner_id for rows in moves.values() for m in rows})))).all()}
    if extended is None:
        extended = {k: v.new_deadline for k, v in extensions_for(session, list(moves)).items()}
    result = {}
    for exam in exams:
        if exam.id not in moves:
            continue
        regular = ctx.rules.grading(exam.exam_date, thesis=exam.is_thesis)
        grading = GradingDeadline(regular, extended.get(exam.id))
        result[exam.id] = _items(ctx, exam, grading, moves[exam.id], resolutions[exam.id], people)
    return result


def custody_items_by_exam(ctx: Context, days_back: int = 365) -> dict[int, list[CustodyItem]]:
    """Custody items of every exam of the last `days_back` days with scripts handed out."""
    today = ctx.today()
    with ctx.read() as s:
        exam_ids = s.exec(select(ScriptMovement.exam_id).distinct()).all()
        exams = s.exec(select(Exam).where(Exam.id.in_(exam_ids), Exam.exam_date >= today - timedelta(days=days_back))
                       ).all() if exam_ids else []
        return custody_items_for(ctx, s, list(exams))


def custody_summary(ctx: Context, days_back: int = 365) -> dict[str, int]:
    """For the dashboard: scripts missing (not accounted for) and overdue
    items on exams of the last `days_back` days."""
    items = custody_items_by_exam(ctx, days_back)
    flat = [item for rows in items.values() for item in rows]
    return {
        "scripts_missing": sum(i.open_missing for i in flat),
        "scripts_overdue": sum(1 for i in flat if i.overdue),
    }


# --- the custody list for the auditor --------------------------------------------

def export_custody(ctx: Context, exam_id: int, path: Path | None = None) -> Path:
    """The exam's custody list as .xlsx, set up for A4: per examiner and kind
    out, back, missing and status, then every handing-out and return with
    date and clerk, and the resolutions with their reasons. Private file,
    never overwritten: returns the path written."""
    from openpyxl.styles import Font

    from eksamen_tui.excel.writer import append_row, new_workbook, setup_print
    from eksamen_tui.export_files import export_name, export_target, save_workbook
    from eksamen_tui.services.context import export_dir

    view = custody_view(ctx, exam_id)
    names = {e.examiner_id: e.name for e in view.examiners}
    name = export_name(view.course_code, view.exam_date, view.exam_form.capitalize(), "besvarelser", suffix=".xlsx")
    path = export_target(path, name, export_dir)
    workbook, sheet = new_workbook("Besvarelser")
    title = f"Besvarelser {view.course_code} {view.course_name} – {view.exam_form} {view.exam_date:%d.%m.%Y}"
    setup_print(sheet, title=title, title_rows=(7, 7), widths=(26, 10, 10, 10, 10, 10, 44))
    bold = Font(bold=True)
    append_row(sheet, [f"Besvarelser – {view.course_code} {view.course_name}"], Font(bold=True, size=13))
    append_row(sheet, ["Eksamen", f"{view.exam_form} {view.exam_date:%d.%m.%Y}"])
    append_row(sheet, ["Innleverte besvarelser", view.submissions])
    append_row(sheet, ["Sensurfrist", view.grading.describe()])
    append_row(sheet, ["Status", view.summary()])
    append_row(sheet, [])
    append_row(sheet, ["Sensor", "Type", "Besvarelse", "Utlevert", "Tilbake", "Mangler", "Status"], bold)
    for item in view.items:
        append_row(sheet, [item.name, "ekstern" if item.is_external else "intern", item.kind.label,
                           item.balance.out, item.balance.back, item.balance.missing, item.words])
    append_row(sheet, [])
    append_row(sheet, ["Logg"], bold)
    append_row(sheet, ["Sensor", "Dato", "Hendelse", "Antall", "Type", "Saksbehandler", "Merknad"], bold)
    for move in view.movements:
        append_row(sheet, [names.get(move.examiner_id, str(move.examiner_id)), move.on_date,
                           Direction(move.direction).label, move.count, ScriptKind(move.kind).label, move.clerk,
                           move.note])
    if view.resolutions:
        append_row(sheet, [])
        append_row(sheet, ["Avklart mangel"], bold)
        append_row(sheet, ["Sensor", "Dato", "Type", "Antall", "", "Saksbehandler", "Årsak"], bold)
        for resolution in view.resolutions:
            append_row(sheet, [names.get(resolution.examiner_id, str(resolution.examiner_id)), resolution.at.date(),
                               ScriptKind(resolution.kind).label, resolution.missing, "", resolution.clerk,
                               resolution.reason])
    append_row(sheet, [])
    append_row(sheet, ["Kontrollert av", "", "", "", "", "", "______________________________   Dato: ___________"])
    return save_workbook(workbook, path)
