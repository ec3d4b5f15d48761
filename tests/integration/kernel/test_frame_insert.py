"""bulk.frame_insert writes every row of a frame, whatever its size against the batches and the
rows per statement, with its nulls, dates and text as they were."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from django.db import connection

from recoup.kernel import bulk

SCHEMA = {"n": pl.Int64, "label": pl.Utf8, "day": pl.Date, "flag": pl.Boolean}


def _frame(rows: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "n": list(range(rows)),
            "label": [None if n % 7 == 0 else f"it's row {n}" for n in range(rows)],
            "day": [date(2024, 2, 28) + timedelta(days=n % 3) for n in range(rows)],
            "flag": [n % 2 == 0 for n in range(rows)],
        },
        schema=SCHEMA,
    )


def _read_back(name: str) -> pl.DataFrame:
    days = bulk.sql_epoch_days(connection.vendor, "day")
    with connection.cursor() as cursor:
        frame = bulk.frame_query(
            cursor,
            f"SELECT n, label, {days}, CASE WHEN flag THEN 1 ELSE 0 END FROM {name} ORDER BY n",  # noqa: S608
            [],
            {"n": pl.Int64, "label": pl.Utf8, "day": pl.Date, "flag": pl.Int64},
        )
    return frame.with_columns(pl.col("flag").cast(pl.Boolean))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rows",
    [1, bulk.SQLITE_ROWS_PER_INSERT - 1, bulk.SQLITE_ROWS_PER_INSERT, 2 * bulk.SQLITE_ROWS_PER_INSERT + 3],
)
def test_every_row_arrives_as_it_was(rows: int) -> None:
    frame = _frame(rows)
    with connection.cursor() as cursor:
        bulk.temp_table_load(cursor, connection.vendor, "insert_check", frame)

    assert _read_back("insert_check").equals(frame)


@pytest.mark.django_db
def test_more_rows_than_a_batch_arrive_whole() -> None:
    frame = _frame(bulk.BATCH_ROWS + 501)
    with connection.cursor() as cursor:
        bulk.temp_table_load(cursor, connection.vendor, "insert_check", frame)

    assert _read_back("insert_check").equals(frame)


def test_a_wide_table_takes_fewer_rows_per_statement_within_sqlites_parameter_limit() -> None:
    names = [f"c{i}" for i in range(100)]
    inserts = bulk.sqlite_inserts("wide", names, [[i] * 1000 for i in range(100)], 1000)

    full, rows = inserts[0]
    per = bulk.SQLITE_MAX_PARAMETERS // 100
    assert full.count("?") == per * 100 <= bulk.SQLITE_MAX_PARAMETERS
    assert [len(batch) for batch in rows] == [per * 100] * (1000 // per)
    assert sum(len(batch) for _, batches in inserts for batch in batches) == 1000 * 100


def test_a_plain_value_fills_every_row() -> None:
    ((statement, rows),) = bulk.sqlite_inserts("t", ["a", "b"], [[1, 2, 3], "x"], 3, mark="%s")

    assert statement == "INSERT INTO t (a, b) VALUES (%s, %s), (%s, %s), (%s, %s)"
    assert rows == [[1, "x", 2, "x", 3, "x"]]


def test_a_column_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="size"):
        bulk.sqlite_inserts("t", ["a", "b"], [[1, 2, 3], [1, 2]], 3)
