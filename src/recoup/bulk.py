"""Bulk loading for the batch jobs of every context: rows go in with COPY on PostgreSQL and
batched executemany on SQLite, never through the ORM one object at a time.

A `BulkLoader` hands out primary keys itself (the largest in the table plus one), so that the
rows of related tables can name each other before any of them is written; `finish` moves
PostgreSQL's identity sequences past what it handed out. It assumes it is the only writer of
its tables while it runs, as a conversion or a generated book is.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection

EXECUTEMANY_BATCH = 50_000
SQLITE_LOAD_PRAGMAS = (
    "PRAGMA synchronous=OFF",
    "PRAGMA cache_size=-1048576",  # 1 GiB of page cache while loading
    "PRAGMA temp_store=MEMORY",
)
SQLITE_NORMAL_PRAGMAS = ("PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-2000", "PRAGMA temp_store=DEFAULT")


class BulkLoader:
    """Writes whole tables' worth of rows; counts what it wrote, per table."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self._next: dict[str, int] = {}
        self.written: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def ids(self, table: str, count: int) -> range:
        """`count` fresh primary keys for `table`."""
        if table not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - our own table names
                self._next[table] = int(cursor.fetchone()[0]) + 1
        first = self._next[table]
        self._next[table] = first + count
        return range(first, first + count)

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Write `rows` (tuples in the order of `columns`) into `table`."""
        if not rows:
            return
        started = time.perf_counter()
        names = ", ".join(columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor  # psycopg's own cursor, for COPY
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
                raw = cursor.cursor
                for start in range(0, len(rows), EXECUTEMANY_BATCH):
                    raw.executemany(statement, rows[start : start + EXECUTEMANY_BATCH])
        self.written[table] = self.written.get(table, 0) + len(rows)
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started

    @contextmanager
    def session(self) -> Iterator[BulkLoader]:
        """Load-time settings for the connection, put back afterwards.

        SQLite's settings can change only outside a transaction: inside one (a test) they stay.
        """
        tune = not connection.in_atomic_block
        self._settings(SQLITE_LOAD_PRAGMAS if tune else (), "SET synchronous_commit = off")
        try:
            yield self
        finally:
            self._settings(SQLITE_NORMAL_PRAGMAS if tune else (), "SET synchronous_commit = on")

    def _settings(self, pragmas: Sequence[str], postgres: str) -> None:
        with connection.cursor() as cursor:
            for statement in pragmas if self.vendor == "sqlite" else (postgres,):
                cursor.execute(statement)

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


def sql_datetime(vendor: str, iso_date: str) -> str:
    """Noon UTC of a day, as each database's text form of a timestamp with time zone."""
    return f"{iso_date} 12:00:00" if vendor == "sqlite" else f"{iso_date} 12:00:00+00"
