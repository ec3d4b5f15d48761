"""`recoup contract book FILE.json`: book one contract or a list of them, all or none.

The file holds one application object or a list of them, in the shape the API takes at
POST /api/v1/contracts. Any refusal names the application's index and field, and nothing
from the file is booked.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from recoup.kernel.errors import DomainError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    book = sub.add_parser("book", help="book contracts from a JSON file (all or none)")
    book.add_argument("file", type=Path)
    book.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from recoup.kernel import clock
    from recoup.kernel.plain import plain
    from recoup.portfolio.operations import contracts_book

    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except OSError as error:
        raise DomainError(f"file: cannot read {args.file}: {error.strerror}", field="file") from None
    except json.JSONDecodeError as error:
        raise DomainError(f"file: {args.file} line {error.lineno}: {error.msg}", field="file") from None
    booked = contracts_book(applications=data if isinstance(data, list) else [data], at=clock.now())
    if args.json:
        print(json.dumps({"booked": plain(booked), "count": len(booked)}, indent=2))
    else:
        for item in booked:
            terms = f"{item.installments} x {item.payment}"
            print(f"{item.account_number}  {item.amount_financed} {item.currency}  {terms}")
        print(f"Booked {len(booked)} contract(s).")
    return 0
