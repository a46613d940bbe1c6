"""Institution settings: profile, every deadline offset and the local
closed days, validated before anything is written, every change audited,
from the service and from `eksamen-tui settings`."""
import json
import subprocess
import sys
from datetime import date

import pytest

from eksamen_tui.domain.errors import ValidationError
from eksamen_tui.domain.profiles import Profile
from eksamen_tui.services import audit
from eksamen_tui.services import settings as svc
from eksamen_tui.services.context import open_context
from tests.backend import db_arg


def _trail(ctx):
    with ctx.read() as s:
        return [(e.field, e.old_value, e.new_value, e.clerk) for e in audit.history(s, "setting", 0)]


def test_every_offset_of_a_profile_has_a_label():
    editable = {name for name in Profile.__dataclass_fields__} - {"name", "title", "local_closed_days"}
    assert set(svc.SETTING_LABELS) == editable


def test_profile_offsets_and_closed_days_are_saved_audited_and_used(ctx, tmp_path):
    shown = svc.institution_settings(ctx)
    assert shown.profile == "ntnu" and shown.closed_days == ("12-24", "12-31")
    assert not any(line.changed for line in shown.lines)
    after = svc.set_profile(ctx, " NHH ")
    assert after.profile == "nhh" and ctx.rules.profile.name == "nhh"
    assert after.line("paper_delivery_working_days_before").value == 7
    svc.set_value(ctx, "grading_days_after", "25")
    svc.set_value(ctx, "grading_roll_backward", "nei")
    after = svc.add_closed_day(ctx, "27.12")
    assert after.closed_days == ("12-24", "12-27", "12-31")
    assert after.line("grading_days_after").changed and after.line("grading_days_after").default == 20
    assert ctx.rules.grading(date(2026, 12, 10)) == date(2027, 1, 4)
    trail = _trail(ctx)
    assert ("profile", "ntnu", "nhh", "testbruker") in trail
    assert ("grading_days_after", "20", "25", "testbruker") in trail
    assert ("grading_roll_backward", "ja", "nei", "testbruker") in trail
    assert ("local_closed_days", "12-24, 12-31", "12-24, 12-27, 12-31", "testbruker") in trail
    # a new context on the same database sees the same rules
    again = open_context(db_arg(ctx), clerk="x")
    assert again.rules.profile.grading_days_after == 25 and "12-27" in again.rules.profile.local_closed_days
    assert again.rules.grading(date(2026, 12, 10)) == date(2027, 1, 4)
    assert after.line("publication_days_after").value == 21  # NHH's own rule; NTNU has none
    line = svc.set_value(ctx, "publication_days_after", " ingen ").line("publication_days_after")
    assert line.value is None and line.shown == "–" and line.changed
    assert svc.set_value(ctx, "publication_days_after", "14").line("publication_days_after").value == 14
    svc.set_value(ctx, "control_by_other_clerk", "nei")
    assert ctx.rules.profile.control_by_other_clerk is False
    svc.reset_value(ctx, "grading_days_after")
    svc.remove_closed_day(ctx, "12-27")
    after = svc.institution_settings(ctx)
    assert after.line("grading_days_after").value == 20 and after.closed_days == ("12-24", "12-31")


@pytest.mark.parametrize("call, words", [
    (lambda ctx: svc.set_profile(ctx, "uio"), "Ukjent profil"),
    (lambda ctx: svc.set_value(ctx, "grading_days_aftr", "3"), "mente du grading_days_after"),
    (lambda ctx: svc.set_value(ctx, "grading_days_after", "-3"), "bare sifrene"),
    (lambda ctx: svc.set_value(ctx, "grading_days_after", "367"), "367 er ikke mulig"),
    (lambda ctx: svc.set_value(ctx, "grading_days_after", "9" * 30), "for mange sifre"),
    (lambda ctx: svc.set_value(ctx, "grading_days_after", "²"), "bare sifrene"),
    (lambda ctx: svc.set_value(ctx, "max_attempts", "0"), "ikke mulig"),
    (lambda ctx: svc.set_value(ctx, "grading_roll_backward", "kanskje"), "ja eller nei"),
    (lambda ctx: svc.set_value(ctx, "name", "x"), "ukjent innstilling"),
    (lambda ctx: svc.add_closed_day(ctx, "31.02"), "Ugyldig lokal fridag"),
    (lambda ctx: svc.add_closed_day(ctx, "12-24"), "allerede"),
    (lambda ctx: svc.add_closed_day(ctx, "0001-01-01"), "lokale fridagen"),
    (lambda ctx: svc.add_closed_day(ctx, ""), "Ugyldig lokal fridag"),
    (lambda ctx: svc.remove_closed_day(ctx, "05-17"), "ikke en lokal fridag"),
])
def test_bad_settings_are_refused_in_words_and_change_nothing(ctx, call, words):
    before = svc.institution_settings(ctx)
    with pytest.raises(ValidationError) as caught:
        call(ctx)
    assert words in str(caught.value)
    assert svc.institution_settings(ctx) == before and _trail(ctx) == []
    assert ctx.rules.profile.name == "ntnu"


def run(*args):
    return subprocess.run([sys.executable, "-m", "eksamen_tui", *args], capture_output=True, text=True)


@pytest.mark.slow("nine CLI processes, each starting Python and the app")
def test_settings_command_shows_and_sets(tmp_path):
    db = str(tmp_path / "s.db")
    out = run("--db", db, "settings", "--json")
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert shown["profile"] == "ntnu" and shown["settings"]["grading_days_after"] == 21
    out = run("--db", db, "--clerk", "kari", "settings", "profile", "nmbu")
    assert out.returncode == 0 and "Profil: nmbu (NMBU)" in out.stdout
    out = run("--db", db, "settings", "set", "appeal_days_after", "28")
    assert out.returncode == 0 and "(profilen: 21)" in out.stdout
    out = run("--db", db, "settings", "closed-day", "add", "2026-12-28")
    assert out.returncode == 0 and "2026-12-28" in out.stdout
    out = run("--db", db, "deadlines", "--published", "2027-01-04", "--json")
    assert json.loads(out.stdout)["appeal"] == "2027-02-01"  # the database's own settings
    out = run("--db", db, "settings", "set", "appeal_days_after", "x")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "bare sifrene" in out.stderr
    out = run("--db", db, "settings", "closed-day", "move", "12-24")
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    shown = json.loads(run("--db", db, "settings", "--json").stdout)
    assert shown["profile"] == "nmbu" and shown["settings"]["appeal_days_after"] == 28
    assert shown["local_closed_days"] == ["12-24", "12-31", "2026-12-28"]
