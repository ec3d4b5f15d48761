"""`recoup schedule`: print an amortisation or lease schedule from terms, without a database.

    recoup schedule --principal 15000 --apr 8 --term 60 --start 2024-01-01 --first-due 2024-02-01
    recoup schedule --lease --principal 30000 --residual 18000 --money-factor 0.00125 --term 36 \
        --start 2024-01-01 --first-due 2024-01-01 --json
"""

from __future__ import annotations

import argparse
import json

from recoup.kernel.money import CURRENCY_EXPONENTS, Money, Rounding
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.quotes import Quote, schedule_plain
from recoup.portfolio.schedules import Frequency, Schedule

NEEDS_DATABASE = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--principal", required=True, help="amount financed (a lease's capitalised cost)")
    parser.add_argument("--apr", help="annual percentage rate, e.g. 8 for 8 %% (not for --lease)")
    parser.add_argument("--term", required=True, help="number of installments")
    parser.add_argument("--start", required=True, help="date interest runs from, YYYY-MM-DD")
    parser.add_argument("--first-due", required=True, dest="first_due", help="first due date, YYYY-MM-DD")
    parser.add_argument(
        "--day-count",
        dest="day_count",
        default=str(DayCount.THIRTY_360),
        help="30/360 (default), actual/365, actual/actual",
    )
    parser.add_argument("--rounding", default=str(Rounding.HALF_UP), help="half-up (default) or half-even")
    parser.add_argument("--balloon", default="0", help="final balloon (PCP optional final payment)")
    parser.add_argument(
        "--frequency", default=str(Frequency.MONTHLY), help="monthly (default), biweekly, weekly"
    )
    parser.add_argument("--currency", default="USD", help="ISO 4217 code, default USD")
    parser.add_argument(
        "--lease", action="store_true", help="a US closed-end lease: needs --residual and --money-factor"
    )
    parser.add_argument("--residual", help="lease residual value")
    parser.add_argument("--money-factor", dest="money_factor", help="lease money factor, e.g. 0.00125")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def run(args: argparse.Namespace) -> int:
    quote = Quote.parse(
        principal=args.principal,
        term=args.term,
        start=args.start,
        first_due=args.first_due,
        currency=args.currency,
        apr=args.apr,
        day_count=args.day_count,
        rounding=args.rounding,
        balloon=args.balloon,
        frequency=args.frequency,
        lease=args.lease,
        residual=args.residual,
        money_factor=args.money_factor,
    )
    schedule = quote.build()
    if args.json:
        print(json.dumps(schedule_plain(schedule, quote.currency)))
    else:
        print(_as_table(schedule, quote.currency, lease=args.lease))
    return 0


def _as_table(schedule: Schedule, currency: str, *, lease: bool) -> str:
    def amount(minor: int) -> str:
        return f"{Money(minor, currency).amount:,.{CURRENCY_EXPONENTS[currency]}f}"

    headers = (
        "No.",
        "Due date",
        "Payment",
        "Rent charge" if lease else "Interest",
        "Depreciation" if lease else "Principal",
        "Balance",
    )
    rows = [
        (
            str(i.number),
            i.due_date.isoformat(),
            amount(i.payment_minor),
            amount(i.interest_minor),
            amount(i.principal_minor),
            amount(i.balance_minor),
        )
        for i in schedule.installments
    ]
    widths = [max(len(row[col]) for row in [headers, *rows]) for col in range(len(headers))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(w) if col == 1 else cell.rjust(w)
            for col, (cell, w) in enumerate(zip(cells, widths, strict=True))
        )

    labels = ("Residual", "Total rent charge") if lease else ("Balloon", "Total interest")
    final = f"{amount(schedule.final_payment_minor)} {currency} on {schedule.last_due_date.isoformat()}"
    summary = [
        f"{'Regular payment':<17}  {amount(schedule.payment_minor)} {currency}",
        f"{'Final payment':<17}  {final}",
        f"{labels[0]:<17}  {amount(schedule.balloon_minor)} {currency}",
        f"{labels[1]:<17}  {amount(schedule.total_interest_minor)} {currency}",
        "",
    ]
    table = [line(headers), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]
    return "\n".join(summary + table)
