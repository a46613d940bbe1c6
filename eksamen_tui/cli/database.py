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

    p = sub.add_parser("demo", help="skriv en fersk demodatabase til PATH (en ny fil)")
    p.add_argument("path")
    p.set_defaults(handler=cmd_demo)


def cmd_backup(args: argparse.Namespace) -> int:
    from eksamen_tui.db.backup import backup_database

    written = backup_database(args.db, path_argument(args.path, "PATH"))
    say(f"Sikkerhetskopi skrevet til {written}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from eksamen_tui.services.demo import write_demo_database

    path = path_argument(args.path, "PATH")
    stats = write_demo_database(path, today=args.today or date.today())
    say(f"Demodatabase skrevet til {path}: " + ", ".join(f"{v} {k}" for k, v in stats.items()))
    return 0
