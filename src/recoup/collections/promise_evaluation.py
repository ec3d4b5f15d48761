# ruff: noqa: S608 - the SQL is spliced only from constants and vendor date expressions
"""After each close of business: decide the promised payments that fell due, set-based.

Two SQL reads (the open promises with a payment now due, and the allocated receipts of their
books since each promise was made), the arithmetic of `promises.promise_assess` over rows grouped
by promise in memory, and two bulk UPDATEs. A payment's outcome is written once; running the
evaluation again for the same date finds nothing left to decide.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl
from django.db import connection, transaction

from recoup.access.operations import audit_record
from recoup.collections.dated_payments import payments_decide
from recoup.kernel import bulk

PAYMENT_TABLE = "collections_promisepayment"
PROMISE_TABLE = "collections_promise"
OUTCOMES = ("kept", "partly_kept", "broken")
# The open promises with at least one open payment due on or before the business date.
_DUE = (
    f"p.status = 'open' AND EXISTS (SELECT 1 FROM {PAYMENT_TABLE} d WHERE d.promise_id = p.id "
    "AND d.status = 'open' AND d.due_date <= %s)"
)


def promises_evaluate(*, as_of: date, at: datetime) -> dict[str, int]:
    """Decide every open promised payment due on or before `as_of`, and each promise whose last
    payment that decides; receipts count if allocated (not reversed) and received from the day the
    promise was made to `as_of`. Returns how many payments and promises it decided, by outcome.
    """
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        payments = _payments_read(cursor, vendor, as_of)
        received = _receipts_read(cursor, vendor, as_of)
        decided_payments, decided_promises = _assess(payments, received, as_of)
        bulk.frame_update(cursor, vendor, PAYMENT_TABLE, "id", decided_payments)
        bulk.frame_update(cursor, vendor, PROMISE_TABLE, "id", decided_promises)
        counts = {
            "payments_decided": decided_payments.height,
            **{f"payments_{o}": int((decided_payments["status"] == o).sum()) for o in OUTCOMES},
            "promises_decided": decided_promises.height,
            **{f"promises_{o}": int((decided_promises["status"] == o).sum()) for o in OUTCOMES},
        }
        if decided_payments.height:
            audit_record(
                actor=None,
                action="promise.evaluate",
                object_type="collections.promise_evaluation",
                object_id=as_of.isoformat(),
                at=at,
                after=counts,
            )
    return counts


def _payments_read(cursor: Any, vendor: str, as_of: date) -> pl.DataFrame:
    """Every payment, decided or not, of the promises with an open payment now due."""
    days = bulk.sql_epoch_days
    return bulk.frame_query(
        cursor,
        f"SELECT pp.id, pp.promise_id, {days(vendor, 'pp.due_date')}, pp.amount_minor, pp.paid_minor, "
        f"pp.status FROM {PAYMENT_TABLE} pp JOIN {PROMISE_TABLE} p ON p.id = pp.promise_id WHERE {_DUE}",
        [as_of],
        {
            "id": pl.Int64,
            "promise_id": pl.Int64,
            "due_date": pl.Date,
            "amount_minor": pl.Int64,
            "paid_minor": pl.Int64,
            "status": pl.Utf8,
        },
    )


def _receipts_read(cursor: Any, vendor: str, as_of: date) -> pl.DataFrame:
    """The allocated receipts of those promises' books, from each promise's made date to `as_of`."""
    days = bulk.sql_epoch_days
    return bulk.frame_query(
        cursor,
        f"SELECT p.id, {days(vendor, 'r.received_date')}, r.amount_minor FROM {PROMISE_TABLE} p "
        "JOIN ledger_ledgerbook b ON b.contract_id = p.contract_id "
        "JOIN ledger_receipt r ON r.book_id = b.id "
        "WHERE r.status = 'allocated' AND r.currency = p.currency "
        f"AND r.received_date >= p.made_date AND r.received_date <= %s AND {_DUE}",
        [as_of, as_of],
        {"promise_id": pl.Int64, "received_date": pl.Date, "amount_minor": pl.Int64},
    )


def _assess(payments: pl.DataFrame, received: pl.DataFrame, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The payments decided now (id, paid_minor, status) and the promises decided now (id, status,
    settled_date)."""
    decided, outcomes = payments_decide(
        payments.rename({"promise_id": "owner"}), received.rename({"promise_id": "owner"}), as_of
    )
    promise_rows = [(owner, outcome.status, as_of) for owner, outcome in outcomes.items() if outcome.decided]
    return decided, pl.DataFrame(
        promise_rows, schema={"id": pl.Int64, "status": pl.Utf8, "settled_date": pl.Date}, orient="row"
    )
