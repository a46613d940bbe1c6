"""Desk: grade entry against candidate numbers, control entry, protocols.

Anonymous: this desk never shows a name or a student number. One key
enters a grade and moves to the next row; digits jump to a candidate
number first. Each grade is committed before the next key is handled."""
from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Static

from eksamen_tui.domain.vocabulary import GradeStatus, ProtocolStatus
from screens.base import REFUSED, CandidateNumberTyping, DeskScreen, count_text
from screens.grade_keys import LETTER_KEYS, PASS_FAIL_KEYS, grade_for_key
from screens.widgets.exam_picker import ExamPicker
from screens.footer import DeskFooter
from screens.widgets.counter_lines import CounterLines
from screens.widgets.entry_table import EntryTable
from screens.widgets.key_pacer import KeyPacer

STATUS_LABELS = {
    ProtocolStatus.EMPTY: "", ProtocolStatus.ENTERED: "ført", ProtocolStatus.CONTROLLED: "kontrollert",
    ProtocolStatus.MISMATCH: "AVVIK", ProtocolStatus.COMPUTED: "beregnet", ProtocolStatus.BLOCKED: "sperret (klage)",
}


class GradesScreen(CandidateNumberTyping, DeskScreen):
    TITLE = "Karakterer"
    NUMBER_TABLE = "#protocol"
    LIST_NAME = "protokollen"
    CSS_PATH = "grades.tcss"
    HELP = """
Karakterføring mot kandidatnummer – anonymt: ingen navn eller studentnummer vises.

Velg eksamen (emnekode, Enter). I protokollrekkefølge gir én tast karakteren og
flytter til neste rad: A–F på bokstavskalaen, + (bestått) og − (ikke bestått) på
bestått/ikke bestått. Skriv sifre for å hoppe til et kandidatnummer, og trykk
karakteren. Taster utenfor skalaen endrer ingenting.

K slår kontrollføring av/på: en ny, uavhengig runde der første verdi er skjult.
Lik verdi gir «kontrollert», ulik gir «AVVIK» som løses med L (velg riktig verdi
og oppgi årsak). Bare kontrollerte karakterer er endelige. R retter en
kontrollert karakter (årsakskode kreves). V bytter del når eksamen har deler;
samlet karakter beregnes og kan ikke overskrives. P kunngjør sensur, X lager
protokoll (.xlsx).
"""
    BINDINGS = [
        Binding("a", "grade('a')", "Karakter", key_display="A–F", id="grades.letter",
                tooltip="Før karakter A–F for kandidaten"),
        *(Binding(k, f"grade('{k}')", v, show=False, id=f"grades.letter_{k}") for k, v in LETTER_KEYS.items() if k != "a"),
        Binding("plus", "grade('plus')", "bestått", key_display="+", id="grades.passed", tooltip="Før bestått"),
        Binding("minus", "grade('minus')", "ikke bestått", key_display="−", id="grades.failed",
                tooltip="Før ikke bestått"),
        Binding("u", "undo", "Angre", id="grades.undo", tooltip="Angre siste føring"),
        Binding("k", "toggle_control", "Kontroll", id="grades.control",
                tooltip="Slå kontrollføring av/på (første verdi skjules)"),
        Binding("l", "resolve", "Løs avvik", id="grades.resolve", tooltip="Velg riktig verdi for et avvik, med årsak"),
        Binding("r", "correct", "Rett", id="grades.correct", tooltip="Rett en kontrollert karakter (årsakskode)"),
        Binding("v", "next_part", "Del", id="grades.part", tooltip="Bytt mellom delene og samlet karakter"),
        Binding("p", "publish", "Kunngjør", id="grades.publish", tooltip="Kunngjør sensur for eksamenen"),
        Binding("x", "export", "Protokoll", id="grades.export", tooltip="Lag vurderingsprotokoll (.xlsx)"),
        Binding("slash", "change_exam", "Bytt eksamen", id="grades.change_exam", tooltip="Velg en annen eksamen"),
        Binding("h", "history", "Historikk", id="grades.history",
                tooltip="Endringslogg for kandidaten – anonym, uten navn"),
        Binding("escape", "clear_number", "Tøm nummer", show=False, id="grades.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exam_id: int | None = None
        self.part_id: int | None = None
        self.control_mode = False
        self.info = None
        self._changed_here: dict[int, float] = {}  # registration id -> when this desk changed its row
        self._rows: dict[int, object] = {}  # registration id -> ProtocolRow
        self._by_number: dict[int, int] = {}
        self._undo: list = []
        self._progress = None  # what the progress panel shows, kept up to date row by row
        self._progress_stale = False  # counts changed by keys, panel not drawn yet (the pacer draws it)
        # the widgets its keys change, and what to bring up to date before they are drawn
        self._pacer = KeyPacer(self, ("protocol", "progress", "chart", "message", "number-line"),
                               self._before_key_draw)

    def compose(self) -> ComposeResult:
        yield Header()
        yield ExamPicker(id="picker")
        yield Static("", id="protocol-info")
        with Horizontal(id="body"):
            table = EntryTable(id="protocol", zebra_stripes=True)
            table.around_page_turn = self._pacer.turn_page  # a key's changes drawn before the new page
            yield table
            with Vertical(id="side"):
                yield CounterLines(id="progress")
                yield CounterLines(id="chart")
        yield Static("", id="number-line", classes="status-line")
        yield Static("", id="message")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#protocol", EntryTable)
        table.add_column("Kandidatnr", key="number", width=12)
        table.add_column("Karakter", key="grade", width=14)
        table.add_column("Status", key="status", width=16)  # «sperret (klage)»; the table fits 50 with its scrollbar
        super().on_mount()

    def on_ready(self) -> None:
        self.query_one(ExamPicker).focus_input()

    def _before_key_draw(self) -> None:
        """Before the pacer draws what a grade key changed: the progress
        panel is brought up to date here, once a draw instead of once a key."""
        if self._progress_stale:
            self._progress_stale = False
            self._draw_progress()

    # --- opening a protocol ---------------------------------------------------
    @on(ExamPicker.Picked)
    def _picked(self, event: ExamPicker.Picked) -> None:
        self.open_exam(event.exam_id)

    def open_exam(self, exam_id: int, part_id: int | None = None) -> None:
        from eksamen_tui.services.grades import protocol, protocol_info

        def load():
            chosen = part_id
            if chosen is None and (parts := protocol_info(self.ctx, exam_id).parts):
                chosen = parts[0][0]
            return chosen, protocol_info(self.ctx, exam_id, chosen), protocol(self.ctx, exam_id, chosen)

        self.note_changes_seen()
        loaded = self._call(load)
        if loaded is REFUSED:  # the desk stays as it was
            return
        part_id, self.info, rows = loaded
        self.exam_id, self.part_id = exam_id, part_id
        self._rows = {row.registration_id: row for row in rows}
        self._by_number = {row.candidate_number: row.registration_id for row in rows}
        self._undo.clear()
        table = self.query_one("#protocol", EntryTable)
        table.fill([(str(row.registration_id), self._cells(row)) for row in rows])
        self.query_one("#picker").display = False
        table.focus()
        self._show_info()
        self._show_progress()
        self.show_opened_exam(self.info.title,
                              f"{count_text(len(rows), 'kandidat', 'kandidater')} til sensur. Skriv karakteren; sifre hopper til et kandidatnummer.")
        self.refresh_bindings()

    def _cells(self, row) -> tuple:
        from eksamen_tui.services.grades import blind_row

        shown = blind_row(row) if self.control_mode else row  # control entry: the first value stays hidden
        grade = shown.grade or ("•" if shown.status == ProtocolStatus.ENTERED else "")
        status = STATUS_LABELS[shown.status]
        style = ("bold red" if shown.status in (ProtocolStatus.MISMATCH, ProtocolStatus.BLOCKED)
                 else ("green" if shown.status == ProtocolStatus.CONTROLLED else ""))
        if shown.status == ProtocolStatus.MISMATCH:
            status = f"AVVIK ({shown.grade} / {shown.control_value})" if shown.grade else "AVVIK"
            grade = grade or "?"
        return (str(row.candidate_number), grade, Text(status, style=style) if style else status)

    def _show_info(self) -> None:
        from eksamen_tui.services.grades import grading_deadline_text

        info = self.info
        deadline, overdue = grading_deadline_text(self.ctx, info)
        mode = "KONTROLLFØRING – første verdi skjult" if self.control_mode else "Førstegangsføring"
        parts = ""
        if info.parts:
            names = ["samlet" if self.part_id is None else "samlet"] + [n for _, n, _ in info.parts]
            current = "samlet" if self.part_id is None else next(n for i, n, _ in info.parts if i == self.part_id)
            parts = " · del: " + " | ".join(f"[{n}]" if n == current else n for n in names[1:] + ["samlet"])
        scale = "A–F" if info.scale.value == "letter" else "bestått (+) / ikke bestått (−)"
        self.query_one("#protocol-info", Static).update(Text.assemble(
            (info.title, "bold"), f" · skala {scale}", parts, "\n",
            (deadline, "bold red" if overdue else ""), "\n",
            (mode, "bold reverse" if self.control_mode else "bold"),
        ))

    def _show_progress(self) -> None:
        """Count the whole protocol (on opening or refilling) and show it."""
        from eksamen_tui.services.grades import progress_of

        self._progress = progress_of(list(self._rows.values()), self.info.scale)
        self._draw_progress()

    def _draw_progress(self) -> None:
        """The counters and the distribution, line by line (a key changes
        one or two lines: only those are drawn again)."""
        progress = self._progress
        digits = max(3, len(str(progress.expected)))  # as narrow as the exam allows: 80 columns hold 10,000 / 10,000
        self.query_one("#progress", CounterLines).set_lines([
            Text("Fremdrift", style="bold"),
            f"Ført:         {progress.entered:>{digits}} / {progress.expected}",
            f"Kontrollert:  {progress.controlled:>{digits}}",
            Text(f"Ukontrollert: {progress.uncontrolled:>{digits}}", style="bold" if progress.uncontrolled else ""),
            Text(f"Avvik:        {progress.mismatches:>{digits}}", style="bold red" if progress.mismatches else ""),
            f"Sperret:      {progress.blocked:>{digits}}",
            "",
        ])
        chart = self.query_one("#chart", CounterLines)
        if self.control_mode:  # the distribution of first values is not shown while they are controlled
            chart.set_lines([Text("Fordeling", style="bold"), "skjult under kontrollføring", ""])
            return
        top = max(progress.distribution.values() or [0]) or 1
        lines = [Text("Fordeling", style="bold")]  # the whole chart in bold, as it always was
        label_width = max((len(grade) for grade in progress.distribution), default=1)
        longest = 20 if not self.has_class("-narrow") else 10  # a bar never wraps at 80 columns
        for grade, count in progress.distribution.items():
            line = Text(f"{grade:>{label_width}} ", style="bold")
            line.append("█" * round(longest * count / top), style="cyan")
            line.append(f" {count}")
            lines.append(line)
        chart.set_lines([*lines, ""])

    # --- keys -----------------------------------------------------------------------
    def on_key(self, event) -> None:
        if self.exam_id is None or not self.query_one("#protocol", EntryTable).has_focus:
            return
        if self.typed_number_key(event):
            return
        if self._outside_scale(event):
            scale = "A–F" if self.info.scale.value == "letter" else "bestått (+) / ikke bestått (−)"
            self._say(f"«{event.character}» er ingen karakter på skalaen {scale} – ingenting endret", error=True)
            event.stop()
            event.prevent_default()

    def _outside_scale(self, event) -> bool:
        """A letter that is no grade (or the other scale's grade key)."""
        letter_scale = self.info.scale.value == "letter"
        if event.key in PASS_FAIL_KEYS:
            return letter_scale
        if not (event.character and event.character.isalpha()):
            return False
        key = event.character.lower()
        if key in LETTER_KEYS:
            return not letter_scale
        return key not in self.active_bindings  # the keys in effect (a keymap may have moved them)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.exam_id is None:
            return action in ("change_exam", "clear_number") or None
        if action == "grade":
            key = parameters[0]
            letter = self.info.scale.value == "letter"
            return (key in LETTER_KEYS) == letter
        if action == "next_part":
            return bool(self.info.parts) or None
        return True

    # --- other counters' changes (polled by DeskScreen) ---------------------------
    def changes_scope(self):
        return (self.exam_id, self.part_id) if self.exam_id is not None else None

    def fetch_changes(self, scope, changed):
        started = time.monotonic()
        payload = self._fetch_changes(scope, changed)
        return None if payload is None else (started, payload)

    def _fetch_changes(self, scope, changed):
        from eksamen_tui.services.concurrency import registrations_touched
        from eksamen_tui.services.grades import protocol, protocol_info

        exam_id, part_id = scope
        touched, whole = registrations_touched(self.ctx, exam_id, changed)
        if whole:
            return protocol_info(self.ctx, exam_id, part_id), None, protocol(self.ctx, exam_id, part_id)
        if not touched:
            return None
        return None, touched, protocol(self.ctx, exam_id, part_id, touched)

    def show_changes(self, scope, payload) -> None:
        started, payload = payload
        info, touched, rows = payload
        # a row changed here after the poll read it stays as this desk has it
        # (the poll would put it back as it was; the next key on it would be refused)
        rows = [self._rows.get(row.registration_id, row)
                if self._changed_here.get(row.registration_id, 0) > started else row for row in rows]
        fresh = {row.registration_id: row for row in rows}
        if info is not None:
            self.info = info
            self._show_info()
            touched = set(self._rows) | set(fresh)
        gone = [reg_id for reg_id in touched if reg_id in self._rows and reg_id not in fresh]
        if gone or any(reg_id not in self._rows for reg_id in fresh):
            merged = {reg_id: row for reg_id, row in self._rows.items() if reg_id not in gone}
            merged.update(fresh)
            self._refill(sorted(merged.values(), key=lambda row: row.candidate_number))
            return
        with self.app.batch_update():
            for row in rows:
                if row != self._rows.get(row.registration_id):
                    self._update_row(row)

    def _after_refill(self) -> None:
        self._show_progress()

    async def action_grade(self, key: str) -> None:
        self._grade(key)
        await self._pacer.key_done()  # a burst of keys: the counters are drawn between them

    def _grade(self, key: str) -> None:
        from eksamen_tui.services.grades import control_grade, enter_grade

        value = grade_for_key(key)
        registration_id = self.target_registration()
        if registration_id is None:
            return
        row = self._rows[registration_id]
        if row.status == ProtocolStatus.COMPUTED or (self.part_id is None and self.info.parts):
            self._say("Samlet karakter beregnes fra delene og kan ikke overskrives – bytt del med V", error=True)
            return

        def write():
            if self.control_mode:
                result = control_grade(self.ctx, self.exam_id, row.candidate_number, value, self.part_id,
                                       seen=row.grade, seen_status=GradeStatus.MISMATCH
                                       if row.status == ProtocolStatus.MISMATCH else GradeStatus.PROVISIONAL)
                message = (f"Kandidat {row.candidate_number}: kontrollert {value}" if result.matched
                           else f"Kandidat {row.candidate_number}: AVVIK – kontroll {value} er ulik første føring; "
                           "løs med L etter kontrollrunden")
                return result.row, result.computed, message, None
            entry = enter_grade(self.ctx, self.exam_id, row.candidate_number, value, self.part_id, seen=row.grade)
            message = f"Kandidat {row.candidate_number}: {value}"
            if entry.old_value:
                message += f" (var {entry.old_value})"
            return entry.row, entry.computed, message, entry

        # a refusal (or another counter's change: theirs is shown) writes nothing
        outcome = self._call(write)
        if outcome is REFUSED:
            return
        new_row, computed, message, entry = outcome
        if entry is None:
            self._undo.clear()  # control entries are corrected with L, not undone
        else:
            self._undo.append(entry)
        if computed is not None:
            message += f" · samlet karakter {computed.grade}"
        self._update_row(new_row, panel=False)  # the pacer draws the panel (once a draw, not once a key)
        self._say(message, error="AVVIK" in message)
        self.query_one("#protocol", EntryTable).advance()

    def _update_row(self, row, *, panel: bool = True) -> None:
        from eksamen_tui.services.grades import progress_changed

        old = self._rows.get(row.registration_id)
        self._rows[row.registration_id] = row
        self._changed_here[row.registration_id] = time.monotonic()
        table = self.query_one("#protocol", EntryTable)
        table.update_row(str(row.registration_id), self._cells(row))
        # the counters follow every key at once, in O(1) (no recount of the protocol)
        self._progress = progress_changed(self._progress, old, row, self.info.scale)
        if panel:
            self._draw_progress()
        else:
            self._progress_stale = True

    def action_undo(self) -> None:
        from eksamen_tui.services.grades import undo_entry

        if not self._undo:
            self._say("Ingenting å angre")
            return
        entry = self._undo.pop()
        row = self._call(undo_entry, self.ctx, self.exam_id, entry)
        if row is REFUSED:
            return
        self._update_row(row)
        table = self.query_one("#protocol", EntryTable)
        table.move_cursor(row=table.get_row_index(str(row.registration_id)))
        self._say(f"Angret kandidat {entry.candidate_number}: {entry.new_value} → {entry.old_value or 'tom'}")

    def action_toggle_control(self) -> None:
        self.control_mode = not self.control_mode
        self._undo.clear()
        self._redraw()
        first = next((r for r in self._rows.values() if r.status == ProtocolStatus.ENTERED), None)
        if first is not None and self.control_mode:
            table = self.query_one("#protocol", EntryTable)
            table.move_cursor(row=table.get_row_index(str(first.registration_id)))
        self._show_info()
        self._say("Kontrollføring: før karakterene på nytt fra protokollen" if self.control_mode
                  else "Førstegangsføring")

    def _redraw(self) -> None:
        table = self.query_one("#protocol", EntryTable)
        with self.app.batch_update():
            for row in self._rows.values():
                table.update_row(str(row.registration_id), self._cells(row))

    def action_next_part(self) -> None:
        ids = [part_id for part_id, _, _ in self.info.parts] + [None]
        following = ids[(ids.index(self.part_id) + 1) % len(ids)]
        self.open_exam(self.exam_id, following) if following is not None else self._open_course_level()

    def _open_course_level(self) -> None:
        from eksamen_tui.services.grades import protocol, protocol_info

        self.note_changes_seen()
        loaded = self._call(lambda: (protocol_info(self.ctx, self.exam_id, None), protocol(self.ctx, self.exam_id, None)))
        if loaded is REFUSED:
            return
        self.part_id = None
        self.info, rows = loaded
        self._rows = {row.registration_id: row for row in rows}
        self._by_number = {row.candidate_number: row.registration_id for row in rows}
        self.query_one("#protocol", EntryTable).fill(
            [(str(row.registration_id), self._cells(row)) for row in rows])
        self._show_info()
        self._show_progress()
        self._say("Samlet karakter: beregnes fra delene")

    def _refuse_in_control_mode(self, what: str) -> bool:
        """Correcting or resolving shows the first value: not in control entry."""
        if self.control_mode:
            self.take_number()  # the typed number went with the refused key
            self._say(f"Kontrollføring: første verdi vises ikke – slå av kontrollføring med K for å {what}",
                      error=True)
        return self.control_mode

    def action_resolve(self) -> None:
        from eksamen_tui.services.grades import MISMATCH_REASONS, resolve_mismatch
        from screens.dialogs import FieldError, FormDialog, FormField

        if self._refuse_in_control_mode("løse avvik"):
            return

        registration_id = self.target_registration()
        if registration_id is None:
            return
        row = self._rows[registration_id]
        if row.status != ProtocolStatus.MISMATCH:
            self._say(f"Kandidat {row.candidate_number} har ikke avvik", error=True)
            return
        exam_id, part_id, candidate = self.exam_id, self.part_id, row.candidate_number
        shown = {"seen": row.grade}  # what the clerk saw; a refusal in the dialog shows the stored value

        def submit(values: dict):
            reason = MISMATCH_REASONS[values["reason"]]
            if values["reason"] == "other" and not values["note"].strip():
                raise FieldError("note", "Skriv en merknad når årsaken er «annet»")
            if values["note"].strip():
                reason = f"{reason}: {values['note'].strip()}"
            return self._seen_in_dialog(shown, resolve_mismatch, self.ctx, exam_id, candidate, values["value"], reason,
                                        part_id)

        def done(new_row) -> None:
            if new_row is None:
                self._say(f"Kandidat {candidate}: avviket er ikke løst")
                return
            self._update_row(new_row)
            self._say(f"Kandidat {candidate}: avvik løst, {new_row.grade} kontrollert")

        self.app.push_screen(FormDialog(
            f"Løs avvik for kandidat {candidate}",
            [FormField("value", "Riktig verdi", "v", required=True,
                       options=[(f"{row.grade} (førstegangsføring)", row.grade),
                                (f"{row.control_value} (kontrollføring)", row.control_value)]),
             FormField("reason", "Årsak", "a", options=[(v, k) for k, v in MISMATCH_REASONS.items()], required=True),
             FormField("note", "Merknad", "m", placeholder="valgfri (påkrevd ved «annet»)")],
            submit, text=f"Førstegangsføring {row.grade}, kontrollføring {row.control_value}.",
            ok="Løs avvik", error_field="value"), done)

    @staticmethod
    def _seen_in_dialog(shown: dict, service, *args):
        """Call `service` with seen= what the dialog's clerk has seen. When
        another counter changed it meanwhile, the refusal (who, what, when)
        stands in the dialog; submitting again writes over the value it named."""
        from eksamen_tui.domain.errors import ChangedMeanwhile

        try:
            return service(*args, seen=shown["seen"])
        except ChangedMeanwhile as error:
            shown["seen"] = error.current
            raise

    def action_correct(self) -> None:
        from eksamen_tui.domain.scales import grades_of
        from eksamen_tui.services.grades import CORRECTION_REASONS, correct_grade
        from screens.dialogs import FieldError, FormDialog, FormField

        if self._refuse_in_control_mode("rette"):
            return

        registration_id = self.target_registration()
        if registration_id is None:
            return
        row = self._rows[registration_id]
        exam_id, part_id, candidate = self.exam_id, self.part_id, row.candidate_number
        shown = {"seen": row.grade}  # what the clerk saw; a refusal in the dialog shows the stored value

        def submit(values: dict):
            if values["code"] == "other" and not values["note"].strip():
                raise FieldError("note", "Skriv en merknad når årsaken er «annet»")
            return self._seen_in_dialog(shown, correct_grade, self.ctx, exam_id, candidate, values["value"],
                                        values["code"], values["note"].strip(), part_id)

        def done(new_row) -> None:
            if new_row is None:
                self._say(f"Kandidat {candidate}: ingenting rettet")
                return
            self._update_row(new_row)
            self._say(f"Kandidat {candidate}: rettet til {new_row.grade}")

        self.app.push_screen(FormDialog(
            f"Rett karakter for kandidat {candidate} (nå {row.grade or 'tom'})",
            [FormField("value", "Ny karakter", "k", required=True,
                       options=[(grade, grade) for grade in grades_of(self.info.scale)]),
             FormField("code", "Årsak", "a", options=[(v, k) for k, v in CORRECTION_REASONS.items()], required=True),
             FormField("note", "Merknad", "m", placeholder="valgfri (påkrevd ved «annet»)")],
            submit, ok="Rett karakter", error_field="value"), done)

    def action_publish(self) -> None:
        from eksamen_tui.services.grades import publish_refusal
        from screens.dialogs import ConfirmDialog

        refusal = self._call(publish_refusal, self.ctx, self.exam_id)
        if refusal is REFUSED:
            return
        if refusal:  # why not, before any question
            self._say(refusal, error=True)
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._publish()
            else:
                self._say("Ikke kunngjort")

        self.app.push_screen(ConfirmDialog(
            "Kunngjør sensur",
            f"Kunngjøre sensur for {self.info.title} i dag ({self.ctx.today():%d.%m.%Y})? Fristene for "
            "begrunnelse og klage begynner å løpe.", yes="Kunngjør"), done)

    def _publish(self) -> None:
        from eksamen_tui.services.grades import protocol_info, publish

        deadlines = self._call(publish, self.ctx, self.exam_id)
        if deadlines is REFUSED:
            return
        info = self._call(protocol_info, self.ctx, self.exam_id, self.part_id)
        if info is not REFUSED:
            self.info = info
            self._show_info()
        self._say(f"Kunngjort. Frist for begrunnelse {deadlines['explanation_request']:%d.%m.%Y}, "
                  f"klagefrist {deadlines['appeal']:%d.%m.%Y}")

    def action_export(self) -> None:
        from eksamen_tui.services.protocol_export import export_protocol

        self.run_export("protokoll", export_protocol, self.ctx, self.exam_id,
                        done=lambda path: f"Protokoll lagret: {path}")

    def action_history(self) -> None:
        from eksamen_tui.services.audit_log import AuditFilter

        registration_id = self.target_registration()
        if registration_id is None:
            return
        number = self._rows[registration_id].candidate_number
        self.show_history(AuditFilter(exam_id=self.exam_id, registration_id=registration_id, candidate_number=number,
                                      anonymous=True, title=f"kandidat {number}, {self.sub_title}"))

    def action_change_exam(self) -> None:
        picker = self.query_one("#picker")
        picker.display = True
        picker.focus_input()
