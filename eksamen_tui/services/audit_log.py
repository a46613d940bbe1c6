"""Reading the audit trail: who changed what, when, from which value to
which, and why, filtered by exam, candidate, student, clerk, kind of change
and date range. Each audit row is tied back to its exam and registration
(through the grade, case, delivery or commission it names).

Anonymity: a grade change on an exam whose grades are not published is
never tied to a student here (no name, no student number, and a student
filter does not find it); an `anonymous` filter (opened from the grade
desk) ties no row to a student at all."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import and_, case, func, literal, or_
from sqlalchemy.orm import aliased
from sqlmodel import select

from eksamen_tui.db.models import (
    AuditEntry,
    Case,
    Commission,
    Course,
    Exam,
    FeeForm,
    Grade,
    PaperDelivery,
    Registration,
    ScriptMovement,
    ScriptResolution,
    Student,
)
from eksamen_tui.services.context import Context
from eksamen_tui.services.text_search import escape_like, fold_text, folded

PAGE = 500

# kind of change -> (bokmål label, [(entity, fields or None = all)])
KINDS: dict[str, tuple[str, list[tuple[str, tuple[str, ...] | None]]]] = {
    "attendance": ("oppmøte og trekk", [("registration", ("attendance_state", "withdrawn_on"))]),
    "documentation": ("dokumentasjon", [("registration", ("documentation_received_on",))]),
    "grade": ("karakter", [("grade", None)]),
    "case": ("begrunnelse og klage", [("case", None)]),
    "publication": ("kunngjøring", [("exam", ("published_on",))]),
    "import": ("kandidatimport", [("exam", ("candidates_imported",)), ("registration", ("imported",))]),
    "paper": ("eksamensoppgave", [("paper_delivery", None)]),
    "commission": ("kommisjon og sensorer", [("commission", None), ("examiner", None)]),
    "custody": ("besvarelser ut og inn", [("script_movement", None), ("script_resolution", None)]),
    "extension": ("utsatt sensurfrist", [("exam", ("grading_deadline",))]),
    "fee": ("honorarskjema", [("fee_form", None)]),
    "guidelines": ("sensorveiledning", [("exam", ("guidelines_published_on",))]),
    "settings": ("innstillinger", [("setting", None)]),
}

FIELD_LABELS = {
    ("registration", "attendance_state"): "oppmøte",
    ("registration", "withdrawn_on"): "trukket dato",
    ("registration", "documentation_received_on"): "dokumentasjon mottatt",
    ("registration", "imported"): "importert fra kandidatliste",
    ("grade", "value"): "karakter",
    ("grade", "status"): "karakterstatus",
    ("grade", "is_current"): "gjeldende karakter",
    ("case", "registered"): "sak registrert",
    ("case", "explanation_given_on"): "begrunnelse gitt",
    ("case", "sent_to_commission_on"): "sendt klagekommisjon",
    ("case", "new_grade"): "ny karakter (klage)",
    ("case", "decision"): "avgjørelse",
    ("case", "closed_on"): "sak lukket",
    ("exam", "published_on"): "sensur kunngjort",
    ("exam", "candidates_imported"): "kandidater importert",
    ("paper_delivery", "received"): "oppgave mottatt",
    ("commission", "created"): "kommisjon opprettet",
    ("commission", "member"): "kommisjonsmedlem",
    ("examiner", "created"): "sensor registrert",
    ("examiner", "merged_into"): "sensor slått sammen med",
    ("examiner", "name"): "sensorens navn",
    ("examiner", "employer"): "sensorens arbeidsgiver",
    ("examiner", "is_external"): "ekstern sensor",
    ("case", "decision_sent_on"): "vedtak sendt",
    ("case", "explanation_form"): "begrunnelsens form",
    ("exam", "grading_deadline"): "sensurfrist",
    ("exam", "guidelines_published_on"): "sensorveiledning publisert",
    ("script_movement", "out"): "besvarelser utlevert (i alt)",
    ("script_movement", "back"): "besvarelser tilbake (i alt)",
    ("script_resolution", "missing"): "manglende besvarelser avklart",
    ("fee_form", "sent_on"): "honorarskjema sendt",
    ("fee_form", "confirmed_on"): "honorarskjema bekreftet",
}

VALUE_LABELS = {
    "registered": "oppmeldt", "attended": "møtt", "no_show": "ikke møtt", "withdrew_during": "trekk under",
    "blank": "levert blankt", "valid_absence": "gyldig fravær", "withdrawn": "trukket",
    "explanation": "begrunnelse", "grade_appeal": "klage på karakter", "formal_appeal": "klage på formell feil",
    "provisional": "ført", "controlled": "kontrollert", "mismatch": "avvik",
}


# The reason codes the services write, in the clerk's words (bokmål); a code
# not here is shown as written. The reasons a clerk chooses from a list
# (corrections, mismatches, reopening a case) come from their services.
REASON_LABELS = {
    "appeal": "klage", "attendance": "oppmøte", "attendance_corrected": "oppmøte rettet",
    "computed": "beregnet fra delene", "control": "kontrollføring", "documentation": "dokumentasjon",
    "entry": "førstegangsføring", "extension": "utsatt sensurfrist", "form_import": "kommisjonsskjema importert",
    "guidelines": "sensorveiledning", "hand_out": "utlevert", "import": "kandidatimport",
    "mismatch_resolved": "avvik løst", "override": "frist overstyrt", "publish": "kunngjort",
    "redelivery": "levert på nytt", "resolved": "avklart", "settings": "innstillinger", "undo": "angret",
    "upgrade_duplicate": "dobbel rad ved oppgradering", "up": "opp", "down": "ned", "unchanged": "uendret",
    "oral": "muntlig", "written": "skriftlig",
    "fee_sent": "honorarskjema sendt", "fee_confirmed": "honorarskjema bekreftet", "fee_due": "honorarskjema skyldes",
}


def reason_label(code: str | None) -> str:
    """«undo» → «angret», «reopen_new_information» → «gjenåpnet: nye
    opplysninger i saken»; an unknown code as written."""
    if not code:
        return ""
    from eksamen_tui.services.appeals import REOPEN_REASONS
    from eksamen_tui.services.grades import CORRECTION_REASONS, MISMATCH_REASONS

    if code.startswith("reopen_"):
        rest = code.removeprefix("reopen_")
        return "gjenåpnet: " + REOPEN_REASONS.get(rest, rest)
    return REASON_LABELS.get(code) or CORRECTION_REASONS.get(code) or MISMATCH_REASONS.get(code) or code


@dataclass(frozen=True)
class AuditFilter:
    exam_id: int | None = None
    course: str = ""  # course code, or part of it
    candidate_number: int | None = None
    registration_id: int | None = None
    student: str = ""  # student number, or part of the name
    clerk: str = ""
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    anonymous: bool = False  # opened from the grade desk: no row names a student
    after_id: int | None = None  # only audit rows with a higher id (a live log's look for news)
    title: str = ""  # what the filter is about, in bokmål (e.g. "kandidat 13, TDT4100 10.12.2026")

    def cleared(self) -> "AuditFilter":
        return AuditFilter()

    def without_target(self) -> "AuditFilter":
        return replace(self, exam_id=None, registration_id=None, title="")


@dataclass(frozen=True)
class AuditLine:
    entry_id: int
    at: datetime
    clerk: str
    kind: str  # key of KINDS, or "" when none fits
    what: str  # bokmål: the field changed
    entity: str
    entity_id: int
    old: str
    new: str
    reason: str
    exam_id: int | None
    exam_label: str  # "TDT4100 10.12.2026" or ""
    candidate_number: int | None
    student_number: str  # "" when anonymous
    student_name: str  # "" when anonymous

    @property
    def change(self) -> str:
        return f"{self.old or '–'} → {self.new or '–'}"


def kind_of(entity: str, field: str) -> str:
    """The kind of change (a key of KINDS) of an audit row, or "" when none fits."""
    for key, (_, parts) in KINDS.items():
        for part_entity, fields in parts:
            if entity == part_entity and (fields is None or field in fields):
                return key
    return ""


def _what(entity: str, field: str) -> str:
    if entity == "commission" and field.startswith("member "):
        return f"kommisjonsmedlem {field[7:]}"
    return FIELD_LABELS.get((entity, field), f"{entity}.{field}")


def _value(text: str | None) -> str:
    if text is None:
        return ""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text).strftime("%d.%m.%Y")
        except ValueError:
            return text
    return VALUE_LABELS.get(text, text)


def _query(f: AuditFilter):
    grade = aliased(Grade)
    case_row = aliased(Case)
    delivery = aliased(PaperDelivery)
    commission = aliased(Commission)
    movement = aliased(ScriptMovement)
    resolution = aliased(ScriptResolution)
    fee_form = aliased(FeeForm)
    registration_id = case(
        (AuditEntry.entity == "registration", AuditEntry.entity_id),
        (AuditEntry.entity == "grade", grade.registration_id),
        (AuditEntry.entity == "case", case_row.registration_id),
        else_=None,
    )
    exam_id = func.coalesce(
        Registration.exam_id,
        case((AuditEntry.entity == "exam", AuditEntry.entity_id), else_=None),
        delivery.exam_id,
        commission.exam_id,
        movement.exam_id,
        resolution.exam_id,
        fee_form.exam_id,
    )
    query = (
        select(AuditEntry, Registration.candidate_number, Student.student_number, Student.name,
               Exam.id, Exam.exam_date, Exam.published_on, Course.code)
        .select_from(AuditEntry)
        .outerjoin(grade, and_(AuditEntry.entity == "grade", grade.id == AuditEntry.entity_id))
        .outerjoin(case_row, and_(AuditEntry.entity == "case", case_row.id == AuditEntry.entity_id))
        .outerjoin(delivery, and_(AuditEntry.entity == "paper_delivery", delivery.id == AuditEntry.entity_id))
        .outerjoin(commission, and_(AuditEntry.entity == "commission", commission.id == AuditEntry.entity_id))
        .outerjoin(movement, and_(AuditEntry.entity == "script_movement", movement.id == AuditEntry.entity_id))
        .outerjoin(resolution, and_(AuditEntry.entity == "script_resolution", resolution.id == AuditEntry.entity_id))
        .outerjoin(fee_form, and_(AuditEntry.entity == "fee_form", fee_form.id == AuditEntry.entity_id))
        .outerjoin(Registration, Registration.id == registration_id)
        .outerjoin(Student, Student.id == Registration.student_id)
        .outerjoin(Exam, Exam.id == exam_id)
        .outerjoin(Course, Course.id == Exam.course_id)
    )
    conditions = []
    if f.registration_id is not None:
        conditions.append(Registration.id == f.registration_id)
    if f.exam_id is not None:
        conditions.append(Exam.id == f.exam_id)
    if f.course.strip():
        conditions.append(folded(Course.code).like(f"%{escape_like(fold_text(f.course))}%", escape="\\"))
    if f.candidate_number is not None:
        conditions.append(Registration.candidate_number == f.candidate_number)
    if f.student.strip() and not f.anonymous:
        text = f.student.strip()
        pattern = f"%{escape_like(fold_text(text))}%"
        conditions.append(or_(Student.student_number == text, folded(Student.name).like(pattern, escape="\\")))
        # grades not yet published stay anonymous: a student filter never finds them
        conditions.append(or_(AuditEntry.entity != "grade", Exam.published_on.is_not(None)))
    if f.clerk.strip():
        conditions.append(folded(AuditEntry.clerk).like(f"%{escape_like(fold_text(f.clerk))}%", escape="\\"))
    if f.kind:
        parts = []
        for entity, fields in KINDS[f.kind][1]:
            parts.append(and_(AuditEntry.entity == entity, AuditEntry.field.in_(fields)) if fields
                         else AuditEntry.entity == entity)
        conditions.append(or_(*parts))
    if f.after_id is not None:
        conditions.append(AuditEntry.id > f.after_id)
    if f.date_from is not None:
        conditions.append(AuditEntry.at >= datetime.combine(f.date_from, time.min))
    if f.date_to is not None:
        conditions.append(AuditEntry.at < datetime.combine(f.date_to + timedelta(days=1), time.min))
    if conditions:
        query = query.where(and_(literal(True), *conditions))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def audit_lines(ctx: Context, f: AuditFilter, limit: int | None = PAGE) -> list[AuditLine]:
    """The log's lines for `f`, newest first (at most `limit`)."""
    query = _query(f)
    if limit is not None:
        query = query.limit(limit)
    with ctx.read() as s:
        rows = s.exec(query).all()
    lines = []
    for entry, candidate, student_number, name, exam_id, exam_date, published_on, code in rows:
        hidden = f.anonymous or (entry.entity == "grade" and published_on is None)
        reason = " – ".join(part for part in (reason_label(entry.reason_code), entry.note or "") if part)
        lines.append(AuditLine(
            entry_id=entry.id, at=entry.at, clerk=entry.clerk, kind=kind_of(entry.entity, entry.field),
            what=_what(entry.entity, entry.field), entity=entry.entity, entity_id=entry.entity_id,
            old=_value(entry.old_value), new=_value(entry.new_value), reason=reason, exam_id=exam_id,
            exam_label=f"{code} {exam_date:%d.%m.%Y}" if code else "", candidate_number=candidate,
            student_number="" if hidden else (student_number or ""), student_name="" if hidden else (name or ""),
        ))
    return lines


def has_lines_after(ctx: Context, f: AuditFilter, after_id: int) -> bool:
    """Whether an audit row with an id above `after_id` falls under `f`: a
    cheap look (by primary key) before a live log reads its page again."""
    with ctx.read() as s:
        return s.exec(_query(replace(f, after_id=after_id)).limit(1)).first() is not None


def count_lines(ctx: Context, f: AuditFilter) -> int:
    with ctx.read() as s:
        return s.exec(select(func.count()).select_from(_query(f).order_by(None).subquery())).one()


def clerks(ctx: Context) -> list[str]:
    with ctx.read() as s:
        return sorted(s.exec(select(AuditEntry.clerk).distinct()).all())


def export_log(ctx: Context, f: AuditFilter, path: str | Path | None = None) -> Path:
    """The filtered log as .xlsx (every line, not a page), a private file in
    the export folder; never overwrites. Returns the path written."""
    from openpyxl.styles import Font

    from eksamen_tui.excel.writer import append_row, new_workbook, setup_print
    from eksamen_tui.export_files import export_name, export_target, save_workbook
    from eksamen_tui.services.context import export_dir

    lines = audit_lines(ctx, f, limit=None)
    name = export_name("endringslogg", ctx.today(), suffix=".xlsx")
    target = export_target(path, name, export_dir)
    workbook, sheet = new_workbook("Endringslogg")
    setup_print(sheet, title="Endringslogg", title_rows=(4, 4), landscape=True,
                widths=(17, 14, 18, 16, 9, 12, 24, 24, 16, 16, 40))
    append_row(sheet, ["Endringslogg" + (f" – {f.title}" if f.title else "")], Font(bold=True, size=13))
    append_row(sheet, [f"Utvalg: {describe(f)} · {len(lines)} linjer · laget {ctx.now():%d.%m.%Y %H:%M} av {ctx.clerk}"])
    append_row(sheet, [])
    append_row(sheet, ["Tidspunkt", "Saksbehandler", "Hva", "Eksamen", "Kand.nr", "Studentnr", "Navn",
                       "Endring", "Fra", "Til", "Årsak"], Font(bold=True))
    for line in lines:
        append_row(sheet, [line.at, line.clerk, line.what, line.exam_label, line.candidate_number,
                           line.student_number, line.student_name, KINDS.get(line.kind, ("",))[0],
                           line.old, line.new, line.reason])
    return save_workbook(workbook, target)


def describe(f: AuditFilter) -> str:
    """The filter in words (bokmål), for the screen's status line and the export."""
    parts = []
    if f.title:
        parts.append(f.title)
    if f.course.strip():
        parts.append(f"emne «{f.course.strip()}»")
    if f.candidate_number is not None and not f.title:
        parts.append(f"kandidat {f.candidate_number}")
    if f.student.strip() and not f.anonymous:
        parts.append(f"student «{f.student.strip()}»")
    if f.clerk.strip():
        parts.append(f"saksbehandler «{f.clerk.strip()}»")
    if f.kind:
        parts.append(KINDS[f.kind][0])
    if f.date_from or f.date_to:
        start = f"{f.date_from:%d.%m.%Y}" if f.date_from else "…"
        end = f"{f.date_to:%d.%m.%Y}" if f.date_to else "…"
        parts.append(f"{start}–{end}")
    if f.anonymous:
        parts.append("anonymt (fra karakterpulten)")
    return ", ".join(parts) or "alle endringer"
