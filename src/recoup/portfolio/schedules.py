"""Repayment schedules: annuity loans (with or without a balloon), closed-end leases, modifications.

Pure: no Django, no clock, no I/O. Amounts are integers of minor units, rates are Decimal, and
every rounding is done once, exactly, in the mode the terms name. The final installment always
takes what rounding left over, so the balance ends exactly at the balloon (or the residual).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from dateutil.relativedelta import relativedelta

from recoup.kernel.errors import DomainError
from recoup.kernel.money import Rounding
from recoup.portfolio.daycount import DayCount, year_fraction_exact

# The longest schedule built: 100 years monthly, or 23 years weekly. Guards against a typo in a
# term turning into millions of rows.
MAX_INSTALLMENTS = 1200
# Working precision for the annuity formula, far beyond what a payment needs.
ANNUITY_PRECISION = 60
MONEY_FACTOR_LIMIT = Decimal("0.01")
MAX_FIRST_GAP_DAYS = 3653

_Choice = TypeVar("_Choice", bound=StrEnum)


class ScheduleError(DomainError, ValueError):
    """Terms a schedule cannot be built from; `field` always names the input at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}", field=field)


class Frequency(StrEnum):
    MONTHLY = "monthly"
    BIWEEKLY = "biweekly"
    WEEKLY = "weekly"

    @property
    def periods_per_year(self) -> int:
        return {Frequency.MONTHLY: 12, Frequency.BIWEEKLY: 26, Frequency.WEEKLY: 52}[self]


@dataclass(frozen=True)
class ScheduleTerms:
    principal_minor: int
    apr: Decimal  # percent a year: Decimal("8") is 8 %
    count: int  # number of installments
    start_date: date  # interest runs from here
    first_due_date: date
    frequency: Frequency = Frequency.MONTHLY
    day_count: DayCount = DayCount.THIRTY_360
    rounding: Rounding = Rounding.HALF_UP
    balloon_minor: int = 0
    payment_minor: int | None = None  # a fixed regular payment instead of the computed one


@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    payment_minor: int
    interest_minor: int
    principal_minor: int
    balance_minor: int  # the balance after this installment


@dataclass(frozen=True)
class Schedule:
    payment_minor: int  # the regular payment
    installments: tuple[Installment, ...]
    balloon_minor: int

    @property
    def final_payment_minor(self) -> int:
        return self.installments[-1].payment_minor

    @property
    def last_due_date(self) -> date:
        return self.installments[-1].due_date

    @property
    def total_interest_minor(self) -> int:
        return sum(i.interest_minor for i in self.installments)

    @property
    def total_principal_minor(self) -> int:
        return sum(i.principal_minor for i in self.installments)


def due_dates(first_due_date: date, count: int, frequency: Frequency) -> list[date]:
    """The `count` due dates from the first one.

    Monthly dates keep the first due date's day of month, clipped to short months and counted
    from the first date each time, so 31 January gives 29 February (leap year) then 31 March.
    """
    if count < 0:
        raise ScheduleError(f"{count} is not a number of installments", field="term")
    frequency = _coerce(Frequency, frequency, "frequency")
    try:
        return [_period_step(first_due_date, k, frequency) for k in range(count)]
    except (OverflowError, ValueError):
        raise ScheduleError(
            f"{count} installments from {first_due_date} run past the calendar", field="term"
        ) from None


def schedule_build(terms: ScheduleTerms, *, first_number: int = 1) -> Schedule:
    """The schedule of an annuity loan: equal payments, the last one taking the rounding remainder.

    The regular payment comes from the annuity formula at the nominal periodic rate
    r = apr / 100 / periods a year, with the balloon B left over after n payments:
    P = (PV − B·(1+r)^−n)·r / (1 − (1+r)^−n), or (PV − B) / n when r = 0, rounded to minor units in
    the terms' mode (unless the terms fix the payment). Each installment's interest is the
    previous balance × apr/100 × the day-count year fraction since the previous due date (the
    start date for the first), rounded in the same mode.

    When the first due date is not one period after the start (a short or long first period, a
    deferral), the payment also covers the simple interest of the odd first gap; with a regular
    first period it is exactly the formula above.

    Raises ScheduleError naming the field: principal, apr, term, start, first_due, balloon,
    frequency, day_count, rounding, or payment (when a payment would not cover a regular period's
    interest, or would pay the balance below the balloon before the final installment).
    """
    frequency = _coerce(Frequency, terms.frequency, "frequency")
    day_count = _coerce(DayCount, terms.day_count, "day_count")
    rounding = _coerce(Rounding, terms.rounding, "rounding")
    apr = _rate(terms.apr, "apr")
    _check_amount(terms.principal_minor, "principal")
    if terms.principal_minor <= 0:
        raise ScheduleError("the amount financed must be more than zero", field="principal")
    if not Decimal(0) <= apr < Decimal(100):
        raise ScheduleError(f"{terms.apr}% is outside 0 to 100", field="apr")
    _check_count(terms.count)
    _check_dates(terms.start_date, terms.first_due_date, allow_same_day=False)
    _check_amount(terms.balloon_minor, "balloon")
    if not 0 <= terms.balloon_minor < terms.principal_minor:
        raise ScheduleError("the balloon must be at least zero and less than the principal", field="balloon")
    if terms.payment_minor is not None:
        _check_amount(terms.payment_minor, "payment")
        if terms.payment_minor <= 0:
            raise ScheduleError("a fixed payment must be more than zero", field="payment")
    _check_first_number(first_number)

    if terms.payment_minor is not None:
        payment = terms.payment_minor
    else:
        payment = _annuity_payment(
            terms.principal_minor,
            terms.balloon_minor,
            apr / 100 / frequency.periods_per_year,
            terms.count,
            _first_periods(terms.start_date, terms.first_due_date, frequency, day_count),
            rounding,
        )
    yearly_rate = Fraction(apr) / 100
    _check_amortises(payment, terms.principal_minor, yearly_rate, frequency)
    dates = due_dates(terms.first_due_date, terms.count, frequency)
    previous_dates = [terms.start_date, *dates[:-1]]
    period_rates = [
        yearly_rate * year_fraction_exact(previous, due, day_count)
        for previous, due in zip(previous_dates, dates, strict=True)
    ]
    return _assemble(
        payment=payment,
        opening_minor=terms.principal_minor,
        end_minor=terms.balloon_minor,
        dates=dates,
        period_rates=period_rates,
        fixed_interest_minor=None,
        rounding=rounding,
        first_number=first_number,
    )


def lease_schedule_build(
    *,
    capitalized_cost_minor: int,
    residual_minor: int,
    money_factor: Decimal,
    count: int,
    start_date: date,
    first_due_date: date,
    frequency: Frequency = Frequency.MONTHLY,
    rounding: Rounding = Rounding.HALF_UP,
) -> Schedule:
    """The schedule of a US closed-end lease, paid in advance or in arrears.

    Base payment = depreciation (cap − residual) / n + rent charge (cap + residual) × money factor,
    each rounded in the named mode. "Interest" is the rent charge and "principal" the
    depreciation; the balance falls from the capitalised cost to the residual, which the schedule
    returns as its balloon. The money factor is monthly by convention, so weekly and fortnightly
    leases charge it pro rata (× 12 / periods a year). The first payment may fall on the start date.

    Raises ScheduleError naming the field: principal, residual, money_factor, term, start,
    first_due, frequency, rounding, payment.
    """
    frequency = _coerce(Frequency, frequency, "frequency")
    rounding = _coerce(Rounding, rounding, "rounding")
    factor = _rate(money_factor, "money_factor")
    _check_amount(capitalized_cost_minor, "principal")
    if capitalized_cost_minor <= 0:
        raise ScheduleError("the capitalised cost must be more than zero", field="principal")
    _check_amount(residual_minor, "residual")
    if not 0 <= residual_minor < capitalized_cost_minor:
        raise ScheduleError(
            "the residual must be at least zero and less than the capitalised cost", field="residual"
        )
    if not Decimal(0) < factor < MONEY_FACTOR_LIMIT:
        raise ScheduleError(
            f"{money_factor} is outside 0 to {MONEY_FACTOR_LIMIT} (exclusive)", field="money_factor"
        )
    _check_count(count)
    _check_dates(start_date, first_due_date, allow_same_day=True)

    depreciation = _round(Fraction(capitalized_cost_minor - residual_minor, count), rounding)
    monthly_rent = Fraction(capitalized_cost_minor + residual_minor) * Fraction(factor)
    rent = _round(monthly_rent * 12 / frequency.periods_per_year, rounding)
    return _assemble(
        payment=depreciation + rent,
        opening_minor=capitalized_cost_minor,
        end_minor=residual_minor,
        dates=due_dates(first_due_date, count, frequency),
        period_rates=None,
        fixed_interest_minor=rent,
        rounding=rounding,
        first_number=1,
    )


def schedule_modify(current: Schedule, *, from_number: int, terms: ScheduleTerms) -> Schedule:
    """The schedule that keeps installments before `from_number` and re-builds the rest from `terms`.

    The result's regular payment and balloon are the new segment's.
    Raises ScheduleError (field "from_installment", or any field of schedule_build).
    """
    _check_from_number(current, from_number)
    segment = schedule_build(terms, first_number=from_number)
    kept = tuple(i for i in current.installments if i.number < from_number)
    return Schedule(
        payment_minor=segment.payment_minor,
        installments=kept + segment.installments,
        balloon_minor=segment.balloon_minor,
    )


def due_date_change_terms(
    current: Schedule, base: ScheduleTerms, *, from_number: int, new_first_due_date: date
) -> ScheduleTerms:
    """Terms that move installment `from_number` to a new date, the later ones following it.

    The payment is re-computed; interest runs from the previous due date to the new one.
    """
    return _segment_terms(current, base, from_number=from_number, first_due_date=new_first_due_date)


def deferral_terms(
    current: Schedule, base: ScheduleTerms, *, from_number: int, periods: int
) -> ScheduleTerms:
    """Terms that move installment `from_number` and all later ones `periods` periods later.

    The number of installments stays the same, so the last due date moves out too. Interest runs on
    over the longer gap before the first deferred installment; when that interest is more than the
    re-computed payment, schedule_build refuses it (field "payment") rather than capitalise it.
    Raises ScheduleError (fields "from_installment", "periods").
    """
    _check_from_number(current, from_number)
    if periods < 1:
        raise ScheduleError(f"{periods} is not a number of periods to defer by", field="periods")
    frequency = _coerce(Frequency, base.frequency, "frequency")
    remaining = [i.due_date for i in current.installments if i.number >= from_number]
    moved = _period_after(remaining, periods, frequency)
    return _segment_terms(current, base, from_number=from_number, first_due_date=moved)


def extension_terms(current: Schedule, base: ScheduleTerms, *, from_number: int, extra: int) -> ScheduleTerms:
    """Terms that add `extra` installments from installment `from_number`, the payment re-computed.

    Raises ScheduleError (fields "from_installment", "extra").
    """
    _check_from_number(current, from_number)
    if extra < 1:
        raise ScheduleError(f"{extra} is not a number of installments to add", field="extra")
    remaining = sum(1 for i in current.installments if i.number >= from_number)
    return _segment_terms(current, base, from_number=from_number, count=remaining + extra)


def reamortisation_terms(
    current: Schedule,
    base: ScheduleTerms,
    *,
    from_number: int,
    apr: Decimal | None = None,
    count: int | None = None,
    first_due_date: date | None = None,
) -> ScheduleTerms:
    """Terms that re-spread the balance from installment `from_number`: a new rate, term or date.

    What is not given stays as it was: the base's APR, the installments left, the current due date.
    Raises ScheduleError (field "from_installment").
    """
    return _segment_terms(
        current, base, from_number=from_number, apr=apr, count=count, first_due_date=first_due_date
    )


def _segment_terms(
    current: Schedule,
    base: ScheduleTerms,
    *,
    from_number: int,
    apr: Decimal | None = None,
    count: int | None = None,
    first_due_date: date | None = None,
) -> ScheduleTerms:
    """The base terms re-anchored at installment `from_number`: its opening balance and start date."""
    _check_from_number(current, from_number)
    by_number = {i.number: i for i in current.installments}
    previous = by_number.get(from_number - 1)
    remaining = sum(1 for i in current.installments if i.number >= from_number)
    return replace(
        base,
        principal_minor=base.principal_minor if previous is None else previous.balance_minor,
        start_date=base.start_date if previous is None else previous.due_date,
        apr=base.apr if apr is None else apr,
        count=remaining if count is None else count,
        first_due_date=by_number[from_number].due_date if first_due_date is None else first_due_date,
        payment_minor=None,
    )


def _assemble(
    *,
    payment: int,
    opening_minor: int,
    end_minor: int,
    dates: list[date],
    period_rates: list[Fraction] | None,
    fixed_interest_minor: int | None,
    rounding: Rounding,
    first_number: int,
) -> Schedule:
    """Run the balance down installment by installment, the last one ending exactly at `end_minor`.

    Simple interest: interest accrues on the principal balance only. When one installment's
    interest is more than the payment (a long first period, a deferral, a 31-day month at a high
    rate on actual/365), the payment goes wholly to interest and the rest of the interest is
    carried to the next installment, never added to the principal, as US simple-interest
    servicing does. The final installment pays whatever is carried.
    """
    balance = opening_minor
    carried = 0
    installments: list[Installment] = []
    for index, due in enumerate(dates):
        number = first_number + index
        if period_rates is not None:
            accrued = _round(balance * period_rates[index], rounding)
        else:
            assert fixed_interest_minor is not None
            accrued = fixed_interest_minor
        owed_interest = accrued + carried
        if index == len(dates) - 1:
            interest, principal, carried = owed_interest, balance - end_minor, 0
        else:
            interest = min(owed_interest, payment)
            carried = owed_interest - interest
            principal = payment - interest
            if balance - principal < end_minor:
                raise ScheduleError(
                    f"a payment of {_major(payment)} pays the balance down past the "
                    f"{'balloon' if end_minor else 'end'} before the final installment",
                    field="payment",
                )
        balance -= principal
        installments.append(Installment(number, due, interest + principal, interest, principal, balance))
    return Schedule(payment_minor=payment, installments=tuple(installments), balloon_minor=end_minor)


def _check_amortises(payment: int, opening_minor: int, yearly_rate: Fraction, frequency: Frequency) -> None:
    """A payment that does not cover a regular period's interest would never pay the loan down."""
    regular_interest = opening_minor * yearly_rate / frequency.periods_per_year
    if payment <= regular_interest and yearly_rate:
        raise ScheduleError(
            f"a payment of {_major(payment)} does not cover a period's interest of "
            f"{_major(int(regular_interest))}: the balance would never be paid down",
            field="payment",
        )


def _annuity_payment(
    principal: int, balloon: int, rate: Decimal, count: int, first_periods: Fraction, rounding: Rounding
) -> int:
    """The regular payment, `first_periods` being how many periods long the first gap is.

    A regular first gap (one period) gives the textbook formula. An odd one (Regulation Z's "odd
    days") accrues simple interest, as the schedule charges it: the principal grows to
    PV·(1 + φ·r) by the first due date, which the n payments and the balloon then discount from.
    """
    with localcontext() as context:
        context.prec = ANNUITY_PRECISION
        if rate == 0:
            exact = Decimal(principal - balloon) / count
        elif first_periods == 1:
            discount = (1 + rate) ** -count
            exact = (principal - balloon * discount) * rate / (1 - discount)
        else:
            phi = Decimal(first_periods.numerator) / Decimal(first_periods.denominator)
            discount = (1 + rate) ** -count
            owed_at_first_due = principal * (1 + phi * rate) - balloon * (1 + rate) ** (1 - count)
            exact = owed_at_first_due * rate / ((1 + rate) * (1 - discount))
        return int(exact.quantize(Decimal(1), rounding=rounding.decimal_mode))


def _first_periods(
    start_date: date, first_due_date: date, frequency: Frequency, day_count: DayCount
) -> Fraction:
    """How many periods from the start to the first due date: whole periods stepped on from the
    start, plus the odd days as a share of the next period under the day count."""
    whole = 0
    while _period_step(start_date, whole + 1, frequency) <= first_due_date:
        whole += 1
    reached = _period_step(start_date, whole, frequency)
    if reached == first_due_date:
        return Fraction(whole)
    odd = year_fraction_exact(reached, first_due_date, day_count)
    period = year_fraction_exact(reached, _period_step(start_date, whole + 1, frequency), day_count)
    return whole + odd / period


def _period_step(start_date: date, periods: int, frequency: Frequency) -> date:
    if frequency is Frequency.MONTHLY:
        return start_date + relativedelta(months=periods)
    return start_date + timedelta(days=(7 if frequency is Frequency.WEEKLY else 14) * periods)


def _round(value: Fraction, rounding: Rounding) -> int:
    """An exact fraction of minor units rounded to a whole one; ties go as `rounding` says."""
    sign = -1 if value < 0 else 1
    whole, rest = divmod(abs(value.numerator), value.denominator)
    twice = 2 * rest
    if twice > value.denominator or (
        twice == value.denominator and (rounding is Rounding.HALF_UP or whole % 2 == 1)
    ):
        whole += 1
    return sign * whole


def _period_after(dates: list[date], periods: int, frequency: Frequency) -> date:
    """The date `periods` periods after the first of `dates`, keeping a monthly schedule's day."""
    first = dates[0]
    if frequency is not Frequency.MONTHLY:
        return due_dates(first, periods + 1, frequency)[-1]
    # A schedule due on the 31st shows 30 or 29 in short months; its true day is the largest seen.
    day = max(d.day for d in dates)
    moved = first + relativedelta(months=periods)
    return moved.replace(day=min(day, calendar.monthrange(moved.year, moved.month)[1]))


def _check_from_number(current: Schedule, from_number: int) -> None:
    if not 1 <= from_number <= len(current.installments):
        raise ScheduleError(
            f"{from_number} is not an installment of this schedule (1 to {len(current.installments)})",
            field="from_installment",
        )


def _check_first_number(first_number: int) -> None:
    if isinstance(first_number, bool) or not isinstance(first_number, int) or first_number < 1:
        raise ScheduleError(f"{first_number!r} is not an installment number", field="from_installment")


def _check_count(count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int):
        raise ScheduleError(f"{count!r} is not a whole number of installments", field="term")
    if not 1 <= count <= MAX_INSTALLMENTS:
        raise ScheduleError(f"{count} installments is outside 1 to {MAX_INSTALLMENTS}", field="term")


def _check_dates(start_date: date, first_due_date: date, *, allow_same_day: bool) -> None:
    for value, field in ((start_date, "start"), (first_due_date, "first_due")):
        if not isinstance(value, date):
            raise ScheduleError(f"{value!r} is not a date", field=field)
    if (first_due_date - start_date).days > MAX_FIRST_GAP_DAYS:
        raise ScheduleError(
            f"the first due date {first_due_date.isoformat()} is more than ten years after the start",
            field="first_due",
        )
    if first_due_date < start_date or (first_due_date == start_date and not allow_same_day):
        word = "before" if allow_same_day else "on or before"
        raise ScheduleError(
            f"the first due date {first_due_date.isoformat()} is {word} the start {start_date.isoformat()}",
            field="first_due",
        )


def _check_amount(value: int, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScheduleError(f"{value!r} is not a whole number of minor units", field=field)


def _rate(value: Decimal, field: str) -> Decimal:
    if isinstance(value, float) or isinstance(value, bool):
        raise ScheduleError("rates are Decimal, never float", field=field)
    try:
        rate = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ScheduleError(f"{value!r} is not a rate", field=field) from None
    if not rate.is_finite():
        raise ScheduleError(f"{value!r} is not a rate", field=field)
    return rate


def _coerce(kind: type[_Choice], value: object, field: str) -> _Choice:
    try:
        return kind(str(value)) if not isinstance(value, kind) else value
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise ScheduleError(
            f"unknown {field.replace('_', ' ')} {value!r} (use one of {known})", field=field
        ) from None


def _major(minor: int) -> str:
    return f"{Decimal(minor).scaleb(-2):.2f}"
