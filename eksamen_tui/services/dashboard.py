"""The dashboard's picture of the office: exams around today with their
next deadline and progress, and the desks' own counts (each desk's service
computes its count; the dashboard only gathers them)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from eksamen_tui import dashboard_snapshot
from eksamen_tui.db.engine import sqlite_path
from eksamen_tui.db.models import Case, Commission, Course, Exam, PaperDelivery, Registration
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.domain.deadlines import EXAM_DEADLINE_LABELS, deadline_words
from eksamen_tui.domain.exam_forms import needs_paper
from eksamen_tui.domain.vocabulary import CommissionKind
from eksamen_tui.services.context import Context
from eksamen_tui.services.exam_line import ExamLine
from eksamen_tui.services.grades import course_grade_counts
from eksamen_tui.services.papers import latest_deliveries
from eksamen_tui.services.queries import gradeable, is_current

_EXAM, _COURSE, _REG = Exam.__table__, Course.__table__, Registration.__table__
_COMMISSION, _CASE = Commission.__table__, Case.__table__

# Short forms of the deadline names for the dashboard's narrow column.
SHORT_LABELS = {
    "course_approval": "Kursgodkj.", "commission_form": "Komm.skjema", "withdrawal": "Trekkfrist",
    "obligatory_activities": "Oblig. akt.", "paper_delivery": "Oppgave", "rooms_assigned": "Rom",
    "attendance_registration": "Oppmøte", "valid_absence_documentation": "Dok. fravær",
    "grading": "Sensur", "publication": "Kunngjøring",
}


def exam_lines(ctx: Context, *, days_back: int = 30, days_ahead: int = 21, limit: int = 150,
               exam_ids: list[int] | None = None) -> list[ExamLine]:
    """Exams from `days_back` days ago to `days_ahead` days ahead, in date
    order: at most `limit` on each side of today (a page, not the whole
    exam period of a large university). With `exam_ids`: those exams, in
    date order (at most 2 × `limit`), whatever their date."""
    today = ctx.today()
    rules = ctx.rules
    ex, co, reg = _EXAM.c, _COURSE.c, _REG.c  # the tables' columns
    with ctx.read() as s:
        # SQL Core rows, not ORM objects: the table's first data at start-up
        # waits for these queries, compiled once in the feed's fresh process
        conn = s.connection()
        base = (select(ex.id, ex.exam_date, ex.exam_form, ex.is_thesis, ex.published_on,
                       co.code, co.name.label("course_name"))
                .join_from(_EXAM, _COURSE, co.id == ex.course_id))
        if exam_ids is not None:
            chosen = list(exam_ids)[:2 * limit]
            exams = list(conn.execute(base.where(ex.id.in_(chosen)).order_by(ex.exam_date, co.code)).all()
                         ) if chosen else []
        else:
            recent = conn.execute(
                base.where(ex.exam_date >= today - timedelta(days=days_back), ex.exam_date < today)
                .order_by(ex.exam_date.desc(), co.code).limit(limit)).all()
            upcoming = conn.execute(
                base.where(ex.exam_date >= today, ex.exam_date <= today + timedelta(days=days_ahead))
                .order_by(ex.exam_date, co.code).limit(limit)).all()
            exams = sorted(recent, key=lambda row: (row.exam_date, row.code)) + list(upcoming)
        ids = [row.id for row in exams]
        if not ids:
            return []
        states: dict[int, dict[str, int]] = defaultdict(dict)
        for exam_id, state, count in conn.execute(
            select(reg.exam_id, reg.attendance_state, func.count())
            .where(reg.exam_id.in_(ids))
            .group_by(reg.exam_id, reg.attendance_state)
        ).all():
            states[exam_id][state] = count
        graded = course_grade_counts(s, ids)  # the grade desk's own figures
        commissions = set(conn.execute(select(_COMMISSION.c.exam_id).where(
            _COMMISSION.c.exam_id.in_(ids), _COMMISSION.c.kind == CommissionKind.ORDINARY)).scalars().all())
        papers = {exam_id: is_late for exam_id, (is_late,) in
                  latest_deliveries(s, ids, PaperDelivery.is_late).items()}
        from eksamen_tui.services.custody import custody_items_for
        from eksamen_tui.services.extensions import extended_dates

        extended = extended_dates(s, ids)
        scripts = custody_items_for(ctx, s, exams, extended)  # the rows have the exam fields it reads
        cases: dict[int, int] = dict(
            conn.execute(
                select(reg.exam_id, func.count())
                .join_from(_REG, _CASE, _CASE.c.registration_id == reg.id)
                .where(reg.exam_id.in_(ids), _CASE.c.closed_on.is_(None))
                .group_by(reg.exam_id)
            ).all()
        )
    lines = []
    deadline_cache: dict = {}
    for exam in exams:
        counts = states.get(exam.id, {})
        total = sum(counts.values())
        key = (exam.exam_date, exam.is_thesis, extended.get(exam.id))
        if key not in deadline_cache:  # many exams share a date: their deadlines, in order, once
            deadlines = rules.exam_deadlines(exam.exam_date, thesis=exam.is_thesis,
                                             grading_extended_to=extended.get(exam.id))
            upcoming = sorted((d, key) for key, d in deadlines.items() if d >= today)
            deadline_cache[key] = (deadlines, sorted(deadlines.items(), key=lambda item: item[1]),
                                   upcoming[0] if upcoming else (None, None))
        deadlines, in_order, (next_date, next_key) = deadline_cache[key]
        overdue: list[str] = []
        # paper
        if not needs_paper(exam.exam_form):
            paper = "–"
        elif exam.id in papers:
            paper = "mottatt for sent" if papers[exam.id] else "mottatt"
        elif deadlines["paper_delivery"] < today and exam.exam_date >= today:
            paper = "MANGLER – frist ute"
            overdue.append("oppgave")
        elif exam.exam_date < today:
            paper = "ikke registrert"
        else:
            paper = "mangler"
        # attendance
        unmarked = counts.get(AttendanceState.REGISTERED.value, 0)
        if exam.exam_date >= today:
            attendance = "–"
        elif unmarked == 0:
            attendance = "ferdig"
        else:
            attendance = f"{unmarked} umerket"
            if deadlines["attendance_registration"] < today:
                attendance += " – frist ute"
                overdue.append("oppmøte")
        # grades: course grades, as the grade desk counts them; a published exam is published, not late
        done, expected = graded.get(exam.id, (0, 0))
        if exam.published_on is not None:
            grades = f"kunngjort {exam.published_on:%d.%m}"
        elif exam.exam_date >= today or expected == 0:
            grades = "–"
        else:
            grades = f"{done}/{expected}"
            if done < expected and deadlines["grading"] < today:
                grades += " – frist ute"
                overdue.append("sensur")
            if exam.id in extended:
                grades += " utsatt"  # the detail line gives the date
        # answer scripts out and back
        items = scripts.get(exam.id, [])
        missing = [item for item in items if item.open_missing]
        script_text = ""
        if items:
            out = sum(item.open_out for item in items if not item.flagged)
            script_text = "; ".join(item.sentence() for item in missing) if missing else (
                f"{out} ute hos sensorene, i tide" if out else "alle besvarelser gjort rede for")
            if any(item.overdue for item in items):
                overdue.append("besvarelser")
        followed = {
            "paper_delivery": exam.id in papers if needs_paper(exam.exam_form) else None,
            "commission_form": exam.id in commissions,
            "attendance_registration": exam.exam_date < today and unmarked == 0,
            "grading": exam.published_on is not None or (expected > 0 and done >= expected),
            "publication": exam.published_on is not None,
        }
        deadline_states = [(key, EXAM_DEADLINE_LABELS.get(key, key), day,
                   deadline_words(day, today, followed[key]) if followed.get(key) is not None else "")
                  for key, day in in_order]
        lines.append(
            ExamLine(
                exam_id=exam.id,
                course_code=exam.code,
                course_name=exam.course_name,
                exam_date=exam.exam_date,
                exam_form=exam.exam_form,
                candidates=total,
                next_deadline_label=SHORT_LABELS.get(next_key, "") if next_key else "",
                next_deadline=next_date,
                paper=paper,
                attendance=attendance,
                grades=grades,
                open_cases=cases.get(exam.id, 0),
                overdue=overdue,
                grading_deadline=deadlines["grading"],
                grading_extended=exam.id in extended,
                scripts=script_text,
                graded=(done, expected),
                unmarked=unmarked,
                published_on=exam.published_on,
                deadlines=deadline_states,
            )
        )
    return lines


def card_counts(ctx: Context, card: str) -> dict:
    """One dashboard card's counts, from that desk's service (one place per
    rule): the dashboard shows each card as soon as its counts are in."""
    from eksamen_tui.services import appeals, attendance, commissions, grades, papers

    count = {
        "papers": papers.paper_counts,
        "attendance": attendance.attendance_summary,
        "grades": grades.grading_summary,
        "cases": appeals.case_counts,
        "commissions": commissions.commission_counts,
        "after": after_exam_counts,
    }[card]
    return count(ctx)


CARDS = ("papers", "attendance", "grades", "cases", "commissions", "after")


def desk_counts(ctx: Context) -> dict[str, dict]:
    """Each desk's own counts, card by card."""
    return {card: card_counts(ctx, card) for card in CARDS}


# --- the snapshot the next start shows (eksamen_tui.dashboard_snapshot) --------

def snapshot_key(ctx: Context) -> tuple | None:
    """The database's state now, to be taken before a full reading of the
    dashboard (None on PostgreSQL: no snapshot is kept there)."""
    path = sqlite_path(ctx.engine)
    return dashboard_snapshot.current_key(path, ctx.today()) if path else None


def keep_snapshot(ctx: Context, key: tuple | None, lines: list[ExamLine], forms: dict,
                  counts: dict[str, dict]) -> None:
    """Keep a full reading (every exam, every card) taken in the state `key`."""
    path = sqlite_path(ctx.engine)
    if key is not None and path:
        dashboard_snapshot.store(path, key, {"profile": ctx.profile.title, "lines": lines, "forms": forms,
                                             "counts": counts})


def after_exam_counts(ctx: Context) -> dict[str, int]:
    """The paper trail after the exam: scripts missing and overdue, grading
    guidelines missing, fee forms to send."""
    from eksamen_tui.services import custody, fees, guidelines

    scripts = custody.custody_summary(ctx)
    guide = guidelines.guidelines_counts(ctx)
    return {
        "scripts_missing": scripts["scripts_missing"],
        "scripts_overdue": scripts["scripts_overdue"],
        "guidelines_missing": guide["guidelines_not_delivered"] + guide["guidelines_not_published"],
        "fee_due": fees.fee_counts(ctx)["fee_due"],
    }


def after_exams_behind(ctx: Context, key: str) -> list[int]:
    """The exams behind one count on the «Etter eksamen» card."""
    from eksamen_tui.services import custody, fees, guidelines

    if key in ("scripts_missing", "scripts_overdue"):
        items = custody.custody_items_by_exam(ctx)
        wanted = (lambda item: item.open_missing) if key == "scripts_missing" else (lambda item: item.overdue)
        return [exam_id for exam_id, rows in items.items() if any(wanted(item) for item in rows)]
    if key == "guidelines_missing":
        return guidelines.exams_missing_guidelines(ctx)
    if key == "fee_due":
        return list(dict.fromkeys(line.exam_id for line in fees.fee_list(ctx) if line.state.value == "due"))
    return []
