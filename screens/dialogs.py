"""Modal dialogs shared by the desks: read-only text, yes/no questions and
forms. A form keeps itself open until what it asks for is valid: a refusal
stands beside the field it concerns, and nothing typed in a dialog reaches
the desk beneath (a ModalScreen owns the keyboard while it is open)."""
from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from string import ascii_lowercase
from typing import Any, Callable, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

T = TypeVar("T")


class TextDialog(ModalScreen[None]):
    """A read-only text (history, lists) closed with Esc."""

    DEFAULT_CSS = """
    TextDialog { align: center middle; }
    TextDialog > VerticalScroll { width: 110; max-width: 95%; height: auto; max-height: 85%;
        border: thick $accent; background: $panel; padding: 1 2; }
    """
    BINDINGS = [Binding("escape,q,enter", "close", "Lukk", id="dialog.close", tooltip="Lukk vinduet")]

    def __init__(self, title: str, body: Text | str) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(Text(self._title, style="bold"))
            yield Static(self._body)

    def action_close(self) -> None:
        self.dismiss(None)


DIALOG_CSS = """
    {name} {{ align: center middle; }}
    {name} > Vertical {{ width: 90; max-width: 96%; height: auto; max-height: 96%;
        border: thick $accent; background: $panel; padding: 0 2; }}
    {name} .dialog-title {{ text-style: bold; margin: 1 0 0 0; }}
    {name} .dialog-text {{ margin: 0 0 1 0; }}
    {name} .field-label {{ margin: 1 0 0 0; }}
    {name} .field-error {{ color: $error; text-style: bold; height: auto; }}
    {name} .dialog-hint {{ color: $text-muted; height: auto; }}
    {name} .dialog-buttons {{ height: auto; align: right middle; margin: 1 0 0 0; }}
    {name} .dialog-buttons Button {{ margin: 0 0 0 2; }}
"""


LEFT_FIELD = "Ute av feltet. Esc igjen lukker skjemaet (ingenting lagres); Enter eller Alt+bokstav går tilbake."


class LeavesFieldFirst:
    """Esc leaves a field first, and the form only at the second Esc. While
    no field has the focus, Enter goes back to the field that was left.
    The dialog provides `_fields_widgets()` and a `#form-hint` Static."""

    _left_field = None

    def _fields_widgets(self) -> list:
        return []

    def leave_field_or_close(self, close: Callable[[], None]) -> None:
        focused = self.focused
        if focused is not None and focused in self._fields_widgets():
            self._left_field = focused
            self.set_focus(None)
            self.query_one("#form-hint", Static).update(LEFT_FIELD)
            return
        close()

    def back_to_field(self, event) -> bool:
        """Enter with no field focused: back to the field left. True if it did."""
        if event.key != "enter" or self.focused is not None:
            return False
        fields = self._fields_widgets()
        target = self._left_field if self._left_field in fields else (fields[0] if fields else None)
        if target is None:
            return False
        self.set_focus(target)
        event.stop()
        event.prevent_default()
        return True

    def on_descendant_focus(self, _event) -> None:
        for hint in self.query("#form-hint"):
            hint.update("")


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question. J (or Y) answers yes, N or Esc no; the buttons and
    Enter on a focused button do the same. «Nei» has the focus first, so an
    Enter typed out of habit changes nothing."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        Binding("j,y", "answer(True)", "Ja", id="confirm.yes", tooltip="Ja, gjør det"),
        Binding("n,escape", "answer(False)", "Nei", id="confirm.no", tooltip="Nei, ingenting endres"),
        Binding("left,right", "app.focus_next", "Bytt knapp", show=False, id="confirm.switch"),
    ]

    def __init__(self, title: str, question: str | Text, *, yes: str = "Ja", no: str = "Nei") -> None:
        super().__init__()
        self._title, self._question, self._yes, self._no = title, question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dialog-title")
            yield Static(self._question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._yes} (J)", id="confirm-yes", variant="primary")
                yield Button(f"{self._no} (N)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class FieldError(Exception):
    """A form's refusal that concerns one field (by its key)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass
class FormField:
    """One field of a form: a text field (options empty) or a Select.

    `shortcut` is a letter: Alt+letter jumps to the field, and the label
    shows it."""

    key: str
    label: str
    shortcut: str = ""
    options: list[tuple[str, Any]] = dataclass_field(default_factory=list)
    value: Any = None
    placeholder: str = ""
    required: bool = False
    select: bool = False  # a Select even when built with options added later

    @property
    def is_select(self) -> bool:
        return self.select or bool(self.options)


class FormDialog(LeavesFieldFirst, ModalScreen[T], Generic[T]):
    """A form in a dialog. Enter moves to the next field and submits at the
    last; Alt+letter jumps to a field; the buttons submit or cancel; Esc
    leaves the field, a second Esc cancels. `submit(values)` returns the dialog's result, or raises
    FieldError (or a DomainError, shown beside `error_field`): the message
    then stands beside the field and the dialog stays open."""

    DEFAULT_CSS = DIALOG_CSS.format(name="FormDialog")
    BINDINGS = [
        Binding("escape", "cancel", "Avbryt", id="form.cancel",
                tooltip="Ut av feltet; Esc igjen lukker uten å lagre"),
        Binding("ctrl+r", "submit", "Lagre", id="form.submit", tooltip="Lagre skjemaet (også Enter i siste felt)"),
        # Priority: run as the key arrives, so the keys typed right after go
        # to the field moved to (see screens.papers for the same in the desk)
        Binding("enter", "next_field", show=False, priority=True, id="form.next_field"),
        *(Binding(f"alt+{letter}", f"jump('{letter}')", show=False, priority=True, id=f"form.jump_{letter}")
          for letter in ascii_lowercase),
    ]

    def __init__(self, title: str, fields: list[FormField], submit: Callable[[dict], T], *,
                 text: str | Text = "", ok: str = "Lagre", error_field: str | None = None) -> None:
        super().__init__()
        self._title, self._fields, self._submit, self._text, self._ok = title, fields, submit, text, ok
        self._error_field = error_field or (fields[-1].key if fields else "")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dialog-title")
            if self._text:
                yield Static(self._text, classes="dialog-text")
            for spec in self._fields:
                shortcut = f" (Alt+{spec.shortcut.upper()})" if spec.shortcut else ""
                yield Label(f"{spec.label}{shortcut}", classes="field-label")
                if spec.is_select:
                    yield Select(spec.options, prompt="Velg …", id=f"field-{spec.key}",
                                 value=spec.value if spec.value is not None else Select.NULL)
                else:
                    yield Input(value=spec.value or "", placeholder=spec.placeholder, id=f"field-{spec.key}")
                yield Static("", id=f"error-{spec.key}", classes="field-error")
            yield Static("", id="error-_form", classes="field-error")
            yield Static("", id="form-hint", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._ok} (Ctrl+R)", id="form-ok", variant="primary")
                yield Button("Avbryt (Esc)", id="form-cancel")

    def on_mount(self) -> None:
        if self._fields:
            self._widget(self._fields[0].key).focus()

    def _widget(self, key: str):
        return self.query_one(f"#field-{key}")

    def _fields_widgets(self) -> list:
        return [self._widget(spec.key) for spec in self._fields]

    def values(self) -> dict[str, Any]:
        result = {}
        for spec in self._fields:
            widget = self._widget(spec.key)
            if isinstance(widget, Select):
                result[spec.key] = None if widget.value is Select.NULL else widget.value
            else:
                result[spec.key] = widget.value
        return result

    def show_error(self, key: str, message: str) -> None:
        for spec in self._fields:
            self.query_one(f"#error-{spec.key}", Static).update("")
        target = key if any(spec.key == key for spec in self._fields) else "_form"
        self.query_one(f"#error-{target}", Static).update(message)
        if target != "_form":
            self._widget(target).focus()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "jump":  # (False: the key goes on to the focused widget)
            return any(spec.shortcut.lower() == parameters[0] for spec in self._fields)
        if action == "next_field":  # on a field (not a button, nor an open Select's list)
            return self.focused is not None and self.focused in self._fields_widgets()
        return True

    def action_jump(self, letter: str) -> None:
        spec = next(spec for spec in self._fields if spec.shortcut.lower() == letter)
        self.set_focus(self._widget(spec.key))

    def action_next_field(self) -> None:
        """Enter: the next field, or at the last one the form is submitted."""
        fields = self._fields_widgets()
        index = fields.index(self.focused)
        if index + 1 < len(fields):
            self.set_focus(fields[index + 1])
        else:
            self.action_submit()

    # a submit waits for the fields: a second Enter or Ctrl+R meanwhile is the same one
    _submitting = False

    def action_submit(self) -> None:
        from screens.base import when_typed_in

        if self._submitting:
            return
        self._submitting = True
        when_typed_in(self._fields_widgets(), self._submit_now)  # after the keys typed before it

    def _submit_now(self) -> None:
        dismissed = False
        try:
            dismissed = self._try_submit()
        finally:
            self._submitting = dismissed  # a refused form can be corrected and sent again

    def _try_submit(self) -> bool:
        """Submit the form; True once the dialog is dismissed with the result."""
        from eksamen_tui.domain.errors import DomainError

        values = self.values()
        for spec in self._fields:
            value = values[spec.key]
            if spec.required and (value is None or (isinstance(value, str) and not value.strip())):
                self.show_error(spec.key, f"Fyll ut «{spec.label}»" if not spec.is_select else f"Velg «{spec.label}»")
                return False
        try:
            result = self._submit(values)
        except FieldError as error:
            self.show_error(error.key, error.message)
            return False
        except DomainError as error:
            self.show_error(self._error_field, str(error))
            return False
        except Exception as error:  # noqa: BLE001 - logged; the dialog stays open with the line
            from screens.base import failure_message

            self.show_error(self._error_field, failure_message(error, where=f"skjema «{self._title}»"))
            return False
        self.dismiss(result)
        return True

    def action_cancel(self) -> None:
        self.leave_field_or_close(lambda: self.dismiss(None))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-ok":
            self.action_submit()
        else:
            self.dismiss(None)

    def on_key(self, event) -> None:
        if self.back_to_field(event):
            return
        focused = self.focused
        if isinstance(focused, Select) and event.is_printable and event.character and event.key != "space":
            self._choose_by_letter(focused, event.character)  # type a first letter: chosen, no list to open
            event.stop()
            event.prevent_default()

    def _choose_by_letter(self, select: Select, character: str) -> None:
        """The next option whose text begins with `character` (again and
        again cycles through them); a character nothing begins with changes nothing."""
        key = (select.id or "").removeprefix("field-")
        spec = next(spec for spec in self._fields if spec.key == key)
        matching = [value for label, value in spec.options if str(label).casefold().startswith(character.casefold())]
        if not matching:
            return
        current = select.value
        following = matching[(matching.index(current) + 1) % len(matching)] if current in matching else matching[0]
        select.value = following


class PromptDialog(FormDialog[str]):
    """One line of text. `check(text)` may raise FieldError/DomainError to
    refuse it (the dialog stays open); dismisses with the text or None."""

    def __init__(self, title: str, prompt: str, value: str = "", placeholder: str = "", *,
                 label: str = "Svar", check: Callable[[str], Any] | None = None, shortcut: str = "") -> None:
        def submit(values: dict) -> str:
            text = values["answer"]
            if check is not None:
                check(text)
            return text

        super().__init__(title, [FormField("answer", label, shortcut=shortcut or label[:1].lower(), value=value,
                                           placeholder=placeholder)], submit, text=prompt, ok="OK")
