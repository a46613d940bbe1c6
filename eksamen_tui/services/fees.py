"""Fee forms (honorarskjema): once an exam's grades are published, every
examiner due a form (external examiners, and internal ones marked as paid
in the commission form) is listed with the scripts they graded; the clerk
marks the form sent and confirmed (audited); the list exports."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import and_, false, func, or_
from sqlalchemy import select as core_select
from sqlmodel import select

from eksamen_tui.db.models import (
    Commission,
    CommissionMember,
    Course,
    Exam,
    Examiner,
    FeeForm,
    Grade,
    Registration,
    ScriptMovement,
)
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.fees import FeeState, due_fee_form, next_state, scripts_graded
from eksamen_tui.domain.plausibility import check_happened_on
from eksamen_tui.domain.vocabulary import GradeSource
from eksamen_tui.services import audit
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import checked_id, require
from eksamen_tui.services.queries import current_grade


@dataclass
class FeeLine:
    exam_id: int
    examiner_id: int
    course_code: str
    exam_form: str
    exam_date: date
    published_on: date
    name: str
    email: str
    employer: str
    is_external: bool
    is_paid: bool
    scripts: int | None  # scripts (or candidates) graded; None: not known
    state: FeeState
    sent_on: date | None
    confirmed_on: date | None

    @property
    def key(self) -> str:
        return f"{self.exam_id}:{self.examiner_id}"

    @property
    def basis(self) -> str:
        return "ekstern" if self.is_external else "intern (betalt)"


def fee_list(ctx: Context, *, days_back: int = 365, exam_id: int | None = None,
             include_confirmed: bool = True) -> list[FeeLine]:
    """Examiners due a fee form on exams published in the last `days_back`
    days (or on one exam), by publication date."""
    today = ctx.today()
    with ctx.read() as s:
        # plain rows, not ORM objects: a year holds thousands of published exams
        query = (select(Exam.id, Course.code, Exam.exam_form, Exam.exam_date, Exam.published_on)
                 .join(Course, Course.id == Exam.course_id).where(Exam.published_on.is_not(None)))
        if exam_id is not None:
            wanted = Exam.id == checked_id(exam_id, "eksamen")
        else:
            wanted = Exam.published_on >= today - timedelta(days=days_back)
        exams = s.exec(query.where(wanted)).all()
        if not exams:
            return []
        ids = _published_exams(wanted)  # a subquery: thousands of ids are no bound parameters
        members = s.exec(
            select(Commission.exam_id, Commission.id, Examiner.id, Examiner.name, Examiner.email, Examiner.employer,
                   Examiner.is_external, CommissionMember.is_paid, CommissionMember.candidate_count)
            .join(CommissionMember, CommissionMember.commission_id == Commission.id)
            .join(Examiner, Examiner.id == CommissionMember.examiner_id)
            .where(Commission.exam_id.in_(ids), Commission.kind == "ordinary")
        ).all()
        commissions: dict[int, set[int]] = defaultdict(set)
        for exam_key, commission_id, *_ in members:
            commissions[exam_key].add(commission_id)
        handed: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for exam_key, examiner_id, kind, count in s.exec(
            select(ScriptMovement.exam_id, ScriptMovement.examiner_id, ScriptMovement.kind, func.sum(ScriptMovement.count))
            .where(ScriptMovement.exam_id.in_(ids), ScriptMovement.direction == "out")
            .group_by(ScriptMovement.exam_id, ScriptMovement.examiner_id, ScriptMovement.kind)
        ).all():
            handed[(exam_key, examiner_id)][kind] = int(count or 0)
        graded = dict(s.exec(
            select(Registration.exam_id, func.count(func.distinct(Grade.registration_id)))
            .join(Grade, Grade.registration_id == Registration.id)
            .where(Registration.exam_id.in_(ids), current_grade(),
                   Grade.source != GradeSource.ATTENDANCE,
                   Registration.attendance_state == AttendanceState.ATTENDED.value)
            .group_by(Registration.exam_id)).all())
        forms = {(f.exam_id, f.examiner_id): f for f in s.exec(
            select(FeeForm.exam_id, FeeForm.examiner_id, FeeForm.sent_on, FeeForm.confirmed_on)
            .where(FeeForm.exam_id.in_(ids))).all()}
    by_id = {exam[0]: exam for exam in exams}
    lines = []
    seen = set()
    for exam_key, _, examiner_id, name, email, employer, is_external, is_paid, candidate_count in members:
        if (exam_key, examiner_id) in seen or not due_fee_form(is_external=is_external, is_paid=is_paid):
            continue
        seen.add((exam_key, examiner_id))
        _, course_code, exam_form, exam_date, published_on = by_id[exam_key]
        form = forms.get((exam_key, examiner_id))
        state = _state(form)
        if state is FeeState.CONFIRMED and not include_confirmed:
            continue
        out = handed.get((exam_key, examiner_id), {})
        lines.append(FeeLine(
            exam_key, examiner_id, course_code, exam_form, exam_date, published_on, name,
            email, employer, is_external, is_paid,
            scripts_graded(reported=candidate_count, handed_out=max(out.values(), default=0),
                           graded_on_exam=graded.get(exam_key, 0), commissions=len(commissions[exam_key])),
            state, form.sent_on if form else None, form.confirmed_on if form else None))
    lines.sort(key=lambda line: (line.published_on, line.course_code, line.name))
    return lines


def _mark(ctx: Context, exam_id: int, examiner_id: int, wanted: FeeState, on_date: date | None) -> FeeLine:
    exam_id, examiner_id = checked_id(exam_id, "eksamen"), checked_id(examiner_id, "sensor")
    line = next((l for l in fee_list(ctx, exam_id=exam_id) if l.examiner_id == examiner_id), None)
    if line is None:
        with ctx.read() as s:
            exam = require(s, Exam, exam_id, "eksamen")
        if exam.published_on is None:
            raise DomainError("Sensuren er ikke kunngjort: honorarskjema sendes når sensuren er ferdig")
        raise DomainError("Sensoren skal ikke ha honorarskjema for denne eksamenen (intern, ikke merket betalt)")
    next_state(line.state, wanted)
    on_date = check_happened_on(on_date or ctx.today(), what="datoen", today=ctx.today(),
                                not_before=line.published_on if wanted is FeeState.SENT else line.sent_on,
                                not_before_what="kunngjøringen" if wanted is FeeState.SENT else "utsendelsen")
    with ctx.write() as s:
        form = s.exec(select(FeeForm).where(FeeForm.exam_id == exam_id, FeeForm.examiner_id == examiner_id)).first()
        if form is None:
            form = FeeForm(exam_id=exam_id, examiner_id=examiner_id)
        if wanted is FeeState.SENT:
            form.sent_on, form.sent_by, field_name = on_date, ctx.clerk, "sent_on"
        else:
            form.confirmed_on, form.confirmed_by, field_name = on_date, ctx.clerk, "confirmed_on"
        s.add(form)
        s.flush()
        audit.record(s, ctx, "fee_form", form.id, field_name, None, on_date, reason_code=f"fee_{wanted.value}",
                     note=f"{line.course_code} {line.exam_date:%d.%m.%Y}, {line.name}")
    return next(l for l in fee_list(ctx, exam_id=exam_id) if l.examiner_id == examiner_id)


def mark_sent(ctx: Context, exam_id: int, examiner_id: int, on_date: date | None = None) -> FeeLine:
    return _mark(ctx, exam_id, examiner_id, FeeState.SENT, on_date)


def mark_confirmed(ctx: Context, exam_id: int, examiner_id: int, on_date: date | None = None) -> FeeLine:
    return _mark(ctx, exam_id, examiner_id, FeeState.CONFIRMED, on_date)


def _published_exams(wanted):
    """The ids of the published exams that match `wanted`, as a subquery."""
    return select(Exam.id).where(Exam.published_on.is_not(None), wanted).scalar_subquery()


def _state(form) -> FeeState:
    """A fee form's state from its dates (no form yet: due)."""
    if form is None:
        return FeeState.DUE
    return _state_of(form.sent_on is not None, form.confirmed_on is not None)


def _state_of(sent: bool, confirmed: bool) -> FeeState:
    if not sent:
        return FeeState.DUE
    return FeeState.CONFIRMED if confirmed else FeeState.SENT


def fee_counts(ctx: Context, *, days_back: int = 365) -> dict[str, int]:
    """How many fee forms of `fee_list` are due and sent-but-unconfirmed,
    without building its lines (the dashboard asks on every look): counted
    in SQL, a year of published exams has ~10,000 commission members."""
    commission, member, examiner, fee_form = (table.__table__ for table in (Commission, CommissionMember, Examiner,
                                                                           FeeForm))
    ids = _published_exams(Exam.published_on >= ctx.today() - timedelta(days=days_back))
    # each examiner due a form once per exam, as `fee_list` lists them
    pairs = (core_select(commission.c.exam_id, member.c.examiner_id).distinct()
             .join_from(commission, member, member.c.commission_id == commission.c.id)
             .join(examiner, examiner.c.id == member.c.examiner_id)
             .where(commission.c.exam_id.in_(ids), commission.c.kind == "ordinary",
                    _due_member(examiner.c.is_external, member.c.is_paid))
             .subquery())
    sent, confirmed = fee_form.c.sent_on.is_not(None), fee_form.c.confirmed_on.is_not(None)
    counts = {FeeState.DUE: 0, FeeState.SENT: 0, FeeState.CONFIRMED: 0}
    with ctx.read() as s:
        for is_sent, is_confirmed, count in s.connection().execute(
                core_select(sent, confirmed, func.count())
                .select_from(pairs.outerjoin(fee_form, and_(fee_form.c.exam_id == pairs.c.exam_id,
                                                            fee_form.c.examiner_id == pairs.c.examiner_id)))
                .group_by(sent, confirmed)).all():
            counts[_state_of(bool(is_sent), bool(is_confirmed))] += count
    return {"fee_due": counts[FeeState.DUE], "fee_unconfirmed": counts[FeeState.SENT]}


def _due_member(is_external, is_paid):
    """The commission members due a fee form, as a where-clause: the
    domain's `due_fee_form` asked for each of the four kinds of member
    (external or not, paid or not), so the rule stays written once."""
    kinds = [and_(is_external == external, is_paid == paid)
             for external in (False, True) for paid in (False, True)
             if due_fee_form(is_external=external, is_paid=paid)]
    return or_(*kinds) if kinds else false()


def export_fees(ctx: Context, path: Path | None = None, *, days_back: int = 365) -> Path:
    """The fee-form list as .xlsx (A4 landscape); private, never overwritten."""
    from openpyxl.styles import Font

    from eksamen_tui.excel.writer import append_row, new_workbook, setup_print
    from eksamen_tui.export_files import export_name, export_target, save_workbook
    from eksamen_tui.services.context import export_dir

    lines = fee_list(ctx, days_back=days_back)
    path = export_target(path, export_name("honorarskjema", ctx.today(), suffix=".xlsx"), export_dir)
    workbook, sheet = new_workbook("Honorar")
    setup_print(sheet, title=f"Honorarskjema per {ctx.today():%d.%m.%Y}", title_rows=(3, 3), landscape=True,
                widths=(10, 12, 12, 24, 30, 16, 14, 11, 12, 12, 12))
    append_row(sheet, [f"Honorarskjema – sensorer med kunngjort sensur (per {ctx.today():%d.%m.%Y})"],
               Font(bold=True, size=13))
    append_row(sheet, [])
    append_row(sheet, ["Emne", "Eksamen", "Kunngjort", "Sensor", "E-post", "Arbeidsgiver", "Grunnlag",
                       "Besvarelser", "Status", "Sendt", "Bekreftet"], Font(bold=True))
    for line in lines:
        append_row(sheet, [line.course_code, line.exam_date, line.published_on, line.name, line.email, line.employer,
                           line.basis, line.scripts if line.scripts is not None else "ukjent", line.state.label,
                           line.sent_on, line.confirmed_on])
    return save_workbook(workbook, path)
