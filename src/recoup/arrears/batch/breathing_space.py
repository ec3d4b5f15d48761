"""Breathing Space in the close of business: interest and fees frozen while a moratorium lasts.

The Debt Respite Scheme (Breathing Space Moratorium and Mental Health Crisis Moratorium) (England
and Wales) Regulations 2020, regulation 7(2)-(3): during a moratorium a creditor must not charge
interest, fees, penalties or other charges on the moratorium debt. The close therefore

- charges no late fee on a date the customer is in Breathing Space (late_fees_assess), and
- does not charge the interest of the days of an installment's period spent in Breathing Space:
  the installment falls due as scheduled and, in the same step, the interest of those days
  (its interest × days frozen ÷ days in the period, half to even) is taken off it by an entry of
  its own (Dr interest income, Cr interest due on that installment), so the customer owes it
  neither in arrears nor in the balance, and the ledger shows what was frozen and why.

A customer is in Breathing Space on a day when a breathing_space flag applies to them that day
(parties.flag_details.flag_active_on): set on or before it, not cleared by it, not past its until
date. The contract's own customer is the debtor whose moratorium counts.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

import polars as pl

from recoup.kernel import bulk
from recoup.ledger import batch as ledger_batch
from recoup.ledger.models import AccountCode

INTEREST_FROZEN_REASON = "breathing_space_interest_frozen"
FAR_FUTURE = date(9999, 12, 31)


def moratoria_read(cursor: Any, *, first_date: date, last_date: date) -> pl.DataFrame:
    """(contract_id, frozen_from, frozen_to) for every Breathing Space touching [first_date, last_date],
    frozen_to being the moratorium's last day (its until date, or the day before it was cleared)."""
    frame = bulk.frame_query(
        cursor,
        "SELECT c.id, f.set_date, f.until_date, f.cleared_date FROM parties_partyflag f "
        "JOIN portfolio_contract c ON c.customer_id = f.party_id "
        "WHERE f.kind = 'breathing_space' AND f.set_date <= %s "
        "AND (f.cleared_date IS NULL OR f.cleared_date > %s) "
        "AND (f.until_date IS NULL OR f.until_date >= %s)",
        [last_date, first_date, first_date],
        {"contract_id": pl.Int64, "set_date": pl.Date, "until_date": pl.Date, "cleared_date": pl.Date},
    )
    return frame.select(
        "contract_id",
        frozen_from="set_date",
        frozen_to=pl.min_horizontal(
            pl.col("until_date").fill_null(FAR_FUTURE),
            (pl.col("cleared_date") - pl.duration(days=1)).fill_null(FAR_FUTURE),
        ),
    ).filter(pl.col("frozen_to") >= pl.col("frozen_from"))


def contracts_frozen_on(cursor: Any, on_date: date) -> pl.Series:
    """The contracts whose customer is in Breathing Space on `on_date`."""
    return moratoria_read(cursor, first_date=on_date, last_date=on_date)["contract_id"].unique()


def interest_frozen(split: pl.DataFrame, moratoria: pl.DataFrame) -> pl.DataFrame:
    """Of the installments falling due (contract_id, n, previous_date, due_date, interest), the interest
    of the days of each period, (previous_date, due_date], spent in Breathing Space: `frozen`."""
    empty = pl.DataFrame(schema={"contract_id": pl.Int64, "n": pl.Int64, "frozen": pl.Int64})
    if moratoria.is_empty() or split.is_empty():
        return empty
    periods = split.select("contract_id", "n", "previous_date", "due_date", "interest").filter(
        pl.col("interest") > 0
    )
    overlap = (
        periods.join(moratoria, on="contract_id")
        .with_columns(
            start=pl.max_horizontal(pl.col("previous_date") + pl.duration(days=1), pl.col("frozen_from")),
            end=pl.min_horizontal(pl.col("due_date"), pl.col("frozen_to")),
        )
        .with_columns(days=(pl.col("end") - pl.col("start")).dt.total_days() + 1)
        .filter(pl.col("days") > 0)
        .group_by("contract_id", "n", "interest", "previous_date", "due_date")
        .agg(days=pl.col("days").sum())
        .with_columns(period=(pl.col("due_date") - pl.col("previous_date")).dt.total_days())
        .with_columns(days=pl.min_horizontal("days", "period"))
    )
    if overlap.is_empty():
        return empty
    exact = pl.col("interest").cast(pl.Int128) * pl.col("days")
    return overlap.select(
        "contract_id", "n", frozen=_half_even_div(exact, pl.col("period").cast(pl.Int128)).cast(pl.Int64)
    ).filter(pl.col("frozen") > 0)


def _half_even_div(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    quotient = numerator // denominator
    twice_rest = (numerator - quotient * denominator) * 2
    up = (twice_rest > denominator) | ((twice_rest == denominator) & (quotient % 2 == 1))
    return pl.when(up).then(quotient + 1).otherwise(quotient)


def interest_frozen_post(frozen: pl.DataFrame, *, at: datetime) -> int:
    """Post the frozen interest of installments (contract_id, book_id, currency, n, due_date, frozen)."""
    if frozen.is_empty():
        return 0
    keyed = frozen.with_columns(
        idempotency_key=pl.format(
            "arrears:{}:breathing-space-interest:{}", pl.col("contract_id"), pl.col("n")
        )
    )
    text = keyed.select(
        pl.format(
            '{{"act":"breathing_space_interest_frozen","book":{},"installment":{},"interest":{}}}',
            pl.col("book_id"),
            pl.col("n"),
            pl.col("frozen"),
        )
    ).to_series()
    entries = keyed.select(
        "idempotency_key",
        "book_id",
        reason_code=pl.lit(INTEREST_FROZEN_REASON),
        effective_date="due_date",
        memo=pl.format("installment {} interest frozen in Breathing Space", pl.col("n")),
        fingerprint=pl.Series([hashlib.sha256(v.encode()).hexdigest() for v in text], dtype=pl.Utf8),
    )
    postings = pl.concat(
        [
            keyed.select(
                "idempotency_key",
                code=pl.lit(AccountCode.INTEREST_DUE.value),
                amount_minor=-pl.col("frozen"),
                currency="currency",
                installment="n",
            ),
            keyed.select(
                "idempotency_key",
                code=pl.lit(AccountCode.INTEREST_INCOME.value),
                amount_minor="frozen",
                currency="currency",
                installment=pl.lit(None, pl.Int64),
            ),
        ]
    )
    return ledger_batch.entries_post_bulk(entries=entries, postings=postings, at=at).posted
