"""How merge fields read in a letter: money and dates in the customer's locale. Pure: no Django."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_currency

from recoup.kernel.money import Money

# The locale letters are written in, by the contract's country.
LOCALES = {"US": "en_US", "GB": "en_GB"}
# A letter's paper, by the contract's country: US Letter in the US, A4 in the UK.
PAGE_SIZES = {"US": "letter", "GB": "A4"}


def locale_of(country: str) -> str:
    return LOCALES.get(country, "en_US")


def money_text(value: Money, *, locale: str) -> str:
    """ "$1,234.50" in en_US, "£1,234.50" in en_GB; exact, from the Decimal of the minor units."""
    return format_currency(value.amount, value.currency, locale=locale)


def date_text(value: date | None, *, locale: str) -> str:
    """ "March 1, 2024" in en_US, "1 March 2024" in en_GB; empty for no date."""
    if value is None:
        return ""
    return format_date(value, format="long", locale=locale)
