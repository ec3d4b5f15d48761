# ruff: noqa: S608 - the SQL is spliced only from constants, table names and vendor date expressions
"""The SQL reads of the close of business, straight into Polars frames.

Each read is driven by a temporary table of the contracts concerned (`cob_ids`), loaded by the
caller, so that a night touches the rows that change and not the whole book.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from recoup.kernel import bulk

VERSION_SCHEMA = {
    "contract_id": pl.Int64,
    "v_version": pl.Int64,
    "v_from": pl.Int64,
    "v_method": pl.Utf8,
    "v_principal": pl.Int64,
    "v_apr_e4": pl.Int64,
    "v_count": pl.Int64,
    "v_start": pl.Date,
    "v_first_due": pl.Date,
    "v_frequency": pl.Utf8,
    "v_day_count": pl.Utf8,
    "v_rounding": pl.Utf8,
    "v_balloon": pl.Int64,
    "v_payment": pl.Int64,
    "v_total": pl.Int64,
}


def ids_load(cursor: Any, vendor: str, contract_ids: pl.Series, name: str = "cob_ids") -> None:
    """Load the contracts a step works on into a temporary table."""
    bulk.temp_table_load(cursor, vendor, name, pl.DataFrame({"contract_id": contract_ids.cast(pl.Int64)}))


def versions_read(cursor: Any, vendor: str, ids_table: str = "cob_ids") -> pl.DataFrame:
    """Every schedule version of the contracts in `ids_table`."""
    days = bulk.sql_epoch_days
    with bulk.batch_driven(cursor, vendor):
        return bulk.frame_query(
            cursor,
            "SELECT v.contract_id, v.version, v.from_installment, v.method, v.principal_minor, "
            "CAST(ROUND(v.apr * 10000) AS BIGINT), v.installment_count, "
            f"{days(vendor, 'v.start_date')}, {days(vendor, 'v.first_due_date')}, v.frequency, "
            "v.day_count, v.rounding, v.balloon_minor, v.payment_minor, v.total_installments "
            f"FROM portfolio_scheduleversion v JOIN {ids_table} i ON i.contract_id = v.contract_id",
            [],
            VERSION_SCHEMA,
        )


def products_read(cursor: Any) -> pl.DataFrame:
    """Every product's late-fee rule and interest method (a handful of rows)."""
    cursor.execute(
        "SELECT code, interest_method, late_fee_grace_days, late_fee_fixed_minor, "
        "CAST(ROUND(late_fee_percent * 10000) AS BIGINT), late_fee_cap_minor, late_fee_max_cost_minor "
        "FROM portfolio_product ORDER BY code"
    )
    return pl.DataFrame(
        cursor.fetchall(),
        schema={
            "product_code": pl.Utf8,
            "interest_method": pl.Utf8,
            "grace_days": pl.Int64,
            "fixed_minor": pl.Int64,
            "percent_e4": pl.Int64,
            "cap_minor": pl.Int64,
            "max_cost_minor": pl.Int64,
        },
        orient="row",
    )


def schemes_read(cursor: Any) -> list[tuple[str, str, list[str]]]:
    """(code, boundaries, product codes) of every bucket scheme."""
    cursor.execute("SELECT code, boundaries, product_codes FROM arrears_bucketscheme ORDER BY code")
    return [(code, boundaries, products.split()) for code, boundaries, products in cursor.fetchall()]
