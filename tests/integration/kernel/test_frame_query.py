"""bulk.frame_query reads a result of any size, a batch of rows at a time, into one typed frame."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from django.db import connection

from recoup.kernel import bulk

COUNTING = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %s) "
    "SELECT x, x * 2, CASE WHEN x %% 3 = 0 THEN NULL ELSE 'row' END FROM n"
)
SCHEMA = {"x": pl.Int64, "twice": pl.Int64, "label": pl.Utf8}


@pytest.mark.django_db
def test_a_result_larger_than_a_batch_arrives_whole_and_in_order() -> None:
    rows = 2 * bulk.FETCH_ROWS + 17
    with connection.cursor() as cursor:
        frame = bulk.frame_query(cursor, COUNTING, [rows], SCHEMA)

    assert frame.height == rows
    assert frame["x"].to_list() == list(range(1, rows + 1))
    assert (frame["twice"] == frame["x"] * 2).all()
    assert frame["label"].null_count() == rows // 3
    assert frame.schema == pl.Schema(SCHEMA)


@pytest.mark.django_db
def test_an_empty_result_is_an_empty_frame_of_the_schema() -> None:
    with connection.cursor() as cursor:
        frame = bulk.frame_query(cursor, COUNTING + " WHERE x > %s", [5, 10], SCHEMA)

    assert frame.is_empty()
    assert frame.schema == pl.Schema(SCHEMA)


@pytest.mark.django_db
def test_dates_arrive_as_dates() -> None:
    days = bulk.sql_epoch_days(connection.vendor, "%s")
    with connection.cursor() as cursor:
        frame = bulk.frame_query(cursor, f"SELECT {days}", [date(2024, 2, 29)], {"day": pl.Date})

    assert frame["day"].to_list() == [date(2024, 2, 29)]
