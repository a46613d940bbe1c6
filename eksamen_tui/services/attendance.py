"""Attendance service: states, withdrawals, documentation, attempts, and
who can be graded. Every change is one transaction with its history row
(AttendanceChange) and its audit row; consequences (automatic fail grade,
attempt counted or not) come from the domain."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from eksamen_tui.db.models import AttendanceChange, Course, Exam, Grade, Registration, Student
from eksamen_tui.domain.attendance import AttendanceState, automatic_fail, check_state_allowed, counts_as_attempt
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.parsing import parse_number
from eksamen_tui.domain.plausibility import check_happened_on, check_withdrawal_date
from eksamen_tui.domain.scales import GradeScale, failing_grade
from eksamen_tui.domain.vocabulary import GradeSource, GradeStatus
from eksamen_tui.services import audit
from eksamen_tui.services.concurrency import UNCHECKED, is_checked, last_change, lock, refuse, takes_row_locks
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import checked_id, require
from eksamen_tui.services.queries import gradeable, is_current

STUDENT_NUMBER_DIGITS = 6


def gradeable_registrations(session: Session, exam_id: int) -> list[Registration]:
    """Registrations of `exam_id` that can receive a typed grade (attended),
    in candidate-number order. The grade desk asks this, never the table."""
    return list(
        session.exec(
            select(Registration)
            .where(Registration.exam_id == exam_id, gradeable())
            .order_by(Registration.candidate_number)
        ).all()
    )


def find_registration(session: Session, exam_id: int, candidate_text: str | int) -> Registration:
    """The registration with this candidate number on this exam, or a
    DomainError naming the number (and saying so if it is a student number)."""
    exam_id = checked_id(exam_id, "eksamen")
    number = parse_number(candidate_text, what="kandidatnummer")
    text = str(number)
    registration = session.exec(
        select(Registration).where(Registration.exam_id == exam_id, Registration.candidate_number == number)
    ).first()
    if registration is not None:
        return registration
    if len(text) >= STUDENT_NUMBER_DIGITS:
        is_student = session.exec(select(Student.id).where(Student.student_number == text)).first()
        hint = "et studentnummer" if is_student else "for langt til å være et kandidatnummer"
        raise DomainError(f"{text} er {hint}, ikke et kandidatnummer på denne eksamenen")
    raise DomainError(f"Kandidatnummer {text} finnes ikke på denne eksamenen")


def lock_candidate(session: Session, exam_id: int, candidate_text: str | int) -> None:
    """PostgreSQL: lock the candidate's registration row before reading what
    a write depends on (grades, state, cases), so two counters writing for
    the same candidate take turns. Unknown numbers are left to
    `find_registration` to explain. SQLite: nothing to do (one writer)."""
    if not takes_row_locks(session):
        return
    number = parse_number(candidate_text, what="kandidatnummer")
    session.exec(select(Registration.id).where(Registration.exam_id == checked_id(exam_id, "eksamen"),
                                               Registration.candidate_number == number).with_for_update()).all()


def changed_state(ctx: Context, session: Session, reg: Registration):
    """The refusal when a candidate's state is not what the desk showed."""
    last = session.exec(select(AttendanceChange).where(AttendanceChange.registration_id == reg.id)
                        .order_by(AttendanceChange.id.desc()).limit(1)).first()
    state = AttendanceState(reg.attendance_state)
    return refuse(f"Kandidat {reg.candidate_number}", f"satt til «{state.label}»", current=state,
                  by=last.clerk if last else None, at=last.changed_at if last else None, today=ctx.today(),
                  registration_id=reg.id)


def why_not_listed(ctx: Context, exam_id: int, candidate_text: str, list_name: str = "listen") -> str:
    """Why a typed number is not on a desk's list (`list_name`): no such
    candidate, a student number, or a registered candidate the list leaves
    out, with the state that leaves them out."""
    try:
        with ctx.read() as s:
            reg = find_registration(s, exam_id, candidate_text)
    except DomainError as error:
        return str(error)
    state = AttendanceState(reg.attendance_state)
    return f"Kandidat {reg.candidate_number} er registrert som «{state.label}» og står ikke på {list_name}"


@dataclass
class RosterRow:
    registration_id: int
    candidate_number: int
    student_number: str
    name: str
    state: AttendanceState
    withdrawn_on: date | None
    documentation_received_on: date | None
    attempt: int  # this registration's attempt number (1 = first)
    accommodations: str


def exam_roster(ctx: Context, exam_id: int, registration_ids: "set[int] | None" = None) -> list[RosterRow]:
    """All registrations of an exam in candidate-number order, with attempts;
    with `registration_ids`, only those (a desk refreshing changed rows).
    Plain rows, not ORM objects (an exam can have thousands of candidates),
    and one query for the attempts of all of them."""
    with ctx.read() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        query = (
            select(Registration.id, Registration.candidate_number, Student.student_number, Student.name,
                   Registration.attendance_state, Registration.withdrawn_on, Registration.documentation_received_on,
                   Registration.student_id, Registration.accommodations)
            .join(Student, Student.id == Registration.student_id)
            .where(Registration.exam_id == exam_id)
            .order_by(Registration.candidate_number)
        )
        if registration_ids is not None:
            query = query.where(Registration.id.in_(list(registration_ids)[:5000]))
        rows = s.exec(query).all()
        earlier = _earlier_attempts(s, exam, None if registration_ids is None else [row[7] for row in rows], ctx)
    states = {state.value: state for state in AttendanceState}
    return [
        RosterRow(reg_id, number, student_number, name, states[state], withdrawn_on, documentation_on,
                  earlier.get(student_id, 0) + 1, accommodations)
        for reg_id, number, student_number, name, state, withdrawn_on, documentation_on, student_id, accommodations
        in rows
    ]


def _earlier_attempts(session: Session, exam: Exam, student_ids: "list[int] | None", ctx: Context) -> dict[int, int]:
    """Attempts each student used on earlier exams of the same course: the
    students of `exam` (`student_ids` None), or only those. One query: the
    exam's registrations joined to the same students' registrations on the
    course's earlier exams."""
    earlier_reg = Registration.__table__.alias("earlier_reg")
    earlier_exam = Exam.__table__.alias("earlier_exam")
    query = (
        select(earlier_reg.c.student_id, earlier_reg.c.attendance_state, earlier_reg.c.withdrawn_on,
               earlier_exam.c.exam_date)
        .select_from(Registration)
        .join(earlier_reg, earlier_reg.c.student_id == Registration.student_id)
        .join(earlier_exam, earlier_exam.c.id == earlier_reg.c.exam_id)
        .where(Registration.exam_id == exam.id, earlier_exam.c.course_id == exam.course_id,
               earlier_exam.c.exam_date < exam.exam_date)
    )
    if student_ids is not None:
        query = query.where(Registration.student_id.in_(student_ids))
    used: dict[int, int] = defaultdict(int)
    states = {state.value: state for state in AttendanceState}
    counted: dict[tuple, bool] = {}  # (state, withdrawn on, exam date) -> counts: the deadline once per date
    for student_id, state, withdrawn_on, exam_date in session.exec(query).all():
        key = (state, withdrawn_on, exam_date)
        if key not in counted:
            counted[key] = attempt_counted(ctx, states[state], withdrawn_on, exam_date)
        if counted[key]:
            used[student_id] += 1
    return used


def attempt_counted(ctx: Context, state: AttendanceState, withdrawn_on: date | None, exam_date: date) -> bool:
    in_time = withdrawn_on is None or withdrawn_on <= ctx.rules.withdrawal(exam_date)
    return counts_as_attempt(state, withdrawn_in_time=in_time)


def state_counts(rows: list[RosterRow]) -> dict[AttendanceState, int]:
    counts = {state: 0 for state in AttendanceState}
    for row in rows:
        counts[row.state] += 1
    return counts


@dataclass
class Change:
    registration_id: int
    candidate_number: int
    old_state: AttendanceState
    new_state: AttendanceState
    old_withdrawn_on: date | None
    message: str  # what follows, in bokmål, for the clerk
    withdrawn_on: date | None = None  # after the change
    old_documentation_on: date | None = None
    documentation_received_on: date | None = None  # after the change

    def describe(self) -> str:
        return f"{self.new_state.label} → {self.old_state.label}"


def set_state(
    ctx: Context,
    exam_id: int,
    candidate: str | int,
    new_state: AttendanceState,
    *,
    reason: str = "",
    on_date: date | None = None,
    seen=UNCHECKED,
) -> Change:
    """Record a candidate's attendance state (one transaction, audited).
    `seen`: the state the clerk's screen showed; if the stored state
    differs, nothing is written (ChangedMeanwhile names who set it)."""
    new_state = AttendanceState.parse(new_state)
    if new_state != AttendanceState.WITHDRAWN and on_date is None:
        try:
            checked = checked_id(exam_id, "eksamen"), parse_number(candidate, what="kandidatnummer")
        except DomainError:
            checked = None  # the full path below says why
        if checked is not None and (change := _set_state_core(ctx, *checked, new_state, reason=reason, seen=seen)):
            return change
    with ctx.write() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        lock_candidate(s, exam_id, candidate)
        reg = find_registration(s, exam_id, candidate)
        if is_checked(seen) and reg.attendance_state != AttendanceState.parse(seen).value:
            raise changed_state(ctx, s, reg)
        check_state_allowed(new_state, exam_date=exam.exam_date, today=ctx.today())
        return _apply_state(ctx, s, exam, reg, new_state, reason=reason, on_date=on_date)


_REG = Registration.__table__
_EXAM = Exam.__table__
_GRADE = Grade.__table__
# Built once: a key on the attendance desk only binds values.
_STATE_FACTS = (
    select(_REG.c.id, _REG.c.candidate_number, _REG.c.attendance_state, _REG.c.withdrawn_on,
           _REG.c.documentation_received_on, _EXAM.c.exam_date, _EXAM.c.grade_scale)
    .select_from(_REG.join(_EXAM, _EXAM.c.id == _REG.c.exam_id))
    .where(_REG.c.exam_id == bindparam("exam_id"), _REG.c.candidate_number == bindparam("number"))
)
_LOCK_CANDIDATE = (select(_REG.c.id)
                   .where(_REG.c.exam_id == bindparam("exam_id"), _REG.c.candidate_number == bindparam("number"))
                   .with_for_update())
_SET_STATE = _REG.update().where(_REG.c.id == bindparam("reg_id")).values(attendance_state=bindparam("state"))
_INSERT_CHANGE = AttendanceChange.__table__.insert()
_CURRENT_GRADES = select(_GRADE.c.id).where(_GRADE.c.registration_id == bindparam("reg_id"), is_current(_GRADE.c.is_current))
_CURRENT_GRADES_OF_SOURCE = _CURRENT_GRADES.where(_GRADE.c.source == bindparam("source"))
_RETIRE_GRADE = _GRADE.update().where(_GRADE.c.id == bindparam("grade_id")).values(is_current=False)
_INSERT_GRADE = _GRADE.insert()


def _set_state_core(ctx: Context, exam_id: int, number: int, new_state: AttendanceState, *, reason: str,
                    seen) -> Change | None:
    """`set_state`'s hot path (one key on the attendance desk): SQL Core,
    the same checks, rows and audit rows as `_apply_state`, in one
    transaction. None (nothing done) for what it leaves to the ORM path:
    an unknown candidate or exam (for its precise message) and withdrawals
    (dates, deadlines)."""
    with ctx.engine.begin() as conn:
        if takes_row_locks(conn):
            conn.execute(_LOCK_CANDIDATE, {"exam_id": exam_id, "number": number})
        facts = conn.execute(_STATE_FACTS, {"exam_id": exam_id, "number": number}).first()
        if facts is None or facts.attendance_state == AttendanceState.WITHDRAWN.value:
            return None
        if is_checked(seen) and facts.attendance_state != AttendanceState.parse(seen).value:
            with Session(bind=conn) as s:
                raise changed_state(ctx, s, s.get(Registration, facts.id))
        check_state_allowed(new_state, exam_date=facts.exam_date, today=ctx.today())
        old_state = AttendanceState(facts.attendance_state)
        reg_id, documentation = facts.id, facts.documentation_received_on
        if old_state == new_state:
            return Change(reg_id, number, old_state, new_state, facts.withdrawn_on, "uendret", facts.withdrawn_on,
                          documentation, documentation)
        message_parts = [f"Kandidat {number}: {new_state.label}"]
        if new_state == AttendanceState.VALID_ABSENCE:
            due = ctx.rules.valid_absence_documentation(facts.exam_date)
            message_parts.append(f"dokumentasjon innen {due:%d.%m.%Y}")
        if automatic_fail(new_state) and not automatic_fail(old_state):
            grade = failing_grade(GradeScale(facts.grade_scale))
            _retire_grades_core(ctx, conn, reg_id, reason="attendance")
            fail_id = conn.execute(_INSERT_GRADE, {
                "registration_id": reg_id, "part_id": None, "value": grade, "status": GradeStatus.CONTROLLED.value,
                "source": GradeSource.ATTENDANCE.value, "control_value": grade, "is_current": True,
                "entered_by": ctx.clerk, "entered_at": ctx.now(), "controlled_by": ctx.clerk,
                "controlled_at": ctx.now()}).inserted_primary_key[0]
            audit.record_core(conn, ctx, "grade", fail_id, "value", None, grade, reason_code="attendance",
                              note=f"kandidat {number}: {new_state.label}")
            message_parts.append(f"karakter {grade}, teller som forsøk")
        elif automatic_fail(old_state) and not automatic_fail(new_state):
            _retire_grades_core(ctx, conn, reg_id, reason="attendance_corrected", source=GradeSource.ATTENDANCE)
        elif old_state == AttendanceState.ATTENDED and new_state != AttendanceState.ATTENDED:
            if _retire_grades_core(ctx, conn, reg_id, reason="attendance_corrected"):
                message_parts.append("ført karakter er tatt ut av protokollen (ligger i historikken)")
        if new_state in (AttendanceState.NO_SHOW,):
            message_parts.append("teller som forsøk")
        conn.execute(_SET_STATE, {"reg_id": reg_id, "state": new_state.value})
        conn.execute(_INSERT_CHANGE, {"registration_id": reg_id, "old_state": old_state.value,
                                      "new_state": new_state.value, "changed_at": ctx.now(), "clerk": ctx.clerk,
                                      "reason": reason})
        audit.record_core(conn, ctx, "registration", reg_id, "attendance_state", old_state.value, new_state.value,
                          reason_code=reason or None, note=f"kandidat {number}")
        return Change(reg_id, number, old_state, new_state, facts.withdrawn_on, "; ".join(message_parts),
                      facts.withdrawn_on, documentation, documentation)


def _retire_grades_core(ctx: Context, conn, registration_id: int, *, reason: str,
                        source: GradeSource | None = None) -> int:
    """`_retire_grades` on a Core connection (same rows, same audit rows)."""
    if source:
        ids = conn.execute(_CURRENT_GRADES_OF_SOURCE, {"reg_id": registration_id, "source": source.value}).scalars().all()
    else:
        ids = conn.execute(_CURRENT_GRADES, {"reg_id": registration_id}).scalars().all()
    for grade_id in ids:
        conn.execute(_RETIRE_GRADE, {"grade_id": grade_id})
        audit.record_core(conn, ctx, "grade", grade_id, "is_current", True, False, reason_code=reason)
    return len(ids)


def _apply_state(ctx: Context, s: Session, exam: Exam, reg: Registration, new_state: AttendanceState, *, reason: str,
                 on_date: date | None) -> Change:
    old_state = AttendanceState(reg.attendance_state)
    old_withdrawn = reg.withdrawn_on
    old_documentation = reg.documentation_received_on
    if old_state == new_state and new_state != AttendanceState.WITHDRAWN:
        return Change(reg.id, reg.candidate_number, old_state, new_state, old_withdrawn, "uendret",
                      old_withdrawn, old_documentation, old_documentation)
    reg.attendance_state = new_state.value
    message_parts = [f"Kandidat {reg.candidate_number}: {new_state.label}"]
    if new_state == AttendanceState.WITHDRAWN:
        reg.withdrawn_on = check_withdrawal_date(on_date or ctx.today(), exam_date=exam.exam_date, today=ctx.today(),
                                                 exam_start=exam.start_time, now=ctx.now())
        deadline = ctx.rules.withdrawal(exam.exam_date)
        if reg.withdrawn_on <= deadline:
            message_parts.append(f"innen trekkfristen {deadline:%d.%m.%Y}, teller ikke som forsøk")
        else:
            message_parts.append(f"ETTER trekkfristen {deadline:%d.%m.%Y}: teller som et forsøk")
    elif old_state == AttendanceState.WITHDRAWN:
        reg.withdrawn_on = None
    if new_state == AttendanceState.VALID_ABSENCE:
        due = ctx.rules.valid_absence_documentation(exam.exam_date)
        message_parts.append(f"dokumentasjon innen {due:%d.%m.%Y}")
    if automatic_fail(new_state) and not automatic_fail(old_state):
        grade = failing_grade(GradeScale(exam.grade_scale))
        _retire_grades(ctx, s, reg.id, reason="attendance")
        fail_grade = Grade(registration_id=reg.id, value=grade, status=GradeStatus.CONTROLLED, source=GradeSource.ATTENDANCE,
                           control_value=grade, entered_by=ctx.clerk, entered_at=ctx.now(),
                           controlled_by=ctx.clerk, controlled_at=ctx.now())
        s.add(fail_grade)
        s.flush()
        audit.record(s, ctx, "grade", fail_grade.id, "value", None, grade, reason_code="attendance",
                     note=f"kandidat {reg.candidate_number}: {new_state.label}")
        message_parts.append(f"karakter {grade}, teller som forsøk")
    elif automatic_fail(old_state) and not automatic_fail(new_state):
        _retire_grades(ctx, s, reg.id, reason="attendance_corrected", source=GradeSource.ATTENDANCE)
    elif old_state == AttendanceState.ATTENDED and new_state != AttendanceState.ATTENDED:
        if _retire_grades(ctx, s, reg.id, reason="attendance_corrected"):
            message_parts.append("ført karakter er tatt ut av protokollen (ligger i historikken)")
    if new_state in (AttendanceState.NO_SHOW,):
        message_parts.append("teller som forsøk")
    s.add(reg)
    s.add(AttendanceChange(registration_id=reg.id, old_state=old_state.value, new_state=new_state.value,
                           changed_at=ctx.now(), clerk=ctx.clerk, reason=reason))
    audit.record(s, ctx, "registration", reg.id, "attendance_state", old_state.value, new_state.value,
                 reason_code=reason or None, note=f"kandidat {reg.candidate_number}")
    if new_state == AttendanceState.WITHDRAWN or old_state == AttendanceState.WITHDRAWN:
        audit.record(s, ctx, "registration", reg.id, "withdrawn_on", old_withdrawn, reg.withdrawn_on,
                     reason_code=reason or None)
    return Change(reg.id, reg.candidate_number, old_state, new_state, old_withdrawn, "; ".join(message_parts),
                  reg.withdrawn_on, old_documentation, reg.documentation_received_on)


def _retire_grades(ctx: Context, s: Session, registration_id: int, *, reason: str, source: GradeSource | None = None) -> int:
    query = select(Grade).where(Grade.registration_id == registration_id, is_current())
    if source:
        query = query.where(Grade.source == source)
    retired = 0
    for grade in s.exec(query).all():
        grade.is_current = False
        s.add(grade)
        audit.record(s, ctx, "grade", grade.id, "is_current", True, False, reason_code=reason)
        retired += 1
    return retired


def undo_change(ctx: Context, exam_id: int, change: Change) -> Change:
    """Put a registration back as it was before `change` (audited as an undo)."""
    with ctx.write() as s:
        lock(s, Registration, checked_id(change.registration_id, "oppmelding"))
        reg = require(s, Registration, change.registration_id, "oppmelding")
        exam = require(s, Exam, exam_id, "eksamen")
        if AttendanceState(reg.attendance_state) != change.new_state:
            raise changed_state(ctx, s, reg)
        result = _apply_state(ctx, s, exam, reg, change.old_state, reason="undo", on_date=change.old_withdrawn_on)
        reg.withdrawn_on = change.old_withdrawn_on
        result.withdrawn_on = reg.withdrawn_on
        if reg.documentation_received_on != change.old_documentation_on:
            audit.record(s, ctx, "registration", reg.id, "documentation_received_on", reg.documentation_received_on,
                         change.old_documentation_on, reason_code="undo")
            reg.documentation_received_on = change.old_documentation_on
            result.documentation_received_on = reg.documentation_received_on
        s.add(reg)
        return result


def mark_unmarked_attended(ctx: Context, exam_id: int) -> list[Change]:
    """Every still-unmarked candidate becomes attended (after the exceptions).
    Pressed at two counters at once, each candidate is changed once: the
    rows are locked (PostgreSQL re-checks the state after the other counter
    commits; SQLite has one writer at a time)."""
    with ctx.write() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        check_state_allowed(AttendanceState.ATTENDED, exam_date=exam.exam_date, today=ctx.today())
        regs = s.exec(select(Registration).where(
            Registration.exam_id == exam_id,
            Registration.attendance_state == AttendanceState.REGISTERED.value,
        ).order_by(Registration.candidate_number).with_for_update()).all()
        return [_apply_state(ctx, s, exam, reg, AttendanceState.ATTENDED, reason="rest_attended", on_date=None)
                for reg in regs]


@dataclass
class DocumentationChange:
    registration_id: int
    candidate_number: int
    old_date: date | None
    new_date: date | None

    def describe(self) -> str:
        before = f"{self.old_date:%d.%m.%Y}" if self.old_date else "ikke mottatt"
        return f"dokumentasjon tilbake til {before}"


def record_documentation(ctx: Context, exam_id: int, candidate: str | int, received_on: date | None, *,
                         seen=UNCHECKED) -> DocumentationChange:
    """Documentation for a valid absence received on a date (None: not
    received). `seen`: the date the desk showed (None: not received)."""
    with ctx.write() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        lock_candidate(s, exam_id, candidate)
        reg = find_registration(s, exam_id, candidate)
        if reg.attendance_state != AttendanceState.VALID_ABSENCE.value:
            if is_checked(seen):
                raise changed_state(ctx, s, reg)
            raise DomainError(f"Kandidat {reg.candidate_number} har ikke gyldig fravær")
        if is_checked(seen) and reg.documentation_received_on != seen:
            stored = reg.documentation_received_on
            by, at = last_change(s, "registration", reg.id, "documentation_received_on")
            raise refuse(f"Dokumentasjonen for kandidat {reg.candidate_number}",
                         f"satt til {stored:%d.%m.%Y}" if stored else "tømt", current=stored, by=by, at=at,
                         today=ctx.today(), registration_id=reg.id)
        if received_on is not None:
            check_happened_on(received_on, what="datoen dokumentasjonen kom", today=ctx.today(),
                              not_before=exam.exam_date, not_before_what="eksamensdagen")
        old = reg.documentation_received_on
        reg.documentation_received_on = received_on
        s.add(reg)
        audit.record(s, ctx, "registration", reg.id, "documentation_received_on", old, received_on,
                     reason_code="documentation")
        return DocumentationChange(reg.id, reg.candidate_number, old, received_on)


def undo_documentation(ctx: Context, exam_id: int, change: DocumentationChange) -> DocumentationChange:
    """Put the documentation date back as it was before `change` (audited as an undo)."""
    with ctx.write() as s:
        lock(s, Registration, checked_id(change.registration_id, "oppmelding"))
        reg = s.get(Registration, change.registration_id)
        if reg is None or reg.exam_id != exam_id:
            raise DomainError(f"Kandidat {change.candidate_number} finnes ikke på denne eksamenen")
        if reg.documentation_received_on != change.new_date:
            stored = reg.documentation_received_on
            by, at = last_change(s, "registration", reg.id, "documentation_received_on")
            raise refuse(f"Dokumentasjonen for kandidat {reg.candidate_number}",
                         f"satt til {stored:%d.%m.%Y}" if stored else "tømt", current=stored, by=by, at=at,
                         today=ctx.today(), registration_id=reg.id)
        reg.documentation_received_on = change.old_date
        s.add(reg)
        audit.record(s, ctx, "registration", reg.id, "documentation_received_on", change.new_date, change.old_date,
                     reason_code="undo")
        return DocumentationChange(reg.id, reg.candidate_number, change.new_date, change.old_date)


@dataclass
class MissingDocumentation:
    exam_id: int
    course_code: str
    exam_date: date
    candidate_number: int
    student_number: str
    name: str
    deadline: date


def _undocumented(today: date, days_back: int, *columns):
    """`columns` of the valid absences without documentation on exams of
    the last `days_back` days (one query for the list and the count)."""
    since = today - timedelta(days=days_back)
    return (
        select(*columns)
        .select_from(Registration)
        .join(Student, Student.id == Registration.student_id)
        .join(Exam, Exam.id == Registration.exam_id)
        .join(Course, Course.id == Exam.course_id)
        .where(Registration.attendance_state == AttendanceState.VALID_ABSENCE.value,
               Registration.documentation_received_on.is_(None),
               Exam.exam_date >= since,
               # the period's exams first, then their valid absences through the (exam, state)
               # index: without this SQLite scans every registration ever made
               Registration.exam_id.in_(select(Exam.id).where(Exam.exam_date >= since).scalar_subquery()))
    )


def missing_documentation(ctx: Context, *, only_overdue: bool = True, days_back: int = 180) -> list[MissingDocumentation]:
    """Valid absences without documentation on exams of the last `days_back`
    days (by default only those past the documentation deadline)."""
    today = ctx.today()
    with ctx.read() as s:
        rows = s.exec(
            _undocumented(today, days_back, Registration.candidate_number, Student.student_number, Student.name,
                          Exam.id, Exam.exam_date, Course.code)
            .order_by(Exam.exam_date, Registration.candidate_number)
        ).all()
    deadlines: dict[date, date] = {}  # one calculation per exam date, not per candidate
    result = []
    for number, student_number, name, exam_id, exam_date, code in rows:
        if exam_date not in deadlines:
            deadlines[exam_date] = ctx.rules.valid_absence_documentation(exam_date)
        deadline = deadlines[exam_date]
        if only_overdue and deadline >= today:
            continue
        result.append(MissingDocumentation(exam_id, code, exam_date, number, student_number, name, deadline))
    return result


def attendance_pending(ctx: Context) -> list[tuple[int, bool]]:
    """(exam id, past its registration deadline) for each exam of the last
    120 days with candidates whose attendance is not registered yet: the
    dashboard's card counts them, and lists them behind its counts."""
    today = ctx.today()
    with ctx.read() as s:
        pending = s.exec(
            select(Exam.id, Exam.exam_date)
            .join(Registration, Registration.exam_id == Exam.id)
            .where(Exam.exam_date < today, Exam.exam_date >= today - timedelta(days=120),
                   Registration.attendance_state == AttendanceState.REGISTERED.value)
            .group_by(Exam.id, Exam.exam_date)
        ).all()
    days = ctx.profile.attendance_registration_working_days_after
    registration_deadlines = {day: ctx.rules.calendar.add_working_days(day, days) for day in {d for _, d in pending}}
    return [(exam_id, registration_deadlines[exam_date] < today) for exam_id, exam_date in pending]


def attendance_summary(ctx: Context) -> dict[str, int]:
    """For the dashboard: exams past whose attendance is not fully registered
    (and how many of them are past the registration deadline), and valid
    absences whose documentation is overdue (`missing_documentation`'s
    count: counted per exam date in SQL, not read candidate by candidate)."""
    today = ctx.today()
    pending = attendance_pending(ctx)
    with ctx.read() as s:
        undocumented = s.exec(_undocumented(today, 180, Exam.exam_date, func.count()).group_by(Exam.exam_date)).all()
    return {
        "not_registered": len(pending),
        "not_registered_overdue": sum(1 for _, overdue in pending if overdue),
        "documentation_overdue": sum(count for exam_date, count in undocumented
                                     if ctx.rules.valid_absence_documentation(exam_date) < today),
    }


def export_attendance(ctx: Context, exam_id: int, path: Path | None = None) -> Path:
    """The exam's attendance list as .xlsx in candidate-number order, set up
    for A4 landscape; `path` is a file, a folder or None (the export folder).
    Never overwrites: returns the path written."""
    from eksamen_tui.excel.writer import append_row, new_workbook, setup_print
    from eksamen_tui.export_files import export_name, export_target, save_workbook
    from eksamen_tui.services.context import export_dir

    rows = exam_roster(ctx, exam_id)
    with ctx.read() as s:
        exam = s.get(Exam, exam_id)
        course = s.get(Course, exam.course_id)
    name = export_name(course.code, exam.exam_date, exam.exam_form.capitalize(), "oppmote", suffix=".xlsx")
    path = export_target(path, name, export_dir)
    workbook, sheet = new_workbook("Oppmøte")
    setup_print(sheet, title=f"Oppmøteliste {course.code} {course.name} – {exam.exam_form} {exam.exam_date:%d.%m.%Y}",
                title_rows=(4, 4), landscape=True, widths=(12, 12, 32, 22, 14, 22, 8))
    from openpyxl.styles import Font

    append_row(sheet, [f"Oppmøteliste {course.code} {course.name}"], Font(bold=True, size=13))
    append_row(sheet, [f"{exam.exam_form} {exam.exam_date:%d.%m.%Y}"])
    append_row(sheet, [])
    append_row(sheet, ["Kandidatnr", "Studentnr", "Navn", "Status", "Trukket dato", "Dokumentasjon mottatt", "Forsøk"],
               Font(bold=True))
    for row in rows:
        append_row(sheet, [row.candidate_number, row.student_number, row.name, row.state.label,
                           row.withdrawn_on, row.documentation_received_on, row.attempt])
    return save_workbook(workbook, path)
