"""`recoup schedule`: print an amortisation or lease schedule from terms, without a database.

    recoup schedule --principal 15000 --apr 8 --term 60 --start 2024-01-01 --first-due 2024-02-01
    recoup schedule --lease --principal 30000 --residual 18000 --money-factor 0.00125 --term 36 \
        --start 2024-01-01 --first-due 2024-01-01 --json
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from recoup.kernel.money import CURRENCY_EXPONENTS, Money, Rounding, currency_check
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.schedules import (
    Frequency,
    Schedule,
    ScheduleError,
    ScheduleTerms,
    lease_schedule_build,
    schedule_build,
)

NEEDS_DATABASE = False

_Choice = TypeVar("_Choice", Frequency, Rounding)


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
    currency = currency_check(args.currency.strip().upper(), field="currency")
    request = _Request.parse(args, currency)
    schedule = request.build()
    if args.json:
        print(json.dumps(_as_json(schedule, currency)))
    else:
        print(_as_table(schedule, currency, lease=args.lease))
    return 0


@dataclass(frozen=True)
class _Request:
    """The command line, read into the engine's types; every bad value names its flag's field."""

    lease: bool
    principal_minor: int
    count: int
    start_date: date
    first_due_date: date
    frequency: Frequency
    rounding: Rounding
    apr: Decimal | None
    day_count: DayCount
    balloon_minor: int
    residual_minor: int | None
    money_factor: Decimal | None

    @classmethod
    def parse(cls, args: argparse.Namespace, currency: str) -> _Request:
        lease = bool(args.lease)
        balloon_minor = Money.parse(args.balloon, currency, field="balloon").minor
        if lease and balloon_minor:
            raise ScheduleError("a lease ends at its --residual, not a balloon", field="balloon")
        if lease and args.apr is not None:
            raise ScheduleError("a lease is priced by --money-factor, not an APR", field="apr")
        if not lease and (args.residual is not None or args.money_factor is not None):
            field = "residual" if args.residual is not None else "money_factor"
            raise ScheduleError("--residual and --money-factor go with --lease", field=field)
        return cls(
            lease=lease,
            principal_minor=Money.parse(args.principal, currency, field="principal").minor,
            count=_whole(args.term, "term"),
            start_date=_date(args.start, "start"),
            first_due_date=_date(args.first_due, "first_due"),
            frequency=_choice(Frequency, args.frequency, "frequency"),
            rounding=_choice(Rounding, args.rounding, "rounding"),
            apr=None if lease else _decimal(_required(args.apr, "apr", "--apr"), "apr"),
            day_count=DayCount.parse(args.day_count, field="day_count"),
            balloon_minor=balloon_minor,
            residual_minor=(
                Money.parse(
                    _required(args.residual, "residual", "--residual"), currency, field="residual"
                ).minor
                if lease
                else None
            ),
            money_factor=(
                _decimal(_required(args.money_factor, "money_factor", "--money-factor"), "money_factor")
                if lease
                else None
            ),
        )

    def build(self) -> Schedule:
        if self.lease:
            assert self.residual_minor is not None
            assert self.money_factor is not None
            return lease_schedule_build(
                capitalized_cost_minor=self.principal_minor,
                residual_minor=self.residual_minor,
                money_factor=self.money_factor,
                count=self.count,
                start_date=self.start_date,
                first_due_date=self.first_due_date,
                frequency=self.frequency,
                rounding=self.rounding,
            )
        assert self.apr is not None
        return schedule_build(
            ScheduleTerms(
                principal_minor=self.principal_minor,
                apr=self.apr,
                count=self.count,
                start_date=self.start_date,
                first_due_date=self.first_due_date,
                frequency=self.frequency,
                day_count=self.day_count,
                rounding=self.rounding,
                balloon_minor=self.balloon_minor,
            )
        )


def _as_json(schedule: Schedule, currency: str) -> dict[str, Any]:
    def amount(minor: int) -> str:
        return str(Money(minor, currency))

    return {
        "currency": currency,
        "payment": amount(schedule.payment_minor),
        "balloon": amount(schedule.balloon_minor),
        "total_interest": amount(schedule.total_interest_minor),
        "installments": [
            {
                "number": i.number,
                "due_date": i.due_date.isoformat(),
                "payment": amount(i.payment_minor),
                "interest": amount(i.interest_minor),
                "principal": amount(i.principal_minor),
                "balance": amount(i.balance_minor),
            }
            for i in schedule.installments
        ],
    }


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


def _required(value: str | None, field: str, flag: str) -> str:
    if value is None or not value.strip():
        raise ScheduleError(f"{flag} is required", field=field)
    return value


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ScheduleError(f"{text!r} is not a date (YYYY-MM-DD)", field=field) from None


def _whole(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ScheduleError(f"{text!r} is not a whole number", field=field) from None


def _decimal(text: str, field: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ScheduleError(f"{text!r} is not a number", field=field) from None
    if not value.is_finite():
        raise ScheduleError(f"{text!r} is not a number", field=field)
    return value


def _choice(kind: type[_Choice], text: str, field: str) -> _Choice:
    try:
        return kind(text.strip().lower())
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise ScheduleError(f"{text!r} is not one of {known}", field=field) from None
