from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.access.limits import Authority, Limit, reduction_percent

AGENT = Authority(
    currency="USD",
    arrangement_months=6,
    payment_reduction_percent=Decimal("25"),
    credit_minor=10_000,
    settlement_discount_percent=Decimal("10"),
    write_off_minor=0,
)


def test_a_credit_up_to_the_limit_is_within_authority() -> None:
    assert AGENT.allows(Limit.CREDIT, 10_000)


def test_a_credit_one_cent_over_the_limit_is_not() -> None:
    assert not AGENT.allows(Limit.CREDIT, 10_001)


def test_no_write_off_authority_means_even_one_cent_needs_approval() -> None:
    assert not AGENT.allows(Limit.WRITE_OFF, 1)


def test_exceeded_lists_each_limit_gone_beyond() -> None:
    asks: dict[Limit, int | Decimal] = {
        Limit.ARRANGEMENT_MONTHS: 12,
        Limit.PAYMENT_REDUCTION_PERCENT: Decimal("20"),
        Limit.CREDIT: 20_000,
    }

    assert AGENT.exceeded(asks) == [Limit.ARRANGEMENT_MONTHS, Limit.CREDIT]


def test_a_negative_ask_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="credit_minor"):
        AGENT.allows(Limit.CREDIT, -1)


def test_halving_a_payment_is_a_fifty_percent_reduction() -> None:
    assert reduction_percent(scheduled_minor=30_000, proposed_minor=15_000) == Decimal("50.00")


def test_a_reduction_is_rounded_up_so_it_never_looks_within_a_limit_it_is_over() -> None:
    # 1/3 of the payment: 33.333…% shows as 33.34%, not 33.33%.
    assert reduction_percent(scheduled_minor=30_000, proposed_minor=20_000) == Decimal("33.34")


def test_paying_more_than_scheduled_is_no_reduction() -> None:
    assert reduction_percent(scheduled_minor=30_000, proposed_minor=40_000) == Decimal(0)


@given(st.integers(1, 10**9), st.integers(0, 10**9))
def test_a_reduction_is_between_nothing_and_all(scheduled: int, proposed: int) -> None:
    percent = reduction_percent(scheduled_minor=scheduled, proposed_minor=proposed)

    assert Decimal(0) <= percent <= Decimal(100)
    assert percent * scheduled / 100 >= scheduled - min(proposed, scheduled)
