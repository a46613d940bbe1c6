"""Command line: `eksamen-tui` opens the app; sub-commands do the rest.

Each sub-command's work lives in a service module, imported only when that
sub-command runs, so `eksamen-tui` itself starts fast.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from datetime import date

EXIT_USAGE = 2


def _iso_date(text: str) -> date:
    """A date argument, parsed (and range-checked) by the one date parser
    the desks use too; argparse turns the refusal into a usage error."""
    from eksamen_tui.domain.errors import ValidationError
    from eksamen_tui.domain.parsing import parse_date

    try:
        return parse_date(text)
    except ValidationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class _Parser(argparse.ArgumentParser):
    """argparse that prints one-line errors and exits with code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"eksamen-tui: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="eksamen-tui", description="Eksamenskontorets skrankeverktøy.")
    parser.add_argument("--db", help="databasefil eller SQLAlchemy-URL (ellers $EKSAMEN_DB)")
    parser.add_argument("--clerk", help="saksbehandlerens navn i revisjonssporet (ellers OS-brukeren)")
    parser.add_argument("--demo", action="store_true", help="åpne appen på en fersk demodatabase")
    parser.add_argument("--today", type=_iso_date, help="lat som om dagens dato er ÅÅÅÅ-MM-DD (demo og tester)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("backup", help="ta sikkerhetskopi av databasen (SQLite online backup)")
    p.add_argument("path")
    p.set_defaults(handler="eksamen_tui.cli:cmd_backup")

    p = sub.add_parser("demo", help="skriv en fersk demodatabase til PATH")
    p.add_argument("path")
    p.set_defaults(handler="eksamen_tui.cli:cmd_demo")

    p = sub.add_parser("deadlines", help="alle frister for en eksamen på en dato")
    p.add_argument("exam_date", type=_iso_date)
    p.add_argument("--profile", default="ntnu")
    p.add_argument("--published", type=_iso_date, help="kunngjøringsdato for sensur")
    p.add_argument("--oral", action="store_true", help="muntlig/praktisk eksamen")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler="eksamen_tui.cli:cmd_deadlines")

    imp = sub.add_parser("import", help="importer fra fil").add_subparsers(dest="what", required=True, parser_class=_Parser)
    p = imp.add_parser("candidates", help="kandidatliste (.xlsx/.csv) fra FS")
    p.add_argument("file")
    p.set_defaults(handler="eksamen_tui.services.candidate_import:cli_import_candidates")
    p = imp.add_parser("commission", help="kommisjonsskjema (.xlsx) eller en mappe med dem")
    p.add_argument("path")
    p.set_defaults(handler="eksamen_tui.services.commission_forms:cli_import_commission")

    exp = sub.add_parser("export", help="eksporter til fil").add_subparsers(dest="what", required=True, parser_class=_Parser)
    p = exp.add_parser("protocol", help="vurderingsprotokoll (.xlsx)")
    p.add_argument("course_code")
    p.add_argument("--date", type=_iso_date)
    p.add_argument("--out")
    p.set_defaults(handler="eksamen_tui.services.protocol_export:cli_export_protocol")
    p = exp.add_parser("commission", help="kommisjonsskjema (.xlsx), ett per eksamen")
    p.add_argument("course_codes", nargs="*")
    p.add_argument("--from", dest="date_from", type=_iso_date)
    p.add_argument("--to", dest="date_to", type=_iso_date)
    p.add_argument("--blank", action="store_true", help="tomme skjema for instituttene")
    p.add_argument("--out", required=True)
    p.set_defaults(handler="eksamen_tui.services.commission_forms:cli_export_commission")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return run_app(args)
    module_name, func_name = args.handler.split(":")
    handler = getattr(importlib.import_module(module_name), func_name)
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130


def run_app(args: argparse.Namespace) -> int:
    from eksamen_tui.app import EksamenApp

    EksamenApp(db=args.db, clerk=args.clerk, demo=args.demo, today=args.today).run()
    return 0


def open_cli_context(args: argparse.Namespace):
    """The service context for a sub-command (honours --db, --clerk, --today)."""
    from eksamen_tui.services.context import open_context

    today = (lambda: args.today) if getattr(args, "today", None) else None
    return open_context(args.db, clerk=args.clerk, today=today)


def fail(message: str, code: int = 1) -> int:
    print(f"eksamen-tui: {message}", file=sys.stderr)
    return code


# --- small sub-commands that need no service module of their own -----------

def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from eksamen_tui.db.backup import backup_sqlite
    from eksamen_tui.db.engine import is_url, resolve_db_target

    source = resolve_db_target(args.db)
    if is_url(source):
        return fail("backup gjelder SQLite-filer; bruk databasens egne verktøy for en server")
    if not Path(source).exists():
        return fail(f"fant ingen database på {source}")
    written = backup_sqlite(Path(source), Path(args.path))
    print(f"Sikkerhetskopi skrevet til {written}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from eksamen_tui.services.demo import write_demo_database

    path = Path(args.path)
    stats = write_demo_database(path, today=args.today or date.today())
    print(f"Demodatabase skrevet til {path}: " + ", ".join(f"{v} {k}" for k, v in stats.items()))
    return 0


def cmd_deadlines(args: argparse.Namespace) -> int:
    import json

    from eksamen_tui.domain.deadlines import EXAM_DEADLINE_LABELS, PUBLICATION_DEADLINE_LABELS, Rules
    from eksamen_tui.domain.errors import DomainError
    from eksamen_tui.domain.profiles import get_profile

    try:
        rules = Rules.for_profile(get_profile(args.profile))
    except DomainError as error:
        return fail(str(error), EXIT_USAGE)
    result = rules.exam_deadlines(args.exam_date)
    labels = dict(EXAM_DEADLINE_LABELS)
    if args.published:
        result.update(rules.publication_deadlines(args.published, oral_or_practical=args.oral))
        labels.update(PUBLICATION_DEADLINE_LABELS)
    if args.json:
        print(json.dumps({key: value.isoformat() for key, value in result.items()}, indent=2))
        return 0
    weekdays = ["man", "tir", "ons", "tor", "fre", "lør", "søn"]
    print(f"Frister for eksamen {args.exam_date.isoformat()} (profil {rules.profile.title})")
    for key, value in sorted(result.items(), key=lambda item: item[1]):
        print(f"  {value.isoformat()} {weekdays[value.weekday()]}  {labels[key]}")
    return 0
