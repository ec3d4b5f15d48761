"""Interest accrued between due dates: worked examples, and the schedule engine's charges as its sums."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from recoup.kernel.money import Rounding
from recoup.portfolio.accrual import (
    AccrualBase,
    accrual_base,
    interest_accrued_minor,
    interest_accrued_to_minor,
)
from recoup.portfolio.daycount import DayCount, DayCountError
from recoup.portfolio.schedules import (
    Frequency,
    ScheduleTerms,
    deferral_terms,
    schedule_build,
    schedule_modify,
)

PERIOD_DAYS = {Frequency.MONTHLY: 31, Frequency.BIWEEKLY: 14, Frequency.WEEKLY: 7}
US_RIC = ScheduleTerms(
    principal_minor=1_500_000,
    apr=Decimal("8"),
    count=60,
    start_date=date(2024, 1, 1),
    first_due_date=date(2024, 2, 1),
    day_count=DayCount.ACTUAL_365,
)


def test_sixteen_days_on_15000_at_8_percent_actual_365_is_52_60() -> None:
    accrued = interest_accrued_minor(
        balance_minor=1_500_000,
        apr=Decimal("8"),
        start_date=date(2024, 1, 15),
        end_date=date(2024, 1, 31),
        day_count=DayCount.ACTUAL_365,
    )

    assert accrued == 5260  # 15,000 × 0.08 × 16 / 365 = 52.6027…


def test_a_half_minor_unit_rounds_up_half_up_and_to_even_half_even() -> None:
    # 1 × 50 % × 365/365 is exactly half a minor unit.
    terms = {
        "balance_minor": 1,
        "apr": Decimal("50"),
        "start_date": date(2023, 1, 1),
        "end_date": date(2024, 1, 1),
        "day_count": DayCount.ACTUAL_365,
    }

    assert interest_accrued_minor(**terms) == 1
    assert interest_accrued_minor(**terms, rounding=Rounding.HALF_EVEN) == 0


def test_a_leap_day_counts_over_366_on_actual_actual() -> None:
    # 28 February to 1 March 2024: two days, both in a leap year.
    accrued = interest_accrued_minor(
        balance_minor=36_600_000,
        apr=Decimal("10"),
        start_date=date(2024, 2, 28),
        end_date=date(2024, 3, 1),
        day_count=DayCount.ACTUAL_ACTUAL,
    )

    assert accrued == 20_000


def test_30_360_counts_a_month_ending_on_the_31st_as_30_days() -> None:
    accrued = interest_accrued_minor(
        balance_minor=1_200_000,
        apr=Decimal("12"),
        start_date=date(2024, 3, 31),
        end_date=date(2024, 4, 30),
        day_count=DayCount.THIRTY_360,
    )

    assert accrued == 12_000


def test_nothing_accrues_over_no_days_and_an_end_before_the_start_is_refused() -> None:
    same_day = {"balance_minor": 1_000_000, "apr": Decimal("9"), "day_count": DayCount.ACTUAL_365}

    assert interest_accrued_minor(**same_day, start_date=date(2024, 5, 1), end_date=date(2024, 5, 1)) == 0
    with pytest.raises(DayCountError):
        interest_accrued_minor(**same_day, start_date=date(2024, 5, 2), end_date=date(2024, 5, 1))


def test_the_first_period_accrues_from_the_contract_start_on_the_amount_financed() -> None:
    schedule = schedule_build(US_RIC)

    base = accrual_base(schedule, US_RIC, segment_from=1, fallen_due=0)

    assert base == AccrualBase(start_date=date(2024, 1, 1), balance_minor=1_500_000, carried_minor=0)
    # 1 to 31 January: 30 days.
    assert interest_accrued_to_minor(base, US_RIC, to_date=date(2024, 1, 31)) == 9863


def test_a_later_period_accrues_from_the_last_due_date_on_the_balance_after_it() -> None:
    schedule = schedule_build(US_RIC)
    third = schedule.installments[2]

    base = accrual_base(schedule, US_RIC, segment_from=1, fallen_due=3)

    assert (base.start_date, base.balance_minor, base.carried_minor) == (
        third.due_date,
        third.balance_minor,
        0,
    )


def test_a_long_first_periods_interest_beyond_the_payment_is_carried_and_still_accrued() -> None:
    # $15,000 at 30 % with three months to the first due date: 91 days earn $1,121.92, the payment
    # of $508.97 bills what it can and the rest is carried into April.
    terms = replace(US_RIC, apr=Decimal("30"), first_due_date=date(2024, 4, 1))
    schedule = schedule_build(terms)

    base = accrual_base(schedule, terms, segment_from=1, fallen_due=1)

    assert schedule.installments[0].interest_minor == schedule.payment_minor == 50_897
    assert base == AccrualBase(start_date=date(2024, 4, 1), balance_minor=1_500_000, carried_minor=61_295)
    # To 30 April: the carried interest and 29 days on $15,000 at 30 % ($357.53).
    assert interest_accrued_to_minor(base, terms, to_date=date(2024, 4, 30)) == 61_295 + 35_753


def test_nothing_accrues_before_the_period_starts() -> None:
    base = AccrualBase(start_date=date(2024, 6, 1), balance_minor=1_000_000, carried_minor=25)

    assert interest_accrued_to_minor(base, US_RIC, to_date=date(2024, 5, 31)) == 25


def test_a_deferred_segment_starts_afresh_from_its_own_start() -> None:
    original = schedule_build(US_RIC)
    terms = deferral_terms(original, US_RIC, from_number=4, periods=2)
    deferred = schedule_modify(original, from_number=4, terms=terms)

    base = accrual_base(deferred, terms, segment_from=4, fallen_due=3)

    assert base == AccrualBase(
        start_date=original.installments[2].due_date,
        balance_minor=original.installments[2].balance_minor,
        carried_minor=0,
    )


def test_an_installment_outside_the_segment_is_refused() -> None:
    schedule = schedule_build(US_RIC)

    with pytest.raises(ValueError, match="installment 61"):
        accrual_base(schedule, US_RIC, segment_from=1, fallen_due=60)


@st.composite
def loan_terms(draw: st.DrawFn) -> ScheduleTerms:
    principal = draw(st.integers(min_value=100_000, max_value=10_000_000))
    frequency = draw(st.sampled_from(Frequency))
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    # Up to three periods before the first due date: long first periods carry interest.
    first_gap = draw(st.integers(min_value=1, max_value=3 * PERIOD_DAYS[frequency]))
    return ScheduleTerms(
        principal_minor=principal,
        apr=draw(st.decimals(min_value=0, max_value=36, places=2)),
        count=draw(st.integers(min_value=1, max_value=72)),
        start_date=start,
        first_due_date=start + timedelta(days=first_gap),
        frequency=frequency,
        day_count=draw(st.sampled_from(DayCount)),
        rounding=draw(st.sampled_from(Rounding)),
    )


def _buildable(terms: ScheduleTerms):  # type: ignore[no-untyped-def]
    try:
        return schedule_build(terms)
    except ValueError:
        return None


@given(loan_terms())
def test_accrued_to_each_due_date_is_what_the_schedule_engine_charges_that_installment(terms) -> None:
    schedule = _buildable(terms)
    assume(schedule is not None)
    installments = schedule.installments

    for installment in installments:
        base = accrual_base(schedule, terms, segment_from=1, fallen_due=installment.number - 1)
        owed = interest_accrued_to_minor(base, terms, to_date=installment.due_date)

        if installment is installments[-1]:
            assert installment.interest_minor == owed
        else:
            assert installment.interest_minor == min(owed, schedule.payment_minor)
        if base.carried_minor == 0 and owed <= schedule.payment_minor:
            assert installment.interest_minor == interest_accrued_minor(
                balance_minor=base.balance_minor,
                apr=terms.apr,
                start_date=base.start_date,
                end_date=installment.due_date,
                day_count=terms.day_count,
                rounding=terms.rounding,
            )


@given(loan_terms())
def test_the_periods_accruals_add_up_to_the_schedules_total_interest(terms) -> None:
    schedule = _buildable(terms)
    assume(schedule is not None)
    opening = [terms.principal_minor, *(i.balance_minor for i in schedule.installments)]
    starts = [terms.start_date, *(i.due_date for i in schedule.installments)]

    accrued = sum(
        interest_accrued_minor(
            balance_minor=balance,
            apr=terms.apr,
            start_date=start,
            end_date=installment.due_date,
            day_count=terms.day_count,
            rounding=terms.rounding,
        )
        for balance, start, installment in zip(opening, starts, schedule.installments, strict=False)
    )

    assert accrued == schedule.total_interest_minor


@given(
    balance=st.integers(min_value=0, max_value=10**12),
    apr=st.decimals(min_value=0, max_value=99, places=4),
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    days=st.tuples(st.integers(min_value=0, max_value=800), st.integers(min_value=0, max_value=800)),
    day_count=st.sampled_from(DayCount),
    rounding=st.sampled_from(Rounding),
)
def test_the_accrual_never_falls_as_the_end_date_moves_later(balance, apr, start, days, day_count, rounding):
    earlier, later = sorted(days)

    def accrued(offset: int) -> int:
        return interest_accrued_minor(
            balance_minor=balance,
            apr=apr,
            start_date=start,
            end_date=start + timedelta(days=offset),
            day_count=day_count,
            rounding=rounding,
        )

    assert 0 <= accrued(earlier) <= accrued(later)
