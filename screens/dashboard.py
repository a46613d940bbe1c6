"""Home: the office at a glance. Exams around today with their next
deadline and progress, and each desk's counts. Late items say so in words
(not colour alone)."""
from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Static

from screens.base import DeskScreen

WEEKDAYS = ("man", "tir", "ons", "tor", "fre", "lør", "søn")


def short_date(day: date | None) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%d.%m.%Y}" if day else "–"


class DashboardScreen(DeskScreen):
    TITLE = "Oversikt"
    CSS_PATH = "dashboard.tcss"
    HELP = """
Oversikten viser eksamener fra 30 dager tilbake til 21 dager fram, med neste frist,
om oppgaven er mottatt, om oppmøtet er registrert, hvor mange karakterer som er
ført, og åpne klagesaker. Forsinkede ting er merket med «frist ute» og «!».
Pultene nås med F3–F9 fra hvor som helst; F2 kommer tilbake hit. H viser endringsloggen for eksamenen.
"""
    BINDINGS = [
        Binding("r", "refresh", "Oppdater", id="dashboard.refresh", tooltip="Les oversikten på nytt fra databasen"),
        Binding("i", "import_candidates", "Importer", id="dashboard.import",
                tooltip="Importer kandidater fra en liste (.xlsx/.csv) med forhåndsvisning"),
        Binding("h", "history", "Historikk", id="dashboard.history", tooltip="Endringsloggen for eksamenen"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Åpner databasen …", id="dashboard-status", classes="status-line")
        with Horizontal(id="cards"):
            for key, title in (("papers", "Oppgaver"), ("attendance", "Oppmøte"),
                               ("grades", "Sensur"), ("cases", "Klager"),
                               ("commissions", "Kommisjoner")):
                with Vertical(classes="card", id=f"card-{key}"):
                    yield Static(title, classes="card-title")
                    yield Static("…", classes="card-body", id=f"card-{key}-body")
        yield DataTable(id="exams", cursor_type="row", zebra_stripes=True)
        yield Static("", id="exam-detail")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._set_columns()

    # The table's columns by terminal width (the -narrow/-wide classes of
    # DeskScreen): nothing is cut, a narrow table has fewer and shorter
    # columns. «!» = the deadline has passed (the status line says so).
    def _tier(self) -> str:
        return "narrow" if self.has_class("-narrow") else ("wide" if self.has_class("-wide") else "medium")

    COLUMNS = {
        "wide": ("Emne", "Navn", "Dato", "Kand.", "Neste frist", "Oppgave", "Oppmøte", "Sensur", "Klager"),
        "medium": ("Emne", "Navn", "Dato", "Kand.", "Neste frist", "Oppgave", "Oppmøte", "Sensur", "Klager"),
        "narrow": ("Emne", "Dato", "Neste frist", "Oppgave", "Oppmøte", "Sensur", "Kl."),
    }

    def _set_columns(self) -> None:
        tier = self._tier()
        if getattr(self, "_columns_tier", None) == tier:
            return
        self._columns_tier = tier
        table = self.query_one("#exams", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns(*self.COLUMNS[tier])
        if getattr(self, "_lines", None):
            self._show(list(self._lines.values()))
            table.move_cursor(row=min(cursor, table.row_count - 1), scroll=True)

    def on_resize(self, event) -> None:
        super().on_resize(event)
        self._set_columns()

    def _cells(self, line, today) -> tuple:
        tier = self._tier()
        marker = "! " if line.overdue else ""
        style = "bold" if line.exam_date == today else ""
        code = Text(marker + line.course_code, style="bold red" if line.overdue else style)
        flags = (_flag(line.paper), _flag(line.attendance), _flag(line.grades)) if tier == "wide" else \
            tuple(_flag(text, compact=True) for text in (line.paper, line.attendance, line.grades))
        deadline = (f"{line.next_deadline:%d.%m} {line.next_deadline_label}" if line.next_deadline else "–")
        if tier == "narrow":
            return (code, f"{line.exam_date:%d.%m}", deadline, *flags, str(line.open_cases or ""))
        name = line.course_name[:22] if tier == "wide" else line.course_name[:16]
        return (code, name, short_date(line.exam_date)[:9], str(line.candidates), deadline, *flags,
                str(line.open_cases or ""))

    def on_database_failed(self, message) -> None:
        self.query_one("#dashboard-status", Static).update(f"Databasen kunne ikke åpnes: {message.error}")

    def on_ready(self) -> None:
        ctx = self.ctx
        self.query_one("#dashboard-status", Static).update(
            f"I dag {short_date(ctx.today())} · profil {ctx.profile.title} · saksbehandler {ctx.clerk}"
            " · «!» = frist ute"
        )
        self.load()

    def on_screen_resume(self) -> None:
        # coming back from a desk: the picture may have changed
        if self.ready and hasattr(self, "_lines"):
            self.load()

    # other counters' changes: the table and the counts follow (DeskScreen polls)
    def changes_scope(self):
        return "dashboard" if hasattr(self, "_lines") else None

    def fetch_changes(self, scope, changed):
        from eksamen_tui.services.dashboard import desk_counts, exam_lines

        return exam_lines(self.ctx), desk_counts(self.ctx)

    def show_changes(self, scope, payload) -> None:
        lines, counts = payload
        self._show(lines)
        self._show_counts(counts)

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self) -> None:
        from eksamen_tui.services.dashboard import desk_counts, exam_lines

        self.note_changes_seen()
        # the table first, then the desks' counts (they take longer on a big database)
        self.app.call_from_thread(self._show, exam_lines(self.ctx))
        self.app.call_from_thread(self._show_counts, desk_counts(self.ctx))

    def _show(self, lines) -> None:
        self._lines = {line.exam_id: line for line in lines}
        table = self.query_one("#exams", DataTable)
        cursor = table.cursor_row
        table.clear()
        today = self.ctx.today()
        for line in lines:
            table.add_row(*self._cells(line, today), key=str(line.exam_id))
        if lines and not getattr(self, "_placed", False):
            # first time: start at today's exams, not the oldest ones
            self._placed = True
            cursor = next((i for i, line in enumerate(lines) if line.exam_date >= today), 0)
            table.move_cursor(row=cursor, scroll=True)
        elif lines:
            table.move_cursor(row=min(cursor, len(lines) - 1))

    def _show_counts(self, counts: dict) -> None:
        texts = {
            "papers": "\n".join((
                f"Mangler: {counts['papers'].get('missing', 0)}",
                f"For sent: {counts['papers'].get('late', 0)}",
                f"Frist snart: {counts['papers'].get('due_soon', 0)}",
                f"Mottatt: {counts['papers'].get('received', 0)}",
            )),
        }
        for key in ("attendance", "grades", "cases", "commissions"):
            texts[key] = "\n".join(f"{_label(k)}: {v}" for k, v in counts[key].items())
        for key, text in texts.items():
            self.query_one(f"#card-{key}-body", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is None or not hasattr(self, "_lines"):
            return
        line = self._lines.get(int(event.row_key.value))
        if line is None:
            return
        from eksamen_tui.domain.deadlines import EXAM_DEADLINE_LABELS

        deadlines = self.ctx.rules.exam_deadlines(line.exam_date)
        today = self.ctx.today()
        parts = []
        for key, day in sorted(deadlines.items(), key=lambda item: item[1]):
            passed = "✓ " if day < today else "  "
            parts.append(f"{passed}{EXAM_DEADLINE_LABELS[key]}: {short_date(day)}")
        late = f"   Forsinket: {', '.join(line.overdue)}" if line.overdue else ""
        self.query_one("#exam-detail", Static).update(
            Text(f"{line.course_code} {line.course_name} – {line.exam_form} {short_date(line.exam_date)}{late}\n", style="bold")
            + Text("  ·  ".join(parts))
        )

    def action_refresh(self) -> None:
        if self.ready:
            self.load()

    def action_history(self) -> None:
        from eksamen_tui.services.audit_log import AuditFilter

        line = self._highlighted_line()
        if line is not None:
            self.show_history(AuditFilter(exam_id=line.exam_id, title=f"{line.course_code} {line.exam_form} "
                                                                      f"{line.exam_date:%d.%m.%Y}"))

    def _highlighted_line(self):
        table = self.query_one("#exams", DataTable)
        if table.row_count == 0 or not hasattr(self, "_lines"):
            return None
        return self._lines.get(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def action_import_candidates(self) -> None:
        from screens.candidate_import import CandidateImportScreen

        self.app.push_screen(CandidateImportScreen(), callback=lambda _result: self.action_refresh())

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("refresh", "import_candidates", "history"):
            return self.ready
        return True


# Dashboard words for the desks' count keys.
LABELS = {
    "missing": "Mangler", "late": "For sent", "due_soon": "Frist snart", "received": "Mottatt",
    "open": "Åpne saker", "overdue": "Over frist",
    "not_registered": "Eksamener ikke ført", "not_registered_overdue": "Oppmøte over frist",
    "documentation_overdue": "Dok. fravær mangler",
    "entered": "Karakterer ført", "expected": "Forventet", "exams_past_deadline": "Over sensurfrist",
    "form_missing": "Skjema mangler", "form_missing_overdue": "Skjema over frist", "appeal_missing": "Klagekomm. mangler",
}


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _compact(text: str) -> str:
    """A state in few letters for narrow tables: «!» stands for «frist ute»."""
    return text.replace(" – frist ute", "!").replace("mottatt for sent", "for sent")


def _flag(text: str, compact: bool = False) -> Text:
    shown = _compact(text) if compact else text
    if "frist ute" in text or text.startswith("MANGLER"):
        return Text(shown, style="bold red")
    if "for sent" in text:
        return Text(shown, style="yellow")
    return Text(shown)

