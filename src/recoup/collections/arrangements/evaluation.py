# ruff: noqa: S608 - the SQL is spliced only from constants and vendor date expressions
"""After each close of business: whether the active arrangements were kept, set-based.

Reduced-payment plans and settlements are decided payment by payment as promises are
(`promises.promise_assess`): the receipts allocated to the account (not reversed) from the day the
arrangement was requested to the business date count toward its earliest payment not yet met; a
payment due on or before the business date is kept if paid in full by its date, partly kept if
paid in part, broken if nothing was paid, and keeps that outcome. A plan or settlement is broken
(on that business date, `decided_date`) as soon as one of its payments is not kept in full — its
terms were not met — and completed when all are kept. A completed settlement's remaining balance
is then credited through the ledger (reason "credit_settlement", one entry per settlement); a
broken one credits nothing.

Deferrals, extensions and due-date changes have no payments of their own; they are judged from the
arrears state the close wrote. One is broken when an installment that fell due on or after the
day it took effect is still unpaid 30 days or more after its due date (the account's oldest
unpaid due date is on or after the arrangement's effective date, and at least 30 days before the
business date); it is completed when the business date is past its end date (the last
installment it moved) and the account is not in arrears.

Running it again for the same date decides nothing more: only active arrangements are read, a
payment's outcome is written once, and each settlement's credit has its own idempotency key.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from recoup.access.operations import audit_record
from recoup.arrears.models import ArrearsState
from recoup.collections.arrangements.plans import settlement_credit
from recoup.collections.arrangements.shapes import SCHEDULE_KINDS
from recoup.collections.dated_payments import payments_decide
from recoup.collections.models import Arrangement, ArrangementKind, ArrangementStatus
from recoup.collections.promises import KEPT, OPEN
from recoup.kernel import bulk

PAYMENT_TABLE = "collections_arrangementpayment"
ARRANGEMENT_TABLE = "collections_arrangement"
OUTCOMES = ("kept", "partly_kept", "broken")
UNPAID_DAYS_THAT_BREAK = 30
# The active arrangements with at least one open payment due on or before the business date.
_DUE = (
    f"a.status = 'active' AND EXISTS (SELECT 1 FROM {PAYMENT_TABLE} d WHERE d.arrangement_id = a.id "
    "AND d.status = 'open' AND d.due_date <= %s)"
)


def arrangements_evaluate(*, as_of: date, at: datetime) -> dict[str, int]:
    """Decide the active arrangements on the business date `as_of` (the rules are the module's).

    Returns how many payments it decided by outcome, how many arrangements it completed and broke,
    and how many settlements it credited.
    """
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        payments = _payments_read(cursor, vendor, as_of)
        received = _receipts_read(cursor, vendor, as_of)
        decided_payments, decided = _assess(payments, received, as_of)
        bulk.frame_update(cursor, vendor, PAYMENT_TABLE, "id", decided_payments)
        bulk.frame_update(
            cursor, vendor, ARRANGEMENT_TABLE, "id", decided.select("id", "status", "decided_date")
        )
        # Settlements complete a few at a time, each one ledger entry; the entry's idempotency key
        # keeps a repeated evaluation from crediting twice.
        credited = 0
        settled = decided.filter(
            (pl.col("status") == ArrangementStatus.COMPLETED.value)
            & (pl.col("kind") == ArrangementKind.SETTLEMENT.value)
        )
        for arrangement_id, contract_id in settled.select("id", "contract_id").iter_rows():
            if settlement_credit(
                arrangement_id=arrangement_id, contract_id=contract_id, effective_date=as_of, at=at
            ):
                credited += 1
        schedule_broken, schedule_completed = _schedule_changes_decide(as_of)
        plans = decided["status"]
        counts = {
            "payments_decided": decided_payments.height,
            **{f"payments_{o}": int((decided_payments["status"] == o).sum()) for o in OUTCOMES},
            "arrangements_completed": int((plans == ArrangementStatus.COMPLETED.value).sum())
            + schedule_completed,
            "arrangements_broken": int((plans == ArrangementStatus.BROKEN.value).sum()) + schedule_broken,
            "settlements_credited": credited,
        }
        if any(counts.values()):
            audit_record(
                actor=None,
                action="arrangement.evaluate",
                object_type="collections.arrangement_evaluation",
                object_id=as_of.isoformat(),
                at=at,
                after=counts,
            )
    return counts


def _schedule_changes_decide(as_of: date) -> tuple[int, int]:
    """Break, then complete, the active schedule changes by the arrears state: two UPDATEs."""
    active = Arrangement.objects.filter(status=ArrangementStatus.ACTIVE, kind__in=SCHEDULE_KINDS)
    unpaid_too_long = ArrearsState.objects.filter(
        contract_id=OuterRef("contract_id"),
        oldest_unpaid_due_date__gte=OuterRef("effective_date"),
        oldest_unpaid_due_date__lte=as_of - timedelta(days=UNPAID_DAYS_THAT_BREAK),
    )
    broken = active.filter(Exists(unpaid_too_long)).update(
        status=ArrangementStatus.BROKEN, decided_date=as_of
    )
    in_arrears = ArrearsState.objects.filter(contract_id=OuterRef("contract_id"), arrears_minor__gt=0)
    completed = (
        active.filter(end_date__lt=as_of)
        .exclude(Exists(in_arrears))
        .update(status=ArrangementStatus.COMPLETED, decided_date=as_of)
    )
    return broken, completed


def _payments_read(cursor: Any, vendor: str, as_of: date) -> pl.DataFrame:
    """Every payment, decided or not, of the active arrangements with an open payment now due."""
    days = bulk.sql_epoch_days
    return bulk.frame_query(
        cursor,
        f"SELECT ap.id, ap.arrangement_id, a.contract_id, a.kind, {days(vendor, 'ap.due_date')}, "
        f"ap.amount_minor, ap.paid_minor, ap.status FROM {PAYMENT_TABLE} ap "
        f"JOIN {ARRANGEMENT_TABLE} a ON a.id = ap.arrangement_id WHERE {_DUE}",
        [as_of],
        {
            "id": pl.Int64,
            "arrangement_id": pl.Int64,
            "contract_id": pl.Int64,
            "kind": pl.Utf8,
            "due_date": pl.Date,
            "amount_minor": pl.Int64,
            "paid_minor": pl.Int64,
            "status": pl.Utf8,
        },
    )


def _receipts_read(cursor: Any, vendor: str, as_of: date) -> pl.DataFrame:
    """The allocated receipts of those arrangements' books, from each one's effective date to `as_of`."""
    days = bulk.sql_epoch_days
    return bulk.frame_query(
        cursor,
        f"SELECT a.id, {days(vendor, 'r.received_date')}, r.amount_minor FROM {ARRANGEMENT_TABLE} a "
        "JOIN ledger_ledgerbook b ON b.contract_id = a.contract_id "
        "JOIN ledger_receipt r ON r.book_id = b.id "
        "WHERE r.status = 'allocated' AND r.currency = a.currency "
        f"AND r.received_date >= a.effective_date AND r.received_date <= %s AND {_DUE}",
        [as_of, as_of],
        {"arrangement_id": pl.Int64, "received_date": pl.Date, "amount_minor": pl.Int64},
    )


def _assess(payments: pl.DataFrame, received: pl.DataFrame, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The payments decided now (id, paid_minor, status) and the arrangements decided now (id, status,
    decided_date, kind, contract_id): broken once a payment is not kept in full, completed when all are."""
    decided, outcomes = payments_decide(
        payments.rename({"arrangement_id": "owner"}), received.rename({"arrangement_id": "owner"}), as_of
    )
    owners = payments.select("arrangement_id", "contract_id", "kind").unique("arrangement_id")
    arrangement_rows = []
    for arrangement_id, contract_id, kind in owners.iter_rows():
        statuses = [p.status for p in outcomes[arrangement_id].payments]
        if any(s not in (OPEN, KEPT) for s in statuses):
            arrangement_rows.append(
                (arrangement_id, ArrangementStatus.BROKEN.value, as_of, kind, contract_id)
            )
        elif all(s == KEPT for s in statuses):
            arrangement_rows.append(
                (arrangement_id, ArrangementStatus.COMPLETED.value, as_of, kind, contract_id)
            )
    schema = {
        "id": pl.Int64,
        "status": pl.Utf8,
        "decided_date": pl.Date,
        "kind": pl.Utf8,
        "contract_id": pl.Int64,
    }
    return decided, pl.DataFrame(arrangement_rows, schema=schema, orient="row")
