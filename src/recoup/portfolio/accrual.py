"""Interest accrual: the simple interest a principal balance earns between two dates.

Pure: no Django, no clock. A US retail installment contract earns daily simple interest on its
principal balance; the schedule bills it at each due date, for the period since the previous one.
Between due dates, what has been earned but not yet billed is worked out exactly from the period's
start: the balance × APR × the day count's exact year fraction, rounded once to minor units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from recoup.kernel.money import Rounding
from recoup.portfolio.daycount import DayCount, year_fraction_exact
from recoup.portfolio.schedules import Schedule, ScheduleTerms


@dataclass(frozen=True)
class AccrualBase:
    """Where the interest of the next installment starts: the period's first day, the principal
    balance it accrues on, and the interest carried from earlier installments that is not yet billed."""

    start_date: date
    balance_minor: int
    carried_minor: int


def interest_accrued_minor(
    *,
    balance_minor: int,
    apr: Decimal,
    start_date: date,
    end_date: date,
    day_count: DayCount,
    rounding: Rounding = Rounding.HALF_UP,
) -> int:
    """balance × apr/100 × year fraction(start, end), rounded once to minor units in the named mode.

    `apr` is percent a year (Decimal("8") is 8 %); the balance and the APR are not negative.
    Raises DayCountError (field "end") when end is before start.
    """
    exact = (
        Fraction(balance_minor) * Fraction(apr) / 100 * year_fraction_exact(start_date, end_date, day_count)
    )
    whole, rest = divmod(exact.numerator, exact.denominator)
    twice = 2 * rest
    if twice > exact.denominator or (
        twice == exact.denominator and (rounding is Rounding.HALF_UP or whole % 2 == 1)
    ):
        whole += 1
    return whole


def accrual_base(
    schedule: Schedule, segment: ScheduleTerms, *, segment_from: int, fallen_due: int
) -> AccrualBase:
    """The base of installment `fallen_due + 1`, governed by `segment` (the terms of the schedule
    version whose installments start at number `segment_from`).

    As the schedule engine runs: interest runs from the previous due date (the segment's start for
    its first installment) on the balance after it; what an installment could not bill (its interest
    beyond the payment) is carried to the next, and a new segment starts with nothing carried.
    Raises ValueError when the schedule has no installment `fallen_due + 1` or the segment does not
    govern it.
    """
    number = fallen_due + 1
    if not segment_from <= number <= len(schedule.installments):
        raise ValueError(f"installment {number} is not one of segment {segment_from}'s")
    by_number = {i.number: i for i in schedule.installments}
    start, balance, carried = segment.start_date, segment.principal_minor, 0
    for k in range(segment_from, number):
        billed = by_number[k]
        accrued = interest_accrued_minor(
            balance_minor=balance,
            apr=segment.apr,
            start_date=start,
            end_date=billed.due_date,
            day_count=segment.day_count,
            rounding=segment.rounding,
        )
        carried += accrued - billed.interest_minor
        start, balance = billed.due_date, billed.balance_minor
    return AccrualBase(start_date=start, balance_minor=balance, carried_minor=carried)


def interest_accrued_to_minor(base: AccrualBase, segment: ScheduleTerms, *, to_date: date) -> int:
    """The interest earned and not yet billed on `to_date`: what is carried, plus the period's
    interest from its start to `to_date` (so on the due date, exactly what the schedule bills when
    the payment covers it). Nothing accrues before the period starts."""
    if to_date <= base.start_date:
        return base.carried_minor
    return base.carried_minor + interest_accrued_minor(
        balance_minor=base.balance_minor,
        apr=segment.apr,
        start_date=base.start_date,
        end_date=to_date,
        day_count=segment.day_count,
        rounding=segment.rounding,
    )
