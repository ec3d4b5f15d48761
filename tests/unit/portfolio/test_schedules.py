"""Worked examples of annuity schedules, stated the way an operations manual would."""

from datetime import date
from decimal import Decimal

import pytest

from recoup.kernel.money import Rounding
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.schedules import Frequency, ScheduleError, ScheduleTerms, due_dates, schedule_build


def car_loan(**changes) -> ScheduleTerms:
    """15,000.00 at 8 % over 60 months from 1 January 2024, first due 1 February, 30/360, half-up."""
    terms = {
        "principal_minor": 1_500_000,
        "apr": Decimal("8"),
        "count": 60,
        "start_date": date(2024, 1, 1),
        "first_due_date": date(2024, 2, 1),
    }
    return ScheduleTerms(**{**terms, **changes})


def rows(schedule, count=None):
    chosen = schedule.installments if count is None else schedule.installments[:count]
    return [
        (i.number, i.due_date, i.payment_minor, i.interest_minor, i.principal_minor, i.balance_minor)
        for i in chosen
    ]


def test_fifteen_thousand_at_eight_percent_over_sixty_months_costs_304_15_a_month():
    schedule = schedule_build(car_loan())

    assert schedule.payment_minor == 30415


def test_first_installment_pays_100_interest_and_204_15_principal():
    schedule = schedule_build(car_loan())

    assert rows(schedule, 2) == [
        (1, date(2024, 2, 1), 30415, 10000, 20415, 1479585),
        (2, date(2024, 3, 1), 30415, 9864, 20551, 1459034),
    ]


def test_final_installment_takes_the_rounding_remainder():
    schedule = schedule_build(car_loan())

    last = schedule.installments[-1]
    assert (last.number, last.due_date, last.payment_minor, last.interest_minor) == (
        60,
        date(2029, 1, 1),
        30384,
        201,
    )
    assert last.balance_minor == 0
    assert schedule.final_payment_minor == 30384
    assert schedule.last_due_date == date(2029, 1, 1)


def test_principal_of_all_installments_sums_to_the_amount_financed():
    schedule = schedule_build(car_loan())

    assert schedule.total_principal_minor == 1_500_000
    assert schedule.total_interest_minor == 324_869
    assert sum(i.payment_minor for i in schedule.installments) == 1_500_000 + 324_869


def test_pcp_balloon_leaves_exactly_the_optional_final_payment_outstanding():
    terms = ScheduleTerms(
        principal_minor=2_000_000,
        apr=Decimal("6.9"),
        count=48,
        start_date=date(2024, 1, 15),
        first_due_date=date(2024, 2, 15),
        day_count=DayCount.ACTUAL_365,
        balloon_minor=800_000,
    )

    schedule = schedule_build(terms)

    assert schedule.payment_minor == 33280
    assert schedule.installments[-1].balance_minor == 800_000
    assert schedule.balloon_minor == 800_000
    assert schedule.total_principal_minor == 1_200_000


def test_a_short_first_period_lowers_the_payment_to_match_the_interest_it_saves():
    schedule = schedule_build(car_loan(first_due_date=date(2024, 1, 15)))

    # 14 days of interest (46.67) instead of a month's (100.00).
    assert schedule.installments[0].interest_minor == 4667
    assert (schedule.payment_minor, schedule.final_payment_minor) == (30307, 30319)


def test_a_long_first_period_raises_the_payment_to_carry_the_extra_interest():
    schedule = schedule_build(car_loan(first_due_date=date(2024, 2, 15)))

    # A month and a half of interest: 146.67.
    assert schedule.installments[0].interest_minor == 14667
    assert (schedule.payment_minor, schedule.final_payment_minor) == (30509, 30479)


def test_interest_a_long_first_period_leaves_unpaid_is_carried_not_capitalised():
    terms = car_loan(
        apr=Decimal("19.9"), count=84, first_due_date=date(2024, 2, 15), day_count=DayCount.ACTUAL_365
    )

    schedule = schedule_build(terms)

    first, second = schedule.installments[:2]
    assert first.principal_minor == 0
    assert first.balance_minor == terms.principal_minor
    # 45 days at 19.9 % on 15,000 is 368.01; the payment pays what it can, the rest comes next time.
    carried = 36801 - first.payment_minor
    assert second.interest_minor == round(15_000_00 * Decimal("0.199") * 29 / 365) + carried
    assert schedule.installments[-1].balance_minor == 0


def test_a_regular_first_period_on_actual_365_uses_the_textbook_annuity_formula():
    schedule = schedule_build(car_loan(day_count=DayCount.ACTUAL_365))

    # 31 days from 1 January to 1 February is still one period: 304.15 as on 30/360.
    assert schedule.payment_minor == 30415
    assert schedule.installments[0].interest_minor == 10192  # 15,000.00 × 8 % × 31/365


def test_zero_apr_is_straight_line_with_no_interest():
    schedule = schedule_build(car_loan(principal_minor=1_200_000, apr=Decimal("0"), count=12))

    assert schedule.payment_minor == 100_000
    assert schedule.total_interest_minor == 0
    assert {i.payment_minor for i in schedule.installments} == {100_000}


def test_actual_365_charges_31_days_for_december_into_a_leap_january():
    schedule = schedule_build(
        car_loan(
            principal_minor=1_000_000,
            apr=Decimal("10"),
            count=3,
            start_date=date(2023, 12, 15),
            first_due_date=date(2024, 1, 15),
            day_count=DayCount.ACTUAL_365,
        )
    )

    # 10,000.00 × 10 % × 31/365 = 84.9315 → 84.93; then 29 days of a leap February over 365.
    assert [i.interest_minor for i in schedule.installments] == [8493, 5687, 2673]


def test_actual_actual_charges_leap_year_days_over_366():
    schedule = schedule_build(
        car_loan(
            principal_minor=1_000_000,
            apr=Decimal("10"),
            count=3,
            start_date=date(2023, 12, 15),
            first_due_date=date(2024, 1, 15),
            day_count=DayCount.ACTUAL_ACTUAL,
        )
    )

    # 10,000.00 × 10 % × (17/365 + 14/366) = 84.8267 → 84.83, less than actual/365 charges.
    assert [i.interest_minor for i in schedule.installments] == [8483, 5671, 2665]


def test_half_up_and_half_even_part_ways_on_an_exact_half_cent_of_interest():
    # 10,001.00 × 6 % / 12 = 50.005 exactly.
    half_up = schedule_build(car_loan(principal_minor=1_000_100, apr=Decimal("6"), count=12))
    half_even = schedule_build(
        car_loan(principal_minor=1_000_100, apr=Decimal("6"), count=12, rounding=Rounding.HALF_EVEN)
    )

    assert half_up.installments[0].interest_minor == 5001
    assert half_even.installments[0].interest_minor == 5000


def test_half_up_and_half_even_part_ways_on_an_exact_half_cent_of_payment():
    # 10.01 over two months at 0 % is 5.005 a month.
    half_up = schedule_build(car_loan(principal_minor=1001, apr=Decimal("0"), count=2))
    half_even = schedule_build(
        car_loan(principal_minor=1001, apr=Decimal("0"), count=2, rounding=Rounding.HALF_EVEN)
    )

    assert [i.payment_minor for i in half_up.installments] == [501, 500]
    assert [i.payment_minor for i in half_even.installments] == [500, 501]


def test_a_31st_first_due_date_falls_on_the_29th_in_a_leap_february_and_returns_to_the_31st():
    assert due_dates(date(2024, 1, 31), 4, Frequency.MONTHLY) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]


def test_a_31st_first_due_date_accrues_30_360_interest_over_a_short_february():
    schedule = schedule_build(
        car_loan(
            principal_minor=1_000_000,
            apr=Decimal("12"),
            count=3,
            start_date=date(2023, 12, 31),
            first_due_date=date(2024, 1, 31),
        )
    )

    # Bond basis: 31 Jan → 29 Feb is 29 days, 29 Feb → 31 Mar is 32 days.
    assert rows(schedule) == [
        (1, date(2024, 1, 31), 340022, 10000, 330022, 669978),
        (2, date(2024, 2, 29), 340022, 6476, 333546, 336432),
        (3, date(2024, 3, 31), 340021, 3589, 336432, 0),
    ]


def test_weekly_installments_fall_seven_days_apart_and_accrue_seven_days():
    schedule = schedule_build(
        car_loan(
            principal_minor=520_000,
            apr=Decimal("5.2"),
            count=4,
            start_date=date(2024, 1, 1),
            first_due_date=date(2024, 1, 8),
            frequency=Frequency.WEEKLY,
            day_count=DayCount.ACTUAL_365,
        )
    )

    # 5,200.00 × 5.2 % × 7/365 = 5.1858 → 5.19.
    assert [i.due_date for i in schedule.installments] == [
        date(2024, 1, 8),
        date(2024, 1, 15),
        date(2024, 1, 22),
        date(2024, 1, 29),
    ]
    assert schedule.installments[0].interest_minor == 519
    assert schedule.installments[-1].balance_minor == 0


def test_biweekly_installments_fall_fourteen_days_apart():
    schedule = schedule_build(
        car_loan(
            principal_minor=520_000,
            apr=Decimal("5.2"),
            count=4,
            start_date=date(2024, 1, 1),
            first_due_date=date(2024, 1, 15),
            frequency=Frequency.BIWEEKLY,
            day_count=DayCount.ACTUAL_365,
        )
    )

    assert [i.due_date for i in schedule.installments] == [
        date(2024, 1, 15),
        date(2024, 1, 29),
        date(2024, 2, 12),
        date(2024, 2, 26),
    ]
    assert schedule.installments[0].interest_minor == 1037  # 5,200.00 × 5.2 % × 14/365 = 10.3715
    assert schedule.installments[-1].balance_minor == 0


def test_frequencies_know_how_many_periods_make_a_year():
    assert [f.periods_per_year for f in Frequency] == [12, 26, 52]


def test_a_fixed_payment_replaces_the_computed_one_and_the_last_installment_settles_up():
    schedule = schedule_build(car_loan(payment_minor=30000))

    assert {i.payment_minor for i in schedule.installments[:-1]} == {30000}
    assert schedule.payment_minor == 30000
    assert schedule.installments[-1].balance_minor == 0
    assert schedule.final_payment_minor == 60462  # 4.15 short a month, with interest


def test_numbering_can_start_part_way_through_a_contract():
    schedule = schedule_build(car_loan(count=3), first_number=13)

    assert [i.number for i in schedule.installments] == [13, 14, 15]


def test_a_single_installment_repays_principal_and_interest_at_once():
    schedule = schedule_build(car_loan(count=1))

    assert rows(schedule) == [(1, date(2024, 2, 1), 1_510_000, 10000, 1_500_000, 0)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"principal_minor": 0}, "principal"),
        ({"principal_minor": -5}, "principal"),
        ({"principal_minor": True}, "principal"),
        ({"apr": Decimal("-0.01")}, "apr"),
        ({"apr": Decimal("100")}, "apr"),
        ({"apr": Decimal("NaN")}, "apr"),
        ({"apr": 8.0}, "apr"),
        ({"count": 0}, "term"),
        ({"count": 100_000}, "term"),
        ({"first_due_date": date(2024, 1, 1)}, "first_due"),
        ({"first_due_date": date(2023, 12, 1)}, "first_due"),
        ({"start_date": "2024-01-01"}, "start"),
        ({"balloon_minor": -1}, "balloon"),
        ({"balloon_minor": 1_500_000}, "balloon"),
        ({"payment_minor": 0}, "payment"),
        ({"frequency": "fortnightly"}, "frequency"),
        ({"day_count": "actual/360"}, "day_count"),
        ({"rounding": "bankers"}, "rounding"),
    ],
)
def test_terms_that_cannot_be_scheduled_are_refused_naming_the_field(changes, field):
    with pytest.raises(ScheduleError) as error:
        schedule_build(car_loan(**changes))

    assert error.value.field == field
    assert error.value.message.startswith(f"{field}: ")


def test_a_payment_below_the_interest_is_refused_rather_than_growing_the_balance():
    with pytest.raises(ScheduleError) as error:
        schedule_build(car_loan(payment_minor=9999))

    assert error.value.field == "payment"
    assert "100.00" in error.value.message


def test_a_payment_that_clears_the_loan_before_the_final_installment_is_refused():
    with pytest.raises(ScheduleError) as error:
        schedule_build(car_loan(payment_minor=1_000_000))

    assert error.value.field == "payment"


def test_a_high_rate_on_actual_365_carries_the_long_months_interest_and_still_pays_off():
    terms = car_loan(apr=Decimal("99"), count=60, day_count=DayCount.ACTUAL_365)

    schedule = schedule_build(terms)

    assert all(i.principal_minor >= 0 for i in schedule.installments)
    assert schedule.installments[-1].balance_minor == 0
    assert sum(i.principal_minor for i in schedule.installments) == terms.principal_minor


def test_due_dates_refuse_a_negative_count_naming_the_term():
    with pytest.raises(ScheduleError) as error:
        due_dates(date(2024, 1, 1), -1, Frequency.MONTHLY)

    assert error.value.field == "term"
