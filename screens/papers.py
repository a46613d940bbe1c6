"""Desk: receiving exam papers at the counter. Find the exam, tick the
checklist, register; the receipt slip comes up at once. The overview lists
the coming exams whose paper is missing, due soon or late."""
from __future__ import annotations

import json

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Header, Input, Label, Select, Static

from screens.base import REFUSED, DeskScreen, ReportsWorkerFailures, count_text, when_typed_in
from screens.widgets.entry_table import EntryTable
from screens.widgets.exam_picker import ExamPicker
from screens.footer import DeskFooter

def working_days(count: int) -> str:
    from eksamen_tui.domain.deadlines import working_days_text

    return working_days_text(count)


STATE_TEXT = {
    "received": "mottatt", "late_received": "mottatt for sent", "missing_late": "MANGLER – frist ute",
    "due_soon": "frist snart", "missing": "ikke levert",
}


class ReceiptDialog(ReportsWorkerFailures, ModalScreen[None]):
    """The slip for the contact person; T/H save it as text or HTML."""

    DEFAULT_CSS = """
    ReceiptDialog { align: center middle; }
    ReceiptDialog > VerticalScroll { width: 96; max-width: 95%; height: auto; max-height: 90%;
        border: thick $accent; background: $panel; padding: 1 2; }
    """
    BINDINGS = [
        Binding("t", "save('txt')", "Lagre .txt", id="receipt.txt", tooltip="Lagre kvitteringen som tekstfil"),
        Binding("h", "save('html')", "Lagre .html", id="receipt.html", tooltip="Lagre kvitteringen for utskrift"),
        Binding("escape,enter", "close", "Lukk", id="receipt.close", tooltip="Lukk kvitteringen"),
    ]

    def __init__(self, exam_id: int, delivery_id: int, lines: list[str]) -> None:
        super().__init__()
        self.exam_id, self.delivery_id, self.lines = exam_id, delivery_id, lines

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("\n".join(self.lines)))
            yield Static("", id="receipt-saved")

    def _say(self, message: str, *, error: bool = False) -> None:
        saved = self.query_one("#receipt-saved", Static)
        saved.loading = False
        saved.update(Text(message, style="bold red" if error else ""))

    def action_save(self, fmt: str) -> None:
        self.query_one("#receipt-saved", Static).loading = True  # the indicator while it is written
        self._save(fmt)

    @work(thread=True, exclusive=True, group="receipt-save", exit_on_error=False)
    def _save(self, fmt: str) -> None:
        from eksamen_tui.services.papers import export_receipt

        path = export_receipt(self.app.ctx, self.exam_id, self.delivery_id, fmt)
        self.app.call_from_thread(self._say, f"Lagret: {path}")

    def action_close(self) -> None:
        self.dismiss(None)


class CheckItem(Static, can_focus=True):
    """A checklist item whose state is a symbol, not a colour: ☑ ticked,
    ☐ not ticked, – does not apply. Space (or a click) ticks; Enter moves on
    (the form). A focusable Static rather than a Checkbox: the form mounts
    nine of them on the desk's first visit, and a Checkbox's two component
    styles and its own stylesheet made that visit ~7 ms slower (median of
    twelve interleaved pairs on the large database)."""

    BINDINGS = [Binding("space", "tick", "Kryss av/fjern", show=False, id="papers.check_item")]

    value: reactive[bool] = reactive(False)

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(id=id)
        self._label = label

    @property
    def label(self) -> Content:
        return Content(self._label)

    @label.setter
    def label(self, text: str) -> None:
        self._label = text
        self.refresh(layout=True)

    def render(self) -> Content:
        symbol = "–" if self.disabled else ("☑" if self.value else "☐")
        return Content.assemble((symbol, "bold" if self.value else ""), " ", self._label)

    def toggle(self) -> None:
        self.value = not self.value

    def action_tick(self) -> None:
        if not self.disabled:
            self.toggle()

    def on_click(self) -> None:
        self.action_tick()


# The form's fields in order, with the Alt+letter that jumps to each.
FORM_FIELDS = (("delivered-by", "l"), ("format", "f"), ("copies", "k"), ("remark", "m"))


def _overview_cells(status) -> tuple:
    """A row of the overview: deadline, course, exam date, state in words
    (red when late, yellow when due soon), working days left."""
    state = STATE_TEXT[status.state]
    if status.delivery is not None and not status.delivery.checklist_complete:
        state += ", ufullstendig"
    style = "bold red" if status.state == "missing_late" else ("yellow" if status.state == "due_soon" else "")
    days = status.working_days_left
    # (day and month: the overview spans the next 14 days and the late ones)
    return (f"{status.deadline:%d.%m}", status.course_code, f"{status.exam_date:%d.%m}",
            Text.styled(state, style), str(days) if days >= 0 else f"{-days} for sent")


class PapersScreen(DeskScreen):
    TITLE = "Eksamensoppgaver"
    CSS_PATH = "papers.tcss"
    HELP = """
Mottak av eksamensoppgaver. Skriv emnekode (eller del av navnet) – listen
snevres inn mens du skriver – og Enter velger eksamenen. Oversikten til venstre
viser eksamener de neste 14 dagene der oppgaven mangler, har frist snart eller
er for sen; Enter på en rad åpner mottaket for den.

Sjekklisten krysses av med tallene 1–9 (eller Tab og mellomrom). Punkter som
følger av oppmeldingene (målform, tilrettelegging) er beregnet og merket
«ikke aktuelt» når de ikke gjelder. Fyll ut «Levert av», og Ctrl+R registrerer
mottaket. En sen levering registreres som sen, aldri avvist; en ny levering
(rettet versjon) erstatter den forrige, som blir liggende i historikken.
"""
    BINDINGS = [
        Binding("ctrl+r", "register", "Registrer mottak", id="papers.register",
                tooltip="Registrer oppgaven som mottatt nå"),
        Binding("slash", "search", "Søk eksamen", id="papers.search", tooltip="Finn eksamen på emnekode eller navn"),
        Binding("o", "overview", "Oversikt", id="papers.overview", tooltip="Gå til listen over manglende oppgaver"),
        Binding("k", "receipt", "Kvittering", id="papers.receipt", tooltip="Vis siste kvittering for eksamenen"),
        Binding("h", "history", "Historikk", id="papers.history", tooltip="Endringsloggen for eksamenens oppgave"),
        *(Binding(str(n), f"toggle({n})", f"Punkt {n}", show=False, priority=True, id=f"papers.toggle{n}")
          for n in range(1, 10)),
        Binding("enter", "open_overview_row", "Åpne", show=False, id="papers.open",
                tooltip="Åpne mottaket for eksamenen i oversikten"),
        # The form's moves between fields (and the checklist's numbers, P on
        # the format) are priority bindings: the app runs them as the key
        # arrives, so the keys typed right after (a fast typist, a scanner)
        # go to the field moved to. A widget's own key handler, or a plain
        # binding, runs only when the widget gets to the key, and the keys
        # behind it had by then been handed to the field left («Kari»,
        # Enter, P, Enter, «30» made the name «Karip30»; a number after
        # Alt+L ticked nothing).
        *(Binding(f"alt+{letter}", f"jump('{name}')", show=False, priority=True, id=f"papers.jump_{name}")
          for name, letter in FORM_FIELDS),
        Binding("enter", "form_enter", show=False, priority=True, id="papers.form_enter"),
        Binding("p,P", "switch_format", show=False, priority=True, id="papers.format"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exam_id: int | None = None
        self.context = None

    def compose(self) -> ComposeResult:
        from eksamen_tui.domain.paper_checklist import CHECKLIST_ITEMS

        yield Header()
        yield ExamPicker(id="picker")
        with Horizontal(id="papers-body"):
            with Vertical(id="overview-panel"):
                yield Label(Text("Neste 14 dager: mangler, frist snart eller for sent", style="bold"))
                # the Line API table: only the rows on screen are drawn, no cell is measured by Rich
                yield EntryTable(id="overview", zebra_stripes=True)
            with VerticalScroll(id="form"):
                yield Static("Velg en eksamen: skriv emnekode over, eller Enter på en rad i oversikten.", id="exam-info")
                yield Static("", id="result")
                for number, (key, label) in enumerate(CHECKLIST_ITEMS.items(), start=1):
                    yield CheckItem(f"{number}  {label}", id=f"check-{key}")
                yield Label("Levert av (navn) · Alt+L", classes="field-label")
                yield Input(placeholder="Instituttets kontaktperson", id="delivered-by")
                yield Label("Format · Alt+F (P velger)", classes="field-label")
                yield Select([("Papir", "paper"), ("PDF", "pdf")], value="paper", allow_blank=False, id="format")
                yield Label("Antall kopier · Alt+K", classes="field-label")
                yield Input(id="copies", type="integer")
                yield Label("Merknad · Alt+M (Enter her registrerer)", classes="field-label")
                yield Input(id="remark", placeholder="Fri tekst (valgfritt)")
        yield Static("", id="message")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#overview", EntryTable)
        # 76 columns with padding: the overview fits 80 columns, scrollbar included
        for label, key, width in (("Frist", "deadline", 6), ("Emne", "code", 10), ("Eksamen", "exam", 8),
                                  ("Status", "state", 30), ("Virked.", "days", 12)):
            table.add_column(label, key=key, width=width)
        super().on_mount()

    def on_ready(self) -> None:
        self.load_overview()
        self.query_one(ExamPicker).focus_input()

    def on_screen_resume(self) -> None:
        if self.ready and self._ready_done:
            self.load_overview()

    @work(thread=True, exclusive=True, group="papers-overview", exit_on_error=False)
    def load_overview(self) -> None:
        from eksamen_tui.services.papers import paper_overview

        rows = [p for p in paper_overview(self.ctx) if p.state not in ("received",)]
        self.app.call_from_thread(self._show_overview, rows)

    _overview_rows: list | None = None  # what the overview shows now

    def _show_overview(self, rows) -> None:
        if rows == self._overview_rows:
            return  # reloaded on every visit: most visits find nothing new (855 rows on a large database)
        self._overview_rows = rows
        self.query_one("#overview", EntryTable).fill((str(status.exam_id), _overview_cells(status)) for status in rows)

    # --- choosing the exam -----------------------------------------------------
    @on(ExamPicker.Picked)
    def _picked(self, event: ExamPicker.Picked) -> None:
        self.open_exam(event.exam_id)

    def action_open_overview_row(self) -> None:
        """Enter on a row of the overview: its exam's delivery form."""
        table = self.query_one("#overview", EntryTable)
        if table.row_count:
            self.open_exam(int(table.cursor_key))

    def open_exam(self, exam_id: int, announce: bool = True) -> None:
        from eksamen_tui.domain.paper_checklist import CHECKLIST_ITEMS
        from eksamen_tui.services.papers import paper_context

        if exam_id != self.exam_id:
            self.query_one("#result", Static).display = False  # a result stays until the clerk moves on
        context = self._call(paper_context, self.ctx, exam_id)
        if context is REFUSED:  # the desk stays as it was
            return
        self.exam_id = exam_id
        self.context = context
        info = Text(context.label + "\n", style="bold")
        info.append(f"Kl. {context.start_time or '–'} · {context.campus or '–'} · rom: {context.rooms or '–'} · "
                    f"{count_text(context.registered, 'kandidat', 'kandidater')}\n")
        if context.working_days_left >= 0:
            info.append(f"Leveringsfrist {context.deadline:%d.%m.%Y} – {working_days(context.working_days_left)} "
                        "igjen\n")
        else:
            info.append(f"Leveringsfrist {context.deadline:%d.%m.%Y} – {working_days(-context.working_days_left)} "
                        "FOR SENT (registreres som for sen)\n", style="bold red")
        if context.is_past:
            info.append("Eksamenen er allerede holdt – mottak kan ikke registreres.\n", style="bold red")
        for number, delivery in enumerate(context.deliveries, start=1):
            info.append(f"Tidligere levering {number}: {delivery.received_at:%d.%m.%Y %H:%M} av {delivery.delivered_by}"
                        f"{' (for sent)' if delivery.is_late else ''}"
                        f"{'' if delivery.checklist_complete else ' – sjekkliste ufullstendig'}\n")
        self.query_one("#exam-info", Static).update(info)
        previous = json.loads(context.latest.checklist) if context.latest else {}
        for key in CHECKLIST_ITEMS:
            box = self.query_one(f"#check-{key}", CheckItem)
            applies = context.needs.applies(key)
            box.disabled = not applies
            box.value = bool(previous.get(key)) if applies else False
            box.can_focus = applies  # Tab and Enter pass over items that do not apply
            label = box.label.plain.split(" (ikke aktuelt")[0].split(" (beregnet")[0]
            if key in ("both_language_forms", "electronic_copy"):
                label += " (beregnet: gjelder)" if applies else " (ikke aktuelt)"
            box.label = label
        self.query_one("#copies", Input).value = str(context.default_copies)
        self.query_one("#delivered-by", Input).value = ""
        self.query_one("#remark", Input).value = ""
        self.query_one("#format", Select).value = "paper"
        self.query_one("#picker").display = False
        self.add_class("-exam-open")
        next(box for box in self.query(CheckItem) if box.can_focus).focus(scroll_visible=False)
        self.call_after_refresh(self.query_one("#form").scroll_home, animate=False)  # the exam's facts first
        if announce:
            self.show_opened_exam(context.label, f"Kryss av sjekklisten (1–{len(CHECKLIST_ITEMS)}, mellomrom), "
                                  "Enter går til neste felt, Alt+L til «Levert av»; Ctrl+R registrerer.")
        else:
            self.sub_title = context.label
        self.refresh_bindings()

    # --- actions ------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "open_overview_row":
            return self.query_one("#overview", EntryTable).has_focus
        if action in ("overview", "receipt", "history") and self._in_form():
            return False  # a letter typed in the form is never a desk shortcut
        if action == "toggle":  # (a priority binding, see BINDINGS: never a digit typed into a field)
            return self.exam_id is not None and not isinstance(self.focused, Input)
        if action in ("register", "receipt", "history"):
            return self.exam_id is not None or None
        if action == "jump":  # (False: the key goes on to the focused widget)
            return self.exam_id is not None
        if action == "switch_format":
            return self.exam_id is not None and self.focused is self.query_one("#format", Select)
        if action == "form_enter":
            return self.exam_id is not None and self._in_form() and (
                self.focused in self._form_order() or self.focused.id == "form")
        return True

    def action_jump(self, field: str) -> None:
        self.set_focus(self.query_one(f"#{field}"))

    def action_switch_format(self) -> None:
        """P on the format: paper ↔ PDF."""
        choice = self.query_one("#format", Select)
        choice.value = "pdf" if choice.value == "paper" else "paper"

    def action_form_enter(self) -> None:
        """Enter in the form moves to the next field; in the last it registers."""
        order = self._form_order()
        focused = self.focused
        if focused.id == "form":
            self.set_focus(order[0])
        elif focused is order[-1]:
            self.action_register()
        else:
            self.set_focus(order[order.index(focused) + 1])

    def action_toggle(self, number: int) -> None:
        from eksamen_tui.domain.paper_checklist import CHECKLIST_ITEMS

        key = list(CHECKLIST_ITEMS)[number - 1]
        box = self.query_one(f"#check-{key}", CheckItem)
        if box.disabled:
            self._say(f"Punkt {number} er ikke aktuelt for denne eksamenen")
            return
        box.toggle()

    # a registration waits for the fields: a second Enter or Ctrl+R meanwhile is the same one
    _registering = False

    def action_register(self) -> None:
        """Ctrl+R, or Enter in the last field: register once every field has
        taken in the keys already typed into it (a burst is still in their
        queues when this key arrives)."""
        if self._registering:
            return
        self._registering = True
        when_typed_in([self.query_one(f"#{name}") for name, _ in FORM_FIELDS], self._register_once)

    def _register_once(self) -> None:
        try:
            self._register()
        finally:
            self._registering = False

    def _register(self) -> None:
        from eksamen_tui.domain.paper_checklist import CHECKLIST_ITEMS, missing_items
        from eksamen_tui.services.papers import paper_context, receipt_lines, register_delivery

        checklist = {key: self.query_one(f"#check-{key}", CheckItem).value for key in CHECKLIST_ITEMS}
        copies_text = self.query_one("#copies", Input).value.strip()  # the service parses it
        delivery = self._call(
            register_delivery, self.ctx, self.exam_id, checklist=checklist,
            delivered_by=self.query_one("#delivered-by", Input).value,
            delivery_format=self.query_one("#format", Select).value,
            copies=copies_text or None,
            remark=self.query_one("#remark", Input).value,
        )
        if delivery is REFUSED:
            return
        context = self._call(paper_context, self.ctx, self.exam_id)
        if context is REFUSED:  # registered; the receipt can be shown again
            return
        missing = missing_items(json.loads(delivery.checklist), context.needs)
        message = f"✔ Registrert {delivery.received_at:%d.%m.%Y %H:%M} av {delivery.delivered_by}"
        if delivery.is_late:
            message += " – FOR SENT (frist " + f"{delivery.deadline:%d.%m.%Y})"
        if missing:
            message += f" – sjekklisten er ufullstendig ({len(missing)} {'punkt mangler' if len(missing) == 1 else 'punkter mangler'})"
        self.open_exam(self.exam_id, announce=False)
        result = self.query_one("#result", Static)
        result.update(Text(message, style="bold red" if delivery.is_late or missing else "bold green"))
        result.display = True
        self._say(message + ". Neste: / søker en ny eksamen.", error=delivery.is_late or bool(missing))
        self.load_overview()
        self.app.push_screen(ReceiptDialog(self.exam_id, delivery.id, receipt_lines(context, delivery)))

    def action_receipt(self) -> None:
        from eksamen_tui.services.papers import paper_context, receipt_lines

        context = self._call(paper_context, self.ctx, self.exam_id)
        if context is REFUSED:
            return
        if context.latest is None:
            self._say("Ingen levering registrert for denne eksamenen", error=True)
            return
        self.app.push_screen(ReceiptDialog(self.exam_id, context.latest.id, receipt_lines(context, context.latest)))

    def action_history(self) -> None:
        from eksamen_tui.services.audit_log import AuditFilter

        self.show_history(AuditFilter(exam_id=self.exam_id, kind="paper", title=self.context.label))

    def action_search(self) -> None:
        picker = self.query_one("#picker")
        picker.display = True
        picker.focus_input()

    def action_overview(self) -> None:
        self.remove_class("-exam-open")  # a narrow desk shows the overview in the form's place
        self.query_one("#overview", EntryTable).focus()

    # --- the form by keys ---------------------------------------------------------
    def _in_form(self) -> bool:
        focused = self.focused
        return focused is not None and (focused.id == "form" or any(a.id == "form" for a in focused.ancestors))

    def _form_order(self) -> list:
        boxes = [box for box in self.query(CheckItem) if box.can_focus]
        return boxes + [self.query_one(f"#{name}") for name, _ in FORM_FIELDS]

    def on_key(self, event) -> None:
        if self.exam_id is None:
            return
        focused = self.focused
        if not self._in_form():
            return
        if event.key == "escape":
            # Esc leaves the field; a second Esc leaves the form for the search
            event.stop()
            event.prevent_default()
            if focused.id == "form":
                self.action_search()
                self._say("Skjemaet er forlatt (ingenting er endret). Skriv emnekode, eller Alt+L tilbake.")
            else:
                self.set_focus(self.query_one("#form"))
                self._say("Ute av feltet. Esc igjen forlater skjemaet; Enter eller Alt+L går tilbake.")
            return
        if (isinstance(focused, (CheckItem, Select)) or focused.id == "form") and event.character \
                and event.character.isalpha():
            # letters on the checklist are no desk shortcuts: say where typing goes
            event.stop()
            event.prevent_default()
            self._say(f"«{event.character}» gjør ingenting i sjekklisten: Alt+L går til «Levert av», "
                      "Esc forlater skjemaet.", error=True)
