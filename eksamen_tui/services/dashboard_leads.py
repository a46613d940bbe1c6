"""A dashboard that leads: which desk an exam's most urgent item is on,
the exams behind each of the desks' counts, and the period each count
covers. The counts themselves stay with the desks' services; the exam sets
here follow the same rules (and the same periods)."""
from __future__ import annotations

from sqlmodel import select

from eksamen_tui.db.models import Commission
from eksamen_tui.services.context import Context
from eksamen_tui.services.exam_line import DESK_NAMES, DESK_ORDER, Lead, leads_for  # noqa: F401  (the leads live with the line)


def form_status(ctx: Context, exams: list[tuple[int, object]]) -> dict[int, bool]:
    """Exams (id, exam date) ahead of today without an ordinary commission:
    exam id -> whether the form's deadline has passed."""
    today = ctx.today()
    ahead = {exam_id: day for exam_id, day in exams if day >= today}
    if not ahead:
        return {}
    with ctx.read() as s:
        have = set(s.exec(select(Commission.exam_id).where(Commission.exam_id.in_(list(ahead)),
                                                           Commission.kind == "ordinary")).all())
    return {exam_id: ctx.rules.commission_form(day) < today for exam_id, day in ahead.items() if exam_id not in have}


def exams_behind(ctx: Context, card: str, key: str) -> list[int]:
    """The exams behind one count on a dashboard card (same rules and period
    as the desk's service that counted it)."""
    if card == "after":
        from eksamen_tui.services.dashboard import after_exams_behind

        return after_exams_behind(ctx, key)
    if card == "papers":
        from eksamen_tui.services.papers import paper_overview

        states = {"missing": ("missing", "missing_late", "due_soon"), "late": ("missing_late",),
                  "due_soon": ("due_soon",), "received": ("received", "late_received")}.get(key)
        rows = paper_overview(ctx)
        if states is None:
            return []
        if key == "missing":  # every state that is not received
            return [r.exam_id for r in rows if r.state not in ("received", "late_received")]
        return [r.exam_id for r in rows if r.state in states]
    if card == "attendance":
        if key == "documentation_overdue":
            from eksamen_tui.services.attendance import missing_documentation

            return list(dict.fromkeys(item.exam_id for item in missing_documentation(ctx)))
        from eksamen_tui.services.attendance import attendance_pending

        pending = attendance_pending(ctx)  # the card's own count, exam by exam
        if key == "not_registered_overdue":
            return [exam_id for exam_id, overdue in pending if overdue]
        return [exam_id for exam_id, _ in pending] if key == "not_registered" else []
    if card == "grades":
        from eksamen_tui.services.grades import grading_progress

        progress = grading_progress(ctx)  # the card's own count, exam by exam
        if key == "exams_past_deadline":
            return [exam.exam_id for exam in progress if exam.past_deadline]
        return [exam.exam_id for exam in progress if exam.expected]
    if card == "cases":
        from eksamen_tui.services.appeals import case_list

        rows = case_list(ctx)
        return list(dict.fromkeys(r.exam_id for r in rows if key == "open" or (key == "overdue" and r.overdue)))
    if card == "commissions":
        from eksamen_tui.services.commissions import commission_overview

        # the rows the card counts (commission_counts: F7's overview and summary)
        wanted = {"form_missing": lambda row: row.status == "skjema mangler",
                  "appeal_missing": lambda row: row.status == "klagekommisjon mangler",
                  "overdue": lambda row: row.overdue}.get(key)
        return [row.exam_id for row in commission_overview(ctx) if wanted(row)] if wanted else []
    return []
