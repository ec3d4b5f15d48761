"""`recoup demo`: load the demo book once, and print the demo sign-ins."""

from __future__ import annotations

import argparse
from datetime import date

from recoup.kernel import clock
from recoup.kernel.errors import DomainError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)", field="as_of") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--accounts", type=int, default=300, help="how many accounts (default 300)")
    parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same book")
    parser.add_argument("--as-of", help="business date the histories run to (default today)")
    parser.add_argument("--sign-ins", action="store_true", help="only print the demo sign-ins")


def run(args: argparse.Namespace) -> int:
    from recoup.collections.defaults import strategies_default_ensure
    from recoup.payments.debits.operations.mandates import originators_demo_ensure
    from recoup.portfolio.demo import demo_load, demo_users_ensure

    if args.sign_ins:
        print("Demo sign-ins at http://127.0.0.1:8000 (username / password, role):")
        for username, password, role in demo_users_ensure():
            print(f"  {username:<12} {password:<14} {role}")
        return 0
    if args.accounts < 1:
        raise DomainError("--accounts: must be at least 1", field="accounts")
    as_of = _date(args.as_of) if args.as_of else clock.today()
    summary = demo_load(accounts=args.accounts, seed=args.seed, as_of=as_of)
    created = strategies_default_ensure(at=clock.now())
    if originators_demo_ensure(at=clock.now()):
        print("Set up the demo's debit collectors: DEMO-ACH (ACH, USD) and DEMO-DD (Direct Debit, GBP).")
    if created["strategies"]:
        print(
            f"Created {created['queues']} queues and {created['strategies']} strategies; "
            f"`recoup cob --as-of {as_of}` places the accounts in arrears in them."
        )
    if summary.already_loaded:
        print(f"The portfolio already has {summary.accounts} accounts; the demo book was not loaded again.")
    else:
        print(
            f"Loaded {summary.accounts} demo accounts ({summary.us_accounts} US, {summary.uk_accounts} UK) "
            f"with {summary.receipts} payments ({summary.returned} returned), as of {as_of}."
        )
    return 0
