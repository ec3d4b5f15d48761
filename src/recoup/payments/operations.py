"""Taking payments: a card through the configured provider, or money received on another channel.

Each payment is allocated through the ledger's waterfall (portfolio.payment_apply) under an
idempotency key derived from the payment's request key, audited, and followed by a receipt to the
customer once the transaction has committed. A card the issuer declines is kept as a declined
attempt and posts nothing. No card number or security code ever reaches these functions: a card
arrives as its provider's token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.db import transaction

from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.kernel.money import Money, currency_check
from recoup.ledger.queries import receivable_total
from recoup.payments import models
from recoup.payments.cards import pan_runs
from recoup.payments.errors import InvalidPayment, PaymentConflict, PaymentNotAllowed
from recoup.payments.gateway import provider_configured
from recoup.payments.providers import SUCCEEDED, CardDetails, CardProvider, CardRefused
from recoup.payments.queries import PaymentLine, payment_line
from recoup.payments.receipts import payment_receipt_send
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import payment_apply

MAY_TAKE = frozenset({Role.AGENT, Role.TEAM_LEADER, Role.HEAD_OF_CREDIT, Role.ADMINISTRATOR})
OTHER_CHANNELS = tuple(c for c in models.Channel.values if c != models.Channel.CARD)
MAX_REQUEST_KEY = 200


@dataclass(frozen=True)
class PaymentResult:
    """The payment (or declined attempt) and the account's balance after it."""

    payment: PaymentLine
    balance: Money

    @property
    def taken(self) -> bool:
        return self.payment.status == models.Status.SUCCEEDED


def payment_may_take(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in MAY_TAKE


def card_payment_take(
    *,
    account_number: str,
    token: str,
    amount: str,
    as_of: date,
    at: datetime,
    taken_by: User,
    request_key: str,
    currency: str | None = None,
    provider: CardProvider | None = None,
) -> PaymentResult:
    """Charge a tokenized card and, only when the charge succeeds, allocate it through the ledger.

    The same `request_key` answers with the payment it took first (and the provider is given a key
    derived from it, so it never charges twice). A decline is recorded with its code and reason and
    posts nothing. Raises PaymentNotAllowed (field "taken_by"), AccountNotFound, InvalidPayment
    (field "amount", "currency", "token" or "request_key") and PaymentConflict (field "request_key").
    """
    provider = provider or provider_configured()
    contract, money, key = _checked(
        account_number=account_number,
        amount=amount,
        currency=currency,
        taken_by=taken_by,
        request_key=request_key,
    )
    try:
        card = provider.card_details(token=token)
    except CardRefused as refused:
        raise InvalidPayment(refused.message, field=refused.field) from None
    asked = (contract.pk, models.Channel.CARD, money.minor, money.currency, card.token)
    with transaction.atomic():
        existing = _existing(key, asked)
        if existing is not None:
            return existing
        method = _method_for(contract=contract, provider=provider.name, card=card, by=taken_by, at=at)
        charge = provider.charge(
            token=card.token,
            amount_minor=money.minor,
            currency=money.currency,
            idempotency_key=f"recoup-payment:{key}",
            description=f"Account {contract.account_number}",
        )
        receipt_id = None
        if charge.status == SUCCEEDED:
            receipt_id = payment_apply(
                account_number=contract.account_number,
                amount=money.amount,
                received_date=as_of,
                reference=f"{method.get_brand_display()} ending {method.last4}",
                idempotency_key=f"payment:{key}",
                currency=money.currency,
                at=at,
                created_by=taken_by,
            ).receipt_id
        row = models.Payment.objects.create(
            contract=contract,
            channel=models.Channel.CARD,
            amount_minor=money.minor,
            currency=money.currency,
            status=models.Status.SUCCEEDED if receipt_id is not None else models.Status.DECLINED,
            method=method,
            provider=provider.name,
            provider_reference=charge.reference,
            decline_code=charge.decline_code,
            decline_reason=charge.decline_message,
            received_date=as_of,
            ledger_receipt_id=receipt_id,
            request_key=key,
            taken_by=taken_by,
            taken_at=at,
        )
        _audit(row, by=taken_by, at=at, card=f"{method.get_brand_display()} ending {method.last4}")
        if receipt_id is not None:
            transaction.on_commit(partial(payment_receipt_send, payment_id=row.pk, at=at), robust=True)
    return _result(row.pk, contract.pk)


def payment_record(
    *,
    account_number: str,
    channel: str,
    amount: str,
    received_date: date,
    at: datetime,
    taken_by: User,
    request_key: str,
    reference: str = "",
    currency: str | None = None,
) -> PaymentResult:
    """Record money received on another channel (cash, cheque, bank transfer, money order, other)
    and allocate it through the ledger. The same `request_key` answers with the first payment.

    A reference that holds a card number is refused: Recoup keeps none. Raises PaymentNotAllowed,
    AccountNotFound, InvalidPayment (field "channel", "amount", "currency", "reference",
    "request_key") and PaymentConflict; nothing is written when it raises.
    """
    if channel not in OTHER_CHANNELS:
        hint = " (cards are taken through the card provider)" if channel == models.Channel.CARD else ""
        raise InvalidPayment(
            f"channel: {channel!r} is not one of {', '.join(OTHER_CHANNELS)}{hint}", field="channel"
        )
    reference = " ".join(reference.split())
    if pan_runs(reference, glued=True):
        raise InvalidPayment(
            "reference: this looks like a card number; Recoup keeps none, so take cards as card payments",
            field="reference",
        )
    contract, money, key = _checked(
        account_number=account_number,
        amount=amount,
        currency=currency,
        taken_by=taken_by,
        request_key=request_key,
    )
    asked = (contract.pk, channel, money.minor, money.currency, reference)
    with transaction.atomic():
        existing = _existing(key, asked)
        if existing is not None:
            return existing
        taken = payment_apply(
            account_number=contract.account_number,
            amount=money.amount,
            received_date=received_date,
            reference=reference,
            idempotency_key=f"payment:{key}",
            currency=money.currency,
            at=at,
            created_by=taken_by,
        )
        row = models.Payment.objects.create(
            contract=contract,
            channel=channel,
            amount_minor=money.minor,
            currency=money.currency,
            status=models.Status.SUCCEEDED,
            reference=reference,
            received_date=received_date,
            ledger_receipt_id=taken.receipt_id,
            request_key=key,
            taken_by=taken_by,
            taken_at=at,
        )
        _audit(row, by=taken_by, at=at)
        transaction.on_commit(partial(payment_receipt_send, payment_id=row.pk, at=at), robust=True)
    return _result(row.pk, contract.pk)


def _checked(
    *, account_number: str, amount: str, currency: str | None, taken_by: User, request_key: str
) -> tuple[Contract, Money, str]:
    if not payment_may_take(taken_by):
        raise PaymentNotAllowed(
            "taken_by: agents, team leaders, the head of credit and administrators take payments",
            field="taken_by",
        )
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    if currency:
        currency_check(currency, field="currency")
        if currency != contract.currency:
            raise InvalidPayment(
                f"currency: account {contract.account_number} is in {contract.currency}, not {currency}",
                field="currency",
            )
    money = Money.parse(str(amount).strip(), contract.currency, field="amount")
    if not money.is_positive():
        raise InvalidPayment("amount: must be more than zero", field="amount")
    key = request_key.strip()
    if not key or len(key) > MAX_REQUEST_KEY:
        raise InvalidPayment(f"request_key: give 1 to {MAX_REQUEST_KEY} characters", field="request_key")
    return contract, money, key


def _existing(key: str, asked: tuple[object, ...]) -> PaymentResult | None:
    row = models.Payment.objects.select_related("method", "contract").filter(request_key=key).first()
    if row is None:
        return None
    last = row.method.token if row.channel == models.Channel.CARD and row.method else row.reference
    if (row.contract_id, row.channel, row.amount_minor, row.currency, last) != asked:
        raise PaymentConflict(
            f"request_key: {key!r} was used for a different payment (payment {row.pk})", field="request_key"
        )
    return _result(row.pk, row.contract_id)


def _method_for(
    *, contract: Contract, provider: str, card: CardDetails, by: User, at: datetime
) -> models.PaymentMethod:
    method, _ = models.PaymentMethod.objects.get_or_create(
        provider=provider,
        token=card.token,
        defaults={
            "contract": contract,
            "brand": card.brand,
            "last4": card.last4,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "holder_name": card.holder_name,
            "created_by": by,
            "created_at": at,
        },
    )
    if method.contract_id != contract.pk:
        raise InvalidPayment("token: this card is on file for another account", field="token")
    return method


def _audit(row: models.Payment, *, by: User, at: datetime, card: str = "") -> None:
    after = {
        "payment_id": row.pk,
        "channel": row.channel,
        "amount_minor": row.amount_minor,
        "currency": row.currency,
        "status": row.status,
        "ledger_receipt_id": row.ledger_receipt_id,
    }
    if card:
        after |= {
            "card": card,
            "provider_reference": row.provider_reference,
            "decline_code": row.decline_code,
        }
    else:
        after["reference"] = row.reference
    action = "payment.take" if row.status == models.Status.SUCCEEDED else "payment.decline"
    audit_record(
        actor=by, action=action, object_type="contract", object_id=row.contract_id, at=at, after=after
    )


def _result(payment_id: int, contract_id: int) -> PaymentResult:
    return PaymentResult(payment=payment_line(payment_id), balance=receivable_total(contract_id))
