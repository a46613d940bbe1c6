"""Grading-deadline extensions (seed 002): when the deadline cannot be
held, the department applies to the pro-rector; an approved extension
moves that exam's grading deadline, and every date that follows it."""
from __future__ import annotations

from datetime import date

from eksamen_tui.domain.errors import ValidationError
from eksamen_tui.domain.parsing import check_date_range

MAX_EXTENSION_DAYS = 366


def check_extension(new_deadline: date, *, regular: date, current: date | None = None) -> date:
    """An extended grading deadline: later than the rule's deadline, within
    a year of it, and not the one already in force."""
    check_date_range(new_deadline, what="ny sensurfrist")
    if new_deadline <= regular:
        raise ValidationError(f"Ny sensurfrist {new_deadline:%d.%m.%Y} må være etter den ordinære "
                              f"sensurfristen {regular:%d.%m.%Y}", field="ny sensurfrist")
    if (new_deadline - regular).days > MAX_EXTENSION_DAYS:
        raise ValidationError(f"Ny sensurfrist {new_deadline:%d.%m.%Y} er mer enn ett år etter den ordinære "
                              f"{regular:%d.%m.%Y}", field="ny sensurfrist")
    if current is not None and new_deadline == current:
        raise ValidationError(f"Sensurfristen er allerede utsatt til {current:%d.%m.%Y}", field="ny sensurfrist")
    return new_deadline


def check_text(value: str, *, what: str, maximum: int = 120) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationError(f"{what[:1].upper() + what[1:]} mangler", field=what)
    if len(text) > maximum:
        raise ValidationError(f"{what[:1].upper() + what[1:]} er for lang (høyst {maximum} tegn)", field=what)
    return text


def extension_note(regular: date, extended: date | None) -> str:
    """«utsatt fra 14.12.2026» when extended, else empty."""
    return f"utsatt fra {regular:%d.%m.%Y}" if extended is not None else ""
