"""Bulk I/O between Polars frames and a database cursor: the storage edge of the set-based jobs.

No Django here: the functions take a DB-API cursor and the vendor ("sqlite" or "postgresql").
Frames go into temporary tables (multi-row INSERTs on SQLite, COPY on PostgreSQL), and the jobs
then move rows with INSERT … SELECT and UPDATE … FROM, so no row passes through Python twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl

BATCH_ROWS = 50_000
FETCH_ROWS = 200_000
COPY_CHUNK_BYTES = 64 * 2**20
SQLITE_ROWS_PER_INSERT = 500
SQLITE_MAX_PARAMETERS = 32_766  # SQLITE_MAX_VARIABLE_NUMBER's default since SQLite 3.32
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

# SQL column types by Polars type, for temporary tables.
_SQL_TYPES: dict[type[pl.DataType], str] = {
    pl.Int64: "BIGINT",
    pl.Int32: "BIGINT",
    pl.Int16: "BIGINT",
    pl.Int8: "BIGINT",
    pl.UInt32: "BIGINT",
    pl.UInt64: "BIGINT",
    pl.Utf8: "TEXT",
    pl.Date: "DATE",
    pl.Boolean: "BOOLEAN",
}


@contextmanager
def sqlite_pragmas_held(cursor: Any, pragmas: Mapping[str, str]) -> Iterator[None]:
    """Set SQLite pragmas for the duration of a batch job, then put back what was there.

    Outside a transaction only: some pragmas (journal_mode, foreign_keys) are no-ops inside one.
    """
    before: dict[str, str] = {}
    for pragma, value in pragmas.items():
        _names_check(pragma)
        cursor.execute(f"PRAGMA {pragma}")
        before[pragma] = str(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA {pragma}={value}")
    try:
        yield
    finally:
        for pragma, value in before.items():
            cursor.execute(f"PRAGMA {pragma}={value}")


@contextmanager
def postgres_settings_held(
    cursor: Any, settings: Mapping[str, str], *, local: bool = False
) -> Iterator[None]:
    """Set PostgreSQL settings for the duration of a batch job or step, then put back what was there.

    For the session, outside a transaction (as `sqlite_pragmas_held`: a setting made inside one would
    be undone with it); `local`, inside one, for the statements in between only (SET LOCAL).
    """
    before: dict[str, str] = {}
    for name, value in settings.items():
        _names_check(name)
        cursor.execute("SELECT current_setting(%s)", [name])
        before[name] = str(cursor.fetchone()[0])
        cursor.execute("SELECT set_config(%s, %s, %s)", [name, value, local])
    try:
        yield
    finally:
        for name, value in before.items():
            cursor.execute("SELECT set_config(%s, %s, %s)", [name, value, local])


def sql_epoch_days(vendor: str, column: str) -> str:
    """An SQL expression giving a DATE column as whole days since 1970-01-01 (NULL stays NULL)."""
    if vendor == "sqlite":
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"
    return f"({column} - DATE '1970-01-01')"


def sql_id_range(column: str, low: int | None, high: int | None) -> tuple[str, list[int]]:
    """The condition, to AND onto a WHERE clause, that keeps `column` in [low, high) (no bound on a
    side given as None), and its parameters; nothing when neither is given."""
    bounds = [(f"{column} >= %s", low), (f"{column} < %s", high)]
    return (
        "".join(f" AND {condition}" for condition, bound in bounds if bound is not None),
        [bound for _, bound in bounds if bound is not None],
    )


def sql_indexed_by(vendor: str, index: str) -> str:
    """SQLite's INDEXED BY clause for a table reference (nothing on PostgreSQL, which plans on the
    table's statistics): for a read SQLite would otherwise drive from another of the table's
    indexes, one it cannot tell matches far more rows."""
    _names_check(index)
    return f" INDEXED BY {index}" if vendor == "sqlite" else ""


def frame_query(cursor: Any, sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    """Run a query and return its rows as a frame; a column typed pl.Date may come from the query as
    epoch days (see sql_epoch_days) or as a date.

    On PostgreSQL the rows come as CSV through COPY and Polars parses them (see `_frame_copied`).
    Elsewhere they come a batch at a time, so that a read of millions of them (a first close reads
    every account) holds one batch as Python tuples at once rather than all of them.
    """
    if callable(getattr(cursor, "copy", None)):
        return _frame_copied(cursor, sql, params, schema)
    read_schema = {name: (pl.Int64 if kind == pl.Date else kind) for name, kind in schema.items()}
    cursor.execute(sql, list(params))
    parts = []
    while rows := cursor.fetchmany(FETCH_ROWS):
        parts.append(pl.DataFrame(rows, schema=read_schema, orient="row"))
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=read_schema)
    dates = [name for name, kind in schema.items() if kind == pl.Date]
    if dates:
        frame = frame.with_columns(pl.col(name).cast(pl.Int32).cast(pl.Date) for name in dates)
    return frame


def _frame_copied(cursor: Any, sql: str, params: Sequence[Any], schema: Mapping[str, Any]) -> pl.DataFrame:
    """The rows of a query, through a cursor that can COPY (psycopg's): the server writes them as
    CSV and Polars parses them, with no Python object per value. Taking each value as a Python
    object and building the frame from those took a tenth of the Python time of a full night at
    4,000,000 accounts, and held the Python lock the other parts of the close wait for.

    The CSV is parsed a chunk of whole rows at a time (COPY_CHUNK_BYTES), so that a read of
    millions of rows holds one chunk of text at once. PostgreSQL writes NULL as an empty field and
    an empty text as "", which Polars tells apart the same way; booleans come as t and f, and dates
    as YYYY-MM-DD (or as whole numbers, epoch days).
    """
    as_text = {name for name, kind in schema.items() if kind in (pl.Boolean, pl.Date)}
    text_schema = {name: (pl.Utf8 if name in as_text else kind) for name, kind in schema.items()}
    parts = []
    pending = bytearray()
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", list(params)) as copy:
        for block in copy:
            pending += block
            if len(pending) >= COPY_CHUNK_BYTES and (cut := _rows_end(pending)):
                parts.append(pl.read_csv(bytes(pending[:cut]), has_header=False, schema=text_schema))
                del pending[:cut]
    if pending or not parts:
        parts.append(pl.read_csv(bytes(pending), has_header=False, schema=text_schema))
    text = pl.concat(parts) if len(parts) > 1 else parts[0]
    frame = text.with_columns(
        pl.col(name).replace_strict({"t": True, "f": False}, return_dtype=pl.Boolean)
        if kind == pl.Boolean
        else pl.coalesce(
            pl.col(name).str.to_date("%Y-%m-%d", strict=False),
            pl.col(name).cast(pl.Int32, strict=False).cast(pl.Date),
        )
        for name, kind in schema.items()
        if name in as_text
    )
    for name in as_text:
        lost = frame[name].is_null() & text[name].is_not_null()
        if lost.any():
            raise ValueError(f"column {name} holds {text[name].filter(lost)[0]!r}, which is not a date")
    return frame


def _rows_end(text: bytearray) -> int:
    """Where the last whole CSV row of `text` ends: after its last line break outside quotes (a
    quoted field may hold a line break; quotes inside one are doubled, so a break is outside
    every quoted field where the quotes before it are even in number). 0 when there is none."""
    end = text.rfind(b"\n")
    while end >= 0 and text.count(b'"', 0, end) % 2:
        end = text.rfind(b"\n", 0, end)
    return end + 1


def temp_table_load(
    cursor: Any, vendor: str, name: str, frame: pl.DataFrame, *, key: str | None = None
) -> None:
    """(Re)create temporary table `name` with the frame's columns and load its rows.

    `key`, an integer column unique in the frame, is the table's rowid on SQLite: a read grouped
    by it walks the table in key order instead of sorting every row it joins (the balances of
    280,000 accounts to refresh in a 4,000,000-account book, summed per account: 1.4 s against
    0.9 s).
    """
    _names_check(name, *frame.columns)
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    rowid = key if vendor == "sqlite" else None
    columns = ", ".join(
        f"{column} {'INTEGER PRIMARY KEY' if column == rowid else _sql_type(kind)}"
        for column, kind in frame.schema.items()
    )
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
    frame_insert(cursor, vendor, name, frame)
    if vendor == "postgresql":
        # Autovacuum never analyses temporary tables: without row counts the planner guesses, and
        # may hash-join a million-row table in full against a few thousand staged rows.
        cursor.execute(f"ANALYZE {name}")


def frame_insert(cursor: Any, vendor: str, table: str, frame: pl.DataFrame) -> None:
    """Insert every row of the frame into `table` (columns by name)."""
    _names_check(table, *frame.columns)
    if frame.is_empty():
        return
    columns = ", ".join(frame.columns)
    if vendor == "postgresql":
        text = frame.write_csv(include_header=False, quote_style="non_numeric", null_value="")
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(text)
        return
    dated = frame.with_columns(
        pl.col(name).dt.to_string("%Y-%m-%d") for name, kind in frame.schema.items() if kind == pl.Date
    )
    for offset in range(0, dated.height, BATCH_ROWS):
        part = dated.slice(offset, BATCH_ROWS)
        values = [part[name].to_list() for name in part.columns]
        for statement, batches in sqlite_inserts(table, part.columns, values, part.height, mark="%s"):
            cursor.executemany(statement, batches)


def sqlite_inserts(
    table: str, names: Sequence[str], columns: Sequence[Any], count: int, *, mark: str = "?"
) -> list[tuple[str, list[list[Any]]]]:
    """`count` rows for SQLite as INSERT statements of many rows each (SQLITE_ROWS_PER_INSERT, fewer
    for a wide table): the statement for full batches with every full batch's parameters, then
    the statement for the last, shorter batch with its own, for executemany.

    One statement per row, as executemany of a single row's VALUES, costs SQLite a statement step
    per row and Python a tuple per row: many rows per statement write a night's staged rows in
    about half the time. `columns` hold `count` values each, row by row, or one plain value for
    every row; `mark` is the driver's parameter mark ("%s" through Django's cursor).
    """
    _names_check(table, *names)
    width = len(names)
    flat: list[Any] = [None] * (count * width)
    for place, column in enumerate(columns):
        flat[place::width] = column if isinstance(column, list) else [column] * count
    per = max(1, min(SQLITE_ROWS_PER_INSERT, SQLITE_MAX_PARAMETERS // max(width, 1)))
    row = f"({', '.join(mark for _ in names)})"

    def statement(rows: int) -> str:
        return f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([row] * rows)}"  # noqa: S608

    full = count // per * per
    step = per * width
    inserts = []
    if full:
        inserts.append((statement(per), [flat[at : at + step] for at in range(0, full * width, step)]))
    if count > full:
        inserts.append((statement(count - full), [flat[full * width :]]))
    return inserts


def frame_update(cursor: Any, vendor: str, table: str, key: str, frame: pl.DataFrame) -> None:
    """Set the frame's columns on the rows of `table` whose `key` matches, in one UPDATE … FROM
    driven by the frame's rows (see `batch_driven`), staged in key order."""
    if frame.is_empty():
        return
    _names_check(table, key, *frame.columns)
    staging = f"staging_{table}"
    temp_table_load(cursor, vendor, staging, frame.sort(key))
    assignments = ", ".join(f"{column} = u.{column}" for column in frame.columns if column != key)
    with batch_driven(cursor, vendor):
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {staging} u WHERE {table}.{key} = u.{key}"  # noqa: S608
        )
    cursor.execute(f"DROP TABLE {staging}")


# A batch's statements join a temporary table of the rows concerned (a night's few per cent of the
# book) to the book's tables by key. PostgreSQL's planner, costing an index probe per staged row
# against one pass over the table, turns to a hash join over the whole table once the batch reaches
# a few per cent of it: a night with 114,000 balances to move read all 5.4 million ledger accounts
# (2.2 s against 0.7 s by the index), and the cost grew with the book rather than the night.
BATCH_DRIVEN = {"enable_hashjoin": "off", "enable_mergejoin": "off"}


@contextmanager
def batch_driven(cursor: Any, vendor: str) -> Iterator[None]:
    """For the statements inside, on PostgreSQL, join by nested loops: each staged row reaches its
    rows through an index. Within the caller's transaction (SET LOCAL); SQLite plans so already."""
    if vendor != "postgresql":
        yield
        return
    with postgres_settings_held(cursor, BATCH_DRIVEN, local=True):
        yield


def _sql_type(kind: Any) -> str:
    base = kind.base_type() if hasattr(kind, "base_type") else kind
    if base not in _SQL_TYPES:
        raise TypeError(f"no SQL type for a column of {kind}")
    return _SQL_TYPES[base]


def _names_check(*names: str) -> None:
    """Table and column names are spliced into SQL, so they must be plain identifiers from code."""
    for name in names:
        if not _NAME.match(name):
            raise ValueError(f"{name!r} is not a plain SQL identifier")
