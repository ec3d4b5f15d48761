"""What every statement parser needs: exact amounts, dates and text, each refusing the file with the
place at fault rather than letting a raw ValueError escape."""

from __future__ import annotations

import re
from datetime import date, datetime

from recoup.kernel.money import CURRENCY_EXPONENTS, Money, MoneyError
from recoup.payments.statements.parsed import StatementFileRefused

# A plain decimal amount: digits, one optional decimal point, an optional sign. Thousands
# separators, exponents and spaces are not amounts in any bank format read here.
_DECIMAL = re.compile(r"^[+-]?\d{1,15}(\.\d*)?$")
# An ACH return reason (R01-R99) or a BACS ARUDD reason code quoted in a returned item's text.
_RETURN_REASON = re.compile(r"\b(R\d{2})\b|\bARUDD(?: REASON)?[ :]+([0-9A-Z])\b")


def decode_text(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark dropped), else Latin-1, which older bank
    systems still send and which never fails to decode."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def currency_known(code: str, *, file: str, location: str) -> str:
    """The currency code if Recoup books in it, else the file is refused naming where it was read."""
    if code not in CURRENCY_EXPONENTS:
        raise StatementFileRefused(
            f"currency {code!r} is not one Recoup books in", file=file, location=location
        )
    return code


def decimal_minor(
    text: str,
    currency: str,
    *,
    file: str,
    location: str,
    decimal_separator: str = ".",
    thousands_separator: str = "",
    signed: bool = False,
) -> int:
    """Integer minor units from a decimal amount as the bank wrote it ("1234.56", "1234,56" with a
    comma separator), exactly: more decimals than the currency has is an error, never rounded."""
    cleaned = text.strip()
    if thousands_separator:
        cleaned = cleaned.replace(thousands_separator, "")
    if decimal_separator != ".":
        if "." in cleaned:
            raise StatementFileRefused(f"{text!r} is not an amount", file=file, location=location)
        cleaned = cleaned.replace(decimal_separator, ".", 1)
    if cleaned.endswith("."):
        cleaned += "0"
    if not _DECIMAL.match(cleaned) or (not signed and cleaned[0] in "+-"):
        raise StatementFileRefused(f"{text!r} is not an amount", file=file, location=location)
    try:
        return Money.parse(cleaned.lstrip("+"), currency_known(currency, file=file, location=location)).minor
    except MoneyError as error:
        raise StatementFileRefused(
            f"{text!r} is not an amount in {currency}: {error.message}", file=file, location=location
        ) from None


def date_from(text: str, pattern: str, *, file: str, location: str) -> date:
    """A calendar date read with a strptime pattern; a date that does not exist is refused."""
    try:
        return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 (a date, no time zone)
    except ValueError:
        raise StatementFileRefused(
            f"{text!r} is not a date ({pattern})", file=file, location=location
        ) from None


def return_code_in(text: str) -> str:
    """The return reason a returned item's free text quotes ("ACH RETURN R01 …", "ARUDD 0 …"), or ""."""
    found = _RETURN_REASON.search(text)
    if not found:
        return ""
    return found.group(1) or found.group(2)
