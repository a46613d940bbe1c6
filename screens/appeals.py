"""Desk: explanations and appeals. Register a request at the counter (the
domain says if it is in time), follow every case to its end: explanation
given, appeals sent to the appeal commission, the new grade typed with the
grade desk's keys, the decision sent."""
from __future__ import annotations

import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from eksamen_tui.domain.parsing import parse_day
from screens.base import REFUSED, DeskScreen, ReportsWorkerFailures, call_service, count_text
from screens.grade_keys import LETTER_KEYS, grade_for_key
from screens.footer import DeskFooter
from screens.widgets.entry_table import EntryTable
from screens.widgets.key_pacer import KeyPacer

TYPE_FILTERS = [None, "explanation", "grade_appeal", "formal_appeal"]
TYPE_LABELS = {None: "alle", "explanation": "begrunnelse", "grade_appeal": "klage på karakter",
               "formal_appeal": "klage på formell feil"}
SHORT_TYPES = {"explanation": "begrunnelse", "grade_appeal": "klage karakter", "formal_appeal": "formell feil"}
VIEWS = {"open": "åpne", "overdue": "over frist", "all": "alle"}
OUTCOME_WORDS = {"up": "opp", "down": "ned", "unchanged": "uendret", "upheld": "medhold", "rejected": "ikke medhold"}


class NewCaseDialog(ReportsWorkerFailures, ModalScreen[int | None]):
    """Register a case; dismisses with the new case id."""

    DEFAULT_CSS = """
    NewCaseDialog { align: center middle; }
    NewCaseDialog > Vertical { width: 120; max-width: 96%; height: auto; max-height: 95%;
        border: thick $accent; background: $panel; padding: 1 2; }
    NewCaseDialog OptionList { height: 8; }
    NewCaseDialog .field-label { margin: 1 0 0 0; }
    NewCaseDialog #case-error { color: $error; text-style: bold; height: auto; }
    NewCaseDialog #case-buttons { height: auto; align: right middle; }
    NewCaseDialog #case-buttons Button { margin: 0 0 0 2; }
    """
    CASE_TYPES = {"explanation": "Begrunnelse", "grade_appeal": "Klage på karakter",
                  "formal_appeal": "Klage på formell feil"}
    FIELDS = (("case-search", "s"), ("case-matches", ""), ("case-type", "t"), ("case-received", "m"),
              ("case-override", "o"))
    BINDINGS = [
        Binding("ctrl+r", "register", "Registrer", id="case.register", tooltip="Registrer saken"),
        Binding("escape", "cancel", "Avbryt", id="case.cancel", tooltip="Lukk uten å registrere"),
        # Priority: run as the key arrives, so the keys typed right after go
        # to the field moved to (see screens.papers for the same in the desk)
        *(Binding(f"alt+{letter}", f"jump('{name}')", show=False, priority=True, id=f"case.jump_{name}")
          for name, letter in FIELDS if letter),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Ny sak: begrunnelse eller klage", style="bold"))
            yield Label("Kandidat · Alt+S: studentnummer, eller emnekode og kandidatnummer (f.eks. «TDT4100 1234»)")
            yield Input(id="case-search")
            yield OptionList(id="case-matches")
            yield Label("Type · Alt+T (B, K velger)", classes="field-label")
            yield Select([(label, key) for key, label in self.CASE_TYPES.items()], value="explanation",
                         allow_blank=False, id="case-type")
            yield Label("Mottatt · Alt+M (dato, tom = i dag)", classes="field-label")
            yield Input(id="case-received", placeholder="DD.MM.ÅÅÅÅ")
            yield Label("Overstyring · Alt+O: begrunnelse for å registrere en sak som er for sent ute "
                        "(Enter her registrerer)", classes="field-label")
            yield Input(id="case-override")
            yield Static("", id="case-error")
            with Horizontal(id="case-buttons"):
                yield Button("Registrer (Ctrl+R)", id="case-ok", variant="primary")
                yield Button("Avbryt (Esc)", id="case-cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_register() if event.button.id == "case-ok" else self.action_cancel()

    @on(Input.Changed, "#case-search")
    def _search(self, event: Input.Changed) -> None:
        self._find(event.value)

    @work(thread=True, exclusive=True, group="case-search", exit_on_error=False)
    def _find(self, text: str) -> None:
        from eksamen_tui.services.appeals import find_registrations

        choices = find_registrations(self.app.ctx, text)
        self.app.call_from_thread(self._show, choices)

    def _show(self, choices) -> None:
        options = self.query_one("#case-matches", OptionList)
        options.clear_options()
        options.add_options([Option(choice.label, id=str(choice.registration_id)) for choice in choices])
        if choices:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "case-override":
            self.action_register()  # Enter in the last field registers
        else:
            self.focus_next()

    def action_jump(self, field: str) -> None:
        """Alt+letter: to that field."""
        self.set_focus(self.query_one(f"#{field}"))

    def on_key(self, event) -> None:
        """On the type, B/K choose; Enter on the type moves on (↓ or space
        opens its list)."""
        focused = self.focused
        if isinstance(focused, Select) and focused.id == "case-type":
            if event.key == "enter":
                self.focus_next()
            elif event.character and event.character.isalpha():
                matching = [k for k, label in self.CASE_TYPES.items()
                            if label.casefold().startswith(event.character.casefold())]
                if matching:
                    focused.value = matching[(matching.index(focused.value) + 1) % len(matching)] \
                        if focused.value in matching else matching[0]
            else:
                return
            event.stop()
            event.prevent_default()

    def _say(self, message: str, *, error: bool = False) -> None:
        """The dialog's message line (a failed search or registration)."""
        self.query_one("#case-error", Static).update(message)

    def action_register(self) -> None:
        from eksamen_tui.services.appeals import register_case

        options = self.query_one("#case-matches", OptionList)
        if options.highlighted is None:
            self.query_one("#case-error", Static).update("Finn kandidaten først (ingen treff valgt)")
            return
        registration_id = int(options.get_option_at_index(options.highlighted).id)
        case_type = self.query_one("#case-type", Select).value
        received_text = self.query_one("#case-received", Input).value
        override_reason = self.query_one("#case-override", Input).value

        def register():
            received = parse_day(received_text, self.app.ctx.today())
            return register_case(self.app.ctx, registration_id, case_type, received_on=received,
                                 override_reason=override_reason)

        case = call_service(self, register)
        if case is REFUSED:
            return
        self.dismiss(case.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AppealsScreen(DeskScreen):
    TITLE = "Begrunnelse og klage"
    CSS_PATH = "appeals.tcss"
    HELP = """
Saker om begrunnelse og klage. N registrerer en ny sak ved skranken: finn
kandidaten på studentnummer eller emnekode + kandidatnummer, velg type og
mottaksdato. Systemet avgjør om saken er i tide (med neste-virkedag-regelen);
for sent ute registreres bare med overstyring og begrunnelse. Muntlige og
praktiske prestasjoner kan ikke påklages.

Mens en klage på karakter pågår er den opprinnelige karakteren sperret.
S sender eksamenens klager til klagekommisjonen (kommisjonen må ha minst to
sensorer, minst én ekstern, ingen fra den ordinære kommisjonen). Ny karakter
føres med samme taster som på karakterpulten (A–F, + og −). To trinn eller mer
fra opprinnelig karakter krever videre vurdering (V) før endelig karakter.
L registrerer at vedtaket er sendt og lukker saken; S og L spør først (J/N).
O gjenåpner en lukket sak med årsak (3 viser også lukkede saker). X lager blind
eksport til klagekommisjonen (bare kandidatnummer).
"""
    BINDINGS = [
        Binding("n", "new_case", "Ny sak", id="appeals.new", tooltip="Registrer begrunnelse eller klage"),
        Binding("1", "view('open')", "Åpne", id="appeals.view_open", tooltip="Vis åpne saker"),
        Binding("2", "view('overdue')", "Over frist", id="appeals.view_overdue", tooltip="Vis saker over frist"),
        Binding("3", "view('all')", "Alle", id="appeals.view_all", tooltip="Vis alle saker, også lukkede"),
        Binding("y", "cycle_type", "Type", id="appeals.type", tooltip="Filtrer på sakstype"),
        Binding("t", "toggle_exam", "Denne eksamen", id="appeals.exam", tooltip="Vis bare sakene for denne eksamenen"),
        Binding("g", "explanation_given", "Begrunnelse gitt", id="appeals.given",
                tooltip="Registrer at begrunnelsen er gitt (skriftlig/muntlig)"),
        Binding("s", "send", "Send til klagekomm.", id="appeals.send",
                tooltip="Send eksamenens klager til klagekommisjonen i dag"),
        Binding("a", "grade('a')", "Ny karakter", key_display="A–F", id="appeals.grade",
                tooltip="Før ny karakter fra klagekommisjonen"),
        *(Binding(k, f"grade('{k}')", v, show=False, id=f"appeals.grade_{k}") for k, v in LETTER_KEYS.items() if k != "a"),
        Binding("plus", "grade('plus')", "bestått", key_display="+", id="appeals.passed", show=False),
        Binding("minus", "grade('minus')", "ikke bestått", key_display="−", id="appeals.failed", show=False),
        Binding("v", "further", "Videre vurdering", id="appeals.further",
                tooltip="Endelig karakter etter videre vurdering (2+ trinn)"),
        Binding("r", "formal_decision", "Formell avgjort", id="appeals.formal",
                tooltip="Avgjør klage på formell feil"),
        Binding("l", "close_case", "Lukk (vedtak sendt)", id="appeals.close",
                tooltip="Vedtaket er sendt i dag: lukk saken"),
        Binding("o", "reopen", "Gjenåpne", id="appeals.reopen",
                tooltip="Gjenåpne en lukket sak, med årsak"),
        Binding("h", "history", "Historikk", id="appeals.history",
                tooltip="Endringsloggen for kandidaten i saken"),
        Binding("x", "blind_export", "Blind eksport", id="appeals.export",
                tooltip="Kandidatnumre under klage til klagekommisjonen (.xlsx)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "open"
        self.type_filter: str | None = None
        self.exam_filter: int | None = None
        self._rows: dict[int, object] = {}
        self._changed_here: dict[int, float] = {}  # case id -> when this desk changed it in place
        self._filters_width = -1
        self._detail_stale = False
        # the widgets its keys change, and what to bring up to date before they are drawn
        self._pacer = KeyPacer(self, ("cases", "filters", "case-detail", "message"),
                               self._before_key_draw)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="filters", classes="status-line")
        with Horizontal(id="appeals-body"):
            table = EntryTable(id="cases", zebra_stripes=True)
            table.around_page_turn = self._pacer.turn_page  # a key's changes drawn before the new page
            yield table
            with Vertical(id="case-side"):
                yield Static("", id="case-detail")
        yield Static("", id="message")
        yield DeskFooter()

    # Columns by terminal width: below 140 columns the list drops the
    # student (shown beside or below it) and shortens type and date.
    COLUMNS = {
        # each tier fits its list's width beside the case panel, scrollbar included
        # (the longest status is cut there; the panel shows it whole)
        "wide": (("Sak", "id", 4), ("Type", "type", 14), ("Emne", "code", 8), ("Kand.", "cand", 6),
                 ("Student", "student", 18), ("Frist", "due", 12), ("Status", "status", 30)),
        "narrow": (("Sak", "id", 4), ("Type", "type", 7), ("Emne", "code", 8), ("Kand.", "cand", 5),
                   ("Frist", "due", 7), ("Status", "status", 33)),
    }
    NARROW_TYPES = {"explanation": "begr.", "grade_appeal": "klage", "formal_appeal": "formell"}

    def on_mount(self) -> None:
        super().on_mount()
        self._set_columns()

    def on_resize(self, event) -> None:
        super().on_resize(event)
        self._set_columns()

    def _tier(self) -> str:
        return "wide" if self.has_class("-wide") else "narrow"

    def _set_columns(self) -> None:
        tier = self._tier()
        if getattr(self, "_columns_tier", None) == tier:
            return
        self._columns_tier = tier
        table = self.query_one("#cases", EntryTable)
        current = self._current() if table.row_count else None
        table.clear(columns=True)
        for label, key, width in self.COLUMNS[tier]:
            table.add_column(label, key=key, width=width)
        if self._rows:
            self._show(list(self._rows.values()), current.case.id if current else None)

    def _cells(self, row) -> tuple:
        overdue = " !" if row.overdue else ""
        if self._tier() == "wide":
            due = f"{row.due:%d.%m.%Y}" if row.due else "–"
            return (str(row.case.id), SHORT_TYPES[row.case.case_type], row.course_code, str(row.candidate_number),
                    f"{row.student_number} {row.name}"[:18],
                    Text(due + overdue, style="bold red" if row.overdue else ""), row.status)
        due = f"{row.due:%d.%m}" if row.due else "–"
        return (str(row.case.id), self.NARROW_TYPES[row.case.case_type], row.course_code, str(row.candidate_number),
                Text(due + overdue, style="bold red" if row.overdue else ""), row.status)

    def on_ready(self) -> None:
        self.load()
        self.query_one("#cases", EntryTable).focus()

    def on_screen_resume(self) -> None:
        if self.ready and self._ready_done:
            self.load()

    @work(thread=True, exclusive=True, group="cases", exit_on_error=False)
    def load(self, select_case: int | None = None) -> None:
        from eksamen_tui.services.appeals import case_list

        self.note_changes_seen()
        rows = case_list(self.ctx, only_open=self.view != "all", only_overdue=self.view == "overdue",
                         exam_id=self.exam_filter, case_type=self.type_filter)
        self.app.call_from_thread(self._show, rows, select_case)

    # other counters' changes (polled by DeskScreen): the list follows
    def changes_scope(self):
        return (self.view, self.exam_filter, self.type_filter) if hasattr(self, "_rows") else None

    def fetch_changes(self, scope, changed):
        from eksamen_tui.services.appeals import case_list

        if not (changed.keys() & {"case", "grade", "registration", "exam"}):
            return None
        view, exam_filter, type_filter = scope
        started = time.monotonic()
        return started, case_list(self.ctx, only_open=view != "all", only_overdue=view == "overdue",
                                  exam_id=exam_filter, case_type=type_filter)

    def show_changes(self, scope, payload) -> None:
        started, rows = payload
        # a case changed here after the list was read stays as this desk has it
        # (the list would put it back as it was; a key on it would then be refused)
        rows = [self._rows.get(row.case.id, row) if self._changed_here.get(row.case.id, 0) > started else row
                for row in rows]
        current = self._current()
        self._show(rows, current.case.id if current is not None else None)

    def _show(self, rows, select_case: int | None) -> None:
        self._rows = {row.case.id: row for row in rows}
        table = self.query_one("#cases", EntryTable)
        table.fill([(str(row.case.id), self._cells(row)) for row in rows])
        if select_case is not None and str(select_case) in {str(k) for k in self._rows}:
            table.move_cursor(row=table.get_row_index(str(select_case)))
        self._exam_label = "alle" if self.exam_filter is None else next(
            (f"{r.course_code} {r.exam_date:%d.%m.%Y}" for r in rows), "valgt")
        self._decided = sum(1 for row in rows if row.case.decision_on)
        self._show_filters()
        self._show_detail()

    def _show_filters(self) -> None:
        text = (f"Viser: {VIEWS[self.view]} · type: {TYPE_LABELS[self.type_filter]} · eksamen: {self._exam_label} · "
                f"{count_text(len(self._rows), 'sak', 'saker')}, {self._decided} avgjort")
        # a layout only when the line's length changed (a count gained a digit): it may wrap differently
        self.query_one("#filters", Static).update(text, layout=len(text) != self._filters_width)
        self._filters_width = len(text)

    def _replace_row(self, case, *, detail: bool = True) -> None:
        """One case changed here: its row, the counts and the detail follow
        at once (no reload of the list: a key per case stays fast)."""
        from eksamen_tui.services.appeals import updated_row

        old = self._rows[case.id]
        row = self._rows[case.id] = updated_row(self.ctx, old, case)
        self._changed_here[case.id] = time.monotonic()
        self._decided += bool(row.case.decision_on) - bool(old.case.decision_on)
        self.query_one("#cases", EntryTable).update_row(str(case.id), self._cells(row))
        self._show_filters()
        if detail:
            self._show_detail()

    def _current(self):
        table = self.query_one("#cases", EntryTable)
        if table.row_count == 0:
            return None
        return self._rows.get(int(table.cursor_key))

    @on(EntryTable.Highlighted, "#cases")
    def _highlighted(self, event) -> None:
        table = self.query_one("#cases", EntryTable)
        if table.row_count and event.key != table.cursor_key:
            return  # the cursor moved on since (keys in a burst): the detail already follows it
        self._show_detail()

    def _show_detail(self) -> None:
        row = self._current()
        if row is None:
            self.query_one("#case-detail", Static).update("Ingen saker. N registrerer en ny.")
            return
        case = row.case
        lines = [
            (f"Sak {case.id}: {TYPE_LABELS[case.case_type]}", "bold"),
            f"{row.course_code} eksamen {row.exam_date:%d.%m.%Y} · kandidat {row.candidate_number}",
            f"{row.student_number} {row.name}",
            f"Mottatt {case.received_on:%d.%m.%Y} – " + ("i tide" if case.in_time else "FOR SENT"),
            *(() if case.in_time else (f"for sent, overstyrt: {case.override_reason}",)),
            f"Status: {row.status}",
        ]
        if case.original_grade:
            lines.append(f"Opprinnelig karakter: {case.original_grade}"
                         + (" (sperret mens klagen pågår)" if case.case_type == "grade_appeal" and not case.closed_on else ""))
        if case.deadline:
            label = "Frist for begrunnelse" if case.case_type == "explanation" else "Frist ny sensur"
            lines.append((f"{label}: {case.deadline:%d.%m.%Y}" + ("  – OVER FRISTEN" if row.overdue else ""),
                          "bold red" if row.overdue else ""))
        for label, value in (("Sendt klagekommisjon", case.sent_to_commission_on),
                             ("Begrunnelse gitt", case.explanation_given_on),
                             ("Videre vurdering", case.further_assessment_on),
                             ("Avgjort", case.decision_on), ("Vedtak sendt", case.decision_sent_on),
                             ("Lukket", case.closed_on)):
            if value:
                lines.append(f"{label}: {value:%d.%m.%Y}")
        if case.new_grade:
            lines.append(f"Ny karakter fra klagekommisjonen: {case.new_grade} ({OUTCOME_WORDS.get(case.outcome, '–')})")
        text = Text()
        for line in lines:
            text.append(*(line if isinstance(line, tuple) else (line,)))
            text.append("\n")
        self.query_one("#case-detail", Static).update(text)

    # --- actions -----------------------------------------------------------------
    def action_new_case(self) -> None:
        def done(case_id: int | None) -> None:
            if case_id is not None:
                self._say(f"Sak {case_id} registrert")
                self.load(select_case=case_id)

        self.app.push_screen(NewCaseDialog(), done)

    def action_view(self, view: str) -> None:
        self.view = view
        self.load()

    def action_cycle_type(self) -> None:
        self.type_filter = TYPE_FILTERS[(TYPE_FILTERS.index(self.type_filter) + 1) % len(TYPE_FILTERS)]
        self.load()

    def action_toggle_exam(self) -> None:
        row = self._current()
        self.exam_filter = None if self.exam_filter is not None or row is None else row.exam_id
        self.load()

    def _run(self, call, success: str, *, in_place: bool = False) -> None:
        """Apply `call(row)` to the case under the cursor; then reload the
        list, or with `in_place` (call returns (message, CaseView)) update
        its row and move to the next case."""
        from eksamen_tui.domain.errors import ChangedMeanwhile

        row = self._current()
        if row is None:
            self._say("Velg en sak i listen først", error=True)
            return
        try:
            message = call(row)
        except ChangedMeanwhile as error:
            self._say(str(error), error=True)
            self.load(select_case=row.case.id)  # show the case as it is now
            return
        except Exception as error:  # noqa: BLE001 - a rule's refusal as it is, anything else logged
            self.report_failure(error, where="saksbehandling")
            return
        if in_place:
            message, case = message
            self._replace_row(case, detail=False)
            self._say(message or success)
            self.query_one("#cases", EntryTable).advance()
            self._detail_stale = True  # the case the cursor is on now: shown by the pacer's next draw
            return
        self._say(message or success)
        self.load(select_case=row.case.id)

    def action_explanation_given(self) -> None:
        from eksamen_tui.services.appeals import record_explanation_given
        from screens.dialogs import FieldError, FormDialog, FormField

        row = self._current()
        if row is None:
            self._say("Velg en sak i listen først", error=True)
            return
        case_id = row.case.id

        def submit(values: dict):
            from eksamen_tui.domain.errors import DomainError

            try:
                given_on = parse_day(values["day"], self.ctx.today())
            except DomainError as error:
                raise FieldError("day", str(error)) from error
            record_explanation_given(self.ctx, case_id, given_on, values["form"], seen=row.status)
            return given_on

        def done(given_on) -> None:
            if given_on is None:
                self._say(f"Sak {case_id}: ingenting registrert")
                return
            self._say(f"Sak {case_id}: begrunnelse registrert som gitt {given_on:%d.%m.%Y}")
            self.load(select_case=case_id)

        self.app.push_screen(FormDialog(
            f"Begrunnelse gitt – sak {case_id}",
            [FormField("form", "Form", "f", options=[("skriftlig", "written"), ("muntlig", "oral")], value="written",
                       required=True),
             FormField("day", "Dato gitt", "d", placeholder="DD.MM.ÅÅÅÅ – tom = i dag")],
            submit, text=f"{row.course_code} kandidat {row.candidate_number}.", ok="Registrer", error_field="day"),
            done)

    def action_send(self) -> None:
        from eksamen_tui.services.appeals import send_refusal, send_to_commission
        from screens.dialogs import ConfirmDialog

        row = self._current()
        if row is None:
            self._say("Velg en sak i listen først", error=True)
            return
        exam_id, label = row.exam_id, f"{row.course_code} eksamen {row.exam_date:%d.%m.%Y}"
        answer = self._call(send_refusal, self.ctx, exam_id)
        if answer is REFUSED:
            return
        refusal, count = answer
        if refusal:  # why not, before any question
            self._say(f"{label}: {refusal}", error=True)
            return

        def done(yes: bool | None) -> None:
            if not yes:
                self._say("Ingenting sendt")
                return

            def send(_row):
                cases = send_to_commission(self.ctx, exam_id)
                noun = "klage" if len(cases) == 1 else "klager"
                return (f"{len(cases)} {noun} for {label} sendt til klagekommisjonen; frist for ny sensur "
                        f"{cases[0].deadline:%d.%m.%Y}")

            self._run(send, "Sendt")

        self.app.push_screen(ConfirmDialog(
            "Send til klagekommisjonen",
            f"Sende {count} {'klage' if count == 1 else 'klager'} på karakter for {label} til klagekommisjonen i dag "
            f"({self.ctx.today():%d.%m.%Y})? Fristen for ny sensur begynner å løpe.", yes="Send"), done)

    async def action_grade(self, key: str) -> None:
        self._grade(key)
        await self._pacer.key_done()  # a burst of keys: the counts are drawn between them

    def _before_key_draw(self) -> None:
        """Before the pacer draws what a grade key changed: the detail
        follows the cursor here, when a burst ends or
        pauses (a dozen lines of another case on every frame of a burst
        would cost more than the keys; the counts are drawn every time)."""
        if self._detail_stale and not self._pacer.mid_burst:
            self._detail_stale = False
            self._show_detail()

    def _grade(self, key: str) -> None:
        from eksamen_tui.domain.appeal_rules import Outcome
        from eksamen_tui.services.appeals import enter_new_grade

        value = grade_for_key(key)
        current = self._current()
        if current is not None and current.case.case_type != "grade_appeal":
            self._say("Ny karakter føres bare på klage på karakter", error=True)
            return

        def enter(row):
            result = enter_new_grade(self.ctx, row.case.id, value, seen=row.status)
            if result.waiting_for_further_assessment:
                return (f"Ny karakter {value} er to trinn eller mer fra {row.case.original_grade}: "
                        "venter på videre vurdering (V)"), result.case
            return (f"Ny karakter {value} ({Outcome(result.outcome).label}); "
                    f"den erstatter {row.case.original_grade}"), result.case

        self._run(enter, "", in_place=True)  # one key per case: the cursor moves on

    def action_further(self) -> None:
        from eksamen_tui.domain.scales import grades_of
        from eksamen_tui.services.appeals import record_further_assessment
        from eksamen_tui.services.grades import protocol_info
        from screens.dialogs import FormDialog, FormField

        row = self._current()
        if row is None:
            self._say("Velg en sak i listen først", error=True)
            return
        if not row.case.needs_further_assessment or row.case.decision_on is not None:
            self._say(f"Sak {row.case.id} venter ikke på en videre vurdering", error=True)
            return
        case_id = row.case.id
        info = self._call(protocol_info, self.ctx, row.exam_id)
        if info is REFUSED:
            return
        scale = info.scale

        def submit(values: dict):
            record_further_assessment(self.ctx, case_id, values["grade"], seen=row.status)
            return values["grade"]

        def done(grade) -> None:
            if grade is None:
                self._say(f"Sak {case_id}: ingenting registrert")
                return
            self._say(f"Sak {case_id}: endelig karakter {grade} satt etter videre vurdering")
            self.load(select_case=case_id)

        self.app.push_screen(FormDialog(
            f"Videre vurdering – sak {case_id}",
            [FormField("grade", "Endelig karakter", "k", options=[(g, g) for g in grades_of(scale)], required=True)],
            submit, text=f"Opprinnelig {row.case.original_grade}, klagekommisjonen {row.case.new_grade}.",
            ok="Sett endelig karakter", error_field="grade"), done)

    def action_formal_decision(self) -> None:
        from eksamen_tui.services.appeals import decide_formal_appeal
        from screens.dialogs import FormDialog, FormField

        row = self._current()
        if row is None:
            self._say("Velg en sak i listen først", error=True)
            return
        if row.case.case_type != "formal_appeal":
            self._say(f"Sak {row.case.id} er ikke en klage på formell feil", error=True)
            return
        case_id = row.case.id

        def submit(values: dict):
            decide_formal_appeal(self.ctx, case_id, values["upheld"] == "yes", values["note"].strip(), seen=row.status)
            return values["upheld"]

        def done(answer) -> None:
            if answer is None:
                self._say(f"Sak {case_id}: ingenting registrert")
                return
            self._say("Klagen fikk medhold" if answer == "yes" else "Klagen ble ikke tatt til følge")
            self.load(select_case=case_id)

        self.app.push_screen(FormDialog(
            f"Klage på formell feil – sak {case_id}",
            [FormField("upheld", "Avgjørelse", "a", options=[("medhold", "yes"), ("ikke medhold", "no")],
                       required=True),
             FormField("note", "Merknad", "m", placeholder="valgfri")],
            submit, ok="Registrer avgjørelse", error_field="upheld"), done)

    def action_close_case(self) -> None:
        from eksamen_tui.services.appeals import close_case
        from screens.dialogs import ConfirmDialog

        row = self._current()
        if row is None:
            self._say("Velg en sak i listen først", error=True)
            return
        case = row.case
        refusal = ("Saken er allerede lukket" if case.closed_on else
                   "En begrunnelsessak lukkes når begrunnelsen er gitt (G)" if case.case_type == "explanation" else
                   "Saken har ingen avgjørelse ennå" if case.decision_on is None else "")
        if refusal:  # why not, before any question (close_case refuses the same)
            self._say(f"Sak {case.id}: {refusal}", error=True)
            return

        def done(yes: bool | None) -> None:
            if not yes:
                self._say(f"Sak {case.id} er ikke lukket")
                return
            self._run(lambda r: close_case(self.ctx, case.id, seen=row.status) and None,
                      f"Sak {case.id}: vedtak sendt i dag; saken er lukket (O gjenåpner)")

        self.app.push_screen(ConfirmDialog(
            "Lukk saken",
            f"Vedtaket i sak {case.id} ({row.course_code} kandidat {row.candidate_number}) er sendt i dag "
            f"({self.ctx.today():%d.%m.%Y}): lukke saken?", yes="Lukk saken"), done)

    def action_reopen(self) -> None:
        from eksamen_tui.services.appeals import REOPEN_REASONS, reopen_case
        from screens.dialogs import FieldError, FormDialog, FormField

        row = self._current()
        if row is None:
            self._say("Velg en sak i listen først (3 viser også lukkede)", error=True)
            return
        if row.case.closed_on is None:
            self._say(f"Sak {row.case.id} er ikke lukket", error=True)
            return
        case_id = row.case.id

        def submit(values: dict):
            if values["reason"] == "other" and not values["note"].strip():
                raise FieldError("note", "Skriv en merknad når årsaken er «annet»")
            return reopen_case(self.ctx, case_id, values["reason"], values["note"], seen=row.status)

        def done(case) -> None:
            if case is None:
                self._say(f"Sak {case_id} er fortsatt lukket")
                return
            self._say(f"Sak {case_id} er gjenåpnet")
            self.load(select_case=case_id)

        self.app.push_screen(FormDialog(
            f"Gjenåpne sak {case_id}",
            [FormField("reason", "Årsak", "a", options=[(v, k) for k, v in REOPEN_REASONS.items()], required=True),
             FormField("note", "Merknad", "m", placeholder="valgfri (påkrevd ved «annet»)")],
            submit, text=f"Lukket {row.case.closed_on:%d.%m.%Y}. Avgjørelsen og en ny karakter står; "
            "datoen vedtaket ble sendt registreres på nytt.", ok="Gjenåpne", error_field="reason"), done)

    def open_target(self, exam_id: int) -> None:
        """Opened on an exam (dashboard Enter): its open cases."""
        from eksamen_tui.services.exams import exam_choice

        self.exam_filter, self.view, self.type_filter = exam_id, "open", None
        self.load()
        self.query_one("#cases", EntryTable).focus()
        self.show_opened_exam(exam_choice(self.ctx, exam_id).label, "Eksamenens åpne saker; T viser alle eksamener.")

    def action_history(self) -> None:
        from eksamen_tui.services.audit_log import AuditFilter

        row = self._current()
        if row is None:
            return
        self.show_history(AuditFilter(registration_id=row.case.registration_id, candidate_number=row.candidate_number,
                                      title=f"kandidat {row.candidate_number}, {row.course_code} "
                                            f"{row.exam_date:%d.%m.%Y}"))

    def action_blind_export(self) -> None:
        from eksamen_tui.services.appeals import blind_export

        row = self._current()
        if row is None:
            self._say("Velg en sak i listen først", error=True)
            return
        self.run_export("blind eksport", blind_export, self.ctx, row.exam_id)
