"""Rules for commissions (ordinary and appeal), uhl. § 11-6 and the seeds."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MemberInfo:
    """What the rules need to know of one examiner on a commission."""

    key: str  # a stable identity: the examiner id, or the e-mail on a form
    name: str
    is_external: bool


def ordinary_commission_problems(members: list[MemberInfo], *, requires_external: bool) -> list[str]:
    """Bokmål messages, empty when the ordinary commission is valid."""
    problems: list[str] = []
    if not members:
        problems.append("Kommisjonen må ha minst én sensor")
    elif requires_external and not any(m.is_external for m in members):
        problems.append("Kommisjonen må ha minst én ekstern sensor (institusjonens regel)")
    return problems


def appeal_commission_problems(members: list[MemberInfo], ordinary: list[MemberInfo]) -> list[str]:
    """Bokmål messages, empty when the appeal commission is valid: at least
    two new examiners, at least one external, none from the ordinary commission."""
    problems: list[str] = []
    if len(members) < 2:
        problems.append(f"Klagekommisjonen må ha minst to sensorer (har {len(members)})")
    if not any(m.is_external for m in members):
        problems.append("Klagekommisjonen må ha minst én ekstern sensor")
    ordinary_keys = {m.key for m in ordinary}
    reused = [m.name for m in members if m.key in ordinary_keys]
    if reused:
        problems.append(
            "Klagekommisjonen kan ikke ha sensorer fra den ordinære kommisjonen: " + ", ".join(reused)
        )
    return problems
