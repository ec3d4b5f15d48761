"""Invariants every schedule keeps, whatever the terms within a lender's usual range."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from recoup.kernel.money import Rounding
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.schedules import (
    Frequency,
    Schedule,
    ScheduleTerms,
    extension_terms,
    lease_schedule_build,
    reamortisation_terms,
    schedule_build,
    schedule_modify,
)

PERIOD_DAYS = {Frequency.MONTHLY: 31, Frequency.BIWEEKLY: 14, Frequency.WEEKLY: 7}


@st.composite
def loan_terms(draw) -> ScheduleTerms:
    principal = draw(st.integers(min_value=100_000, max_value=10_000_000))
    frequency = draw(st.sampled_from(Frequency))
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    return ScheduleTerms(
        principal_minor=principal,
        apr=draw(st.decimals(min_value=0, max_value=25, places=2)),
        count=draw(st.integers(min_value=1, max_value=72)),
        start_date=start,
        first_due_date=start
        + timedelta(days=draw(st.integers(min_value=1, max_value=PERIOD_DAYS[frequency]))),
        frequency=frequency,
        day_count=draw(st.sampled_from(DayCount)),
        rounding=draw(st.sampled_from(Rounding)),
        balloon_minor=draw(st.integers(min_value=0, max_value=principal // 2)),
    )


def assert_schedule_invariants(schedule: Schedule, *, opening_minor: int) -> None:
    installments = schedule.installments
    assert installments[-1].balance_minor == schedule.balloon_minor
    assert schedule.total_principal_minor == opening_minor - schedule.balloon_minor
    balances = [opening_minor, *(i.balance_minor for i in installments)]
    assert all(later <= earlier for earlier, later in pairwise(balances))
    for installment in installments:
        assert installment.payment_minor == installment.interest_minor + installment.principal_minor
        assert installment.interest_minor >= 0
        assert installment.principal_minor >= 0


@given(loan_terms())
def test_every_loan_schedule_ends_exactly_at_its_balloon(terms):
    schedule = schedule_build(terms)

    assert_schedule_invariants(schedule, opening_minor=terms.principal_minor)


@given(loan_terms())
def test_every_installment_but_the_last_is_the_regular_payment(terms):
    schedule = schedule_build(terms)

    assert {i.payment_minor for i in schedule.installments[:-1]} <= {schedule.payment_minor}


@given(loan_terms())
def test_due_dates_strictly_increase_from_the_first_due_date(terms):
    schedule = schedule_build(terms)

    dates = [i.due_date for i in schedule.installments]
    assert dates[0] == terms.first_due_date
    assert all(earlier < later for earlier, later in pairwise(dates))


@given(loan_terms(), st.data())
def test_a_modified_schedule_keeps_its_past_and_still_ends_at_the_balloon(terms, data):
    current = schedule_build(terms)
    from_number = data.draw(st.integers(min_value=1, max_value=len(current.installments)))
    extra = data.draw(st.integers(min_value=1, max_value=12))
    new_terms = data.draw(
        st.sampled_from(
            [
                extension_terms(current, terms, from_number=from_number, extra=extra),
                reamortisation_terms(current, terms, from_number=from_number, apr=terms.apr / 2),
            ]
        )
    )

    modified = schedule_modify(current, from_number=from_number, terms=new_terms)

    assert modified.installments[: from_number - 1] == current.installments[: from_number - 1]
    assert_schedule_invariants(modified, opening_minor=terms.principal_minor)


@settings(max_examples=50)
@given(
    cap=st.integers(min_value=500_000, max_value=10_000_000),
    residual_share=st.integers(min_value=0, max_value=80),
    money_factor=st.decimals(min_value=Decimal("0.00001"), max_value=Decimal("0.00416"), places=5),
    count=st.integers(min_value=1, max_value=60),
    rounding=st.sampled_from(Rounding),
)
def test_every_lease_schedule_ends_exactly_at_its_residual(
    cap, residual_share, money_factor, count, rounding
):
    residual = cap * residual_share // 100
    schedule = lease_schedule_build(
        capitalized_cost_minor=cap,
        residual_minor=residual,
        money_factor=money_factor,
        count=count,
        start_date=date(2024, 1, 1),
        first_due_date=date(2024, 1, 1),
        rounding=rounding,
    )

    assert_schedule_invariants(schedule, opening_minor=cap)
    assert {i.payment_minor for i in schedule.installments[:-1]} <= {schedule.payment_minor}
