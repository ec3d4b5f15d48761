"""`recoup import-statement FILE [--format F] [--mapping NAME | --save-mapping JSON] [--by USER] [--json]`:
post a bank statement file once, matching its payments to accounts; what cannot be matched waits in
the unapplied-cash queue. A refused file posts nothing and says which line or element is at fault.
A CSV export is read with a column mapping saved under a name, which --save-mapping saves first."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

FORMATS = ("bai2", "camt053", "camt054", "mt940", "ofx", "csv")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the statement file (BAI2, camt.053/054, MT940, OFX or CSV)")
    parser.add_argument(
        "--format", choices=FORMATS, help="the file's format (default: recognised from the file)"
    )
    parser.add_argument("--mapping", help="the saved column mapping a CSV file is read with")
    parser.add_argument(
        "--save-mapping",
        metavar="JSON",
        help="save the column mapping in this JSON file under its name first, and read FILE with it",
    )
    parser.add_argument("--by", help="the user importing the file (recorded on it)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from recoup.access.models import User
    from recoup.cli.output import print_json
    from recoup.kernel import clock
    from recoup.kernel.errors import DomainError
    from recoup.payments.statements.operations import csv_mapping_read, csv_mapping_save, statement_import

    by = None
    if args.by:
        by = User.objects.filter(username=args.by).first()
        if by is None:
            raise DomainError(f"by: no user {args.by!r}", field="by")
    mapping_name = args.mapping
    if args.save_mapping:
        try:
            settings = json.loads(Path(args.save_mapping).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise DomainError(
                f"save-mapping: {args.save_mapping!r} is not a JSON file ({error})", field="save_mapping"
            ) from None
        if not isinstance(settings, dict):
            raise DomainError(
                "save-mapping: the JSON file must hold one object of settings", field="save_mapping"
            )
        mapping_name = csv_mapping_save(mapping=csv_mapping_read(settings=settings), at=clock.now()).name
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DomainError(f"file: {args.file!r} cannot be read ({error.strerror})", field="file") from None
    result = statement_import(
        data=data, file_name=path.name, format=args.format, mapping_name=mapping_name, at=clock.now(), by=by
    )
    summary = {
        "file": result.file,
        "format": result.format,
        "lines": result.lines,
        "credits": result.credits,
        "debits": result.debits,
        "credit_total": str(result.credit_total),
        "debit_total": str(result.debit_total),
        "matched": result.matched,
        "unmatched": result.unmatched,
        "posted_total": str(result.posted_total),
        "duplicate": result.duplicate,
    }
    if args.json:
        print_json(summary)
    elif result.duplicate:
        print(f"{result.file}: already imported, nothing posted")
    else:
        print(
            f"{result.file} ({result.format}): {result.lines} lines, {result.credits} credits "
            f"({result.credit_total}), {result.debits} debits ({result.debit_total}); "
            f"{result.matched} matched and posted ({result.posted_total}), {result.unmatched} to the "
            f"unapplied-cash queue, {result.returned} returns"
        )
    return 0
