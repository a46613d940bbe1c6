"""Commission forms in and out: export blank or filled forms, import
hand-edited ones (each file all-or-nothing, with a preview of the change),
the examiner directory."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from sqlmodel import select

from eksamen_tui.db.models import Commission, CommissionMember, Course, Exam, Examiner, ExamPart, Registration
from eksamen_tui.domain.commission_rules import MemberInfo, appeal_commission_problems, ordinary_commission_problems
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.exam_forms import canonical_exam_form
from eksamen_tui.domain.vocabulary import CommissionKind
from eksamen_tui.excel.commission_form import (
    FORM_SUFFIXES,
    FormExaminer,
    FormHeader,
    ParsedForm,
    form_filename,
    read_form,
)
from eksamen_tui.excel.tabular import FileProblems, Problem
from eksamen_tui.services import audit
# The desk's overview lives in services.commissions (the dashboard's card
# counts from it without importing the spreadsheet code here); its callers
# import it from here as before.
from eksamen_tui.services.commissions import (  # noqa: F401
    CommissionStatus,
    commission_overview,
    commission_summary,
)
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import require
from eksamen_tui.services.queries import of_part, present


# --- export -----------------------------------------------------------------------

def select_exams(ctx: Context, codes: list[str] | None = None, date_from: date | None = None,
                 date_to: date | None = None, department: str | None = None) -> list[int]:
    query = select(Exam.id).join(Course, Course.id == Exam.course_id)
    if codes:
        query = query.where(Course.code.in_([c.upper() for c in codes]))
    if date_from:
        query = query.where(Exam.exam_date >= date_from)
    if date_to:
        query = query.where(Exam.exam_date <= date_to)
    if department:
        query = query.where(Course.department == department)
    with ctx.read() as s:
        return list(s.exec(query.order_by(Exam.exam_date, Course.code)).all())


def _members(s, commission_id: int) -> list[FormExaminer]:
    return _members_of(s, [commission_id]).get(commission_id, [])


def _members_of(s, commission_ids) -> dict[int, list[FormExaminer]]:
    """The members of each commission, in the order they were added (one query)."""
    members: dict[int, list[FormExaminer]] = {}
    for commission_id, name, is_external, email, employer, role, is_paid, count in s.exec(
            select(CommissionMember.commission_id, Examiner.name, Examiner.is_external, Examiner.email,
                   Examiner.employer, CommissionMember.role, CommissionMember.is_paid, CommissionMember.candidate_count)
            .join(CommissionMember, CommissionMember.examiner_id == Examiner.id)
            .where(CommissionMember.commission_id.in_(commission_ids)).order_by(CommissionMember.id)).all():
        members.setdefault(commission_id, []).append(
            FormExaminer(name, role, is_external, email, employer, is_paid, count))
    return members


def export_forms(ctx: Context, exam_ids: list[int], folder: Path, *, blank: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """One workbook per exam (and per part), named
    EMNEKODE_Eksamensform_ÅÅÅÅ-MM-DD_kommisjonsskjema[_utfylt].xlsx, written
    privately and never over another file. Returns the paths written.
    The exams' facts and commissions are read in a few queries (not per
    exam), and the files are made durable together (PrivateBatch)."""
    from functools import partial

    from eksamen_tui.excel.commission_form import FormWorkbooks
    from eksamen_tui.excel.writer import save_workbook as save_xlsx
    from eksamen_tui.export_files import PrivateBatch, private_folder

    private_folder(folder)
    exam_ids = list(exam_ids)
    forms = []  # (header, ordinary, appeal, path) in the order asked
    with ctx.read() as s:
        exams = {exam.id: (exam, course) for exam, course in s.exec(
            select(Exam, Course).join(Course, Course.id == Exam.course_id).where(Exam.id.in_(exam_ids))).all()}
        for exam_id in exam_ids:
            if exam_id not in exams:
                require(s, Exam, exam_id, "eksamen")  # says which exam does not exist
        parts: dict[int, list] = {}
        for part in s.exec(select(ExamPart).where(ExamPart.exam_id.in_(exam_ids)).order_by(ExamPart.id)).all():
            parts.setdefault(part.exam_id, []).append(part)
        found: dict[tuple, int] = {}  # (exam, part, kind) -> commission id
        members: dict[int, list[FormExaminer]] = {}
        if not blank:
            for commission in s.exec(select(Commission).where(Commission.exam_id.in_(exam_ids))
                                     .order_by(Commission.id)).all():  # the newest of a kind wins, as before
                found[(commission.exam_id, commission.part_id, commission.kind)] = commission.id
            members = _members_of(s, list(found.values()))
    for exam_id in exam_ids:
        exam, course = exams[exam_id]
        for part_id, part_name in [(None, "")] + [(p.id, p.name) for p in parts.get(exam_id, [])]:
            ordinary = members.get(found.get((exam_id, part_id, CommissionKind.ORDINARY)), [])
            appeal = members.get(found.get((exam_id, part_id, CommissionKind.APPEAL)), [])
            header = FormHeader(course.code, course.name, exam.semester, exam.exam_form, exam.exam_date, part_name)
            forms.append((exam_id, header, ordinary, appeal,
                          Path(folder) / form_filename(course.code, exam.exam_form, part_name, exam.exam_date,
                                                       filled=not blank)))
    workbooks = FormWorkbooks()
    with PrivateBatch() as batch:
        done = 0
        for index, (exam_id, header, ordinary, appeal, path) in enumerate(forms):
            batch.add(path, partial(save_xlsx, workbooks.fill(header, ordinary, appeal)))  # saved before the next fill
            if progress and (index + 1 == len(forms) or forms[index + 1][0] != exam_id):
                done += 1
                progress(done, len(exam_ids))
    return batch.written


# --- import -----------------------------------------------------------------------

@dataclass
class CommissionChange:
    kind: CommissionKind
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed or self.removed)


@dataclass
class FormPlan:
    file: str
    form: ParsedForm
    exam_id: int
    part_id: int | None
    exam_label: str
    changes: dict[CommissionKind, CommissionChange]
    warnings: list[Problem] = field(default_factory=list)
    # the members as they were when the form was checked (what the preview
    # showed): if another counter changes them before the import is
    # confirmed, nothing is written and the refusal says who. None: unchecked.
    seen: dict | None = None


def _key(person: FormExaminer) -> str:
    return person.email or person.name.casefold()


def plan_form_import(ctx: Context, path: Path) -> FormPlan:
    """Read and check a form against the database; raise FileProblems with
    every error (file, sheet, cell); nothing is written here."""
    path = Path(path)
    form = read_form(path)
    header = form.header
    where = lambda field_name: form.header_cells.get(field_name, f"{form.sheet}!?")  # noqa: E731

    def error(cell_ref: str | None, message: str, severity: str = "error") -> Problem:
        cell = cell_ref.split("!")[1] if cell_ref and "!" in cell_ref else None
        return Problem(path.name, message, sheet=form.sheet, cell=cell, severity=severity)

    with ctx.read() as s:
        course = s.exec(select(Course).where(Course.code == header.course_code)).first()
        if course is None:
            raise FileProblems([error(where("course_code"), f"ukjent emnekode «{header.course_code}»")])
        exams = s.exec(select(Exam).where(Exam.course_id == course.id, Exam.exam_date == header.exam_date)).all()
        wanted_form = canonical_exam_form(header.exam_form).casefold()
        matching = [e for e in exams if canonical_exam_form(e.exam_form).casefold() == wanted_form]
        if not matching:
            known = ", ".join(f"{e.exam_form} {e.exam_date:%d.%m.%Y}" for e in
                              s.exec(select(Exam).where(Exam.course_id == course.id)).all()) or "ingen"
            raise FileProblems([error(where("exam_date"),
                                      f"{header.course_code} har ingen {header.exam_form} {header.exam_date:%d.%m.%Y} "
                                      f"(eksamener i emnet: {known})")])
        exam = matching[0]
        part_id = None
        if header.part:
            part = s.exec(select(ExamPart).where(ExamPart.exam_id == exam.id)).all()
            named = [p for p in part if p.name.casefold() == header.part.casefold()]
            if not named:
                raise FileProblems([error(where("part"), f"eksamenen har ingen del «{header.part}»")])
            part_id = named[0].id
        existing = _existing_members(s, exam.id, part_id)

    problems: list[Problem] = []
    ordinary_info = [MemberInfo(_key(p), p.name, p.is_external) for p in form.ordinary]
    appeal_info = [MemberInfo(_key(p), p.name, p.is_external) for p in form.appeal]
    for message in ordinary_commission_problems(ordinary_info,
                                                requires_external=ctx.profile.ordinary_commission_requires_external):
        problems.append(error(form.ordinary[0].cell if form.ordinary else form.ordinary_title_cell, message))
    if form.appeal:
        for message in appeal_commission_problems(appeal_info, ordinary_info):
            reused = [p for p in form.appeal if _key(p) in {m.key for m in ordinary_info}]
            cell = reused[0].cell if "ordinære" in message and reused else (form.appeal_title_cell or None)
            problems.append(error(cell, message))
    else:
        problems.append(error(form.appeal_title_cell, "klagekommisjonen er ikke fylt ut (skal settes opp samtidig)",
                              severity="warning"))
    for person in form.ordinary + form.appeal:
        if person.candidate_count is not None and not person.is_external:
            problems.append(error(person.cell, f"{person.name}: antall kandidater/grupper føres bare for eksterne",
                                  severity="warning"))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise FileProblems(problems)

    changes = {}
    for kind, people in ((CommissionKind.ORDINARY, form.ordinary), (CommissionKind.APPEAL, form.appeal)):
        before = {_key(p): p for p in existing.get(kind, [])}
        change = CommissionChange(kind)
        for person in people:
            old = before.pop(_key(person), None)
            if old is None:
                change.new.append(person.name)
            elif (old.name, old.role, old.is_external, old.employer, old.is_paid, old.candidate_count) != (
                    person.name, person.role, person.is_external, person.employer, person.is_paid, person.candidate_count):
                change.changed.append(person.name)
            else:
                change.unchanged.append(person.name)
        if people or kind == CommissionKind.ORDINARY:
            change.removed = [p.name for p in before.values()]
        changes[kind] = change
    label = f"{header.course_code} {exam.exam_form} {exam.exam_date:%d.%m.%Y}" + (f" del {header.part}" if header.part else "")
    return FormPlan(path.name, form, exam.id, part_id, label, changes,
                    form.warnings + [p for p in problems if p.severity == "warning"], seen=existing)


def _existing_members(s, exam_id: int, part_id: int | None) -> dict:
    """kind -> the members of the exam's (part's) commission of that kind
    with the lowest number (two queries)."""
    commissions = s.exec(select(Commission.id, Commission.kind).where(
            Commission.exam_id == exam_id,
            of_part(Commission.part_id, part_id))
            .order_by(Commission.number.desc())).all()
    members = _members_of(s, [commission_id for commission_id, _ in commissions]) if commissions else {}
    existing = {}
    for commission_id, kind in commissions:
        existing[kind] = members.get(commission_id, [])
    return existing


def _check_seen(s, ctx: Context, plan: FormPlan) -> None:
    """Refuse (ChangedMeanwhile) when the exam's commissions are no longer
    what the plan was made from."""
    from eksamen_tui.services.concurrency import last_change, lock, refuse

    lock(s, Exam, plan.exam_id)  # PostgreSQL: one form import per exam at a time
    if plan.seen is None:
        return
    current = _existing_members(s, plan.exam_id, plan.part_id)
    if current == plan.seen:
        return
    ids = s.exec(select(Commission.id).where(Commission.exam_id == plan.exam_id)).all()
    by, at = last_change(s, "commission", list(ids))
    raise refuse(f"Kommisjonen for {plan.exam_label}", "endret etter at skjemaet ble lest", current=current,
                 by=by, at=at, today=ctx.today())


def create_commission(s, ctx: Context, exam_id: int, kind: CommissionKind, part_id: int | None = None) -> Commission:
    """A new commission; a second appeal commission for the same exam is refused."""
    existing = s.exec(select(Commission).where(
        Commission.exam_id == exam_id, Commission.kind == kind,
        of_part(Commission.part_id, part_id))).all()
    if kind == CommissionKind.APPEAL and existing:
        raise DomainError("Eksamenen har allerede en klagekommisjon; en ny kan ikke opprettes (endre den som finnes)")
    commission = Commission(exam_id=exam_id, part_id=part_id, kind=kind, number=len(existing) + 1,
                            created_at=ctx.now())
    s.add(commission)
    s.flush()
    audit.record(s, ctx, "commission", commission.id, "created", None, kind)
    return commission


def apply_form_import(ctx: Context, plan: FormPlan) -> dict[str, int]:
    """Write one checked form in one transaction; returns counts."""
    counts = {"new": 0, "changed": 0, "removed": 0}
    with ctx.write() as s:
        _check_seen(s, ctx, plan)
        emails = {person.email for person in plan.form.ordinary + plan.form.appeal if person.email}
        examiners = {examiner.email: examiner for examiner in s.exec(
            select(Examiner).where(Examiner.email.in_(emails))).all()} if emails else {}
        # per kind the commission with the lowest number, and its members (two queries for both kinds)
        first_of_kind: dict[CommissionKind, int] = {}
        for commission_id, kind in s.exec(select(Commission.id, Commission.kind).where(
                Commission.exam_id == plan.exam_id, of_part(Commission.part_id, plan.part_id))
                .order_by(Commission.number.desc())).all():
            first_of_kind[kind] = commission_id
        members_of: dict[int, dict[int, CommissionMember]] = {id_: {} for id_ in first_of_kind.values()}
        if members_of:
            for member in s.exec(select(CommissionMember).where(
                    CommissionMember.commission_id.in_(list(members_of)))).all():
                members_of[member.commission_id][member.examiner_id] = member
        for kind, people in ((CommissionKind.ORDINARY, plan.form.ordinary), (CommissionKind.APPEAL, plan.form.appeal)):
            if not people and kind == CommissionKind.APPEAL:
                continue
            if kind in first_of_kind:
                commission_id = first_of_kind[kind]
                members = members_of[commission_id]
            else:
                commission_id = create_commission(s, ctx, plan.exam_id, kind, plan.part_id).id
                members = {}
            keep: set[int] = set()
            for person in people:
                examiner = _examiner_for(s, ctx, person, examiners)
                keep.add(examiner.id)
                member = members.get(examiner.id)
                values = (person.role, person.is_paid, person.candidate_count)
                if member is None:
                    s.add(CommissionMember(commission_id=commission_id, examiner_id=examiner.id, role=person.role,
                                           is_paid=person.is_paid, candidate_count=person.candidate_count))
                    audit.record(s, ctx, "commission", commission_id, "member", None, examiner.name,
                                 reason_code="form_import", note=plan.file)
                    counts["new"] += 1
                elif (member.role, member.is_paid, member.candidate_count) != values:
                    old = f"{member.role}, honorar {member.is_paid}, antall {member.candidate_count}"
                    member.role, member.is_paid, member.candidate_count = values
                    s.add(member)
                    audit.record(s, ctx, "commission", commission_id, f"member {examiner.name}", old,
                                 f"{person.role}, honorar {person.is_paid}, antall {person.candidate_count}",
                                 reason_code="form_import", note=plan.file)
                    counts["changed"] += 1
            for examiner_id, member in members.items():
                if examiner_id not in keep:
                    examiner = s.get(Examiner, examiner_id)
                    s.delete(member)
                    audit.record(s, ctx, "commission", commission_id, "member", examiner.name, None,
                                 reason_code="form_import", note=plan.file)
                    counts["removed"] += 1
    return counts


@dataclass
class FormImportResult:
    """What importing one checked form did: its counts, or why nothing of
    it was stored (`error`; the file's transaction was rolled back)."""

    file: str
    exam_label: str
    counts: dict[str, int] | None
    error: Exception | None = None

    @property
    def applied(self) -> bool:
        return self.error is None


def apply_form_imports(ctx: Context, plans: list[FormPlan]) -> list[FormImportResult]:
    """Apply checked forms one by one, each in its own transaction. A form
    that fails (a rule, another clerk, the database) is rolled back alone and
    reported with its error; the forms before and after it stay applied, so
    the result is an exact account of what was stored."""
    results = []
    for plan in plans:
        try:
            counts = apply_form_import(ctx, plan)
        except Exception as error:  # noqa: BLE001 - reported per file, the batch goes on
            results.append(FormImportResult(plan.file, plan.exam_label, None, error))
        else:
            results.append(FormImportResult(plan.file, plan.exam_label, counts))
    return results


def _examiner_for(s, ctx: Context, person: FormExaminer, by_email: dict[str, Examiner] | None = None) -> Examiner:
    """The examiner by e-mail (else by exact name); created or updated.
    `by_email`: the examiners already read by e-mail (one query per form),
    kept up to date with the ones created here."""
    if by_email is None:
        examiner = s.exec(select(Examiner).where(Examiner.email == person.email)).first() if person.email else None
    else:
        examiner = by_email.get(person.email) if person.email else None
    if examiner is None:
        examiner = Examiner(name=person.name, email=person.email, employer=person.employer,
                            is_external=person.is_external)
        s.add(examiner)
        s.flush()
        if by_email is not None and person.email:
            by_email[person.email] = examiner
        audit.record(s, ctx, "examiner", examiner.id, "created", None, f"{person.name} <{person.email}>")
        return examiner
    for attribute, value in (("name", person.name), ("employer", person.employer), ("is_external", person.is_external)):
        if getattr(examiner, attribute) != value and value not in ("", None):
            audit.record(s, ctx, "examiner", examiner.id, attribute, getattr(examiner, attribute), value)
            setattr(examiner, attribute, value)
    s.add(examiner)
    return examiner


def forms_in(target: Path) -> list[Path]:
    """The file itself, or the folder's forms: spreadsheets (.xlsx, .xlsm,
    .xls, .ods) whose name says kommisjonsskjema (the naming rule)."""
    if not target.is_dir():
        return [target]
    return [p for p in sorted(target.iterdir()) if not _is_lock_file(p) and _skip_reason(p) is None]


def _is_lock_file(path: Path) -> bool:
    return path.name.startswith(("~$", ".~lock")) or path.name.startswith(".")


def _skip_reason(path: Path) -> str | None:
    """Why a file in a form folder is not imported (None: it is a form)."""
    if path.is_dir():
        return "er en mappe"
    if path.suffix.casefold() not in FORM_SUFFIXES:
        return "er ikke et regneark (.xlsx, .xlsm, .xls eller .ods)"
    if "kommisjon" not in path.name.casefold():
        return "navnet sier ikke «kommisjonsskjema»"
    return None


def skipped_in(target: Path) -> list[tuple[str, str]]:
    """(file name, reason) for every file in a folder that is not imported;
    Excel's and LibreOffice's lock files are left out silently."""
    if not target.is_dir():
        return []
    return [(p.name, _skip_reason(p)) for p in sorted(target.iterdir())
            if not _is_lock_file(p) and _skip_reason(p) is not None]


@dataclass
class FileResult:
    file: str
    ok: bool
    message: str
    problems: list[Problem] = field(default_factory=list)
    skipped: bool = False


def plan_folder(ctx: Context, files: list[Path]) -> list[tuple[Path, FormPlan | None, FileResult | None]]:
    """Check every file first; two files for the same exam (and part) are
    refused together, each naming the other, so that the file-name order
    never decides which commission wins."""
    planned: list[tuple[Path, FormPlan | None, FileResult | None]] = []
    for path in files:
        try:
            planned.append((path, plan_form_import(ctx, path), None))
        except FileProblems as problems:
            errors = sum(1 for p in problems.problems if p.severity == "error")
            planned.append((path, None, FileResult(path.name, False, f"{errors} feil – ingenting importert",
                                                   problems.problems)))
        except DomainError as error:
            planned.append((path, None, FileResult(path.name, False, str(error))))
    by_exam: dict[tuple[int, int | None], list[int]] = {}
    for index, (_, plan, _) in enumerate(planned):
        if plan is not None:
            by_exam.setdefault((plan.exam_id, plan.part_id), []).append(index)
    for indexes in by_exam.values():
        if len(indexes) < 2:
            continue
        names = [planned[i][0].name for i in indexes]
        for i in indexes:
            path, plan, _ = planned[i]
            others = ", ".join(n for n in names if n != path.name)
            message = (f"to skjema for samme eksamen ({plan.exam_label}): {path.name} og {others}; "
                       "ingen av dem er importert – fjern det som ikke gjelder")
            planned[i] = (path, None, FileResult(path.name, False, message,
                                                 [Problem(path.name, message, sheet=plan.form.sheet)]))
    return planned


def import_path(ctx: Context, target: Path, progress: Callable[[int, int], None] | None = None) -> list[FileResult]:
    """A file, or every form in a folder: each file all-or-nothing; two
    forms for one exam refused together; other files reported as skipped."""
    target = Path(target)
    files = forms_in(target)
    results = [FileResult(name, False, f"hoppet over: {reason}", skipped=True)
               for name, reason in skipped_in(target)]
    for index, (path, plan, refused) in enumerate(plan_folder(ctx, files)):
        if refused is not None:
            results.append(refused)
        else:
            try:
                counts = apply_form_import(ctx, plan)
                message = (f"{plan.exam_label}: {counts['new']} nye, {counts['changed']} endret, "
                           f"{counts['removed']} fjernet")
                results.append(FileResult(path.name, True, message, plan.warnings))
            except DomainError as error:
                results.append(FileResult(path.name, False, str(error)))
        if progress:
            progress(index + 1, len(files))
    return results


# --- the examiner directory (the desk's overview: services.commissions) ------------

@dataclass
class DirectoryLine:
    examiner_id: int
    name: str
    email: str
    employer: str
    is_external: bool
    exams: list[str]
    papers: int  # attended candidates on the exams they examine (for fee forms)


def examiner_directory(ctx: Context, days_back: int = 365, days_ahead: int = 120) -> list[DirectoryLine]:
    """Who examines what in the period (default: the last year and the
    coming four months), with the papers they grade, for fee forms."""
    from datetime import timedelta

    from sqlalchemy import func

    today = ctx.today()
    with ctx.read() as s:
        rows = s.exec(select(Examiner, Commission, Exam, Course)
                      .join(CommissionMember, CommissionMember.examiner_id == Examiner.id)
                      .join(Commission, Commission.id == CommissionMember.commission_id)
                      .join(Exam, Exam.id == Commission.exam_id)
                      .join(Course, Course.id == Exam.course_id)
                      .where(Exam.exam_date >= today - timedelta(days=days_back),
                             Exam.exam_date <= today + timedelta(days=days_ahead))
                      .order_by(Examiner.name, Exam.exam_date)).all()
        exam_ids = sorted({exam.id for _, _, exam, _ in rows})
        attended: dict[int, int] = {}
        for start in range(0, len(exam_ids), 5000):
            attended.update(s.exec(select(Registration.exam_id, func.count()).where(
                Registration.exam_id.in_(exam_ids[start:start + 5000]),
                present())
                .group_by(Registration.exam_id)).all())
    lines: dict[int, DirectoryLine] = {}
    for examiner, commission, exam, course in rows:
        line = lines.setdefault(examiner.id, DirectoryLine(examiner.id, examiner.name, examiner.email,
                                                           examiner.employer, examiner.is_external, [], 0))
        tag = " (klage)" if commission.kind == CommissionKind.APPEAL else ""
        line.exams.append(f"{course.code} {exam.exam_date:%d.%m}{tag}")
        if commission.kind == CommissionKind.ORDINARY:
            line.papers += attended.get(exam.id, 0)
    return sorted(lines.values(), key=lambda line: line.name)


def export_directory(ctx: Context, path: Path | None = None) -> Path:
    """The examiner directory (names, e-mails, exams) as .xlsx, A4 landscape;
    `path` is a file, a folder or None (the export folder). Never overwrites."""
    from openpyxl.styles import Alignment, Font

    from eksamen_tui.excel.writer import append_row, new_workbook, setup_print
    from eksamen_tui.export_files import export_name, export_target, save_workbook
    from eksamen_tui.services.context import export_dir

    today = ctx.today()
    name = export_name("sensoroversikt", today, suffix=".xlsx")
    path = export_target(path, name, export_dir)
    workbook, sheet = new_workbook("Sensorer")
    setup_print(sheet, title=f"Sensoroversikt per {today:%d.%m.%Y}", title_rows=(1, 1), landscape=True,
                widths=(28, 32, 24, 14, 12, 60))
    append_row(sheet, ["Navn", "E-post", "Arbeidsgiver", "Intern/ekstern", "Besvarelser", "Eksamener"], Font(bold=True))
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in examiner_directory(ctx):
        row = append_row(sheet, [line.name, line.email, line.employer, "Ekstern" if line.is_external else "Intern",
                                 line.papers, ", ".join(line.exams)])
        sheet.cell(row=row, column=6).alignment = wrap  # a long list of exams wraps instead of running off the page
    return save_workbook(workbook, path)
