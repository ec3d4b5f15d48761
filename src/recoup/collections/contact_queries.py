"""Reads of contacts and promises to pay, as plain dataclasses for the pages and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from recoup.collections.models import Channel, Contact, Direction, Outcome, Promise, PromiseStatus
from recoup.kernel.money import Money
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class PromisePaymentLine:
    due_date: date
    amount: Money
    paid: Money
    status: str
    status_label: str


@dataclass(frozen=True)
class PromiseLine:
    promise_id: int
    contact_id: int
    made_date: date
    total: Money
    paid: Money
    status: str
    status_label: str
    settled_date: date | None
    payments: tuple[PromisePaymentLine, ...]


@dataclass(frozen=True)
class ContactLine:
    contact_id: int
    at: datetime
    channel: str
    channel_label: str
    direction: str
    direction_label: str
    outcome: str
    outcome_label: str
    agent: str
    next_action_date: date | None
    notes: str
    promise: PromiseLine | None
    # The contact gate's refusal the agent acknowledged to make the contact anyway; () when it allowed.
    acknowledged_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContactHistory:
    """An account's contacts, newest first, and its promises to pay, newest first."""

    account_number: str
    currency: str
    contacts: tuple[ContactLine, ...]
    promises: tuple[PromiseLine, ...]

    @property
    def open_promises(self) -> tuple[PromiseLine, ...]:
        return tuple(p for p in self.promises if p.status == PromiseStatus.OPEN)


def contact_history(*, account_number: str, limit: int = HISTORY_LIMIT) -> ContactHistory:
    """The latest `limit` contacts of an account and every promise made on it.

    Raises AccountNotFound (field "account_number").
    """
    contract = Contract.objects.filter(account_number=account_number.strip()).only("pk", "currency").first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    promises = promise_lines(
        Promise.objects.filter(contract_id=contract.pk)
        .prefetch_related("payments")
        .order_by("-made_date", "-pk")
    )
    by_contact = {p.contact_id: p for p in promises}
    contacts = (
        Contact.objects.filter(contract_id=contract.pk).select_related("agent").order_by("-at", "-pk")[:limit]
    )
    return ContactHistory(
        account_number=account_number.strip(),
        currency=contract.currency,
        contacts=tuple(contact_line(c, by_contact.get(c.pk)) for c in contacts),
        promises=tuple(promises),
    )


def contact_line(contact: Contact, promise: PromiseLine | None) -> ContactLine:
    agent = contact.agent
    return ContactLine(
        contact_id=contact.pk,
        at=contact.at,
        channel=contact.channel,
        channel_label=Channel(contact.channel).label,
        direction=contact.direction,
        direction_label=Direction(contact.direction).label,
        outcome=contact.outcome,
        outcome_label=Outcome(contact.outcome).label,
        agent=agent.get_full_name() or agent.get_username(),
        next_action_date=contact.next_action_date,
        notes=contact.notes,
        promise=promise,
        acknowledged_reasons=tuple(contact.acknowledged_reasons),
    )


def promise_lines(promises: Iterable[Promise]) -> list[PromiseLine]:
    """Promises with their payments (prefetched as `payments`, or read here), in date order."""
    lines = []
    for promise in promises:
        currency = promise.currency
        payments = tuple(
            PromisePaymentLine(
                due_date=p.due_date,
                amount=Money(p.amount_minor, currency),
                paid=Money(p.paid_minor, currency),
                status=p.status,
                status_label=PromiseStatus(p.status).label,
            )
            for p in sorted(promise.payments.all(), key=lambda p: p.due_date)
        )
        lines.append(
            PromiseLine(
                promise_id=promise.pk,
                contact_id=promise.contact_id,
                made_date=promise.made_date,
                total=Money(promise.total_minor, currency),
                paid=Money(sum(p.paid.minor for p in payments), currency),
                status=promise.status,
                status_label=PromiseStatus(promise.status).label,
                settled_date=promise.settled_date,
                payments=payments,
            )
        )
    return lines
