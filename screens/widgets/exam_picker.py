"""Find an exam by typing part of its course code or name; the list
narrows as you type; Enter (or ↓ then Enter) picks one."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


class ExamPicker(Vertical):
    """Posts ExamPicker.Picked(exam_id) when the clerk chooses an exam."""

    DEFAULT_CSS = """
    ExamPicker { height: auto; max-height: 16; }
    ExamPicker > OptionList { height: auto; max-height: 12; }
    ExamPicker > .picker-message { color: $error; height: auto; }
    """

    class Picked(Message):
        def __init__(self, exam_id: int, label: str) -> None:
            self.exam_id = exam_id
            self.label = label
            super().__init__()

    def __init__(self, *, placeholder: str = "Emnekode eller emnenavn …", id: str | None = None) -> None:
        super().__init__(id=id)
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self._placeholder, classes="picker-input")
        yield OptionList(classes="picker-options")
        yield Static("", classes="picker-message")

    def focus_input(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search(event.value)

    @work(thread=True, exclusive=True, group="exam-picker")
    def _search(self, text: str) -> None:
        from eksamen_tui.services.exams import course_known, find_exams

        ctx = self.app.ctx
        choices = find_exams(ctx, text) if text.strip() else find_exams(ctx, "", limit=30)
        unknown = bool(text.strip()) and not choices and not course_known(ctx, text)
        self.app.call_from_thread(self._show, text, choices, unknown)

    def _show(self, text: str, choices, unknown: bool) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(choice.label, id=str(choice.exam_id)) for choice in choices])
        if choices:
            options.highlighted = 0
        message = ""
        if unknown:
            message = f"Ukjent emnekode eller emnenavn: «{text.strip()}»"
        self.query_one(".picker-message", Static).update(message)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.option_count == 0:
            self.query_one(".picker-message", Static).update(
                f"Ingen eksamen passer «{event.value.strip()}»" if event.value.strip() else "Skriv en emnekode")
            return
        index = options.highlighted if options.highlighted is not None else 0
        self._pick(options.get_option_at_index(index))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option)

    def _pick(self, option: Option) -> None:
        self.post_message(self.Picked(int(option.id), str(option.prompt)))

    def on_key(self, event) -> None:
        # ↓/↑ from the input move in the list without leaving the input
        options = self.query_one(OptionList)
        if event.key in ("down", "up") and self.query_one(Input).has_focus and options.option_count:
            current = options.highlighted or 0
            step = 1 if event.key == "down" else -1
            options.highlighted = max(0, min(options.option_count - 1, current + step))
            event.stop()
            event.prevent_default()
