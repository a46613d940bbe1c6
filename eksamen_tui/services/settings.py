"""The institution's settings: profile, deadline offsets and local closed
days, shown as a table of deadlines too. No Textual, no printing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eksamen_tui.domain.deadlines import EXAM_DEADLINE_LABELS, PUBLICATION_DEADLINE_LABELS, Rules


@dataclass(frozen=True)
class DeadlineLine:
    key: str
    label: str
    day: date


@dataclass(frozen=True)
class DeadlineTable:
    heading: str
    lines: list[DeadlineLine]


def deadline_table(rules: Rules, exam_date: date | None, published: date | None = None, *,
                   oral_or_practical: bool = False) -> DeadlineTable:
    """Every deadline from an exam date, a publication date or both, in date order."""
    found: dict[str, date] = {}
    labels: dict[str, str] = {}
    if exam_date is not None:
        found.update(rules.exam_deadlines(exam_date))
        labels.update(EXAM_DEADLINE_LABELS)
    if published is not None:
        found.update(rules.publication_deadlines(published, oral_or_practical=oral_or_practical))
        labels.update(PUBLICATION_DEADLINE_LABELS)
    lines = sorted((DeadlineLine(key, labels[key], day) for key, day in found.items()), key=lambda line: line.day)
    if exam_date is not None:
        heading = f"Frister for eksamen {exam_date.isoformat()}"
        if published is not None:
            heading += f", sensur kunngjort {published.isoformat()}"
    else:
        heading = f"Frister etter kunngjøring av sensur {published.isoformat()}"
    return DeadlineTable(f"{heading} (profil {rules.profile.title})", lines)
