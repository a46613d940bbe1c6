"""Receiving exam papers: deadlines, derived checklist items, late and re-delivery."""
import json
from datetime import date, datetime

import pytest
from sqlmodel import select

from eksamen_tui.db.models import AuditEntry, PaperDelivery
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.paper_checklist import CHECKLIST_ITEMS
from eksamen_tui.services import papers
from tests.factories import add_exam

ALL = {key: True for key in CHECKLIST_ITEMS}


def test_deadline_is_working_days_before_the_exam_per_profile(ctx):
    exam = add_exam(ctx, exam_date=date(2026, 12, 10), candidates=3)
    context = papers.paper_context(ctx, exam.id)
    assert context.deadline == date(2026, 12, 3)  # 5 working days (NTNU)
    assert context.working_days_left == 8  # 24, 25, 26, 27, 30 Nov, 1, 2, 3 Dec
    assert context.default_copies == 3 + ctx.profile.paper_copies_margin


def test_derived_items_from_language_forms_and_accommodations(ctx):
    one_form = add_exam(ctx, code="A1", candidates=4, language_forms=("bokmål",))
    both = add_exam(ctx, code="A2", candidates=4, language_forms=("bokmål", "nynorsk"),
                    accommodations={102: "ekstra tid"})
    first = papers.paper_context(ctx, one_form.id).needs
    second = papers.paper_context(ctx, both.id).needs
    assert (first.both_language_forms, first.electronic_copy) == (False, False)
    assert (second.both_language_forms, second.electronic_copy) == (True, True)
    # an item that does not apply is not required for a complete checklist
    checklist = dict(ALL, both_language_forms=False, electronic_copy=False)
    assert papers.register_delivery(ctx, one_form.id, checklist=checklist, delivered_by="Kari").checklist_complete
    assert not papers.register_delivery(ctx, both.id, checklist=checklist, delivered_by="Kari").checklist_complete


def test_on_time_late_and_redelivery(ctx):
    exam = add_exam(ctx, exam_date=date(2026, 11, 27), candidates=2)  # deadline 20.11: already passed
    late = papers.register_delivery(ctx, exam.id, checklist=ALL, delivered_by="Kari Nordmann", delivery_format="pdf")
    assert late.is_late and late.deadline == date(2026, 11, 20) and late.received_by == "testbruker"
    ctx.now = lambda: datetime(2026, 11, 23, 14, 30)
    again = papers.register_delivery(ctx, exam.id, checklist=ALL, delivered_by="Kari Nordmann", remark="rettet side 3")
    context = papers.paper_context(ctx, exam.id)
    assert [d.id for d in context.deliveries] == [late.id, again.id]
    assert context.latest.remark == "rettet side 3"
    with ctx.read() as s:
        trail = s.exec(select(AuditEntry.reason_code, AuditEntry.note).where(AuditEntry.entity == "paper_delivery")
                       .order_by(AuditEntry.id)).all()
    assert [t[0] for t in trail] == ["delivery", "redelivery"]
    assert "(for sent)" in trail[0][1]


def test_on_time_when_before_the_deadline(ctx):
    exam = add_exam(ctx, exam_date=date(2026, 12, 10))
    assert not papers.register_delivery(ctx, exam.id, checklist=ALL, delivered_by="Ola").is_late


@pytest.mark.parametrize("kwargs, words", [
    ({"delivered_by": "  "}, "Levert av"),
    ({"delivered_by": "Ola", "delivery_format": "fax"}, "Ukjent format"),
    ({"delivered_by": "Ola", "copies": -1}, "negativt"),
])
def test_bad_input_changes_nothing(ctx, kwargs, words):
    exam = add_exam(ctx, exam_date=date(2026, 12, 10))
    with pytest.raises(DomainError) as caught:
        papers.register_delivery(ctx, exam.id, checklist=ALL, **kwargs)
    assert words in str(caught.value)
    with ctx.read() as s:
        assert s.exec(select(PaperDelivery)).all() == []


def test_an_exam_already_held_is_refused(ctx):
    exam = add_exam(ctx, exam_date=date(2026, 11, 20))
    with pytest.raises(DomainError) as caught:
        papers.register_delivery(ctx, exam.id, checklist=ALL, delivered_by="Ola")
    assert "allerede holdt" in str(caught.value)


def test_overview_and_counts_from_the_same_service(ctx):
    late = add_exam(ctx, code="L1", exam_date=date(2026, 11, 27))    # deadline passed, missing
    soon = add_exam(ctx, code="S1", exam_date=date(2026, 12, 1))     # deadline 24.11: 1 working day
    later = add_exam(ctx, code="F1", exam_date=date(2026, 12, 4))    # deadline 27.11: 4 working days
    done = add_exam(ctx, code="D1", exam_date=date(2026, 12, 7))
    add_exam(ctx, code="M1", exam_date=date(2026, 12, 2), exam_form="Muntlig")  # no paper for orals
    papers.register_delivery(ctx, done.id, checklist=ALL, delivered_by="Ola")
    overview = papers.paper_overview(ctx)
    assert [(p.course_code, p.state) for p in overview] == [
        ("L1", "missing_late"), ("S1", "due_soon"), ("F1", "missing"), ("D1", "received")]
    assert papers.paper_counts(ctx) == {"missing": 3, "late": 1, "due_soon": 1, "received": 1}
    del late, soon, later


def test_receipt_slip_text_and_html(ctx, tmp_path):
    exam = add_exam(ctx, exam_date=date(2026, 12, 10), candidates=2)
    delivery = papers.register_delivery(ctx, exam.id, checklist=dict(ALL, pages_numbered=False),
                                        delivered_by="Kari <Nordmann>")
    text_path = papers.export_receipt(ctx, exam.id, delivery.id, "txt", tmp_path)
    text = text_path.read_text()
    assert "TDT4100 Objektorientert programmering" in text and "Mottatt av:  testbruker" in text
    assert "[ ] Sidene er nummerert" in text and "SJEKKLISTEN ER IKKE KOMPLETT" in text
    assert "[–] Oppgaven foreligger på både bokmål og nynorsk (ikke aktuelt)" in text
    html_path = papers.export_receipt(ctx, exam.id, delivery.id, "html", tmp_path)
    assert "Kari &lt;Nordmann&gt;" in html_path.read_text()
    assert json.loads(delivery.checklist)["pages_numbered"] is False
