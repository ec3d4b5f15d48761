# ruff: noqa: S608 - the SQL is spliced only from constants and table names
"""The close of business's interest accrual step, set-based like the others (see steps.py).

Daily simple interest is worked out exactly from the state on any date: the period's start, the
balance it accrues on and the interest carried (`portfolio.accrual`). The ledger takes it at
each month end, for the month's accounts, and at each due date through the installment, which
bills the period's interest out of interest_accrued first.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

import polars as pl

from recoup.arrears.accrual_columns import accrual_key_expr, accrued_to, is_month_end
from recoup.arrears.batch import reads, steps
from recoup.arrears.batch.parts import WHOLE, Part
from recoup.arrears.schedule_columns import governing_versions
from recoup.kernel import bulk
from recoup.ledger import batch as ledger_batch
from recoup.ledger.models import AccountCode
from recoup.ledger.operations import accrual_memo
from recoup.ledger.reasons import ReasonCode

STATE = "arrears_arrearsstate"
DAILY_SIMPLE = "daily_simple"


def interest_accrue(
    cursor: Any,
    vendor: str,
    as_of: date,
    at: datetime,
    fallen: pl.DataFrame | None = None,
    part: Part = WHOLE,
) -> dict[str, int]:
    """On the last day of a calendar month, accrue the interest earned and not yet billed by every
    active contract of a daily-simple product, as `ledger.operations.interest_accrue` would.

    Runs after the night's installments have fallen due, so an installment due on the month end
    has billed its period already. Each account's accrual to the month end (what is carried plus
    the period's interest so far) less what its interest_accrued account holds is posted when
    positive: Dr interest_accrued / Cr interest_income, dated the month end, once per account and
    month end. The receivable balances follow in arrears_refresh, whose books these entries move.
    The state's accrued_interest_minor follows the ledger in arrears_refresh, with the other
    balances of the books that moved.

    `fallen` is the state the night's installments left and have not written yet (see
    `steps.installments_fall_due`): the accounts it holds accrue from where it stands.
    """
    if not is_month_end(as_of):
        return {"accruals": 0}
    return {"accruals": _month_end_accrue(cursor, vendor, as_of, at, fallen, part)}


def _month_end_accrue(
    cursor: Any, vendor: str, as_of: date, at: datetime, fallen: pl.DataFrame | None, part: Part
) -> int:
    within, bounds = part.where("s.contract_id")
    accounts = bulk.frame_query(
        cursor,
        "SELECT s.contract_id, b.id, s.currency, s.installments_due, s.schedule_balance_minor, "
        "s.carried_interest_minor, COALESCE(a.balance_minor, 0), "
        f"{bulk.sql_epoch_days(vendor, 's.next_due_date')} "
        f"FROM {STATE} s JOIN portfolio_contract c ON c.id = s.contract_id AND c.status = 'active' "
        "JOIN portfolio_product p ON p.id = c.product_id AND p.interest_method = %s "
        "JOIN ledger_ledgerbook b ON b.contract_id = s.contract_id "
        "LEFT JOIN ledger_ledgeraccount a ON a.book_id = b.id AND a.code = %s "
        f"WHERE s.next_due_date IS NOT NULL{within}",
        [DAILY_SIMPLE, AccountCode.INTEREST_ACCRUED, *bounds],
        {
            "contract_id": pl.Int64,
            "book_id": pl.Int64,
            "currency": pl.Utf8,
            "installments_due": pl.Int64,
            "balance": pl.Int64,
            "carried": pl.Int64,
            "held": pl.Int64,
            "next_due_date": pl.Date,
        },
    )
    if fallen is not None:
        # An account whose last installment fell due tonight has no next due date: it accrues no more.
        accounts = steps.fallen_due_apply(
            accounts,
            fallen,
            {
                "installments_due": "installments_due",
                "balance": "schedule_balance_minor",
                "carried": "carried_interest_minor",
                "next_due_date": "next_due_date",
            },
        ).filter(pl.col("next_due_date").is_not_null())
    accounts = accounts.with_columns(n=pl.col("installments_due") + 1)
    if accounts.is_empty():
        return 0
    reads.ids_load(cursor, vendor, accounts["contract_id"])
    governed = governing_versions(accounts, reads.versions_read(cursor, vendor)).filter(
        (pl.col("n") <= pl.col("v_total")) & (pl.col("v_method") == "annuity")
    )
    due = (
        accrued_to(governed, as_of)
        .filter(pl.col("accrual_balance") > 0)
        .with_columns(amount=pl.col("accrued") - pl.col("held"))
        .filter(pl.col("amount") > 0)
        .with_columns(idempotency_key=accrual_key_expr(pl.col("contract_id"), as_of))
    )
    if due.is_empty():
        return 0
    memo = accrual_memo(as_of)
    entries = due.select(
        "idempotency_key",
        "book_id",
        reason_code=pl.lit(ReasonCode.INTEREST_ACCRUED.value),
        effective_date=pl.lit(as_of),
        memo=pl.lit(memo),
        fingerprint=accrual_fingerprints(due, as_of),
    )
    postings = pl.concat(
        [
            due.select(
                "idempotency_key",
                code=pl.lit(code.value),
                amount_minor=sign * pl.col("amount"),
                currency="currency",
                installment=pl.lit(None, pl.Int64),
            )
            for code, sign in ((AccountCode.INTEREST_ACCRUED, 1), (AccountCode.INTEREST_INCOME, -1))
        ]
    )
    return ledger_batch.entries_post_bulk(entries=entries, postings=postings, at=at).posted


def accrual_fingerprints(due: pl.DataFrame, as_of: date) -> pl.Series:
    """What `ledger.operations.interest_accrue` fingerprints for each (book_id, currency, amount),
    so that a per-account retry recognises what the batch posted."""
    text = due.select(
        pl.format(
            '{{"book":{},"effective_date":"{}","lines":[["interest_accrued",{},"{}",0],'
            '["interest_income",{},"{}",0]],"memo":"{}","reason_code":"{}","receipt":null,"reverses":null}}',
            pl.col("book_id"),
            pl.lit(as_of.isoformat()),
            pl.col("amount"),
            pl.col("currency"),
            -pl.col("amount"),
            pl.col("currency"),
            pl.lit(accrual_memo(as_of)),
            pl.lit(ReasonCode.INTEREST_ACCRUED.value),
        )
    ).to_series()
    return pl.Series("fingerprint", [hashlib.sha256(v.encode()).hexdigest() for v in text], dtype=pl.Utf8)
