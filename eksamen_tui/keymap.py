"""A keymap of one's own: `keymap.toml` in the platform's config folder
remaps bindings by their id (Textual's `App.set_keymap`).

    # ~/.config/eksamen-tui/keymap.toml
    "attendance.history" = "ctrl+h"     # quoted ids ...
    [app.desk]
    student = "f8,ctrl+s"               # ... or TOML tables: app.desk.student

The file is read and checked when the app starts: entries that name an
unknown binding, give no key or an unknown key, or make two bindings of one
screen share a key are left out, and the clerk is told why in bokmål; the
rest apply. This module knows Textual's key names but no screen."""
from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

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


def load_keymap(path: Path, bindings: dict[str, dict[str, str]]) -> KeymapResult:
    """Read and check `path`. `bindings` is each screen's (and the app's,
    under "app") binding id -> default keys; ids must be among them."""
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
