"""Working days (virkedager): Monday–Friday except Norwegian public holidays
and the office's own closed days.

Counting convention (see ../shared/domain.md):
- "N working days after D" steps forward from D over N working days, D not
  counted; "N working days before D" steps back the same way.
- A calendar-day deadline that lands on a non-working day moves to the next
  working day (`roll_forward`).
"""
from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter

from eksamen_tui.domain.errors import ValidationError

# Named local closed days an office can choose besides fixed "MM-DD" dates.
MOVABLE_LOCAL_DAYS = {
    "holy_saturday": -1,  # påskeaften, offset from Easter Sunday
    "whit_saturday": 48,  # pinseaften
}


# Norway's public holidays (lov om helligdager og helligdagsfred § 2, with
# 1 and 17 May from lov om 1. og 17. mai som høgtidsdager): fixed dates and
# days counted from Easter Sunday. Computed here rather than with the
# `holidays` package, whose import loads every country's calendar (~0.15 s
# of CPU on the first deadline the app computes); tests/test_rules_engine.py
# checks both agree, date and name, for 1990-2100.
FIXED_HOLIDAYS = ((1, 1, "Første nyttårsdag"), (5, 1, "Arbeidernes dag"), (5, 17, "Grunnlovsdag"),
                  (12, 25, "Første juledag"), (12, 26, "Andre juledag"))
EASTER_HOLIDAYS = ((-3, "Skjærtorsdag"), (-2, "Langfredag"), (0, "Første påskedag"), (1, "Andre påskedag"),
                   (39, "Kristi himmelfartsdag"), (49, "Første pinsedag"), (50, "Andre pinsedag"))


@lru_cache(maxsize=64)
def holiday_names(year: int) -> dict[date, str]:
    """Norway's public holidays in `year`, each with its bokmål name (two on
    one day: both, «; » between)."""
    sunday = easter(year)
    days = [(date(year, month, day), name) for month, day, name in FIXED_HOLIDAYS]
    days += [(sunday + timedelta(days=offset), name) for offset, name in EASTER_HOLIDAYS]
    names: dict[date, str] = {}
    for day, name in sorted(days):
        names[day] = f"{names[day]}; {name}" if day in names else name
    return names


@lru_cache(maxsize=64)
def norwegian_holidays(year: int) -> frozenset[date]:
    """Public holidays in Norway for `year`."""
    return frozenset(holiday_names(year))


def movable_holidays(year: int) -> frozenset[date]:
    """The Easter-dependent public holidays that fall on weekdays
    (skjærtorsdag, langfredag, 2. påskedag, Kristi himmelfart, 2. pinsedag)."""
    sunday = easter(year)
    return frozenset(sunday + timedelta(days=offset) for offset in (-3, -2, 1, 39, 50))


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days. `local_closed_days` holds "MM-DD" strings
    (every year), ISO dates (one day) or names from MOVABLE_LOCAL_DAYS."""

    local_closed_days: tuple[str, ...] = ()
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.local_closed_days:
            _parse_local_day(entry, 2000)  # raises on a malformed entry

    def closed_days(self, year: int) -> frozenset[date]:
        cached = self._cache.get(year)
        if cached is None:
            local = {_parse_local_day(entry, year) for entry in self.local_closed_days}
            cached = norwegian_holidays(year) | {d for d in local if d is not None}
            self._cache[year] = cached
        return cached

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed_days(day.year)

    def why_closed(self, day: date) -> str | None:
        """A short bokmål reason when `day` is not a working day."""
        if day.weekday() == 5:
            return "lørdag"
        if day.weekday() == 6:
            return "søndag"
        if day in norwegian_holidays(day.year):
            return f"helligdag ({holiday_names(day.year)[day]})"
        if day in self.closed_days(day.year):
            return "lokal fridag"
        return None

    def add_working_days(self, start: date, count: int) -> date:
        """Step over `count` working days from `start` (start not counted);
        negative counts step backwards."""
        step = timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def roll_forward(self, day: date) -> date:
        """`day` if it is a working day, else the next working day."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def roll_backward(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative
        when `end` is before `start` (days late)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        low, high = (start, end) if sign > 0 else (end, start)
        count = 0
        day = low
        while day < high:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return sign * count


def _parse_local_day(entry: str, year: int) -> date | None:
    text = entry.strip()
    if text in MOVABLE_LOCAL_DAYS:
        return easter(year) + timedelta(days=MOVABLE_LOCAL_DAYS[text])
    try:
        if len(text) == 5 and text[2] == "-":
            month, day = int(text[:2]), int(text[3:])
            if (month, day) == (2, 29) and not calendar_module.isleap(year):
                return None  # a closed 29 February exists only in leap years
            return date(year, month, day)
        parsed = date.fromisoformat(text)
        return parsed if parsed.year == year else None
    except ValueError:
        raise ValidationError(
            f"Ugyldig lokal fridag «{entry}»: bruk MM-DD, ÅÅÅÅ-MM-DD eller "
            + ", ".join(MOVABLE_LOCAL_DAYS),
            field="local_closed_days",
        ) from None
