"""`export protocol CODE` and `export commission [CODE ...]`: the CLI
prints exactly the files it wrote."""
from __future__ import annotations

import argparse

from eksamen_tui.cli.common import iso_date, open_cli_context, say


def register(sub) -> None:
    from eksamen_tui.cli.common import Parser

    exp = sub.add_parser("export", help="eksporter til fil").add_subparsers(dest="what", required=True,
                                                                          parser_class=Parser)
    p = exp.add_parser("protocol", help="vurderingsprotokoll (.xlsx)")
    p.add_argument("course_code")
    p.add_argument("--date", type=iso_date)
    p.add_argument("--out")
    p.set_defaults(handler=cmd_export_protocol)
    p = exp.add_parser("commission", help="kommisjonsskjema (.xlsx), ett per eksamen")
    p.add_argument("course_codes", nargs="*")
    p.add_argument("--from", dest="date_from", type=iso_date)
    p.add_argument("--to", dest="date_to", type=iso_date)
    p.add_argument("--blank", action="store_true", help="tomme skjema for instituttene")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_export_commission)


def cmd_export_protocol(args: argparse.Namespace) -> int:
    from eksamen_tui.export_files import out_argument
    from eksamen_tui.services.protocol_export import export_protocol, protocol_exam

    out = out_argument(args.out)
    ctx = open_cli_context(args)
    exam_id = protocol_exam(ctx, args.course_code, args.date)
    path = export_protocol(ctx, exam_id, out)
    say(f"Protokoll skrevet til {path}")
    return 0


def cmd_export_commission(args: argparse.Namespace) -> int:
    from eksamen_tui.domain.errors import ValidationError
    from eksamen_tui.export_files import out_argument
    from eksamen_tui.services.commission_forms import export_forms, select_exams

    folder = out_argument(args.out)
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise ValidationError(f"--from {args.date_from.isoformat()} er etter --to {args.date_to.isoformat()}",
                              field="date_from")
    ctx = open_cli_context(args)
    exam_ids = select_exams(ctx, args.course_codes, args.date_from, args.date_to)
    if not exam_ids:
        raise ValidationError("fant ingen eksamener som passer", field="course_codes")
    written = export_forms(ctx, exam_ids, folder, blank=args.blank)
    for path in written:
        say(str(path))
    say(f"{len(written)} skjema skrevet til {folder}")
    return 0
