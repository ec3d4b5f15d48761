"""Quoting a schedule from terms as a person types them (command line, API, web form).

Pure: no Django, no clock. Every bad value raises a ScheduleError or money error naming its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from recoup.kernel.money import Money, Rounding, currency_check
from recoup.kernel.numbers import InvalidNumber, rate_parse
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.schedules import (
    Frequency,
    Schedule,
    ScheduleError,
    ScheduleTerms,
    lease_schedule_build,
    schedule_build,
)

_Choice = TypeVar("_Choice", Frequency, Rounding)


class _Terms(NamedTuple):
    principal: str
    term: str
    start: str
    first_due: str
    apr: str | None
    day_count: str
    rounding: str
    balloon: str
    frequency: str
    residual: str | None
    money_factor: str | None


@dataclass(frozen=True)
class Quote:
    """Schedule terms typed by a person, read into the engine's types; every bad value names its field."""

    currency: str
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
    def parse(
        cls,
        *,
        principal: str,
        term: str | int,
        start: str,
        first_due: str,
        currency: str = "USD",
        apr: str | None = None,
        day_count: str = str(DayCount.THIRTY_360),
        rounding: str = str(Rounding.HALF_UP),
        balloon: str = "0",
        frequency: str = str(Frequency.MONTHLY),
        lease: bool = False,
        residual: str | None = None,
        money_factor: str | None = None,
    ) -> Quote:
        """Read the terms; raises ScheduleError (or a money error) naming the field."""
        currency = currency_check(currency.strip().upper(), field="currency")
        args = _Terms(
            principal,
            str(term),
            start,
            first_due,
            apr,
            day_count,
            rounding,
            balloon,
            frequency,
            residual,
            money_factor,
        )
        balloon_minor = Money.parse(args.balloon, currency, field="balloon").minor
        if lease and balloon_minor:
            raise ScheduleError("a lease ends at its --residual, not a balloon", field="balloon")
        if lease and args.apr is not None:
            raise ScheduleError("a lease is priced by --money-factor, not an APR", field="apr")
        if not lease and (args.residual is not None or args.money_factor is not None):
            field = "residual" if args.residual is not None else "money_factor"
            raise ScheduleError("--residual and --money-factor go with --lease", field=field)
        return cls(
            currency=currency,
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


def schedule_plain(schedule: Schedule, currency: str) -> dict[str, Any]:
    """The schedule as JSON-ready data: amounts as decimal strings, dates in ISO 8601."""

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
        return rate_parse(text, field=field)
    except InvalidNumber:
        raise ScheduleError(f"{text!r} is not a number", field=field) from None


def _choice(kind: type[_Choice], text: str, field: str) -> _Choice:
    try:
        return kind(text.strip().lower())
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise ScheduleError(f"{text!r} is not one of {known}", field=field) from None
