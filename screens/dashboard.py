"""Home: the office at a glance. Exams around today with their next
deadline and progress, and each desk's counts. Late items say so in words
(not colour alone)."""
from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from screens.base import DeskScreen
from screens.footer import DeskFooter
from screens.widgets.entry_table import EntryTable

# how long the feed may still read once the database is open here
FEED_GRACE_SECONDS = 2.0
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
Enter på en eksamen åpner pulten for det som haster mest på den (oppgave mangler → F3,
oppmøte ikke ført → F4, sensur → F5, åpne saker → F6, kommisjonsskjema mangler → F7),
allerede åpnet på eksamenen; linjen under tabellen sier hvor Enter fører.
Tallene på kortene kan velges (Tab dit, piltaster og Enter): tabellen viser da bare
eksamenene bak tallet; Esc viser alle igjen. Hvert kort sier nederst hvilken periode det teller
(i et smalt vindu bare her): Oppgaver neste 14 dager, Oppmøte siste 120 dager, Sensur siste
90 dager (ukunngjorte), Klager alle åpne saker, Kommisjoner 7 d. bak – 60 d. fram (som F7),
Etter eksamen siste år.
Pultene nås med F3–F9 fra hvor som helst; F2 kommer tilbake hit. H viser endringsloggen for eksamenen.
"""
    BINDINGS = [
        Binding("r", "refresh", "Oppdater", id="dashboard.refresh", tooltip="Les oversikten på nytt fra databasen"),
        Binding("i", "import_candidates", "Importer", id="dashboard.import",
                tooltip="Importer kandidater fra en liste (.xlsx/.csv) med forhåndsvisning"),
        Binding("h", "history", "Historikk", id="dashboard.history", tooltip="Endringsloggen for eksamenen"),
        Binding("escape", "show_all", "Vis alle", id="dashboard.show_all",
                tooltip="Fjern filteret fra et tall på et kort: vis alle eksamener"),
        Binding("enter", "open_exam", "Åpne", id="dashboard.open", show=False,
                tooltip="Åpne pulten for det som haster mest på eksamenen"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Åpner databasen …", id="dashboard-status", classes="status-line")
        with Horizontal(id="cards"):
            for key, (title, period) in card_frames(self.app.size.width).items():
                # one widget per card, its title and period in its frame: a card
                # of four widgets made the first frame ~70 ms slower
                card = OptionList(Option("…", disabled=True), classes="card", id=f"card-{key}")
                card.border_title, card.border_subtitle = title, period
                yield card
        # the Line API table: only the rows on screen are drawn, no cell is measured by Rich
        yield EntryTable(id="exams", zebra_stripes=True)
        yield Static("", id="exam-detail")
        yield DeskFooter()

    # The data read by the feed process while the app started (see
    # eksamen_tui.dashboard_feed): "running" while it arrives, then
    # "complete" or "failed"; None when there is none or it is consumed.
    _feed_state: str | None = None

    def on_mount(self) -> None:
        self._card_filter: tuple[str, str, str] | None = None  # (card, count key, label)
        self._forms: dict[int, bool] = {}  # exam id -> form deadline passed, for exams without a form
        take_feed = getattr(self.app, "take_dashboard_feed", None)
        feed = take_feed() if take_feed is not None else None
        if feed is not None:  # (before the base's on_mount: with the database open already, it calls on_ready)
            self._feed = feed
            self._feed_state = "running"
            self._feed_counts: dict[str, dict] = {}
        super().on_mount()
        self._set_columns()
        if feed is not None:
            # taken in after the first frame: a snapshot's data is waiting at
            # once, and drawing it before the first frame delayed that frame
            # (by 10-45 ms on the large database) without showing it sooner
            self.call_after_refresh(self._read_feed, feed)

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
        table = self.query_one("#exams", EntryTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        for label in self.COLUMNS[tier]:
            table.add_column(label)
        if getattr(self, "_lines", None):
            self._show(list(self._lines.values()))
            table.move_cursor(row=min(cursor, table.row_count - 1), scroll=True)

    def on_resize(self, event) -> None:
        super().on_resize(event)
        frames = card_frames(event.size.width)
        for card in self.query(".card").results(OptionList):
            card.border_title, card.border_subtitle = frames[card.id.removeprefix("card-")]
        self._set_columns()
        for card, values in getattr(self, "_card_counts", {}).items():
            self._show_card(card, values)

    def _cells(self, line, today) -> tuple:
        tier = self._tier()
        marker = "! " if line.overdue else ""
        style = "bold" if line.exam_date == today else ""
        # Text.styled: the style as a span, which a table drawing with Text.render keeps
        code = Text.styled(marker + line.course_code, "bold red" if line.overdue else style)
        flags = (_flag(line.paper), _flag(line.attendance), _flag(line.grades)) if tier == "wide" else \
            tuple(_flag(text, compact=True) for text in (line.paper, line.attendance, line.grades))
        deadline = (f"{line.next_deadline:%d.%m} {line.next_deadline_label}" if line.next_deadline else "–")
        if tier == "narrow":
            return (code, f"{line.exam_date:%d.%m}", deadline, *flags, str(line.open_cases or ""))
        name = line.course_name[:22] if tier == "wide" else line.course_name[:16]
        return (code, name, short_date(line.exam_date)[:9], str(line.candidates), deadline, *flags,
                str(line.open_cases or ""))

    def _say(self, message: str, *, error: bool = False) -> None:
        """The overview's message line is its status line."""
        self.query_one("#dashboard-status", Static).update(Text(message, style="bold red" if error else ""))

    def on_database_failed(self, message) -> None:
        self.query_one("#dashboard-status", Static).update(f"Databasen kunne ikke åpnes: {message.error}")

    def _identity(self) -> tuple[date, str, str]:
        """Today, the profile's title and the clerk: from the open database,
        or before it is open from the feed's reading of it."""
        if self.ready:
            ctx = self.ctx
            return ctx.today(), ctx.profile.title, ctx.clerk
        header = self._feed_header
        return header["today"], header["profile"], header["clerk"]

    def _status_base(self) -> str:
        today, profile, clerk = self._identity()
        return f"I dag {short_date(today)} · profil {profile} · saksbehandler {clerk} · «!» = frist ute"

    def on_ready(self) -> None:
        if self._card_filter is None:
            self.query_one("#dashboard-status", Static).update(self._status_base())
        if self._feed_state is None:
            self.load()
        else:
            self._settle_feed()
        self.query_one("#exams", EntryTable).focus()

    # --- the feed: the dashboard's data read by a second process at start-up ------
    class FeedNews(Message):
        """From the thread reading the feed: one of its messages, or (None)
        that it ended, complete or not. Posted, not called: the thread must
        never wait on the UI (an app quitting early would leave it waiting
        for ever, and the process with it)."""

        def __init__(self, message: tuple | None, complete: bool = False) -> None:
            super().__init__()
            self.message = message
            self.complete = complete

    @work(thread=True, group="dashboard-feed", exit_on_error=False)
    def _read_feed(self, feed) -> None:
        try:
            for message in feed.messages():
                if not self.post_message(self.FeedNews(message)):
                    break  # the dashboard is gone: the app is quitting
            else:
                self.post_message(self.FeedNews(None, feed.complete))
        except RuntimeError:  # the app's event loop has closed
            pass
        finally:
            feed.close()

    @on(FeedNews)
    def _feed_news(self, event: "DashboardScreen.FeedNews") -> None:
        event.stop()
        if event.message is None:
            self._feed_ended(event.complete)
        else:
            self._feed_message(event.message)

    def _feed_message(self, message: tuple) -> None:
        if self._feed_state != "running":  # the dashboard reads its own data now
            return
        kind = message[0]
        if kind == "header":
            self._feed_header = message[1]
            self.query_one("#dashboard-status", Static).update(self._status_base())
        elif kind == "lines":
            self._show(message[1], message[2])
        elif kind == "card":
            self._feed_counts[message[1]] = message[2]
            self._show_card(message[1], message[2])

    def _feed_ended(self, complete: bool) -> None:
        ended = getattr(self.app, "dashboard_feed_ended", None)
        if ended is not None:
            # after this frame: the feed's data drawn before the app imports the database layer
            self.call_after_refresh(ended.set)
        if self._feed_state != "running":
            return
        self._feed_state = "complete" if complete else "failed"
        if complete:
            self._show_counts(self._feed_counts)
        self._settle_feed()

    def _settle_feed(self) -> None:
        """Once the database is open and the feed has ended: keep what the
        feed showed, taking its change marker (a change since its reading
        shows at the next poll), or read everything here if it failed or a
        count was chosen meanwhile."""
        if not self.ready:
            return
        if self._feed_state == "running":  # the database is open first: the feed gets a moment more
            self.set_timer(FEED_GRACE_SECONDS, self._give_up_on_feed)
            return
        complete = self._feed_state == "complete"
        self._feed_state = None
        if complete and self._card_filter is None:
            self._change_marker = self._feed_header["marker"]
            self._warm_desks()
        else:
            self.load()

    def _give_up_on_feed(self) -> None:
        """The feed is still reading long after the database opened here (a
        server that stopped answering it): read here, and stop it."""
        if self._feed_state == "running":
            self.load()
            self._feed.close()

    def _warm_desks(self) -> None:
        warm = getattr(self.app, "warm_desks", None)
        if warm is not None and self.ready:  # (their modules import the database layer the app is importing)
            warm()

    def on_screen_resume(self) -> None:
        # coming back from a desk: the picture may have changed
        if self.ready and hasattr(self, "_lines"):
            self.load()

    # other counters' changes: the table and the counts follow (DeskScreen polls)
    def changes_scope(self):
        return "dashboard" if hasattr(self, "_lines") else None

    def fetch_changes(self, scope, changed):
        from eksamen_tui.services.dashboard import desk_counts, keep_snapshot, snapshot_key

        whole = self._card_filter is None
        key = snapshot_key(self.ctx) if whole else None
        (lines, forms), counts = self._fetch_lines(), desk_counts(self.ctx)
        if whole and self._card_filter is None:  # every exam and card: the next start shows it
            keep_snapshot(self.ctx, key, lines, forms, counts)
        return (lines, forms), counts

    def show_changes(self, scope, payload) -> None:
        (lines, forms), counts = payload
        self._show(lines, forms)
        self._show_counts(counts)

    def _fetch_lines(self):
        """Worker thread: the table's lines (only the exams behind the chosen
        count, when one is chosen) and which of them lack a commission form."""
        from eksamen_tui.services.dashboard import exam_lines
        from eksamen_tui.services.dashboard_leads import exams_behind, form_status

        chosen = self._card_filter
        if chosen is None:
            lines = exam_lines(self.ctx)
        else:
            lines = exam_lines(self.ctx, exam_ids=exams_behind(self.ctx, chosen[0], chosen[1]))
        return lines, form_status(self.ctx, [(line.exam_id, line.exam_date) for line in lines])

    def load(self) -> None:
        self._feed_state = None  # what the feed still sends is older than this
        self._load()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def _load(self) -> None:
        from textual.worker import get_current_worker

        from eksamen_tui.services.dashboard import CARDS, card_counts, keep_snapshot, snapshot_key

        worker = get_current_worker()
        whole = self._card_filter is None
        key = snapshot_key(self.ctx) if whole else None
        self.note_changes_seen()
        # the table first, then each card as soon as its desk's counts are in
        lines, forms = self._fetch_lines()
        self.app.call_from_thread(self._show, lines, forms)
        counts = {}
        for card in CARDS:
            if worker.is_cancelled:  # a newer reading (a chosen count, «r») took over
                return
            counts[card] = card_counts(self.ctx, card)
            self.app.call_from_thread(self._show_card, card, counts[card])
        self.app.call_from_thread(self._show_counts, counts)
        if whole and self._card_filter is None and not worker.is_cancelled:
            keep_snapshot(self.ctx, key, lines, forms, counts)  # every exam and card: the next start shows it

    def _show(self, lines, forms=None) -> None:
        self._lines = {line.exam_id: line for line in lines}
        if forms is not None:  # (a re-draw for a new width keeps them)
            self._forms = forms
        chosen = self._card_filter
        status = self.query_one("#dashboard-status", Static)
        base = self._status_base()
        status.update(base if chosen is None else
                      Text.assemble(base + " · ", (f"Viser: {chosen[2]} ({len(lines)} eksamener) – Esc viser alle",
                                                   "bold")))
        table = self.query_one("#exams", EntryTable)
        cursor = table.cursor_row
        today = self._identity()[0]
        table.fill((str(line.exam_id), self._cells(line, today)) for line in lines)
        if chosen is not None:
            table.move_cursor(row=0 if cursor is None or cursor >= len(lines) else cursor)
        elif lines and not getattr(self, "_placed", False):
            # first time: start at today's exams, not the oldest ones
            self._placed = True
            cursor = next((i for i, line in enumerate(lines) if line.exam_date >= today), 0)
            table.move_cursor(row=cursor, scroll=True)
        elif lines:
            table.move_cursor(row=min(cursor, len(lines) - 1))

    def _show_counts(self, counts: dict) -> None:
        """Every card's counts (a complete reading)."""
        self._counts = counts
        self._warm_desks()  # the desks' modules, ahead of their first visit
        shown = getattr(self, "_card_counts", {})
        for card, values in counts.items():
            if shown.get(card) != values:  # (a reading shown card by card is on screen already)
                self._show_card(card, values)

    def _show_card(self, card: str, values: dict) -> None:
        """One card's counts. Each count is an option: Enter (or a click) on
        it filters the table to the exams behind it. Counts that name no
        exams are plain."""
        self._card_counts = {**getattr(self, "_card_counts", {}), card: values}
        narrow = self.has_class("-narrow")  # 80 columns: «5 ikke ført», short words that fit a card
        keys = ("missing", "late", "due_soon", "received") if card == "papers" else tuple(values)
        body = self.query_one(f"#card-{card}", OptionList)
        highlighted = body.highlighted
        body.clear_options()
        for key in keys:
            value = values.get(key, 0)
            text = f"{value} {SHORT_LABELS.get(key, _label(key).lower())}" if narrow else f"{_label(key)}: {value}"
            body.add_option(Option(text, id=f"{card}:{key}", disabled=key in NOT_EXAMS))
        if highlighted is not None and highlighted < body.option_count:
            body.highlighted = highlighted

    @on(OptionList.OptionSelected, ".card")
    def _count_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        card, key = event.option.id.split(":")
        label = f"{CARD_TITLES[card]} – {_label(key).lower()}"
        self._card_filter = None if self._card_filter and self._card_filter[:2] == (card, key) else (card, key, label)
        if not self.ready:  # (the feed's counts, shown before the database is open): read when it is
            self._say(f"Åpner databasen … viser så {label.lower()}" if self._card_filter else "Åpner databasen …")
            return
        self.load()
        self.query_one("#exams", EntryTable).focus()

    def action_show_all(self) -> None:
        if self._card_filter is not None:
            self._card_filter = None
            if self.ready:
                self.load()
        self.query_one("#exams", EntryTable).focus()

    # --- Enter: the desk of the exam's most urgent item, opened on the exam ---------
    def _leads(self, line):
        from eksamen_tui.services.exam_line import leads_for

        return leads_for(line, line.exam_id in self._forms, self._forms.get(line.exam_id, False))

    def action_open_exam(self) -> None:
        """Enter on a row: its exam's most urgent desk (or the desk of the
        count the table is filtered by)."""
        line = self._highlighted_line()
        if line is None:
            return
        if self._card_filter is not None:  # a list behind a count: its own desk
            self.app.open_desk(CARD_DESKS[self._card_filter[0]], line.exam_id)  # type: ignore[attr-defined]
            return
        leads = self._leads(line)
        if not leads:
            self.notify(f"{line.course_code} {short_date(line.exam_date)}: ingenting å gjøre nå", timeout=4)
            return
        self.app.open_desk(leads[0].desk, line.exam_id)  # type: ignore[attr-defined]

    @on(EntryTable.Highlighted, "#exams")
    def _exam_highlighted(self, event: EntryTable.Highlighted) -> None:
        if event.key is None or not hasattr(self, "_lines"):
            return
        line = self._lines.get(int(event.key))
        if line is None:
            return
        # each deadline with its state in words (utført / ikke utført / forsinket), from the service
        parts = [f"{label}: {short_date(day)}" + (f" – {state}" if state else "")
                 for _key, label, day, state in line.deadlines]
        late = f"   Forsinket: {', '.join(line.overdue)}" if line.overdue else ""
        leads = self._leads(line)
        todo = ("Enter → " + leads[0].text + (f"   (også: {', '.join(lead.text for lead in leads[1:])})"
                                              if leads[1:] else "")) if leads else "Ingenting å gjøre nå."
        if self._card_filter is not None:
            from eksamen_tui.services.exam_line import DESK_NAMES

            todo = f"Enter → {DESK_NAMES[CARD_DESKS[self._card_filter[0]]]} (listen bak tallet {self._card_filter[2]})"
        self.query_one("#exam-detail", Static).update(
            Text(f"{line.course_code} {line.course_name} – {line.exam_form} {short_date(line.exam_date)}{late}\n", style="bold")
            + Text("  ·  ".join(parts))
            + (Text("\nSensurfristen er UTSATT", style="bold yellow") if line.grading_extended else Text(""))
            + (Text(f"\nBesvarelser: {line.scripts}", style="bold red" if "besvarelser" in line.overdue else "")
               if line.scripts else Text(""))
            + Text("\n" + todo, style="bold red" if leads and leads[0].overdue else "")
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
        table = self.query_one("#exams", EntryTable)
        if table.row_count == 0 or not hasattr(self, "_lines"):
            return None
        return self._lines.get(int(table.cursor_key))

    def action_import_candidates(self) -> None:
        from screens.candidate_import import CandidateImportScreen

        self.app.push_screen(CandidateImportScreen(), callback=lambda _result: self.action_refresh())

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "open_exam":  # Enter on the table (a card's list takes its own Enter)
            return self.ready and self.focused is self.query_one("#exams")
        if action == "show_all":
            return getattr(self, "_card_filter", None) is not None
        if action in ("refresh", "import_candidates", "history"):
            return self.ready
        return True


CARD_TITLES = {"papers": "Eksamensoppgaver", "attendance": "Oppmøte", "grades": "Sensur",
               "cases": "Begrunnelse og klage", "commissions": "Kommisjoner", "after": "Etter eksamen"}
CARD_DESKS = {"papers": "papers", "attendance": "attendance", "grades": "grades", "cases": "appeals",
              "commissions": "commissions", "after": "after"}
NOT_EXAMS = {"entered", "expected"}  # counts of grades, not of exams: nothing to filter by
# The period each card counts: the windows of the desks' count services
# (papers.paper_counts, attendance.attendance_summary, grades.grading_summary,
# appeals.case_counts, commissions.commission_counts).
CARD_PERIODS = {"papers": "neste 14 dager", "attendance": "siste 120 dager", "grades": "90 dager, ukunngjort",
                "cases": "alle åpne saker", "commissions": "7 d. bak – 60 d. fram", "after": "siste år"}
CARD_PERIODS_SHORT = {"papers": "neste 14 d.", "attendance": "siste 120 d.", "grades": "90 d. ukunngj.",
                      "cases": "alle åpne", "commissions": "−7 til +60 d.", "after": "siste år"}


# Each card's title (in its upper frame), in the dashboard's order; the
# desk's short name where 80 columns would cut it.
CARD_NAMES = {"papers": "Oppgaver", "attendance": "Oppmøte", "grades": "Sensur", "cases": "Klager",
              "commissions": "Kommisjoner", "after": "Etter eksamen"}
CARD_NAMES_NARROW = {**CARD_NAMES, "after": "Etter eks."}


def card_frames(width: int) -> dict[str, tuple[str, str]]:
    """Each card's title and period for its frame at this terminal width.
    The periods in full where every card's fits, else in short where every
    card's does, else none (80 columns: the period is in F1's text): never
    some cut."""
    room = width // len(CARD_NAMES) - 6  # a card's width less its corners and the label's margins
    names = CARD_NAMES_NARROW if width < DeskScreen.NARROW_BELOW else CARD_NAMES
    periods = next((periods for periods in (CARD_PERIODS, CARD_PERIODS_SHORT) if max(map(len, periods.values())) <= room),
                   dict.fromkeys(CARD_PERIODS, ""))
    return {key: (names[key], periods[key]) for key in CARD_NAMES}


# Dashboard words for the desks' count keys.
LABELS = {
    "missing": "Mangler", "late": "For sent", "due_soon": "Frist snart", "received": "Mottatt",
    "open": "Åpne saker", "overdue": "Over frist",
    "not_registered": "Eksamener ikke ført", "not_registered_overdue": "Oppmøte over frist",
    "documentation_overdue": "Dok. fravær mangler",
    "entered": "Karakterer ført", "expected": "Forventet", "exams_past_deadline": "Over sensurfrist",
    "form_missing": "Skjema mangler", "form_missing_overdue": "Skjema over frist", "appeal_missing": "Klagekomm. mangler",
    "scripts_missing": "Besv. mangler", "scripts_overdue": "Besv. for sent", "guidelines_missing": "Veil. mangler",
    "fee_due": "Honorar å sende",
}


# The same, short enough for a card at 80 columns (after the number).
SHORT_LABELS = {
    "missing": "mangler", "late": "for sent", "due_soon": "nær frist", "received": "mottatt",
    "open": "åpne", "overdue": "frist ute",
    "not_registered": "ikke ført", "not_registered_overdue": "frist ute", "documentation_overdue": "uten dok.",
    "entered": "ført", "expected": "forv.", "exams_past_deadline": "frist ute",
    "form_missing": "uten skj.", "form_missing_overdue": "skj. ute", "appeal_missing": "uten klk.",
    "scripts_missing": "savnet", "scripts_overdue": "for sent", "guidelines_missing": "uten veil.",
    "fee_due": "honorar",
}


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _compact(text: str) -> str:
    """A state in few letters for narrow tables: «!» stands for «frist ute»;
    a published exam is «kunngj.» (the date is in the wide table); an
    extended grading deadline is told on the exam's detail line instead."""
    if text.startswith("kunngjort"):
        return "kunngj."
    return text.replace(" – frist ute", "!").replace("mottatt for sent", "for sent").replace(" utsatt", "")


def _flag(text: str, compact: bool = False) -> Text:
    shown = _compact(text) if compact else text
    if "frist ute" in text or text.startswith("MANGLER"):
        return Text.styled(shown, "bold red")
    if "for sent" in text:
        return Text.styled(shown, "yellow")
    return Text(shown)

