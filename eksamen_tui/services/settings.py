"""The institution's settings: profile, deadline offsets and local closed
days, shown as a table of deadlines too. No Textual, no printing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from eksamen_tui.domain.deadlines import EXAM_DEADLINE_LABELS, PUBLICATION_DEADLINE_LABELS, Rules

if TYPE_CHECKING:
    from eksamen_tui.services.context import Context


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


# --- the institution's settings ---------------------------------------------------

# Bokmål labels for every setting an office may change, in the profile's order.
SETTING_LABELS: dict[str, str] = {
    "paper_delivery_working_days_before": "Eksamensoppgave levert (virkedager før eksamen)",
    "obligatory_activities_working_days_before": "Obligatoriske aktiviteter registrert (virkedager før)",
    "course_approval_days_before": "Kursgodkjenningslister (dager før)",
    "commission_form_days_before": "Kommisjonsskjema (dager før)",
    "withdrawal_days_before": "Trekkfrist (dager før)",
    "rooms_assigned_days_before": "Romfordeling (dager før)",
    "attendance_registration_working_days_after": "Oppmøte registrert (virkedager etter)",
    "valid_absence_documentation_working_days_after": "Dokumentasjon gyldig fravær (virkedager etter)",
    "grading_days_after": "Sensurfrist (dager etter eksamen)",
    "grading_roll_backward": "Sensurfrist flyttes til virkedagen før (ja/nei)",
    "grading_add_movable_holidays": "Bevegelige helligdager legges til sensurfristen (ja/nei)",
    "grading_christmas_extra_days": "Ekstra sensurdager over jul",
    "thesis_grading_months": "Sensurfrist for masteroppgave (måneder)",
    "publication_days_after": "Kunngjøring av sensur (dager etter eksamen; tom: på sensurfristen)",
    "explanation_request_days_after_publication": "Be om begrunnelse (dager etter kunngjøring)",
    "explanation_given_days_after_request": "Begrunnelse gitt (dager etter forespørsel)",
    "appeal_days_after": "Klagefrist (dager etter kunngjøring)",
    "appeal_send_days_after_publication": "Klager sendt klagekommisjon (dager etter kunngjøring)",
    "appeal_grading_days_after_sent": "Klagesensur (dager etter sendt)",
    "max_attempts": "Største antall forsøk",
    "control_by_other_clerk": "Kontroll av en karakter gjøres av en annen saksbehandler (ja/nei)",
    "ordinary_commission_requires_external": "Ordinær kommisjon krever ekstern sensor (ja/nei)",
    "paper_copies_margin": "Ekstra papirkopier av oppgaven",
    "student_number_length": "Sifre i et studentnummer",
}
CLOSED_DAYS_KEY = "local_closed_days"
SETTINGS_ENTITY = "setting"  # audit rows: entity "setting", entity_id 0, field = the setting's key
TRUE_WORDS = {"ja", "j", "sann", "true", "1", "yes", "på"}
FALSE_WORDS = {"nei", "n", "usann", "false", "0", "no", "av"}
NONE_WORDS = {"", "ingen", "-", "–", "tom"}  # an optional setting without a value of its own


@dataclass(frozen=True)
class SettingLine:
    key: str
    label: str
    value: int | bool | None
    default: int | bool | None  # the chosen profile's own value
    is_flag: bool
    optional: bool = False  # may be empty (None)

    @property
    def changed(self) -> bool:
        return self.value != self.default

    @property
    def shown(self) -> str:
        return show_value(self.value)


@dataclass(frozen=True)
class InstitutionSettings:
    profile: str
    title: str
    lines: list[SettingLine]
    closed_days: tuple[str, ...]
    default_closed_days: tuple[str, ...]

    def line(self, key: str) -> SettingLine:
        return next(line for line in self.lines if line.key == key)


def show_value(value: int | bool | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    return str(value)


def profile_choices() -> list[tuple[str, str]]:
    """(name, title) of every profile an office can choose."""
    from eksamen_tui.domain.profiles import PROFILES

    return [(name, profile.title) for name, profile in PROFILES.items()]


def institution_settings(ctx: Context) -> InstitutionSettings:
    """What the database holds: the profile, every offset and the closed days."""
    with ctx.read() as s:
        name, overrides = _stored(s)
    return _view(name, overrides)


def set_profile(ctx: Context, name: str) -> InstitutionSettings:
    """Choose the institution profile; the office's own changes are kept."""
    from eksamen_tui.domain.profiles import get_profile

    wanted = str(name or "").strip().casefold()
    get_profile(wanted)  # ValidationError naming the choices
    return _change(ctx, lambda current, overrides: (wanted, overrides), "profile")


def set_value(ctx: Context, key: str, text: object) -> InstitutionSettings:
    """Set one offset or rule from typed text (a number, or ja/nei)."""
    key = _known_key(key)

    def change(name, overrides):
        return name, {**overrides, key: _parse_value(key, text)}

    return _change(ctx, change, key)


def reset_value(ctx: Context, key: str) -> InstitutionSettings:
    """Back to the profile's own value."""
    key = key.strip() if isinstance(key, str) else key
    if key != CLOSED_DAYS_KEY:
        key = _known_key(key)
    return _change(ctx, lambda name, overrides: (name, {k: v for k, v in overrides.items() if k != key}), key)


def add_closed_day(ctx: Context, text: str) -> InstitutionSettings:
    """A local closed day: MM-DD (every year), ÅÅÅÅ-MM-DD (one day), DD.MM,
    DD.MM.ÅÅÅÅ, or holy_saturday / whit_saturday."""
    entry = normalise_closed_day(text)

    def change(name, overrides):
        days = list(overrides.get(CLOSED_DAYS_KEY, _default_profile(name).local_closed_days))
        if entry in days:
            from eksamen_tui.domain.errors import ValidationError

            raise ValidationError(f"{entry} er allerede en lokal fridag", field=CLOSED_DAYS_KEY)
        return name, {**overrides, CLOSED_DAYS_KEY: sorted(days + [entry])}

    return _change(ctx, change, CLOSED_DAYS_KEY)


def remove_closed_day(ctx: Context, text: str) -> InstitutionSettings:
    entry = normalise_closed_day(text)

    def change(name, overrides):
        days = list(overrides.get(CLOSED_DAYS_KEY, _default_profile(name).local_closed_days))
        if entry not in days:
            from eksamen_tui.domain.errors import ValidationError

            raise ValidationError(f"{entry} er ikke en lokal fridag (nå: {', '.join(days) or 'ingen'})",
                                  field=CLOSED_DAYS_KEY)
        days.remove(entry)
        return name, {**overrides, CLOSED_DAYS_KEY: days}

    return _change(ctx, change, CLOSED_DAYS_KEY)


def normalise_closed_day(text: object) -> str:
    """Typed text as the calendar stores it ("24.12" → "12-24"), checked."""
    import re

    from eksamen_tui.domain.calendar import MOVABLE_LOCAL_DAYS, WorkingCalendar
    from eksamen_tui.domain.errors import ValidationError
    from eksamen_tui.domain.parsing import check_date_range, shown

    raw = str(text or "").strip()
    entry = raw.casefold() if raw.casefold() in MOVABLE_LOCAL_DAYS else raw
    if match := re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.?", raw, re.ASCII):
        entry = f"{int(match[2]):02d}-{int(match[1]):02d}"
    elif match := re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", raw, re.ASCII):
        entry = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
    if not entry or len(entry) > 20:
        raise ValidationError(f"Ugyldig lokal fridag «{shown(raw)}»: bruk MM-DD, ÅÅÅÅ-MM-DD, DD.MM eller "
                              + ", ".join(MOVABLE_LOCAL_DAYS), field=CLOSED_DAYS_KEY)
    WorkingCalendar((entry,))  # ValidationError on a malformed entry
    if len(entry) == 10:
        from datetime import date as date_type

        check_date_range(date_type.fromisoformat(entry), what="den lokale fridagen")
    return entry


# --- internals ----------------------------------------------------------------------

def _stored(session) -> tuple[str, dict]:
    import json

    from sqlmodel import select

    from eksamen_tui.db.models import Setting
    from eksamen_tui.domain.profiles import DEFAULT_PROFILE
    from eksamen_tui.services.context import OVERRIDES_KEY, PROFILE_KEY

    values = {row.key: row.value for row in session.exec(
        select(Setting).where(Setting.key.in_([PROFILE_KEY, OVERRIDES_KEY]))).all()}
    name = json.loads(values[PROFILE_KEY]) if PROFILE_KEY in values else DEFAULT_PROFILE
    overrides = json.loads(values[OVERRIDES_KEY]) if OVERRIDES_KEY in values else {}
    return name, overrides


def _default_profile(name: str):
    from eksamen_tui.domain.profiles import get_profile

    return get_profile(name)


def _view(name: str, overrides: dict) -> InstitutionSettings:
    from eksamen_tui.domain.profiles import get_profile

    from eksamen_tui.domain.profiles import OPTIONAL_SETTINGS

    base = get_profile(name)
    profile = base.with_overrides(overrides) if overrides else base
    lines = [SettingLine(key, label, getattr(profile, key), getattr(base, key), isinstance(getattr(base, key), bool),
                         key in OPTIONAL_SETTINGS)
             for key, label in SETTING_LABELS.items()]
    return InstitutionSettings(profile.name, profile.title, lines, tuple(profile.local_closed_days),
                               tuple(base.local_closed_days))


def _known_key(key: object) -> str:
    from eksamen_tui.domain.errors import ValidationError
    from eksamen_tui.domain.parsing import shown

    text = str(key or "").strip()
    if text not in SETTING_LABELS:
        import difflib

        close = difflib.get_close_matches(text, list(SETTING_LABELS), n=1)
        hint = f"; mente du {close[0]}?" if close else " (se `eksamen-tui settings`)"
        raise ValidationError(f"ukjent innstilling «{shown(text)}»{hint}", field="key")
    return text


def _parse_value(key: str, text: object) -> int | bool | None:
    from eksamen_tui.domain.errors import ValidationError
    from eksamen_tui.domain.parsing import parse_number, shown
    from eksamen_tui.domain.profiles import MAX_SETTING, OPTIONAL_SETTINGS, Profile

    if key in OPTIONAL_SETTINGS and str(text if text is not None else "").strip().casefold() in NONE_WORDS:
        return None
    default = getattr(Profile(name="x", title="x"), key)
    if isinstance(default, bool):
        word = str(text).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(f"{SETTING_LABELS[key]}: «{shown(text)}» – skriv ja eller nei", field=key)
    return parse_number(text, what=SETTING_LABELS[key], max_digits=3, maximum=MAX_SETTING,
                        minimum=1 if key in ("max_attempts", "student_number_length") else 0)


def _change(ctx: Context, change, field: str) -> InstitutionSettings:
    """Apply `change(name, overrides) -> (name, overrides)` in one audited
    write; validated as a whole before anything is written; ctx.rules follows."""
    import json

    from eksamen_tui.db.models import Setting
    from eksamen_tui.domain.profiles import get_profile
    from eksamen_tui.services import audit
    from eksamen_tui.services.context import OVERRIDES_KEY, PROFILE_KEY

    with ctx.write() as s:
        name, overrides = _stored(s)
        new_name, new_overrides = change(name, dict(overrides))
        rules = Rules.for_profile(get_profile(new_name, new_overrides))  # validates every value and closed day
        before, after = _view(name, overrides), _view(new_name, new_overrides)
        for key, value in ((PROFILE_KEY, new_name), (OVERRIDES_KEY, new_overrides)):
            row = s.get(Setting, key) or Setting(key=key)
            row.value = json.dumps(value, sort_keys=True)
            s.add(row)
        for key, old, new in _differences(before, after):
            audit.record(s, ctx, SETTINGS_ENTITY, 0, key, old, new, reason_code="settings")
    ctx.rules = rules
    return after


def _differences(before: InstitutionSettings, after: InstitutionSettings) -> list[tuple[str, str, str]]:
    changes = []
    if before.profile != after.profile:
        changes.append(("profile", before.profile, after.profile))
    for old, new in zip(before.lines, after.lines):
        if old.value != new.value:
            changes.append((old.key, old.shown, new.shown))
    if before.closed_days != after.closed_days:
        changes.append((CLOSED_DAYS_KEY, ", ".join(before.closed_days), ", ".join(after.closed_days)))
    return changes
