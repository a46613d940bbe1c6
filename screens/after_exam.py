"""Desk (F10): after the exam. Answer scripts out and back per examiner (missing
in words until resolved with a reason), grading-deadline extensions,
grading guidelines published, fee forms and the resit list. Keyboard only:
find the exam, then U (hand out) or R (return) on an examiner's row and
Ctrl+R; the count is prefilled."""
from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.base import REFUSED, DeskScreen
from screens.widgets.exam_picker import ExamPicker
from screens.footer import DeskFooter

VIEWS = {"custody": "Besvarelser", "fees": "Honorarskjema", "resits": "Konteliste"}


def _date(day: date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else "–"


class AfterExamScreen(DeskScreen):
    TITLE = "Etter eksamen"
    CSS_PATH = "after_exam.tcss"
    HELP = """
Etter eksamen: besvarelsene ut og inn, utsatt sensurfrist, sensorveiledning,
honorarskjema og konte.

Skriv emnekode og Enter for å åpne en eksamen. Listen viser hver sensor i
kommisjonen med besvarelser utlevert, tilbake og hva som mangler – i ord.
U registrerer utlevering til sensoren markøren står på (antallet er fylt ut
fra oppmøtet), R registrerer retur (fylt ut med det som er ute); Ctrl+R lagrer.
Eksterne sensorer får hvite originaler (tilbake senest ved sensurfristen),
interne kopien (tilbake når fristen for å be om begrunnelse er ute).
A avklarer en mangel med en årsak. E registrerer en godkjent utsettelse av
sensurfristen. V registrerer at sensorveiledningen er publisert.
X eksporterer listen som vises (besvarelser for revisjonen, honorar, konte).
H viser honorarskjemaene (S sendt, B bekreftet); K viser kontelisten for emnet;
L går tilbake til besvarelsene. / søker etter en annen eksamen.
"""
    BINDINGS = [
        Binding("slash", "search", "Søk eksamen", id="after.search", tooltip="Finn eksamen på emnekode eller navn"),
        Binding("u", "hand_out", "Utlever", id="after.hand_out", tooltip="Registrer besvarelser utlevert til sensoren"),
        Binding("r", "return_scripts", "Retur", id="after.return", tooltip="Registrer besvarelser levert tilbake"),
        Binding("a", "resolve", "Avklar mangel", id="after.resolve", tooltip="Gjør rede for manglende besvarelser"),
        Binding("e", "extend", "Utsett sensurfrist", id="after.extend", tooltip="Registrer godkjent utsettelse"),
        Binding("v", "guidelines", "Veiledning publisert", id="after.guidelines",
                tooltip="Registrer at sensorveiledningen er publisert for kandidatene"),
        Binding("h", "view('fees')", "Honorar", id="after.fees", tooltip="Vis sensorer som skal ha honorarskjema"),
        Binding("k", "view('resits')", "Konte", id="after.resits", tooltip="Vis hvem som kan melde seg til konte"),
        Binding("l", "view('custody')", "Besvarelser", id="after.custody", tooltip="Vis besvarelsene ut og inn"),
        Binding("s", "fee('sent')", "Sendt", id="after.fee_sent", tooltip="Honorarskjemaet er sendt til sensor"),
        Binding("b", "fee('confirmed')", "Bekreftet", id="after.fee_confirmed", tooltip="Sensor har bekreftet skjemaet"),
        Binding("x", "export", "Eksporter", id="after.export", tooltip="Lagre listen som vises som .xlsx (A4)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.exam_id: int | None = None
        self.view = "custody"
        self.custody = None
        self._fees = {}
        self._resit_list = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield ExamPicker(id="picker")
        yield Static("Skriv emnekode for å åpne en eksamen. H viser honorarskjemaene.", id="exam-info")
        yield DataTable(id="custody", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="fees", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="resits", cursor_type="row", zebra_stripes=True)
        yield Static("", id="message")
        yield DeskFooter()

    def on_mount(self) -> None:
        columns = {
            # at 120 columns the status («33 kopier ute (ingen tilbake ennå)») fits whole
            "custody": (("Sensor", 24), ("Type", 7), ("Besvarelse", 10), ("Utlevert", 8), ("Tilbake", 7),
                        ("Mangler", 7), ("Status", 60)),
            "fees": (("Emne", 10), ("Eksamen", 11), ("Kunngjort", 11), ("Sensor", 24), ("Grunnlag", 15),
                     ("Besvarelser", 11), ("Status", 12), ("Sendt", 11), ("Bekreftet", 11)),
            "resits": (("Kandidatnr", 10), ("Studentnr", 10), ("Navn", 26), ("Resultat", 20), ("Forsøk igjen", 12),
                       ("Begrunnelse", 50)),
        }
        for name, cols in columns.items():
            table = self.query_one(f"#{name}", DataTable)
            for label, width in cols:
                table.add_column(label, width=width)
        self._show_view()
        super().on_mount()

    def on_ready(self) -> None:
        self.query_one(ExamPicker).focus_input()

    # --- choosing the exam ------------------------------------------------------
    def action_search(self) -> None:
        picker = self.query_one("#picker")
        picker.display = True
        self.query_one(ExamPicker).focus_input()

    @on(ExamPicker.Picked)
    def _picked(self, event: ExamPicker.Picked) -> None:
        self.open_exam(event.exam_id)

    def open_exam(self, exam_id: int) -> None:
        self.exam_id = exam_id
        self.query_one("#picker").display = False
        self.view = "custody"
        self._show_view()
        self.load_custody()
        self.refresh_bindings()

    def load_custody(self) -> None:
        from eksamen_tui.services.custody import custody_view
        from eksamen_tui.services.guidelines import guidelines_status

        view = self._call(custody_view, self.ctx, self.exam_id)
        if view is REFUSED:
            return
        self.custody = view
        if self.sub_title != view.label:
            self.show_opened_exam(view.label, "U utlever · R retur · E utsett sensurfrist")
        info = Text(view.label + "\n", style="bold")
        grading = view.grading
        info.append(f"Sensurfrist {grading.describe()}",
                    style="bold yellow" if grading.is_extended else "")
        info.append(f" · innleverte besvarelser (oppmøte): {view.submissions}")
        info.append(f" · sensur kunngjort {_date(view.published_on)}" if view.published_on
                    else " · sensur ikke kunngjort")
        if view.explanation_deadline:
            info.append(f" · kopier tilbake etter {_date(view.explanation_deadline)}")
        info.append("\n" + guidelines_status(self.ctx, self.exam_id).describe() + "\n")
        summary = view.summary()
        info.append(summary, style="bold red" if view.overdue else ("bold" if view.missing else ""))
        self.query_one("#exam-info", Static).update(info)
        table = self.query_one("#custody", DataTable)
        row = table.cursor_row
        table.clear()
        shown = set()
        for item in view.items:
            shown.add((item.examiner_id, item.kind))
            style = "bold red" if item.overdue else ("yellow" if item.open_missing else "")
            table.add_row(item.name, "ekstern" if item.is_external else "intern", item.kind.label,
                          str(item.balance.out), str(item.balance.back), str(item.balance.missing),
                          Text(item.words, style=style), key=f"{item.examiner_id}:{item.kind.value}")
        for examiner in view.examiners:
            if (examiner.examiner_id, examiner.kind) not in shown:
                table.add_row(examiner.name, examiner.type_label, examiner.kind.label, "0", "0", "0",
                              "ikke utlevert", key=f"{examiner.examiner_id}:{examiner.kind.value}")
        if not view.examiners:
            self._say("Eksamenen har ingen kommisjon registrert – les inn kommisjonsskjemaet (F7) først", error=True)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
            table.focus()

    def _selected(self, name: str) -> str | None:
        table = self.query_one(f"#{name}", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _selected_examiner(self):
        from eksamen_tui.domain.custody import ScriptKind

        key = self._selected("custody")
        if key is None:
            self._say("Ingen sensor å velge – eksamenen har ingen kommisjon", error=True)
            return None
        examiner_id, kind = key.split(":")
        return int(examiner_id), ScriptKind(kind)

    # --- custody ------------------------------------------------------------------
    def action_hand_out(self) -> None:
        self._movement(out=True)

    def action_return_scripts(self) -> None:
        self._movement(out=False)

    def _movement(self, *, out: bool) -> None:
        from eksamen_tui.domain.custody import Direction, ScriptKind
        from eksamen_tui.services.custody import hand_out, return_scripts
        from screens.dialogs import FormDialog, FormField

        chosen = self._selected_examiner()
        if chosen is None or self.custody is None:
            return
        examiner_id, kind = chosen
        direction = Direction.OUT if out else Direction.BACK
        examiner = self.custody.examiner(examiner_id)
        count = self.custody.default_count(examiner_id, direction, kind)
        verb = "Utlevering til" if out else "Retur fra"

        def submit(values: dict):
            from eksamen_tui.domain.parsing import parse_date

            on_date = parse_date(values["date"], what="datoen", today=self.ctx.today())
            service = hand_out if out else return_scripts
            return service(self.ctx, self.exam_id, examiner_id, values["count"].strip(), kind=values["kind"],
                           on_date=on_date)

        fields = [
            FormField("count", "Antall besvarelser", "n", value=str(count) if count else ""),
            FormField("date", "Dato", "d", value=f"{self.ctx.today():%d.%m.%Y}"),
            FormField("kind", "Type", "t", options=[(k.label, k.value) for k in ScriptKind], value=kind.value),
        ]

        def done(result) -> None:
            if result is None:
                return
            self._say(result.describe(direction), error=bool(result.warning))
            self.load_custody()

        name = examiner.name if examiner else f"sensor {examiner_id}"
        self.app.push_screen(FormDialog(f"{verb} {name}", fields, submit, text=self.custody.label,
                                        error_field="count"), done)

    def action_resolve(self) -> None:
        from eksamen_tui.services.custody import resolve_shortfall
        from screens.dialogs import PromptDialog

        chosen = self._selected_examiner()
        if chosen is None:
            return
        examiner_id, kind = chosen
        item = self.custody.item(examiner_id, kind) if self.custody else None
        if item is None or item.open_missing == 0:
            self._say("Ingenting mangler hos denne sensoren – ingenting å avklare", error=True)
            return

        def check(reason: str) -> None:
            from eksamen_tui.domain.custody import check_reason

            check_reason(reason)

        def chosen_reason(reason: str | None) -> None:
            if reason is None:
                return
            result = self._call(resolve_shortfall, self.ctx, self.exam_id, examiner_id, kind, reason)
            if result is not REFUSED:
                self._say(f"Avklart: {result.sentence()}")
                self.load_custody()

        self.app.push_screen(PromptDialog("Avklar manglende besvarelser", item.sentence(), label="Årsak",
                                          check=check), chosen_reason)

    def action_extend(self) -> None:
        from eksamen_tui.services.extensions import record_extension
        from screens.dialogs import FormDialog, FormField

        grading = self.custody.grading

        def submit(values: dict):
            return record_extension(self.ctx, self.exam_id, values["date"], decision_reference=values["reference"],
                                    approved_by=values["approver"])

        fields = [FormField("date", "Ny sensurfrist (dd.mm.åååå)", "n", required=True),
                  FormField("reference", "Vedtakets referanse (saksnummer)", "r", required=True),
                  FormField("approver", "Godkjent av", "g", value="prorektor for utdanning", required=True)]

        def done(result) -> None:
            if result is not None:
                self._say(f"Sensurfristen er utsatt: {result.describe()}")
                self.load_custody()

        self.app.push_screen(FormDialog("Godkjent utsettelse av sensurfrist", fields, submit,
                                        text=f"{self.custody.label}\nSensurfrist nå: {grading.describe()}",
                                        error_field="date"), done)

    def action_guidelines(self) -> None:
        from eksamen_tui.services.guidelines import mark_published
        from screens.dialogs import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                result = self._call(mark_published, self.ctx, self.exam_id)
                if result is not REFUSED:
                    self._say(result.describe())
                    self.load_custody()

        self.app.push_screen(ConfirmDialog("Sensorveiledning", "Er sensorveiledningen publisert for kandidatene i dag?"),
                             answer)

    # --- views ---------------------------------------------------------------------
    def action_view(self, name: str) -> None:
        if name == "resits" and self.exam_id is None:
            self._say("Åpne en eksamen i emnet først (/)", error=True)
            return
        self.view = name
        self.query_one("#picker").display = False
        self._show_view()
        if name == "fees":
            self.load_fees()
        elif name == "resits":
            self.load_resits()
        elif self.exam_id is not None:
            self.load_custody()
        self.refresh_bindings()

    def _show_view(self) -> None:
        for name in VIEWS:
            self.query_one(f"#{name}").display = name == self.view
        if self.view != "custody" or self.exam_id is None:
            self.query_one(f"#{self.view}").focus()

    @work(thread=True, exclusive=True, group="after-fees")
    def load_fees(self) -> None:
        from eksamen_tui.services.fees import fee_list

        self.app.call_from_thread(self._show_fees, fee_list(self.ctx))

    def _show_fees(self, lines) -> None:
        self._fees = {line.key: line for line in lines}
        table = self.query_one("#fees", DataTable)
        row = table.cursor_row
        table.clear()
        for line in lines:
            style = "green" if line.state.value == "confirmed" else ("yellow" if line.state.value == "sent" else "")
            table.add_row(line.course_code, _date(line.exam_date), _date(line.published_on), line.name, line.basis,
                          "ukjent" if line.scripts is None else str(line.scripts), Text(line.state.label, style=style),
                          _date(line.sent_on), _date(line.confirmed_on), key=line.key)
        due = sum(1 for line in lines if line.state.value == "due")
        self.query_one("#exam-info", Static).update(Text.assemble(
            ("Honorarskjema", "bold"), f" – sensorer med kunngjort sensur det siste året: {len(lines)}, "
            f"skal sendes: {due}\nS: sendt · B: bekreftet · X: eksporter · L: tilbake til besvarelsene"))
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        table.focus()

    def action_fee(self, state: str) -> None:
        from eksamen_tui.services.fees import mark_confirmed, mark_sent

        key = self._selected("fees")
        line = self._fees.get(key) if key else None
        if line is None:
            self._say("Ingen sensor valgt i honorarlisten", error=True)
            return
        result = self._call(mark_sent if state == "sent" else mark_confirmed, self.ctx, line.exam_id, line.examiner_id)
        if result is not REFUSED:
            self._say(f"{result.name} ({result.course_code}): honorarskjema {result.state.label}")
            self.load_fees()

    @work(thread=True, exclusive=True, group="after-resits")
    def load_resits(self) -> None:
        from eksamen_tui.domain.errors import DomainError
        from eksamen_tui.services.resits import resit_list

        try:
            listing = resit_list(self.ctx, self.exam_id)
        except DomainError as error:
            self.app.call_from_thread(self._say, str(error), error=True)
            listing = None
        self.app.call_from_thread(self._show_resits, listing)

    def _show_resits(self, listing) -> None:
        self._resit_list = listing
        table = self.query_one("#resits", DataTable)
        table.clear()
        if listing is None:
            return
        for line in listing.lines:
            style = "bold" if line.eligible else "dim"
            table.add_row(str(line.candidate_number), line.student_number, line.name,
                          line.grade or line.state.label, str(line.eligibility.attempts_left),
                          Text(("KAN MELDE SEG: " if line.eligible else "") + line.eligibility.reason, style=style),
                          key=line.student_number)
        offered = "" if listing.offered else f" – ingen konte for {listing.exam_form.lower()}"
        self.query_one("#exam-info", Static).update(Text.assemble(
            (f"Konteliste {listing.course_code} {listing.course_name}", "bold"),
            f" – siste ordinære eksamen {listing.exam_form} {_date(listing.exam_date)}, kunngjort "
            f"{_date(listing.published_on)}{offered}\n",
            f"Kan melde seg til konte: {len(listing.eligible)} av {len(listing.lines)} · X: eksporter · "
            "L: tilbake til besvarelsene"))
        table.focus()

    def action_export(self) -> None:
        from eksamen_tui.services.custody import export_custody
        from eksamen_tui.services.fees import export_fees
        from eksamen_tui.services.resits import export_resits

        if self.view == "fees":
            path = self._call(export_fees, self.ctx)
        elif self.view == "resits":
            path = self._call(export_resits, self.ctx, self.exam_id)
        else:
            path = self._call(export_custody, self.ctx, self.exam_id)
        if path is not REFUSED:
            self._say(f"Lagret: {path}")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if not self.ready:
            return False if action != "search" else True
        if action in ("hand_out", "return_scripts", "resolve", "extend", "guidelines"):
            return (self.exam_id is not None and self.view == "custody") or None
        if action == "fee":
            return self.view == "fees" or None
        if action == "export":
            return self.view == "fees" or self.exam_id is not None or None
        if action == "view":
            return parameters[0] != self.view or None
        return True
