"""A returned payment (a debit or a statement credit that came back) takes back money a promise may
have been judged kept with: decide those promised payments again. Collections owns the promises,
so the payments context calls this rather than writing them itself.

The evaluation after each close (`collections.promise_evaluation`) decides a promised payment once,
on the receipts allocated by its due date. A debit that settled on or before that date and came
back afterwards leaves the payment judged on money the customer never paid; "promises are
re-evaluated" (issue 6) asks for the judgement to follow the money. So the payments due from the
debit's settlement date to the return that were judged kept or partly kept are judged again by
`collections.promises.promise_assess` on the receipts as they now stand, and the promise's outcome
with them. Payments still open are left to the next evaluation.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Sum

from recoup.access.operations import audit_record
from recoup.collections.models import Promise, PromisePayment, PromiseStatus
from recoup.collections.promises import OPEN, Paid, PromisedPayment, promise_assess
from recoup.ledger.models import LedgerBook, Receipt, ReceiptStatus

_JUDGED_PAID = (PromiseStatus.KEPT, PromiseStatus.PARTLY_KEPT)


def promises_recheck(*, contract_id: int, since: date, as_of: date, at: datetime) -> int:
    """Judge again the contract's promised payments due between `since` and `as_of` that were judged
    kept or partly kept; returns how many payments changed their outcome."""
    affected = set(
        PromisePayment.objects.filter(
            promise__contract_id=contract_id,
            due_date__gte=since,
            due_date__lte=as_of,
            status__in=_JUDGED_PAID,
        )
        .order_by()
        .values_list("promise_id", flat=True)
    )
    if not affected:
        return 0
    book = LedgerBook.objects.get(contract_id=contract_id)
    changed = 0
    for promise in Promise.objects.select_for_update().filter(pk__in=affected).order_by("pk"):
        rows = list(promise.payments.order_by("due_date"))
        again = {row.pk for row in rows if since <= row.due_date <= as_of and row.status in _JUDGED_PAID}
        received = [
            Paid(day, total)
            for day, total in Receipt.objects.filter(
                book=book,
                status=ReceiptStatus.ALLOCATED,
                currency=promise.currency,
                received_date__gte=promise.made_date,
                received_date__lte=as_of,
            )
            .values_list("received_date")
            .annotate(total=Sum("amount_minor"))
        ]
        payments = [
            PromisedPayment(row.due_date, row.amount_minor)
            if row.pk in again
            else PromisedPayment(row.due_date, row.amount_minor, row.paid_minor, row.status)
            for row in rows
        ]
        # Judged on the day each payment fell due, as the evaluation judged it: money after it does not count.
        latest = max(row.due_date for row in rows if row.pk in again)
        outcome = promise_assess(payments=payments, received=received, as_of=latest)
        before = {}
        for row, judged in zip(rows, outcome.payments, strict=True):
            if row.pk in again and (judged.status, judged.paid_minor) != (row.status, row.paid_minor):
                before[row.due_date.isoformat()] = row.status
                PromisePayment.objects.filter(pk=row.pk).update(
                    status=judged.status, paid_minor=judged.paid_minor
                )
                changed += 1
        statuses = [
            judged.status if row.pk in again else row.status
            for row, judged in zip(rows, outcome.payments, strict=True)
        ]
        status = _promise_status(
            statuses,
            [
                j.paid_minor if r.pk in again else r.paid_minor
                for r, j in zip(rows, outcome.payments, strict=True)
            ],
        )
        if status != promise.status:
            Promise.objects.filter(pk=promise.pk).update(
                status=status, settled_date=as_of if status != OPEN else None
            )
        if before or status != promise.status:
            audit_record(
                actor=None,
                action="promise.recheck_after_return",
                object_type="collections.promise",
                object_id=promise.pk,
                at=at,
                before={"status": promise.status, "payments": before},
                after={"status": status},
            )
    return changed


def _promise_status(statuses: list[str], paid: list[int]) -> str:
    """The promise's outcome from its payments', as `collections.promises` gives it."""
    if any(s == OPEN for s in statuses):
        return OPEN
    if all(s == PromiseStatus.KEPT for s in statuses):
        return PromiseStatus.KEPT
    if all(p == 0 for p in paid):
        return PromiseStatus.BROKEN
    return PromiseStatus.PARTLY_KEPT
