"""Day-count conventions: how much of a year lies between two dates, for accruing interest.

Pure: no Django, no clock. The year fraction is kept as an exact `Fraction` (1/365 has no finite
decimal) so that interest can be rounded exactly once, at the end, with a named mode.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from recoup.kernel.errors import DomainError

# Enough significant digits that a Decimal year fraction is exact whenever it terminates, and
# otherwise closer to the true value than any amount of money could tell.
DECIMAL_PRECISION = 50


class DayCountError(DomainError, ValueError):
    """A day count that cannot be used; `field` names the input at fault."""


class DayCount(StrEnum):
    THIRTY_360 = "30/360"
    ACTUAL_365 = "actual/365"
    ACTUAL_ACTUAL = "actual/actual"

    @classmethod
    def parse(cls, text: str, *, field: str = "day_count") -> DayCount:
        """The day count a person or a file named, e.g. "30/360"; anything else raises DayCountError."""
        cleaned = str(text).strip().lower()
        for member in cls:
            if member.value == cleaned:
                return member
        known = ", ".join(member.value for member in cls)
        raise DayCountError(f"{field}: unknown day count {text!r} (use one of {known})", field=field)


def year_fraction_exact(start: date, end: date, day_count: DayCount) -> Fraction:
    """The exact fraction of a year from `start` to `end` (end not before start).

    30/360 is the US bond basis (ISDA 2006 4.16(f)): a 31st that starts the period counts as the
    30th, and a 31st that ends it counts as the 30th when the period started on a 30th or 31st.
    actual/365 is fixed: actual days over 365, leap year or not. actual/actual is ISDA: the days
    falling in a leap year over 366, plus the other days over 365.

    Raises DayCountError (field "end") when end is before start.
    """
    if end < start:
        raise DayCountError(f"end: {end.isoformat()} is before {start.isoformat()}", field="end")
    if day_count is DayCount.THIRTY_360:
        return Fraction(_days_30_360(start, end), 360)
    if day_count is DayCount.ACTUAL_365:
        return Fraction((end - start).days, 365)
    if day_count is DayCount.ACTUAL_ACTUAL:
        return _actual_actual(start, end)
    raise DayCountError(f"day_count: unknown day count {day_count!r}", field="day_count")


def year_fraction(start: date, end: date, day_count: DayCount) -> Decimal:
    """The fraction of a year from `start` to `end` as a Decimal.

    Exact whenever the fraction has a finite decimal (30/360 over 90 days is exactly 0.25);
    otherwise correct to 50 significant digits. Interest arithmetic uses `year_fraction_exact`.
    """
    exact = year_fraction_exact(start, end, day_count)
    with localcontext() as context:
        context.prec = DECIMAL_PRECISION
        return Decimal(exact.numerator) / Decimal(exact.denominator)


def _days_30_360(start: date, end: date) -> int:
    d1 = min(start.day, 30)
    d2 = end.day
    if d2 == 31 and d1 == 30:
        d2 = 30
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _actual_actual(start: date, end: date) -> Fraction:
    total = Fraction(0)
    for year in range(start.year, end.year + 1):
        portion_start = max(start, date(year, 1, 1))
        portion_end = end if year == end.year else date(year + 1, 1, 1)
        total += Fraction((portion_end - portion_start).days, 366 if _is_leap(year) else 365)
    return total
