"""Grade entry against candidate numbers, control entry, computed course
grades and publishing. Anonymous: nothing here returns a name or a student
number. Each entry is one short transaction, committed before the next key."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from eksamen_tui.db.models import AuditEntry, Case, Course, Exam, ExamPart, Grade, Registration
from eksamen_tui.domain.appeal_rules import CaseType
from eksamen_tui.domain.attendance import AttendanceState, is_gradeable
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.grade_rules import compute_course_grade
from eksamen_tui.domain.parsing import parse_number
from eksamen_tui.domain.plausibility import check_happened_on
from eksamen_tui.domain.scales import GradeScale, grades_of, normalize_grade
from eksamen_tui.domain.vocabulary import GradeSource, GradeStatus, ProtocolStatus
from eksamen_tui.services import audit
from eksamen_tui.services.appeals import blocked_registration_ids
from eksamen_tui.services.attendance import find_registration, lock_candidate
from eksamen_tui.services.concurrency import (
    UNCHECKED,
    integrity_as_refusal,
    is_checked,
    last_change,
    lock,
    refuse,
    takes_row_locks,
)
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import checked_id, require
from eksamen_tui.services.queries import current_grade, gradeable, of_part

# Reason codes for changing a grade that is already controlled.
CORRECTION_REASONS = {
    "typo": "skrivefeil ved registrering",
    "examiner": "sensor har rettet karakteren",
    "protocol": "feil i protokollen",
    "other": "annet (se merknad)",
}

# Reasons for choosing one value of a mismatch (first entry or control).
MISMATCH_REASONS = {
    "protocol_checked": "sjekket mot signert protokoll",
    "examiner_confirmed": "bekreftet av sensor",
    "entry_typo": "skrivefeil ved førstegangsføring",
    "control_typo": "skrivefeil ved kontrollføring",
    "other": "annet (se merknad)",
}


@dataclass
class ProtocolRow:
    """One line of a protocol: candidate number, grade, status. No names."""

    registration_id: int
    candidate_number: int
    grade: str | None
    status: ProtocolStatus
    control_value: str | None = None


@dataclass
class ProtocolInfo:
    exam_id: int
    part_id: int | None
    course_code: str
    course_name: str
    exam_form: str
    exam_date: date
    scale: GradeScale
    title: str  # e.g. "TDT4100 Skoleeksamen 10.12.2026 – del Prosjekt (30 %)"
    parts: list[tuple[int, str, int]] = field(default_factory=list)  # (part id, name, weight)
    published_on: date | None = None
    grading_deadline: date | None = None  # the one in force (an approved extension's date)
    grading_extended_from: date | None = None  # the rule's deadline, when extended


def protocol_info(ctx: Context, exam_id: int, part_id: int | None = None) -> ProtocolInfo:
    with ctx.read() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        course = s.get(Course, exam.course_id)
        parts = s.exec(select(ExamPart).where(ExamPart.exam_id == exam_id).order_by(ExamPart.id)).all()
        part = require(s, ExamPart, part_id, "del") if part_id else None
        if part is not None and part.exam_id != exam.id:
            raise DomainError("Delen hører ikke til denne eksamenen")
        from eksamen_tui.services.extensions import deadline_of, extensions_for

        deadline = deadline_of(ctx, exam, extensions_for(s, [exam.id]).get(exam.id))
    title = f"{course.code} {exam.exam_form} {exam.exam_date:%d.%m.%Y}"
    scale = GradeScale(exam.grade_scale)
    if part is not None:
        title += f" – del {part.name} ({part.weight} %)"
        scale = GradeScale(part.grade_scale)
    return ProtocolInfo(exam.id, part_id, course.code, course.name, exam.exam_form, exam.exam_date, scale, title,
                        [(p.id, p.name, p.weight) for p in parts], exam.published_on,
                        deadline.effective, deadline.regular if deadline.is_extended else None)


def protocol(ctx: Context, exam_id: int, part_id: int | None = None,
             registration_ids: "set[int] | None" = None) -> list[ProtocolRow]:
    """The gradeable candidates (attended) in candidate-number order; with
    `registration_ids`, only those (a desk refreshing rows another counter
    changed)."""
    exam_id = checked_id(exam_id, "eksamen")
    part_id = checked_id(part_id, "del") if part_id else None
    with ctx.read() as s:
        query = (select(Registration.id, Registration.candidate_number)
                 .where(Registration.exam_id == exam_id,
                        gradeable())
                 .order_by(Registration.candidate_number))
        if registration_ids is not None:
            query = query.where(Registration.id.in_(list(registration_ids)[:5000]))
        regs = s.exec(query).all()
        # plain rows, not ORM objects: a protocol can have 10,000 lines
        query = (
            select(Grade.registration_id, Grade.value, Grade.status, Grade.source, Grade.control_value)
            .join(Registration, Registration.id == Grade.registration_id)
            .where(Registration.exam_id == exam_id, current_grade(part_id))
        )
        if registration_ids is not None:
            query = query.where(Grade.registration_id.in_([reg_id for reg_id, _ in regs]))
        grades = {row.registration_id: row for row in s.exec(query).all()}
        blocked = blocked_registration_ids(s, exam_id) if part_id is None else set()
    return [_row(reg_id, number, grades.get(reg_id), reg_id in blocked) for reg_id, number in regs]


def _row(reg_id: int, number: int, grade: Grade | None, blocked: bool) -> ProtocolRow:
    if grade is None:
        return ProtocolRow(reg_id, number, None, ProtocolStatus.BLOCKED if blocked else ProtocolStatus.EMPTY)
    if blocked:
        status = ProtocolStatus.BLOCKED
    elif grade.source == GradeSource.COMPUTED:
        status = ProtocolStatus.COMPUTED
    elif grade.status == GradeStatus.CONTROLLED:
        status = ProtocolStatus.CONTROLLED
    elif grade.status == GradeStatus.MISMATCH:
        status = ProtocolStatus.MISMATCH
    else:
        status = ProtocolStatus.ENTERED
    return ProtocolRow(reg_id, number, grade.value, status, grade.control_value)


@dataclass
class Entry:
    """What one keystroke did: enough to show it and to undo it."""

    registration_id: int
    candidate_number: int
    part_id: int | None
    old_value: str | None
    new_value: str
    row: ProtocolRow
    computed: ProtocolRow | None = None  # the course grade, when a part entry completed it


def _gradeable(s: Session, exam_id: int, candidate: str | int) -> Registration:
    reg = find_registration(s, exam_id, candidate)
    state = AttendanceState(reg.attendance_state)
    if not is_gradeable(state):
        raise DomainError(f"Kandidat {reg.candidate_number} er registrert som «{state.label}» og kan ikke få karakter")
    return reg


def _scale(s: Session, exam: Exam, part_id: int | None) -> GradeScale:
    if part_id:
        part = s.get(ExamPart, checked_id(part_id, "del"))
        if part is None or part.exam_id != exam.id:
            raise DomainError("Delen hører ikke til denne eksamenen")
        return GradeScale(part.grade_scale)
    return GradeScale(exam.grade_scale)


_REG = Registration.__table__
_GRADE = Grade.__table__
_CASE = Case.__table__


def _entry_facts_query(with_part: bool):
    open_appeal = (
        select(_CASE.c.id)
        .where(_CASE.c.registration_id == _REG.c.id, _CASE.c.case_type == CaseType.GRADE_APPEAL.value,
               _CASE.c.closed_on.is_(None))
        .exists()
    )
    grade_join = (_GRADE.c.registration_id == _REG.c.id) & current_grade(
        bindparam("part_id") if with_part else None, _GRADE.c)
    return (
        select(_REG.c.id, _REG.c.attendance_state, open_appeal.label("blocked"),
               _GRADE.c.id.label("grade_id"), _GRADE.c.value, _GRADE.c.status, _GRADE.c.entered_by,
               _GRADE.c.entered_at, _GRADE.c.source)
        .select_from(_REG.outerjoin(_GRADE, grade_join))
        .where(_REG.c.exam_id == bindparam("exam_id"), _REG.c.candidate_number == bindparam("number"))
    )


# Built once: a keystroke only binds values (statement building showed up
# as a third of the time per entry).
_FACTS = {False: _entry_facts_query(False), True: _entry_facts_query(True)}
_EXAM_FACTS = select(
    Exam.__table__.c.grade_scale,
    select(func.count()).select_from(ExamPart.__table__)
    .where(ExamPart.__table__.c.exam_id == bindparam("exam_id")).scalar_subquery(),
).where(Exam.__table__.c.id == bindparam("exam_id"))
_PART_FACTS = select(ExamPart.__table__.c.exam_id, ExamPart.__table__.c.grade_scale).where(
    ExamPart.__table__.c.id == bindparam("part_id"))
_LOCK_CANDIDATE = (select(_REG.c.id)
                   .where(_REG.c.exam_id == bindparam("exam_id"), _REG.c.candidate_number == bindparam("number"))
                   .with_for_update())
_INSERT_GRADE = _GRADE.insert()
_CONTROL_GRADE = _GRADE.update().where(_GRADE.c.id == bindparam("grade_id")).values(
    control_value=bindparam("control_value"), controlled_by=bindparam("controlled_by"),
    controlled_at=bindparam("controlled_at"), status=bindparam("new_status"))
_UPDATE_GRADE = _GRADE.update().where(_GRADE.c.id == bindparam("grade_id")).values(
    value=bindparam("value"), entered_by=bindparam("entered_by"), entered_at=bindparam("entered_at"))


def _entry_facts(conn, exam_id: int, candidate_number: int, part_id: int | None):
    """One round trip for everything a keystroke needs to know: the
    registration, its state, an open appeal, and the current grade."""
    return conn.execute(_FACTS[bool(part_id)],
                        {"exam_id": exam_id, "number": candidate_number, "part_id": part_id}).first()


def _exam_scale(conn, exam_id: int, part_id: int | None) -> tuple[GradeScale, bool]:
    """The scale the entry is on, and whether the exam has parts."""
    facts = conn.execute(_EXAM_FACTS, {"exam_id": checked_id(exam_id, "eksamen")}).first()
    if facts is None:
        raise DomainError(f"Fant ingen eksamen med id {exam_id}")
    scale, parts = facts
    if part_id:
        part = conn.execute(_PART_FACTS, {"part_id": checked_id(part_id, "del")}).first()
        if part is None or part.exam_id != exam_id:
            raise DomainError("Delen hører ikke til denne eksamenen")
        scale = part.grade_scale
    return GradeScale(scale), bool(parts)


def _changed_grade(ctx: Context, bind, number: int, registration_id: int, part_id: int | None, grade, *,
                   blind: bool = False):
    """The refusal for a grade that is no longer what the desk showed:
    who set the stored value (or emptied it) and when. `blind` (control
    entry): the values are not named, the first entry stays hidden."""
    if grade is None:
        ids = bind.execute(select(_GRADE.c.id).where(
            _GRADE.c.registration_id == registration_id,
            of_part(_GRADE.c.part_id, part_id))).scalars().all()
        by, at = last_change(bind, "grade", ids) if ids else (None, None)
        if by is None:  # the row was removed (an undone first entry): its audit row names the candidate
            t = AuditEntry.__table__
            last = bind.execute(select(t.c.clerk, t.c.at).where(
                t.c.entity == "grade", t.c.field == "value", t.c.new_value.is_(None),
                t.c.note == f"kandidat {number}").order_by(t.c.id.desc()).limit(1)).first()
            by, at = (last.clerk, last.at) if last else (None, None)
        return refuse(f"Kandidat {number}", "tømt", current=None, by=by, at=at, today=ctx.today(),
                      registration_id=registration_id)
    if grade.status in (GradeStatus.CONTROLLED, GradeStatus.MISMATCH) and getattr(grade, "controlled_by", None):
        what = (f"kontrollert ({grade.value})" if grade.status == GradeStatus.CONTROLLED
                else f"kontrollført med avvik ({grade.value} / {grade.control_value})")
        if blind:
            what = "kontrollert" if grade.status == GradeStatus.CONTROLLED else "kontrollført med avvik"
        return refuse(f"Kandidat {number}", what, current=grade.value, by=grade.controlled_by,
                      at=grade.controlled_at, today=ctx.today(), registration_id=registration_id)
    what = "endret" if blind else f"satt til {grade.value}"
    return refuse(f"Kandidat {number}", what, current=grade.value, by=grade.entered_by or None,
                  at=grade.entered_at, today=ctx.today(), registration_id=registration_id)


def _gradeable_facts(conn, exam_id: int, candidate: str | int, number: int, part_id: int | None):
    """The hot paths' facts for a candidate who may be graded, locked for
    this transaction on PostgreSQL (one writer per candidate at a time);
    the precise refusal when the candidate may not be graded."""
    if takes_row_locks(conn):
        conn.execute(_LOCK_CANDIDATE, {"exam_id": exam_id, "number": number})
    facts = _entry_facts(conn, exam_id, number, part_id)
    if facts is None or not is_gradeable(AttendanceState(facts.attendance_state)):
        with Session(bind=conn) as s:
            _gradeable(s, exam_id, candidate)  # raises the precise message
    return facts


def enter_grade(ctx: Context, exam_id: int, candidate: str | int, value: str, part_id: int | None = None, *,
                seen=UNCHECKED) -> Entry:
    """First entry (or re-entry before control) of a grade. The hot path of
    the busiest desk: SQL Core, two reads and two writes in one transaction.

    `seen`: the value the clerk's screen showed (None: empty). When the
    stored value differs, nothing is written: ChangedMeanwhile says who
    set it, to what and when."""
    with ctx.engine.begin() as conn:
        scale, has_parts = _exam_scale(conn, exam_id, part_id)
        grade_value = normalize_grade(value, scale)
        number = parse_number(candidate, what="kandidatnummer")
        facts = _gradeable_facts(conn, exam_id, candidate, number, part_id)
        if part_id is None and has_parts:
            raise DomainError("Eksamenen har deler: før karakter per del; samlet karakter beregnes")
        if part_id is None and facts.blocked:
            raise DomainError(f"Kandidat {number}: karakteren er sperret av en klage")
        old = facts.value if facts.grade_id is not None else None
        if is_checked(seen) and old != seen:
            grade = None
            if facts.grade_id is not None:
                grade = conn.execute(select(_GRADE).where(_GRADE.c.id == facts.grade_id)).first()
            raise _changed_grade(ctx, conn, number, facts.id, part_id, grade)
        if facts.grade_id is not None and facts.status in (GradeStatus.CONTROLLED, GradeStatus.MISMATCH):
            raise DomainError(
                f"Kandidat {number} har {'kontrollert' if facts.status == GradeStatus.CONTROLLED else 'avvikende'} "
                "karakter; bruk korriger (med årsak)"
            )
        if facts.grade_id is not None and old == grade_value:
            # the same grade typed again: nothing changes, nothing is written or audited
            # (the entry keeps the clerk who first typed it)
            return Entry(facts.id, number, part_id, old, grade_value,
                         ProtocolRow(facts.id, number, grade_value, ProtocolStatus.ENTERED), None)
        now = ctx.now()
        if facts.grade_id is None:
            with integrity_as_refusal(f"Kandidat {number} fikk karakter ved en annen skranke samtidig "
                                      "– ingenting er endret"):
                grade_id = conn.execute(_INSERT_GRADE, {
                    "registration_id": facts.id, "part_id": part_id, "value": grade_value,
                    "status": GradeStatus.PROVISIONAL.value, "source": GradeSource.ENTRY.value, "is_current": True,
                    "entered_by": ctx.clerk, "entered_at": now,
                }).inserted_primary_key[0]
        else:
            grade_id = facts.grade_id
            conn.execute(_UPDATE_GRADE, {"grade_id": grade_id, "value": grade_value, "entered_by": ctx.clerk,
                                         "entered_at": now})
        audit.record_core(conn, ctx, "grade", grade_id, "value", old, grade_value, reason_code="entry",
                          note=f"kandidat {number}")
        row = ProtocolRow(facts.id, number, grade_value, ProtocolStatus.ENTERED)
        computed = None
        if part_id:
            with Session(bind=conn) as s:
                computed = _recompute_course_grade(ctx, s, s.get(Exam, exam_id), s.get(Registration, facts.id))
                s.flush()
        return Entry(facts.id, number, part_id, old, grade_value, row, computed)


def _current_grades_for(s: Session, registration_id: int, part_id: int | None) -> Grade | None:
    query = select(Grade).where(Grade.registration_id == registration_id, current_grade(part_id))
    return s.exec(query).first()


def _recompute_course_grade(ctx: Context, s: Session, exam: Exam, reg: Registration) -> ProtocolRow | None:
    """When every part has a grade, the domain computes the course grade;
    it is stored with source "computed" and can't be typed over."""
    parts = s.exec(select(ExamPart).where(ExamPart.exam_id == exam.id)).all()
    values = []
    all_controlled = True
    for part in parts:
        grade = _current_grades_for(s, reg.id, part.id)
        if grade is None:
            return None
        values.append((part.weight, grade.value))
        all_controlled &= grade.status == GradeStatus.CONTROLLED
    result = compute_course_grade(values, GradeScale(exam.grade_scale))
    status = GradeStatus.CONTROLLED if all_controlled else GradeStatus.PROVISIONAL
    current = _current_grades_for(s, reg.id, None)
    if current is not None and current.value == result and current.status == status:
        return _row(reg.id, reg.candidate_number, current, False)
    old = current.value if current else None
    if current is None:
        current = Grade(registration_id=reg.id, part_id=None, value=result, status=status, source=GradeSource.COMPUTED,
                        entered_by=ctx.clerk, entered_at=ctx.now())
    else:
        current.value, current.status, current.source = result, status, GradeSource.COMPUTED
    if status == GradeStatus.CONTROLLED:
        current.control_value, current.controlled_by, current.controlled_at = result, ctx.clerk, ctx.now()
    s.add(current)
    s.flush()
    if old != result:
        audit.record(s, ctx, "grade", current.id, "value", old, result, reason_code="computed",
                     note=f"kandidat {reg.candidate_number}")
    return _row(reg.id, reg.candidate_number, current, False)


def undo_entry(ctx: Context, exam_id: int, entry: Entry) -> ProtocolRow:
    """Put back the value before `entry` (or remove a first entry)."""
    with ctx.write() as s:
        lock(s, Registration, entry.registration_id)
        grade = _current_grades_for(s, entry.registration_id, entry.part_id)
        if grade is None or grade.value != entry.new_value or grade.status != GradeStatus.PROVISIONAL:
            raise _changed_grade(ctx, s, entry.candidate_number, entry.registration_id, entry.part_id, grade)
        if entry.old_value == entry.new_value:  # the entry changed nothing: nor does its undo
            return _row(entry.registration_id, entry.candidate_number, grade, False)
        if entry.old_value is None:
            audit.record(s, ctx, "grade", grade.id, "value", grade.value, None, reason_code="undo",
                         note=f"kandidat {entry.candidate_number}")
            # retired, not deleted: the row keeps the audit trail tied to its candidate and exam
            grade.is_current = False
            s.add(grade)
            row = ProtocolRow(entry.registration_id, entry.candidate_number, None, ProtocolStatus.EMPTY)
        else:
            audit.record(s, ctx, "grade", grade.id, "value", grade.value, entry.old_value, reason_code="undo",
                         note=f"kandidat {entry.candidate_number}")
            grade.value = entry.old_value
            s.add(grade)
            row = _row(entry.registration_id, entry.candidate_number, grade, False)
        if entry.part_id:
            exam = s.get(Exam, exam_id)
            reg = s.get(Registration, entry.registration_id)
            course_grade = _current_grades_for(s, reg.id, None)
            if course_grade is not None and course_grade.source == GradeSource.COMPUTED:
                recomputed = _recompute_course_grade(ctx, s, exam, reg)
                if recomputed is None:  # a part is empty again: the computed grade goes
                    audit.record(s, ctx, "grade", course_grade.id, "value", course_grade.value, None,
                                 reason_code="undo")
                    course_grade.is_current = False
                    s.add(course_grade)
        return row


@dataclass
class ControlResult:
    row: ProtocolRow
    matched: bool
    computed: ProtocolRow | None = None


def control_grade(ctx: Context, exam_id: int, candidate: str | int, value: str, part_id: int | None = None, *,
                  seen=UNCHECKED, seen_status: str = GradeStatus.PROVISIONAL) -> ControlResult:
    """Second, independent entry: a match controls the grade, a mismatch is
    flagged. `seen`: the first entry the desk had (hidden from the clerk),
    `seen_status` its status there ("provisional", or "mismatch" when the
    desk showed an AVVIK); a grade changed, controlled or flagged by another
    counter meanwhile is refused, so a raced control pass applies once."""
    with ctx.engine.begin() as conn:  # the hot path of the control pass: SQL Core, as enter_grade
        scale, _ = _exam_scale(conn, exam_id, part_id)
        try:
            number = parse_number(candidate, what="kandidatnummer")
        except DomainError:
            with Session(bind=conn) as s:
                _gradeable(s, exam_id, candidate)  # raises the precise message
            raise
        facts = _gradeable_facts(conn, exam_id, candidate, number, part_id)
        control_value = normalize_grade(value, scale)
        if facts.grade_id is None and is_checked(seen) and seen is not None:
            raise _changed_grade(ctx, conn, number, facts.id, part_id, None, blind=True)
        if facts.grade_id is None:
            raise DomainError(f"Kandidat {number} har ingen karakter å kontrollere")
        if facts.source == GradeSource.COMPUTED:
            raise DomainError(f"Kandidat {number}: samlet karakter er beregnet og kontrolleres via delene")
        if facts.status == GradeStatus.CONTROLLED or (
                is_checked(seen) and (facts.value != seen or facts.status != seen_status)):
            grade = conn.execute(select(_GRADE).where(_GRADE.c.id == facts.grade_id)).first()
            raise _changed_grade(ctx, conn, number, facts.id, part_id, grade, blind=True)
        if facts.status == GradeStatus.MISMATCH and seen_status != GradeStatus.MISMATCH:
            raise DomainError(f"Kandidat {number} har allerede et avvik; løs det med L")
        check_four_eyes(ctx, facts.entered_by, number)
        matched = control_value == facts.value
        status = GradeStatus.CONTROLLED if matched else GradeStatus.MISMATCH
        conn.execute(_CONTROL_GRADE, {"grade_id": facts.grade_id, "control_value": control_value,
                                      "controlled_by": ctx.clerk, "controlled_at": ctx.now(),
                                      "new_status": status.value})
        audit.record_core(conn, ctx, "grade", facts.grade_id, "status", facts.status, status.value,
                          reason_code="control", note=f"kandidat {number}: kontroll {control_value}")
        computed = None
        if part_id:
            with Session(bind=conn) as s:
                computed = _recompute_course_grade(ctx, s, s.get(Exam, exam_id), s.get(Registration, facts.id))
                s.flush()
        row = ProtocolRow(facts.id, number, facts.value,
                          ProtocolStatus.CONTROLLED if matched else ProtocolStatus.MISMATCH, control_value)
        return ControlResult(row, matched, computed)


def check_four_eyes(ctx: Context, entered_by: str, candidate_number: int) -> None:
    """The control of a grade is by another clerk than its first entry (the
    institution setting `control_by_other_clerk`, on by default)."""
    if ctx.profile.control_by_other_clerk and entered_by == ctx.clerk:
        raise DomainError(
            f"Kandidat {candidate_number}: du førte karakteren selv – kontrollen må føres av en annen "
            "saksbehandler (fire øyne; innstillingen «control_by_other_clerk»)")


def blind_row(row: ProtocolRow) -> ProtocolRow:
    """The row as control entry may show it: a first value that is not yet
    controlled is never shown (neither while entered nor in a mismatch)."""
    if row.status in (ProtocolStatus.ENTERED, ProtocolStatus.MISMATCH):
        return replace(row, grade=None, control_value=None)
    return row


def grading_deadline_text(ctx: Context, info: ProtocolInfo) -> tuple[str, bool]:
    """The grading deadline as the desk shows it, and whether it is overdue.
    A published exam is shown as published, never as overdue."""
    from eksamen_tui.domain.deadlines import working_days_text

    deadline = info.grading_deadline
    # an approved extension: the desk says so (and from which date)
    shown = f"sensurfrist {deadline:%d.%m.%Y}" + (
        f" (UTSATT fra {info.grading_extended_from:%d.%m.%Y})" if info.grading_extended_from else "")
    if info.published_on is not None:
        return f"{shown} · kunngjort {info.published_on:%d.%m.%Y}", False
    days_left = ctx.rules.calendar.working_days_between(ctx.today(), deadline)
    if days_left >= 0:
        return f"{shown} ({working_days_text(days_left)} igjen) · ikke kunngjort", False
    return f"{shown} ({working_days_text(-days_left)} over fristen) · ikke kunngjort", True


def resolve_mismatch(ctx: Context, exam_id: int, candidate: str | int, value: str, reason: str,
                     part_id: int | None = None, *, seen=UNCHECKED) -> ProtocolRow:
    """Choose the right value for a mismatch, with a reason. `seen`: the
    first entry the desk showed."""
    if not reason.strip():
        raise DomainError("Oppgi en årsak for å løse avviket")
    with ctx.write() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        lock_candidate(s, exam_id, candidate)
        reg = _gradeable(s, exam_id, candidate)
        chosen = normalize_grade(value, _scale(s, exam, part_id))
        grade = _current_grades_for(s, reg.id, part_id)
        if is_checked(seen) and (grade is None or grade.value != seen or grade.status != GradeStatus.MISMATCH):
            if grade is not None and grade.status == GradeStatus.CONTROLLED:
                raise refuse(f"Avviket for kandidat {reg.candidate_number}", f"løst ({grade.value})",
                             current=grade.value, by=grade.controlled_by, at=grade.controlled_at,
                             today=ctx.today(), registration_id=reg.id)
            raise _changed_grade(ctx, s, reg.candidate_number, reg.id, part_id, grade)
        if grade is None or grade.status != GradeStatus.MISMATCH:
            raise DomainError(f"Kandidat {reg.candidate_number} har ikke et avvik å løse")
        if chosen not in (grade.value, grade.control_value):
            raise DomainError(f"Velg enten {grade.value} (første registrering) eller {grade.control_value} (kontroll)")
        old = grade.value
        grade.value, grade.control_value, grade.status = chosen, chosen, GradeStatus.CONTROLLED
        grade.controlled_by, grade.controlled_at = ctx.clerk, ctx.now()
        s.add(grade)
        audit.record(s, ctx, "grade", grade.id, "value", old, chosen, reason_code="mismatch_resolved", note=reason)
        if part_id:
            _recompute_course_grade(ctx, s, exam, reg)
        return _row(reg.id, reg.candidate_number, grade, False)


def correct_grade(ctx: Context, exam_id: int, candidate: str | int, value: str, reason_code: str,
                  note: str = "", part_id: int | None = None, *, seen=UNCHECKED) -> ProtocolRow:
    """Change a controlled (final) grade: needs a reason code; the old value
    stays in history and the audit trail. `seen`: the grade the desk showed."""
    if reason_code not in CORRECTION_REASONS:
        raise DomainError("Velg en årsakskode: " + ", ".join(f"{k} ({v})" for k, v in CORRECTION_REASONS.items()))
    with ctx.write() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        lock_candidate(s, exam_id, candidate)
        reg = _gradeable(s, exam_id, candidate)
        new_value = normalize_grade(value, _scale(s, exam, part_id))
        if part_id is None and reg.id in blocked_registration_ids(s, exam_id):
            raise DomainError(f"Kandidat {reg.candidate_number}: karakteren er sperret av en klage")
        grade = _current_grades_for(s, reg.id, part_id)
        if is_checked(seen) and (grade.value if grade is not None else None) != seen:
            raise _changed_grade(ctx, s, reg.candidate_number, reg.id, part_id, grade)
        if grade is None:
            raise DomainError(f"Kandidat {reg.candidate_number} har ingen karakter å korrigere")
        if grade.source == GradeSource.COMPUTED:
            raise DomainError("En beregnet karakter kan ikke overskrives; korriger delkarakteren")
        grade.is_current = False
        s.add(grade)
        s.flush()  # the old row stops being current before the new one is (one current grade per part)
        replacement = Grade(registration_id=reg.id, part_id=part_id, value=new_value, status=GradeStatus.CONTROLLED,
                            source=GradeSource.ENTRY, control_value=new_value, entered_by=ctx.clerk, entered_at=ctx.now(),
                            controlled_by=ctx.clerk, controlled_at=ctx.now())
        s.add(replacement)
        s.flush()
        audit.record(s, ctx, "grade", replacement.id, "value", grade.value, new_value, reason_code=reason_code,
                     note=note or f"kandidat {reg.candidate_number}")
        if part_id:
            _recompute_course_grade(ctx, s, exam, reg)
        return _row(reg.id, reg.candidate_number, replacement, False)


@dataclass
class Progress:
    expected: int
    entered: int
    controlled: int
    mismatches: int
    blocked: int
    distribution: dict[str, int]

    @property
    def uncontrolled(self) -> int:
        return self.entered - self.controlled


def progress_of(rows: list[ProtocolRow], scale: GradeScale) -> Progress:
    distribution = Counter(row.grade for row in rows if row.grade)
    return Progress(
        expected=len(rows),
        entered=sum(1 for r in rows if r.grade),
        controlled=sum(1 for r in rows if r.status in (ProtocolStatus.CONTROLLED, ProtocolStatus.COMPUTED) and r.grade),
        mismatches=sum(1 for r in rows if r.status == ProtocolStatus.MISMATCH),
        blocked=sum(1 for r in rows if r.status == ProtocolStatus.BLOCKED),
        distribution={grade: distribution.get(grade, 0) for grade in grades_of(scale)},
    )


def progress_changed(progress: Progress, old: ProtocolRow | None, new: ProtocolRow, scale: GradeScale) -> Progress:
    """`progress` after one row went from `old` (None: a new row) to `new`:
    what progress_of over every row gives, in O(1) (its counts add up)."""
    minus = progress_of([old] if old is not None else [], scale)
    plus = progress_of([new], scale)
    return Progress(
        expected=progress.expected - minus.expected + plus.expected,
        entered=progress.entered - minus.entered + plus.entered,
        controlled=progress.controlled - minus.controlled + plus.controlled,
        mismatches=progress.mismatches - minus.mismatches + plus.mismatches,
        blocked=progress.blocked - minus.blocked + plus.blocked,
        distribution={grade: count - minus.distribution[grade] + plus.distribution[grade]
                      for grade, count in progress.distribution.items()},
    )


def publish_refusal(ctx: Context, exam_id: int) -> str | None:
    """Why the exam's grades cannot be published now, in words (None: they
    can). Asked before the clerk is asked to confirm a publication."""
    with ctx.read() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        if exam.published_on is not None:
            return f"Sensur er allerede kunngjort {exam.published_on:%d.%m.%Y}"
    rows = protocol(ctx, exam_id)
    unfinished = (ProtocolStatus.EMPTY, ProtocolStatus.ENTERED, ProtocolStatus.MISMATCH)
    missing = [r.candidate_number for r in rows if r.status in unfinished]
    if missing:
        counts = Counter(r.status for r in rows if r.status in unfinished)
        labels = ((ProtocolStatus.EMPTY, "uten karakter"), (ProtocolStatus.ENTERED, "ukontrollert"),
                  (ProtocolStatus.MISMATCH, "med avvik"))
        what = ", ".join(f"{n} {label}" for status, label in labels if (n := counts[status]))
        noun = "kandidat mangler" if len(missing) == 1 else "kandidater mangler"
        return (f"Kan ikke kunngjøre: {len(missing)} {noun} kontrollert karakter ({what}; f.eks. kandidat "
                f"{missing[0]})")
    return None


def publish(ctx: Context, exam_id: int, on_date: date | None = None) -> dict[str, date]:
    """Publish an exam's grades: every grade must be controlled. Returns the
    explanation and appeal deadlines that follow from the publication date."""
    from eksamen_tui.domain.exam_forms import is_oral_or_practical

    on_date = check_happened_on(on_date or ctx.today(), what="kunngjøringsdatoen", today=ctx.today())
    refusal = publish_refusal(ctx, exam_id)
    if refusal:
        raise DomainError(refusal)
    with ctx.write() as s:
        lock(s, Exam, exam_id)
        exam = s.get(Exam, exam_id, populate_existing=True)
        if exam.published_on is not None:  # another counter published meanwhile
            by, at = last_change(s, "exam", exam_id, "published_on")
            raise refuse(f"Sensuren for {exam_label(s, exam)}", f"kunngjort {exam.published_on:%d.%m.%Y}",
                         current=exam.published_on, by=by, at=at, today=ctx.today())
        exam.published_on = on_date
        s.add(exam)
        audit.record(s, ctx, "exam", exam_id, "published_on", None, on_date, reason_code="publish")
        oral = is_oral_or_practical(exam.exam_form)
    return ctx.rules.publication_deadlines(on_date, oral_or_practical=oral)


def exam_label(s: Session, exam: Exam) -> str:
    course = s.get(Course, exam.course_id)
    return f"{course.code} {exam.exam_form} {exam.exam_date:%d.%m.%Y}"


def course_grade_counts(session: Session, exam_ids) -> dict[int, tuple[int, int]]:
    """(entered, expected) per exam at the course level: attended candidates,
    and those with a current course grade (typed, or computed from the
    parts). The figures the grade desk shows for «samlet» (`progress_of` on
    `protocol(ctx, exam_id)`); the dashboard takes them from here.
    `exam_ids`: a list of ids, or a scalar subquery selecting them (the
    dashboard's three months are ~1,000 ids, each a bound parameter)."""
    if isinstance(exam_ids, (list, tuple, set)) and not exam_ids:
        return {}
    attended = gradeable(_REG.c.attendance_state)  # the domain's rule, as the desk's protocol
    # SQL Core: plain rows, and a statement the ORM need not compile first
    conn = session.connection()
    expected = dict(conn.execute(
        select(_REG.c.exam_id, func.count()).where(_REG.c.exam_id.in_(exam_ids), attended)
        .group_by(_REG.c.exam_id)).all())
    entered = dict(conn.execute(
        select(_REG.c.exam_id, func.count(func.distinct(_GRADE.c.registration_id)))
        .join_from(_REG, _GRADE, _GRADE.c.registration_id == _REG.c.id)
        .where(_REG.c.exam_id.in_(exam_ids), current_grade(columns=_GRADE.c), attended)
        .group_by(_REG.c.exam_id)).all())
    return {exam_id: (entered.get(exam_id, 0), expected.get(exam_id, 0))
            for exam_id in set(expected) | set(entered)}


@dataclass(frozen=True)
class GradingProgress:
    exam_id: int
    entered: int
    expected: int
    past_deadline: bool  # not every grade in, and the grading deadline (extensions counted) has passed


def grading_progress(ctx: Context) -> list[GradingProgress]:
    """The unpublished exams of the last 90 days with their grades entered
    of expected: the dashboard's grade card counts them, and lists them
    behind its counts."""
    from eksamen_tui.services.extensions import extended_dates

    today = ctx.today()
    exam = Exam.__table__.c
    unpublished = (exam.exam_date < today, exam.exam_date >= today - timedelta(days=90), exam.published_on.is_(None))
    with ctx.read() as s:
        # plain rows, and the exams as a subquery: ~1,000 ids are no bound parameters
        exams = s.connection().execute(select(exam.id, exam.exam_date, exam.is_thesis).where(*unpublished)).all()
        ids = select(exam.id).where(*unpublished).scalar_subquery()
        counts = course_grade_counts(s, ids) if exams else {}
        extended = extended_dates(s, ids) if exams else {}
    entered = {exam_id: done for exam_id, (done, _) in counts.items()}
    expected = {exam_id: total for exam_id, (_, total) in counts.items()}
    deadlines: dict[tuple, date] = {}  # many exams share a date: each deadline once

    def grading_deadline(exam_date: date, thesis: bool, extended_to: date | None) -> date:
        key = (exam_date, thesis, extended_to)
        if key not in deadlines:
            deadlines[key] = ctx.rules.effective_grading(exam_date, thesis=thesis, extended_to=extended_to)
        return deadlines[key]

    return [GradingProgress(exam_id, entered.get(exam_id, 0), expected.get(exam_id, 0),
                            entered.get(exam_id, 0) < expected.get(exam_id, 0)
                            and grading_deadline(exam_date, thesis, extended.get(exam_id)) < today)
            for exam_id, exam_date, thesis in exams]


def grading_summary(ctx: Context) -> dict[str, int]:
    """For the dashboard: grades entered of expected on exams of the last
    90 days, and exams past their grading deadline without every grade."""
    progress = grading_progress(ctx)
    return {
        "entered": sum(exam.entered for exam in progress),
        "expected": sum(exam.expected for exam in progress),
        "exams_past_deadline": sum(exam.past_deadline for exam in progress),
    }
