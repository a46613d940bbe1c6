"""Values that parse but cannot be true: an appeal received tomorrow, a
withdrawal in year 1, a 0th attempt. Checked against the exam and today
before anything is written; the message says what and why."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from eksamen_tui.domain.errors import ValidationError
from eksamen_tui.domain.parsing import check_date_range, parse_number

MAX_ATTEMPT_NUMBER = 10  # far beyond the 3 (+ dispensation) anyone gets: more is a typo or a wrong column
WITHDRAWAL_DAYS_BEFORE_EXAM = 366  # registration opens a semester ahead; a year is the outer bound


def check_attempt_number(value: object) -> int:
    """An attempt number as imported or typed: 1 .. MAX_ATTEMPT_NUMBER."""
    return parse_number(value, what="forsøksnummer", max_digits=3, minimum=1, maximum=MAX_ATTEMPT_NUMBER)


def check_happened_on(day: date, *, what: str, today: date, not_before: date | None = None,
                      not_before_what: str = "") -> date:
    """A date on which something already happened (received, given, sent):
    in the sane range, not after today, and not before `not_before`."""
    check_date_range(day, what=what)
    if day > today:
        raise ValidationError(f"{what[:1].upper() + what[1:]} {day:%d.%m.%Y} er i fremtiden (i dag er {today:%d.%m.%Y})",
                              field=what)
    if not_before is not None and day < not_before:
        raise ValidationError(f"{what[:1].upper() + what[1:]} {day:%d.%m.%Y} er før {not_before_what} "
                              f"{not_before:%d.%m.%Y}", field=what)
    return day


def check_received_date(received_on: date, *, today: date, published_on: date | None = None,
                        exam_date: date | None = None) -> date:
    """When an explanation request or appeal reached the office: not in the
    future, not before the grades it concerns were published (or the exam)."""
    if published_on is not None:
        return check_happened_on(received_on, what="mottaksdatoen", today=today, not_before=published_on,
                                 not_before_what="kunngjøringen av sensur")
    return check_happened_on(received_on, what="mottaksdatoen", today=today, not_before=exam_date,
                             not_before_what="eksamensdagen")


def check_withdrawal_date(withdrawn_on: date, *, exam_date: date, today: date, exam_start: time | None = None,
                          now: datetime | None = None) -> date:
    """A withdrawal before the exam: before the exam (on the exam day only
    while it has not started, recorded that same morning), not in the
    future, and not absurdly long before the exam. Later is «trekk under
    eksamen» or «ikke møtt»."""
    check_date_range(withdrawn_on, what="trekkdatoen")
    if withdrawn_on > today:
        raise ValidationError(f"Trekkdatoen {withdrawn_on:%d.%m.%Y} er i fremtiden (i dag er {today:%d.%m.%Y})",
                              field="trekkdatoen")
    started = withdrawn_on > exam_date or (
        withdrawn_on == exam_date
        and (exam_start is None or now is None or now.date() != exam_date or now.time() >= exam_start))
    if started:
        when = f"{exam_date:%d.%m.%Y}" + (f" kl. {exam_start:%H:%M}" if exam_start else "")
        raise ValidationError(f"Trekk før eksamen må skje før eksamen ({when}), ikke {withdrawn_on:%d.%m.%Y}: "
                              "senere er det trekk under eksamen (t) eller ikke møtt (i)", field="trekkdatoen")
    earliest = exam_date - timedelta(days=WITHDRAWAL_DAYS_BEFORE_EXAM)
    if withdrawn_on < earliest:
        raise ValidationError(f"Trekkdatoen {withdrawn_on:%d.%m.%Y} er mer enn ett år før eksamen "
                              f"{exam_date:%d.%m.%Y}", field="trekkdatoen")
    return withdrawn_on
