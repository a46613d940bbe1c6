"""Command line: `eksamen-tui` opens the app; sub-commands do the rest.

A thin layer, one module per command group: each parses its arguments,
calls services that return values, and prints. Services never print or
exit. Every command runs inside one error boundary (`run_command`):

- a domain or input error (a rule refused, a bad file, row or field) is one
  line on stderr naming what and where, exit code 2;
- anything unexpected is one line saying an internal error happened and
  where its full report was written (eksamen_tui.errorlog), exit code 1.

Command modules import their services only when the command runs, so that
`eksamen-tui` itself starts fast.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable

from eksamen_tui.cli.common import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    PROG,
    Parser,
    complain,
    iso_date,
    one_line,
    open_cli_context,
    say,
)

__all__ = ["build_parser", "main", "open_cli_context", "run_command"]


def build_parser() -> argparse.ArgumentParser:
    from eksamen_tui.cli import database, deadlines, exports, imports, settings

    parser = Parser(prog=PROG, description="Eksamenskontorets skrankeverktøy.")
    parser.add_argument("--db", help="databasefil eller SQLAlchemy-URL (ellers $EKSAMEN_DB)")
    parser.add_argument("--clerk", help="saksbehandlerens navn i revisjonssporet (ellers OS-brukeren)")
    parser.add_argument("--demo", action="store_true", help="åpne appen på en fersk demodatabase")
    parser.add_argument("--today", type=iso_date, help="lat som om dagens dato er ÅÅÅÅ-MM-DD (demo og tester)")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for module in (database, deadlines, imports, exports, settings):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(run_app if args.command is None else args.handler, args)


def run_command(handler: Callable[[argparse.Namespace], int | None], args: argparse.Namespace) -> int:
    """The error boundary: run one command, turn every failure into one line."""
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        complain("avbrutt")
        return EXIT_INTERRUPTED
    except Exception as error:  # the boundary: nothing unexpected leaves as a traceback
        return _failed(error, args)


def _failed(error: Exception, args: argparse.Namespace) -> int:
    """One line for a failed command, and its exit code. (The error types
    are imported here, not before the command runs: the app's start, and
    its dashboard feed, need not wait for them.)"""
    from eksamen_tui.domain.errors import DomainError
    from eksamen_tui.excel.problems import FileProblems

    if isinstance(error, FileProblems):
        problems = error.problems
        errors = [p for p in problems if p.severity == "error"] or problems
        for problem in problems:
            say(f"{'FEIL' if problem.severity == 'error' else 'Advarsel'}: {problem}")
        more = f" (og {len(errors) - 1} feil til)" if len(errors) > 1 else ""
        complain(f"{errors[0] if errors else 'feil i filen'}{more}; ingenting er importert")
        return EXIT_INPUT
    if isinstance(error, DomainError):
        complain(str(error))
        return EXIT_INPUT
    if isinstance(error, OSError) and error.filename is not None:
        complain(_os_error_line(error))
        return EXIT_INPUT
    return _internal(error, args)


def _internal(error: BaseException, args: argparse.Namespace) -> int:
    from eksamen_tui.errorlog import internal_error_line

    complain(internal_error_line(error, where=f"{PROG} {' '.join(sys.argv[1:]) or args.command}"))
    return EXIT_INTERNAL


def _os_error_line(error: OSError) -> str:
    """A failed file operation on a path the user gave, in words."""
    import errno

    reasons = {
        FileNotFoundError: "finnes ikke", IsADirectoryError: "er en mappe, ikke en fil",
        NotADirectoryError: "en del av stien er en fil, ikke en mappe", PermissionError: "ingen tilgang",
        FileExistsError: "finnes allerede",
    }
    reason = next((text for kind, text in reasons.items() if isinstance(error, kind)), None)
    if reason is None:
        reason = {errno.ENOSPC: "disken er full", errno.EROFS: "filsystemet er skrivebeskyttet",
                  errno.ENAMETOOLONG: "navnet er for langt", errno.ELOOP: "for mange snarveier"}.get(
            error.errno, error.strerror or type(error).__name__)
    return one_line(f"{error.filename}: {reason}")


def run_app(args: argparse.Namespace) -> int:
    # the dashboard's data read by a second process while Textual starts
    # (a demo database does not exist yet: the app reads it itself)
    from eksamen_tui.dashboard_feed import DashboardFeed

    feed = None if args.demo else DashboardFeed.start(args.db, clerk=args.clerk, today=args.today)
    from eksamen_tui.app import EksamenApp

    try:
        EksamenApp(db=args.db, clerk=args.clerk, demo=args.demo, today=args.today, dashboard_feed=feed).run()
    finally:
        if feed is not None:
            feed.close()
    return 0
