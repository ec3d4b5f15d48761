"""Reads: an account's payments, newest first, with the card's brand and last four."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from recoup.kernel.money import Money
from recoup.payments import models
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

LIST_LIMIT = 100


@dataclass(frozen=True)
class PaymentLine:
    payment_id: int
    account_number: str
    channel: str
    channel_label: str
    amount: Money
    status: str
    status_label: str
    received_date: date
    taken_at: datetime
    taken_by: str
    reference: str
    card_brand: str  # the brand's name, e.g. "Visa"; empty for other channels
    card_last4: str
    provider_reference: str
    decline_code: str
    decline_reason: str
    ledger_receipt_id: int | None
    customer_receipt_id: int | None
    customer_receipt_channel: str
    customer_receipt_note: str

    @property
    def method_text(self) -> str:
        """ "Visa ending 4242", "Cheque 000123", "Cash"."""
        if self.card_last4:
            return f"{self.card_brand} ending {self.card_last4}"
        return f"{self.channel_label} {self.reference}".strip()


@dataclass(frozen=True)
class AccountPayments:
    account_number: str
    currency: str
    payments: tuple[PaymentLine, ...]


def _line(row: models.Payment, account_number: str) -> PaymentLine:
    method = row.method
    taken_by = row.taken_by
    return PaymentLine(
        payment_id=row.pk,
        account_number=account_number,
        channel=row.channel,
        channel_label=row.get_channel_display(),
        amount=Money(row.amount_minor, row.currency),
        status=row.status,
        status_label=row.get_status_display(),
        received_date=row.received_date,
        taken_at=row.taken_at,
        taken_by=taken_by.get_full_name() or taken_by.get_username(),
        reference=row.reference,
        card_brand=method.get_brand_display() if method else "",
        card_last4=method.last4 if method else "",
        provider_reference=row.provider_reference,
        decline_code=row.decline_code,
        decline_reason=row.decline_reason,
        ledger_receipt_id=row.ledger_receipt_id,
        customer_receipt_id=row.customer_receipt_id,
        customer_receipt_channel=row.customer_receipt_channel,
        customer_receipt_note=row.customer_receipt_note,
    )


def payment_line(payment_id: int) -> PaymentLine:
    row = models.Payment.objects.select_related("method", "taken_by", "contract").get(pk=payment_id)
    return _line(row, row.contract.account_number)


def payments_of(account_number: str, *, limit: int = LIST_LIMIT) -> AccountPayments:
    """The account's payments and declined card attempts, newest first. Raises AccountNotFound."""
    contract = (
        Contract.objects.filter(account_number=account_number.strip())
        .only("pk", "currency", "account_number")
        .first()
    )
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    rows = (
        models.Payment.objects.filter(contract_id=contract.pk)
        .select_related("method", "taken_by")
        .order_by("-taken_at", "-pk")[:limit]
    )
    return AccountPayments(
        account_number=contract.account_number,
        currency=contract.currency,
        payments=tuple(_line(row, contract.account_number) for row in rows),
    )
