"""Money and dates as letters print them, in the customer's country."""

from datetime import date

from recoup.comms.formats import date_text, locale_of, money_text
from recoup.kernel.money import Money


def test_dollars_print_with_the_dollar_sign_and_thousands_separators():
    assert money_text(Money(123450, "USD"), locale="en_US") == "$1,234.50"


def test_pounds_print_with_the_pound_sign():
    assert money_text(Money(123450, "GBP"), locale="en_GB") == "£1,234.50"


def test_a_penny_and_a_negative_amount_keep_their_exact_minor_units():
    assert money_text(Money(1, "GBP"), locale="en_GB") == "£0.01"
    assert money_text(Money(-2500, "USD"), locale="en_US") == "-$25.00"


def test_dates_read_month_first_in_the_us_and_day_first_in_the_uk():
    assert date_text(date(2024, 2, 29), locale=locale_of("US")) == "February 29, 2024"
    assert date_text(date(2024, 2, 29), locale=locale_of("GB")) == "29 February 2024"
    assert date_text(None, locale="en_GB") == ""
