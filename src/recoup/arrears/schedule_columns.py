"""The schedule engine's next step, for many accounts at once, in columns. Pure: Polars, no Django.

`portfolio.schedules._assemble` runs a balance down installment by installment. The nightly close
of business keeps, per account, where that walk stands after the last installment due (the
scheduled balance, the interest carried, the installment number), so the next installment's
split is one vectorised step here instead of a schedule rebuild. The step gives exactly what the
engine gives: the same day counts as exact fractions, rounded once in the version's mode.

The frame passed in holds, per account, the installment `n` to fall due and the columns of the
schedule version governing it (the latest version whose `v_from` is at most `n`):

    v_from, v_method ("annuity" | "lease"), v_principal, v_apr_e4 (APR percent × 10 000),
    v_count, v_start, v_first_due, v_frequency, v_day_count, v_rounding, v_balloon, v_payment,
    v_total (installments of the whole schedule), and the state: balance, carried.
"""

from __future__ import annotations

import polars as pl

APR_SCALE = 10_000  # APR percent is held as an integer of ten-thousandths
_DAYS_IN_LEAP_YEAR = 366


def due_date_expr(first_due: pl.Expr, k: pl.Expr, frequency: pl.Expr) -> pl.Expr:
    """The date `k` periods after `first_due`: months keep the first date's day, clipped to short months."""
    months = first_due.dt.offset_by(pl.format("{}mo", k))
    days = first_due + pl.duration(days=k * pl.when(frequency == "weekly").then(7).otherwise(14))
    return pl.when(frequency == "monthly").then(months).otherwise(days)


def _days_from_epoch(day: pl.Expr) -> pl.Expr:
    return day.cast(pl.Int32).cast(pl.Int64)


def _leaps_before(year: pl.Expr) -> pl.Expr:
    y = year - 1
    return y // 4 - y // 100 + y // 400


def _is_leap(year: pl.Expr) -> pl.Expr:
    return ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)


def _leap_days_to(day: pl.Expr) -> pl.Expr:
    """Days from 1 January of year 1 to `day` that fall in leap years (a monotone count)."""
    year = day.dt.year().cast(pl.Int64)
    into_year = day.dt.ordinal_day().cast(pl.Int64) - 1
    return _DAYS_IN_LEAP_YEAR * _leaps_before(year) + pl.when(_is_leap(year)).then(into_year).otherwise(0)


def year_fraction_expr(start: pl.Expr, end: pl.Expr, day_count: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The exact year fraction from `start` to `end` as (numerator, denominator), as daycount does.

    30/360 (ISDA bond basis), actual/365 fixed, actual/actual ISDA (leap-year days over 366, the
    others over 365, over the common denominator 365 × 366).
    """
    d1 = pl.min_horizontal(start.dt.day().cast(pl.Int64), pl.lit(30, pl.Int64))
    d2_raw = end.dt.day().cast(pl.Int64)
    d2 = pl.when((d2_raw == 31) & (d1 == 30)).then(30).otherwise(d2_raw)
    days_360 = (
        360 * (end.dt.year().cast(pl.Int64) - start.dt.year().cast(pl.Int64))
        + 30 * (end.dt.month().cast(pl.Int64) - start.dt.month().cast(pl.Int64))
        + (d2 - d1)
    )
    actual = _days_from_epoch(end) - _days_from_epoch(start)
    leap_days = _leap_days_to(end) - _leap_days_to(start)
    actual_actual = leap_days * 365 + (actual - leap_days) * 366
    numerator = (
        pl.when(day_count == "30/360")
        .then(days_360)
        .when(day_count == "actual/365")
        .then(actual)
        .otherwise(actual_actual)
    )
    denominator = (
        pl.when(day_count == "30/360")
        .then(360)
        .when(day_count == "actual/365")
        .then(365)
        .otherwise(365 * 366)
    )
    return numerator, denominator.cast(pl.Int64)


def rounded_div(numerator: pl.Expr, denominator: pl.Expr, rounding: pl.Expr) -> pl.Expr:
    """numerator / denominator (both ≥ 0) rounded to a whole number, ties as `rounding` names."""
    num = numerator.cast(pl.Int128)
    den = denominator.cast(pl.Int128)
    whole = num // den
    twice = 2 * (num % den)
    up = (twice > den) | ((twice == den) & ((rounding == "half-up") | (whole % 2 == 1)))
    return (whole + pl.when(up).then(1).otherwise(0)).cast(pl.Int64)


def period_interest_expr(
    balance: pl.Expr, apr_e4: pl.Expr, start: pl.Expr, end: pl.Expr, day_count: pl.Expr, rounding: pl.Expr
) -> pl.Expr:
    """balance × apr/100 × year fraction(start, end), rounded once in the named mode."""
    numerator, denominator = year_fraction_expr(start, end, day_count)
    exact_num = balance.cast(pl.Int128) * apr_e4.cast(pl.Int128) * numerator.cast(pl.Int128)
    return rounded_div(exact_num, denominator.cast(pl.Int128) * (100 * APR_SCALE), rounding)


def installment_split(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the split of installment `n`: due_date, previous_date (the period's start), interest,
    principal, payment, balance_after, carried_after.

    Follows `_assemble`: interest on the balance for the period since the previous due date (the
    segment's start for its first installment, where the balance is the segment's principal and
    nothing is carried); a regular installment pays at most the payment in interest and carries
    the rest; the final one pays what is carried and the balance down to the balloon.
    """
    k = pl.col("n") - pl.col("v_from")
    first_of_segment = k == 0
    lease = pl.col("v_method") == "lease"
    step = frame.with_columns(
        due_date=due_date_expr(pl.col("v_first_due"), k, pl.col("v_frequency")),
        previous_date=pl.when(first_of_segment)
        .then(pl.col("v_start"))
        .otherwise(due_date_expr(pl.col("v_first_due"), k - 1, pl.col("v_frequency"))),
        balance_before=pl.when(first_of_segment).then(pl.col("v_principal")).otherwise(pl.col("balance")),
        carried_before=pl.when(first_of_segment).then(0).otherwise(pl.col("carried")),
        is_final=pl.col("n") == pl.col("v_total"),
    )
    rent = pl.col("v_payment") - rounded_div(
        pl.col("v_principal") - pl.col("v_balloon"), pl.col("v_count"), pl.col("v_rounding")
    )
    accrued = (
        pl.when(lease)
        .then(rent)
        .otherwise(
            period_interest_expr(
                pl.col("balance_before"),
                pl.col("v_apr_e4"),
                pl.col("previous_date"),
                pl.col("due_date"),
                pl.col("v_day_count"),
                pl.col("v_rounding"),
            )
        )
    )
    step = step.with_columns(owed=accrued + pl.col("carried_before"))
    interest = (
        pl.when(pl.col("is_final"))
        .then(pl.col("owed"))
        .otherwise(pl.min_horizontal(pl.col("owed"), pl.col("v_payment")))
    )
    principal = (
        pl.when(pl.col("is_final"))
        .then(pl.col("balance_before") - pl.col("v_balloon"))
        .otherwise(pl.col("v_payment") - interest)
    )
    step = step.with_columns(interest=interest, principal=principal)
    return step.with_columns(
        payment=pl.col("interest") + pl.col("principal"),
        balance_after=pl.col("balance_before") - pl.col("principal"),
        carried_after=pl.col("owed") - pl.col("interest"),
    ).drop("balance_before", "carried_before", "owed")


def governing_versions(wanted: pl.DataFrame, versions: pl.DataFrame) -> pl.DataFrame:
    """Join each (contract_id, n) in `wanted` to the latest version whose `v_from` is at most `n`."""
    joined = wanted.join(versions, on="contract_id", how="inner").filter(pl.col("v_from") <= pl.col("n"))
    return (
        joined.sort("contract_id", "n", "v_version").group_by("contract_id", "n", maintain_order=True).last()
    )


def due_date_of(wanted: pl.DataFrame, versions: pl.DataFrame) -> pl.DataFrame:
    """(contract_id, n, due_date) for each wanted installment that the schedule has."""
    governed = governing_versions(wanted.select("contract_id", "n"), versions)
    return governed.filter(pl.col("n") <= pl.col("v_total")).select(
        "contract_id",
        "n",
        due_date=due_date_expr(pl.col("v_first_due"), pl.col("n") - pl.col("v_from"), pl.col("v_frequency")),
    )
