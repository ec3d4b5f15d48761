"""Card payment providers: what a card processor offers Recoup, and a sandbox that behaves like one.

A provider tokenizes a card (in the browser, through its own endpoint, so the number never passes
through Recoup), tells Recoup the brand, last four digits and expiry of a token, charges a token and
refunds a charge. Charges and refunds take an idempotency key, as Stripe's, Adyen's and Worldpay's
APIs do, so a retry after a lost answer never charges twice.

`SandboxProvider` is the only code in Recoup that ever reads a card number. It checks the number
(Luhn, a brand it takes, the brand's length), the expiry and the security code, and answers with a
token. Its tokens and charge references carry what it needs later (brand, last four, expiry, the
test card's behaviour; a charge's amount) under an HMAC signature, so it keeps no vault and two web
processes agree about a token. Its documented test cards decline as a real sandbox's do. Pure: no
Django, no clock (the day to check expiry against is passed in).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from recoup.kernel.numbers import luhn_valid
from recoup.payments.cards import BRANDS, brand_of, last_four

SUCCEEDED = "succeeded"
DECLINED = "declined"

# Decline codes, with what the agent reads (the words providers' documentation gives them).
DECLINES = {
    "card_declined": "The card was declined by the issuer.",
    "insufficient_funds": "The card has insufficient funds.",
    "expired_card": "The card has expired.",
    "stolen_card": "The card is reported stolen; do not try it again.",
    "incorrect_cvc": "The card's security code is incorrect.",
}

# The sandbox's test cards, documented for the demo and the tests (Stripe's numbers). Any other
# valid number of a brand taken succeeds.
TEST_CARDS = {
    "4242424242424242": "",
    "5555555555554444": "",
    "2223003122003222": "",
    "378282246310005": "",
    "6011111111111117": "",
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000009979": "stolen_card",
    "4000000000000127": "incorrect_cvc",
}


class CardRefused(ValueError):
    """The provider refuses the request itself (not the issuer): `field` names the input at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CardDetails:
    """What the provider tells about a tokenized card: never the number or the security code."""

    token: str
    brand: str  # a code of recoup.payments.cards.BRANDS
    last4: str
    exp_month: int
    exp_year: int
    holder_name: str


@dataclass(frozen=True)
class Charge:
    reference: str
    status: str  # SUCCEEDED or DECLINED
    amount_minor: int
    currency: str
    decline_code: str = ""
    decline_message: str = ""


@dataclass(frozen=True)
class Refund:
    reference: str
    charge_reference: str
    amount_minor: int
    currency: str


class CardProvider(Protocol):
    name: str

    def tokenize(
        self, *, number: str, exp_month: str, exp_year: str, cvc: str, holder_name: str, today: date
    ) -> CardDetails:
        """Check a card and return its token. Raises CardRefused naming the field at fault."""
        ...

    def card_details(self, *, token: str) -> CardDetails:
        """The brand, last four, expiry and holder of a token. Raises CardRefused (field "token")."""
        ...

    def charge(
        self, *, token: str, amount_minor: int, currency: str, idempotency_key: str, description: str
    ) -> Charge:
        """Charge the card; an issuer's decline is a Charge with status DECLINED and its code.
        The same idempotency key answers with the first charge. Raises CardRefused."""
        ...

    def refund(
        self, *, charge_reference: str, amount_minor: int, currency: str, idempotency_key: str
    ) -> Refund:
        """Give back some or all of a charge. Raises CardRefused (field "amount" or "charge_reference")."""
        ...


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch not in " -")


class SandboxProvider:
    """A provider for the demo and the tests; see the module's notes."""

    name = "sandbox"
    TOKEN_PREFIX = "tok_sandbox_"  # noqa: S105 - a token kind, not a secret
    CHARGE_PREFIX = "ch_sandbox_"
    REFUND_PREFIX = "re_sandbox_"

    def __init__(self, *, secret: bytes) -> None:
        self._secret = hashlib.sha256(b"recoup.payments.sandbox:" + secret).digest()

    def _sign(self, prefix: str, document: dict[str, Any]) -> str:
        body = _b64(json.dumps(document, sort_keys=True, separators=(",", ":")).encode())
        mac = _b64(hmac.new(self._secret, f"{prefix}{body}".encode(), hashlib.sha256).digest()[:18])
        return f"{prefix}{body}.{mac}"

    def _open(self, prefix: str, signed: str, *, field: str, what: str) -> dict[str, Any]:
        refused = CardRefused(f"{field}: this is not a {what} of this provider", field=field)
        if not signed.startswith(prefix) or "." not in signed:
            raise refused
        body, _, mac = signed[len(prefix) :].rpartition(".")
        expected = _b64(hmac.new(self._secret, f"{prefix}{body}".encode(), hashlib.sha256).digest()[:18])
        if not hmac.compare_digest(mac, expected):
            raise refused
        try:
            document: dict[str, Any] = json.loads(_unb64(body))
        except ValueError:
            raise refused from None
        return document

    def tokenize(
        self, *, number: str, exp_month: str, exp_year: str, cvc: str, holder_name: str, today: date
    ) -> CardDetails:
        digits = _digits(number)
        if not digits.isdigit() or not 12 <= len(digits) <= 19 or not luhn_valid(digits):
            raise CardRefused("number: this is not a valid card number", field="number")
        brand = brand_of(digits)
        if brand is None:
            raise CardRefused(
                "number: only Visa, Mastercard, American Express and Discover cards are taken", field="number"
            )
        if len(digits) not in brand.lengths:
            raise CardRefused(
                f"number: a {brand.name} card number is not {len(digits)} digits", field="number"
            )
        month, year = _expiry(exp_month, exp_year)
        if (year, month) < (today.year, today.month):
            raise CardRefused(
                f"exp_year: the card expired at the end of {month:02d}/{year}", field="exp_year"
            )
        if not (cvc.isdigit() and len(cvc) == brand.cvc_length):
            raise CardRefused(
                f"cvc: a {brand.name} card's security code is {brand.cvc_length} digits", field="cvc"
            )
        holder = " ".join(holder_name.split())
        if not holder or len(holder) > 100:
            raise CardRefused(
                "holder_name: enter the name on the card (up to 100 characters)", field="holder_name"
            )
        document = {
            "brand": brand.code,
            "last4": last_four(digits),
            "exp_month": month,
            "exp_year": year,
            "holder": holder,
            "test": TEST_CARDS.get(digits, ""),
            # The same card tokenized twice gets two tokens, as with a real provider.
            "nonce": secrets.token_urlsafe(9),
        }
        return self._details(self._sign(self.TOKEN_PREFIX, document), document)

    @staticmethod
    def _details(token: str, document: dict[str, Any]) -> CardDetails:
        return CardDetails(
            token=token,
            brand=str(document["brand"]),
            last4=str(document["last4"]),
            exp_month=int(document["exp_month"]),
            exp_year=int(document["exp_year"]),
            holder_name=str(document["holder"]),
        )

    def card_details(self, *, token: str) -> CardDetails:
        document = self._open(self.TOKEN_PREFIX, token.strip(), field="token", what="card token")
        return self._details(token.strip(), document)

    def charge(
        self, *, token: str, amount_minor: int, currency: str, idempotency_key: str, description: str
    ) -> Charge:
        card = self._open(self.TOKEN_PREFIX, token.strip(), field="token", what="card token")
        if amount_minor <= 0:
            raise CardRefused("amount: a charge must be more than zero", field="amount")
        if not idempotency_key.strip():
            raise CardRefused("idempotency_key: a charge needs an idempotency key", field="idempotency_key")
        reference = self._sign(
            self.CHARGE_PREFIX,
            {
                "amount": amount_minor,
                "currency": currency,
                "key": _b64(hashlib.sha256(idempotency_key.encode()).digest()[:12]),
            },
        )
        code = str(card.get("test", ""))
        if code:
            return Charge(reference, DECLINED, amount_minor, currency, code, DECLINES[code])
        return Charge(reference, SUCCEEDED, amount_minor, currency)

    def refund(
        self, *, charge_reference: str, amount_minor: int, currency: str, idempotency_key: str
    ) -> Refund:
        charge = self._open(self.CHARGE_PREFIX, charge_reference, field="charge_reference", what="charge")
        if currency != charge["currency"]:
            raise CardRefused(f"currency: the charge was in {charge['currency']}", field="currency")
        if not 0 < amount_minor <= int(charge["amount"]):
            raise CardRefused(
                "amount: a refund is more than zero and at most the amount charged", field="amount"
            )
        reference = self._sign(
            self.REFUND_PREFIX,
            {"amount": amount_minor, "key": _b64(hashlib.sha256(idempotency_key.encode()).digest()[:12])},
        )
        return Refund(reference, charge_reference, amount_minor, currency)


def _expiry(exp_month: str, exp_year: str) -> tuple[int, int]:
    month_text, year_text = exp_month.strip(), exp_year.strip()
    if not (month_text.isdigit() and 1 <= int(month_text) <= 12):
        raise CardRefused("exp_month: enter the expiry month as 1 to 12", field="exp_month")
    if not (year_text.isdigit() and len(year_text) in (2, 4)):
        raise CardRefused("exp_year: enter the expiry year as YY or YYYY", field="exp_year")
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    return int(month_text), year


__all__ = [
    "BRANDS",
    "DECLINED",
    "DECLINES",
    "SUCCEEDED",
    "TEST_CARDS",
    "CardDetails",
    "CardProvider",
    "CardRefused",
    "Charge",
    "Refund",
    "SandboxProvider",
]
