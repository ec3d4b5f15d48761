"""Card numbers as a card processor reads them: the Luhn check, the brand by its issuer
identification number (IIN), and finding a card number written into some text.

Recoup keeps no card number (PAN) or security code anywhere. Only the provider's sandbox reads a
number, to tokenize it; everything else uses `pan_runs` to make sure none slipped into a reference,
a note, a table or a log. Pure: no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recoup.kernel.numbers import luhn_valid

MIN_PAN_DIGITS = 13
MAX_PAN_DIGITS = 19

# A run of digits, possibly written in groups separated by one space or dash ("4242 4242 4242 4242").
_RUN = re.compile(r"\d(?:[ -]?\d){12,}")
# The same run touching no letter or digit on either side.
_WORD_RUN = re.compile(r"(?<![0-9A-Za-z])\d(?:[ -]?\d){12,}(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Brand:
    code: str  # "visa", "mastercard", "amex", "discover"
    name: str
    lengths: tuple[int, ...]
    cvc_length: int


VISA = Brand("visa", "Visa", (13, 16, 19), 3)
MASTERCARD = Brand("mastercard", "Mastercard", (16,), 3)
AMEX = Brand("amex", "American Express", (15,), 4)
DISCOVER = Brand("discover", "Discover", (16, 17, 18, 19), 3)
BRANDS = {brand.code: brand for brand in (VISA, MASTERCARD, AMEX, DISCOVER)}

# IIN ranges as (first, last, prefix length, brand): Visa 4; Mastercard 51–55 and 2221–2720;
# American Express 34 and 37; Discover 6011, 622126–622925 (China UnionPay co-branded), 644–649, 65.
_RANGES: tuple[tuple[int, int, int, Brand], ...] = (
    (4, 4, 1, VISA),
    (51, 55, 2, MASTERCARD),
    (2221, 2720, 4, MASTERCARD),
    (34, 34, 2, AMEX),
    (37, 37, 2, AMEX),
    (6011, 6011, 4, DISCOVER),
    (622126, 622925, 6, DISCOVER),
    (644, 649, 3, DISCOVER),
    (65, 65, 2, DISCOVER),
)


def brand_of(digits: str) -> Brand | None:
    """The brand whose IIN range the number falls in, or None for a brand not taken."""
    for first, last, length, brand in _RANGES:
        if len(digits) >= length and first <= int(digits[:length]) <= last:
            return brand
    return None


def last_four(digits: str) -> str:
    return digits[-4:]


@dataclass(frozen=True)
class PanRun:
    start: int
    end: int
    digits: str


def pan_runs(text: str, *, glued: bool = False) -> list[PanRun]:
    """Every stretch of `text` that reads as a card number: 13 to 19 digits passing the Luhn check,
    written in one run or in groups split by single spaces or dashes ("4242 4242 4242 4242").

    Groups are tried in every consecutive stretch, so a number with other digits written beside it
    ("… 4242 10 dollars") is still found, and a run of more than 19 digits is looked into for any
    13–19 digit window. Digits glued to letters ("s139630057737088_x1", a savepoint's name; a hash)
    belong to an identifier and are passed over, unless `glued`: for text a person typed, where
    "ref4111111111111111" is a card number all the same.
    """
    found: list[PanRun] = []
    for match in (_RUN if glued else _WORD_RUN).finditer(text):
        hit = _pan_in(re.split(r"[ -]", match.group()))
        if hit is not None:
            found.append(PanRun(match.start(), match.end(), hit))
    return found


def _pan_in(groups: list[str]) -> str | None:
    for first in range(len(groups)):
        for last in range(first + 1, len(groups) + 1):
            digits = "".join(groups[first:last])
            if len(digits) > MAX_PAN_DIGITS:
                if last == first + 1:
                    window = _luhn_window(digits)
                    if window is not None:
                        return window
                break
            if len(digits) >= MIN_PAN_DIGITS and luhn_valid(digits):
                return digits
    return None


def _luhn_window(digits: str) -> str | None:
    for size in range(MAX_PAN_DIGITS, MIN_PAN_DIGITS - 1, -1):
        for start in range(0, len(digits) - size + 1):
            window = digits[start : start + size]
            if luhn_valid(window):
                return window
    return None
