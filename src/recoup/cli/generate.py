"""`recoup generate`: load a realistic book of any size in bulk (same seed, same book)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from recoup.cli.output import print_json
from recoup.kernel.errors import DomainError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)", field="as_of") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--accounts", type=int, required=True, help="how many accounts")
    parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same book")
    parser.add_argument("--as-of", required=True, help="business date the histories run to (YYYY-MM-DD)")
    parser.add_argument("--append", action="store_true", help="add to a database that already has contracts")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def _bar(done: int, total: int) -> None:
    width = 40
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} accounts")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from recoup.portfolio.generate import book_generate

    summary = book_generate(
        accounts=args.accounts,
        seed=args.seed,
        as_of=_date(args.as_of),
        append=args.append,
        progress=_bar if sys.stderr.isatty() else None,
    )
    if args.json:
        print_json(
            {
                "accounts": summary.accounts,
                "parties": summary.parties,
                "entries": summary.entries,
                "postings": summary.postings,
                "rows": summary.rows,
                "in_arrears": summary.in_arrears,
                "first_account": summary.first_account,
                "last_account": summary.last_account,
                "seconds": round(summary.seconds, 2),
                "rows_per_second": summary.rows_per_second,
                "accounts_per_second": int(summary.accounts / summary.seconds) if summary.seconds else 0,
            }
        )
    else:
        print(
            f"Generated {summary.accounts:,} accounts ({summary.first_account}–{summary.last_account}), "
            f"{summary.parties:,} parties, {summary.entries:,} entries, {summary.postings:,} postings; "
            f"{summary.in_arrears:,} in arrears; {summary.rows:,} rows in {summary.seconds:.1f} s "
            f"({summary.rows_per_second:,} rows/s)."
        )
    return 0
