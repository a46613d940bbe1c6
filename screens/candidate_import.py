"""Candidate-list import from the app: a path, a preview of what will
change (or every error with its row and column), then commit."""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Static

from screens.base import REFUSED, ReportsWorkerFailures, call_service
from screens.dialogs import LeavesFieldFirst


class CandidateImportScreen(LeavesFieldFirst, ReportsWorkerFailures, ModalScreen[int]):
    """Dismisses with the number of registrations imported (0 if cancelled).
    A keyed form: Alt+F goes to the file field, Enter there previews (a
    refusal stands beside the field, nothing is changed), then «Importer»
    has the focus and Enter (or Ctrl+R) imports; Esc leaves the field, a
    second Esc closes."""

    TITLE = "Importer kandidatliste"
    HELP = """
Skriv stien til en kandidatliste (.xlsx eller .csv fra FS) i feltet «Fil»
(Alt+F) og trykk Enter for å forhåndsvise. Importen er alt-eller-ingenting: har
filen én feil, vises alle feilene med rad og kolonne, og ingenting lagres.
Etter en feilfri forhåndsvisning har «Importer» fokus: Enter (eller Ctrl+R)
lagrer. Esc går ut av feltet, Esc igjen lukker.
"""
    DEFAULT_CSS = """
    CandidateImportScreen { align: center middle; }
    CandidateImportScreen > Vertical {
        width: 110; max-width: 96%; height: 34; max-height: 95%;
        border: thick $accent; background: $panel; padding: 1 2;
    }
    #import-preview { height: 1fr; border: round $primary; padding: 0 1; }
    #import-progress { margin: 1 0 0 0; }
    #import-commit { margin: 1 0 0 0; }
    #error-path { color: $error; text-style: bold; height: auto; }
    #form-hint { color: $text-muted; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Avbryt", id="import.cancel",
                tooltip="Ut av feltet; Esc igjen lukker uten å importere"),
        Binding("ctrl+r", "commit", "Importer", id="import.commit", tooltip="Importer etter en feilfri forhåndsvisning"),
        Binding("alt+f", "focus_path", "Fil", id="import.path", show=False, tooltip="Gå til feltet «Fil»"),
    ]

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self._initial = path
        self._plan = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Importer kandidatliste (.xlsx / .csv)", style="bold"))
            yield Label("Fil (Alt+F)", classes="field-label")
            yield Input(value=self._initial, placeholder="Sti til filen, f.eks. data/samples/kandidatliste_eksempel.xlsx",
                        id="import-path")
            yield Static("", id="error-path")
            yield Static("", id="form-hint")
            yield ProgressBar(total=100, show_eta=False, id="import-progress")
            with VerticalScroll(id="import-preview"):
                yield Static("Skriv stien og trykk Enter for forhåndsvisning.", id="import-preview-text")
            yield Button("Importer", id="import-commit", variant="primary", disabled=True)

    def _fields_widgets(self) -> list:
        return [self.query_one("#import-path", Input)]

    def on_key(self, event) -> None:
        self.back_to_field(event)

    def action_focus_path(self) -> None:
        self.set_focus(self.query_one("#import-path", Input))  # now: the next key typed goes there

    def _field_error(self, message: str) -> None:
        self.query_one("#error-path", Static).update(message)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self._plan = None
        self.query_one("#import-commit", Button).disabled = True
        if not text:
            self._field_error("Skriv stien til kandidatlisten (.xlsx eller .csv)")
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self._field_error(f"Finner ikke filen {path}" if not path.exists() else f"{path} er en mappe, ikke en fil")
            return
        self._field_error("")
        self.query_one("#import-preview-text", Static).update("Leser filen …")
        self.query_one("#import-progress", ProgressBar).update(total=100, progress=0)
        self._preview(path)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _preview(self, path: Path) -> None:
        from eksamen_tui.excel.tabular import FileProblems
        from eksamen_tui.services.candidate_import import plan_import

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self.query_one("#import-progress", ProgressBar).update,
                                      total=max(total, 1), progress=done)

        try:
            plan = plan_import(self.app.ctx, path, progress=progress)
        except FileProblems as problems:
            self.app.call_from_thread(self._show_problems, problems.problems)
            return
        self.app.call_from_thread(self._show_plan, plan)

    def _show_problems(self, problems) -> None:
        self._field_error(f"{len(problems)} feil i filen – ingenting blir importert (se under)")
        text = Text(f"{len(problems)} feil – ingenting blir importert:\n", style="bold red")
        for problem in problems[:200]:
            text.append(f"• {problem}\n")
        if len(problems) > 200:
            text.append(f"… og {len(problems) - 200} til\n")
        self.query_one("#import-preview-text", Static).update(text)
        self.query_one("#import-path", Input).focus()

    def _show_plan(self, plan) -> None:
        self._plan = plan
        text = Text(f"{plan.file}: {plan.rows_read} rader lest\n", style="bold")
        for summary in plan.per_exam.values():
            text.append(f"  {summary.label}: {summary.new} nye, {summary.unchanged} fantes fra før\n")
        text.append(f"Nye studenter: {len(plan.new_students)}\n")
        for row in plan.new_registrations[:8]:
            text.append(f"  rad {row.row}: kand. {row.candidate_number}  {row.student_number}  {row.name}  ({row.language_form})\n")
        for warning in plan.warnings[:20]:
            text.append(f"Advarsel: {warning}\n", style="yellow")
        button = self.query_one("#import-commit", Button)
        if plan.new_registrations:
            text.append("\nTrykk Enter på «Importer» (eller Ctrl+R) for å lagre.", style="bold")
            button.disabled = False
            button.focus()
        else:
            text.append("\nIngenting nytt å importere.")
        self.query_one("#import-preview-text", Static).update(text)

    def _say(self, message: str, *, error: bool = False) -> None:
        """The dialog's message line is its preview pane."""
        self.query_one("#import-preview-text", Static).update(Text(message, style="bold red" if error else ""))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import-commit":
            self.action_commit()

    def action_commit(self) -> None:
        if self._plan is None or not self._plan.new_registrations:
            self._field_error("Forhåndsvis en feilfri fil først (Enter i feltet «Fil»)")
            return
        from eksamen_tui.services.candidate_import import apply_import

        result = call_service(self, apply_import, self.app.ctx, self._plan)
        if result is REFUSED:
            return
        self.app.notify(f"Importert {result.registrations} oppmeldinger ({result.students} nye studenter)")
        self.dismiss(result.registrations)

    def action_cancel(self) -> None:
        self.leave_field_or_close(lambda: self.dismiss(0))
