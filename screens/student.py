"""Desk: the student at the counter (F8). «What is registered for me?»:
find the student by student number, name or course code + candidate
number, and see every registration per semester. One key registers a
withdrawal, documentation or a case on the chosen registration, through
the same services as the desks; `h` shows who changed it."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.base import REFUSED, DeskScreen, count_text
from screens.footer import DeskFooter

CASE_TYPES = (("explanation", "Begrunnelse"), ("grade_appeal", "Klage på karakter"),
              ("formal_appeal", "Klage på formell feil"))


class CaseTypeDialog(ModalScreen[str | None]):
    """Which case to register (received today); Enter chooses, Esc cancels."""

    DEFAULT_CSS = """
    CaseTypeDialog { align: center middle; }
    CaseTypeDialog > Vertical { width: 70; height: auto; border: thick $accent; background: $panel; padding: 1 2; }
    CaseTypeDialog OptionList { height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Avbryt", id="studentcase.cancel", tooltip="Lukk uten å registrere")]

    def __init__(self, label: str) -> None:
        super().__init__()
        self._label = label

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Ny sak, mottatt i dag: {self._label}", style="bold"))
            yield OptionList(*(Option(text, id=key) for key, text in CASE_TYPES))
            yield Static("For sent ute? Registreres med overstyring og begrunnelse på F6.", classes="status-line")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _resit_cell(line) -> str:
    """«ja» / «nei» where the course's resit fact stands (the reason is in the detail below the list)."""
    if line.resit is None:
        return ""
    return "ja" if line.resit.eligibility.eligible else "nei"


class StudentScreen(DeskScreen):
    TITLE = "Student"
    CSS_PATH = "student.tcss"
    HELP = """
«Hva er registrert på meg?» Skriv studentnummer, navn (del av navnet holder;
store/små bokstaver og aksenter spiller ingen rolle) eller emnekode og
kandidatnummer («TDT4100 13»), og Enter. Flere treff: velg med ↓/↑ og Enter.

Listen viser studentens oppmeldinger per semester: emne, eksamensdato,
kandidatnummer, forsøk og om det teller, oppmøte, tilrettelegging, målform,
karakter (bare kunngjort) og åpne saker. Under listen: fristene som gjenstår
for studenten på valgt oppmelding, og om studenten kan melde seg til konte i
emnet (etter siste ordinære eksamen med kunngjort sensur: ikke bestått eller
dokumentert gyldig fravær, forsøk igjen, ikke mappe eller helhetsvurdering).

T registrerer trekk i dag, D dokumentasjon for gyldig fravær mottatt i dag,
N en ny sak (begrunnelse eller klage), H endringsloggen for oppmeldingen.
/ går tilbake til søket.
"""
    BINDINGS = [
        Binding("t", "withdraw", "Trekk", id="student.withdraw", tooltip="Trekk fra eksamen i dag (oppmøtepulten)"),
        Binding("d", "documentation", "Dok. mottatt", id="student.documentation",
                tooltip="Dokumentasjon for gyldig fravær mottatt i dag"),
        Binding("n", "new_case", "Ny sak", id="student.case", tooltip="Registrer begrunnelse eller klage"),
        Binding("h", "history", "Historikk", id="student.history", tooltip="Endringsloggen for oppmeldingen"),
        Binding("slash", "search", "Søk", id="student.search", tooltip="Finn en annen student"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.picture = None
        self._lines: dict[int, object] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Studentnummer, navn, eller emnekode og kandidatnummer", id="student-search")
        yield OptionList(id="student-matches")
        yield Static("", id="student-head")
        yield DataTable(id="registrations", cursor_type="row", zebra_stripes=True)
        yield Static("", id="registration-detail")
        yield Static("", id="message")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#registrations", DataTable)
        for label, key, width in (("Semester", "semester", 8), ("Emne", "course", 9), ("Eksamen", "exam", 24),
                                  ("Kand.", "cand", 6), ("Forsøk", "attempt", 16), ("Oppmøte", "state", 22),
                                  ("Tilrettel.", "acc", 12), ("Målform", "lang", 8), ("Karakter", "grade", 12),
                                  ("Konte", "resit", 5), ("Saker", "cases", 20)):
            table.add_column(label, key=key, width=width)
        self.query_one("#student-matches").display = False
        super().on_mount()

    def on_ready(self) -> None:
        self.query_one("#student-search", Input).focus()

    # --- finding the student -------------------------------------------------------
    @on(Input.Submitted, "#student-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search(event.value)

    @work(thread=True, exclusive=True, group="student-search", exit_on_error=False)
    def search(self, text: str) -> None:
        from eksamen_tui.services.student import find_students

        self.app.call_from_thread(self._found, text, find_students(self.ctx, text))

    def _found(self, text: str, matches) -> None:
        options = self.query_one("#student-matches", OptionList)
        options.clear_options()
        if not matches:
            options.display = False
            self._say(f"Ingen student passer «{text.strip()}»" if text.strip()
                      else "Skriv studentnummer, navn eller emnekode og kandidatnummer", error=bool(text.strip()))
            return
        if len(matches) == 1:
            options.display = False
            self.open_student(matches[0].student_id, matches[0].registration_id)
            return
        options.add_options([Option(match.label, id=f"{match.student_id}:{match.registration_id or ''}")
                             for match in matches])
        options.display = True
        options.highlighted = 0
        options.focus()
        self._say(f"{len(matches)} studenter passer «{text.strip()}» – velg med ↓/↑ og Enter")

    @on(OptionList.OptionSelected, "#student-matches")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#student-matches").display = False
        student_id, _, registration_id = event.option.id.partition(":")
        self.open_student(int(student_id), int(registration_id) if registration_id else None)

    def open_target(self, target) -> None:
        self.open_student(target)

    def open_student(self, student_id: int, select_registration: int | None = None, announce: bool = True) -> None:
        from eksamen_tui.services.student import student_picture

        picture = self._call(student_picture, self.ctx, student_id)
        if picture is REFUSED:
            return
        self.picture = picture
        self._lines = {line.registration_id: line for line in picture.registrations}
        table = self.query_one("#registrations", DataTable)
        table.clear()
        for line in picture.registrations:
            table.add_row(*self._cells(line), key=str(line.registration_id))
        if select_registration is not None and str(select_registration) in {str(k) for k in self._lines}:
            table.move_cursor(row=table.get_row_index(str(select_registration)))
        self.query_one("#student-head", Static).update(Text.assemble(
            (f"{picture.student_number}  {picture.name}", "bold"),
            f"   {count_text(len(picture.registrations), 'oppmelding', 'oppmeldinger')} i "
            f"{count_text(len(picture.semesters()), 'semester', 'semestre')}"))
        table.focus()
        self.sub_title = f"{picture.student_number} {picture.name}"
        if announce:
            chosen = self._lines.get(select_registration)
            where = f" – kand. {chosen.candidate_number} på {chosen.course_code} er valgt" if chosen else ""
            self._say(f"Åpnet {picture.student_number} {picture.name}{where}. "
                      "T trekk, D dokumentasjon, N ny sak, H historikk.")
        self._show_detail()

    def _cells(self, line) -> tuple:
        state = line.state.label
        if line.withdrawn_on:
            state += f" {line.withdrawn_on:%d.%m}"
        if line.state.value == "valid_absence":
            state += ", dok." if line.documentation_received_on else ", dok. mangler"
        grade = line.grade or ("ikke kunngj." if line.published_on is None else "–")
        cases = "; ".join(line.open_cases) or ""
        return (line.semester, line.course_code, f"{line.exam_form} {line.exam_date:%d.%m.%Y}",
                str(line.candidate_number), line.attempt_text,
                Text(state, style="bold red" if line.overdue else ""), line.accommodations or "–",
                line.language_form, grade, _resit_cell(line), cases)

    def _line_for(self, course_code: str, exam_date=None):
        """The shown registration for a course (and date): for tests and the palette."""
        return next(line for line in self._lines.values()
                    if line.course_code == course_code and (exam_date is None or line.exam_date == exam_date))

    def _current(self):
        table = self.query_one("#registrations", DataTable)
        if table.row_count == 0:
            return None
        return self._lines.get(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    @on(DataTable.RowHighlighted, "#registrations")
    def _highlighted(self, _event) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        line = self._current()
        detail = self.query_one("#registration-detail", Static)
        if line is None:
            detail.update("Ingen oppmeldinger." if self.picture else "")
            return
        text = Text(line.exam_label + f" · kandidat {line.candidate_number}\n", style="bold")
        if line.deadlines:
            text.append("Frister som gjenstår: " + "  ·  ".join(f"{label} {day:%d.%m.%Y}"
                                                                for label, day in line.deadlines))
        else:
            text.append("Ingen frister gjenstår for studenten på denne oppmeldingen.")
        for late in line.overdue:
            text.append(f"\nFRIST UTE: {late}", style="bold red")
        for case in line.open_cases:
            text.append(f"\nÅpen sak: {case}")
        if line.resit is not None:
            text.append("\n" + line.resit.describe(), style="bold" if line.resit.eligibility.eligible else "")
        detail.update(text)

    # --- actions ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("withdraw", "documentation", "new_case", "history"):
            return self.picture is not None and bool(self._lines)
        return True

    def _after_change(self, line, message: str) -> None:
        self.open_student(self.picture.student_id, select_registration=line.registration_id, announce=False)
        self._say(message)

    def action_withdraw(self) -> None:
        from eksamen_tui.domain.attendance import AttendanceState
        from eksamen_tui.services.attendance import set_state

        line = self._current()
        if line is None:
            return
        change = self._call(set_state, self.ctx, line.exam_id, line.candidate_number, AttendanceState.WITHDRAWN)
        if change is not REFUSED:
            self._after_change(line, f"{line.course_code}: {change.message}")

    def action_documentation(self) -> None:
        from eksamen_tui.services.attendance import record_documentation

        line = self._current()
        if line is None:
            return
        today = self.ctx.today()
        change = self._call(record_documentation, self.ctx, line.exam_id, line.candidate_number, today)
        if change is not REFUSED:
            self._after_change(line, f"{line.course_code} kandidat {line.candidate_number}: "
                                     f"dokumentasjon mottatt {today:%d.%m.%Y}")

    def action_new_case(self) -> None:
        from eksamen_tui.services.appeals import register_case

        line = self._current()
        if line is None:
            return

        def chosen(case_type: str | None) -> None:
            if case_type is None:
                return
            case = self._call(register_case, self.ctx, line.registration_id, case_type)
            if case is not REFUSED:
                label = dict(CASE_TYPES)[case_type].lower()
                self._after_change(line, f"Sak {case.id} registrert: {label} for {line.course_code} "
                                         f"kandidat {line.candidate_number}")

        self.app.push_screen(CaseTypeDialog(f"{line.course_code} kandidat {line.candidate_number}"), chosen)

    def action_history(self) -> None:
        from eksamen_tui.services.audit_log import AuditFilter

        line = self._current()
        if line is None:
            return
        self.show_history(AuditFilter(registration_id=line.registration_id, candidate_number=line.candidate_number,
                                      title=f"{self.picture.name}, {line.course_code} "
                                            f"{line.exam_date:%d.%m.%Y} kandidat {line.candidate_number}"))

    def action_search(self) -> None:
        search = self.query_one("#student-search", Input)
        search.focus()
        search.action_select_all()
