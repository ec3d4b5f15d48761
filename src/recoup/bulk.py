"""Bulk loading for the batch jobs of every context: rows go in with COPY on PostgreSQL and
multi-row INSERTs on SQLite, never through the ORM one object at a time.

Rows are handed over as columns. On PostgreSQL Polars writes a whole table's worth of COPY text
at once; on SQLite the columns are zipped into rows bound 500 to an INSERT.

A `BulkLoader` hands out primary keys itself (the largest in the table plus one), so that the
rows of related tables can name each other before any of them is written; `finish` moves
PostgreSQL's identity sequences past what it handed out. It assumes it is the only writer of
its tables while it runs, as a conversion or a generated book is.

Into empty tables, `schema_set_aside` loads faster still: secondary indexes, unique constraints
other than primary keys and foreign keys come off first and are put back, exactly as the live
schema defined them, once the rows are in.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.db import connection

from recoup.kernel import bulk as kernel_bulk

# Held while a load runs, read back from the connection first and put back afterwards.
SQLITE_LOAD_PRAGMAS = {
    # No rollback journal and no syncing: a crash mid-load can leave the file unusable. A
    # generated book or a conversion is rerun from scratch into a fresh database, so the speed
    # is worth more than the durability here.
    "journal_mode": "OFF",
    "synchronous": "OFF",
    "cache_size": "-1048576",  # 1 GiB of page cache
    "temp_store": "MEMORY",
    # Foreign keys are checked once, table by table, when the load ends (schema_set_aside).
    "foreign_keys": "OFF",
}
SCALARS = (str, int, bool, type(None))
COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))

Column = Sequence[Any] | np.ndarray | pl.Series | str | int | bool | None


class BrokenForeignKeys(RuntimeError):
    """Rows loaded with foreign keys set aside name rows that do not exist."""


@dataclass(frozen=True)
class Prepared:
    """Rows ready to send: COPY text on PostgreSQL, INSERT statements and their values on SQLite."""

    table: str
    names: str
    count: int
    payload: bytes | list[tuple[str, list[list[Any]]]]


def _copy_text(columns: Mapping[str, Column], count: int) -> bytes:
    frame = pl.DataFrame(
        {
            name: pl.repeat(column, count, eager=True) if isinstance(column, SCALARS) else column
            for name, column in columns.items()
        }
    )
    text = pl.col(pl.String)
    for plain, escaped in COPY_ESCAPES:
        text = text.str.replace_all(plain, escaped, literal=True)
    buffer = io.BytesIO()
    frame.with_columns(text).write_csv(
        buffer, separator="\t", quote_style="never", null_value="\\N", include_header=False
    )
    return buffer.getvalue()


def _insert_statements(
    table: str, columns: Mapping[str, Column], count: int
) -> list[tuple[str, list[list[Any]]]]:
    # Many rows per INSERT rather than executemany's one: SQLite builds the lookup table of a
    # CHECK (column IN (...)) once per statement, which per row costs more than the insert.
    values = [
        column
        if isinstance(column, SCALARS)
        else column.tolist()
        if isinstance(column, np.ndarray)
        else column.to_list()
        if isinstance(column, pl.Series)
        else list(column)
        for column in columns.values()
    ]
    return kernel_bulk.sqlite_inserts(table, list(columns), values, count)


class BulkLoader:
    """Writes whole tables' worth of rows; counts what it wrote, per table."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self._next: dict[str, int] = {}
        self.written: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self._foreign_keys_off = False
        self._held: list[Prepared] | None = None

    def ids(self, table: str, count: int) -> range:
        """`count` fresh primary keys for `table`."""
        if table not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - our own table names
                self._next[table] = int(cursor.fetchone()[0]) + 1
        first = self._next[table]
        self._next[table] = first + count
        return range(first, first + count)

    def insert(self, table: str, columns: Mapping[str, Column]) -> None:
        """Write one row per entry of the columns into `table`. A column given as one plain value
        (a string, number, boolean or None) holds that value in every row. While `held`, the rows
        are made ready to send and kept for `write` instead."""
        lengths = {len(column) for column in columns.values() if not isinstance(column, SCALARS)}
        if len(lengths) != 1:
            raise ValueError(f"{table}: columns of lengths {sorted(lengths)}; need one length")
        count = lengths.pop()
        if not count:
            return
        prepared = (
            _copy_text(columns, count)
            if self.vendor == "postgresql"
            else _insert_statements(table, columns, count)
        )
        batch = Prepared(table=table, names=", ".join(columns), count=count, payload=prepared)
        if self._held is not None:
            self._held.append(batch)
        else:
            self.write([batch])

    @contextmanager
    def held(self) -> Iterator[list[Prepared]]:
        """Rows inserted inside are made ready (COPY text, INSERT statements) but not sent, so
        another thread can make the next rows ready while `write` sends these; ids come from
        the loader's own counters, read from the database beforehand with `ids(table, 0)`."""
        self._held = []
        try:
            yield self._held
        finally:
            self._held = None

    def write(self, batches: Sequence[Prepared]) -> None:
        """Send rows made ready by `insert`, on the connection's own thread."""
        for batch in batches:
            started = time.perf_counter()
            if self.vendor == "postgresql":
                assert isinstance(batch.payload, bytes)
                with (
                    connection.cursor() as cursor,
                    cursor.cursor.copy(f"COPY {batch.table} ({batch.names}) FROM STDIN") as copy,
                ):
                    copy.write(batch.payload)
            else:
                assert isinstance(batch.payload, list)
                cursor = connection.connection.cursor()
                try:
                    for sql, rows in batch.payload:
                        cursor.executemany(sql, rows)
                finally:
                    cursor.close()
            self.written[batch.table] = self.written.get(batch.table, 0) + batch.count
            self.seconds[batch.table] = self.seconds.get(batch.table, 0.0) + time.perf_counter() - started

    @contextmanager
    def session(self) -> Iterator[BulkLoader]:
        """Load-time settings for the connection, put back afterwards.

        SQLite's settings can change only outside a transaction: inside one (a test) they stay.
        """
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                cursor.execute("SET maintenance_work_mem = '1GB'")  # for building indexes back
            try:
                yield self
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET synchronous_commit")
                    cursor.execute("RESET maintenance_work_mem")
            return
        if connection.in_atomic_block:
            yield self
            return
        with connection.cursor() as cursor, kernel_bulk.sqlite_pragmas_held(cursor, SQLITE_LOAD_PRAGMAS):
            self._foreign_keys_off = True
            try:
                yield self
            finally:
                self._foreign_keys_off = False

    @contextmanager
    def schema_set_aside(self, tables: Sequence[str]) -> Iterator[None]:
        """Inside the caller's transaction, take the secondary indexes, unique constraints other
        than primary keys and foreign keys off `tables`, and put the same definitions back at the
        end, read from the live schema (so whatever the migrations made is restored); on SQLite
        foreign keys stay in the tables and are checked once at the end instead. For empty tables
        only: putting the schema back checks every row against it.

        Raises BrokenForeignKeys (SQLite) or the database's integrity error if the rows loaded
        break what the schema requires.
        """
        if self.vendor == "postgresql":
            with _postgres_schema_set_aside(tables):
                yield
        else:
            with _sqlite_indexes_set_aside(tables):
                yield
            if self._foreign_keys_off:
                _sqlite_foreign_keys_check(tables)

    def finish(self) -> None:
        """Move identity sequences past the keys handed out, and refresh the planner's statistics."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for table in sorted(self._next):
                    maximum = f"SELECT GREATEST(COALESCE(MAX(id), 0), 1) FROM {table}"  # noqa: S608
                    sequence_reset = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({maximum}))"
                    cursor.execute(sequence_reset, [table])
                for table in sorted(self.written):
                    cursor.execute(f"ANALYZE {table}")
            else:
                cursor.execute("ANALYZE")


def tables_empty(tables: Sequence[str]) -> bool:
    """Whether none of `tables` holds a row."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - our own table names
            if cursor.fetchone() is not None:
                return False
    return True


@contextmanager
def _sqlite_indexes_set_aside(tables: Sequence[str]) -> Iterator[None]:
    # Indexes SQLite made for UNIQUE inside CREATE TABLE have no SQL and cannot be dropped.
    marks = ", ".join("?" for _ in tables)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "  # noqa: S608 - placeholders only
            f"WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name",
            list(tables),
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _, sql in indexes:
            cursor.execute(sql)


def _sqlite_foreign_keys_check(tables: Sequence[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'PRAGMA foreign_key_check("{table}")')
            broken = cursor.fetchone()
            if broken is not None:
                raise BrokenForeignKeys(f"{table} row {broken[1]} names a missing {broken[2]} row")


@contextmanager
def _postgres_schema_set_aside(tables: Sequence[str]) -> Iterator[None]:
    with connection.cursor() as cursor:
        # A table with trigger events still pending cannot be altered: check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype IN ('f', 'u') AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY contype, conrelid::regclass::text, conname",
            [list(tables)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass "
            "AND c.contype IN ('p', 'u', 'x')) ORDER BY i.indexname",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for table, name, _, _ in constraints:  # foreign keys ('f') sort first
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, _, definition in sorted(constraints, key=lambda c: c[2], reverse=True):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def sql_datetime(vendor: str, iso_date: str) -> str:
    """Noon UTC of a day, as each database's text form of a timestamp with time zone."""
    return f"{iso_date} 12:00:00" if vendor == "sqlite" else f"{iso_date} 12:00:00+00"
