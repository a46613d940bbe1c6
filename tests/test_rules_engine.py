"""The rules engine on dated cases around Norwegian holidays.

Easter Sunday 2026-04-05 (skjærtorsdag 2.4, langfredag 3.4, 2. påskedag 6.4),
Ascension 2026-05-14, Whit Monday 2026-05-25, 17 May 2026 is a Sunday,
Easter Sunday 2027-03-28, 17 May 2027 is a Monday, Ascension 2027-05-06.
"""
from datetime import date

import pytest

from eksamen_tui.domain.calendar import WorkingCalendar
from eksamen_tui.domain.deadlines import Rules
from eksamen_tui.domain.errors import ValidationError
from eksamen_tui.domain.profiles import get_profile

NTNU = Rules.for_profile(get_profile("ntnu"))
NHH = Rules.for_profile(get_profile("nhh"))
NMBU = Rules.for_profile(get_profile("nmbu"))
PLAIN = WorkingCalendar()


@pytest.mark.parametrize("day, working", [
    (date(2026, 4, 2), False),   # skjærtorsdag
    (date(2026, 4, 3), False),   # langfredag
    (date(2026, 4, 6), False),   # 2. påskedag
    (date(2026, 4, 7), True),
    (date(2026, 5, 1), False),   # arbeidernes dag
    (date(2026, 5, 14), False),  # Kristi himmelfart
    (date(2026, 5, 25), False),  # 2. pinsedag
    (date(2027, 5, 17), False),  # grunnlovsdag on a Monday
    (date(2026, 12, 25), False),
    (date(2026, 12, 26), False),
    (date(2026, 11, 21), False),  # Saturday
    (date(2026, 11, 23), True),
])
def test_working_days(day, working):
    assert PLAIN.is_working_day(day) is working


def test_local_closed_days_are_configurable():
    assert PLAIN.is_working_day(date(2026, 12, 24))
    office = WorkingCalendar(("12-24", "12-31", "holy_saturday", "2026-06-19"))
    assert not office.is_working_day(date(2026, 12, 24))
    assert not office.is_working_day(date(2026, 12, 31))
    assert date(2026, 4, 4) in office.closed_days(2026)  # påskeaften
    assert not office.is_working_day(date(2026, 6, 19))
    assert office.is_working_day(date(2027, 6, 18))
    with pytest.raises(ValidationError):
        WorkingCalendar(("24. desember",))


def test_why_closed_names_the_holiday():
    assert "helligdag" in NTNU.calendar.why_closed(date(2026, 5, 14))
    assert NTNU.calendar.why_closed(date(2026, 11, 22)) == "søndag"
    assert NTNU.calendar.why_closed(date(2026, 12, 24)) == "lokal fridag"
    assert NTNU.calendar.why_closed(date(2026, 11, 23)) is None


def test_working_days_before_steps_back_over_holidays_and_weekends():
    # Exam Tue 2026-04-14: 5 working days back: 13, 10, 9, 8, 7 April (6.4 is 2. påskedag)
    assert NTNU.paper_delivery(date(2026, 4, 14)) == date(2026, 4, 7)
    # Exam Thu 2026-04-09: 8, 7, 1, 31.3, 30.3 (påske 2–6 April closed)
    assert NTNU.paper_delivery(date(2026, 4, 9)) == date(2026, 3, 30)
    # NHH counts 7 working days: 13, 10, 9, 8, 7, (påske) 1, 31 March
    assert NHH.paper_delivery(date(2026, 4, 14)) == date(2026, 3, 31)
    # Exam Mon 2026-05-18 (17 May on Sunday): 15, 13, 12, 11, 8 May (14.5 Ascension)
    assert NTNU.paper_delivery(date(2026, 5, 18)) == date(2026, 5, 8)


def test_working_days_after_steps_forward_over_holidays():
    # Exam Wed 2026-05-13: 15, 18, 19, 20, 21 May (14.5 Ascension, weekend)
    assert NMBU.valid_absence_documentation(date(2026, 5, 13)) == date(2026, 5, 21)
    # Exam Fri 2027-05-14: 18, 19, 20, 21, 24 May (17.5 Monday is grunnlovsdag)
    assert NMBU.valid_absence_documentation(date(2027, 5, 14)) == date(2027, 5, 24)
    # Across Christmas with the office's closed day 24 December: 22, 23, 28, 29, 30
    assert NTNU.valid_absence_documentation(date(2026, 12, 21)) == date(2026, 12, 30)
    # and over New Year (31.12 closed, 1.1 holiday): 23, 28, 29, 30, 4 January
    assert NTNU.valid_absence_documentation(date(2026, 12, 22)) == date(2027, 1, 4)


def test_calendar_day_deadlines_before_stay_on_their_date():
    exam = date(2026, 12, 10)
    deadlines = NTNU.exam_deadlines(exam)
    assert deadlines["withdrawal"] == date(2026, 11, 26)  # 14 days before
    assert deadlines["commission_form"] == date(2026, 11, 26)
    assert deadlines["course_approval"] == date(2026, 11, 19)
    # 3 days before a Monday exam lands on a Friday ... and before a Tuesday on a Saturday: stays
    assert deadlines["rooms_assigned"] == date(2026, 12, 7)
    assert NTNU.exam_deadlines(date(2026, 12, 8))["rooms_assigned"] == date(2026, 12, 5)


def test_grading_deadline_three_weeks_same_weekday():
    assert NMBU.grading(date(2026, 11, 11)) == date(2026, 12, 2)


def test_grading_deadline_moves_to_next_working_day():
    # NMBU: 2026-04-23 + 21 = 2026-05-14 (Ascension) -> Friday 15 May
    assert NMBU.grading(date(2026, 4, 23)) == date(2026, 5, 15)


def test_ntnu_adds_movable_holidays_inside_the_period():
    # Exam 2026-03-25 + 21 = 15 April; the period holds 2.4, 3.4, 6.4: + 3 days = 18 April (Sat) -> Mon 20 April
    assert NTNU.grading(date(2026, 3, 25)) == date(2026, 4, 20)
    assert NMBU.grading(date(2026, 3, 25)) == date(2026, 4, 15)


def test_ntnu_adds_ten_days_over_christmas():
    # 2026-12-10 + 21 = 31.12, + 10 = Sun 10.1.2027 -> Mon 11.1.2027
    assert NTNU.grading(date(2026, 12, 10)) == date(2027, 1, 11)
    # without Christmas in the period nothing is added
    assert NTNU.grading(date(2026, 11, 26)) == date(2026, 12, 17)


def test_nhh_moves_a_closed_grading_day_earlier():
    # NHH: 20 days; 2026-04-24 + 20 = 14 May (Ascension) -> Wednesday 13 May
    assert NHH.grading(date(2026, 4, 24)) == date(2026, 5, 13)


def test_thesis_grading_three_months():
    assert NMBU.grading(date(2026, 6, 1), thesis=True) == date(2026, 9, 1)


def test_explanation_and_appeal_deadlines_roll_to_next_working_day():
    # published Wed 2026-04-29: explanation 1 week = 6 May; appeal 3 weeks = 20 May
    assert NTNU.explanation_request(date(2026, 4, 29)) == date(2026, 5, 6)
    assert NTNU.appeal(date(2026, 4, 29)) == date(2026, 5, 20)
    # published Thu 2026-04-23: appeal 14 May is Ascension -> 15 May
    assert NTNU.appeal(date(2026, 4, 23)) == date(2026, 5, 15)
    # published Fri 2026-05-08: explanation 15 May (Fri) fine, appeal 29 May
    assert NTNU.explanation_request(date(2026, 5, 8)) == date(2026, 5, 15)
    # oral exams: at once
    assert NTNU.explanation_request(date(2026, 5, 8), oral_or_practical=True) == date(2026, 5, 8)


def test_appeal_after_explanation_counts_from_the_explanation():
    published = date(2026, 11, 2)
    assert NTNU.appeal(published) == date(2026, 11, 23)
    # explanation received 20 Nov: 3 weeks later, 11 Dec
    assert NTNU.appeal(published, explanation_received_on=date(2026, 11, 20)) == date(2026, 12, 11)
    # an early explanation never shortens the ordinary deadline
    assert NTNU.appeal(published, explanation_received_on=date(2026, 10, 20)) == date(2026, 11, 23)


def test_explanation_given_and_appeal_grading():
    # request 2026-12-17 + 14 = 31.12 (NTNU local closed day) -> 4.1.2027 (1.1 holiday, 2-3 weekend)
    assert NTNU.explanation_given(date(2026, 12, 17)) == date(2027, 1, 4)
    # sent to the appeal commission 2026-04-29 + 20 = 19 May (Tuesday)
    assert NHH.appeal_grading(date(2026, 4, 29)) == date(2026, 5, 19)


def test_profiles_differ_where_the_seeds_differ():
    assert get_profile("ntnu").paper_delivery_working_days_before == 5
    assert get_profile("nhh").paper_delivery_working_days_before == 7
    assert get_profile("nhh").grading_days_after == 20
    assert get_profile("nmbu").valid_absence_documentation_working_days_after == 5


def test_overrides_are_validated():
    profile = get_profile("ntnu", {"paper_delivery_working_days_before": 8})
    assert profile.paper_delivery_working_days_before == 8
    with pytest.raises(ValidationError):
        get_profile("ntnu", {"no_such_setting": 1})
    with pytest.raises(ValidationError):
        get_profile("ntnu", {"withdrawal_days_before": "fjorten"})
    with pytest.raises(ValidationError):
        get_profile("uio")


def test_norwegian_holidays_agree_with_the_holidays_package():
    """The calendar's own table of public holidays (no import of the
    `holidays` package at run time) gives the same days and names as that
    package, every year the app can meet."""
    import holidays

    from eksamen_tui.domain.calendar import holiday_names, norwegian_holidays

    for year in range(1990, 2101):
        reference = holidays.country_holidays("NO", years=year, include_sundays=False, language="no")
        assert holiday_names(year) == dict(reference), year
        assert norwegian_holidays(year) == frozenset(reference), year
    assert NTNU.calendar.why_closed(date(2027, 5, 17)) == "helligdag (Andre pinsedag; Grunnlovsdag)"
