"""The office's checklist for a delivered exam paper (from the seeds), and
the items that follow from the registrations rather than from the paper."""
from __future__ import annotations

from dataclasses import dataclass

# key -> bokmål label, in the order the clerk goes through them
CHECKLIST_ITEMS: dict[str, str] = {
    "cover_page_signed": "Standard forside brukt og signert av instituttets kontaktperson",
    "pages_numbered": "Sidene er nummerert (også vedlegg)",
    "both_language_forms": "Oppgaven foreligger på både bokmål og nynorsk",
    "two_teacher_review": "Gjennomgått og kvittert av to faglærere",
    "contact_person_named": "Faglig kontaktperson på eksamensdagen er oppgitt",
    "aids_on_cover": "Tillatte hjelpemidler står på forsiden",
    "colour_flagged": "Sort/hvitt – eller fargekopiering er meldt",
    "electronic_copy": "Elektronisk utgave levert (kandidater med tilrettelegging)",
    "grading_guidelines": "Sensorveiledning levert sammen med oppgaven",
}


@dataclass(frozen=True)
class DerivedNeeds:
    """What the registrations require of the paper."""

    both_language_forms: bool  # candidates use both bokmål and nynorsk
    electronic_copy: bool  # some candidates have accommodations
    registered: int

    def applies(self, item: str) -> bool:
        if item == "both_language_forms":
            return self.both_language_forms
        if item == "electronic_copy":
            return self.electronic_copy
        return True


def derive_needs(language_forms: list[str], accommodations: list[str]) -> DerivedNeeds:
    forms = {form.strip().casefold() for form in language_forms}
    return DerivedNeeds(
        both_language_forms={"bokmål", "nynorsk"} <= forms,
        electronic_copy=any(text.strip() for text in accommodations),
        registered=len(language_forms),
    )


def missing_items(checklist: dict[str, bool], needs: DerivedNeeds) -> list[str]:
    """The applicable items not ticked, in checklist order."""
    return [item for item in CHECKLIST_ITEMS if needs.applies(item) and not checklist.get(item, False)]


def copies_to_print(registered: int, margin: int) -> int:
    return registered + margin
