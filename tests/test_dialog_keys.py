"""Dialogs as keyed forms (#12 item 8): Esc leaves a field first and the
form only at the second Esc; Enter goes back to the field left; each field
has its shortcut in its label; a refusal stands beside the field and
nothing changes. The candidate import (i on the dashboard) and the
commission-form import (i on F7)."""
from datetime import date

from sqlmodel import func, select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import AuditEntry, Commission, Registration
from tests.factories import add_exam, write_candidate_sheet
from tests.screen_text import screen_text, settle


def counts(ctx) -> tuple[int, int, int]:
    with ctx.read() as s:
        return tuple(s.exec(select(func.count()).select_from(model)).one()
                     for model in (Registration, Commission, AuditEntry))


async def test_esc_leaves_the_field_then_the_form_on_f7_import(ctx, tmp_path):
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10))
    before = counts(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "PromptDialog"
        assert "Sti (Alt+S)" in screen_text(app)  # the field's shortcut in its label
        field = dialog.query_one("#field-answer")
        assert dialog.focused is field
        field.value = ""
        await pilot.press("enter")  # the last (only) field: Enter submits, refused beside the field
        await settle(app, pilot)
        assert app.screen is dialog and "Skriv stien til en fil eller en mappe" in screen_text(app)
        await pilot.press(*"/finnes/ikke", "enter")
        await settle(app, pilot)
        assert app.screen is dialog and "Finner ikke /finnes/ikke" in screen_text(app)
        assert str(dialog.query_one("#error-answer").render()).startswith("Finner ikke")  # beside the field
        await pilot.press("escape")  # out of the field; the form stays
        await pilot.pause()
        assert app.screen is dialog and dialog.focused is None
        assert "Esc igjen lukker skjemaet" in screen_text(app)
        await pilot.press("x")  # typed with no field focused: reaches neither the field nor the desk
        await pilot.press("enter")  # back to the field left
        await pilot.pause()
        assert dialog.focused is field and field.value == "/finnes/ikke"
        await pilot.press("escape", "escape")  # out of the field, out of the form
        await pilot.pause()
        assert type(app.screen).__name__ == "CommissionsScreen"
        await pilot.press("i")  # Alt+letter jumps back to a field after leaving it
        await settle(app, pilot)
        await pilot.press("escape", "alt+s")
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#field-answer")
    assert counts(ctx) == before


async def test_candidate_import_is_a_keyed_form(ctx, tmp_path):
    exam = add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10))
    bad = write_candidate_sheet(tmp_path / "bad.xlsx", [["TDT4100", "10.12.2026", "700001", 201, "Kari", "bokmål"],
                                       ["TDT4100", "10.12.2026", "700002", 201, "Ola", "bokmål"]])
    good = write_candidate_sheet(tmp_path / "good.xlsx", [["TDT4100", "10.12.2026", "700001", 201, "Kari", "bokmål"]])
    before = counts(ctx)
    app = EksamenApp(ctx=ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "CandidateImportScreen"
        assert "Fil (Alt+F)" in screen_text(app)
        field = dialog.query_one("#import-path")
        error = dialog.query_one("#error-path")
        await pilot.press("enter")  # nothing typed: refused beside the field
        await settle(app, pilot)
        assert "Skriv stien til kandidatlisten" in str(error.render())
        # (one path is typed key by key below; the others are set: each typed
        # key waits for the app to go idle, ~80 keys a path)
        field.value = str(tmp_path / "mangler.xlsx")
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(error.render()).startswith("Finner ikke filen")
        await pilot.press("ctrl+r")  # nothing previewed: nothing imported, and it says why
        await settle(app, pilot)
        assert app.screen is dialog and "Forhåndsvis en feilfri fil først" in str(error.render())
        field.value = ""
        await pilot.press(*bad, "enter")
        await settle(app, pilot)
        assert "1 feil i filen – ingenting blir importert" in str(error.render())
        assert "rad 3, kolonne D" in screen_text(app)
        assert counts(ctx) == before
        await pilot.press("escape")  # out of the field, the form stays
        await pilot.pause()
        assert app.screen is dialog and dialog.focused is None
        await pilot.press("alt+f")  # the shortcut in the label goes back
        await pilot.pause()
        assert dialog.focused is field
        field.value = str(good)
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(error.render()) == "" and "1 nye" in screen_text(app)
        assert dialog.focused is dialog.query_one("#import-commit")  # the next (last) step: Enter imports
        await pilot.press("escape")  # not in a field: Esc closes, nothing imported
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        assert counts(ctx) == before
        await pilot.press("i")
        await settle(app, pilot)
        await pilot.press(*good, "enter")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
    with ctx.read() as s:
        assert s.exec(select(Registration.candidate_number).where(Registration.exam_id == exam.id)).all() == [201]


async def test_a_burst_of_keys_fills_each_form_field_it_was_typed_for():
    """The shared FormDialog: keys that arrive together (a scanner, a fast
    typist ahead of a busy app) each land in the field they were typed for,
    and Enter in the last field submits what was typed, all of it, once.
    Alt+K
    arrives as the terminal sends it (ESC k: the key «alt+k» with the
    character «k»), and is no text in the name."""
    from textual import events
    from textual.app import App

    from screens.dialogs import FormDialog, FormField

    results = []

    class Host(App):
        def on_mount(self) -> None:
            fields = [FormField("name", "Navn", "n"), FormField("copies", "Kopier", "k"),
                      FormField("remark", "Merknad", "m")]
            self.push_screen(FormDialog("Skjema", fields, lambda values: values), results.append)

    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        # (Enter three times: the form is submitted once, and the dialog closed once)
        burst = [*"Kari", ("alt+k", "k"), *"30", ("alt+m", "m"), *"ok", "enter", "enter", "enter"]
        for key in burst:
            key, character = key if isinstance(key, tuple) else (key, key)
            app.post_message(events.Key(key, character))
        await settle(app, pilot)
    assert results == [{"name": "Kari", "copies": "30", "remark": "ok"}]
