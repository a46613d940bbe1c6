"""What every command needs: the argument parser, date arguments and the
service context. Kept light: nothing heavy is imported until a command runs."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2  # usage, domain and input errors
EXIT_INTERRUPTED = 130
PROG = "eksamen-tui"


class Parser(argparse.ArgumentParser):
    """argparse that prints one-line errors and exits with code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INPUT, f"{PROG}: {one_line(message)}\n")


def iso_date(text: str) -> date:
    """A date argument, parsed (and range-checked) by the one date parser
    the desks use too; argparse turns the refusal into a usage error."""
    from eksamen_tui.domain.errors import ValidationError
    from eksamen_tui.domain.parsing import parse_date

    try:
        return parse_date(text)
    except ValidationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def open_cli_context(args: argparse.Namespace):
    """The service context for a command (honours --db, --clerk, --today)."""
    from eksamen_tui.domain.errors import ValidationError
    from eksamen_tui.services.context import open_context

    if args.db is not None and not args.db.strip():  # '' would silently mean the default database
        raise ValidationError("--db er tom: oppgi en databasefil eller en URL", field="db")
    today = (lambda: args.today) if getattr(args, "today", None) else None
    return open_context(args.db, clerk=args.clerk, today=today)


def path_argument(text: str, what: str) -> Path:
    """A file or folder named on the command line; an empty one is an error
    (``Path('')`` would silently mean the current folder)."""
    from eksamen_tui.domain.errors import ValidationError

    if not text.strip():
        raise ValidationError(f"{what} er tom: oppgi en fil eller mappe", field=what)
    return Path(text).expanduser()


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def say(text: str = "") -> None:
    """A line of the command's report (stdout)."""
    print(text)


def complain(message: str) -> None:
    """The one line that says why a command failed (stderr)."""
    print(f"{PROG}: {one_line(message)}", file=sys.stderr)
