"""`demo PATH` and `backup PATH`: whole database files, written atomically."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from eksamen_tui.cli.common import path_argument, say


def register(sub) -> None:
    p = sub.add_parser("backup", help="ta sikkerhetskopi av databasen (SQLite online backup)")
    p.add_argument("path", help="ny fil (eller en mappe) for kopien; en fil som finnes overskrives aldri")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("demo", help="skriv en fersk demodatabase til PATH (en ny fil) eller en tom database-URL")
    p.add_argument("path", nargs="?", help="ny fil eller database-URL (ellers --db)")
    p.set_defaults(handler=cmd_demo)


def cmd_backup(args: argparse.Namespace) -> int:
    from eksamen_tui.db.backup import backup_database

    written = backup_database(args.db, path_argument(args.path, "PATH"))
    say(f"Sikkerhetskopi skrevet til {written}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from eksamen_tui.services.demo import write_demo_database

    from eksamen_tui.db.engine import is_url
    from eksamen_tui.domain.errors import ValidationError

    target = args.path if args.path is not None else args.db
    if target is None:
        raise ValidationError("oppgi PATH (en ny fil) eller --db (fil eller database-URL) for demo", field="PATH")
    path = target if is_url(target) else path_argument(target, "PATH")
    stats = write_demo_database(path, today=args.today or date.today())
    shown = path
    if is_url(target):
        from sqlalchemy.engine import make_url

        shown = make_url(target).render_as_string(hide_password=True)
    say(f"Demodatabase skrevet til {shown}: " + ", ".join(f"{v} {k}" for k, v in stats.items()))
    return 0
