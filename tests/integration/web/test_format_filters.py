from datetime import UTC, date, datetime
from decimal import Decimal

from recoup.kernel.money import Money
from recoup.web.templatetags.recoup_format import (
    amount,
    credit,
    day,
    debit,
    label,
    moment,
    money,
    number,
    phone,
    rate,
    slug,
)


def test_dollars_read_the_american_way():
    assert money(Money(123450, "USD"), "en_US") == "$1,234.50"


def test_pounds_read_the_british_way():
    assert money(Money(123450, "GBP"), "en_GB") == "£1,234.50"


def test_money_without_a_locale_takes_the_one_its_currency_implies():
    assert money(Money(5, "GBP")) == "£0.05"


def test_money_is_exact_beyond_what_a_float_could_hold():
    assert money(Money(1234567890123456789, "USD"), "en_US") == "$12,345,678,901,234,567.89"


def test_negative_money_keeps_its_sign():
    assert money(Money(-100, "USD"), "en_US") == "-$1.00"


def test_missing_money_and_dates_show_a_dash():
    assert money(None, "en_US") == "—"
    assert day(None, "en_GB") == "—"


def test_dates_read_month_first_in_the_us_and_day_first_in_the_uk():
    assert day(date(2024, 2, 1), "en_US") == "Feb 1, 2024"
    assert day(date(2024, 2, 1), "en_GB") == "1 Feb 2024"


def test_a_leap_day_formats_in_both_locales():
    assert day(date(2024, 2, 29), "en_US") == "Feb 29, 2024"
    assert day(date(2024, 2, 29), "en_GB") == "29 Feb 2024"


def test_a_moment_names_its_time_zone():
    text = moment(datetime(2024, 3, 31, 23, 59, tzinfo=UTC), "en_GB")

    assert text == "31 Mar 2024 23:59 UTC"


def test_rates_are_percentages_with_at_least_two_decimals():
    assert rate(Decimal("7.9000"), "en_US") == "7.90%"
    assert rate(Decimal("12.345"), "en_US") == "12.345%"


def test_readings_group_thousands():
    assert number(123456, "en_GB") == "123,456"


def test_codes_read_as_words_and_as_css_classes():
    assert label("charged_off") == "Charged off"
    assert slug("Paid off") == "paid-off"


def test_labels_keep_the_hyphens_of_words_already_written_out():
    assert label("Co-borrower") == "Co-borrower"


def test_a_signed_amount_splits_into_debit_and_credit_sides():
    assert debit(Money(500, "USD")) == Money(500, "USD")
    assert credit(Money(500, "USD")) is None
    assert credit(Money(-500, "USD")) == Money(500, "USD")
    assert debit(Money(-500, "USD")) is None


def test_phones_read_nationally_at_home_and_internationally_abroad():
    assert phone("+447911123456", "GB") == "07911 123456"
    assert phone("+447911123456", "US") == "+44 7911 123456"


def test_plain_amounts_read_in_their_own_currency():
    assert amount("304.15", "USD") == "$304.15"
    assert amount("1234.5", "GBP") == "£1,234.50"
    assert amount(None, "USD") == "—"


def test_iso_dates_as_plain_data_carries_them_read_like_dates():
    assert day("2024-02-29", "en_GB") == "29 Feb 2024"
    assert day("2024-02-29", "en_US") == day(date(2024, 2, 29), "en_US")
