"""One close of business: its steps in order, each recorded in CobRun.steps_done as it ends.

The date is one transaction, each step a savepoint within it: a run killed part-way leaves the date
as it was, and the next run closes it whole. Steps hand on what a later step writes with its own
changes to the same rows (the state the installments leave, written by the arrears refresh), so
that a night writes each of those rows once; they could not be handed on across a commit. A date
whose run committed some steps (as earlier versions did, step by step) is finished from the steps
it had not done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl
from django.db import connection, transaction

from recoup.arrears.batch import accrual, steps
from recoup.arrears.models import CobRun, CobStatus

STEP_NAMES = (
    "state_init",
    "installments_fall_due",
    "interest_accrue",
    "arrears_refresh",
    "late_fees_assess",
    "buckets_update",
)

Progress = Callable[[date, str, int, int], None]


def date_close(business_date: date, *, at: datetime, progress: Progress | None = None) -> dict[str, Any]:
    """Run (or finish) the close of business for one date, in one transaction; a completed date is
    left as it is."""
    with transaction.atomic():
        return _date_steps(business_date, at=at, progress=progress)


def _date_steps(business_date: date, *, at: datetime, progress: Progress | None) -> dict[str, Any]:
    run, _ = CobRun.objects.get_or_create(
        business_date=business_date, defaults={"status": CobStatus.RUNNING, "started_at": at}
    )
    if run.status == CobStatus.COMPLETED:
        return dict(run.summary)
    seen = _previous_watermarks(business_date)
    vendor = connection.vendor
    handed = Handed()
    for index, name in enumerate(STEP_NAMES):
        if progress is not None:
            progress(business_date, name, index, len(STEP_NAMES))
        if name in run.steps_done:
            continue
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            counts = _step(name, cursor, vendor, business_date, at, seen, handed)
            run.refresh_from_db()
            run.steps_done = [*run.steps_done, name]
            run.summary = {
                **run.summary,
                name: {**counts, "seconds": round(time.perf_counter() - started, 3)},
            }
            if name == STEP_NAMES[-1]:
                run.status = CobStatus.COMPLETED
                run.finished_at = at
                if run.summary.get("state_init", {}).get("analysed"):
                    steps.statistics_refresh(cursor)
            run.save()
    if progress is not None:
        progress(business_date, "done", len(STEP_NAMES), len(STEP_NAMES))
    return dict(run.summary)


def date_compact(business_date: date) -> bool:
    """After a close that filled the state at once (a first close, a large new portfolio), rewrite
    the state compactly on PostgreSQL, in a transaction of its own once that close has committed.

    Inside the close's transaction the rewrite would keep every row version the close wrote: they
    are that transaction's own, and the table would stay three times the size of its live rows.
    Recorded in the run's summary, so a close killed before it is compacted when run again.
    """
    run = CobRun.objects.get(business_date=business_date)
    filled = run.summary.get("state_init", {})
    if connection.vendor != "postgresql" or not filled.get("analysed") or filled.get("compacted"):
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        steps.state_compact(cursor)
        run.summary = {**run.summary, "state_init": {**filled, "compacted": True}}
        run.save(update_fields=["summary"])
    return True


def _step(
    name: str,
    cursor: Any,
    vendor: str,
    business_date: date,
    at: datetime,
    seen: Watermarks,
    handed: Handed,
) -> dict:
    if name == "state_init":
        return steps.state_init(cursor, vendor, business_date, seen.books)
    if name == "installments_fall_due":
        rescheduled, versions_high = steps.next_due_dates_refresh(
            cursor, vendor, business_date, seen.versions
        )
        fell_due, handed.fallen = steps.installments_fall_due(cursor, vendor, business_date, at)
        return {**rescheduled, **fell_due, "versions_watermark": versions_high}
    if name == "interest_accrue":
        return accrual.interest_accrue(cursor, vendor, business_date, at, handed.fallen)
    if name == "arrears_refresh":
        counts, high = steps.arrears_refresh(
            cursor, vendor, business_date, seen.entries, seen.versions, handed.fallen
        )
        handed.fallen = None
        return {**counts, "watermark": high}
    if name == "late_fees_assess":
        return steps.late_fees_assess(cursor, vendor, business_date, at)
    return steps.buckets_update(cursor, vendor, business_date)


@dataclass
class Handed:
    """What a step leaves for a later one of the same date to write (see the module's docstring)."""

    fallen: pl.DataFrame | None = None  # the state the installments left (steps.installments_fall_due)


@dataclass(frozen=True)
class Watermarks:
    """How far the last completed close looked: the highest journal entry, schedule version and
    ledger book id it saw. Before a first close no schedule version is new (None); `books` is None
    then, and after a close recorded before books had a watermark."""

    entries: int = 0
    versions: int | None = None
    books: int | None = None


def _previous_watermarks(business_date: date) -> Watermarks:
    """What the last completed run before this date had seen."""
    previous = (
        CobRun.objects.filter(business_date__lt=business_date, status=CobStatus.COMPLETED)
        .order_by("-business_date")
        .first()
    )
    if previous is None:
        return Watermarks()
    summary = previous.summary
    books = summary.get("state_init", {}).get("books_watermark")
    return Watermarks(
        entries=int(summary.get("arrears_refresh", {}).get("watermark", 0)),
        versions=int(summary.get("installments_fall_due", {}).get("versions_watermark", 0)),
        books=None if books is None else int(books),
    )
