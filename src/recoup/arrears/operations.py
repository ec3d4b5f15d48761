"""Writes of the arrears context: the nightly close of business over the whole book."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection

from recoup.arrears.batch.run import Progress, close_settings, date_close, date_compact
from recoup.arrears.errors import CatchUpTooLong, CloseGoesBack
from recoup.arrears.models import CobRun, CobStatus
from recoup.kernel.beside import Beside, first_failure

MAX_CATCH_UP_DAYS = 366
# How many ranges of contracts a date is closed in, side by side, when the setting RECOUP_COB_PARTS
# gives none: PostgreSQL works each statement on one backend, and a night in one transaction would
# use one core of its server; SQLite has one writer, and parts there would only add commits.
DEFAULT_PARTS = {"postgresql": 2}


@dataclass(frozen=True)
class CobResult:
    as_of: date
    dates: tuple[date, ...]  # the business dates closed by this call, oldest first
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)  # per date, per step


def cob_run(
    *,
    as_of: date,
    at: datetime,
    progress: Progress | None = None,
    committed: Callable[[bool], None] | None = None,
    parts: int | None = None,
) -> CobResult:
    """Close business up to `as_of`: every date after the last completed one, in order; `committed`
    is called as each date has committed, with whether more dates follow (see `checkpoint_beside`).
    `parts`: how many ranges of contracts each date is closed in (see `batch.parts`); by default
    the setting RECOUP_COB_PARTS, or DEFAULT_PARTS for the database.

    A first close runs `as_of` alone (initialising the arrears state of the whole book); a date
    already closed is not run again, so a second call for the same date changes nothing.

    Raises CatchUpTooLong (field "as_of") beyond MAX_CATCH_UP_DAYS missed dates, and CloseGoesBack
    (field "as_of") for a date before the last one closed that was never closed: the book has moved
    on from it (and each night's aged-debt totals are the last close's moved by that night's changes).
    """
    closed = CobRun.objects.filter(status=CobStatus.COMPLETED)
    latest = closed.order_by("-business_date").values_list("business_date", flat=True).first()
    if latest is not None and as_of < latest and not closed.filter(business_date=as_of).exists():
        raise CloseGoesBack(
            f"as_of: the book is closed up to {latest}; a close of business cannot go back to {as_of}",
            field="as_of",
        )
    last = (
        closed.filter(business_date__lt=as_of)
        .order_by("-business_date")
        .values_list("business_date", flat=True)
        .first()
    )
    start = as_of if last is None else last + timedelta(days=1)
    days = (as_of - start).days + 1
    if days > MAX_CATCH_UP_DAYS:
        raise CatchUpTooLong(
            f"as_of: {days} days since the last close of business on {last}; close them in steps",
            field="as_of",
        )
    dates = tuple(start + timedelta(days=offset) for offset in range(days))
    if parts is None:
        parts = settings.RECOUP_COB_PARTS or DEFAULT_PARTS.get(connection.vendor, 1)
    summaries = {}
    with connection.cursor() as cursor, close_settings(cursor):
        for business_date in dates:
            summaries[business_date.isoformat()] = _date_close(
                business_date, at=at, progress=progress, parts=parts
            )
            if committed is not None:
                committed(business_date < dates[-1])
    return CobResult(as_of=as_of, dates=dates, summaries=summaries)


def _date_close(
    business_date: date, *, at: datetime, progress: Progress | None, parts: int
) -> dict[str, Any]:
    """One business date in one transaction, or in one per part: a row that several steps change
    (an account's state, its ledger balances) is written to disk once, at the commit, not once per
    step. A run killed part-way leaves the date, or the parts not committed, as they were, and the
    next run closes them whole (see `batch.run`)."""
    summary = date_close(business_date, at=at, progress=progress, parts=parts)
    if date_compact(business_date):
        summary["state_init"]["compacted"] = True
    return summary


@contextmanager
def checkpoint_beside() -> Iterator[Callable[[bool], None]]:
    """On SQLite, copy a committed close into the database file beside the work that follows it.

    In WAL mode the commit that ends a night's large transaction checkpoints it there and then,
    by default: hundreds of megabytes of pages copied into the database file and synced (0.8 s at
    1,000,000 accounts), while the work after the close waits. Inside this block commits do not
    checkpoint; the function it yields is called as each date has committed (`cob_run` does),
    with whether more dates follow. After the last date it starts the checkpoint on a connection
    of its own, in a thread (SQLite works without Python's lock), so the work after the close runs
    on the other core meanwhile. Before another date it checkpoints there and then, as the commit
    would have: SQLite writes the WAL from its start again only once every page in it is in the
    database file, and a catch-up whose dates each began beside the last one's checkpoint would
    grow the WAL by every date it closes. The block ends once the last checkpoint has: the
    command still returns only when the night is in the database file. Nothing on other
    databases, on an in-memory one or inside a caller's transaction.
    """
    path = str(connection.settings_dict["NAME"])
    in_memory = path == ":memory:" or "mode=memory" in path
    if connection.vendor != "sqlite" or connection.in_atomic_block or in_memory:
        yield lambda more_dates: None
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    besides: list[Beside[None]] = []

    def checkpoint(more_dates: bool) -> None:
        if more_dates:
            _checkpoint(path)
            return
        besides.append(Beside(partial(_checkpoint, path), name="checkpoint"))

    try:
        yield checkpoint
    finally:
        failure = first_failure(besides)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={before}")
    if failure is not None:
        raise failure


def _checkpoint(path: str) -> None:
    # PASSIVE: copies what no reader still needs, and never waits for the writer beside it.
    with closing(sqlite3.connect(path)) as database:
        database.execute("PRAGMA wal_checkpoint(PASSIVE)")
