"""`deadlines [EXAM_DATE] [--published DATE]`: the profile's deadlines."""
from __future__ import annotations

import argparse
import json

from eksamen_tui.cli.common import iso_date, say

WEEKDAYS = ["man", "tir", "ons", "tor", "fre", "lør", "søn"]


def register(sub) -> None:
    p = sub.add_parser("deadlines", help="alle frister for en eksamen på en dato (og/eller etter kunngjøring)")
    p.add_argument("exam_date", type=iso_date, nargs="?", help="eksamensdato ÅÅÅÅ-MM-DD")
    p.add_argument("--profile", help="ntnu, nhh eller nmbu (ellers databasens innstilling med --db, ellers ntnu)")
    p.add_argument("--published", type=iso_date, help="kunngjøringsdato for sensur")
    p.add_argument("--oral", action="store_true", help="muntlig/praktisk eksamen")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_deadlines)


def cmd_deadlines(args: argparse.Namespace) -> int:
    from eksamen_tui.domain.errors import ValidationError
    from eksamen_tui.services.settings import deadline_table

    if args.exam_date is None and args.published is None:
        raise ValidationError("oppgi en eksamensdato, --published DATO eller begge", field="exam_date")
    table = deadline_table(_rules(args), args.exam_date, args.published, oral_or_practical=args.oral)
    if args.json:
        say(json.dumps({line.key: line.day.isoformat() for line in table.lines}, indent=2))
        return 0
    say(table.heading)
    for line in table.lines:
        say(f"  {line.day.isoformat()} {WEEKDAYS[line.day.weekday()]}  {line.label}")
    return 0


def _rules(args: argparse.Namespace):
    """--profile wins; with --db (or $EKSAMEN_DB) the database's own settings
    (profile, offsets, closed days); else the default profile."""
    from eksamen_tui.domain.deadlines import Rules
    from eksamen_tui.domain.profiles import DEFAULT_PROFILE, get_profile

    if args.profile:
        return Rules.for_profile(get_profile(args.profile))
    if args.db:
        from eksamen_tui.cli.common import open_cli_context

        ctx = open_cli_context(args)
        try:
            return ctx.rules
        finally:
            ctx.engine.dispose()
    return Rules.for_profile(get_profile(DEFAULT_PROFILE))
