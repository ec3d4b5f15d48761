"""`recoup import-contacts FILE.csv --by USERNAME [--json]`: load a dialer's call log as contacts and
contact attempts, all of it or none; every bad row is printed with its line and field."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        help="CSV with account_number, phone, at, direction, outcome, conversation[, callback_requested_at]",
    )
    parser.add_argument(
        "--by", required=True, help="the user loading the log (recorded as the contacts' agent)"
    )
    parser.add_argument("--json", action="store_true", help="print the counts, or the bad rows, as JSON")


def run(args: argparse.Namespace) -> int:
    from recoup.access.models import User
    from recoup.cli.output import print_json
    from recoup.collections.contact_import import ContactImportRefused, contacts_import
    from recoup.kernel import clock
    from recoup.kernel.errors import DomainError

    by = User.objects.filter(username=args.by).first()
    if by is None:
        raise DomainError(f"by: no user {args.by!r}", field="by")
    try:
        lines = open(args.file, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise DomainError(f"file: {args.file!r} cannot be read ({error.strerror})", field="file") from None
    with lines:
        try:
            counts = contacts_import(lines=lines, by=by, at=clock.now(), name=Path(args.file).name)
        except ContactImportRefused as refused:
            if args.json:
                print_json(
                    {
                        "error": f"{len(refused.problems)} bad rows, nothing loaded",
                        "field": "file",
                        "problems": [
                            {"line": p.line, "field": p.field, "message": p.message} for p in refused.problems
                        ],
                    }
                )
            else:
                print(
                    f"recoup import-contacts: {len(refused.problems)} bad rows, nothing loaded",
                    file=sys.stderr,
                )
                for problem in refused.problems:
                    print(f"  {problem}", file=sys.stderr)
            return 2
    if args.json:
        print_json(counts)
    else:
        print(f"loaded {counts['contacts']} calls as contacts and {counts['attempts']} contact attempts")
    return 0
