"""Explanations and appeals: what is in time, and what an appeal grade means."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from eksamen_tui.domain.deadlines import Rules
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.scales import grade_steps


class CaseType(StrEnum):
    EXPLANATION = "explanation"
    GRADE_APPEAL = "grade_appeal"
    FORMAL_APPEAL = "formal_appeal"

    @property
    def label(self) -> str:
        return {"explanation": "begrunnelse", "grade_appeal": "klage på karakter",
                "formal_appeal": "klage på formell feil"}[self.value]

    @classmethod
    def parse(cls, value: object) -> "CaseType":
        """The case type a caller names, or a DomainError listing the types."""
        try:
            return cls(value)
        except ValueError:
            from eksamen_tui.domain.parsing import shown

            choices = ", ".join(f"{kind.value} ({kind.label})" for kind in cls)
            raise DomainError(f"Ukjent sakstype «{shown(value)}» (velg {choices})") from None


@dataclass(frozen=True)
class Timeliness:
    in_time: bool
    deadline: date

    def describe(self, received_on: date) -> str:
        if self.in_time:
            return f"i tide (frist {self.deadline:%d.%m.%Y})"
        return f"FOR SENT: mottatt {received_on:%d.%m.%Y}, fristen var {self.deadline:%d.%m.%Y}"


def request_timeliness(
    rules: Rules,
    case_type: CaseType,
    received_on: date,
    published_on: date,
    *,
    oral_or_practical: bool,
    explanation_received_on: date | None = None,
) -> Timeliness:
    """Whether a request received on `received_on` is within its deadline."""
    if case_type is CaseType.GRADE_APPEAL and oral_or_practical:
        raise DomainError("Muntlige og praktiske prestasjoner kan ikke påklages (uhl. § 11-6)")
    if received_on < published_on:
        raise DomainError(f"Sensur er kunngjort {published_on:%d.%m.%Y}; en sak kan ikke være mottatt før det")
    if case_type is CaseType.EXPLANATION:
        deadline = rules.explanation_request(published_on, oral_or_practical=oral_or_practical)
    else:
        deadline = rules.appeal(published_on, explanation_received_on)
    return Timeliness(received_on <= deadline, deadline)


class Outcome(StrEnum):
    UP = "up"
    DOWN = "down"
    UNCHANGED = "unchanged"

    @property
    def label(self) -> str:
        return {"up": "opp", "down": "ned", "unchanged": "uendret"}[self.value]


def appeal_outcome(original: str, new: str) -> Outcome:
    steps = grade_steps(original, new)
    return Outcome.UP if steps > 0 else Outcome.DOWN if steps < 0 else Outcome.UNCHANGED


def needs_further_assessment(original: str, new: str) -> bool:
    """Two or more steps between the original and the appeal grade call for
    a further (non-blind) assessment before the final grade is set."""
    return abs(grade_steps(original, new)) >= 2
