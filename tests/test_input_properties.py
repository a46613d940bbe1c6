"""Property tests (Hypothesis) of everything in the domain that takes what a
clerk types or a file holds: whatever the input, the answer is a value in
range or a DomainError with a message — never another exception."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eksamen_tui.domain.appeal_rules import CaseType, appeal_outcome, needs_further_assessment
from eksamen_tui.domain.attendance import AttendanceState, automatic_fail, counts_as_attempt, is_gradeable
from eksamen_tui.domain.calendar import WorkingCalendar
from eksamen_tui.domain.deadlines import Rules
from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.grade_rules import compute_course_grade
from eksamen_tui.domain.parsing import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_DIGITS,
    is_digit_key,
    parse_date,
    parse_number,
)
from eksamen_tui.domain.plausibility import (
    MAX_ATTEMPT_NUMBER,
    check_attempt_number,
    check_received_date,
    check_withdrawal_date,
)
from eksamen_tui.domain.profiles import MAX_SETTING, PROFILES, get_profile
from eksamen_tui.domain.scales import GradeScale, grade_steps, grades_of, normalize_grade

settings.register_profile("eksamen", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("eksamen")

ASCII_DIGITS = "0123456789"
in_range_dates = st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE)
any_dates = st.dates()
# Text that looks like what people type: digits (ASCII and not), separators, letters.
typed = st.text(alphabet=st.sampled_from(list(ASCII_DIGITS + "²³¹٣۴०１ .-/:+eE,abcæøåÅ\t")), max_size=24) | st.text(max_size=24)
rules_by_profile = {name: Rules.for_profile(profile) for name, profile in PROFILES.items()}


# --- numbers ------------------------------------------------------------------------

@given(typed)
def test_parse_number_gives_a_number_that_fits_or_refuses(text):
    try:
        number = parse_number(text, what="kandidatnummer")
    except DomainError as error:
        assert str(error) and "\n" not in str(error)
        return
    stripped = text.strip()
    assert stripped and all(c in ASCII_DIGITS for c in stripped) and len(stripped) <= MAX_DIGITS
    assert number == int(stripped) and 0 <= number < 10 ** MAX_DIGITS


@given(st.text(alphabet=ASCII_DIGITS, min_size=1, max_size=MAX_DIGITS))
def test_every_short_ascii_digit_string_is_its_number(digits):
    assert parse_number(f" {digits} ") == int(digits)


@given(st.text(alphabet=ASCII_DIGITS, min_size=MAX_DIGITS + 1, max_size=60))
def test_too_many_digits_are_refused_not_overflowing(digits):
    with pytest.raises(DomainError, match="for mange sifre"):
        parse_number(digits)


@given(st.characters())
def test_only_ascii_digits_are_digit_keys(character):
    assert is_digit_key(character) == (character in ASCII_DIGITS)
    if character.isdigit() and character not in ASCII_DIGITS:  # «²», «٣»: isdigit() says yes
        with pytest.raises(DomainError):
            parse_number(character)


@given(st.integers())
def test_integers_are_accepted_only_in_range(number):
    try:
        assert parse_number(number) == number
    except DomainError:
        assert number < 0 or number >= 10 ** MAX_DIGITS


# --- dates --------------------------------------------------------------------------

@given(typed, in_range_dates)
def test_parse_date_gives_a_date_in_range_or_refuses(text, today):
    try:
        day = parse_date(text, today=today)
    except DomainError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert EARLIEST_DATE <= day <= LATEST_DATE


@given(in_range_dates)
def test_every_date_in_range_reads_back_in_each_format(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day:%d.%m.%Y}") == day
    assert parse_date(f"{day.day}.{day.month}.{day.year}") == day
    assert parse_date(f"{day:%d.%m}", today=day) == day
    assert parse_date("", today=day) == day


@given(any_dates)
def test_dates_outside_the_range_are_refused_in_every_form(day):
    assume(not EARLIEST_DATE <= day <= LATEST_DATE)
    for text in (f"{day.year:04d}-{day.month:02d}-{day.day:02d}", day):
        with pytest.raises(DomainError, match="utenfor det mulige"):
            parse_date(text)


# --- deadlines over any date in range -------------------------------------------------

@given(in_range_dates, st.sampled_from(sorted(rules_by_profile)), st.booleans(), st.booleans())
def test_every_deadline_of_any_date_in_range_computes_in_order(day, profile, thesis, oral):
    rules = rules_by_profile[profile]
    deadlines = rules.exam_deadlines(day, thesis=thesis)
    assert deadlines["paper_delivery"] < day < deadlines["attendance_registration"]
    assert deadlines["withdrawal"] < day and deadlines["commission_form"] < day
    assert deadlines["grading"] > day
    for key in ("paper_delivery", "obligatory_activities", "attendance_registration",
                "valid_absence_documentation", "grading", "publication"):
        assert rules.calendar.is_working_day(deadlines[key]), key
    after = rules.publication_deadlines(day, oral_or_practical=oral)
    assert after["explanation_request"] >= day and after["appeal"] > day
    assert rules.calendar.is_working_day(after["appeal"])


@given(st.lists(st.sampled_from(["12-24", "12-31", "02-29", "05-16", "holy_saturday", "whit_saturday",
                                 "2030-06-03"]), max_size=4), in_range_dates)
def test_local_closed_days_work_in_every_year(entries, day):
    calendar = WorkingCalendar(tuple(entries))
    assert calendar.roll_forward(day) >= day
    assert calendar.is_working_day(calendar.add_working_days(day, 5))


@given(st.dictionaries(st.sampled_from(["grading_days_after", "paper_delivery_working_days_before",
                                        "withdrawal_days_before", "thesis_grading_months",
                                        "appeal_days_after", "grading_roll_backward", "local_closed_days"]),
                       st.integers(-5, 10 ** 12) | st.booleans() | st.text(max_size=6)
                       | st.lists(st.text(max_size=10), max_size=3), max_size=3),
       in_range_dates)
def test_profile_settings_are_refused_or_give_deadlines(overrides, day):
    try:
        rules = Rules.for_profile(get_profile("ntnu", overrides))
    except DomainError:
        return
    for key, value in overrides.items():
        if isinstance(value, int) and not isinstance(value, bool):
            assert 0 <= value <= MAX_SETTING
    assert rules.exam_deadlines(day, thesis=True)["grading"] >= day


# --- grades ------------------------------------------------------------------------------

@given(typed | st.sampled_from(["a", " B ", "bestått", "IB", "ikke  bestått", "Godkjent", "f"]),
       st.sampled_from(list(GradeScale)))
def test_normalize_grade_is_on_the_scale_or_refuses(text, scale):
    try:
        grade = normalize_grade(text, scale)
    except DomainError:
        return
    assert grade in grades_of(scale)
    assert normalize_grade(grade, scale) == grade
    assert normalize_grade(text.upper(), scale) == grade


@given(st.sampled_from(list(GradeScale)).flatmap(lambda scale: st.tuples(
    st.just(scale), st.sampled_from(grades_of(scale)), st.sampled_from(grades_of(scale)))))
def test_steps_and_outcomes_are_antisymmetric(case):
    _, old, new = case
    assert grade_steps(old, new) == -grade_steps(new, old)
    assert needs_further_assessment(old, new) == needs_further_assessment(new, old)
    assert (appeal_outcome(old, new).value == "unchanged") == (old == new)


@given(st.sampled_from(list(GradeScale)).flatmap(lambda scale: st.tuples(
    st.just(scale), st.lists(st.tuples(st.integers(0, 100), st.sampled_from(grades_of(scale))), max_size=5))))
def test_course_grade_from_any_parts_is_on_the_scale_or_refused(case):
    scale, parts = case
    try:
        grade = compute_course_grade(parts, scale)
    except DomainError:
        return
    assert grade in grades_of(scale)


# --- attendance codes and case types ---------------------------------------------------

@given(typed | st.sampled_from([s.value for s in AttendanceState] + ["Møtt", " levert  blankt "]))
def test_attendance_codes_parse_or_refuse(text):
    try:
        state = AttendanceState.parse(text)
    except DomainError:
        return
    assert AttendanceState.parse(state.value) is state
    # an automatic fail is always an attempt, and only attended is gradeable
    if automatic_fail(state):
        assert counts_as_attempt(state) and not is_gradeable(state)


@given(typed | st.sampled_from([c.value for c in CaseType]))
def test_case_types_parse_or_refuse(text):
    try:
        kind = CaseType.parse(text)
    except DomainError as error:
        assert "Ukjent sakstype" in str(error)
        return
    assert kind.value == text


# --- plausible values -----------------------------------------------------------------

@given(st.integers(-10, 10 ** 25) | typed)
def test_attempt_numbers_from_one_to_the_maximum(value):
    try:
        attempt = check_attempt_number(value)
    except DomainError:
        return
    assert 1 <= attempt <= MAX_ATTEMPT_NUMBER


@given(any_dates, in_range_dates, in_range_dates)
def test_withdrawal_dates_are_before_the_exam_and_not_in_the_future(withdrawn, exam_date, today):
    try:
        check_withdrawal_date(withdrawn, exam_date=exam_date, today=today)
    except DomainError:
        assert (withdrawn > today or withdrawn >= exam_date or withdrawn < exam_date - timedelta(days=366)
                or not EARLIEST_DATE <= withdrawn <= LATEST_DATE)
        return
    assert withdrawn <= today and withdrawn < exam_date and EARLIEST_DATE <= withdrawn


@given(any_dates, in_range_dates, in_range_dates)
def test_received_dates_are_never_in_the_future_nor_before_publication(received, published, today):
    try:
        check_received_date(received, today=today, published_on=published)
    except DomainError:
        assert received > today or received < published or not EARLIEST_DATE <= received <= LATEST_DATE
        return
    assert published <= received <= today


def test_year_one_and_9999_withdrawals_are_refused():
    exam = date(2026, 12, 10)
    for day in (date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(DomainError):
            check_withdrawal_date(day, exam_date=exam, today=date(2026, 11, 23))
