"""Dated amounts promised (promises to pay, reduced-payment plans, settlements) decided against the
receipts paid toward them: the grouping both evaluations after the close share.

Pure: frames in, `promises.promise_assess` per owner (a promise or an arrangement), frames out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import polars as pl

from recoup.collections.promises import OPEN, Paid, PromisedPayment, PromiseOutcome, promise_assess


def payments_decide(
    payments: pl.DataFrame, received: pl.DataFrame, as_of: date
) -> tuple[pl.DataFrame, dict[int, PromiseOutcome]]:
    """Decide the open payments due by `as_of`.

    payments: id, owner, due_date, amount_minor, paid_minor, status — every payment of each owner.
    received: owner, received_date, amount_minor — the receipts that count toward the owner.
    Returns the payments decided now (id, paid_minor, status) and each owner's outcome.
    """
    paid_by_owner: dict[int, list[Paid]] = defaultdict(list)
    for owner, received_date, amount_minor in received.select(
        "owner", "received_date", "amount_minor"
    ).iter_rows():
        paid_by_owner[owner].append(Paid(received_date, amount_minor))
    rows_by_owner: dict[int, list[tuple[int, PromisedPayment]]] = defaultdict(list)
    columns = ("id", "owner", "due_date", "amount_minor", "paid_minor", "status")
    for payment_id, owner, due_date, amount_minor, paid_minor, status in payments.select(columns).iter_rows():
        rows_by_owner[owner].append((payment_id, PromisedPayment(due_date, amount_minor, paid_minor, status)))
    decided: list[tuple[int, int, str]] = []
    outcomes: dict[int, PromiseOutcome] = {}
    for owner, rows in rows_by_owner.items():
        rows.sort(key=lambda row: row[1].due_date)
        outcome = promise_assess(payments=[p for _, p in rows], received=paid_by_owner[owner], as_of=as_of)
        outcomes[owner] = outcome
        for (payment_id, before), after in zip(rows, outcome.payments, strict=True):
            if before.status == OPEN and after.status != OPEN:
                decided.append((payment_id, after.paid_minor, after.status))
    frame = pl.DataFrame(
        decided, schema={"id": pl.Int64, "paid_minor": pl.Int64, "status": pl.Utf8}, orient="row"
    )
    return frame, outcomes
