"""Every deadline of the trade, computed from an exam date or a publication
date with an institution profile and a working-day calendar."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from eksamen_tui.domain.calendar import WorkingCalendar, movable_holidays
from eksamen_tui.domain.profiles import Profile

# Bokmål labels for each deadline key, in the order they fall.
EXAM_DEADLINE_LABELS = {
    "course_approval": "Kursgodkjenningslister",
    "commission_form": "Kommisjonsskjema og klagekommisjon",
    "withdrawal": "Trekkfrist",
    "obligatory_activities": "Obligatoriske aktiviteter registrert",
    "paper_delivery": "Eksamensoppgave levert",
    "rooms_assigned": "Romfordeling",
    "attendance_registration": "Oppmøte registrert",
    "valid_absence_documentation": "Dokumentasjon gyldig fravær",
    "grading": "Sensurfrist",
    "scripts_returned": "Besvarelser (originaler) tilbake",
    "publication": "Kunngjøring av sensur",
    "guidelines_published": "Sensorveiledning publisert",
}
PUBLICATION_DEADLINE_LABELS = {
    "explanation_request": "Frist for å be om begrunnelse",
    "appeal": "Klagefrist",
    "appeal_send": "Klager sendes klagekommisjon",
}


@dataclass(frozen=True)
class Rules:
    """A profile together with the calendar it counts working days in."""

    profile: Profile
    calendar: WorkingCalendar

    @classmethod
    def for_profile(cls, profile: Profile) -> "Rules":
        return cls(profile, WorkingCalendar(profile.local_closed_days))

    # --- helpers -----------------------------------------------------------
    def after(self, event: date, days: int) -> date:
        """A calendar-day deadline after an event, moved to the next working day."""
        return self.calendar.roll_forward(event + timedelta(days=days))

    # --- before and around the exam ---------------------------------------
    def paper_delivery(self, exam_date: date) -> date:
        return self.calendar.add_working_days(exam_date, -self.profile.paper_delivery_working_days_before)

    def withdrawal(self, exam_date: date) -> date:
        return exam_date - timedelta(days=self.profile.withdrawal_days_before)

    def commission_form(self, exam_date: date) -> date:
        return exam_date - timedelta(days=self.profile.commission_form_days_before)

    def valid_absence_documentation(self, exam_date: date) -> date:
        return self.calendar.add_working_days(
            exam_date, self.profile.valid_absence_documentation_working_days_after
        )

    def grading(self, exam_date: date, *, thesis: bool = False) -> date:
        """Sensurfrist. NTNU adds the movable holidays inside the period and
        extra days when the period spans Christmas; NHH moves a deadline on
        a closed day earlier rather than later."""
        p = self.profile
        if thesis:
            return self.calendar.roll_forward(exam_date + relativedelta(months=p.thesis_grading_months))
        deadline = exam_date + timedelta(days=p.grading_days_after)
        if p.grading_add_movable_holidays:
            extra = sum(
                1
                for year in {exam_date.year, deadline.year}
                for day in movable_holidays(year)
                if exam_date < day <= deadline
            )
            deadline += timedelta(days=extra)
        if p.grading_christmas_extra_days and _spans_christmas(exam_date, deadline):
            deadline += timedelta(days=p.grading_christmas_extra_days)
        if p.grading_roll_backward:
            return self.calendar.roll_backward(deadline)
        return self.calendar.roll_forward(deadline)

    def effective_grading(self, exam_date: date, *, thesis: bool = False,
                          extended_to: date | None = None) -> date:
        """The grading deadline in force: an approved extension's date, else the rule's."""
        return extended_to if extended_to is not None else self.grading(exam_date, thesis=thesis)

    def publication(self, exam_date: date, *, thesis: bool = False, grading_extended_to: date | None = None) -> date:
        """The planned publication day, never before the grading deadline in
        force (an NTNU exam in late November or before Easter gets extra
        grading days that a fixed "21 days" would cut off). A profile without
        a publication rule of its own publishes on the grading deadline.
        After an extended grading deadline it keeps the profile's distance
        from the grading deadline (NHH: grading day 20, publication day 21),
        and is never earlier than planned."""
        p = self.profile
        grading = self.effective_grading(exam_date, thesis=thesis, extended_to=grading_extended_to)
        if p.publication_days_after is None:
            return grading
        regular = max(self.after(exam_date, p.publication_days_after), self.grading(exam_date, thesis=thesis))
        if grading_extended_to is None:
            return regular
        return max(regular, grading,
                   self.after(grading_extended_to, max(p.publication_days_after - p.grading_days_after, 0)))

    def exam_deadlines(self, exam_date: date, *, thesis: bool = False,
                       grading_extended_to: date | None = None) -> dict[str, date]:
        """Every deadline of an exam; `grading_extended_to` (an approved
        extension) moves the grading deadline and every date that follows it."""
        p = self.profile
        cal = self.calendar
        grading = self.effective_grading(exam_date, thesis=thesis, extended_to=grading_extended_to)
        publication = self.publication(exam_date, thesis=thesis, grading_extended_to=grading_extended_to)
        return {
            "course_approval": exam_date - timedelta(days=p.course_approval_days_before),
            "commission_form": self.commission_form(exam_date),
            "withdrawal": self.withdrawal(exam_date),
            "obligatory_activities": cal.add_working_days(
                exam_date, -p.obligatory_activities_working_days_before
            ),
            "paper_delivery": self.paper_delivery(exam_date),
            "rooms_assigned": exam_date - timedelta(days=p.rooms_assigned_days_before),
            "attendance_registration": cal.add_working_days(
                exam_date, p.attendance_registration_working_days_after
            ),
            "valid_absence_documentation": self.valid_absence_documentation(exam_date),
            "grading": grading,
            "scripts_returned": grading,  # white originals back with the signed protocol
            "publication": publication,
            "guidelines_published": publication,  # to the candidates on the day grades are published
        }

    # --- after publication ------------------------------------------------
    def explanation_request(self, published_on: date, *, oral_or_practical: bool = False) -> date:
        """Oral and practical performances: the request must come at once."""
        if oral_or_practical:
            return self.calendar.roll_forward(published_on)
        return self.after(published_on, self.profile.explanation_request_days_after_publication)

    def explanation_given(self, requested_on: date) -> date:
        return self.after(requested_on, self.profile.explanation_given_days_after_request)

    def appeal(self, published_on: date, explanation_received_on: date | None = None) -> date:
        """Three weeks after publication, or after the explanation was received
        when one was asked for (whichever is later)."""
        deadline = self.after(published_on, self.profile.appeal_days_after)
        if explanation_received_on is not None:
            deadline = max(deadline, self.after(explanation_received_on, self.profile.appeal_days_after))
        return deadline

    def appeal_send(self, published_on: date) -> date:
        return self.after(published_on, self.profile.appeal_send_days_after_publication)

    def appeal_grading(self, sent_on: date) -> date:
        return self.after(sent_on, self.profile.appeal_grading_days_after_sent)

    def publication_deadlines(self, published_on: date, *, oral_or_practical: bool = False) -> dict[str, date]:
        return {
            "explanation_request": self.explanation_request(published_on, oral_or_practical=oral_or_practical),
            "appeal": self.appeal(published_on),
            "appeal_send": self.appeal_send(published_on),
        }


# A deadline's state in words (the dashboard never shows a tick for a passed date).
DONE, NOT_DONE, OVERDUE = "utført", "ikke utført", "forsinket"


def deadline_words(due: date, today: date, done: bool) -> str:
    """«utført», «ikke utført» (due today or later) or «forsinket»."""
    if done:
        return DONE
    return OVERDUE if due < today else NOT_DONE


def working_days_text(count: int) -> str:
    """«1 virkedag», «3 virkedager»."""
    return f"{count} virkedag" if count == 1 else f"{count} virkedager"


def _spans_christmas(start: date, end: date) -> bool:
    for year in range(start.year, end.year + 1):
        if start < date(year, 12, 25) <= end:
            return True
    return False
