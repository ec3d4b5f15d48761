"""Interest earned and not yet billed, for many accounts at once, in columns. Pure: Polars, no Django.

The column twin of `portfolio.accrual`, as `schedule_columns` is of the schedule engine: the same
base (the period's start, the balance it accrues on, the interest carried), the same exact day
counts, rounded once in the schedule version's mode, in integer arithmetic (no float).

The frame passed in holds, per account, the installment `n` not yet due, the columns of the
schedule version governing it (see schedule_columns) and the state after installment n − 1:
balance and carried.
"""

from __future__ import annotations

import calendar
from datetime import date

import polars as pl

from recoup.arrears.schedule_columns import due_date_expr, period_interest_expr


def interest_accrued_expr(
    balance: pl.Expr, apr_e4: pl.Expr, start: pl.Expr, end: pl.Expr, day_count: pl.Expr, rounding: pl.Expr
) -> pl.Expr:
    """balance × apr/100 × year fraction(start, end), rounded once: `portfolio.accrual.interest_accrued_minor`
    over columns (the APR held as percent × 10 000, as schedule versions are read)."""
    return period_interest_expr(balance, apr_e4, start, end, day_count, rounding)


def accrued_to(frame: pl.DataFrame, to_date: date | pl.Expr) -> pl.DataFrame:
    """Add accrual_start, accrual_balance and accrued (the interest earned and not yet billed on
    `to_date`, one date or a column of them).

    Follows `portfolio.accrual.accrual_base`: the first installment of a segment accrues from the
    segment's start on its principal, with nothing carried; a later one from the previous due date
    on the balance after it, with what is carried. Nothing accrues before the period starts.
    """
    k = pl.col("n") - pl.col("v_from")
    first_of_segment = k == 0
    based = frame.with_columns(
        accrual_start=pl.when(first_of_segment)
        .then(pl.col("v_start"))
        .otherwise(due_date_expr(pl.col("v_first_due"), k - 1, pl.col("v_frequency"))),
        accrual_balance=pl.when(first_of_segment).then(pl.col("v_principal")).otherwise(pl.col("balance")),
        accrual_carried=pl.when(first_of_segment).then(0).otherwise(pl.col("carried")),
    )
    end = to_date if isinstance(to_date, pl.Expr) else pl.lit(to_date, pl.Date)
    interest = interest_accrued_expr(
        pl.col("accrual_balance"),
        pl.col("v_apr_e4"),
        pl.col("accrual_start"),
        end,
        pl.col("v_day_count"),
        pl.col("v_rounding"),
    )
    return based.with_columns(
        accrued=pl.col("accrual_carried") + pl.when(pl.col("accrual_start") < end).then(interest).otherwise(0)
    ).drop("accrual_carried")


def is_month_end(day: date) -> bool:
    """The last day of its calendar month: the nights the ledger takes the accrual."""
    return day.day == calendar.monthrange(day.year, day.month)[1]


def accrual_key(contract_id: int, accrued_to_date: date) -> str:
    """The idempotency key of an account's accrual to a date: posted once, however often the night runs."""
    return f"arrears:{contract_id}:accrual:{accrued_to_date.isoformat()}"


def accrual_key_expr(contract_id: pl.Expr, accrued_to_date: date) -> pl.Expr:
    """`accrual_key` over a column of contract ids."""
    return pl.format("arrears:{}:accrual:{}", contract_id, pl.lit(accrued_to_date.isoformat()))
