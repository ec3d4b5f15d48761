from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from recoup.kernel.errors import DomainError
from recoup.portfolio.daycount import DayCount, year_fraction, year_fraction_exact


def test_thirty_360_counts_every_month_as_thirty_days():
    assert year_fraction_exact(date(2024, 1, 1), date(2024, 2, 1), DayCount.THIRTY_360) == Fraction(1, 12)
    assert year_fraction_exact(date(2024, 2, 1), date(2024, 3, 1), DayCount.THIRTY_360) == Fraction(1, 12)


def test_thirty_360_over_a_quarter_is_exactly_a_quarter_of_a_year():
    assert year_fraction(date(2024, 1, 15), date(2024, 4, 15), DayCount.THIRTY_360) == Decimal("0.25")


def test_thirty_360_bond_basis_treats_a_31st_after_a_30th_as_the_30th():
    assert year_fraction_exact(date(2024, 1, 30), date(2024, 3, 31), DayCount.THIRTY_360) == Fraction(60, 360)
    assert year_fraction_exact(date(2024, 1, 31), date(2024, 3, 31), DayCount.THIRTY_360) == Fraction(60, 360)


def test_thirty_360_bond_basis_keeps_a_31st_after_an_earlier_day():
    assert year_fraction_exact(date(2024, 2, 29), date(2024, 3, 31), DayCount.THIRTY_360) == Fraction(32, 360)


def test_actual_365_divides_a_leap_february_by_365():
    assert year_fraction_exact(date(2024, 2, 1), date(2024, 3, 1), DayCount.ACTUAL_365) == Fraction(29, 365)


def test_actual_365_over_a_leap_year_is_more_than_one_year():
    assert year_fraction_exact(date(2024, 1, 1), date(2025, 1, 1), DayCount.ACTUAL_365) == Fraction(366, 365)


def test_actual_actual_splits_days_between_an_ordinary_and_a_leap_year():
    fraction = year_fraction_exact(date(2023, 12, 15), date(2024, 1, 15), DayCount.ACTUAL_ACTUAL)

    assert fraction == Fraction(17, 365) + Fraction(14, 366)


def test_actual_actual_over_a_whole_leap_year_is_one_year():
    assert year_fraction(date(2024, 1, 1), date(2025, 1, 1), DayCount.ACTUAL_ACTUAL) == 1


def test_year_fraction_is_a_decimal_close_to_the_exact_fraction():
    value = year_fraction(date(2024, 1, 1), date(2024, 1, 2), DayCount.ACTUAL_365)

    assert isinstance(value, Decimal)
    assert abs(Fraction(value) - Fraction(1, 365)) < Fraction(1, 10**45)


def test_the_same_day_is_no_time_at_all():
    for day_count in DayCount:
        assert year_fraction(date(2024, 2, 29), date(2024, 2, 29), day_count) == 0


def test_an_end_before_the_start_is_refused_naming_the_end():
    with pytest.raises(DomainError) as error:
        year_fraction(date(2024, 2, 1), date(2024, 1, 1), DayCount.ACTUAL_365)

    assert error.value.field == "end"


@pytest.mark.parametrize(
    ("text", "expected"), [("30/360", DayCount.THIRTY_360), (" Actual/365 ", DayCount.ACTUAL_365)]
)
def test_parse_reads_the_names_people_type(text, expected):
    assert DayCount.parse(text) is expected


def test_parse_refuses_an_unknown_day_count_naming_the_field():
    with pytest.raises(DomainError) as error:
        DayCount.parse("actual/360", field="product.day_count")

    assert error.value.field == "product.day_count"
    assert "actual/360" in error.value.message
