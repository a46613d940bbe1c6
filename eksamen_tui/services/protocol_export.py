"""The vurderingsprotokoll as .xlsx: candidate-number order, only the
candidates to be graded, grades as plain text, blocked grades shown as
blocked, corrections with their reason in Merknad, commission members and
signature lines. Anonymous. Set up to print on A4: 50 candidates fit one
page, the column headings repeat on every page, signatures come last."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlmodel import select

from eksamen_tui.db.models import AuditEntry, Commission, Course, Exam, ExamPart, Grade, Registration
from eksamen_tui.domain.vocabulary import CommissionKind, ProtocolStatus
from eksamen_tui.services.commissions import commission_members
from eksamen_tui.services.context import Context, export_dir
from eksamen_tui.export_files import export_name, export_target, save_workbook
from eksamen_tui.services.grades import CORRECTION_REASONS, protocol
from eksamen_tui.services.lookup import require
from eksamen_tui.services.queries import of_part

STATUS_TEXT = {
    ProtocolStatus.EMPTY: "", ProtocolStatus.ENTERED: "ikke kontrollert", ProtocolStatus.CONTROLLED: "",
    ProtocolStatus.MISMATCH: "avvik", ProtocolStatus.COMPUTED: "beregnet", ProtocolStatus.BLOCKED: "sperret (klage)",
}
# Grade changes after control that the protocol must show, with their reason code.
CHANGE_REASONS = {**CORRECTION_REASONS, "appeal": "ny karakter etter klage"}
COLUMN_WIDTHS = (13, 10, 62)  # Kandidatnr, Karakter, Merknad: fits A4 portrait at 100 %
FONT_SIZE = 9
ROW_HEIGHT = 12  # points, fixed: 9 pt text
TITLE_ROW_HEIGHT = 18
SIGNATURE_ROW_HEIGHT = 24  # room to sign by hand


def grade_changes(ctx: Context, exam_id: int, part_id: int | None = None) -> dict[int, list[str]]:
    """Per registration, the corrections and appeal results of its grade, oldest
    first, as Merknad text: "korrigert C → B (typo: skrivefeil ved registrering)"."""
    query = (
        select(Grade.registration_id, AuditEntry.old_value, AuditEntry.new_value, AuditEntry.reason_code)
        .join(Grade, Grade.id == AuditEntry.entity_id)
        .join(Registration, Registration.id == Grade.registration_id)
        .where(AuditEntry.entity == "grade", AuditEntry.field == "value",
               AuditEntry.reason_code.in_(list(CHANGE_REASONS)), Registration.exam_id == exam_id)
        .order_by(AuditEntry.id)
    )
    query = query.where(of_part(Grade.part_id, part_id))
    changes: dict[int, list[str]] = defaultdict(list)
    with ctx.read() as s:
        for registration_id, old, new, code in s.exec(query).all():
            verb = "klage" if code == "appeal" else "korrigert"
            changes[registration_id].append(f"{verb} {old or '–'} → {new or '–'} ({code}: {CHANGE_REASONS[code]})")
    return changes


def protocol_filename(course_code: str, exam_date, exam_form: str) -> str:
    return export_name(course_code, exam_date, exam_form.capitalize(), "protokoll", suffix=".xlsx")


def export_protocol(ctx: Context, exam_id: int, path: Path | None = None) -> Path:
    """Write the protocol; `path` is a file, a folder (the usual name inside
    it) or None (the export folder). Never overwrites: returns the path written."""
    from openpyxl.styles import Font

    from eksamen_tui.excel.writer import keep_rows_together, new_write_only_workbook, setup_print, write_only_row

    with ctx.read() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        course = s.get(Course, exam.course_id)
        parts = s.exec(select(ExamPart).where(ExamPart.exam_id == exam_id).order_by(ExamPart.id)).all()
        commissions = s.exec(select(Commission).where(Commission.exam_id == exam_id, Commission.kind == CommissionKind.ORDINARY)
                             .order_by(Commission.number)).all()
        members = [(c.number, commission_members(s, c.id)) for c in commissions]
    name = protocol_filename(course.code, exam.exam_date, exam.exam_form)
    path = export_target(path, name, export_dir)
    # streamed (a protocol can have 10,000 lines); small fixed rows so that 50 candidates fit one A4 page
    workbook = new_write_only_workbook(font_size=FONT_SIZE)
    bold = Font(name="Calibri", bold=True, size=FONT_SIZE)
    big = Font(name="Calibri", bold=True, size=13)
    page_title = f"Vurderingsprotokoll {course.code} {course.name} – {exam.exam_form} {exam.exam_date:%d.%m.%Y}"
    targets = [("Protokoll", None, "Samlet karakter" if parts else "Karakter")]
    targets += [(part.name[:31], part.id, f"Del: {part.name} ({part.weight} %)") for part in parts]
    signers = [member for _, people in members for member in people] or [None]
    for title, part_id, heading in targets:
        rows = protocol(ctx, exam_id, part_id)
        changes = grade_changes(ctx, exam_id, part_id)
        sheet = workbook.create_sheet(title)
        head = 4 + len(members or [None])  # the column-heading row, repeated on every page
        setup_print(sheet, title=page_title, title_rows=(head, head), widths=COLUMN_WIDTHS, row_height=ROW_HEIGHT)
        # row heights are fixed, so where the pages break is known: keep the signatures together, last
        first_signature = head + len(rows) + 2
        heights = [TITLE_ROW_HEIGHT] + [ROW_HEIGHT] * (first_signature - 2) + [SIGNATURE_ROW_HEIGHT] * len(signers)
        keep_rows_together(sheet, heights, first_signature, len(heights), repeated=(head, head))
        sheet.row_dimensions[1].height = TITLE_ROW_HEIGHT
        for number in range(first_signature, len(heights) + 1):
            sheet.row_dimensions[number].height = SIGNATURE_ROW_HEIGHT
        write_only_row(sheet, [f"Vurderingsprotokoll – {course.code} {course.name}"], big)
        write_only_row(sheet, ["Eksamen", f"{exam.exam_form} {exam.exam_date:%d.%m.%Y} – {heading}"])
        for number, people in members or [(1, [])]:
            names = ", ".join(f"{m.name} ({'ekstern' if m.is_external else 'intern'})" for m in people)
            write_only_row(sheet, [f"Kommisjon {number}", names or "ikke registrert"])
        write_only_row(sheet, ["Kandidater", len(rows)])
        write_only_row(sheet, ["Kandidatnr", "Karakter", "Merknad"], bold)
        for row in rows:
            grade = "" if row.status == ProtocolStatus.BLOCKED else (row.grade or "")
            remark = "; ".join(filter(None, [STATUS_TEXT[row.status], *changes.get(row.registration_id, ())]))
            write_only_row(sheet, [str(row.candidate_number), grade, remark])
        write_only_row(sheet, [])
        for member in signers:
            who = f"{member.name}: " if member else ""
            write_only_row(sheet, ["Signatur", "", f"{who}______________________________   Dato: ___________"])
    return save_workbook(workbook, path)


def protocol_exam(ctx: Context, course_code: str, exam_date=None) -> int:
    """The one exam a protocol is asked for by course code (and date);
    ValidationError when there is none or several."""
    from eksamen_tui.domain.errors import ValidationError

    code = course_code.strip().upper()
    with ctx.read() as s:
        query = select(Exam.id, Exam.exam_date).join(Course, Course.id == Exam.course_id).where(Course.code == code)
        if exam_date:
            query = query.where(Exam.exam_date == exam_date)
        exams = s.exec(query.order_by(Exam.exam_date)).all()
    if not exams:
        what = code + (f" {exam_date:%d.%m.%Y}" if exam_date else "")
        raise ValidationError(f"fant ingen eksamen for {what}", field="course_code")
    if len(exams) > 1:
        dates = ", ".join(day.isoformat() for _, day in exams)
        raise ValidationError(f"{code} har flere eksamener ({dates}); velg med --date", field="date")
    return exams[0][0]
