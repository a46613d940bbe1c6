"""Exam papers received at the counter: deadlines, checklist, receipts."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from eksamen_tui.db.models import Course, Exam, PaperDelivery
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.exam_forms import needs_paper
from eksamen_tui.domain.parsing import parse_number
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import require

if TYPE_CHECKING:
    from eksamen_tui.domain.paper_checklist import DerivedNeeds

DUE_SOON_WORKING_DAYS = 3
MAX_COPIES_DIGITS = 5  # 99,999 copies: more is a typo


@dataclass(frozen=True)
class DeliveryView:
    """A received paper as the desks see it: plain values, no session
    behind it (the fields of the stored PaperDelivery)."""

    id: int
    exam_id: int
    part_id: int | None
    received_at: datetime
    delivered_by: str
    received_by: str
    delivery_format: str
    checklist: str  # JSON: item -> bool
    checklist_complete: bool
    copies: int
    remark: str
    is_late: bool
    deadline: date | None

    @classmethod
    def of(cls, delivery: PaperDelivery) -> "DeliveryView":
        return cls(**{name: getattr(delivery, name) for name in cls.__dataclass_fields__})


@dataclass
class PaperStatus:
    exam_id: int
    course_code: str
    course_name: str
    exam_date: date
    exam_form: str
    deadline: date
    working_days_left: int  # negative: working days late
    delivery: DeliveryView | None

    @property
    def state(self) -> str:
        """received | late_received | missing_late | due_soon | missing"""
        if self.delivery is not None:
            return "late_received" if self.delivery.is_late else "received"
        if self.working_days_left < 0:
            return "missing_late"
        if self.working_days_left <= DUE_SOON_WORKING_DAYS:
            return "due_soon"
        return "missing"


def paper_overview(ctx: Context, days: int = 14) -> list[PaperStatus]:
    """Exams in the coming `days` days that need a paper, by deadline."""
    today = ctx.today()
    with ctx.read() as s:
        # plain rows, not ORM objects: two weeks hold thousands of exams at a large university
        rows = s.exec(
            select(Exam.id, Course.code, Course.name, Exam.exam_date, Exam.exam_form)
            .join(Course, Course.id == Exam.course_id)
            .where(Exam.exam_date >= today, Exam.exam_date <= today + timedelta(days=days))
        ).all()
        forms = {form: needs_paper(form) for form in {row[4] for row in rows}}
        rows = [row for row in rows if forms[row[4]]]
        latest = latest_deliveries(s, [row[0] for row in rows])
    result = []
    deadlines: dict = {}  # exam date -> (deadline, working days left): once per date, not per exam
    for exam_id, code, name, exam_date, exam_form in rows:
        if exam_date not in deadlines:
            deadline = ctx.rules.paper_delivery(exam_date)
            deadlines[exam_date] = deadline, ctx.rules.calendar.working_days_between(today, deadline)
        deadline, left = deadlines[exam_date]
        result.append(PaperStatus(
            exam_id=exam_id, course_code=code, course_name=name, exam_date=exam_date,
            exam_form=exam_form, deadline=deadline, working_days_left=left,
            delivery=DeliveryView.of(latest[exam_id]) if exam_id in latest else None,
        ))
    result.sort(key=lambda p: (p.deadline, p.course_code))
    return result


def latest_deliveries(session, exam_ids, *columns) -> dict:
    """The latest delivery per exam (a re-delivery replaces the earlier one).
    `exam_ids`: a list of ids, or a scalar subquery selecting them (thousands
    of ids are thousands of bound parameters to render). With `columns`:
    exam id -> a plain row of those columns (no ORM objects: the dashboard
    asks about thousands of exams)."""
    latest: dict = {}
    if isinstance(exam_ids, (list, tuple, set)) and not exam_ids:
        return latest
    order = (PaperDelivery.received_at, PaperDelivery.id)
    if columns:
        for exam_id, *row in session.exec(select(PaperDelivery.exam_id, *columns)
                                          .where(PaperDelivery.exam_id.in_(exam_ids)).order_by(*order)).all():
            latest[exam_id] = tuple(row)
        return latest
    for delivery in session.exec(select(PaperDelivery).where(PaperDelivery.exam_id.in_(exam_ids)).order_by(*order)).all():
        latest[delivery.exam_id] = delivery
    return latest


def paper_counts(ctx: Context, days: int = 14) -> dict[str, int]:
    counts = {"missing": 0, "late": 0, "due_soon": 0, "received": 0}
    for status in paper_overview(ctx, days):
        state = status.state
        if state in ("received", "late_received"):
            counts["received"] += 1
        elif state == "missing_late":
            counts["late"] += 1
            counts["missing"] += 1
        elif state == "due_soon":
            counts["due_soon"] += 1
            counts["missing"] += 1
        else:
            counts["missing"] += 1
    return counts


# --- one exam's paper: what the counter needs to see and record -------------

@dataclass
class PaperContext:
    exam_id: int
    course_code: str
    course_name: str
    exam_form: str
    exam_date: date
    start_time: str
    campus: str
    rooms: str
    registered: int
    needs: "DerivedNeeds"
    deadline: date
    working_days_left: int  # negative: working days late (today vs deadline)
    is_past: bool
    deliveries: list[DeliveryView]  # oldest first; the last one counts
    default_copies: int

    @property
    def latest(self) -> DeliveryView | None:
        return self.deliveries[-1] if self.deliveries else None

    @property
    def label(self) -> str:
        return f"{self.course_code} {self.course_name} – {self.exam_form} {self.exam_date:%d.%m.%Y}"


def paper_context(ctx: Context, exam_id: int) -> PaperContext:
    from eksamen_tui.db.models import Registration
    from eksamen_tui.domain.paper_checklist import copies_to_print, derive_needs

    today = ctx.today()
    with ctx.read() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        course = s.get(Course, exam.course_id)
        registrations = s.exec(select(Registration.language_form, Registration.accommodations).where(
            Registration.exam_id == exam_id, Registration.attendance_state != "withdrawn")).all()
        deliveries = [DeliveryView.of(delivery) for delivery in s.exec(
            select(PaperDelivery).where(PaperDelivery.exam_id == exam_id)
            .order_by(PaperDelivery.received_at, PaperDelivery.id)).all()]
    needs = derive_needs([r[0] for r in registrations], [r[1] for r in registrations])
    deadline = ctx.rules.paper_delivery(exam.exam_date)
    return PaperContext(
        exam_id=exam.id, course_code=course.code, course_name=course.name, exam_form=exam.exam_form,
        exam_date=exam.exam_date, start_time=exam.start_time.strftime("%H:%M") if exam.start_time else "",
        campus=exam.campus, rooms=exam.rooms, registered=needs.registered, needs=needs, deadline=deadline,
        working_days_left=ctx.rules.calendar.working_days_between(today, deadline),
        is_past=exam.exam_date < today, deliveries=deliveries,
        default_copies=copies_to_print(needs.registered, ctx.profile.paper_copies_margin),
    )


def register_delivery(
    ctx: Context,
    exam_id: int,
    *,
    checklist: dict[str, bool],
    delivered_by: str,
    delivery_format: str = "paper",
    copies: int | str | None = None,
    remark: str = "",
) -> DeliveryView:
    """Record a received paper (or a corrected re-delivery) in one
    transaction. Late is recorded as late, never refused; an incomplete
    checklist is recorded as incomplete."""
    from eksamen_tui.domain.paper_checklist import CHECKLIST_ITEMS, missing_items
    from eksamen_tui.services import audit

    context = paper_context(ctx, exam_id)
    if context.is_past:
        raise DomainError(f"Eksamenen var {context.exam_date:%d.%m.%Y} – den er allerede holdt; "
                          "oppgaven kan ikke registreres som mottatt")
    delivered_by = " ".join(delivered_by.split())
    if not delivered_by:
        raise DomainError("Skriv hvem som leverte oppgaven (feltet «Levert av»)")
    if delivery_format not in ("paper", "pdf"):
        raise DomainError(f"Ukjent format «{delivery_format}» (papir eller PDF)")
    if copies is None:
        copies = context.default_copies
    if isinstance(copies, int) and copies < 0:
        raise DomainError("Antall kopier kan ikke være negativt")
    copies = parse_number(copies, what="antall kopier", max_digits=MAX_COPIES_DIGITS)
    unknown = set(checklist) - set(CHECKLIST_ITEMS)
    if unknown:
        raise DomainError(f"Ukjente punkter på sjekklisten: {', '.join(sorted(unknown))}")
    clean = {item: bool(checklist.get(item, False)) for item in CHECKLIST_ITEMS}
    missing = missing_items(clean, context.needs)
    now = ctx.now()
    delivery = PaperDelivery(
        exam_id=exam_id, received_at=now, delivered_by=delivered_by, received_by=ctx.clerk,
        delivery_format=delivery_format, checklist=json.dumps(clean), checklist_complete=not missing,
        copies=copies, remark=remark.strip(), is_late=now.date() > context.deadline, deadline=context.deadline,
    )
    with ctx.write() as s:
        s.add(delivery)
        s.flush()
        previous = context.latest
        audit.record(s, ctx, "paper_delivery", delivery.id, "received",
                     previous.received_at if previous else None, now,
                     reason_code="redelivery" if previous else "delivery",
                     note=f"{context.course_code} {context.exam_date:%d.%m.%Y}"
                          + (" (for sent)" if delivery.is_late else "")
                          + (f"; mangler: {', '.join(missing)}" if missing else ""))
        view = DeliveryView.of(delivery)
    return view


def receipt_lines(context: PaperContext, delivery: DeliveryView) -> list[str]:
    """The receipt slip for the contact person, as plain lines."""
    from eksamen_tui.domain.paper_checklist import CHECKLIST_ITEMS

    checklist = json.loads(delivery.checklist)
    version = next((i for i, d in enumerate(context.deliveries, 1) if d.id == delivery.id), len(context.deliveries))
    lines = [
        "KVITTERING – EKSAMENSOPPGAVE MOTTATT",
        "",
        f"Emne:        {context.course_code} {context.course_name}",
        f"Eksamen:     {context.exam_form} {context.exam_date:%d.%m.%Y} {context.start_time}".rstrip(),
        f"Mottatt:     {delivery.received_at:%d.%m.%Y kl. %H:%M}"
        + (f"  (levering nr. {version}, erstatter tidligere)" if version > 1 else ""),
        f"Frist:       {delivery.deadline:%d.%m.%Y}" + ("  – LEVERT FOR SENT" if delivery.is_late else "  – i tide"),
        f"Levert av:   {delivery.delivered_by}",
        f"Mottatt av:  {delivery.received_by}",
        f"Format:      {'PDF' if delivery.delivery_format == 'pdf' else 'papir'}",
        f"Kopier:      {delivery.copies}",
        "",
        "Sjekkliste:",
    ]
    for item, label in CHECKLIST_ITEMS.items():
        if not context.needs.applies(item):
            mark = "[–]"
            label += " (ikke aktuelt)"
        else:
            mark = "[x]" if checklist.get(item) else "[ ]"
        lines.append(f"  {mark} {label}")
    lines.append("")
    lines.append("Sjekklisten er komplett." if delivery.checklist_complete else "SJEKKLISTEN ER IKKE KOMPLETT.")
    if delivery.remark:
        lines += ["", f"Merknad: {delivery.remark}"]
    return lines


def export_receipt(ctx: Context, exam_id: int, delivery_id: int, fmt: str = "txt", folder=None):
    """Write the receipt slip as .txt or .html, privately and never over
    another file; returns the path written."""
    import html
    from pathlib import Path

    from eksamen_tui.export_files import export_name, write_text

    from eksamen_tui.services.context import export_dir

    context = paper_context(ctx, exam_id)
    delivery = next((d for d in context.deliveries if d.id == delivery_id), None)
    if delivery is None:
        raise DomainError(f"Fant ingen levering med id {delivery_id} for {context.course_code}")
    lines = receipt_lines(context, delivery)
    folder = Path(folder) if folder else Path(export_dir())
    stem = export_name("kvittering", context.course_code, context.exam_date, context.exam_form.capitalize(),
                       f"{delivery.received_at:%Y%m%d-%H%M%S}", suffix="")
    if fmt == "html":
        body = "\n".join(html.escape(line) for line in lines)
        return write_text(folder / f"{stem}.html",
                          "<!doctype html><html lang=\"nb\"><meta charset=\"utf-8\"><title>Kvittering</title>"
                          "<style>body{font-family:monospace;max-width:48em;margin:2em auto}</style>"
                          f"<pre>{body}</pre></html>\n")
    return write_text(folder / f"{stem}.txt", "\n".join(lines) + "\n")
