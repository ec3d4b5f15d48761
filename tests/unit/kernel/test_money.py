from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.kernel.money import CurrencyMismatch, InvalidAmount, Money, Rounding, UnknownCurrency


def test_adding_dollars_to_pounds_raises_currency_mismatch():
    with pytest.raises(CurrencyMismatch):
        Money(30415, "USD") + Money(100, "GBP")


def test_allocating_one_dollar_three_ways_loses_nothing():
    shares = Money(100, "USD").allocate([1, 1, 1])

    assert [s.minor for s in shares] == [34, 33, 33]


def test_unknown_currency_is_refused_naming_the_field():
    with pytest.raises(UnknownCurrency) as error:
        Money(1, "XYZ")

    assert error.value.field == "currency"


def test_from_decimal_names_its_rounding_mode():
    assert Money.from_decimal(Decimal("0.125"), "USD", rounding=Rounding.HALF_UP).minor == 13
    assert Money.from_decimal(Decimal("0.125"), "USD", rounding=Rounding.HALF_EVEN).minor == 12


def test_floats_never_become_money():
    with pytest.raises(InvalidAmount):
        Money.from_decimal(0.1, "USD", rounding=Rounding.HALF_UP)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        Money(1.5, "USD")  # type: ignore[arg-type]


def test_parsing_refuses_more_decimals_than_the_currency_has():
    assert Money.parse("1,234.50", "GBP").minor == 123450
    with pytest.raises(InvalidAmount) as error:
        Money.parse("1.234", "GBP", field="deposit")

    assert error.value.field == "deposit"


@given(st.integers(-(10**12), 10**12), st.lists(st.integers(0, 1000), min_size=1, max_size=12))
def test_allocation_always_sums_to_the_whole(minor, ratios):
    if sum(ratios) == 0:
        ratios = [*ratios[:-1], 1]

    shares = Money(minor, "USD").allocate(ratios)

    assert sum(s.minor for s in shares) == minor


@pytest.mark.parametrize(
    "text", ["1e999999", "1e9999", "1,5", "12,34.00", "1234567890123456", "NaN", "", " ", "--1"]
)
def test_parsing_refuses_text_that_is_not_a_plain_amount(text):
    with pytest.raises(InvalidAmount) as error:
        Money.parse(text, "USD", field="cash_price")

    assert error.value.field == "cash_price"


def test_parsing_reads_thousands_separators_in_threes():
    assert Money.parse("1,234,567.89", "USD").minor == 123456789
