"""`python -m lib init|demo|import|imports|undo-import|export|delete-user`: the data commands."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from lib.cli.common import iso_date as _date
from lib.cli.common import progress as _progress
from lib.cli.common import user_today
from lib.config import load_settings
from lib.core import clock
from lib.store import Store


def cmd_init(args: argparse.Namespace, store: Store) -> int:
    store.init()
    print(f"ready: {load_settings().store_url}")
    return 0


def cmd_demo(args: argparse.Namespace, store: Store) -> int:
    from lib.core.demo import demo_profile, demo_transactions

    store.init()
    if args.if_empty and store.export_items(args.user):
        print(f"user '{args.user}' already has data; left as it is")
        return 0
    current = store.get_profile(args.user, args.name)
    wanted = demo_profile(args.user, args.name)
    # A zone the user already has stays (their days are the demo's days).
    store.save_profile(type(wanted)(**{**wanted.__dict__, "version": current.version, "timezone": current.timezone}))
    today = args.today or clock.today(current.timezone)
    txns = demo_transactions(args.user, days=args.days, today=today)
    count = store.put_transactions(txns, _progress)
    from lib.core.standing import load_standing

    load_standing(store, args.user, today)  # builds the streak state now, not on first view
    print(f"demo user '{args.user}': profile saved, {count} transactions over {args.days} days")
    return 0


def cmd_import(args: argparse.Namespace, store: Store) -> int:
    from lib.core.errors import ValidationError
    from lib.ingest import ImportOptions, import_rows, parse_columns_flag, prepare
    from lib.ingest.detect import MAX_FILE_BYTES, MAX_FILE_MB
    from lib.ingest.preview import detected_table, report_notes

    path = Path(args.file)
    if path.stat().st_size > MAX_FILE_BYTES:  # refused before it is read into memory
        raise ValidationError({"file": f"{path.name} is {path.stat().st_size / 2**20:.1f} MB; imports take up to "
                                       f"{MAX_FILE_MB} MB (export a shorter period)"})
    data = path.read_bytes()
    options = ImportOptions(
        delimiter=args.delimiter,
        decimal=args.decimal,
        date_format=args.date_format,
        columns=parse_columns_flag(args.columns) if args.columns else None,
        sign=args.sign,
        encoding=args.encoding,
        dates=args.dates,
    )
    store.init()
    # Rows dated after the user's today (in their zone) are refused.
    parsed, used = prepare(store, args.user, data, Path(args.file).name, options, user_today(store, args.user))
    if parsed.date_question is not None:
        # Never a guessed date: a wrong day/month order is as bad as a wrong sign.
        q = parsed.date_question
        shown = ", ".join(f"line {line} '{text}'" for line, text in q.evidence[:3])
        raise ValidationError({"dates": f"the file does not tell whether dates are day/month or month/day "
                                        f"({q.reason}; e.g. {shown}): run again with --dates dmy (day first) "
                                        "or --dates mdy (month first)"})
    if parsed.sign_question is not None:
        # Never a guessed sign: the user says which way, once; the answer is remembered for this layout.
        raise ValidationError({"sign": f"the file does not tell which amounts are spending "
                                       f"({parsed.sign_question.reason}): run again with --sign bank "
                                       "(negative amounts are spending) or --sign spending "
                                       "(positive amounts are spending)"})
    for setting, value in zip(*detected_table(parsed.detected).to_dict("list").values(), strict=True):
        print(f"detected {setting.lower()}: {value}", file=sys.stderr)
    from lib.rates import rates_from_settings

    report = import_rows(store, args.user, parsed, progress=_progress, file_name=Path(args.file).name, options=used,
                         rates=rates_from_settings(load_settings(), store))
    for note in [*report_notes(parsed.detected), *report.notes]:
        print(f"note: {note}", file=sys.stderr)
    for err in report.errors:
        print(f"line {err.line_number}: {err.reason}", file=sys.stderr)
    replaced = f", replaced {report.replaced} rows of the earlier import of this file" if report.replaced else ""
    print(f"imported {report.imported}, duplicates skipped {report.duplicates}, rejected {report.rejected}"
          f"{replaced}")
    print(f"import id: {report.batch_id} (undo with: python -m lib undo-import {report.batch_id} --user "
          f"{args.user})", file=sys.stderr)
    return 0


def cmd_imports(args: argparse.Namespace, store: Store) -> int:
    batches = store.list_import_batches(args.user)
    if not batches:
        print(f"user '{args.user}' has no imports")
        return 0
    for b in batches:
        covers = f"{b.covered_from}..{b.covered_through}" if b.covered_from else "-"
        print(f"{b.batch_id}  {b.imported_at[:16]}  {b.file_format:<4}  {b.rows_added:>6} rows  {covers}  "
              f"{b.status}  {b.file_name}")
    return 0


def cmd_undo_import(args: argparse.Namespace, store: Store) -> int:
    from lib.ingest import undo_import

    count = undo_import(store, args.user, args.batch)
    print(f"undid import {args.batch}: deleted {count} transactions")
    return 0


def cmd_export(args: argparse.Namespace, store: Store) -> int:
    from lib.store.export import export_csv, export_json
    from lib.store.files import write_private

    items = store.export_items(args.user)
    text = export_json(args.user, items) if args.format == "json" else export_csv(items)
    if args.out:
        write_private(args.out, text)  # a person's spending: not for the other accounts on the machine
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_delete_user(args: argparse.Namespace, store: Store) -> int:
    count = store.delete_user(args.user)
    print(f"deleted {count} items of user '{args.user}'")
    return 0


def register(sub: Any) -> None:
    """Add the data subcommands to the CLI's subparsers."""
    p = sub.add_parser("init", help="create the table or SQLite file if missing")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="write a realistic generated history and a profile for a user")
    p.add_argument("--user", required=True)
    p.add_argument("--days", type=int, default=1095)
    p.add_argument("--name", default=None)
    p.add_argument("--today", type=_date, default=None, help="last day of the history (default: the user's today)")
    p.add_argument("--if-empty", action="store_true", help="do nothing when the user already has data")
    p.set_defaults(handler=cmd_demo)

    from lib.ingest.types import ROLE_HELP

    roles = "\n".join(f"  {role:<12} {text}" for role, text in ROLE_HELP.items())
    p = sub.add_parser(
        "import", aliases=["import-csv"],
        help="import a bank export: CSV, OFX/QFX, QIF or CAMT.053 (re-importing adds nothing)",
        description="Import a bank export. The format is told by the content: CSV (any delimiter, decimal "
                    "comma, debit/credit columns), OFX/QFX 1.x and 2.x, QIF, CAMT.053 XML. Importing the "
                    "same file again adds nothing; with corrected flags it replaces that import's rows.",
        epilog=f"column roles for --columns:\n{roles}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file")
    p.add_argument("--user", required=True)
    p.add_argument("--delimiter", default=None)
    p.add_argument("--decimal", choices=[".", ","], default=None)
    p.add_argument("--date-format", default=None, help="strptime format, e.g. %%d.%%m.%%Y")
    p.add_argument("--columns", default=None,
                   help="role=Column name pairs, e.g. date=Booking date,amount=Value,description=Payee "
                        f"(roles: {', '.join(ROLE_HELP)})")
    p.add_argument("--sign", choices=["bank", "spending"], default=None,
                   help="bank: negative amounts are spending; spending: positive amounts are spending")
    p.add_argument("--dates", choices=["dmy", "mdy"], default=None,
                   help="dmy: 03/11/2025 is 3 November; mdy: it is March 11 (asked only when the file cannot tell)")
    p.add_argument("--encoding", default=None)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("imports", help="list a user's imports (id, when, rows added, days covered)")
    p.add_argument("--user", required=True)
    p.set_defaults(handler=cmd_imports)

    p = sub.add_parser("undo-import", help="delete every row one import added")
    p.add_argument("batch", help="the import id (see `imports`)")
    p.add_argument("--user", required=True)
    p.set_defaults(handler=cmd_undo_import)

    p = sub.add_parser("export", help="print or write all of a user's data")
    p.add_argument("--user", required=True)
    p.add_argument("--format", choices=["csv", "json"], default="json")
    p.add_argument("--out", default=None)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("delete-user", help="delete every item of a user")
    p.add_argument("user")
    p.set_defaults(handler=cmd_delete_user)
