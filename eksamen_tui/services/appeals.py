"""Explanations and appeals: cases, deadlines, blocked grades, regrading.
Every change is one transaction with its audit rows."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam
from sqlmodel import Session, select

from eksamen_tui.db.models import Case, Course, Exam, Grade, Registration, Student
from eksamen_tui.domain.appeal_rules import (
    CaseType,
    appeal_outcome,
    needs_further_assessment,
    request_timeliness,
)
from eksamen_tui.domain.commission_rules import appeal_commission_problems
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.exam_forms import is_oral_or_practical
from eksamen_tui.domain.parsing import MAX_DIGITS, is_digit_key
from eksamen_tui.domain.plausibility import check_happened_on, check_received_date
from eksamen_tui.domain.scales import GradeScale, normalize_grade
from eksamen_tui.domain.vocabulary import CommissionKind, GradeSource, GradeStatus
from eksamen_tui.services import audit
from eksamen_tui.services.concurrency import UNCHECKED, is_checked, last_change, lock, refuse, takes_row_locks
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import checked_id, require
from eksamen_tui.services.queries import current_grade

GRADE_APPEAL = CaseType.GRADE_APPEAL.value


def blocked_registration_ids(session: Session, exam_id: int) -> set[int]:
    """Registrations of `exam_id` whose grade is blocked by a running grade
    appeal. The grade desk and every export ask this."""
    rows = session.exec(
        select(Case.registration_id)
        .join(Registration, Registration.id == Case.registration_id)
        .where(
            Registration.exam_id == exam_id,
            Case.case_type == GRADE_APPEAL,
            Case.closed_on.is_(None),
        )
    ).all()
    return set(rows)


# --- finding the registration at the counter ---------------------------------

@dataclass(frozen=True)
class RegistrationChoice:
    registration_id: int
    exam_id: int
    course_code: str
    exam_form: str
    exam_date: date
    candidate_number: int
    student_number: str
    name: str
    published_on: date | None
    grade: str | None

    @property
    def label(self) -> str:
        published = f"kunngjort {self.published_on:%d.%m.%Y}" if self.published_on else "ikke kunngjort"
        return (f"{self.course_code} {self.exam_form} {self.exam_date:%d.%m.%Y} · kand. {self.candidate_number} · "
                f"{self.student_number} {self.name} · {published}")


def find_registrations(ctx: Context, text: str, limit: int = 30) -> list[RegistrationChoice]:
    """By student number ("512345"), or course code and candidate number
    ("TDT4100 1234"); newest exams first."""
    words = text.split()
    if not words or not _is_number(words[-1]):
        return []
    query = (
        select(Registration, Exam, Course, Student)
        .join(Exam, Exam.id == Registration.exam_id)
        .join(Course, Course.id == Exam.course_id)
        .join(Student, Student.id == Registration.student_id)
    )
    if len(words) == 1:
        query = query.where(Student.student_number == words[0])
    elif len(words) == 2:
        query = query.where(Course.code == words[0].upper(), Registration.candidate_number == int(words[1]))
    else:
        return []
    with ctx.read() as s:
        rows = s.exec(query.order_by(Exam.exam_date.desc()).limit(limit)).all()
        grades = {g.registration_id: g.value for g in s.exec(select(Grade).where(
            Grade.registration_id.in_([r.id for r, *_ in rows]), current_grade())).all()}
    return [RegistrationChoice(reg.id, exam.id, course.code, exam.exam_form, exam.exam_date, reg.candidate_number,
                               student.student_number, student.name, exam.published_on, grades.get(reg.id))
            for reg, exam, course, student in rows]


def _is_number(word: str) -> bool:
    # ASCII digits only, and short enough for an integer column
    return len(word) <= MAX_DIGITS and all(is_digit_key(character) for character in word)


@dataclass(frozen=True)
class CaseView:
    """A case as the desks see it: plain values, no database session behind
    it (the fields of the stored Case)."""

    id: int
    registration_id: int
    case_type: str
    received_on: date
    in_time: bool
    override_reason: str
    deadline: date | None
    commission_id: int | None
    sent_to_commission_on: date | None
    original_grade: str | None
    new_grade: str | None
    outcome: str | None
    needs_further_assessment: bool
    further_assessment_on: date | None
    explanation_given_on: date | None
    explanation_form: str | None
    decision_on: date | None
    decision_sent_on: date | None
    closed_on: date | None

    @classmethod
    def of(cls, case: Case) -> "CaseView":
        return cls(**{name: getattr(case, name) for name in cls.__dataclass_fields__})


# --- registering a case --------------------------------------------------------

def _current_grade(s: Session, registration_id: int) -> Grade | None:
    return s.exec(select(Grade).where(Grade.registration_id == registration_id, current_grade())).first()


def register_case(ctx: Context, registration_id: int, case_type: str, *, received_on: date | None = None,
                  override_reason: str = "") -> CaseView:
    """Register an explanation request or an appeal. The domain decides if
    it is in time; out of time only with an explicit override reason."""
    kind = CaseType.parse(case_type)
    received_on = received_on or ctx.today()
    with ctx.write() as s:
        lock(s, Registration, checked_id(registration_id, "oppmelding"))
        reg = require(s, Registration, registration_id, "oppmelding")
        exam = s.get(Exam, reg.exam_id)
        if exam.published_on is None:
            raise DomainError("Sensur er ikke kunngjort for denne eksamenen ennå")
        check_received_date(received_on, today=ctx.today(), published_on=exam.published_on)
        grade = _current_grade(s, reg.id)
        if grade is None and kind is not CaseType.FORMAL_APPEAL:
            raise DomainError(f"Kandidat {reg.candidate_number} har ingen karakter")
        earlier = s.exec(select(Case).where(Case.registration_id == reg.id)).all()
        if kind is CaseType.GRADE_APPEAL:
            if any(c.case_type == GRADE_APPEAL for c in earlier):
                raise DomainError("Det er allerede klaget på denne karakteren; en klagesensur kan ikke påklages")
        if kind is CaseType.EXPLANATION and any(c.case_type == kind.value and c.closed_on is None for c in earlier):
            raise DomainError("Det finnes allerede en åpen begrunnelsessak for denne kandidaten")
        explained = [c.explanation_given_on for c in earlier
                     if c.case_type == CaseType.EXPLANATION.value and c.explanation_given_on]
        timeliness = request_timeliness(
            ctx.rules, kind, received_on, exam.published_on,
            oral_or_practical=is_oral_or_practical(exam.exam_form),
            explanation_received_on=max(explained) if explained else None,
        )
        override_reason = override_reason.strip()
        if not timeliness.in_time and not override_reason:
            raise DomainError(timeliness.describe(received_on) + ". Registreres bare med overstyring og begrunnelse.")
        case = Case(
            registration_id=reg.id, case_type=kind.value, received_on=received_on, in_time=timeliness.in_time,
            override_reason=override_reason if not timeliness.in_time else "",
            original_grade=grade.value if grade else None,
            deadline=ctx.rules.explanation_given(received_on) if kind is CaseType.EXPLANATION else None,
        )
        s.add(case)
        s.flush()
        audit.record(s, ctx, "case", case.id, "registered", None, kind.value,
                     reason_code="override" if not timeliness.in_time else kind.value,
                     note=f"kandidat {reg.candidate_number}: {timeliness.describe(received_on)}"
                          + (f"; overstyrt: {override_reason}" if not timeliness.in_time else ""))
        return CaseView.of(case)


# --- explanations ---------------------------------------------------------------

def record_explanation_given(ctx: Context, case_id: int, given_on: date, form: str, *, seen=UNCHECKED) -> CaseView:
    if form not in ("oral", "written"):
        raise DomainError("Begrunnelse gis muntlig eller skriftlig")
    with ctx.write() as s:
        case = _case_for_write(ctx, s, case_id, CaseType.EXPLANATION, seen)
        if given_on < case.received_on:
            raise DomainError("Begrunnelsen kan ikke være gitt før den ble bedt om")
        check_happened_on(given_on, what="datoen begrunnelsen ble gitt", today=ctx.today())
        case.explanation_given_on, case.explanation_form, case.closed_on = given_on, form, given_on
        s.add(case)
        audit.record(s, ctx, "case", case.id, "explanation_given_on", None, given_on, reason_code=form)
        return CaseView.of(case)


def _case_for_write(ctx: Context, s: Session, case_id: int, kind: CaseType | None = None, seen=UNCHECKED) -> Case:
    """The case, locked for this write (PostgreSQL). `seen`: its status as
    the clerk's list showed it (`case_status`); when another counter moved
    the case on meanwhile, nothing is written and the refusal says who."""
    lock(s, Case, checked_id(case_id, "sak"))
    case = _case(s, case_id, kind)
    if is_checked(seen) and case_status(case) != seen:
        reg = s.get(Registration, case.registration_id)
        by, at = last_change(s, "case", case.id)
        raise refuse(f"Sak {case.id} (kandidat {reg.candidate_number})", f"endret til «{case_status(case)}»",
                     current=case_status(case), by=by, at=at, today=ctx.today(), registration_id=reg.id)
    return case


def _case(s: Session, case_id: int, kind: CaseType | None = None) -> Case:
    case = require(s, Case, case_id, "sak")
    if kind is not None and case.case_type != kind.value:
        raise DomainError(f"Sak {case_id} er ikke en sak om {kind.label}")
    return case


# --- appeals: commission, regrading, decision ------------------------------------

def send_to_commission(ctx: Context, exam_id: int, sent_on: date | None = None) -> list[CaseView]:
    """Send the exam's open, unsent grade appeals to its appeal commission.
    Refused, naming the rule, when the commission breaks the rules."""
    sent_on = check_happened_on(sent_on or ctx.today(), what="datoen klagene ble sendt", today=ctx.today())
    with ctx.write() as s:
        lock(s, Exam, checked_id(exam_id, "eksamen"))  # two counters sending at once: the second finds none left
        appeal, cases = _sendable(s, exam_id)
        deadline = ctx.rules.appeal_grading(sent_on)
        for case in cases:
            case.commission_id, case.sent_to_commission_on, case.deadline = appeal.id, sent_on, deadline
            s.add(case)
            audit.record(s, ctx, "case", case.id, "sent_to_commission_on", None, sent_on,
                         note=f"klagekommisjon {appeal.id}, frist ny sensur {deadline:%d.%m.%Y}")
        return [CaseView.of(case) for case in cases]


def _sendable(s: Session, exam_id: int):
    """The exam's appeal commission and its unsent open grade appeals;
    DomainError naming the rule when they cannot be sent."""
    from eksamen_tui.services.commissions import commission_members, find_commission

    require(s, Exam, exam_id, "eksamen")
    appeal = find_commission(s, exam_id, CommissionKind.APPEAL)
    if appeal is None:
        raise DomainError("Eksamenen har ingen klagekommisjon (registreres med kommisjonsskjemaet)")
    ordinary = find_commission(s, exam_id, CommissionKind.ORDINARY)
    problems = appeal_commission_problems(commission_members(s, appeal.id),
                                          commission_members(s, ordinary.id) if ordinary else [])
    if problems:
        raise DomainError("Klagekommisjonen oppfyller ikke reglene: " + "; ".join(problems))
    cases = s.exec(select(Case).join(Registration, Registration.id == Case.registration_id).where(
        Registration.exam_id == exam_id, Case.case_type == GRADE_APPEAL, Case.closed_on.is_(None),
        Case.sent_to_commission_on.is_(None))).all()
    if not cases:
        raise DomainError("Ingen åpne klager å sende for denne eksamenen")
    return appeal, cases


def send_refusal(ctx: Context, exam_id: int) -> tuple[str | None, int]:
    """Before asking the clerk: why the exam's appeals cannot be sent now
    (None if they can), and how many would be sent."""
    with ctx.read() as s:
        try:
            _, cases = _sendable(s, exam_id)
        except DomainError as error:
            return str(error), 0
        return None, len(cases)


@dataclass
class RegradeResult:
    case: CaseView
    outcome: str
    waiting_for_further_assessment: bool


_CASE = Case.__table__
_REG = Registration.__table__
_GRADE = Grade.__table__
# Built once: a key on the appeals desk only binds values.
_REGRADE_FACTS = (
    select(*_CASE.c, _REG.c.exam_id, Exam.__table__.c.grade_scale)
    .select_from(_CASE.join(_REG, _REG.c.id == _CASE.c.registration_id)
                 .join(Exam.__table__, Exam.__table__.c.id == _REG.c.exam_id))
    .where(_CASE.c.id == bindparam("case_id"))
)
_LOCK_CASE = select(_CASE.c.id).where(_CASE.c.id == bindparam("case_id")).with_for_update()
_LOCK_REGISTRATION = select(_REG.c.id).where(_REG.c.id == bindparam("reg_id")).with_for_update()
_CURRENT_WHOLE_GRADE = select(_GRADE.c.id, _GRADE.c.value).where(
    _GRADE.c.registration_id == bindparam("reg_id"), current_grade(None, _GRADE.c))
_RETIRE_GRADE = _GRADE.update().where(_GRADE.c.id == bindparam("grade_id")).values(is_current=False)
_INSERT_GRADE = _GRADE.insert()
_SET_NEW_GRADE = _CASE.update().where(_CASE.c.id == bindparam("case_id")).values(
    new_grade=bindparam("new_grade"), outcome=bindparam("outcome"),
    needs_further_assessment=bindparam("further"), decision_on=bindparam("decision_on"))


def _enter_new_grade_core(ctx: Context, case_id: int, value: str, seen) -> RegradeResult | None:
    """`enter_new_grade`'s hot path (one key per case on the appeals desk):
    SQL Core, the same rows and audit rows in one transaction. None
    (nothing done) for every case the ORM path refuses, so that its
    refusal, with its precise words, is the one given."""
    with ctx.engine.begin() as conn:
        if takes_row_locks(conn):
            conn.execute(_LOCK_CASE, {"case_id": case_id})
        facts = conn.execute(_REGRADE_FACTS, {"case_id": case_id}).first()
        if facts is None or facts.case_type != CaseType.GRADE_APPEAL.value:
            return None
        case = CaseView(**{name: getattr(facts, name) for name in CaseView.__dataclass_fields__})
        if (is_checked(seen) and case_status(case) != seen) or case.sent_to_commission_on is None \
                or case.decision_on is not None or case.needs_further_assessment:
            return None
        new = normalize_grade(value, GradeScale(facts.grade_scale))
        outcome = appeal_outcome(case.original_grade, new)
        audit.record_core(conn, ctx, "case", case.id, "new_grade", None, new, reason_code=outcome.value)
        further = needs_further_assessment(case.original_grade, new)
        case = replace(case, new_grade=new, outcome=outcome.value, needs_further_assessment=further or
                       case.needs_further_assessment)
        if not further:  # the appeal grade replaces the old one, which stays in history (_set_final_grade)
            if takes_row_locks(conn):
                conn.execute(_LOCK_REGISTRATION, {"reg_id": case.registration_id})
            old = conn.execute(_CURRENT_WHOLE_GRADE, {"reg_id": case.registration_id}).first()
            if old is not None:
                conn.execute(_RETIRE_GRADE, {"grade_id": old.id})
            grade_id = conn.execute(_INSERT_GRADE, {
                "registration_id": case.registration_id, "part_id": None, "value": new,
                "status": GradeStatus.CONTROLLED.value, "source": GradeSource.APPEAL.value, "control_value": new,
                "is_current": True, "entered_by": ctx.clerk, "entered_at": ctx.now(), "controlled_by": ctx.clerk,
                "controlled_at": ctx.now()}).inserted_primary_key[0]
            case = replace(case, decision_on=ctx.today())
            audit.record_core(conn, ctx, "grade", grade_id, "value", old.value if old else None, new,
                              reason_code="appeal", note=f"klagesak {case.id}: {case.outcome}")
        conn.execute(_SET_NEW_GRADE, {"case_id": case.id, "new_grade": new, "outcome": outcome.value,
                                      "further": case.needs_further_assessment, "decision_on": case.decision_on})
        return RegradeResult(case, outcome.value, further)


def enter_new_grade(ctx: Context, case_id: int, value: str, *, seen=UNCHECKED) -> RegradeResult:
    """The appeal commission's grade. Two or more steps from the original
    means a further assessment before the final grade is set."""
    if (result := _enter_new_grade_core(ctx, checked_id(case_id, "sak"), value, seen)) is not None:
        return result
    with ctx.write() as s:
        case = _case_for_write(ctx, s, case_id, CaseType.GRADE_APPEAL, seen)
        if case.sent_to_commission_on is None:
            raise DomainError("Klagen er ikke sendt til klagekommisjonen ennå")
        if case.decision_on is not None or case.needs_further_assessment:
            raise DomainError("Ny sensur er allerede registrert for denne klagen")
        reg = s.get(Registration, case.registration_id)
        exam = s.get(Exam, reg.exam_id)
        new = normalize_grade(value, GradeScale(exam.grade_scale))
        outcome = appeal_outcome(case.original_grade, new)
        case.new_grade, case.outcome = new, outcome.value
        audit.record(s, ctx, "case", case.id, "new_grade", None, new, reason_code=outcome.value)
        if needs_further_assessment(case.original_grade, new):
            case.needs_further_assessment = True
            s.add(case)
            return RegradeResult(CaseView.of(case), outcome.value, True)
        _set_final_grade(ctx, s, case, reg, new)
        return RegradeResult(CaseView.of(case), outcome.value, False)


def record_further_assessment(ctx: Context, case_id: int, final_value: str, *, seen=UNCHECKED) -> CaseView:
    """The further assessment's result becomes the final grade."""
    with ctx.write() as s:
        case = _case_for_write(ctx, s, case_id, CaseType.GRADE_APPEAL, seen)
        if not case.needs_further_assessment or case.decision_on is not None:
            raise DomainError("Klagen venter ikke på en videre vurdering")
        reg = s.get(Registration, case.registration_id)
        exam = s.get(Exam, reg.exam_id)
        final = normalize_grade(final_value, GradeScale(exam.grade_scale))
        case.further_assessment_on = ctx.today()
        case.outcome = appeal_outcome(case.original_grade, final).value
        _set_final_grade(ctx, s, case, reg, final)
        return CaseView.of(case)


def _set_final_grade(ctx: Context, s: Session, case: Case, reg: Registration, value: str) -> None:
    """The appeal grade replaces the old one, which stays in history."""
    lock(s, Registration, reg.id)
    old = _current_grade(s, reg.id)
    if old is not None:
        old.is_current = False
        s.add(old)
        s.flush()  # no longer current before the appeal grade is (one current grade)
    grade = Grade(registration_id=reg.id, value=value, status=GradeStatus.CONTROLLED, source=GradeSource.APPEAL, control_value=value,
                  entered_by=ctx.clerk, entered_at=ctx.now(), controlled_by=ctx.clerk, controlled_at=ctx.now())
    s.add(grade)
    s.flush()
    case.decision_on = ctx.today()
    s.add(case)
    audit.record(s, ctx, "grade", grade.id, "value", old.value if old else None, value, reason_code="appeal",
                 note=f"klagesak {case.id}: {case.outcome}")


def decide_formal_appeal(ctx: Context, case_id: int, upheld: bool, note: str = "", *, seen=UNCHECKED) -> CaseView:
    with ctx.write() as s:
        case = _case_for_write(ctx, s, case_id, CaseType.FORMAL_APPEAL, seen)
        case.decision_on = ctx.today()
        case.outcome = "upheld" if upheld else "rejected"
        s.add(case)
        audit.record(s, ctx, "case", case.id, "decision", None, case.outcome, note=note)
        return CaseView.of(case)


def close_case(ctx: Context, case_id: int, decision_sent_on: date | None = None, *, seen=UNCHECKED) -> CaseView:
    """Record that the decision was sent, and close the case."""
    with ctx.write() as s:
        case = _case_for_write(ctx, s, case_id, None, seen)
        if case.closed_on is not None:
            raise DomainError("Saken er allerede lukket")
        if case.case_type == CaseType.EXPLANATION.value:
            raise DomainError("En begrunnelsessak lukkes når begrunnelsen er gitt")
        if case.decision_on is None:
            raise DomainError("Saken har ingen avgjørelse ennå"
                              + (" (venter på videre vurdering)" if case.needs_further_assessment else ""))
        case.decision_sent_on = check_happened_on(decision_sent_on or ctx.today(), what="datoen vedtaket ble sendt",
                                                  today=ctx.today(), not_before=case.decision_on,
                                                  not_before_what="avgjørelsen")
        case.closed_on = ctx.today()
        s.add(case)
        audit.record(s, ctx, "case", case.id, "closed_on", None, case.closed_on,
                     note=f"vedtak sendt {case.decision_sent_on:%d.%m.%Y}")
        return CaseView.of(case)


# Why a closed case is opened again.
REOPEN_REASONS = {
    "closed_by_mistake": "lukket ved en feil",
    "decision_not_received": "vedtaket kom ikke fram – sendes på nytt",
    "new_information": "nye opplysninger i saken",
    "other": "annet (se merknad)",
}


def reopen_case(ctx: Context, case_id: int, reason_code: str, note: str = "", *, seen=UNCHECKED) -> CaseView:
    """Open a closed case again, with a reason (audited). The decision and
    any new grade stand; what closing recorded (the date the decision or
    explanation was sent) is cleared, to be recorded again."""
    if reason_code not in REOPEN_REASONS:
        raise DomainError("Velg en årsak: " + ", ".join(REOPEN_REASONS.values()))
    if reason_code == "other" and not note.strip():
        raise DomainError("Skriv en merknad når årsaken er «annet»")
    with ctx.write() as s:
        case = _case_for_write(ctx, s, case_id, None, seen)
        if case.closed_on is None:
            raise DomainError(f"Sak {case_id} er ikke lukket")
        fields = ["closed_on", "decision_sent_on"]
        if case.case_type == CaseType.EXPLANATION.value:
            fields += ["explanation_given_on", "explanation_form"]
        for name in fields:
            old = getattr(case, name)
            if old is not None:
                setattr(case, name, None)
                audit.record(s, ctx, "case", case.id, name, old, None, reason_code=f"reopen_{reason_code}",
                             note=note.strip() or REOPEN_REASONS[reason_code])
        s.add(case)
        return CaseView.of(case)


# --- lists, counts, export ---------------------------------------------------------

@dataclass
class CaseRow:
    case: CaseView
    exam_id: int
    course_code: str
    exam_date: date
    candidate_number: int
    student_number: str
    name: str
    status: str
    overdue: bool
    due: date | None


def case_status(case: Case | CaseView) -> str:
    if case.closed_on:
        return "lukket"
    if case.case_type == CaseType.EXPLANATION.value:
        return "venter på begrunnelse"
    if case.case_type == CaseType.FORMAL_APPEAL.value:
        return "avgjort, vedtak ikke sendt" if case.decision_on else "til behandling"
    if case.needs_further_assessment and case.decision_on is None:
        return "venter på videre vurdering (2+ trinn)"
    if case.decision_on:
        return "avgjort, vedtak ikke sendt"
    if case.sent_to_commission_on:
        return "hos klagekommisjonen"
    return "mottatt, ikke sendt"


def _with_case(row: CaseRow, case: CaseView, today: date) -> CaseRow:
    """The list row with the case as it is now (status, deadline, overdue)."""
    due = case.deadline if not case.closed_on and not case.decision_on else None
    return replace(row, case=case, status=case_status(case), due=due, overdue=due is not None and due < today)


def updated_row(ctx: Context, row: CaseRow, case: CaseView) -> CaseRow:
    """A desk's list row after a change to its case (no new query)."""
    return _with_case(row, case, ctx.today())


def case_list(ctx: Context, *, only_open: bool = True, only_overdue: bool = False, exam_id: int | None = None,
              case_type: str | None = None) -> list[CaseRow]:
    today = ctx.today()
    query = (
        select(Case, Registration, Exam, Course, Student)
        .join(Registration, Registration.id == Case.registration_id)
        .join(Exam, Exam.id == Registration.exam_id)
        .join(Course, Course.id == Exam.course_id)
        .join(Student, Student.id == Registration.student_id)
    )
    if only_open:
        query = query.where(Case.closed_on.is_(None))
    if exam_id is not None:
        query = query.where(Exam.id == exam_id)
    if case_type is not None:
        query = query.where(Case.case_type == case_type)
    with ctx.read() as s:
        rows = s.exec(query.order_by(Case.received_on, Case.id)).all()
    result = []
    for case, reg, exam, course, student in rows:
        row = _with_case(CaseRow(None, exam.id, course.code, exam.exam_date, reg.candidate_number,
                                 student.student_number, student.name, "", False, None), CaseView.of(case), today)
        if only_overdue and not row.overdue:
            continue
        result.append(row)
    result.sort(key=lambda r: (r.due or date.max, r.case.id))
    return result


def case_counts(ctx: Context) -> dict[str, int]:
    """For the dashboard: open cases, and open cases past their deadline."""
    rows = case_list(ctx)
    return {"open": len(rows), "overdue": sum(1 for r in rows if r.overdue)}


def blind_export(ctx: Context, exam_id: int, path: Path | None = None) -> Path:
    """For the appeal commission: course, exam and the candidate numbers
    under appeal — nothing else about them (no grade, name, student
    number, explanation or reasons). A4 portrait; never overwrites."""
    from openpyxl.styles import Font

    from eksamen_tui.excel.writer import append_row, new_workbook, setup_print
    from eksamen_tui.export_files import export_name, export_target, save_workbook
    from eksamen_tui.services.context import export_dir

    with ctx.read() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        course = s.get(Course, exam.course_id)
        numbers = sorted(s.exec(select(Registration.candidate_number)
                                .join(Case, Case.registration_id == Registration.id)
                                .where(Registration.exam_id == exam_id, Case.case_type == GRADE_APPEAL,
                                       Case.closed_on.is_(None))).all())
    if not numbers:
        raise DomainError("Ingen åpne klager på karakter for denne eksamenen")
    name = export_name(course.code, exam.exam_date, exam.exam_form.capitalize(), "klagesensur", suffix=".xlsx")
    path = export_target(path, name, export_dir)
    workbook, sheet = new_workbook("Klagesensur")
    setup_print(sheet, title=f"Klagesensur {course.code} {course.name} – {exam.exam_form} {exam.exam_date:%d.%m.%Y}",
                title_rows=(5, 5), widths=(16, 40))
    append_row(sheet, ["Klagesensur – ny sensur"], Font(bold=True, size=13))
    append_row(sheet, ["Emne", f"{course.code} {course.name}"])
    append_row(sheet, ["Eksamen", f"{exam.exam_form} {exam.exam_date:%d.%m.%Y}"])
    append_row(sheet, [])
    append_row(sheet, ["Kandidatnr", "Ny karakter"], Font(bold=True))
    for number in numbers:
        append_row(sheet, [str(number), ""])
    return save_workbook(workbook, path)
