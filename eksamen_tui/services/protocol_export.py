"""The vurderingsprotokoll as .xlsx: candidate-number order, only the
candidates to be graded, grades as plain text, blocked grades shown as
blocked, commission members and signature lines. Anonymous."""
from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from eksamen_tui.db.models import Commission, Course, Exam, ExamPart
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.services.commissions import commission_members
from eksamen_tui.services.context import Context, export_dir
from eksamen_tui.services.grades import protocol
from eksamen_tui.services.lookup import require

STATUS_TEXT = {
    "empty": "", "entered": "ikke kontrollert", "controlled": "", "mismatch": "avvik", "computed": "beregnet",
    "blocked": "sperret (klage)",
}


def export_protocol(ctx: Context, exam_id: int, path: Path | None = None) -> Path:
    from openpyxl.styles import Font

    from eksamen_tui.excel.writer import new_write_only_workbook, write_only_row

    with ctx.read() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        course = s.get(Course, exam.course_id)
        parts = s.exec(select(ExamPart).where(ExamPart.exam_id == exam_id).order_by(ExamPart.id)).all()
        commissions = s.exec(select(Commission).where(Commission.exam_id == exam_id, Commission.kind == "ordinary")
                             .order_by(Commission.number)).all()
        members = [(c.number, commission_members(s, c.id)) for c in commissions]
    path = Path(path) if path else Path(export_dir()) / f"{course.code}_{exam.exam_date:%Y-%m-%d}_protokoll.xlsx"
    workbook = new_write_only_workbook()  # streamed: a protocol can have 10,000 lines
    bold = Font(bold=True)
    targets = [("Protokoll", None, "Samlet karakter" if parts else "Karakter")]
    targets += [(part.name[:31], part.id, f"Del: {part.name} ({part.weight} %)") for part in parts]
    for title, part_id, heading in targets:
        sheet = workbook.create_sheet(title)
        for column, width in zip("ABCDE", (18, 40, 22, 8, 14)):
            sheet.column_dimensions[column].width = width
        sheet.page_setup.fitToWidth = 1
        write_only_row(sheet, ["Vurderingsprotokoll"], Font(bold=True, size=14))
        write_only_row(sheet, ["Emne", f"{course.code} {course.name}"])
        write_only_row(sheet, ["Eksamen", f"{exam.exam_form} {exam.exam_date:%d.%m.%Y}"])
        write_only_row(sheet, ["Vurdering", heading])
        for number, people in members or [(1, [])]:
            names = ", ".join(f"{m.name} ({'ekstern' if m.is_external else 'intern'})" for m in people)
            write_only_row(sheet, [f"Kommisjon {number}", names or "ikke registrert"])
        write_only_row(sheet, [])
        write_only_row(sheet, ["Kandidatnr", "Karakter", "Merknad"], bold)
        for row in protocol(ctx, exam_id, part_id):
            grade = "" if row.status == "blocked" else (row.grade or "")
            write_only_row(sheet, [str(row.candidate_number), grade, STATUS_TEXT[row.status]])
        write_only_row(sheet, [])
        for _, people in members or [(1, [])]:
            for member in people or [None]:
                write_only_row(sheet, ["Signatur sensor", member.name if member else "", "______________________",
                                       "Dato", "__________"])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def cli_export_protocol(args) -> int:
    from eksamen_tui.cli import fail, open_cli_context

    ctx = open_cli_context(args)
    with ctx.read() as s:
        query = select(Exam).join(Course, Course.id == Exam.course_id).where(Course.code == args.course_code.upper())
        if args.date:
            query = query.where(Exam.exam_date == args.date)
        exams = s.exec(query.order_by(Exam.exam_date)).all()
    if not exams:
        what = f"{args.course_code.upper()}" + (f" {args.date:%d.%m.%Y}" if args.date else "")
        return fail(f"fant ingen eksamen for {what}")
    if len(exams) > 1:
        dates = ", ".join(e.exam_date.isoformat() for e in exams)
        return fail(f"{args.course_code.upper()} har flere eksamener ({dates}); velg med --date")
    try:
        path = export_protocol(ctx, exams[0].id, Path(args.out) if args.out else None)
    except DomainError as error:
        return fail(str(error))
    print(f"Protokoll skrevet til {path}")
    return 0
