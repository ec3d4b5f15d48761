"""Modifications re-build a schedule from an installment on, keeping the ones before it as they were."""

from datetime import date
from decimal import Decimal

import pytest

from recoup.portfolio.schedules import (
    ScheduleError,
    ScheduleTerms,
    deferral_terms,
    due_date_change_terms,
    extension_terms,
    reamortisation_terms,
    schedule_build,
    schedule_modify,
)

CAR_LOAN = ScheduleTerms(
    principal_minor=1_500_000,
    apr=Decimal("8"),
    count=60,
    start_date=date(2024, 1, 1),
    first_due_date=date(2024, 2, 1),
)
# After installment 12 (1 January 2025) the balance is 12,458.34.
BALANCE_AFTER_12 = 1_245_834


@pytest.fixture
def current():
    return schedule_build(CAR_LOAN)


def test_a_modification_keeps_the_installments_before_it_exactly(current):
    terms = reamortisation_terms(current, CAR_LOAN, from_number=13, apr=Decimal("4"))

    modified = schedule_modify(current, from_number=13, terms=terms)

    assert modified.installments[:12] == current.installments[:12]
    assert [i.number for i in modified.installments] == list(range(1, 61))


def test_the_new_segment_starts_from_the_balance_and_due_date_of_the_installment_before(current):
    terms = reamortisation_terms(current, CAR_LOAN, from_number=13)

    assert terms.principal_minor == BALANCE_AFTER_12
    assert terms.start_date == date(2025, 1, 1)
    assert terms.first_due_date == date(2025, 2, 1)
    assert terms.count == 48
    assert terms.payment_minor is None


def test_modifying_from_the_first_installment_starts_from_the_original_terms(current):
    terms = extension_terms(current, CAR_LOAN, from_number=1, extra=12)

    assert (terms.principal_minor, terms.start_date, terms.count) == (1_500_000, date(2024, 1, 1), 72)


def test_a_due_date_change_moves_the_rest_of_the_schedule_to_the_new_day(current):
    terms = due_date_change_terms(current, CAR_LOAN, from_number=13, new_first_due_date=date(2025, 2, 15))

    modified = schedule_modify(current, from_number=13, terms=terms)

    assert [i.due_date for i in modified.installments[12:15]] == [
        date(2025, 2, 15),
        date(2025, 3, 15),
        date(2025, 4, 15),
    ]
    # 12,458.34 × 8 % × 44/360 = 121.81 for the longer first gap.
    assert modified.installments[12].interest_minor == 12181
    assert modified.last_due_date == date(2029, 1, 15)
    assert (modified.payment_minor, modified.final_payment_minor) == (30508, 30529)
    assert modified.installments[-1].balance_minor == 0


def test_a_one_month_deferral_moves_every_later_installment_a_month_out(current):
    terms = deferral_terms(current, CAR_LOAN, from_number=13, periods=1)

    modified = schedule_modify(current, from_number=13, terms=terms)

    assert modified.installments[12].due_date == date(2025, 3, 1)
    assert modified.last_due_date == date(2029, 2, 1)
    assert len(modified.installments) == 60


def test_a_deferral_charges_interest_over_the_longer_gap_and_spreads_it_over_the_payments_left(current):
    terms = deferral_terms(current, CAR_LOAN, from_number=13, periods=1)

    modified = schedule_modify(current, from_number=13, terms=terms)

    # Two months of interest on 12,458.34 at 8 %; the payment rises from 304.15 to 306.16.
    assert modified.installments[12].interest_minor == 16611
    assert modified.payment_minor == 30616
    assert modified.final_payment_minor == 30609
    assert modified.installments[-1].balance_minor == 0


def test_a_deferral_keeps_a_month_end_schedule_on_the_31st():
    terms = ScheduleTerms(1_000_000, Decimal("12"), 6, date(2023, 12, 31), date(2024, 1, 31))
    current = schedule_build(terms)

    moved = deferral_terms(current, terms, from_number=2, periods=1)

    assert moved.first_due_date == date(2024, 3, 31)


def test_a_long_deferral_carries_the_interest_the_payment_cannot_cover_to_the_next_installment(current):
    terms = deferral_terms(current, CAR_LOAN, from_number=13, periods=3)

    deferred = schedule_modify(current, from_number=13, terms=terms)

    first = deferred.installments[12]
    assert first.principal_minor == 0
    assert first.interest_minor == first.payment_minor
    assert deferred.installments[-1].balance_minor == 0
    assert sum(i.principal_minor for i in deferred.installments) == CAR_LOAN.principal_minor


def test_an_extension_lowers_the_payment_and_adds_installments(current):
    terms = extension_terms(current, CAR_LOAN, from_number=13, extra=12)

    modified = schedule_modify(current, from_number=13, terms=terms)

    assert len(modified.installments) == 72
    assert modified.payment_minor == 25261
    assert modified.last_due_date == date(2030, 1, 1)
    assert modified.installments[-1].balance_minor == 0


def test_a_reamortisation_at_a_lower_rate_lowers_the_payment_over_the_same_term(current):
    terms = reamortisation_terms(current, CAR_LOAN, from_number=13, apr=Decimal("4"))

    modified = schedule_modify(current, from_number=13, terms=terms)

    assert modified.payment_minor == 28130
    assert modified.installments[12].interest_minor == 4153
    assert modified.last_due_date == date(2029, 1, 1)


def test_a_reamortisation_can_set_a_new_term_and_first_due_date(current):
    terms = reamortisation_terms(
        current, CAR_LOAN, from_number=13, count=24, first_due_date=date(2025, 2, 10)
    )

    modified = schedule_modify(current, from_number=13, terms=terms)

    assert len(modified.installments) == 36
    assert modified.last_due_date == date(2027, 1, 10)


def test_a_modification_of_a_pcp_agreement_still_ends_at_the_balloon():
    pcp = ScheduleTerms(
        2_000_000, Decimal("6.9"), 48, date(2024, 1, 15), date(2024, 2, 15), balloon_minor=800_000
    )
    current = schedule_build(pcp)
    terms = extension_terms(current, pcp, from_number=20, extra=6)

    modified = schedule_modify(current, from_number=20, terms=terms)

    assert modified.balloon_minor == 800_000
    assert modified.installments[-1].balance_minor == 800_000


@pytest.mark.parametrize("from_number", [0, 61, -1])
def test_an_installment_outside_the_schedule_is_refused_naming_from_installment(current, from_number):
    helpers = [
        lambda: due_date_change_terms(
            current, CAR_LOAN, from_number=from_number, new_first_due_date=date(2026, 1, 1)
        ),
        lambda: deferral_terms(current, CAR_LOAN, from_number=from_number, periods=1),
        lambda: extension_terms(current, CAR_LOAN, from_number=from_number, extra=1),
        lambda: reamortisation_terms(current, CAR_LOAN, from_number=from_number),
        lambda: schedule_modify(current, from_number=from_number, terms=CAR_LOAN),
    ]

    for helper in helpers:
        with pytest.raises(ScheduleError) as error:
            helper()
        assert error.value.field == "from_installment"


def test_a_deferral_of_no_periods_is_refused_naming_periods(current):
    with pytest.raises(ScheduleError) as error:
        deferral_terms(current, CAR_LOAN, from_number=13, periods=0)

    assert error.value.field == "periods"


def test_an_extension_of_no_installments_is_refused_naming_extra(current):
    with pytest.raises(ScheduleError) as error:
        extension_terms(current, CAR_LOAN, from_number=13, extra=0)

    assert error.value.field == "extra"


def test_a_new_due_date_before_the_last_kept_installment_is_refused_naming_first_due(current):
    terms = due_date_change_terms(current, CAR_LOAN, from_number=13, new_first_due_date=date(2024, 12, 20))

    with pytest.raises(ScheduleError) as error:
        schedule_modify(current, from_number=13, terms=terms)

    assert error.value.field == "first_due"
