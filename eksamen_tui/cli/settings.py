"""`settings`: show and set the institution profile, every deadline offset
and the local closed days (validated; every change in the audit trail)."""
from __future__ import annotations

import argparse
import json

from eksamen_tui.cli.common import open_cli_context, say


def register(sub) -> None:
    from eksamen_tui.cli.common import Parser

    p = sub.add_parser("settings", help="vis eller endre institusjonens innstillinger (profil, frister, fridager)")
    p.add_argument("--json", action="store_true", help="vis innstillingene som JSON")
    p.set_defaults(handler=cmd_show)
    actions = p.add_subparsers(dest="action", parser_class=Parser)
    q = actions.add_parser("profile", help="velg profil: ntnu, nhh eller nmbu")
    q.add_argument("name")
    q.set_defaults(handler=cmd_profile)
    q = actions.add_parser("set", help="endre en frist eller regel: NØKKEL VERDI")
    q.add_argument("key")
    q.add_argument("value")
    q.set_defaults(handler=cmd_set)
    q = actions.add_parser("reset", help="tilbake til profilens verdi: NØKKEL (eller local_closed_days)")
    q.add_argument("key")
    q.set_defaults(handler=cmd_reset)
    q = actions.add_parser("closed-day", help="lokale fridager: add|remove DAG (MM-DD, ÅÅÅÅ-MM-DD, DD.MM)")
    q.add_argument("change", choices=["add", "remove"])
    q.add_argument("day")
    q.set_defaults(handler=cmd_closed_day)


def cmd_show(args: argparse.Namespace) -> int:
    from eksamen_tui.services.settings import institution_settings

    ctx = open_cli_context(args)
    _show(institution_settings(ctx), as_json=args.json)
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from eksamen_tui.services.settings import set_profile

    _show(set_profile(open_cli_context(args), args.name), changed="profil")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from eksamen_tui.services.settings import set_value

    _show(set_value(open_cli_context(args), args.key, args.value), changed=args.key)
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    from eksamen_tui.services.settings import reset_value

    _show(reset_value(open_cli_context(args), args.key), changed=args.key)
    return 0


def cmd_closed_day(args: argparse.Namespace) -> int:
    from eksamen_tui.services.settings import add_closed_day, remove_closed_day

    change = add_closed_day if args.change == "add" else remove_closed_day
    _show(change(open_cli_context(args), args.day), changed="lokale fridager")
    return 0


def _show(settings, *, as_json: bool = False, changed: str | None = None) -> None:
    if as_json:
        say(json.dumps({"profile": settings.profile,
                        "settings": {line.key: line.value for line in settings.lines},
                        "local_closed_days": list(settings.closed_days)}, indent=2, ensure_ascii=False))
        return
    if changed:
        say(f"Lagret ({changed}); endringen står i revisjonssporet.")
    say(f"Profil: {settings.profile} ({settings.title})")
    width = max(len(line.key) for line in settings.lines)
    for line in settings.lines:
        mark = f"  (profilen: {'ja' if line.default is True else 'nei' if line.default is False else line.default})" \
            if line.changed else ""
        say(f"  {line.key:<{width}}  {line.shown:>4}  {line.label}{mark}")
    days = ", ".join(settings.closed_days) or "ingen"
    mark = "" if settings.closed_days == settings.default_closed_days else \
        f"  (profilen: {', '.join(settings.default_closed_days) or 'ingen'})"
    say(f"  {'local_closed_days':<{width}}  {days}{mark}")
