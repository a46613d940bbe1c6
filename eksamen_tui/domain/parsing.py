"""What a clerk types or a command line gives, turned into numbers and
dates in one place: the CLI, the desks and the services all parse here.

Numbers are ASCII digits only (`str.isdigit` also accepts «²» and other
scripts' digits, which `int` then refuses) and at most MAX_DIGITS long, so
every number fits the database's integer columns on SQLite and PostgreSQL.
Dates must lie in [EARLIEST_DATE, LATEST_DATE]: outside it a deadline
computation would run off the calendar (year 1, year 9999)."""
from __future__ import annotations

import re
from datetime import date

from eksamen_tui.domain.errors import ValidationError

MAX_DIGITS = 9  # 999,999,999 fits PostgreSQL's INTEGER as well as SQLite's
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)

DATE_FORMATS_HINT = "ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ"

_SHOWN = 30  # characters of bad input quoted back in a message
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_NORWEGIAN = re.compile(r"([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4}|[0-9]{2})", re.ASCII)
_DAY_MONTH = re.compile(r"([0-9]{1,2})[./]([0-9]{1,2})\.?", re.ASCII)


def shown(value: object) -> str:
    """Bad input as quoted in a message: one line, never very long."""
    text = " ".join(str(value).split())
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_digit_key(character: str | None) -> bool:
    """One ASCII digit 0–9 (what a desk accepts as part of a typed number)."""
    return character is not None and len(character) == 1 and "0" <= character <= "9"


def parse_number(value: object, *, what: str = "tallet", max_digits: int = MAX_DIGITS,
                 minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number from typed text (or an int): ASCII digits only, no sign,
    at most `max_digits` digits, within [minimum, maximum]. Raises a
    ValidationError naming `what` otherwise."""
    if isinstance(value, bool):
        raise ValidationError(f"{_capital(what)}: «{value}» er ikke et tall", field=what)
    if isinstance(value, int):
        number = value
        if number < 0 or len(str(number)) > max_digits:
            raise ValidationError(f"{_capital(what)}: {shown(number)} er utenfor det mulige (høyst {max_digits} sifre)",
                                  field=what)
    else:
        text = str(value).strip() if value is not None else ""
        if not text:
            raise ValidationError(f"{_capital(what)} mangler", field=what)
        if not all(is_digit_key(character) for character in text):
            raise ValidationError(f"{_capital(what)}: «{shown(text)}» er ikke et tall (bare sifrene 0–9)", field=what)
        if len(text) > max_digits:
            raise ValidationError(f"{_capital(what)}: «{shown(text)}» har for mange sifre (høyst {max_digits})",
                                  field=what)
        number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        upper = f"–{maximum}" if maximum is not None else " eller mer"
        raise ValidationError(f"{_capital(what)}: {number} er ikke mulig (gyldig: {minimum}{upper})", field=what)
    return number


def check_date_range(day: date, *, what: str = "datoen") -> date:
    """`day` itself, or a ValidationError when it is outside the years the
    office can mean (EARLIEST_DATE..LATEST_DATE)."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            f"{_capital(what)}: {day.isoformat()} er utenfor det mulige "
            f"({EARLIEST_DATE:%d.%m.%Y}–{LATEST_DATE:%d.%m.%Y})", field=what)
    return day


def parse_day(text: str, today: date) -> date:
    """A date typed at the counter: empty = today, 23.11.2026, 23.11 or ISO
    (refused outside the sane range)."""
    return parse_date(text, what="datoen", today=today)


def parse_date(value: object, *, what: str = "datoen", today: date | None = None) -> date:
    """A date typed by a clerk or given on the command line.

    Accepts ISO (2026-11-23), Norwegian (23.11.2026, 23.11.26, 23/11/2026)
    and, when `today` is given, a day and month alone (23.11, this year) or
    nothing at all (today). The result lies in EARLIEST_DATE..LATEST_DATE.
    """
    if isinstance(value, date):
        return check_date_range(value, what=what)
    text = str(value).strip() if value is not None else ""
    if not text:
        if today is None:
            raise ValidationError(f"{_capital(what)} mangler ({DATE_FORMATS_HINT})", field=what)
        return check_date_range(today, what=what)
    parts: tuple[int, int, int] | None = None
    if match := _ISO.fullmatch(text):
        year, month, day = (int(group) for group in match.groups())
        parts = (year, month, day)
    elif match := _NORWEGIAN.fullmatch(text):
        day, month, year = (int(group) for group in match.groups())
        parts = (year + 2000 if len(match.group(3)) == 2 else year, month, day)
    elif today is not None and (match := _DAY_MONTH.fullmatch(text)):
        day, month = (int(group) for group in match.groups())
        parts = (today.year, month, day)
    if parts is None:
        raise ValidationError(f"{_capital(what)}: «{shown(text)}» er ikke en dato ({DATE_FORMATS_HINT})", field=what)
    try:
        result = date(*parts)
    except ValueError:
        raise ValidationError(f"{_capital(what)}: «{shown(text)}» finnes ikke i kalenderen", field=what) from None
    return check_date_range(result, what=what)
