"""Worked examples of US closed-end lease schedules."""

from datetime import date
from decimal import Decimal

import pytest

from recoup.kernel.money import Rounding
from recoup.portfolio.schedules import Frequency, ScheduleError, lease_schedule_build


def lease(**changes):
    """30,000.00 capitalised, 18,000.00 residual, money factor 0.00125 (3 % APR), 36 months in advance."""
    terms = {
        "capitalized_cost_minor": 3_000_000,
        "residual_minor": 1_800_000,
        "money_factor": Decimal("0.00125"),
        "count": 36,
        "start_date": date(2024, 1, 1),
        "first_due_date": date(2024, 1, 1),
    }
    return lease_schedule_build(**{**terms, **changes})


def test_base_payment_is_depreciation_plus_rent_charge():
    schedule = lease()

    # 12,000.00 / 36 = 333.33 depreciation; 48,000.00 × 0.00125 = 60.00 rent charge.
    assert schedule.payment_minor == 39333
    first = schedule.installments[0]
    assert (first.interest_minor, first.principal_minor, first.balance_minor) == (6000, 33333, 2_966_667)


def test_final_lease_payment_absorbs_the_depreciation_rounding():
    schedule = lease()

    last = schedule.installments[-1]
    assert (last.number, last.due_date, last.payment_minor, last.principal_minor) == (
        36,
        date(2026, 12, 1),
        39345,
        33345,
    )


def test_lease_balance_runs_down_from_the_capitalised_cost_to_the_residual():
    schedule = lease()

    assert schedule.installments[-1].balance_minor == 1_800_000
    assert schedule.balloon_minor == 1_800_000
    assert schedule.total_principal_minor == 1_200_000
    assert schedule.total_interest_minor == 36 * 6000


def test_every_lease_installment_but_the_last_is_the_base_payment():
    schedule = lease()

    assert {i.payment_minor for i in schedule.installments[:-1]} == {39333}


def test_a_lease_paid_a_month_after_signing_is_accepted():
    schedule = lease(first_due_date=date(2024, 2, 1))

    assert schedule.installments[0].due_date == date(2024, 2, 1)


def test_a_fortnightly_lease_charges_the_monthly_money_factor_pro_rata():
    schedule = lease(frequency=Frequency.BIWEEKLY, count=78)

    # 60.00 a month × 12 / 26 = 27.69 a fortnight.
    assert schedule.installments[0].interest_minor == 2769


def test_lease_rounding_mode_applies_to_depreciation():
    # 10.01 of depreciation over two months is 5.005 a month.
    up = lease(capitalized_cost_minor=1_801_001, count=2)
    even = lease(capitalized_cost_minor=1_801_001, count=2, rounding=Rounding.HALF_EVEN)

    assert up.installments[0].principal_minor == 501
    assert even.installments[0].principal_minor == 500


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capitalized_cost_minor": 0}, "principal"),
        ({"residual_minor": 3_000_000}, "residual"),
        ({"residual_minor": 3_500_000}, "residual"),
        ({"residual_minor": -1}, "residual"),
        ({"money_factor": Decimal("0")}, "money_factor"),
        ({"money_factor": Decimal("0.01")}, "money_factor"),
        ({"money_factor": Decimal("-0.001")}, "money_factor"),
        ({"money_factor": 0.00125}, "money_factor"),
        ({"count": 0}, "term"),
        ({"first_due_date": date(2023, 12, 31)}, "first_due"),
        ({"frequency": "quarterly"}, "frequency"),
        ({"rounding": "down"}, "rounding"),
    ],
)
def test_lease_terms_that_cannot_be_scheduled_are_refused_naming_the_field(changes, field):
    with pytest.raises(ScheduleError) as error:
        lease(**changes)

    assert error.value.field == field
