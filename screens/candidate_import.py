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


class CandidateImportScreen(ReportsWorkerFailures, ModalScreen[int]):
    """Dismisses with the number of registrations imported (0 if cancelled)."""

    TITLE = "Importer kandidatliste"
    HELP = """
Skriv stien til en kandidatliste (.xlsx eller .csv fra FS) og trykk Enter for å
forhåndsvise. Importen er alt-eller-ingenting: har filen én feil, vises alle
feilene med rad og kolonne, og ingenting lagres. Etter en feilfri forhåndsvisning
trykker du Enter på «Importer» for å lagre.
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
    """
    BINDINGS = [
        Binding("escape", "cancel", "Avbryt", id="import.cancel", tooltip="Lukk uten å importere"),
    ]

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self._initial = path
        self._plan = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Importer kandidatliste (.xlsx / .csv)", style="bold"))
            yield Input(value=self._initial, placeholder="Sti til filen, f.eks. data/samples/kandidatliste_eksempel.xlsx",
                        id="import-path")
            yield ProgressBar(total=100, show_eta=False, id="import-progress")
            with VerticalScroll(id="import-preview"):
                yield Static("Skriv stien og trykk Enter for forhåndsvisning.", id="import-preview-text")
            yield Button("Importer", id="import-commit", variant="primary", disabled=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        self._plan = None
        self.query_one("#import-commit", Button).disabled = True
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
            text.append("\nTrykk Enter på «Importer» for å lagre.", style="bold")
            button.disabled = False
            button.focus()
        else:
            text.append("\nIngenting nytt å importere.")
        self.query_one("#import-preview-text", Static).update(text)

    def _say(self, message: str, *, error: bool = False) -> None:
        """The dialog's message line is its preview pane."""
        self.query_one("#import-preview-text", Static).update(Text(message, style="bold red" if error else ""))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import-commit" and self._plan is not None:
            from eksamen_tui.services.candidate_import import apply_import

            result = call_service(self, apply_import, self.app.ctx, self._plan)
            if result is REFUSED:
                return
            self.app.notify(f"Importert {result.registrations} oppmeldinger ({result.students} nye studenter)")
            self.dismiss(result.registrations)

    def action_cancel(self) -> None:
        self.dismiss(0)
