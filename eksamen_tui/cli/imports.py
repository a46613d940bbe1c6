"""`import candidates FILE` and `import commission FILE_OR_FOLDER`."""
from __future__ import annotations

import argparse
from eksamen_tui.cli.common import EXIT_INPUT, complain, open_cli_context, path_argument, say


def register(sub) -> None:
    from eksamen_tui.cli.common import Parser

    imp = sub.add_parser("import", help="importer fra fil").add_subparsers(dest="what", required=True,
                                                                         parser_class=Parser)
    p = imp.add_parser("candidates", help="kandidatliste (.xlsx/.xls/.ods/.csv) fra FS")
    p.add_argument("file")
    p.set_defaults(handler=cmd_import_candidates)
    p = imp.add_parser("commission", help="kommisjonsskjema (.xlsx) eller en mappe med dem")
    p.add_argument("path")
    p.set_defaults(handler=cmd_import_commission)


def cmd_import_candidates(args: argparse.Namespace) -> int:
    from eksamen_tui.services.candidate_import import apply_import, plan_import

    path = path_argument(args.file, "FILE")
    ctx = open_cli_context(args)
    plan = plan_import(ctx, path)  # FileProblems: reported by the error boundary
    for warning in plan.warnings:
        say(f"Advarsel: {warning}")
    result = apply_import(ctx, plan)
    for summary in plan.per_exam.values():
        say(f"{summary.label}: {summary.new} nye, {summary.unchanged} fantes fra før")
    say(f"Importert {result.registrations} oppmeldinger og {result.students} nye studenter fra {plan.file}")
    return 0


def cmd_import_commission(args: argparse.Namespace) -> int:
    from eksamen_tui.domain.errors import ValidationError
    from eksamen_tui.services.commission_forms import import_path

    target = path_argument(args.path, "PATH")
    if not target.exists():
        raise ValidationError(f"finner ikke {target}", field="path")
    ctx = open_cli_context(args)
    results = import_path(ctx, target)
    for result in results:
        if result.skipped:
            say(f"Advarsel: {result.file}: {result.message}")
            continue
        say(f"{'OK ' if result.ok else 'FEIL'} {result.file}: {result.message}")
        for problem in result.problems:
            say(f"Advarsel: {problem}" if problem.severity == "warning" else f"     feil: {problem}")
    forms = [r for r in results if not r.skipped]
    failed = [r for r in forms if not r.ok]
    say(f"{len(forms) - len(failed)} av {len(forms)} filer importert")
    if not forms:
        raise ValidationError(f"fant ingen kommisjonsskjema i {target}", field="path")
    if failed:
        complain(f"{len(failed)} av {len(forms)} filer ble ikke importert (første: {failed[0].file})")
        return EXIT_INPUT
    return 0
