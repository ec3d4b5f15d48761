"""Whether a promise to pay was kept: pure arithmetic over the promised dated amounts and the money
received since the promise was made. No Django, no clock: the business date is passed in.

Money counts cumulatively: what the customer has paid by a payment's due date goes to the
earliest promised amount not yet met, so paying the second amount early helps the second, and
money that arrives after a due date can no longer mend that payment but counts toward the next.

A payment is decided once the close of business of its due date has run (`due_date <= as_of`):
kept if paid in full by then, partly kept if paid in part, broken if nothing was paid. A payment
decided by an earlier evaluation keeps the outcome it was given. The promise is decided with its
last payment: kept if every payment was kept, broken if nothing at all was paid, partly kept
otherwise; until then it is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

OPEN, KEPT, PARTLY_KEPT, BROKEN = "open", "kept", "partly_kept", "broken"


@dataclass(frozen=True, slots=True)
class PromisedPayment:
    """One dated amount promised, in minor units; `status` and `paid_minor` as last decided."""

    due_date: date
    amount_minor: int
    paid_minor: int = 0
    status: str = OPEN


@dataclass(frozen=True, slots=True)
class Paid:
    """Money received toward the account on a date, in minor units of the promise's currency."""

    received_date: date
    amount_minor: int


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    due_date: date
    amount_minor: int
    paid_minor: int
    status: str


@dataclass(frozen=True, slots=True)
class PromiseOutcome:
    status: str
    payments: tuple[PaymentOutcome, ...]

    @property
    def decided(self) -> bool:
        return self.status != OPEN

    @property
    def paid_minor(self) -> int:
        return sum(p.paid_minor for p in self.payments)


def payment_status(*, amount_minor: int, paid_minor: int) -> str:
    """The outcome of a payment whose due date has passed."""
    if paid_minor >= amount_minor:
        return KEPT
    return PARTLY_KEPT if paid_minor > 0 else BROKEN


def promise_assess(
    *, payments: Sequence[PromisedPayment], received: Sequence[Paid], as_of: date
) -> PromiseOutcome:
    """Each payment's paid amount and status, and the promise's, on the business date `as_of`.

    `received` is what was received on or after the day the promise was made (in any order);
    money received after `as_of` is not yet known and is ignored.
    """
    if not payments:
        raise ValueError("a promise has at least one payment")
    ordered = sorted(payments, key=lambda p: p.due_date)
    receipts = sorted((r for r in received if r.received_date <= as_of), key=lambda r: r.received_date)
    outcomes: list[PaymentOutcome] = []
    counted = 0  # money set against earlier payments
    taken = 0  # receipts added into `available` so far
    available = 0
    for payment in ordered:
        cutoff = min(payment.due_date, as_of)
        while taken < len(receipts) and receipts[taken].received_date <= cutoff:
            available += receipts[taken].amount_minor
            taken += 1
        paid = max(0, min(payment.amount_minor, available - counted))
        counted += paid
        if payment.status != OPEN:
            # Written once. The money is still set against it as the receipts now stand, so a
            # payment returned since the decision is not taken from the payments after it.
            paid, status = payment.paid_minor, payment.status
        elif payment.due_date <= as_of:
            status = payment_status(amount_minor=payment.amount_minor, paid_minor=paid)
        else:
            status = OPEN
        outcomes.append(PaymentOutcome(payment.due_date, payment.amount_minor, paid, status))
    return PromiseOutcome(_promise_status(outcomes), tuple(outcomes))


def _promise_status(outcomes: Sequence[PaymentOutcome]) -> str:
    if any(o.status == OPEN for o in outcomes):
        return OPEN
    if all(o.status == KEPT for o in outcomes):
        return KEPT
    if all(o.paid_minor == 0 for o in outcomes):
        return BROKEN
    return PARTLY_KEPT
