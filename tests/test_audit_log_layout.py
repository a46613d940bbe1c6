"""«Who changed this?» answered at 80×24, 120×30 and 150×40: the filter
fields are wide enough to read, the list shows who, when, what and old →
new, and the line under the list gives the highlighted change whole
(exam, candidate, student, reason)."""
from __future__ import annotations

from datetime import date

import pytest

from eksamen_tui.app import EksamenApp
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.services.attendance import set_state
from tests.factories import add_exam, as_clerk
from tests.screen_text import screen_text, settle

SIZES = [(80, 24), (120, 30), (150, 40)]
REASON = "legeattest levert i skranken, gjelder hele eksamensdagen"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_who_changed_this_fits(ctx, size):
    exam = add_exam(ctx, code="TMA4100", exam_date=date(2026, 11, 12), candidates=3, first_candidate=6153)
    set_state(as_clerk(ctx, "kari"), exam.id, 6153, AttendanceState.VALID_ABSENCE, reason=REASON)
    set_state(ctx, exam.id, 6154, AttendanceState.ATTENDED)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("down")  # the older change: kari's
        await settle(app, pilot)
        text = screen_text(app)
        assert "2 endringer" in text
        for placeholder in ("Emnekode", "Kand.nr", "Student", "Saksbehandler", "Fra dato", "Til dato", "Alle typer"):
            assert placeholder in text, placeholder
        row = next(line for line in text.splitlines() if "6153" in line and "kari" in line)
        assert "oppmeldt → gyldig fravær" in row
        detail = text[text.index("10:00 kari"):]
        assert "TMA4100 12.11.2026 · kand. 6153" in detail
        assert f"årsak: {REASON}" in " ".join(detail.split())
        assert "Nummer1" in detail  # the student, by name
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=size) as pilot:  # one change: singular
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("slash", "tab", *"6154", "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "kandidat 6154 · 1 endring" in text and "1 endringer" not in text
