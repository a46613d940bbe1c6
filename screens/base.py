"""What every desk screen shares: access to the service context and the
ready/failed notifications from the app."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

if TYPE_CHECKING:
    from eksamen_tui.services.context import Context


def count_text(count: int, singular: str, plural: str) -> str:
    """«1 kandidat», «3 kandidater»: a number with its noun in the right form."""
    return f"{count} {singular if count == 1 else plural}"


REFUSED = object()  # what `DeskScreen._call` returns when a rule said no


class DeskScreen(Screen):
    """Base for desks. `HELP` is bokmål text shown above the key list on F1."""

    HELP: str = ""

    @property
    def ctx(self) -> "Context":
        ctx = self.app.ctx  # type: ignore[attr-defined]
        if ctx is None:
            raise RuntimeError("Databasen er ikke åpnet ennå")
        return ctx

    @property
    def ready(self) -> bool:
        return getattr(self.app, "ctx", None) is not None

    _ready_done = False

    # Layout classes by terminal size, for each desk's .tcss: `-narrow`
    # below 100 columns (80×24: fewer columns, panels stacked), `-wide` from
    # 140 (150×40: side panels beside the list), `-short` below 30 rows.
    NARROW_BELOW, WIDE_FROM, SHORT_BELOW = 100, 140, 30

    def _size_classes(self, width: int, height: int) -> None:
        self.set_class(width < self.NARROW_BELOW, "-narrow")
        self.set_class(width >= self.WIDE_FROM, "-wide")
        self.set_class(height < self.SHORT_BELOW, "-short")

    def on_resize(self, event) -> None:
        self._size_classes(event.size.width, event.size.height)

    def on_mount(self) -> None:
        from textual.widgets import Footer

        self._size_classes(self.app.size.width, self.app.size.height)
        for footer in self.query(Footer):
            footer.compact = True  # more keys fit on one line
        if self.ready:
            self._become_ready()

    def on_database_ready(self, _message) -> None:
        self._become_ready()

    def _become_ready(self) -> None:
        # mount and the app's announcement can both arrive: load once
        if not self._ready_done:
            self._ready_done = True
            self.on_ready()
            self.set_interval(self.CHANGE_POLL_SECONDS, self._poll_changes, name="changes")
            # after the desk's own on_mount has finished (columns, widgets)
            self.call_after_refresh(self._open_pending)

    # --- live desks: other counters' changes appear without a key press ----------
    # About once a second, while the desk is on screen, a worker thread reads
    # the database's change counter (the newest audit rows; every change is
    # audited). When it moved, the desk fetches what changed (in the thread)
    # and shows it (on the UI thread), never touching typed input or the
    # cursor. A desk opts in by returning a scope from `changes_scope`.
    CHANGE_POLL_SECONDS = 1.0
    _change_marker = None
    _polling = False

    def changes_scope(self):
        """What the desk shows (e.g. (exam id, part id)), or None: nothing to
        follow. Passed back to `fetch_changes` and `show_changes`."""
        return None

    def fetch_changes(self, scope, changed: dict[str, set[int]]):
        """Worker thread: read what changed for `scope` (`changed`: audited
        entity -> ids since the last look). Must not touch widgets."""
        return None

    def show_changes(self, scope, payload) -> None:
        """UI thread: show `payload` if `scope` is still what the desk shows."""

    def note_changes_seen(self) -> None:
        """Call before loading the desk's rows: changes after this point are
        shown by the next poll."""
        from eksamen_tui.services.concurrency import change_marker

        try:
            self._change_marker = change_marker(self.ctx)
        except Exception:  # a busy or gone database: the next poll tries again
            self._change_marker = None

    def check_changes_now(self) -> None:
        """Look for other counters' changes at once (e.g. after a refusal)."""
        self._poll_changes()

    def _poll_changes(self) -> None:
        if self._polling or not self.ready or not self.is_current:
            return
        scope = self.changes_scope()
        if scope is None:
            return
        self._polling = True
        self.run_worker(lambda: self._poll_work(scope), thread=True, group="changes", exit_on_error=False)

    def _poll_work(self, scope) -> None:
        from eksamen_tui.services.concurrency import change_marker, changed_entities

        try:
            marker = change_marker(self.ctx)
            if marker == self._change_marker:
                return
            since = self._change_marker[0] if self._change_marker else marker[0]
            payload = self.fetch_changes(scope, changed_entities(self.ctx, since))
            self.app.call_from_thread(self._show_polled, scope, marker, payload)
        except Exception as error:  # never crash a desk over a poll: say it once, try again
            try:
                self.app.call_from_thread(self.log.warning, f"poll failed: {error!r}")
            except Exception:
                pass
        finally:
            self._polling = False

    def _show_polled(self, scope, marker, payload) -> None:
        self._change_marker = marker
        if payload is not None and scope == self.changes_scope():
            self.show_changes(scope, payload)

    # --- opened from elsewhere (dashboard Enter, `h`, the student desk) ---------
    _pending_target = None

    def open_on(self, target) -> None:
        """Open the desk on `target` (an exam id, or what the desk takes):
        at once when the desk is ready, else as soon as it is."""
        self._pending_target = target
        if self._ready_done and self.is_mounted:
            self._open_pending()

    def _open_pending(self) -> None:
        target, self._pending_target = self._pending_target, None
        if target is not None:
            self.open_target(target)

    def open_target(self, target) -> None:
        """What `open_on` does; desks with an `open_exam` open the exam."""
        self.open_exam(target)

    def show_history(self, audit_filter) -> None:
        """`h`: the Endringslogg, filtered to what the row is about."""
        self.app.open_desk("audit_log", audit_filter)  # type: ignore[attr-defined]

    def on_ready(self) -> None:
        """Called once the database is open: load the desk's data here."""

    def show_opened_exam(self, label: str, detail: str = "") -> None:
        """The exam just opened stands in the header (bold) and the message
        line confirms it, so a wrong pick catches the eye at once."""
        self.sub_title = label
        self._say(f"Åpnet {label}." + (f" {detail}" if detail else ""))

    def _say(self, message: str, *, error: bool = False) -> None:
        """The desk's message line (#message): what happened, or why not."""
        self.query_one("#message", Static).update(Text(message, style="bold red" if error else ""))

    def say_refused(self, message: str) -> None:
        """Why something asked for (from the palette) was not done."""
        from textual.css.query import NoMatches

        try:
            self._say(message, error=True)
        except NoMatches:  # a desk without a message line
            self.notify(message, severity="warning")

    def _call(self, service, *args, **kwargs):
        """Call a service; if a rule refuses (DomainError), say why on the
        message line and return REFUSED (nothing was changed). When another
        counter changed the value meanwhile (ChangedMeanwhile), the desk
        also fetches the stored values at once."""
        from eksamen_tui.domain.errors import ChangedMeanwhile, DomainError

        try:
            return service(*args, **kwargs)
        except ChangedMeanwhile as error:
            self._say(str(error), error=True)
            self.check_changes_now()
            return REFUSED
        except DomainError as error:
            self._say(str(error), error=True)
            return REFUSED


class CandidateNumberTyping:
    """Digits typed on a desk's list build a candidate number (shown in
    #number-line); Enter jumps to it, Backspace corrects, Esc clears.

    Every action that concerns one candidate asks `target_registration()`:
    the typed number wins over the cursor; without one, the row under the
    cursor. The desk provides `NUMBER_TABLE` (its list's selector),
    `exam_id` and `_by_number` (candidate number -> registration id)."""

    NUMBER_TABLE = "#roster"
    _number = ""

    def typed_number_key(self, event, jump=None) -> bool:
        """Handle a key that belongs to the number; True when it did."""
        from eksamen_tui.domain.parsing import MAX_DIGITS, is_digit_key

        if is_digit_key(event.character):  # ASCII only: «²».isdigit() is True, int("²") fails
            if len(self._number) >= MAX_DIGITS:
                self._say(f"Et nummer har høyst {MAX_DIGITS} sifre – Esc tømmer", error=True)
            else:
                self._number += event.character
        elif event.key == "backspace" and self._number:
            self._number = self._number[:-1]
        elif event.key == "enter" and self._number:
            (jump or self.target_registration)()
        else:
            return False
        self._show_number()
        event.stop()
        event.prevent_default()
        return True

    def take_number(self) -> str:
        """The typed number (and clear it)."""
        number, self._number = self._number, ""
        self._show_number()
        return number

    def _show_number(self) -> None:
        self.query_one("#number-line", Static).update(f"Kandidatnummer: {self._number}" if self._number else "")

    def action_clear_number(self) -> None:
        self._number = ""
        self._show_number()

    def target_registration(self) -> int | None:
        """The registration the next one-candidate action concerns: the typed
        number (the cursor moves there), else the row under the cursor.
        None, with the reason on the message line, when the typed number is
        not on this desk's list."""
        table = self.query_one(self.NUMBER_TABLE)
        if self._number:
            text = self.take_number()
            registration_id = self._by_number.get(int(text))
            if registration_id is None:
                self._say(self._why_not_on_list(text) + " – ingenting er endret", error=True)
                return None
            table.ensure_row(str(registration_id))
            table.move_cursor(row=table.get_row_index(str(registration_id)))
            return registration_id
        if table.row_count == 0:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    LIST_NAME = "listen"

    def _why_not_on_list(self, text: str) -> str:
        from eksamen_tui.services.attendance import why_not_listed

        return why_not_listed(self.ctx, self.exam_id, text, self.LIST_NAME)
