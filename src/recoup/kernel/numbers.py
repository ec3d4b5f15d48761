"""Reading rates and other decimals a person typed, and the Luhn check digit. Pure: no Django."""

from __future__ import annotations

import re
from decimal import Decimal

from recoup.kernel.errors import DomainError

# A plain decimal: optional sign, at most 6 digits before the point and 10 after; no exponents.
_RATE_TEXT = re.compile(r"^-?\d{1,6}(\.\d{1,10})?$|^-?\.\d{1,10}$")


class InvalidNumber(DomainError, ValueError):
    pass


def rate_parse(text: str | Decimal | int, *, field: str) -> Decimal:
    """A rate such as "8", "7.9" or "0.00125" (a trailing % is allowed); refuses floats and exponents."""
    if isinstance(text, float):
        raise InvalidNumber(f"{field}: floats are not accepted for rates", field=field)
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        text = format(Decimal(text), "f") if Decimal(text).is_finite() else str(text)
    cleaned = str(text).strip().removesuffix("%").strip()
    if not _RATE_TEXT.match(cleaned):
        raise InvalidNumber(f"{field}: {text!r} is not a number", field=field)
    return Decimal(cleaned)


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, its two digits added


def luhn_digit(digits: str) -> str:
    """The Luhn (mod 10) check digit to append to a string of digits (ISO/IEC 7812-1, annex B)."""
    # From the right: every other digit, starting with the last, is doubled (its digits summed).
    total = sum(_DOUBLED[int(char)] for char in digits[::-1][::2]) + sum(
        int(char) for char in digits[::-1][1::2]
    )
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits ends in its Luhn check digit (account numbers, card numbers)."""
    return len(digits) > 1 and digits.isdigit() and luhn_digit(digits[:-1]) == digits[-1]
