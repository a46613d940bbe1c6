"""The examiner directory, searchable, and people registered twice: the
same person (same name, or same e-mail) as two examiner rows, one internal
and one external, which makes fee forms and the appeal-commission rules
(at least one external) go wrong."""
from __future__ import annotations

from collections import defaultdict

from sqlmodel import select

from eksamen_tui.db.models import Examiner
from eksamen_tui.services.context import Context
from eksamen_tui.services.text_search import fold_text


def double_registrations(ctx: Context) -> dict[int, str]:
    """Examiner id -> a warning (bokmål), for every examiner registered
    more than once (by name or e-mail) with different internal/external status."""
    with ctx.read() as s:
        rows = s.exec(select(Examiner.id, Examiner.name, Examiner.email, Examiner.is_external)).all()
    groups: dict[tuple[str, str], list[tuple[int, str, bool]]] = defaultdict(list)
    for examiner_id, name, email, external in rows:
        if name.strip():
            groups[("name", " ".join(fold_text(name).split()))].append((examiner_id, name, external))
        if email.strip():
            groups[("email", email.strip().lower())].append((examiner_id, name, external))
    flags: dict[int, str] = {}
    for (kind, value), members in groups.items():
        if len({examiner_id for examiner_id, _, _ in members}) < 2 or len({ext for _, _, ext in members}) < 2:
            continue
        same = "samme navn" if kind == "name" else f"samme e-post {value}"
        for examiner_id, _, external in members:
            other = "intern" if external else "ekstern"
            flags.setdefault(examiner_id, f"registrert to ganger ({same}), også som {other}")
    return flags


def search_directory(lines: list, text: str) -> list:
    """Directory lines (DirectoryLine) whose name, e-mail, employer or exams
    contain every typed word (case- and accent-insensitive)."""
    words = fold_text(text).split()
    if not words:
        return list(lines)
    result = []
    for line in lines:
        haystack = fold_text(" ".join((line.name, line.email, line.employer, " ".join(line.exams),
                                       "ekstern" if line.is_external else "intern")))
        if all(word in haystack for word in words):
            result.append(line)
    return result
