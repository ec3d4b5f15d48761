"""`recoup repossession-permission ACCOUNT_NUMBER [--on YYYY-MM-DD] [--json]`: may the account's
vehicle be repossessed on a day, with the reasons (the flags that bar it, the court orders that lift
a bar)."""

from __future__ import annotations

import argparse
from datetime import date

from recoup.cli.output import print_permission


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("account_number", help="the account number")
    parser.add_argument("--on", default="", help="the day, YYYY-MM-DD (today when left out)")
    parser.add_argument("--json", action="store_true", help='print {"allowed": …, "reasons": […]}')


def run(args: argparse.Namespace) -> int:
    from recoup.compliance.queries import account_repossession_permission
    from recoup.kernel import clock
    from recoup.kernel.errors import DomainError

    try:
        on_date = date.fromisoformat(args.on.strip()) if args.on else clock.today()
    except ValueError:
        raise DomainError(f"on: {args.on!r} is not a date (YYYY-MM-DD)", field="on") from None
    permission = account_repossession_permission(account_number=args.account_number, on_date=on_date)
    print_permission(
        permission.allowed,
        permission.reasons,
        f"{args.account_number}: repossession on {on_date.isoformat()}",
        as_json=args.json,
    )
    return 0
