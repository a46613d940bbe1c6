"""Endringslogg: the audit trail in the app. Who changed what, when, from
which value to which, and why; filtered by exam, candidate number, student,
clerk, kind of change and dates. `h` on a row of any desk opens it filtered
to that row; X exports the filtered log (.xlsx)."""
from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Select, Static

from screens.base import DeskScreen, count_text
from screens.footer import DeskFooter

FILTER_INPUTS = ("f-course", "f-candidate", "f-student", "f-clerk", "f-from", "f-to")


class AuditLogScreen(DeskScreen):
    TITLE = "Endringslogg"
    CSS_PATH = "audit_log.tcss"
    HELP = """
Alle endringer av oppmøte, dokumentasjon, karakterer, saker, kunngjøring,
oppgavemottak, kommisjoner, besvarelser ut og inn, utsatt sensurfrist,
honorarskjema, sensorveiledning og innstillinger: når, hvem, hva,
gammel → ny verdi og årsak, nyeste først.

Filtrer på emnekode, kandidatnummer, student (studentnummer eller del av navnet,
uten hensyn til aksenter og store/små bokstaver), saksbehandler, type endring og
datoer (fra–til). Enter i et felt bruker filteret. «h» på en rad på en pult
åpner loggen for den raden. Fra karakterpulten er loggen anonym: ingen navn vises.
Karakterer som ikke er kunngjort vises aldri med navn.

Endringer gjort ved andre skranker kommer med av seg selv (innen et par
sekunder); filteret og markøren blir stående.

X eksporterer den filtrerte loggen (.xlsx), C tømmer filteret, / går til filteret.
"""
    BINDINGS = [
        Binding("x", "export", "Eksporter", id="auditlog.export", tooltip="Den filtrerte loggen som .xlsx"),
        Binding("c", "clear_filter", "Tøm filter", id="auditlog.clear", tooltip="Vis alle endringer"),
        Binding("slash", "focus_filter", "Filter", id="auditlog.filter", tooltip="Gå til filterfeltene"),
    ]

    def __init__(self) -> None:
        super().__init__()
        from eksamen_tui.services.audit_log import AuditFilter

        self.audit_filter = AuditFilter()
        self._target = AuditFilter()  # what `h` on a desk pinned (exam, registration, anonymity)

    def compose(self) -> ComposeResult:
        from eksamen_tui.services.audit_log import KINDS

        yield Header()
        with Horizontal(id="log-filters"):
            yield Input(placeholder="Emnekode", id="f-course")
            yield Input(placeholder="Kand.nr", id="f-candidate", restrict=r"[0-9]*", max_length=9)
            yield Input(placeholder="Student", id="f-student", tooltip="Studentnummer eller del av navnet")
            yield Input(placeholder="Saksbehandler", id="f-clerk")
            yield Select([(label, key) for key, (label, _) in KINDS.items()], prompt="Alle typer", id="f-kind")
            yield Input(placeholder="Fra dato", id="f-from")
            yield Input(placeholder="Til dato", id="f-to")
        yield Static("", id="filter-line", classes="status-line")
        yield DataTable(id="log", cursor_type="row", zebra_stripes=True)
        yield Static("", id="log-detail")
        yield Static("", id="message")
        yield DeskFooter()

    # Columns by terminal width: below 100 the time is short and exam,
    # student and reason live in the line under the list (always there,
    # whole, for the highlighted change); from 140 the student has a column.
    # The reason column takes what is left.
    _tier = None
    _lines: list = []

    def _columns(self, width: int) -> list[tuple[str, str, int]]:
        if width < self.NARROW_BELOW:
            columns = [("Tid", "at", 11), ("Hvem", "clerk", 9), ("Kand.", "cand", 5), ("Hva", "what", 13),
                       ("Gammel → ny", "change", 26)]
        else:
            columns = [("Tidspunkt", "at", 16), ("Hvem", "clerk", 10), ("Eksamen", "exam", 18), ("Kand.", "cand", 5)]
            if width >= self.WIDE_FROM:
                columns.append(("Student", "student", 22))
            columns += [("Hva", "what", 18), ("Gammel → ny", "change", 26)]
        used = sum(w + 2 for _, _, w in columns) + 4  # cell padding, scrollbar, margin
        if width - used >= 10:
            columns.append(("Årsak", "reason", width - used - 2))
        return columns

    def _set_columns(self, width: int) -> None:
        columns = self._columns(width)
        tier = tuple(columns)
        if tier == self._tier:
            return
        self._tier = tier
        table = self.query_one("#log", DataTable)
        on = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        table.clear(columns=True)
        for label, key, column_width in columns:
            table.add_column(label, key=key, width=column_width)
        self._fill(self._lines, on)

    def on_mount(self) -> None:
        self._set_columns(self.app.size.width)
        super().on_mount()

    def on_resize(self, event) -> None:
        super().on_resize(event)
        self._set_columns(event.size.width)

    def _cells(self, line) -> tuple:
        student = f"{line.student_number} {line.student_name}".strip()
        at = f"{line.at:%d.%m %H:%M}" if self._tier[0][0] == "Tid" else f"{line.at:%d.%m.%Y %H:%M}"
        cells = {"at": at, "clerk": line.clerk, "exam": line.exam_label or "–",
                 "cand": str(line.candidate_number or ""), "student": student, "what": line.what,
                 "change": Text(line.change), "reason": line.reason}
        return tuple(cells[key] for _, key, _ in self._tier)

    def _fill(self, lines, on=None) -> None:
        table = self.query_one("#log", DataTable)
        table.clear()
        for line in lines:
            table.add_row(*self._cells(line), key=str(line.entry_id))
        if on is not None and int(on) in {line.entry_id for line in lines}:
            table.move_cursor(row=table.get_row_index(on), scroll=False)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#log")
    def _highlighted(self, _event) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted change, whole: who, when, exam, candidate, student, what, old → new, why."""
        table = self.query_one("#log", DataTable)
        detail = self.query_one("#log-detail", Static)
        if not table.row_count:
            detail.update("")
            return
        entry_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        line = next((line for line in self._lines if line.entry_id == entry_id), None)
        if line is None:
            detail.update("")
            return
        about = " · ".join(part for part in (
            line.exam_label, f"kand. {line.candidate_number}" if line.candidate_number else "",
            f"{line.student_number} {line.student_name}".strip()) if part)
        text = Text(f"{line.at:%d.%m.%Y %H:%M} {line.clerk}", style="bold")
        text.append(f" · {about}" if about else "")
        text.append(f"\n{line.what}: {line.change}")
        if line.reason:
            text.append(f" · årsak: {line.reason}")
        detail.update(text)

    def on_ready(self) -> None:
        self.load()
        self.query_one("#log", DataTable).focus()

    def on_screen_resume(self) -> None:
        if self.ready and self._ready_done:
            self.load()

    # --- opened from a desk ------------------------------------------------------
    def open_target(self, target) -> None:
        """`target` is an AuditFilter from a desk's `h`: shown as it is."""
        self._target = replace(target, student="" if target.anonymous else target.student)
        for name in FILTER_INPUTS:
            self.query_one(f"#{name}", Input).value = ""
        if target.candidate_number is not None:
            self.query_one("#f-candidate", Input).value = str(target.candidate_number)
        self.audit_filter = self._target
        kind = self.query_one("#f-kind", Select)
        if target.kind:
            kind.value = target.kind
        else:
            kind.clear()
        self.query_one("#f-student", Input).disabled = target.anonymous
        self.audit_filter = self._target
        self.load()
        self.query_one("#log", DataTable).focus()

    # --- filtering ---------------------------------------------------------------
    def _filter_from_fields(self):
        from eksamen_tui.domain.parsing import parse_date

        value = {name: self.query_one(f"#{name}", Input).value.strip() for name in FILTER_INPUTS}
        today = self.ctx.today()
        date_from = parse_date(value["f-from"], what="fra-datoen", today=today) if value["f-from"] else None
        date_to = parse_date(value["f-to"], what="til-datoen", today=today) if value["f-to"] else None
        kind = self.query_one("#f-kind", Select).value
        target = self._target
        candidate = int(value["f-candidate"]) if value["f-candidate"] else None
        if target.candidate_number is not None and candidate != target.candidate_number:
            target = target.without_target()  # the clerk asked about another candidate
            target = replace(target, candidate_number=None)
        self._target = target
        return replace(target, course=value["f-course"], candidate_number=candidate,
                       student="" if target.anonymous else value["f-student"], clerk=value["f-clerk"],
                       kind=kind if isinstance(kind, str) else None, date_from=date_from, date_to=date_to)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply_filter()
        self.query_one("#log", DataTable).focus()

    @on(Select.Changed, "#f-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else None
        if self._ready_done and value != self.audit_filter.kind:  # the clerk chose, not open_target
            self.apply_filter()

    def apply_filter(self) -> None:
        from eksamen_tui.domain.errors import DomainError

        try:
            self.audit_filter = self._filter_from_fields()
        except DomainError as error:
            self._say(str(error), error=True)
            return
        self.load()

    @work(thread=True, exclusive=True, group="audit-log", exit_on_error=False)
    def load(self) -> None:
        audit_filter = self.audit_filter
        self.note_changes_seen()
        lines, total = self._read(audit_filter)
        self.app.call_from_thread(self._show, audit_filter, lines, total)

    def _read(self, audit_filter):
        """Worker thread: the filter's lines (a page) and how many there are."""
        from eksamen_tui.services.audit_log import PAGE, audit_lines, count_lines

        lines = audit_lines(self.ctx, audit_filter)
        return lines, count_lines(self.ctx, audit_filter) if len(lines) >= PAGE else len(lines)

    # --- live: other counters' changes appear while the log is open ---------------
    def changes_scope(self):
        return self.audit_filter

    def fetch_changes(self, audit_filter, changed):
        from eksamen_tui.services.audit_log import has_lines_after
        from eksamen_tui.services.concurrency import WINDOW

        seen = self._change_marker[0] if self._change_marker else 0
        if not has_lines_after(self.ctx, audit_filter, seen - WINDOW):
            return None  # nothing new under this filter: the page stays as it is
        return self._read(audit_filter)

    def show_changes(self, audit_filter, payload) -> None:
        lines, total = payload
        if [line.entry_id for line in lines] != self._shown_ids:
            self._show(audit_filter, lines, total, keep_cursor=True)

    _shown_ids: list[int] = []

    def _show(self, audit_filter, lines, total: int, keep_cursor: bool = False) -> None:
        from eksamen_tui.services.audit_log import describe

        if audit_filter != self.audit_filter:
            return  # a read for an earlier filter finished late (e.g. the whole log, then `h` from a desk)
        table = self.query_one("#log", DataTable)
        on = None
        if keep_cursor and table.row_count:
            on = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self._lines = lines
        self._shown_ids = [line.entry_id for line in lines]
        self._fill(lines, on)
        shown = (f"{len(lines)} av {count_text(total, 'endring', 'endringer')}" if total > len(lines)
                 else count_text(total, "endring", "endringer"))
        self.sub_title = audit_filter.title
        self.query_one("#filter-line", Static).update(
            f"Viser: {describe(audit_filter)} · {shown}" + (" · C tømmer filteret" if describe(audit_filter)
                                                          != "alle endringer" else ""))
        if audit_filter.title and not keep_cursor:
            self._say(f"Historikk for {audit_filter.title}")

    # --- actions -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("export", "clear_filter"):
            return self.ready
        return True

    def action_export(self) -> None:
        from eksamen_tui.services.audit_log import export_log

        self.run_export("endringslogg", export_log, self.ctx, self.audit_filter,
                        done=lambda path: f"Endringsloggen er lagret: {path}")

    def action_clear_filter(self) -> None:
        from eksamen_tui.services.audit_log import AuditFilter

        self._target = AuditFilter()
        for name in FILTER_INPUTS:
            self.query_one(f"#{name}", Input).value = ""
        self.query_one("#f-student", Input).disabled = False
        self.audit_filter = AuditFilter()
        self.query_one("#f-kind", Select).clear()
        self._say("")
        self.load()

    def action_focus_filter(self) -> None:
        self.query_one("#f-course", Input).focus()
