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


# Texts that CSV must quote (a comma, a quote, line breaks), an empty text beside a NULL, booleans.
AWKWARD = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %s) "
    "SELECT x, CASE x %% 5 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'a, \"b\"' "
    "WHEN 3 THEN 'line one' || CHAR_OR_CHR(10) || 'line \"two\"' || CHAR_OR_CHR(13) || CHAR_OR_CHR(10) "
    "ELSE 'plain' END, CASE WHEN x %% 7 = 0 THEN NULL ELSE x %% 2 = 0 END FROM n"
)
AWKWARD_SCHEMA = {"x": pl.Int64, "text": pl.Utf8, "even": pl.Boolean}


def awkward_expected(x: int) -> tuple[int, str | None, bool | None]:
    texts = {0: None, 1: "", 2: 'a, "b"', 3: 'line one\nline "two"\r\n', 4: "plain"}
    return x, texts[x % 5], None if x % 7 == 0 else x % 2 == 0


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_bytes", [bulk.COPY_CHUNK_BYTES, 64, 1])
def test_texts_nulls_and_booleans_arrive_as_written(
    monkeypatch: pytest.MonkeyPatch, chunk_bytes: int
) -> None:
    """On PostgreSQL, in chunks of CSV cut only between whole rows, however small the chunk."""
    monkeypatch.setattr(bulk, "COPY_CHUNK_BYTES", chunk_bytes)
    rows = 300
    sql = AWKWARD.replace("CHAR_OR_CHR", "CHR" if connection.vendor == "postgresql" else "CHAR")
    with connection.cursor() as cursor:
        frame = bulk.frame_query(cursor, sql, [rows], AWKWARD_SCHEMA)

    assert frame.schema == pl.Schema(AWKWARD_SCHEMA)
    assert frame.rows() == [awkward_expected(x) for x in range(1, rows + 1)]


@pytest.mark.django_db
def test_a_date_column_read_as_it_is_arrives_as_dates() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE frame_dates (x BIGINT, d DATE)")
        cursor.execute(
            "INSERT INTO frame_dates VALUES (1, %s), (2, NULL), (3, %s)",
            [date(1969, 12, 31), date(2024, 2, 29)],
        )
        frame = bulk.frame_query(
            cursor, "SELECT x, d FROM frame_dates ORDER BY x", [], {"x": pl.Int64, "d": pl.Date}
        )
        cursor.execute("DROP TABLE frame_dates")

    assert frame.rows() == [(1, date(1969, 12, 31)), (2, None), (3, date(2024, 2, 29))]
