"""A keymap of one's own: `keymap.toml` in the platform's config folder
remaps bindings by their id (Textual's `App.set_keymap`).

    # ~/.config/eksamen-tui/keymap.toml
    "attendance.history" = "ctrl+h"     # quoted ids ...
    [app.desk]
    student = "f8,ctrl+s"               # ... or TOML tables: app.desk.student

The file is read and checked when the app starts: entries that name an
unknown binding, give no key or an unknown key, make two bindings of one
screen share a key, or move a binding onto a key that a Textual widget of
its screen (Input, DataTable, Select …) or the app itself takes first are
left out, and the clerk is told why in bokmål; the
rest apply. This module knows Textual's key names but no screen."""
from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

ENV_KEYMAP = "EKSAMEN_KEYMAP"
FILE_NAME = "keymap.toml"
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def keymap_path() -> Path:
    """$EKSAMEN_KEYMAP, else keymap.toml in the platform's config folder."""
    if os.environ.get(ENV_KEYMAP):
        return Path(os.environ[ENV_KEYMAP]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("eksamen-tui", appauthor=False) / FILE_NAME


@dataclass
class KeymapResult:
    path: Path
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys, only valid entries
    problems: list[str] = field(default_factory=list)  # bokmål, one per refused entry
    found: bool = False

    def message(self) -> str:
        head = f"Tastekartet {self.path} har feil – disse linjene brukes ikke:"
        return "\n".join([head, *(f"• {p}" for p in self.problems)])


def _flatten(table: dict, prefix: str = "") -> Iterable[tuple[str, object]]:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


def key_problem(keys: str) -> str | None:
    """Why `keys` (comma-separated Textual key names) is not a key, or None."""
    from textual.keys import Keys, _character_to_key, key_to_character

    known = {k.value for k in Keys}
    parts = [part.strip() for part in keys.split(",")]
    if not keys.strip() or any(not part for part in parts):
        return "ingen tast oppgitt"
    for part in parts:
        *modifiers, name = part.split("+")
        bad = [m for m in modifiers if m not in MODIFIERS]
        if bad or not name:
            return f"«{part}»: ukjent modifikator «{'+'.join(bad) or '+'}» (bruk ctrl, shift, alt)"
        if len(name) == 1:
            name = _character_to_key(name)
        if name in known or key_to_character(name) is not None:
            continue
        return f"«{part}» er ikke en tast Textual kjenner (f.eks. «f9», «ctrl+h», «x», «slash»)"
    return None


@dataclass(frozen=True)
class WidgetKey:
    """A key a Textual widget (or the app itself) binds: while that widget
    has focus (or always, for the app's priority keys) it takes the key
    before the desk sees it."""

    widget: str  # class name(s), e.g. "Input" or "DataTable og Input"
    action: str  # the (first) widget's action, e.g. "home"

    def words(self) -> str:
        if self.widget == "App":
            return f"Textual-appen selv (handlingen «{self.action}», gjelder overalt)"
        return f"{self.widget} (handlingen «{self.action}») når den har fokus"


def load_keymap(path: Path, bindings: dict[str, dict[str, str]],
                widget_keys: "dict[str, dict[str, WidgetKey]] | Callable[[], dict] | None" = None) -> KeymapResult:
    """Read and check `path`. `bindings` is each screen's (and the app's,
    under "app") binding id -> default keys; ids must be among them.
    `widget_keys` (from `collect_widget_keys`) is, per screen, the keys its
    Textual widgets bind: a binding remapped onto one of them is refused
    (a callable is only called when the file remaps something)."""
    result = KeymapResult(path)
    if not path.exists():
        return result
    result.found = True
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        result.problems.append(f"filen kan ikke leses: {error}")
        return result
    except tomllib.TOMLDecodeError as error:
        result.problems.append(f"ikke gyldig TOML: {error}")
        return result
    known = {binding_id for ids in bindings.values() for binding_id in ids}
    wanted: dict[str, str] = {}
    for binding_id, value in _flatten(data):
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = f" – mente du «{close[0]}»?" if close else ""
            result.problems.append(f"«{binding_id}»: ingen handling har denne id-en{hint}")
            continue
        if not isinstance(value, str):
            result.problems.append(f"«{binding_id}»: tasten må skrives som tekst i anførselstegn, f.eks. \"ctrl+h\"")
            continue
        problem = key_problem(value)
        if problem:
            result.problems.append(f"«{binding_id}» = «{value}»: {problem}")
            continue
        wanted[binding_id] = value.strip()
    refused = _clashes(wanted, bindings, result.problems)
    remaining = {k: v for k, v in wanted.items() if k not in refused}
    if remaining and widget_keys is not None:
        taken = widget_keys() if callable(widget_keys) else widget_keys
        refused |= _swallowed(remaining, bindings, taken, result.problems)
    result.keymap = {k: v for k, v in wanted.items() if k not in refused}
    return result


def _keys(text: str) -> set[str]:
    from textual.keys import _character_to_key

    return {_character_to_key(k) if len(k) == 1 else k for k in (p.strip() for p in text.split(",")) if k}


def _clashes(wanted: dict[str, str], bindings: dict[str, dict[str, str]], problems: list[str]) -> set[str]:
    """Remapped ids whose key another binding of the same screen (or the
    app) already uses: refused, so no key silently stops working."""
    app = bindings.get("app", {})
    refused: set[str] = set()
    for owner, ids in bindings.items():
        scope = {**app, **ids} if owner != "app" else dict(app)
        effective: dict[str, list[str]] = {}
        for binding_id, default in scope.items():
            for key in _keys(wanted.get(binding_id, default)):
                effective.setdefault(key, []).append(binding_id)
        for key, users in effective.items():
            remapped = [u for u in users if u in wanted and u not in refused]
            if len(set(users)) > 1 and remapped:
                for binding_id in remapped:
                    others = ", ".join(f"«{u}»" for u in users if u != binding_id)
                    problems.append(f"«{binding_id}» = «{wanted[binding_id]}»: tasten «{key}» brukes allerede av "
                                    f"{others}")
                    refused.add(binding_id)
    return refused


def _swallowed(wanted: dict[str, str], bindings: dict[str, dict[str, str]],
               widget_keys: dict[str, dict[str, WidgetKey]], problems: list[str]) -> set[str]:
    """Remapped ids whose new key a widget of their screen binds (or, for
    the app's own bindings, a widget of any screen): refused, since the key
    would never reach the action while that widget has focus."""
    everywhere = widget_keys.get("app", {})
    any_screen: dict[str, WidgetKey] = {}
    for owner, keys in widget_keys.items():
        for key, used in keys.items():
            any_screen.setdefault(key, used)
    refused: set[str] = set()
    for owner, ids in bindings.items():
        taken = {**any_screen, **everywhere} if owner == "app" else {**widget_keys.get(owner, {}), **everywhere}
        for binding_id in ids:
            if binding_id not in wanted or binding_id in refused:
                continue
            for key in sorted(_keys(wanted[binding_id])):
                if key in taken:
                    problems.append(f"«{binding_id}» = «{wanted[binding_id]}»: tasten «{key}» brukes av "
                                    f"{taken[key].words()} – velg en annen tast")
                    refused.add(binding_id)
                    break
    return refused


def _widget_bindings(widget: type) -> dict[str, WidgetKey]:
    """Every key `widget` binds, its own and inherited (Textual merges BINDINGS
    along the class hierarchy)."""
    from textual.binding import Binding

    found: dict[str, WidgetKey] = {}
    for cls in reversed(widget.__mro__):
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, tuple):
                binding = Binding(*binding)
            if not isinstance(binding, Binding):
                continue
            for key in _keys(binding.key):
                found[key] = WidgetKey(widget.__name__, binding.action)
    return found


def _named_widgets(klass: type) -> frozenset[type]:
    """The widget classes named in `klass`'s own source (cached; each
    module's source is parsed once)."""
    import ast
    import sys

    from textual.widget import Widget

    cached = _NAMED.get(klass)
    if cached is not None:
        return cached
    module = sys.modules.get(klass.__module__)
    tree = _module_tree(module)
    node = next((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == klass.__name__),
                None) if tree is not None else None
    names = vars(module) if module is not None else {}
    found: set[type] = set()
    for child in ast.walk(node) if node is not None else ():
        target = names.get(child.id) if isinstance(child, ast.Name) else None
        if isinstance(target, type) and issubclass(target, Widget) and target not in klass.__mro__:
            found.add(target)
    _NAMED[klass] = frozenset(found)
    return _NAMED[klass]


def _module_tree(module):
    import ast
    import inspect

    if module is None:
        return None
    if module.__name__ not in _TREES:
        try:
            _TREES[module.__name__] = ast.parse(inspect.getsource(module))
        except (OSError, TypeError, SyntaxError):
            _TREES[module.__name__] = None
    return _TREES[module.__name__]


_TREES: dict[str, object] = {}
_NAMED: dict[type, frozenset[type]] = {}


def _ours_or_a_textual_widget(klass: type) -> bool:
    """Not Textual's base classes (Widget, Screen, ScrollView …), nor builtins."""
    module = klass.__module__
    return module.startswith("textual.widgets.") or module.split(".")[0] not in ("textual", "builtins", "typing")


def _widgets_used(cls: type, seen: set[type] | None = None) -> set[type]:
    """The widget classes `cls` names in its source (and in its own bases'),
    and, recursively, the widgets those compose (Select's overlay list …).
    Textual's base classes (Widget, Screen, ScrollView …) are not read."""
    seen = set() if seen is None else seen
    used: set[type] = set()
    for klass in cls.__mro__:
        if klass in seen or not _ours_or_a_textual_widget(klass):
            continue
        seen.add(klass)
        for target in _named_widgets(klass):
            used.add(target)
            used |= _widgets_used(target, seen)
    return used


def collect_widget_keys(owners: Iterable[type]) -> dict[str, dict[str, WidgetKey]]:
    """Per class that declares bindings (as in `collect_bindings`), the keys
    bound by the Textual widgets it uses (Input's ctrl+a, home, end …,
    DataTable's, Select's …); under "app", Textual's own App and Screen keys
    (ctrl+q, ctrl+c, the command palette's, tab)."""
    from textual.app import App
    from textual.screen import Screen

    result: dict[str, dict[str, WidgetKey]] = {}
    for owner in owners:
        if issubclass(owner, App):
            keys = {**_widget_bindings(App), **_widget_bindings(Screen)}
            for key in _keys(owner.COMMAND_PALETTE_BINDING):
                keys[key] = WidgetKey("App", "command_palette")
            for key in keys:
                keys[key] = replace(keys[key], widget="App")
            result["app"] = keys
            continue
        if not owner.__dict__.get("BINDINGS"):
            continue
        keys = {}
        for widget in sorted(_widgets_used(owner), key=lambda w: w.__name__):
            if widget.can_focus and not issubclass(widget, Screen):  # only a focused widget takes keys
                for key, used in _widget_bindings(widget).items():
                    before = keys.get(key)  # the first widget's action; every widget named
                    keys[key] = used if before is None else replace(before, widget=f"{before.widget} og {used.widget}")
        result[f"{owner.__module__}.{owner.__qualname__}"] = keys
    return result


def collect_bindings(owners: Iterable[type]) -> dict[str, dict[str, str]]:
    """Binding id -> default keys per class that declares `BINDINGS`
    (the app under "app"); bindings without an id cannot be remapped."""
    from textual.app import App
    from textual.binding import Binding

    result: dict[str, dict[str, str]] = {}
    for owner in owners:
        name = "app" if issubclass(owner, App) else f"{owner.__module__}.{owner.__qualname__}"
        ids = result.setdefault(name, {})
        for binding in owner.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids[binding.id] = binding.key
    return result
