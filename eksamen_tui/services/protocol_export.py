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

STATUS_TEXT = {
    "empty": "", "entered": "ikke kontrollert", "controlled": "", "mismatch": "avvik", "computed": "beregnet",
    "blocked": "sperret (klage)",
}


def export_protocol(ctx: Context, exam_id: int, path: Path | None = None) -> Path:
    from openpyxl.styles import Font

    from eksamen_tui.excel.writer import append_row, new_workbook

    with ctx.read() as s:
        exam = s.get(Exam, exam_id)
        course = s.get(Course, exam.course_id)
        parts = s.exec(select(ExamPart).where(ExamPart.exam_id == exam_id).order_by(ExamPart.id)).all()
        commissions = s.exec(select(Commission).where(Commission.exam_id == exam_id, Commission.kind == "ordinary")
                             .order_by(Commission.number)).all()
        members = [(c.number, commission_members(s, c.id)) for c in commissions]
    path = Path(path) if path else Path(export_dir()) / f"{course.code}_{exam.exam_date:%Y-%m-%d}_protokoll.xlsx"
    workbook, sheet = new_workbook("Protokoll")
    sheets = [(sheet, None, "Samlet karakter" if parts else "Karakter")]
    for part in parts:
        sheets.append((workbook.create_sheet(part.name[:31]), part.id, f"Del: {part.name} ({part.weight} %)"))
    for target, part_id, heading in sheets:
        append_row(target, ["Vurderingsprotokoll"])
        target.cell(row=1, column=1).font = Font(bold=True, size=14)
        append_row(target, ["Emne", f"{course.code} {course.name}"])
        append_row(target, ["Eksamen", f"{exam.exam_form} {exam.exam_date:%d.%m.%Y}"])
        append_row(target, ["Vurdering", heading])
        for number, people in members or [(1, [])]:
            names = ", ".join(f"{m.name} ({'ekstern' if m.is_external else 'intern'})" for m in people)
            append_row(target, [f"Kommisjon {number}", names or "ikke registrert"])
        append_row(target, [])
        header_row = append_row(target, ["Kandidatnr", "Karakter", "Merknad"])
        for cell in target[header_row]:
            cell.font = Font(bold=True)
        for row in protocol(ctx, exam_id, part_id):
            grade = "" if row.status == "blocked" else (row.grade or "")
            append_row(target, [str(row.candidate_number), grade, STATUS_TEXT[row.status]])
        append_row(target, [])
        for _, people in members or [(1, [])]:
            for member in people or [None]:
                append_row(target, ["Signatur sensor", member.name if member else "", "______________________",
                                    "Dato", "__________"])
        target.column_dimensions["A"].width = 18
        target.column_dimensions["B"].width = 40
        target.column_dimensions["C"].width = 22
        target.page_setup.fitToWidth = 1
        target.print_title_rows = f"{header_row}:{header_row}"
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
