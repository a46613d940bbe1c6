"""Grading guidelines (sensorveiledning): mandatory for every course; to
the office with the exam paper (an item on the papers desk's checklist),
to the candidates on the day the grades are published."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select

from eksamen_tui.db.models import Exam, GuidelinesPublication, PaperDelivery
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.exam_forms import needs_paper
from eksamen_tui.domain.plausibility import check_happened_on
from eksamen_tui.services import audit
from eksamen_tui.services.context import Context
from eksamen_tui.services.lookup import require
from eksamen_tui.services.papers import latest_deliveries

ITEM = "grading_guidelines"


@dataclass
class GuidelinesStatus:
    delivered: bool | None  # ticked on the latest paper delivery; None: no paper registered (or none needed)
    published_on: date | None  # made available to the candidates
    grades_published_on: date | None

    def describe(self) -> str:
        delivered = {True: "levert med oppgaven", False: "MANGLER (ikke levert med oppgaven)",
                     None: "ingen oppgave registrert"}[self.delivered]
        if self.published_on:
            published = f"publisert {self.published_on:%d.%m.%Y}"
        elif self.grades_published_on:
            published = f"IKKE publisert (sensur kunngjort {self.grades_published_on:%d.%m.%Y})"
        else:
            published = "publiseres samme dag som sensuren"
        return f"Sensorveiledning: {delivered}; {published}"


def guidelines_status(ctx: Context, exam_id: int) -> GuidelinesStatus:
    with ctx.read() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        delivery = latest_deliveries(s, [exam.id]).get(exam.id)
        publication = s.exec(select(GuidelinesPublication).where(GuidelinesPublication.exam_id == exam.id)).first()
    delivered = bool(json.loads(delivery.checklist).get(ITEM)) if delivery is not None else None
    return GuidelinesStatus(delivered, publication.published_on if publication else None, exam.published_on)


def mark_published(ctx: Context, exam_id: int, on_date: date | None = None) -> GuidelinesStatus:
    """The guidelines were made available to the candidates (audited)."""
    with ctx.write() as s:
        exam = require(s, Exam, exam_id, "eksamen")
        if exam.published_on is None:
            raise DomainError("Sensorveiledningen publiseres samme dag som sensuren – sensuren er ikke kunngjort ennå")
        on_date = check_happened_on(on_date or ctx.today(), what="publiseringsdatoen", today=ctx.today(),
                                    not_before=exam.published_on, not_before_what="kunngjøringen av sensur")
        if s.exec(select(GuidelinesPublication).where(GuidelinesPublication.exam_id == exam.id)).first():
            raise DomainError("Sensorveiledningen er allerede registrert som publisert")
        row = GuidelinesPublication(exam_id=exam.id, published_on=on_date, at=ctx.now(), clerk=ctx.clerk)
        s.add(row)
        s.flush()
        audit.record(s, ctx, "exam", exam.id, "guidelines_published_on", None, on_date, reason_code="guidelines")
    return guidelines_status(ctx, exam_id)


def _missing(ctx: Context, days_back: int, days_ahead: int) -> tuple[list[int], list[int]]:
    """(exams whose paper came without its guidelines, published exams
    whose guidelines are not published) around today."""
    today = ctx.today()
    in_window = (Exam.exam_date >= today - timedelta(days=days_back), Exam.exam_date <= today + timedelta(days=days_ahead))
    with ctx.read() as s:
        # plain rows and a subquery, not ORM objects and thousands of bound ids (the dashboard asks on every look)
        exams = s.exec(select(Exam.id, Exam.exam_form, Exam.published_on).where(*in_window)).all()
        paper_forms = sorted(form for form in {form for _, form, _ in exams} if needs_paper(form))
        papers = latest_deliveries(s, select(Exam.id).where(*in_window, Exam.exam_form.in_(paper_forms))
                                   .scalar_subquery(), PaperDelivery.checklist) if paper_forms else {}
        published = set(s.exec(select(GuidelinesPublication.exam_id).where(
            GuidelinesPublication.exam_id.in_(select(Exam.id).where(*in_window).scalar_subquery()))).all())
    not_delivered = [exam_id for exam_id, (checklist,) in papers.items() if not json.loads(checklist).get(ITEM)]
    not_published = [exam_id for exam_id, _, published_on in exams
                     if published_on is not None and exam_id not in published]
    return not_delivered, not_published


def guidelines_counts(ctx: Context, days_back: int = 60, days_ahead: int = 21) -> dict[str, int]:
    """For the dashboard: exams whose paper came without its guidelines,
    and published exams whose guidelines are not published."""
    not_delivered, not_published = _missing(ctx, days_back, days_ahead)
    return {"guidelines_not_delivered": len(not_delivered), "guidelines_not_published": len(not_published)}


def exams_missing_guidelines(ctx: Context, days_back: int = 60, days_ahead: int = 21) -> list[int]:
    not_delivered, not_published = _missing(ctx, days_back, days_ahead)
    return list(dict.fromkeys(not_delivered + not_published))
