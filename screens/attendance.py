"""Desk: attendance and withdrawals. Made for re-typing a signed paper
list: type a candidate number (or move with the arrows), one key sets the
state and moves on; `a` marks the rest as attended; `u` undoes."""
from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from screens.base import REFUSED, CandidateNumberTyping, DeskScreen, count_text
from screens.footer import DeskFooter
from screens.widgets.exam_picker import ExamPicker
from screens.widgets.entry_table import EntryTable
from screens.widgets.key_pacer import KeyPacer

# key -> attendance state value (the domain's names)
STATE_KEYS = {
    "m": "attended",
    "i": "no_show",
    "t": "withdrew_during",
    "b": "blank",
    "g": "valid_absence",
    "f": "withdrawn",
}


class AttendanceScreen(CandidateNumberTyping, DeskScreen):
    TITLE = "Oppmøte"
    CSS_PATH = "attendance.tcss"
    HELP = """
Velg eksamen (skriv emnekode, Enter). Listen er i kandidatnummerorden med
studentnummer og navn (oppmøte er ikke anonymt).

Skriv et kandidatnummer for å hoppe dit, og trykk en statustast – den gjelder
kandidaten du skrev. Uten nummer gjelder tasten raden markøren står på, og
markøren går videre til neste rad. Ukjente nummer (eller studentnummer) avvises.

Når unntakene er ført, trykk «a» for å sette alle umerkede til møtt.
Trekk under eksamen og blankt gir F / ikke bestått og teller som forsøk;
ikke møtt teller som forsøk; gyldig fravær teller ikke, men krever
dokumentasjon innen fristen.
"""
    BINDINGS = [
        Binding("m", "state('m')", "Møtt", id="attendance.attended", tooltip="Møtt (med besvarelse)"),
        Binding("i", "state('i')", "Ikke møtt", id="attendance.no_show", tooltip="Ikke møtt – teller som forsøk"),
        Binding("t", "state('t')", "Trekk under", id="attendance.withdrew_during",
                tooltip="Trekk under eksamen – F / ikke bestått, teller som forsøk"),
        Binding("b", "state('b')", "Blankt", id="attendance.blank", tooltip="Levert blankt – F / ikke bestått"),
        Binding("g", "state('g')", "Gyldig fravær", id="attendance.valid_absence",
                tooltip="Gyldig fravær – teller ikke, dokumentasjon kreves"),
        Binding("f", "state('f')", "Trekk før", id="attendance.withdrawn",
                tooltip="Trekk før eksamen (i dag) – teller ikke innen trekkfristen"),
        Binding("a", "rest_attended", "Resten møtt", id="attendance.rest",
                tooltip="Sett alle umerkede kandidater til møtt"),
        Binding("u", "undo", "Angre", id="attendance.undo", tooltip="Angre siste endring"),
        Binding("d", "documentation", "Dok. mottatt", id="attendance.documentation",
                tooltip="Dokumentasjon for gyldig fravær mottatt i dag"),
        Binding("h", "history", "Historikk", id="attendance.history",
                tooltip="Endringsloggen for kandidaten (oppmøte, dokumentasjon, karakter)"),
        Binding("o", "overdue", "Dok. mangler", id="attendance.overdue",
                tooltip="Gyldig fravær uten dokumentasjon etter fristen (alle eksamener)"),
        Binding("x", "export", "Eksporter", id="attendance.export", tooltip="Oppmøtelisten som .xlsx"),
        Binding("slash", "change_exam", "Bytt eksamen", id="attendance.change_exam", tooltip="Velg en annen eksamen"),
        Binding("escape", "clear_number", "Tøm nummer", show=False, id="attendance.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exam_id: int | None = None
        self._changed_here: dict[int, float] = {}  # registration id -> when this desk changed its row
        self._rows: dict[int, object] = {}  # registration id -> RosterRow
        self._by_number: dict[int, int] = {}  # candidate number -> registration id
        self._undo: list[list] = []
        self._counts_stale = False  # counts changed by keys, line not drawn yet (the pacer draws it)
        # the widgets its keys change, and what to bring up to date before they are drawn
        self._pacer = KeyPacer(self, ("roster", "counts", "message", "number-line"),
                               self._before_key_draw)
        self._counts_width = -1

    def compose(self) -> ComposeResult:
        yield Header()
        yield ExamPicker(id="picker")
        yield Static("", id="exam-info")
        yield Static("", id="counts")
        table = EntryTable(id="roster", zebra_stripes=True)
        table.around_page_turn = self._pacer.turn_page  # a key's changes drawn before the new page
        yield table
        yield Static("", id="number-line", classes="status-line")
        yield Static("", id="message")
        yield DeskFooter()

    # Columns by terminal width (screen classes from DeskScreen): at 80
    # columns the student number gives way so that name, status, attempt and
    # the note fit; each tier fits its terminal with the scrollbar.
    COLUMNS = {
        "narrow": (("Kand.", "number", 5), ("Navn", "name", 18), ("Status", "state", 19),
                   ("Forsøk", "attempt", 6), ("Merknad", "note", 18)),
        "medium": (("Kand.nr", "number", 7), ("Studentnr", "student", 10), ("Navn", "name", 24),
                   ("Status", "state", 19), ("Forsøk", "attempt", 6), ("Merknad", "note", 34)),
        "wide": (("Kand.nr", "number", 8), ("Studentnr", "student", 10), ("Navn", "name", 28),
                 ("Status", "state", 20), ("Forsøk", "attempt", 8), ("Merknad", "note", 50)),
    }

    def on_mount(self) -> None:
        super().on_mount()
        self._set_columns()

    def on_resize(self, event) -> None:
        super().on_resize(event)
        self._set_columns()

    def _set_columns(self) -> None:
        tier = "narrow" if self.has_class("-narrow") else ("wide" if self.has_class("-wide") else "medium")
        if getattr(self, "_columns_tier", None) == tier:
            return
        self._columns_tier = tier
        table = self.query_one("#roster", EntryTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        for label, key, width in self.COLUMNS[tier]:
            table.add_column(label, key=key, width=width)
        if self._rows:
            table.fill([(str(row.registration_id), self._cells(row)) for row in self._rows.values()])
            table.move_cursor(row=min(cursor, len(self._rows) - 1))

    def on_ready(self) -> None:
        self.query_one(ExamPicker).focus_input()

    # --- choosing the exam ---------------------------------------------------
    @on(ExamPicker.Picked)
    def _picked(self, event: ExamPicker.Picked) -> None:
        self.open_exam(event.exam_id)

    def open_exam(self, exam_id: int) -> None:
        from eksamen_tui.services.attendance import exam_roster
        from eksamen_tui.services.exams import exam_choice

        loaded = self._call(lambda: (exam_choice(self.ctx, exam_id), exam_roster(self.ctx, exam_id)))
        if loaded is REFUSED:  # the desk stays as it was
            return
        choice, rows = loaded
        self.exam_id = exam_id
        self.note_changes_seen()
        self._rows = {row.registration_id: row for row in rows}
        self._by_number = {row.candidate_number: row.registration_id for row in rows}
        self._undo.clear()
        rules = self.ctx.rules
        self.query_one("#exam-info", Static).update(Text.assemble(
            (choice.label, "bold"), "\n",
            f"Trekkfrist {rules.withdrawal(choice.exam_date):%d.%m.%Y} · "
            f"oppmøte ført innen {rules.exam_deadlines(choice.exam_date)['attendance_registration']:%d.%m.%Y} · "
            f"dokumentasjon gyldig fravær innen {rules.valid_absence_documentation(choice.exam_date):%d.%m.%Y}",
        ))
        table = self.query_one("#roster", EntryTable)
        table.fill([(str(row.registration_id), self._cells(row)) for row in rows])
        self.query_one("#picker").display = False
        table.focus()
        self._show_counts()
        self.show_opened_exam(choice.label, f"{count_text(len(rows), 'kandidat', 'kandidater')}. Skriv kandidatnummer eller flytt med "
                              "piltastene; m/i/t/b/g/f setter status.")
        self.refresh_bindings()

    def _cells(self, row) -> dict:
        """The row's cells by column key; what needs action comes first in the
        note, so it shows even where the column is narrow."""
        notes = []
        attempt = str(row.attempt)  # plain strings where nothing is styled: 2,000 rows per opening
        if row.attempt > self.ctx.profile.max_attempts:
            attempt = Text(attempt, style="bold red")
            notes.append("krever dispensasjon")
        if row.state.value == "valid_absence":
            notes.append(f"dok. mottatt {row.documentation_received_on:%d.%m}" if row.documentation_received_on
                         else "dok. mangler")
        if row.withdrawn_on:
            notes.append(f"trukket {row.withdrawn_on:%d.%m.%Y}")
        if row.accommodations:
            notes.append(row.accommodations)
        state = Text(row.state.label, style="dim") if row.state.value == "registered" else row.state.label
        cells = {"number": str(row.candidate_number), "student": row.student_number, "name": row.name,
                 "state": state, "attempt": attempt, "note": ", ".join(notes)}
        return tuple(cells[key] for _, key, _ in self.COLUMNS[self._columns_tier])

    def _refresh_row(self, registration_id: int) -> None:
        table = self.query_one("#roster", EntryTable)
        table.update_row(str(registration_id), self._cells(self._rows[registration_id]))

    def _show_counts(self) -> None:
        """Count the whole roster (on opening or refilling) and show it."""
        from eksamen_tui.services.attendance import state_counts

        self._counts = state_counts(list(self._rows.values()))
        self._draw_counts()

    def _draw_counts(self) -> None:
        from eksamen_tui.domain.attendance import AttendanceState

        counts = self._counts
        order = [AttendanceState.REGISTERED, AttendanceState.ATTENDED, AttendanceState.NO_SHOW,
                 AttendanceState.WITHDREW_DURING, AttendanceState.BLANK, AttendanceState.VALID_ABSENCE,
                 AttendanceState.WITHDRAWN]
        text = Text(f"Oppmeldt {len(self._rows)}   ")
        for state in order:
            text.append(f"{state.label}: ", style="bold" if counts[state] else "")
            text.append(f"{counts[state]}   ")
        # a layout only when the line's length changed (a count gained a digit): it may wrap differently
        self.query_one("#counts", Static).update(text, layout=len(text) != self._counts_width)
        self._counts_width = len(text)

    # --- typing a candidate number ----------------------------------------
    def on_key(self, event) -> None:
        if self.exam_id is None or not self.query_one("#roster", EntryTable).has_focus:
            return
        self.typed_number_key(event)

    # --- actions --------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("state", "rest_attended", "undo", "documentation", "history", "export"):
            return self.exam_id is not None
        return True

    async def action_state(self, key: str) -> None:
        self._set_state(key)
        await self._pacer.key_done()  # a burst of keys: the counts are drawn between them

    def _before_key_draw(self) -> None:
        """Before the pacer draws what a state key changed: the counts line
        is brought up to date here, once a draw instead of once a key."""
        if self._counts_stale:
            self._counts_stale = False
            self._draw_counts()

    def _set_state(self, key: str) -> None:
        from eksamen_tui.domain.attendance import AttendanceState, counts_as_attempt
        from eksamen_tui.services.attendance import set_state

        registration_id = self.target_registration()
        if registration_id is None:
            return
        row = self._rows[registration_id]
        new_state = AttendanceState(STATE_KEYS[key])
        change = self._call(set_state, self.ctx, self.exam_id, row.candidate_number, new_state, seen=row.state)
        if change is REFUSED:
            return
        self._apply_change(change, counts=False)  # the pacer draws the counts (once a draw, not once a key)
        self._undo.append([change])
        message = change.message
        withdrawn_in_time = "innen trekkfristen" in message
        if counts_as_attempt(new_state, withdrawn_in_time=withdrawn_in_time) and row.attempt > self.ctx.profile.max_attempts:
            message += f" – ADVARSEL: {row.attempt}. forsøk, krever dispensasjon"
        self._say(message, error="ETTER trekkfristen" in message)
        self.query_one("#roster", EntryTable).advance()

    def _apply_change(self, change, *, counts: bool = True) -> None:
        from dataclasses import replace

        from eksamen_tui.services.attendance import state_counts

        row = self._rows[change.registration_id]
        self._changed_here[change.registration_id] = time.monotonic()
        new = self._rows[change.registration_id] = replace(
            row, state=change.new_state, withdrawn_on=change.withdrawn_on,
            documentation_received_on=change.documentation_received_on)
        self._refresh_row(change.registration_id)
        # the counts follow every key at once, in O(1) (no recount of the roster)
        minus, plus = state_counts([row]), state_counts([new])
        self._counts = {state: count - minus[state] + plus[state] for state, count in self._counts.items()}
        if counts:
            self._draw_counts()
        else:
            self._counts_stale = True

    # --- other counters' changes (polled by DeskScreen) ---------------------------
    def changes_scope(self):
        return self.exam_id

    def fetch_changes(self, scope, changed):
        started = time.monotonic()
        payload = self._fetch_changes(scope, changed)
        return None if payload is None else (started, payload)

    def _fetch_changes(self, exam_id, changed):
        from eksamen_tui.services.attendance import exam_roster
        from eksamen_tui.services.concurrency import registrations_touched

        touched, whole = registrations_touched(self.ctx, exam_id, changed)
        if whole:
            return None, exam_roster(self.ctx, exam_id)
        if not touched:
            return None
        return touched, exam_roster(self.ctx, exam_id, touched)

    def show_changes(self, exam_id, payload) -> None:
        started, payload = payload
        touched, rows = payload
        # a row changed here after the poll read it stays as this desk has it
        # (the poll would put it back as it was; the next key on it would be refused)
        rows = [self._rows.get(row.registration_id, row)
                if self._changed_here.get(row.registration_id, 0) > started else row for row in rows]
        if touched is None or any(row.registration_id not in self._rows for row in rows):
            self._refill(rows if touched is None else
                         sorted({**self._rows, **{r.registration_id: r for r in rows}}.values(),
                                key=lambda row: row.candidate_number))
            return
        with self.app.batch_update():
            for row in rows:
                if row != self._rows[row.registration_id]:
                    self._rows[row.registration_id] = row
                    self._refresh_row(row.registration_id)
        self._show_counts()

    def _after_refill(self) -> None:
        self._show_counts()

    def action_rest_attended(self) -> None:
        from eksamen_tui.services.attendance import mark_unmarked_attended

        changes = self._call(mark_unmarked_attended, self.ctx, self.exam_id)
        if changes is REFUSED:
            return
        with self.app.batch_update():
            for change in changes:
                self._apply_change(change)
        if changes:
            self._undo.append(changes)
        self._say(f"{count_text(len(changes), 'umerket kandidat', 'umerkede kandidater')} satt til møtt")

    def action_undo(self) -> None:
        from eksamen_tui.services.attendance import DocumentationChange, undo_change, undo_documentation

        if not self._undo:
            self._say("Ingenting å angre")
            return
        changes = self._undo.pop()
        for change in reversed(changes):
            documentation = isinstance(change, DocumentationChange)
            undone = self._call(undo_documentation if documentation else undo_change, self.ctx, self.exam_id, change)
            if undone is REFUSED:
                return
            (self._apply_documentation if documentation else self._apply_change)(undone)
        if len(changes) == 1:
            table = self.query_one("#roster", EntryTable)
            table.move_cursor(row=table.get_row_index(str(changes[0].registration_id)))
            self._say(f"Angret for kandidat {changes[0].candidate_number}: {changes[0].describe()}")
        else:
            self._say(f"Angret: {count_text(len(changes), 'endring', 'endringer')}")

    def action_documentation(self) -> None:
        from eksamen_tui.services.attendance import record_documentation

        registration_id = self.target_registration()
        if registration_id is None:
            return
        row = self._rows[registration_id]
        change = self._call(record_documentation, self.ctx, self.exam_id, row.candidate_number, self.ctx.today(),
                            seen=row.documentation_received_on)
        if change is REFUSED:
            return
        self._apply_documentation(change)
        self._undo.append([change])
        self._say(f"Kandidat {row.candidate_number}: dokumentasjon mottatt {self.ctx.today():%d.%m.%Y}")

    def _apply_documentation(self, change) -> None:
        from dataclasses import replace

        row = self._rows[change.registration_id]
        self._rows[change.registration_id] = replace(row, documentation_received_on=change.new_date)
        self._refresh_row(change.registration_id)

    def action_history(self) -> None:
        """The Endringslogg for the candidate (attendance, documentation,
        withdrawal and what followed), not only today's attendance changes."""
        from eksamen_tui.services.audit_log import AuditFilter

        registration_id = self.target_registration()
        if registration_id is None:
            return
        number = self._rows[registration_id].candidate_number
        self.show_history(AuditFilter(exam_id=self.exam_id, registration_id=registration_id, candidate_number=number,
                                      title=f"kandidat {number}, {self.sub_title}"))

    def action_overdue(self) -> None:
        """Valid absences without documentation after the deadline, on every
        exam: Enter opens the exam here with the cursor on the candidate."""
        from eksamen_tui.services.attendance import missing_documentation
        from screens.action_list import ActionListDialog

        items = self._call(missing_documentation, self.ctx)
        if items is REFUSED:
            return
        rows = [(f"{item.exam_id}:{item.candidate_number}",
                 (item.course_code, f"{item.exam_date:%d.%m.%Y}", str(item.candidate_number), item.student_number,
                  item.name, f"{item.deadline:%d.%m.%Y}"))
                for item in items]

        def chosen(key: str | None) -> None:
            if key:
                exam_id, number = (int(part) for part in key.split(":"))
                self.open_candidate(exam_id, number)

        self.app.push_screen(ActionListDialog(
            "Gyldig fravær uten dokumentasjon etter fristen",
            ("Emne", "Eksamen", "Kand.nr", "Studentnr", "Navn", "Frist"), rows,
            hint="Enter åpner eksamenen på kandidaten (D registrerer dokumentasjonen) · Esc lukker"), chosen)

    def open_candidate(self, exam_id: int, candidate_number: int) -> None:
        """Open `exam_id` with the cursor on the candidate."""
        self.open_exam(exam_id)
        if self.exam_id != exam_id:  # it could not be opened (the line says why)
            return
        registration_id = self._by_number.get(candidate_number)
        if registration_id is None:
            return
        table = self.query_one("#roster", EntryTable)
        table.move_cursor(row=table.get_row_index(str(registration_id)))
        self._say(f"Kandidat {candidate_number}: gyldig fravær uten dokumentasjon – D registrerer at den er mottatt i dag")

    def action_export(self) -> None:
        from eksamen_tui.services.attendance import export_attendance

        self.run_export("oppmøteliste", export_attendance, self.ctx, self.exam_id,
                        done=lambda path: f"Oppmøtelisten er lagret: {path}")

    def action_change_exam(self) -> None:
        picker = self.query_one("#picker")
        picker.display = True
        picker.focus_input()
