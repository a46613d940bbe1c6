"""Answer-script custody (seed 002, NHH): the office hands the white
originals to the examiner, who returns them with the signed protocol at the
latest at the grading deadline; the internal examiner keeps the coloured
copy until the explanation-request deadline has passed, then returns it.
The national auditor checks that every script is accounted for.

Pure rules: what is out, what is back, what is missing (in words), what is
overdue, and whether a shortfall has been resolved with a reason."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from eksamen_tui.domain.errors import DomainError, ValidationError
from eksamen_tui.domain.parsing import shown

MAX_SCRIPTS = 99_999  # more answer scripts than this on one exam is a typo


class ScriptKind(StrEnum):
    ORIGINAL = "original"  # white original: back with the protocol, at the grading deadline
    COPY = "copy"  # coloured copy (internal examiner): back after the explanation-request deadline

    @property
    def label(self) -> str:
        return {"original": "original", "copy": "kopi"}[self.value]

    @property
    def plural(self) -> str:
        return {"original": "originaler", "copy": "kopier"}[self.value]

    @classmethod
    def for_examiner(cls, is_external: bool) -> "ScriptKind":
        """What an examiner normally receives: external examiners the white
        originals, internal ones the coloured copy."""
        return cls.ORIGINAL if is_external else cls.COPY

    @classmethod
    def parse(cls, value: object) -> "ScriptKind":
        if isinstance(value, cls):
            return value
        text = " ".join(str(value).split()).casefold()
        for kind in cls:
            if text in (kind.value, kind.label, kind.plural):
                return kind
        raise ValidationError(f"Ukjent type besvarelse «{shown(value)}» (velg original eller kopi)", field="type")


class Direction(StrEnum):
    OUT = "out"  # handed out to the examiner
    BACK = "back"  # returned to the office

    @property
    def label(self) -> str:
        return {"out": "utlevert", "back": "returnert"}[self.value]


@dataclass(frozen=True)
class Movement:
    """One handing-out or return, as the rules need it."""

    examiner_key: int
    kind: ScriptKind
    direction: Direction
    count: int
    on: date


@dataclass(frozen=True)
class Balance:
    """Scripts of one kind with one examiner."""

    examiner_key: int
    kind: ScriptKind
    out: int
    back: int
    last_out: date | None = None
    last_back: date | None = None

    @property
    def missing(self) -> int:
        """Scripts handed out and not (yet) back."""
        return self.out - self.back


def balances(movements: list[Movement]) -> dict[tuple[int, ScriptKind], Balance]:
    """Out and back per (examiner, kind), in the order they first appear."""
    result: dict[tuple[int, ScriptKind], Balance] = {}
    for move in movements:
        key = (move.examiner_key, move.kind)
        current = result.get(key) or Balance(move.examiner_key, move.kind, 0, 0)
        if move.direction is Direction.OUT:
            current = Balance(current.examiner_key, current.kind, current.out + move.count, current.back,
                              max(filter(None, (current.last_out, move.on))), current.last_back)
        else:
            current = Balance(current.examiner_key, current.kind, current.out, current.back + move.count,
                              current.last_out, max(filter(None, (current.last_back, move.on))))
        result[key] = current
    return result


def check_count(value: int, *, what: str = "antall besvarelser") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SCRIPTS:
        raise ValidationError(f"{what[:1].upper() + what[1:]} må være fra 1 til {MAX_SCRIPTS}", field=what)
    return value


def check_return(balance: Balance | None, count: int, kind: ScriptKind) -> None:
    """A return may not bring back more than the examiner has out."""
    have = balance.missing if balance is not None else 0
    if have <= 0:
        raise DomainError(f"Sensoren har ingen {kind.plural} ute – registrer utlevering først")
    if count > have:
        raise DomainError(f"Sensoren har bare {have} {kind.plural if have != 1 else kind.label} ute, "
                          f"ikke {count} – sjekk tellingen")


def scripts_in_words(count: int) -> str:
    return f"{count} besvarelse" if count == 1 else f"{count} besvarelser"


def missing_in_words(balance: Balance) -> str:
    """«2 originaler mangler (40 utlevert, 38 tilbake)», «40 kopier ute
    (ingen tilbake ennå)» or «alle 40 kopier er tilbake» (one examiner's
    line, so the examiner is not named again)."""
    kind = balance.kind
    if balance.out == 0:
        return f"ingen {kind.plural} utlevert"
    if balance.missing == 0:
        return f"alle {balance.out} {kind.plural if balance.out != 1 else kind.label} er tilbake"
    if balance.back == 0:
        return f"{balance.out} {kind.plural if balance.out != 1 else kind.label} ute (ingen tilbake ennå)"
    noun = kind.label if balance.missing == 1 else kind.plural
    return f"{balance.missing} {noun} mangler ({balance.out} utlevert, {balance.back} tilbake)"


def return_deadline(kind: ScriptKind, grading_deadline: date, explanation_deadline: date | None) -> date | None:
    """When scripts of `kind` are due back: originals at the (possibly
    extended) grading deadline; copies once the explanation-request
    deadline has passed, which is known only after publication (None)."""
    if kind is ScriptKind.ORIGINAL:
        return grading_deadline
    return explanation_deadline


def is_flagged(balance: Balance, overdue: bool, *, resolved: bool = False) -> bool:
    """A shortfall to show as missing: the examiner returned fewer than they
    got (a mismatch out vs back), or nothing came back by the day it was due.
    Scripts out and not yet due are not missing."""
    if resolved or balance.missing <= 0:
        return False
    return balance.back > 0 or overdue


def is_overdue(balance: Balance, due: date | None, today: date, *, resolved: bool = False) -> bool:
    """Scripts still out after the day they were due (and not written off
    with a reason)."""
    if resolved or balance.missing <= 0 or due is None:
        return False
    return today > due


@dataclass(frozen=True)
class Resolution:
    """A shortfall accounted for by the clerk, with a reason: valid for
    exactly the shortfall it was given for (a later change re-opens it)."""

    examiner_key: int
    kind: ScriptKind
    missing: int
    reason: str


def is_resolved(balance: Balance, resolutions: list[Resolution]) -> bool:
    """The latest resolution for this examiner and kind covers the current
    shortfall exactly."""
    latest = [r for r in resolutions if r.examiner_key == balance.examiner_key and r.kind is balance.kind]
    return bool(latest) and balance.missing > 0 and latest[-1].missing == balance.missing


def check_reason(reason: str) -> str:
    text = " ".join(str(reason or "").split())
    if len(text) < 3:
        raise ValidationError("Skriv en årsak (minst tre tegn), f.eks. «levert direkte til arkivet»", field="årsak")
    if len(text) > 200:
        raise ValidationError("Årsaken er for lang (høyst 200 tegn)", field="årsak")
    return text


def default_hand_out(submissions: int, already_out: int) -> int:
    """The count prefilled for a handing-out of one kind: the submissions
    the attendance desk registered, less what is already out of that kind."""
    return max(submissions - already_out, 0)
