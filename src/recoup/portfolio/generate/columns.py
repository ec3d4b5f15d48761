"""Schedules and payment histories of many accounts at once, as columns.

The pure schedule engine's arithmetic (schedules.py), vectorised with NumPy over accounts and
stepped once per installment number, so a book of millions costs a few dozen array operations
per installment rather than a Python loop per account. Pure: no Django, no clock.

Money is int64 minor units and never a float: an APR is an integer of ten-thousandths of a
percent (`apr_e4`, 5.9 % is 59_000), a money factor an integer of ten-millionths (`mf_e7`).
Interest is rounded exactly from integer numerators and denominators. The annuity payment is
the engine's 60-digit Decimal formula, factored per distinct (rate, term) as P·F − B·G with F
and G held to 10⁻¹² and accounts within 10⁻⁴ of a rounding tie handed to the engine itself, as
are any terms outside what the columns cover, so every account's schedule is the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import numpy as np
import numpy.typing as npt

from recoup.kernel.money import Rounding
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.schedules import (
    ANNUITY_PRECISION,
    Frequency,
    Schedule,
    ScheduleTerms,
    lease_schedule_build,
    schedule_build,
)
from recoup.portfolio.vin import CHECK_DIGIT_POSITION, TRANSLITERATION, VIN_LENGTH, WEIGHTS

Ints = npt.NDArray[np.int64]
Days = npt.NDArray[np.datetime64]
Flags = npt.NDArray[np.bool_]

THIRTY_360, ACTUAL_365 = 0, 1
DAY_COUNTS = {DayCount.THIRTY_360.value: THIRTY_360, DayCount.ACTUAL_365.value: ACTUAL_365}
FACTOR_SCALE = 10**12
# Accounts whose exact payment lies this close to half a minor unit go to the engine.
TIE_MARGIN = 10**8
APR_DENOMINATOR = 100 * 10_000  # apr_e4 / APR_DENOMINATOR is the yearly rate as a fraction
MF_DENOMINATOR = 10**7
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def months_add(days: Days, months: Ints | int) -> Days:
    """`days` plus whole months, clipped to short months, as dateutil's relativedelta does."""
    month = days.astype("datetime64[M]")
    day_of_month = (days - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months).astype("timedelta64[M]")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1).astype("timedelta64[D]")


def round_ratio(numerator: Ints, denominator: Ints | int, half_even: Flags) -> Ints:
    """numerator / denominator (both ≥ 0) to a whole number; ties up, or to even where `half_even`."""
    whole, rest = np.divmod(numerator, denominator)
    twice = 2 * rest
    up = (twice > denominator) | ((twice == denominator) & (~half_even | (whole % 2 == 1)))
    return whole + up


class Calendar:
    """Month starts and lengths as integer tables, so stepping dates costs integer lookups only."""

    def __init__(self, first: Days, months: int) -> None:
        self.base = int(first.min().astype("datetime64[M]").astype(np.int64)) if len(first) else 0
        span = (
            int(first.max().astype("datetime64[M]").astype(np.int64)) - self.base + months + 2
            if len(first)
            else 1
        )
        starts = (np.arange(self.base, self.base + span + 1)).astype("datetime64[M]").astype("datetime64[D]")
        self.start = starts.astype(np.int64)
        self.length = np.diff(self.start)

    def split(self, days: Days) -> tuple[Ints, Ints]:
        """(month number from the table's base, day of month) of each date."""
        month = days.astype("datetime64[M]").astype(np.int64) - self.base
        return month, days.astype(np.int64) - self.start[month] + 1

    def step(self, month: Ints, day: Ints, months: int) -> tuple[Ints, Ints, Ints]:
        """The date `months` after (month, day), clipped: its month, day of month and ordinal."""
        target = month + months
        clipped = np.minimum(day, self.length[target])
        return target, clipped, self.start[target] + clipped - 1


def _days_30_360(start: tuple[Ints, Ints], end: tuple[Ints, Ints]) -> Ints:
    d1 = np.minimum(start[1], 30)
    d2 = np.where((end[1] == 31) & (d1 == 30), 30, end[1])
    return 30 * (end[0] - start[0]) + (d2 - d1)


def _annuity_factors(apr_e4: int, count: int) -> tuple[int, int]:
    """F and G (× FACTOR_SCALE, rounded) with payment = P·F − B·G for a regular first period."""
    with localcontext() as context:
        context.prec = ANNUITY_PRECISION
        rate = Decimal(apr_e4) / APR_DENOMINATOR / 12
        discount = (1 + rate) ** -count
        f = rate / (1 - discount)
        g = discount * f
        scale = Decimal(FACTOR_SCALE)
        return (
            int((f * scale).to_integral_value(ROUND_HALF_EVEN)),
            int((g * scale).to_integral_value(ROUND_HALF_EVEN)),
        )


@dataclass(frozen=True)
class Terms:
    """Origination terms of many monthly schedules, one row per account."""

    principal: Ints
    balloon: Ints
    apr_e4: Ints
    mf_e7: Ints  # 0 for an annuity; a lease is built from its money factor
    count: Ints
    start: Days
    first_due: Days
    day_count: Ints  # THIRTY_360 or ACTUAL_365
    half_even: Flags

    def __len__(self) -> int:
        return len(self.principal)

    def engine_schedule(self, row: int) -> Schedule:
        """One account's schedule from the pure engine itself."""
        rounding = Rounding.HALF_EVEN if self.half_even[row] else Rounding.HALF_UP
        start = _date(self.start[row])
        first_due = _date(self.first_due[row])
        if self.mf_e7[row]:
            return lease_schedule_build(
                capitalized_cost_minor=int(self.principal[row]),
                residual_minor=int(self.balloon[row]),
                money_factor=Decimal(int(self.mf_e7[row])) / MF_DENOMINATOR,
                count=int(self.count[row]),
                start_date=start,
                first_due_date=first_due,
                rounding=rounding,
            )
        day_count = DayCount.THIRTY_360 if self.day_count[row] == THIRTY_360 else DayCount.ACTUAL_365
        return schedule_build(
            ScheduleTerms(
                principal_minor=int(self.principal[row]),
                apr=Decimal(int(self.apr_e4[row])) / 10_000,
                count=int(self.count[row]),
                start_date=start,
                first_due_date=first_due,
                frequency=Frequency.MONTHLY,
                day_count=day_count,
                rounding=rounding,
                balloon_minor=int(self.balloon[row]),
            )
        )


@dataclass(frozen=True)
class Schedules:
    """The engine's schedules: summaries for every account, installments up to `kept` per account."""

    payment: Ints
    final_payment: Ints
    last_due: Days
    due: Ints  # (accounts, kept): due date of installment j + 1, in days since 1970-01-01
    interest: Ints  # (accounts, kept)
    principal: Ints  # (accounts, kept)
    engine_rows: int  # accounts handed to the pure engine (ties, terms the columns do not cover)


def _date(value: np.datetime64) -> date:
    return date.fromisoformat(str(value.astype("datetime64[D]")))


def schedules_build(terms: Terms, *, kept: int) -> Schedules:
    """Build every account's schedule; keep the first `kept` installments of each as columns."""
    n = len(terms)
    lease = terms.mf_e7 > 0
    regular_first = months_add(terms.start, 1) == terms.first_due
    payment = np.zeros(n, dtype=np.int64)
    engine = ~regular_first | (terms.apr_e4 <= 0) | (terms.day_count < 0) | (terms.count < 1)

    # Leases: depreciation plus rent charge, each rounded exactly.
    depreciation = round_ratio(terms.principal - terms.balloon, np.maximum(terms.count, 1), terms.half_even)
    rent = round_ratio((terms.principal + terms.balloon) * terms.mf_e7, MF_DENOMINATOR, terms.half_even)
    payment = np.where(lease, depreciation + rent, payment)

    annuity = ~lease & ~engine
    keys = np.unique(np.stack([terms.apr_e4[annuity], terms.count[annuity]], axis=1), axis=0)
    f = np.zeros(n, dtype=np.int64)
    g = np.zeros(n, dtype=np.int64)
    for apr_e4, count in keys.tolist():
        factor_f, factor_g = _annuity_factors(apr_e4, count)
        if max(factor_f, factor_g) * (int(terms.principal.max()) + int(terms.balloon.max())) >= 2**62:
            engine |= annuity & (terms.apr_e4 == apr_e4) & (terms.count == count)
            continue
        rows = annuity & (terms.apr_e4 == apr_e4) & (terms.count == count)
        f[rows], g[rows] = factor_f, factor_g
    scaled = terms.principal * f - terms.balloon * g
    near_tie = np.abs(scaled % FACTOR_SCALE - FACTOR_SCALE // 2) <= TIE_MARGIN
    engine |= annuity & near_tie
    annuity &= ~engine
    payment = np.where(annuity, (scaled + FACTOR_SCALE // 2) // FACTOR_SCALE, payment)

    steps = int(terms.count.max()) if n else 0
    calendar = Calendar(np.concatenate([terms.start, terms.first_due]), steps)
    first_month, first_day = calendar.split(terms.first_due)
    previous_month, previous_day = calendar.split(terms.start)
    previous = terms.start.astype(np.int64)
    due = np.zeros((n, kept), dtype=np.int64)
    interest_kept = np.zeros((n, kept), dtype=np.int64)
    principal_kept = np.zeros((n, kept), dtype=np.int64)
    final_payment = np.zeros(n, dtype=np.int64)
    last_due = previous.copy()
    balance = terms.principal.copy()
    carried = np.zeros(n, dtype=np.int64)
    thirty_360 = terms.day_count == THIRTY_360
    denominator = np.where(thirty_360, 360, 365) * APR_DENOMINATOR
    for j in range(steps):
        live = j < terms.count
        month, day, ordinal = calendar.step(first_month, first_day, j)
        days = np.where(
            thirty_360, _days_30_360((previous_month, previous_day), (month, day)), ordinal - previous
        )
        accrued = np.where(
            lease, rent, round_ratio(balance * terms.apr_e4 * days, denominator, terms.half_even)
        )
        owed = accrued + carried
        last = j == terms.count - 1
        interest = np.where(last, owed, np.minimum(owed, payment))
        principal = np.where(last, balance - terms.balloon, payment - interest)
        carried = np.where(last, 0, owed - interest)
        engine |= live & ~last & (balance - principal < terms.balloon)
        balance = np.where(live, balance - principal, balance)
        final_payment = np.where(last, interest + principal, final_payment)
        last_due = np.where(last, ordinal, last_due)
        previous, previous_month, previous_day = ordinal, month, day
        if j < kept:
            due[:, j] = ordinal
            interest_kept[:, j] = np.where(live, interest, 0)
            principal_kept[:, j] = np.where(live, principal, 0)
    if kept > steps:
        due[:, steps:] = np.iinfo(np.int32).max

    for row in np.flatnonzero(engine).tolist():
        schedule = terms.engine_schedule(row)
        payment[row] = schedule.payment_minor
        final_payment[row] = schedule.final_payment_minor
        last_due[row] = schedule.last_due_date.toordinal() - EPOCH_ORDINAL
        for installment in schedule.installments[:kept]:
            j = installment.number - 1
            due[row, j] = installment.due_date.toordinal() - EPOCH_ORDINAL
            interest_kept[row, j] = installment.interest_minor
            principal_kept[row, j] = installment.principal_minor
    return Schedules(
        payment=payment,
        final_payment=final_payment,
        last_due=last_due.astype("datetime64[D]"),
        due=due,
        interest=interest_kept,
        principal=principal_kept,
        engine_rows=int(engine.sum()),
    )


@dataclass(frozen=True)
class Payments:
    """How each account paid its installments: drawn per account and installment by the caller."""

    lag_days: Ints  # (accounts, kept): days after the due date the payment came (may be negative)
    percent: Ints  # (accounts, kept): share of the installment paid, 100 for a full payment
    stop_after: Ints  # last day (days since 1970) a payment was made, or a day far in the future
    returned: Ints  # the installment whose payment came back three days later, 0 for none


@dataclass(frozen=True)
class Openings:
    """Where each account's ledger stands on the as-of date, as a servicing conversion records it."""

    installments_due: Ints
    paid: Ints  # cash received and allocated
    principal_not_due: Ints
    interest_due_to_date: Ints  # interest that fell due: the interest income recognised
    last_principal: Ints  # principal and interest of the last installment due (0 when none is)
    last_interest: Ints
    unpaid_interest: Ints  # (accounts, kept)
    unpaid_principal: Ints  # (accounts, kept)


RETURN_DELAY_DAYS = 3


def openings_build(terms: Terms, schedules: Schedules, payments: Payments, *, as_of: date) -> Openings:
    """Installments due up to `as_of`, the payments made toward them, allocated oldest installment
    first and interest before principal within one, as the product waterfalls do."""
    today = as_of.toordinal() - EPOCH_ORDINAL
    kept = schedules.due.shape[1]
    number = np.arange(1, kept + 1)
    fallen_due = (number[None, :] <= terms.count[:, None]) & (schedules.due <= today)
    paid_on = schedules.due + payments.lag_days
    returned = (number[None, :] == payments.returned[:, None]) & (paid_on + RETURN_DELAY_DAYS <= today)
    made = fallen_due & (paid_on <= today) & (paid_on <= payments.stop_after[:, None]) & ~returned
    owed = schedules.interest + schedules.principal
    paid = np.where(made, owed * payments.percent // 100, 0).sum(axis=1)
    interest = np.where(fallen_due, schedules.interest, 0)
    principal = np.where(fallen_due, schedules.principal, 0)
    before = np.cumsum(interest + principal, axis=1) - (interest + principal)
    to_interest = np.clip(paid[:, None] - before, 0, interest)
    to_principal = np.clip(paid[:, None] - before - interest, 0, principal)
    due_count = fallen_due.sum(axis=1)
    last = np.maximum(due_count - 1, 0)[:, None]
    return Openings(
        installments_due=due_count,
        last_principal=np.where(due_count > 0, np.take_along_axis(principal, last, axis=1)[:, 0], 0),
        last_interest=np.where(due_count > 0, np.take_along_axis(interest, last, axis=1)[:, 0], 0),
        paid=paid,
        principal_not_due=terms.principal - principal.sum(axis=1),
        interest_due_to_date=interest.sum(axis=1),
        unpaid_interest=interest - to_interest,
        unpaid_principal=principal - to_principal,
    )


_VIN_VALUES = np.zeros(256, dtype=np.int64)
_VIN_VALUES[[ord(ch) for ch in TRANSLITERATION]] = list(TRANSLITERATION.values())
_CHECK_DIGITS = np.frombuffer(b"0123456789X", dtype=np.uint8)


def vins_with_check_digits(vins: list[str]) -> list[str]:
    """The 17-character VINs (A–Z without I, O, Q and digits, upper case) with the check digit in
    position 9, as vin.vin_with_check_digit writes one, computed for all of them at once."""
    if not vins:
        return []
    text = np.frombuffer("".join(vins).encode("ascii"), dtype=np.uint8).reshape(len(vins), VIN_LENGTH).copy()
    remainder = (_VIN_VALUES[text] * np.asarray(WEIGHTS)).sum(axis=1) % 11
    text[:, CHECK_DIGIT_POSITION - 1] = _CHECK_DIGITS[remainder]
    return text.view(f"S{VIN_LENGTH}")[:, 0].astype(str).tolist()
