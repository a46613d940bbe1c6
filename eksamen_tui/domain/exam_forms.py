"""Exam forms (eksamensform) and what follows from them."""
from __future__ import annotations

EXAM_FORMS = (
    "Skoleeksamen",
    "Hjemmeeksamen",
    "Muntlig",
    "Praktisk",
    "Mappe",
    "Oppgave",
    "Masteroppgave",
)

_ORAL_OR_PRACTICAL = {"muntlig", "muntlig eksamen", "praktisk", "praktisk eksamen"}
_THESIS = {"masteroppgave", "bacheloroppgave", "gradsoppgave"}


def is_oral_or_practical(exam_form: str) -> bool:
    """Oral and practical performances cannot be appealed (uhl. § 11-6)."""
    return exam_form.strip().casefold() in _ORAL_OR_PRACTICAL


def is_thesis(exam_form: str) -> bool:
    return exam_form.strip().casefold() in _THESIS


def canonical_exam_form(text: str) -> str:
    """The canonical spelling of a form, matched case- and space-insensitively."""
    key = "".join(text.split()).casefold()
    for form in EXAM_FORMS:
        if form.casefold() == key:
            return form
    return " ".join(text.split()).capitalize()


_NO_PAPER = {"mappe", "muntlig", "praktisk", "oppgave", "masteroppgave", "bacheloroppgave"}


def needs_paper(exam_form: str) -> bool:
    """Whether the department delivers a question paper to the office."""
    return exam_form.strip().casefold() not in _NO_PAPER
