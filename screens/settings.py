"""Innstillinger: the institution profile, every deadline offset and the
local closed days. Each change is validated by the service before anything
is written, and audited (who, when, old → new)."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.base import REFUSED, DeskScreen
from screens.footer import DeskFooter

CLOSED_DAYS_ROW = "local_closed_days"


class SettingsScreen(DeskScreen):
    TITLE = "Innstillinger"
    HELP = ("Institusjonens innstillinger: profil (NTNU, NHH, NMBU), alle frister og de lokale fridagene. "
            "Enter endrer verdien under markøren, P velger profil, R setter verdien tilbake til profilens, "
            "A legger til og D fjerner en lokal fridag. Hver endring står i revisjonssporet.")
    DEFAULT_CSS = """
    SettingsScreen #profile-line { height: 1; padding: 0 1; text-style: bold; }
    SettingsScreen #settings { height: 1fr; }
    SettingsScreen #key-line { height: 1; padding: 0 1; color: $text-muted; }
    SettingsScreen #message { height: auto; min-height: 1; padding: 0 1; }
    """
    BINDINGS = [
        Binding("enter", "edit", "Endre", id="settings.edit", tooltip="Endre verdien under markøren"),
        Binding("p", "profile", "Profil", id="settings.profile", tooltip="Velg institusjonsprofil"),
        Binding("r", "reset", "Profilens verdi", id="settings.reset",
                tooltip="Sett verdien under markøren tilbake til profilens"),
        Binding("a", "add_day", "Ny fridag", id="settings.add_day", tooltip="Legg til en lokal fridag"),
        Binding("d", "remove_day", "Fjern fridag", id="settings.remove_day", tooltip="Fjern en lokal fridag"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.settings = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="profile-line")
        table = DataTable(id="settings", cursor_type="row", zebra_stripes=True)
        table.add_columns("Innstilling", "Verdi", "Profilens verdi", "Nøkkel")
        yield table
        # the whole key of the highlighted row, which a narrow Nøkkel column may cut
        yield Static("", id="key-line")
        yield Static("", id="message")
        yield DeskFooter()

    def on_ready(self) -> None:
        from eksamen_tui.services.settings import institution_settings

        self._show(self._call(institution_settings, self.ctx))

    # --- showing ----------------------------------------------------------
    def _show(self, settings) -> bool:
        if settings is REFUSED or settings is None:
            return False
        self.settings = settings
        self.query_one("#profile-line", Static).update(f"Profil: {settings.title} ({settings.profile})")
        table = self.query_one("#settings", DataTable)
        row = table.cursor_row
        table.clear()
        for line in settings.lines:
            value = Text(line.shown, style="bold" if line.changed else "")
            default = _shown(line.default) if line.changed else ""
            table.add_row(line.label, value, default, line.key, key=line.key)
        days = ", ".join(settings.closed_days) or "ingen"
        default_days = "" if settings.closed_days == settings.default_closed_days else \
            (", ".join(settings.default_closed_days) or "ingen")
        table.add_row("Lokale fridager (MM-DD, ÅÅÅÅ-MM-DD)", Text(days, style="bold" if default_days else ""),
                      default_days, CLOSED_DAYS_ROW, key=CLOSED_DAYS_ROW)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on the list (the table has the focus and takes Enter itself)."""
        event.stop()
        self.action_edit()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        self.query_one("#key-line", Static).update(
            f"Nøkkel: {key}  (eksamen-tui settings set {key} VERDI)" if key and key != CLOSED_DAYS_ROW
            else f"Nøkkel: {key}  (eksamen-tui settings closed-day add|remove DAG)" if key else "")

    def _current_key(self) -> str | None:
        table = self.query_one("#settings", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _saved(self, settings, what: str) -> None:
        if settings is not None and self._show(settings):
            self._say(f"Lagret: {what}. Endringen står i revisjonssporet.")

    # --- actions ----------------------------------------------------------
    def action_edit(self) -> None:
        if not self.ready or self.settings is None:
            return
        key = self._current_key()
        if key is None:
            return
        if key == CLOSED_DAYS_ROW:
            self.action_add_day()
            return
        from eksamen_tui.services.settings import set_value
        from screens.dialogs import FormDialog, FormField

        line = self.settings.line(key)
        if line.is_flag:
            field = FormField("value", line.label, options=[("ja", "ja"), ("nei", "nei")],
                              value="ja" if line.value else "nei", required=True)
        else:
            field = FormField("value", line.label, value="" if line.value is None else str(line.value),
                              placeholder="et heltall" + (" (tom: ingen egen regel)" if line.optional else ""),
                              required=not line.optional)
        dialog = FormDialog(f"Endre innstilling: {key}", [field], lambda values: set_value(self.ctx, key, values["value"]),
                            text=f"Profilens verdi: {_shown(line.default)}")
        self.app.push_screen(dialog, lambda settings: self._saved(settings, line.label))

    def action_profile(self) -> None:
        if not self.ready or self.settings is None:
            return
        from eksamen_tui.services.settings import profile_choices, set_profile
        from screens.dialogs import FormDialog, FormField

        field = FormField("profile", "Profil", options=[(title, name) for name, title in profile_choices()],
                          value=self.settings.profile, required=True)
        dialog = FormDialog("Velg institusjonsprofil", [field], lambda values: set_profile(self.ctx, values["profile"]),
                            text="Kontorets egne endringer av frister og fridager beholdes.")
        self.app.push_screen(dialog, lambda settings: self._saved(settings, "profil"))

    def action_reset(self) -> None:
        if not self.ready or self.settings is None:
            return
        key = self._current_key()
        if key is None:
            return
        from eksamen_tui.services.settings import reset_value

        self._saved(self._call(reset_value, self.ctx, key), f"{key} tilbake til profilens verdi")

    def action_add_day(self) -> None:
        if not self.ready or self.settings is None:
            return
        from eksamen_tui.services.settings import add_closed_day
        from screens.dialogs import FormDialog, FormField

        field = FormField("day", "Lokal fridag", placeholder="MM-DD, ÅÅÅÅ-MM-DD, DD.MM eller holy_saturday",
                          required=True)
        dialog = FormDialog("Ny lokal fridag", [field], lambda values: add_closed_day(self.ctx, values["day"]),
                            text="MM-DD gjelder hvert år; ÅÅÅÅ-MM-DD én dag.")
        self.app.push_screen(dialog, lambda settings: self._saved(settings, "lokale fridager"))

    def action_remove_day(self) -> None:
        if not self.ready or self.settings is None:
            return
        if not self.settings.closed_days:
            self._say("Det er ingen lokale fridager å fjerne", error=True)
            return
        from eksamen_tui.services.settings import remove_closed_day
        from screens.dialogs import FormDialog, FormField

        field = FormField("day", "Fridag som skal fjernes", options=[(day, day) for day in self.settings.closed_days],
                          required=True)
        dialog = FormDialog("Fjern lokal fridag", [field], lambda values: remove_closed_day(self.ctx, values["day"]))
        self.app.push_screen(dialog, lambda settings: self._saved(settings, "lokale fridager"))


def _shown(value) -> str:
    from eksamen_tui.services.settings import show_value

    return show_value(value)
