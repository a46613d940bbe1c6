"""Find an exam by typing part of its course code or name; the list
narrows as you type. Enter opens the exam that matches what is typed when
Enter is pressed: the exact course code's exam, or the only match. While
the search for that text is still running, Enter waits for it; when
several exams match, the list stays open (↓/↑ then Enter picks one).
Esc empties the search, and a second Esc leaves it."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.base import ReportsWorkerFailures


class ExamPicker(ReportsWorkerFailures, Vertical):
    """Posts ExamPicker.Picked(exam_id) when the clerk chooses an exam."""

    DEFAULT_CSS = """
    ExamPicker { height: auto; max-height: 16; }
    ExamPicker > OptionList { height: auto; max-height: 12; }
    ExamPicker > .picker-message { color: $error; height: auto; }
    """

    class Cancelled(Message):
        """Esc with nothing typed: the clerk leaves the search (the desk goes
        back to the exam it has open, if any)."""

    class Picked(Message):
        def __init__(self, exam_id: int, label: str) -> None:
            self.exam_id = exam_id
            self.label = label
            super().__init__()

    def __init__(self, *, placeholder: str = "Emnekode eller emnenavn …", id: str | None = None) -> None:
        super().__init__(id=id)
        self._placeholder = placeholder
        self._shown = None  # the ExamSearch the list shows
        self._enter_pending = False  # Enter pressed before the search for the typed text came back
        self._navigated = False  # ↓/↑ moved the highlight in the list for the typed text

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self._placeholder, classes="picker-input")
        yield OptionList(classes="picker-options")
        yield Static("", classes="picker-message")

    def focus_input(self) -> None:
        self.query_one(Input).focus()

    @property
    def _typed(self) -> str:
        return self.query_one(Input).value

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._navigated = False
        self._search(event.value)

    @work(thread=True, exclusive=True, group="exam-picker", exit_on_error=False)
    def _search(self, text: str) -> None:
        from eksamen_tui.services.exams import search_exams

        result = search_exams(self.app.ctx, text)
        self.app.call_from_thread(self._show, result)

    def _show(self, result) -> None:
        if result.text != self._typed:
            return  # an older text's answer: the search for the current text is on its way
        self._shown = result
        self._navigated = False  # a ↓/↑ pressed on the previous list chose nothing in this one
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(choice.label, id=str(choice.exam_id)) for choice in result.choices])
        if result.choices:
            options.highlighted = 0
        message = f"Ukjent emnekode eller emnenavn: «{result.text.strip()}»" if result.unknown else ""
        self._set_message(message)
        if self._enter_pending:
            self._enter_pending = False
            self._enter(result)

    def _set_message(self, message: str) -> None:
        self.query_one(".picker-message", Static).update(message)

    @property
    def waiting_for_search(self) -> bool:
        """Enter was pressed and waits for the search of the typed text."""
        return self._enter_pending

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._shown is None or self._shown.text != event.value:
            self._enter_pending = True  # answered in _show, for exactly this text
            if not self.is_running_search:
                self._search(event.value)
            return
        self._enter(self._shown)

    @property
    def is_running_search(self) -> bool:
        return any(w.group == "exam-picker" and w.is_running for w in self.workers)

    def _enter(self, result) -> None:
        options = self.query_one(OptionList)
        if self._navigated and options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted))
            return
        choice = result.enter_choice()
        if choice is None:
            self._set_message(result.why_not())
            return
        self._pick(Option(choice.label, id=str(choice.exam_id)))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option)

    def _pick(self, option: Option) -> None:
        self._set_message("")
        self.post_message(self.Picked(int(option.id), str(option.prompt)))

    def on_key(self, event) -> None:
        options = self.query_one(OptionList)
        if event.key == "escape":
            # the first Esc empties the search, the next one leaves it
            event.stop()
            event.prevent_default()
            field = self.query_one(Input)
            if field.value:
                field.value = ""
                self._shown = None
                self._enter_pending = False
                options.clear_options()
                self._set_message("")
                field.focus()
            else:
                self.post_message(self.Cancelled())
            return
        # ↓/↑ from the input move in the list without leaving the input
        if event.key in ("down", "up") and self.query_one(Input).has_focus and options.option_count:
            current = options.highlighted or 0
            step = 1 if event.key == "down" else -1
            options.highlighted = max(0, min(options.option_count - 1, current + step))
            self._navigated = True
            event.stop()
            event.prevent_default()
