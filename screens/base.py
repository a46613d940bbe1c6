"""What every desk screen shares: access to the service context and the
ready/failed notifications from the app."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import WorkerState

if TYPE_CHECKING:
    from eksamen_tui.services.context import Context


def when_typed_in(fields, then) -> None:
    """Run `then` once each of `fields` has handled the keys already handed
    to it. A form's priority bindings (its moves between fields, Enter in
    the last field) run as their key arrives, while a burst's earlier keys
    may still wait in the queues of the fields they were typed into: a
    submit reads the fields only after those."""
    waiting = set(fields)
    if not waiting:
        then()
        return

    def taken_in(field) -> None:
        waiting.discard(field)
        if not waiting:
            then()

    for field in fields:  # each callback runs after the keys queued before it
        field.call_later(taken_in, field)


def count_text(count: int, singular: str, plural: str) -> str:
    """«1 kandidat», «3 kandidater»: a number with its noun in the right form."""
    return f"{count} {singular if count == 1 else plural}"


REFUSED = object()  # what `DeskScreen._call` returns when a rule said no


class DeskScreen(Screen):
    """Base for desks. `HELP` is bokmål text shown above the key list on F1."""

    HELP: str = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._exports: dict = {}  # running export worker -> (what, done)
        from textual._context import NoActiveAppError

        try:  # the size classes before the widgets are styled: set after, each restyles them all
            self._size_classes(self.app.size.width, self.app.size.height, update=False)
        except NoActiveAppError:
            pass

    async def on_key(self, event) -> None:
        """Caps Lock or Shift on: «C» does what «c» does where only the
        lower-case key is bound, so a grade or a state typed in capitals is
        never dropped in silence. Runs after the desk's own on_key (MRO), and
        only for keys that reach the desk (a focused text field keeps its
        letters)."""
        char = event.character
        if not (char and len(char) == 1 and char.isalpha() and char.isupper()) or event.key in self.active_bindings:
            return
        active = self.active_bindings.get(char.lower())
        if active is None:
            return
        event.stop()
        event.prevent_default()
        if active.enabled:
            await self.app.run_action(active.binding.action, active.node)

    def on_exam_picker_cancelled(self, event) -> None:
        """Esc Esc in the exam search opened with «/» over an open exam: the
        desk goes back to that exam, as it was (no exam open: the search
        stays, it is where the desk starts)."""
        if getattr(self, "exam_id", None) is None:
            return
        event.stop()
        self.query_one("#picker").display = False
        self.set_focus(None)
        self.focus_next()
        self._say(f"Tilbake til {self.sub_title}" if self.sub_title else "Tilbake til den åpne eksamenen")

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

    def _size_classes(self, width: int, height: int, update: bool = True) -> None:
        self.set_class(width < self.NARROW_BELOW, "-narrow", update=update)
        self.set_class(width >= self.WIDE_FROM, "-wide", update=update)
        self.set_class(height < self.SHORT_BELOW, "-short", update=update)

    def on_resize(self, event) -> None:
        self._size_classes(event.size.width, event.size.height)

    def on_mount(self) -> None:
        self._size_classes(self.app.size.width, self.app.size.height)
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
        also fetches the stored values at once. Anything else is an internal
        error: its report goes to the log, the line names the file, and the
        desk stays open (REFUSED)."""
        from eksamen_tui.domain.errors import ChangedMeanwhile

        try:
            return service(*args, **kwargs)
        except ChangedMeanwhile as error:
            self._say(str(error), error=True)
            self.check_changes_now()
            return REFUSED
        except Exception as error:  # noqa: BLE001 - the one place failures end up
            self.report_failure(error, where=_service_name(service))
            return REFUSED

    # --- failures are reported, never fatal -----------------------------------------
    def report_failure(self, error: BaseException, *, where: str = "") -> None:
        report_failure(self, error, where=where)

    async def _on_message(self, message) -> None:
        """The safety net for the desk's own event and message handlers
        (outside `_call` and workers): an unexpected exception is logged and
        shown as one line, and the desk goes on (see `catches_errors`)."""
        try:
            await super()._on_message(message)
        except Exception as error:  # noqa: BLE001 - the safety net
            if not catches_errors(self.app):
                raise
            self.report_failure(error, where=f"hendelse {type(message).__name__}")

    def on_worker_state_changed(self, event) -> None:
        """Every desk worker runs with exit_on_error=False and ends here."""
        handle_worker_state(self, event)
        exports = self._exports
        if event.worker in exports and event.state in _FINISHED:
            what, done = exports.pop(event.worker)
            self._export_finished(what, done, event.worker)

    # --- exports run in a worker, with an indicator ---------------------------
    def run_export(self, what: str, service, *args, done=None, **kwargs) -> None:
        """Write an export in a worker thread: the message line says what is
        being made while an indicator runs; then where it was saved (or why
        not). `done(result)` may give the final message."""
        from textual.widgets import LoadingIndicator

        self._say(f"Lager {what} …")
        if not self.query("#export-indicator"):
            indicator = LoadingIndicator(id="export-indicator")
            indicator.styles.height = 1
            self.mount(indicator, before=self.query_one("#message"))
        worker = self.run_worker(lambda: service(*args, **kwargs), thread=True, group="export",
                                 name=f"eksport: {what}", exit_on_error=False)
        self._exports[worker] = (what, done)

    def _export_finished(self, what: str, done, worker) -> None:
        if not self._exports:
            for indicator in self.query("#export-indicator"):
                indicator.remove()
        if worker.state == WorkerState.SUCCESS:
            self._say(done(worker.result) if done else f"{what[:1].upper()}{what[1:]} lagret: {worker.result}")


_FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


def _service_name(service) -> str:
    return f"{getattr(service, '__module__', '?')}.{getattr(service, '__qualname__', repr(service))}"


def catches_errors(app) -> bool:
    """Whether the safety net catches an unexpected exception in a desk's
    handler or action. On in the running app; off under `run_test`
    (headless), so a test still fails on the error, unless the test turns
    it on with `app.catch_desk_errors = True`."""
    wanted = getattr(app, "catch_desk_errors", None)
    return (not app.is_headless) if wanted is None else bool(wanted)


def failure_message(error: BaseException, *, where: str = "") -> str:
    """The one line a clerk sees: a domain error as it is; anything else as
    «intern feil – se logg PATH» with the traceback written to that file."""
    from eksamen_tui.domain.errors import DomainError

    if isinstance(error, DomainError):
        return str(error)
    from eksamen_tui.errorlog import internal_error_line

    return internal_error_line(error, where=where)


def report_failure(node, error: BaseException, *, where: str = "") -> None:
    """Show `error` on the message line of the desk `node` belongs to (or as
    a notification where there is none). Never raises."""
    where = where or type(node).__name__
    message = failure_message(error, where=f"{type(node).__name__}: {where}")
    screen = node if isinstance(node, Screen) else getattr(node, "screen", None)
    try:
        screen._say(message, error=True)  # a desk's message line, or a dialog's own
    except Exception:  # noqa: BLE001 - no screen, or one without a message line
        node.app.notify(message, severity="error", timeout=30)


def call_service(node, service, *args, **kwargs):
    """`DeskScreen._call` for dialogs: the service's result, or REFUSED after
    the failure is shown (a domain error as it is, anything else logged)."""
    try:
        return service(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the one place failures end up
        report_failure(node, error, where=_service_name(service))
        return REFUSED


def handle_worker_state(node, event) -> None:
    """For `on_worker_state_changed`: a worker that failed is reported on
    the message line; the app goes on."""
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        report_failure(node, event.worker.error, where=f"arbeid «{event.worker.name or event.worker.group}»")


class ReportsWorkerFailures:
    """Mixin for widgets and dialogs that run workers (exit_on_error=False):
    a failed worker is reported on the desk's message line."""

    def on_worker_state_changed(self, event) -> None:
        handle_worker_state(self, event)


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
            table.move_cursor(row=table.get_row_index(str(registration_id)))
            return registration_id
        if table.row_count == 0:
            return None
        return int(table.cursor_key)

    def _refill(self, rows) -> None:
        """Replace the list (candidates came or went), keeping the cursor on
        the same candidate. `rows` have `registration_id` and
        `candidate_number`; the desk's `_cells(row)` gives a row's cells and
        `_after_refill()` updates what it counts."""
        table = self.query_one(self.NUMBER_TABLE)
        key = table.cursor_key
        self._rows = {row.registration_id: row for row in rows}
        self._by_number = {row.candidate_number: row.registration_id for row in rows}
        table.fill([(str(row.registration_id), self._cells(row)) for row in rows])
        if key is not None and int(key) in self._rows:
            table.move_cursor(row=table.get_row_index(key), scroll=False)
        self._after_refill()

    def _after_refill(self) -> None:
        """After `_refill`: the desk's totals (counts, progress)."""

    LIST_NAME = "listen"

    def _why_not_on_list(self, text: str) -> str:
        from eksamen_tui.services.attendance import why_not_listed

        reason = self._call(why_not_listed, self.ctx, self.exam_id, text, self.LIST_NAME)
        return f"Kandidat {text} er ikke på {self.LIST_NAME}" if reason is REFUSED else reason
