"""One close of business: its steps in order, each recorded in CobRun.steps_done as it ends.

The date is one transaction, each step a savepoint within it: a run killed part-way leaves the date
as it was, and the next run closes it whole. Steps hand on what a later step writes with its own
changes to the same rows (the state the installments leave and the arrears the refresh works out,
written with each account's bucket by the buckets step), so that a night writes each of those rows
once; they could not be handed on across a commit. A date
whose run committed some steps (as earlier versions did, step by step) is finished from the steps
it had not done.

Or the date is closed in parts (see parts.py): ranges of contracts, each run through every step in
a transaction of its own and recorded as a CobPart when it commits, side by side on PostgreSQL,
each on a connection of its own. A run killed part-way closes the parts not recorded when it runs
again. Once every part is in, one more transaction adds up the date's aged-debt totals and marks
the date completed; until then the date is not closed (the next date does not start, and the work
after the close does not run).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

import polars as pl
from django.db import connection, transaction

from recoup.arrears.batch import accrual, steps
from recoup.arrears.batch.parts import WHOLE, Part, Seen, parts_split
from recoup.arrears.models import CobPart, CobRun, CobStatus
from recoup.kernel import bulk
from recoup.kernel.beside import all_waited
from recoup.threads import beside

STEP_NAMES = (
    "state_init",
    "installments_fall_due",
    "interest_accrue",
    "arrears_refresh",
    "late_fees_assess",
    "buckets_update",
)
# The highest ids a close saw; in a date closed in parts, the lowest of the parts' (the next night
# reads from the part that had seen least), with each part's kept beside it (BY_PART; see
# `parts.unseen`). A book seen twice by state_init is found to have its state already.
WATERMARKS = ("books_watermark", "versions_watermark", "watermark")
# Step: (its watermark, the key of each part's).
BY_PART = {
    "installments_fall_due": ("versions_watermark", "versions_watermarks_by_part"),
    "arrears_refresh": ("watermark", "watermarks_by_part"),
}

# Held on SQLite while the close runs: a night's reads and writes land at scattered places in
# indexes of gigabytes, and SQLite's default page cache (2 MiB) would send almost every one of
# them back to the operating system.
SQLITE_COB_PRAGMAS = {"cache_size": "-1048576", "temp_store": "MEMORY"}  # 1 GiB of page cache
# Held on PostgreSQL: a night reads and writes a few per cent of the book's rows, at random places.
# With the default random_page_cost (4, for spinning disks) the planner reaches them by scanning
# whole tables of millions of rows (every ledger account to move 21,000 balances, every schedule
# version to read 7,600 of them), a cost that grows with the book instead of the night's work.
# The book is read from memory or SSD, where a random read costs little more than a sequential one.
#
# And no JIT compilation: the planner's costs for the night's larger statements pass its threshold,
# and compiling one took 0.46 s at 4,000,000 accounts, for statements that run once.
POSTGRES_COB_SETTINGS = {"random_page_cost": "1.1", "jit": "off"}

Progress = Callable[[date, str, int, int], None]


def close_settings(cursor: Any) -> AbstractContextManager[None]:
    """SQLite's page cache or PostgreSQL's planner costs for the close, on this connection; nothing
    inside a caller's transaction (where SQLite refuses to change temp_store, and tests hold theirs)."""
    if connection.in_atomic_block:
        return nullcontext()
    if connection.vendor == "sqlite":
        return bulk.sqlite_pragmas_held(cursor, SQLITE_COB_PRAGMAS)
    if connection.vendor == "postgresql":
        return bulk.postgres_settings_held(cursor, POSTGRES_COB_SETTINGS)
    return nullcontext()


def date_close(
    business_date: date, *, at: datetime, progress: Progress | None = None, parts: int = 1
) -> dict[str, Any]:
    """Run (or finish) the close of business for one date; a completed date is left as it is.

    In one transaction; or, with `parts` above one, in that many ranges of contracts (see the
    module's docstring), when an earlier date has been closed (a first close fills the state of
    the whole book, and is one transaction) and no transaction of the caller's is open (each part
    commits). A date begun in parts is finished in the parts it was begun in.
    """
    nested = connection.in_atomic_block
    with transaction.atomic():
        run, _ = CobRun.objects.get_or_create(
            business_date=business_date, defaults={"status": CobStatus.RUNNING, "started_at": at}
        )
        if run.status == CobStatus.COMPLETED:
            return dict(run.summary)
        if not run.parts and not _parts_begin(run, 1 if nested else parts):
            return _date_steps(run, business_date, at=at, progress=progress)
    split = [Part(low, high) for low, high in run.parts]
    _parts_close(run, split, business_date, at=at, progress=progress)
    return _parts_finish(run, split, business_date, at=at, progress=progress)


def _date_steps(
    run: CobRun, business_date: date, *, at: datetime, progress: Progress | None
) -> dict[str, Any]:
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
            counts = _step(name, cursor, vendor, business_date, at, seen, handed, WHOLE)
            if name == "buckets_update":
                counts["aged_debt_rows"] = steps.aged_debt_write(cursor, vendor, business_date, handed.moved)
            run.refresh_from_db()
            run.steps_done = [*run.steps_done, name]
            run.summary = _step_recorded(run.summary, name, counts, started)
            if name == STEP_NAMES[-1]:
                run.status = CobStatus.COMPLETED
                run.finished_at = at
                if run.summary.get("state_init", {}).get("analysed"):
                    steps.statistics_refresh(cursor)
            run.save()
    if progress is not None:
        progress(business_date, "done", len(STEP_NAMES), len(STEP_NAMES))
    return dict(run.summary)


def _step_recorded(
    summary: dict[str, Any], name: str, counts: dict[str, Any], started: float
) -> dict[str, Any]:
    """`summary` with the step's counts and seconds. A watermark the late fees moved past their fees
    (see `steps.late_fees_assess`) replaces the refresh's, which the next night reads from."""
    summary = {**summary, name: {**counts, "seconds": round(time.perf_counter() - started, 3)}}
    if name == "late_fees_assess" and "watermark" in counts:
        watermark = summary[name].pop("watermark")
        summary["arrears_refresh"] = {**summary["arrears_refresh"], "watermark": watermark}
    return summary


def _parts_begin(run: CobRun, parts: int) -> bool:
    """Split a date not yet begun into `parts` ranges of contracts of about equal size and record
    them on its run; False (one transaction) for one part, a first close, or a date some of whose
    steps an earlier version committed."""
    if parts <= 1 or run.steps_done:
        return False
    if not CobRun.objects.filter(status=CobStatus.COMPLETED, business_date__lt=run.business_date).exists():
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(contract_id), MAX(contract_id) FROM {steps.STATE}")  # noqa: S608
        low, high = cursor.fetchone()
    if low is None:
        return False
    split = parts_split(int(low), int(high), parts)
    if len(split) == 1:
        return False
    run.parts = [part.as_list() for part in split]
    run.save(update_fields=["parts"])
    return True


def _parts_close(
    run: CobRun, split: list[Part], business_date: date, *, at: datetime, progress: Progress | None
) -> None:
    """Close each part not yet recorded: side by side on PostgreSQL, each on a connection of its
    own in a thread (the database works without Python's lock); one after another elsewhere
    (SQLite has one writer). A part that fails leaves the others to finish; its error is raised
    once they have."""
    done = set(CobPart.objects.filter(run=run).values_list("part", flat=True))
    shared = _DateParts(
        run,
        business_date,
        at,
        _previous_watermarks(business_date),
        _PartsProgress(progress, business_date, len(split), done),
    )
    todo = [(index, part) for index, part in enumerate(split) if index not in done]
    if connection.vendor != "postgresql" or len(todo) == 1:
        for index, part in todo:
            _part_close(shared, index, part)
        return
    all_waited(
        beside(partial(_part_in_thread, shared, index, part), name=f"cob-part-{index}")
        for index, part in todo
    )


def _part_in_thread(shared: _DateParts, index: int, part: Part) -> None:
    with connection.cursor() as cursor, close_settings(cursor):
        _part_close(shared, index, part)


def _part_close(shared: _DateParts, index: int, part: Part) -> None:
    """Every step for one part, in one transaction that ends by recording the part."""
    vendor = connection.vendor
    handed = Handed()
    summary: dict[str, Any] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for step, name in enumerate(STEP_NAMES):
            shared.shown.at(index, step)
            started = time.perf_counter()
            counts = _step(name, cursor, vendor, shared.business_date, shared.at, shared.seen, handed, part)
            summary = _step_recorded(summary, name, counts, started)
        CobPart.objects.create(
            run=shared.run,
            part=index,
            finished_at=shared.at,
            summary=summary,
            moved=pl.concat(handed.moved).to_dicts(),
        )
    shared.shown.at(index, len(STEP_NAMES))


def _parts_finish(
    run: CobRun, split: list[Part], business_date: date, *, at: datetime, progress: Progress | None
) -> dict[str, Any]:
    """Once every part is in: the date's aged-debt totals, its summary (each step's counts added up
    over the parts, its seconds those of the slowest part), and the date marked completed."""
    with transaction.atomic(), connection.cursor() as cursor:
        run.refresh_from_db()
        if run.status == CobStatus.COMPLETED:
            return dict(run.summary)
        records = list(CobPart.objects.filter(run=run).order_by("part"))
        started = time.perf_counter()
        moved = [pl.DataFrame(record.moved, schema=steps.AGED_DEBT_SCHEMA) for record in records]
        summary = _summaries_merged([record.summary for record in records])
        summary["state_init"]["parts"] = len(split)
        for step, (key, by_part) in BY_PART.items():
            summary[step][by_part] = [
                [*split[record.part].as_list(), record.summary[step][key]] for record in records
            ]
        summary["buckets_update"]["aged_debt_rows"] = steps.aged_debt_write(
            cursor, connection.vendor, business_date, moved
        )
        finished = summary["buckets_update"]["seconds"] + time.perf_counter() - started
        summary["buckets_update"]["seconds"] = round(finished, 3)
        run.steps_done = list(STEP_NAMES)
        run.summary = summary
        run.status = CobStatus.COMPLETED
        run.finished_at = at
        if summary["state_init"].get("analysed"):
            steps.statistics_refresh(cursor)
        run.save()
    if progress is not None:
        progress(business_date, "done", len(STEP_NAMES), len(STEP_NAMES))
    return dict(run.summary)


def _summaries_merged(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name in STEP_NAMES:
        counts: dict[str, Any] = {}
        for summary in summaries:
            for key, value in summary[name].items():
                if key not in counts:
                    counts[key] = value
                elif key in WATERMARKS:
                    counts[key] = min(counts[key], value)
                elif key == "seconds":
                    counts[key] = max(counts[key], value)
                elif isinstance(value, bool):
                    counts[key] = counts[key] or value
                else:
                    counts[key] += value
        merged[name] = counts
    return merged


@dataclass(frozen=True)
class _DateParts:
    """What the parts of one date's close share."""

    run: CobRun
    business_date: date
    at: datetime
    seen: Watermarks
    shown: _PartsProgress


class _PartsProgress:
    """The progress of a date closed in parts, as far as its slowest part has gone."""

    def __init__(self, progress: Progress | None, business_date: date, count: int, done: set[int]) -> None:
        self._progress = progress
        self._date = business_date
        self._steps = [len(STEP_NAMES) if index in done else 0 for index in range(count)]
        self._shown = -1
        self._lock = threading.Lock()

    def at(self, index: int, step: int) -> None:
        if self._progress is None:
            return
        with self._lock:
            self._steps[index] = step
            slowest = min(self._steps)
            if slowest > self._shown and slowest < len(STEP_NAMES):
                self._shown = slowest
                self._progress(self._date, STEP_NAMES[slowest], slowest, len(STEP_NAMES))


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
    part: Part,
) -> dict:
    if name == "state_init":
        return steps.state_init(cursor, vendor, business_date, seen.books, part)
    if name == "installments_fall_due":
        rescheduled, versions_high = steps.next_due_dates_refresh(
            cursor, vendor, business_date, seen.versions, part, seen.versions_by_part
        )
        fell_due, handed.fallen = steps.installments_fall_due(
            cursor, vendor, business_date, at, part, seen.hand_on
        )
        return {**rescheduled, **fell_due, "versions_watermark": versions_high}
    if name == "interest_accrue":
        return accrual.interest_accrue(cursor, vendor, business_date, at, handed.fallen, part)
    if name == "arrears_refresh":
        counts, high, handed.refreshed = steps.arrears_refresh(
            cursor,
            vendor,
            business_date,
            seen.entries,
            seen.versions,
            handed.fallen,
            part,
            seen.entries_by_part,
            seen.hand_on,
        )
        if handed.refreshed is None:  # written with the state the installments left
            handed.fallen = None
        handed.worked_out_to = high
        return {**counts, "watermark": high}
    if name == "late_fees_assess":
        counts, handed.refreshed = steps.late_fees_assess(
            cursor, vendor, business_date, at, part, handed.refreshed, handed.worked_out_to
        )
        return counts
    counts, moved = steps.buckets_update(cursor, vendor, business_date, part, handed.refreshed, handed.fallen)
    handed.refreshed = handed.fallen = None
    handed.moved.append(moved)
    return counts


@dataclass
class Handed:
    """What a step leaves for a later one of the same date to write (see the module's docstring)."""

    fallen: pl.DataFrame | None = None  # the state the installments left (steps.installments_fall_due)
    # The arrears worked out, with the fees charged since (steps.arrears_refresh, late_fees_assess).
    refreshed: pl.DataFrame | None = None
    # How the rows the buckets step wrote move the aged-debt totals (steps.buckets_update).
    moved: list[pl.DataFrame] = field(default_factory=list)
    # The highest journal entry id the refresh worked out (its watermark; see _step_recorded).
    worked_out_to: int | None = None


@dataclass(frozen=True)
class Watermarks:
    """How far the last completed close looked: the highest journal entry, schedule version and
    ledger book id it saw. Before a first close no schedule version is new (None); `books` is None
    then, and after a close recorded before books had a watermark. For a close in parts, each part's
    entry and version watermarks too (see `parts.unseen`)."""

    entries: int = 0
    versions: int | None = None
    books: int | None = None
    entries_by_part: Seen = ()
    versions_by_part: Seen = ()

    @property
    def hand_on(self) -> bool:
        """Whether the steps hand on what they work out to a later one to write (see `Handed`): not
        on a first close, which works out every account of the book (see `steps._held`)."""
        return self.versions is not None


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
    by_part = {
        step: tuple((low, high, int(seen)) for low, high, seen in summary.get(step, {}).get(key, []))
        for step, (_, key) in BY_PART.items()
    }
    return Watermarks(
        entries=int(summary.get("arrears_refresh", {}).get("watermark", 0)),
        versions=int(summary.get("installments_fall_due", {}).get("versions_watermark", 0)),
        books=None if books is None else int(books),
        entries_by_part=by_part["arrears_refresh"],
        versions_by_part=by_part["installments_fall_due"],
    )
