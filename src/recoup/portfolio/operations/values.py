"""Reading amounts and rates a person typed, refusing with the field named."""

from __future__ import annotations

from decimal import Decimal

from recoup.kernel.money import Money
from recoup.kernel.numbers import InvalidNumber, rate_parse
from recoup.portfolio.errors import InvalidApplication


def _refuse(field_name: str, message: str) -> InvalidApplication:
    return InvalidApplication(f"{field_name}: {message}", field=field_name)


def _money(value: str | Decimal, currency: str, field_name: str) -> Money:
    if isinstance(value, float):
        raise _refuse(field_name, "floats are not accepted for money")
    return Money.parse(str(value), currency, field=field_name)


def _rate(value: str | Decimal, field_name: str) -> Decimal:
    if isinstance(value, float):
        raise _refuse(field_name, "floats are not accepted for rates")
    try:
        return rate_parse(value, field=field_name)
    except InvalidNumber:
        raise _refuse(field_name, f"{value!r} is not a number") from None
