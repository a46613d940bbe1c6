"""Desk: kommisjonsskjema. Exams with their commission status by the
form's deadline; blank and filled forms out, hand-edited forms in (with a
preview of what changes); the examiner directory for fee forms."""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Label, ProgressBar, Static

from eksamen_tui.domain.vocabulary import CommissionKind
from screens.base import REFUSED, DeskScreen, ReportsWorkerFailures, call_service, count_text
from screens.footer import DeskFooter
from screens.widgets.entry_table import EntryTable


class FormImportDialog(ReportsWorkerFailures, ModalScreen[int]):
    """Preview of a form import (a file or a folder): what is new, changed
    and removed per file, or every error with its cell. Enter imports the
    files without errors, each all-or-nothing; Esc cancels."""

    DEFAULT_CSS = """
    FormImportDialog { align: center middle; }
    FormImportDialog > Vertical { width: 120; max-width: 96%; height: 36; max-height: 95%;
        border: thick $accent; background: $panel; padding: 1 2; }
    FormImportDialog VerticalScroll { height: 1fr; }
    """
    BINDINGS = [
        Binding("enter", "commit", "Importer", id="formimport.commit", tooltip="Importer filene uten feil"),
        Binding("escape", "cancel", "Avbryt", id="formimport.cancel", tooltip="Lukk uten å importere"),
    ]

    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = target
        self.plans = []
        self.applied: int | None = None  # set once the import has run: the account is shown

    def _say(self, message: str, *, error: bool = False) -> None:
        self.query_one("#plan-text", Static).update(Text(message, style="bold red" if error else ""))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Import av kommisjonsskjema: {self.target}", style="bold"))
            yield ProgressBar(total=1, show_eta=False, id="plan-progress")
            with VerticalScroll():
                yield Static("Leser …", id="plan-text")

    def on_mount(self) -> None:
        self._plan()

    @work(thread=True, exclusive=True, group="form-plan", exit_on_error=False)
    def _plan(self) -> None:
        from eksamen_tui.services.commission_forms import forms_in, plan_folder, skipped_in

        files = forms_in(self.target)
        self.app.call_from_thread(self.query_one(ProgressBar).update, total=max(len(files), 1), progress=0)
        # every file checked first: two forms for one exam are refused together
        results = [(path, plan, refused.problems or [refused.message] if refused else None)
                   for path, plan, refused in plan_folder(self.app.ctx, files)]
        self.app.call_from_thread(self.query_one(ProgressBar).update, total=max(len(files), 1),
                                  progress=len(files))
        self.app.call_from_thread(self._show, results, skipped_in(self.target))

    def _show(self, results, skipped=()) -> None:
        self.plans = [plan for _, plan, _ in results if plan is not None]
        text = Text()
        if not results:
            text.append("Ingen kommisjonsskjema (*kommisjonsskjema*.xlsx/.xls/.ods) funnet.\n", style="bold red")
        for name, reason in skipped:
            text.append(f"Advarsel: {name}: hoppet over: {reason}\n", style="yellow")
        for path, plan, problems in results:
            if plan is None:
                text.append(f"✗ {path.name}: feil – blir ikke importert\n", style="bold red")
                for problem in problems:
                    style = "yellow" if getattr(problem, "severity", "error") == "warning" else ""
                    text.append(f"    {'Advarsel: ' if style else ''}{problem}\n", style=style)
                continue
            text.append(f"✓ {path.name} → {plan.exam_label}\n", style="bold")
            for kind, label in ((CommissionKind.ORDINARY, "Ordinær"), (CommissionKind.APPEAL, "Klage")):
                change = plan.changes.get(kind)
                if change is None:
                    continue
                parts = [f"nye: {', '.join(change.new)}" if change.new else "",
                         f"endret: {', '.join(change.changed)}" if change.changed else "",
                         f"fjernet: {', '.join(change.removed)}" if change.removed else ""]
                summary = "; ".join(p for p in parts if p) or "ingen endring"
                text.append(f"    {label}: {summary}\n")
            for warning in plan.warnings:
                text.append(f"    Advarsel: {warning}\n", style="yellow")
        if self.plans:
            text.append(f"\nEnter importerer {count_text(len(self.plans), 'fil', 'filer')}; Esc avbryter.", style="bold")
        self.query_one("#plan-text", Static).update(text)

    def action_commit(self) -> None:
        from eksamen_tui.services.commission_forms import apply_form_imports

        if self.applied is not None:  # the account is on screen: Enter closes
            self.dismiss(self.applied)
            return
        if not self.plans:
            return
        results = call_service(self, apply_form_imports, self.app.ctx, self.plans)
        if results is REFUSED:
            return
        self.applied = sum(1 for result in results if result.applied)
        if self.applied == len(results):
            self.dismiss(self.applied)
            return
        self._show_results(results)

    def _show_results(self, results) -> None:
        """Each file's own result: what was stored, and what was not and why."""
        from screens.base import failure_message

        text = Text(f"{self.applied} av {len(results)} skjema importert (hver fil for seg):\n", style="bold")
        for result in results:
            if result.applied:
                counts = result.counts
                text.append(f"✓ {result.file} → {result.exam_label}: {counts['new']} nye, {counts['changed']} endret, "
                            f"{counts['removed']} fjernet\n")
            else:
                reason = failure_message(result.error, where=f"import av {result.file}")
                text.append(f"✗ {result.file}: ikke importert – {reason}\n", style="bold red")
        text.append("\nEnter eller Esc lukker.", style="bold")
        self.query_one("#plan-text", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(self.applied or 0)


class CommissionsScreen(DeskScreen):
    TITLE = "Kommisjonsskjema"
    CSS_PATH = "commissions.tcss"
    HELP = """
Eksamener fra en uke tilbake til 60 dager fram, sortert etter fristen for
kommisjonsskjema (to uker før eksamen), med status: skjema mangler,
ufullstendig, klagekommisjon mangler, komplett. «!» betyr at fristen er ute.

I importerer et utfylt skjema eller en hel mappe (hver fil for seg, alt eller
ingenting); du ser hva som blir nytt, endret og fjernet før noe lagres.
B lager tomme, forhåndsutfylte skjema for alle eksamenene i listen;
F lager utfylt skjema for eksamenen markøren står på. D viser
sensoroversikten (hvem sensurerer hva, antall besvarelser for honorar, hele
e-postadressen); / søker i den (navn, e-post, arbeidsgiver, emnekode). En person
som er registrert to ganger, både som intern og ekstern, er merket i «Merknad».
X eksporterer den.
"""
    BINDINGS = [
        Binding("i", "import_forms", "Importer", id="commissions.import",
                tooltip="Importer et skjema eller en mappe med skjema"),
        Binding("b", "export_blank", "Tomme skjema", id="commissions.export_blank",
                tooltip="Lag tomme skjema for alle eksamenene i listen"),
        Binding("f", "export_filled", "Utfylt skjema", id="commissions.export_filled",
                tooltip="Lag utfylt skjema for valgt eksamen"),
        Binding("d", "toggle_directory", "Sensoroversikt", id="commissions.directory",
                tooltip="Vis/skjul sensoroversikten"),
        Binding("x", "export_directory", "Eksporter oversikt", id="commissions.export_directory",
                tooltip="Sensoroversikten som .xlsx (for honorarskjema)"),
        Binding("h", "history", "Historikk", id="commissions.history",
                tooltip="Endringsloggen for eksamenens kommisjoner"),
        Binding("slash", "search_directory", "Søk sensor", id="commissions.search_directory",
                tooltip="Søk i sensoroversikten (navn, e-post, arbeidsgiver, emne)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._exam_ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="commission-summary", classes="status-line")
        yield EntryTable(id="exams", zebra_stripes=True)
        yield Input(placeholder="Søk i sensoroversikten: navn, e-post, arbeidsgiver, emnekode …",
                    id="directory-search")
        yield DataTable(id="directory", cursor_type="row", zebra_stripes=True)
        yield ProgressBar(total=1, show_eta=False, id="export-progress")
        yield Static("", id="message")
        yield DeskFooter()

    def on_mount(self) -> None:
        exams = self.query_one("#exams", EntryTable)
        # fits 80 columns whole, «! klagekommisjon mangler» included
        for label, key, width in (("Skjemafrist", "deadline", 11), ("Emne", "code", 8), ("Eksamen", "exam", 24),
                                  ("Status", "status", 26)):
            exams.add_column(label, key=key, width=width)
        directory = self.query_one("#directory", DataTable)
        # e-mail addresses in full (the column is as wide as the longest)
        for label, key, width in (("Navn", "name", 26), ("E-post", "email", None), ("Arbeidsgiver", "employer", 18),
                                  ("Type", "type", 8), ("Besvarelser", "papers", 11), ("Merknad", "flag", None),
                                  ("Eksamener", "exams", 60)):
            directory.add_column(label, key=key, width=width)
        directory.display = False
        self.query_one("#directory-search").display = False
        self._directory: list = []
        self._directory_flags: dict[int, str] = {}
        self.query_one("#export-progress").display = False
        super().on_mount()

    def on_ready(self) -> None:
        self.load()
        self.query_one("#exams", EntryTable).focus()

    @work(thread=True, exclusive=True, group="commissions", exit_on_error=False)
    def load(self) -> None:
        from eksamen_tui.services.commission_forms import commission_overview

        self.note_changes_seen()
        self.app.call_from_thread(self._show, commission_overview(self.ctx))

    # other counters' changes (polled by DeskScreen): the list follows, the cursor stays
    def changes_scope(self):
        return "commissions" if self._loaded else None

    def fetch_changes(self, scope, changed):
        from eksamen_tui.services.commission_forms import commission_overview

        if not (changed.keys() & {"commission", "examiner", "exam"}):
            return None
        return commission_overview(self.ctx)

    def show_changes(self, scope, overview) -> None:
        table = self.query_one("#exams", EntryTable)
        key = table.cursor_key if table.row_count else None
        self._show(overview)
        if key is not None and int(key) in self._exam_ids:
            table.move_cursor(row=table.get_row_index(key), scroll=False)

    @work(thread=True, exclusive=True, group="directory", exit_on_error=False)
    def load_directory(self) -> None:
        from eksamen_tui.services.commission_forms import examiner_directory
        from eksamen_tui.services.examiner_search import double_registrations

        self.app.call_from_thread(self._show_directory, examiner_directory(self.ctx), double_registrations(self.ctx))

    def _show(self, overview) -> None:
        self._exam_ids = [row.exam_id for row in overview]
        rows = []
        for row in overview:
            style = "bold red" if row.overdue else ("green" if row.status == "komplett" else "")
            rows.append((str(row.exam_id), (f"{row.deadline:%d.%m.%Y}", row.course_code,
                                            f"{row.exam_form} {row.exam_date:%d.%m.%Y}",
                                            Text(("! " if row.overdue else "") + row.status, style=style))))
        self.query_one("#exams", EntryTable).fill(rows)
        from eksamen_tui.services.commission_forms import commission_summary

        summary = commission_summary(overview)  # the dashboard's card shows the same counts
        self.query_one("#commission-summary", Static).update(
            f"{summary['exams']} eksamener · " + " · ".join(f"{k}: {v}" for k, v in summary["by_status"].items())
            + f" · over frist: {summary['overdue']}")
        self._loaded = True
        self._place_focus()

    # --- opened on an exam (dashboard Enter, the lists that act) -------------------
    _focus_exam: int | None = None
    _loaded = False

    def open_target(self, exam_id: int) -> None:
        """The cursor on the exam's row (once the list is loaded)."""
        self._focus_exam = exam_id
        self._place_focus()

    def _place_focus(self) -> None:
        exam_id, table = self._focus_exam, self.query_one("#exams", EntryTable)
        if exam_id is None or not self._loaded:
            return
        self._focus_exam = None
        from eksamen_tui.services.exams import exam_choice

        label = exam_choice(self.ctx, exam_id).label
        if exam_id not in self._exam_ids:
            self._say(f"{label} er ikke i listen (eksamener fra en uke tilbake til 60 dager fram)", error=True)
            return
        directory = self.query_one("#directory", DataTable)
        directory.display, table.display = False, True
        self.query_one("#directory-search").display = False
        table.move_cursor(row=table.get_row_index(str(exam_id)))
        table.focus()
        self.show_opened_exam(label, "F lager utfylt skjema, I importerer et utfylt skjema.")

    def _show_directory(self, directory, flags=None) -> None:
        self._directory, self._directory_flags = directory, flags or {}
        self._fill_directory()

    def _fill_directory(self) -> None:
        """The directory lines matching the search field; people registered
        twice as internal and external are flagged in words."""
        from eksamen_tui.services.examiner_search import search_directory

        directory_table = self.query_one("#directory", DataTable)
        directory_table.clear()
        text = self.query_one("#directory-search", Input).value
        shown = search_directory(self._directory, text)
        for line in shown:
            flag = self._directory_flags.get(line.examiner_id, "")
            directory_table.add_row(line.name, line.email, line.employer, "ekstern" if line.is_external else "intern",
                                    str(line.papers), Text(flag, style="bold red") if flag else "",
                                    ", ".join(line.exams), key=str(line.examiner_id))
        flagged = sum(1 for line in self._directory if line.examiner_id in self._directory_flags)
        self._say(f"Sensoroversikt: {len(shown)} av {len(self._directory)} sensorer"
                  + (f" · {flagged} registrert to ganger som både intern og ekstern" if flagged else ""),
                  error=bool(flagged))

    @on(Input.Changed, "#directory-search")
    def _directory_search(self, _event) -> None:
        self._fill_directory()

    @on(Input.Submitted, "#directory-search")
    def _directory_search_done(self, event) -> None:
        event.stop()
        self.query_one("#directory", DataTable).focus()

    def action_search_directory(self) -> None:
        if not self.query_one("#directory", DataTable).display:
            self.action_toggle_directory()
        self.query_one("#directory-search", Input).focus()

    def _export_folder(self) -> Path:
        from eksamen_tui.services.context import export_dir

        return Path(export_dir()) / "kommisjonsskjema"

    def _folder_hint(self) -> str:
        folder = self._call(self._export_folder)
        return "" if folder is REFUSED else str(folder)

    def action_import_forms(self) -> None:
        from screens.dialogs import FieldError, PromptDialog

        def check(answer: str) -> None:
            if not answer.strip():
                raise FieldError("answer", "Skriv stien til en fil eller en mappe")
            target = Path(answer.strip()).expanduser()
            if not target.exists():
                raise FieldError("answer", f"Finner ikke {target}")

        def chosen(answer: str | None) -> None:
            if not answer:
                return
            target = Path(answer.strip()).expanduser()

            def done(count: int) -> None:
                if count:
                    self._say(f"Importert {count} skjema")
                    self.load()

            self.app.push_screen(FormImportDialog(target), done)

        self.app.push_screen(PromptDialog("Importer kommisjonsskjema", "Sti til en .xlsx-fil eller en mappe:",
                                          value=self._folder_hint(), label="Sti", check=check), chosen)

    def action_export_blank(self) -> None:
        self._export(self._exam_ids, blank=True)

    def action_export_filled(self) -> None:
        table = self.query_one("#exams", EntryTable)
        if table.row_count == 0:
            return
        key = table.cursor_key
        self._export([int(key)], blank=False)

    @work(thread=True, exclusive=True, group="commission-export", exit_on_error=False)
    def _export(self, exam_ids: list[int], blank: bool) -> None:
        from eksamen_tui.services.commission_forms import export_forms

        bar = self.query_one("#export-progress", ProgressBar)
        self.app.call_from_thread(setattr, bar, "display", True)
        folder = self._export_folder()

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            written = export_forms(self.ctx, exam_ids, folder, blank=blank, progress=progress)
        finally:
            self.app.call_from_thread(setattr, bar, "display", False)
        self.app.call_from_thread(self._say, f"{len(written)} skjema lagret i {folder}")

    def action_toggle_directory(self) -> None:
        directory = self.query_one("#directory", DataTable)
        exams = self.query_one("#exams", EntryTable)
        directory.display, exams.display = not directory.display, directory.display
        self.query_one("#directory-search").display = directory.display
        if directory.display:
            self.load_directory()  # loaded when asked for: it spans a year of exams
        (directory if directory.display else exams).focus()

    def action_history(self) -> None:
        from eksamen_tui.services.audit_log import AuditFilter

        table = self.query_one("#exams", EntryTable)
        if table.row_count == 0 or not table.display:
            return
        exam_id = int(table.cursor_key)
        code, _, exam = (str(cell) for cell in table.get_row(str(exam_id))[1:4])
        self.show_history(AuditFilter(exam_id=exam_id, kind="commission", title=f"{code} {exam}"))

    def action_export_directory(self) -> None:
        from eksamen_tui.services.commission_forms import export_directory

        self.run_export("sensoroversikt", export_directory, self.ctx,
                        done=lambda path: f"Sensoroversikten er lagret: {path}")
