"""Exact money: integer minor units and an ISO 4217 currency.

No float ever touches money. Converting from a decimal amount names its rounding mode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from recoup.kernel.errors import DomainError

# Minor-unit exponents of the currencies a lender may book in (ISO 4217).
CURRENCY_EXPONENTS: dict[str, int] = {"USD": 2, "GBP": 2, "EUR": 2, "CAD": 2}


class MoneyError(DomainError, ValueError):
    """Base for money errors; `field` names the input at fault, when known."""


class UnknownCurrency(MoneyError):
    pass


class CurrencyMismatch(MoneyError):
    pass


class InvalidAmount(MoneyError):
    pass


# Digits with optional thousands separators in threes, an optional sign and decimals; at most
# 15 digits before the point, so no amount overflows a 64-bit count of minor units.
_AMOUNT_TEXT = re.compile(r"^-?(\d{1,15}|\d{1,3}(,\d{3}){1,4})(\.\d+)?$")


class Rounding(StrEnum):
    HALF_UP = "half-up"
    HALF_EVEN = "half-even"

    @property
    def decimal_mode(self) -> str:
        return ROUND_HALF_UP if self is Rounding.HALF_UP else ROUND_HALF_EVEN


def currency_check(code: str, *, field: str = "currency") -> str:
    """Return the currency code if Recoup books in it, else raise UnknownCurrency."""
    if code not in CURRENCY_EXPONENTS:
        raise UnknownCurrency(f"{field}: unknown currency {code!r}", field=field)
    return code


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise InvalidAmount(f"minor units must be an integer, not {type(self.minor).__name__}")
        currency_check(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_decimal(
        cls, amount: Decimal | str | int, currency: str, *, rounding: Rounding, field: str = "amount"
    ) -> Money:
        """Money from a decimal amount in major units, e.g. Decimal("304.15"), rounding as named."""
        if isinstance(amount, float):
            raise InvalidAmount(f"{field}: floats are not accepted for money", field=field)
        try:
            value = Decimal(amount)
        except (ArithmeticError, ValueError):
            raise InvalidAmount(f"{field}: {amount!r} is not a number", field=field) from None
        if not value.is_finite() or abs(value) >= Decimal(10) ** 15:
            raise InvalidAmount(f"{field}: {amount!r} is not a finite amount of a sensible size", field=field)
        exponent = CURRENCY_EXPONENTS[currency_check(currency)]
        minor = (value.scaleb(exponent)).quantize(Decimal(1), rounding=rounding.decimal_mode)
        return cls(int(minor), currency)

    @classmethod
    def parse(cls, text: str, currency: str, *, field: str = "amount") -> Money:
        """Money from text a person typed: "1234.50", "1,234.50" or "-25". More decimals than the
        currency has, exponents, misplaced thousands separators and absurd sizes are errors."""
        exponent = CURRENCY_EXPONENTS[currency_check(currency)]
        cleaned = str(text).strip()
        if not _AMOUNT_TEXT.match(cleaned):
            raise InvalidAmount(f"{field}: {text!r} is not an amount", field=field)
        value = Decimal(cleaned.replace(",", ""))
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise InvalidAmount(f"{field}: {text!r} has more than {exponent} decimal places", field=field)
        return cls(int(scaled), currency)

    @property
    def amount(self) -> Decimal:
        """The amount in major units as an exact Decimal."""
        return Decimal(self.minor).scaleb(-CURRENCY_EXPONENTS[self.currency])

    def __str__(self) -> str:
        exponent = CURRENCY_EXPONENTS[self.currency]
        return f"{self.amount:.{exponent}f}"

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.minor >= other.minor

    def is_zero(self) -> bool:
        return self.minor == 0

    def is_positive(self) -> bool:
        return self.minor > 0

    def allocate(self, ratios: Sequence[int]) -> list[Money]:
        """Split by whole-number ratios, handing leftover minor units to the first shares.

        Money(100, "USD").allocate([1, 1, 1]) gives 34, 33, 33: nothing is lost to rounding.
        """
        if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
            raise InvalidAmount("ratios must be non-negative whole numbers with a positive sum")
        total = sum(ratios)
        sign = -1 if self.minor < 0 else 1
        magnitude = abs(self.minor)
        shares = [magnitude * r // total for r in ratios]
        leftover = magnitude - sum(shares)
        for i in range(leftover):
            shares[i % len(shares)] += 1
        return [Money(sign * s, self.currency) for s in shares]


def money_sum(amounts: Sequence[Money], currency: str) -> Money:
    """Sum of amounts that must all be in `currency` (an empty sum is zero)."""
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total
