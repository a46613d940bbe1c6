"""Institution profiles: every deadline offset and rule an institution can
choose, with defaults taken from the seeds (NTNU, NHH, NMBU pages)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from eksamen_tui.domain.errors import ValidationError


# Every number in a profile counts days, working days, months or attempts:
# more than a year of any of them is a typo, and would run dates off the calendar.
MAX_SETTING = 366

# Settings that may also be None ("no rule of its own").
OPTIONAL_SETTINGS = frozenset({"publication_days_after"})


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    # Before the exam
    paper_delivery_working_days_before: int = 5
    obligatory_activities_working_days_before: int = 7
    course_approval_days_before: int = 21
    commission_form_days_before: int = 14
    withdrawal_days_before: int = 14
    rooms_assigned_days_before: int = 3
    # After the exam
    attendance_registration_working_days_after: int = 2
    valid_absence_documentation_working_days_after: int = 5
    grading_days_after: int = 21
    grading_roll_backward: bool = False  # NHH: "tidligere hvis helligdager"
    grading_add_movable_holidays: bool = False  # NTNU
    grading_christmas_extra_days: int = 0  # NTNU: 10
    thesis_grading_months: int = 3
    # None: no publication rule of its own; grades are due for publication on
    # the grading deadline. Never before the grading deadline either way.
    publication_days_after: int | None = None
    # After publication
    explanation_request_days_after_publication: int = 7
    explanation_given_days_after_request: int = 14
    appeal_days_after: int = 21
    appeal_send_days_after_publication: int = 42
    appeal_grading_days_after_sent: int = 20
    # Other rules
    max_attempts: int = 3
    control_by_other_clerk: bool = True  # four eyes: the control of a grade is not by its first entry's clerk
    ordinary_commission_requires_external: bool = False
    paper_copies_margin: int = 5
    student_number_length: int = 6  # shorter ones in an import get a warning (a lost leading zero?)
    local_closed_days: tuple[str, ...] = ("12-24", "12-31")

    def with_overrides(self, overrides: dict[str, Any]) -> "Profile":
        """A copy with settings changed; unknown keys or wrong types raise."""
        known = {f.name: f for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in known or key in ("name", "title"):
                raise ValidationError(f"Ukjent innstilling «{key}»", field=key)
            current = getattr(self, key)
            if key in OPTIONAL_SETTINGS and value is None:
                clean[key] = None
                continue
            if key in OPTIONAL_SETTINGS:
                current = 0  # an integer when set
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValidationError(f"Innstillingen «{key}» må være sann/usann", field=key)
            elif isinstance(current, int):
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SETTING:
                    raise ValidationError(f"Innstillingen «{key}» må være et heltall fra 0 til {MAX_SETTING}",
                                          field=key)
            elif isinstance(current, tuple):
                if isinstance(value, str) or not isinstance(value, (list, tuple)):
                    raise ValidationError(f"Innstillingen «{key}» må være en liste", field=key)
                value = tuple(str(v) for v in value)
            clean[key] = value
        return replace(self, **clean)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


PROFILES: dict[str, Profile] = {
    "ntnu": Profile(
        name="ntnu",
        title="NTNU",
        paper_delivery_working_days_before=5,
        grading_add_movable_holidays=True,
        grading_christmas_extra_days=10,
    ),
    "nhh": Profile(
        name="nhh",
        title="NHH",
        paper_delivery_working_days_before=7,
        grading_days_after=20,
        grading_roll_backward=True,
        publication_days_after=21,
        ordinary_commission_requires_external=False,
    ),
    "nmbu": Profile(
        name="nmbu",
        title="NMBU",
        paper_delivery_working_days_before=5,
    ),
}

DEFAULT_PROFILE = "ntnu"


def get_profile(name: str, overrides: dict[str, Any] | None = None) -> Profile:
    try:
        profile = PROFILES[name.strip().casefold()]
    except KeyError:
        raise ValidationError(
            f"Ukjent profil «{name}» (velg {', '.join(PROFILES)})", field="profile"
        ) from None
    return profile.with_overrides(overrides) if overrides else profile
