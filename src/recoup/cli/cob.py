"""`recoup cob --as-of DATE [--json]`: the nightly close of business, catching up missed dates, then
the promises to pay and arrangements it settles, the risks it escalates, the strategies that place
the accounts in arrears in queues, and the statutory notices its arrears make due (recorded with
their clocks; `recoup letters run` prints and sends them with the strategies' letters)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime

from recoup.cli.output import print_json, print_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", required=True, type=date.fromisoformat, help="business date, YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--parts",
        type=_parts,
        default=None,
        help="close each date in this many ranges of accounts, side by side on PostgreSQL "
        "(default: RECOUP_COB_PARTS, else 2 on PostgreSQL and 1 on SQLite)",
    )


def run(args: argparse.Namespace) -> int:
    from django.db import connection

    from recoup.arrears.operations import checkpoint_beside, cob_run
    from recoup.collections.close import collections_after_close
    from recoup.comms.notices.operations import notices_record
    from recoup.threads import beside

    started = time.perf_counter()
    progress = _bar if sys.stderr.isatty() and not args.json else None
    at = datetime.now(tz=UTC)

    def notices_timed() -> dict[str, int | float]:
        notices_started = time.perf_counter()
        notices = notices_record(as_of=args.as_of, at=at)
        return {**notices, "seconds": round(time.perf_counter() - notices_started, 3)}

    with checkpoint_beside() as checkpoint:
        result = cob_run(as_of=args.as_of, at=at, progress=progress, committed=checkpoint, parts=args.parts)
        after_started = time.perf_counter()
        # The notices need nothing the collections work writes, nor it theirs: on PostgreSQL they are
        # recorded beside it, on a connection of their own (SQLite has one writer, and its
        # checkpoint already runs beside the collections work).
        alongside = connection.vendor == "postgresql" and not connection.in_atomic_block
        notices = beside(notices_timed, name="notices") if alongside else None
        try:
            collections = collections_after_close(as_of=args.as_of, dates=result.dates, at=at)
        finally:
            if notices is not None:
                notices.waited()
        collections["notices"] = notices.result() if notices is not None else notices_timed()
        after_close = round(time.perf_counter() - after_started, 3)
    seconds = round(time.perf_counter() - started, 3)
    if args.json:
        print_json(
            {
                "as_of": result.as_of,
                "dates": result.dates,
                "seconds": seconds,
                "steps": result.summaries,
                "after_close_seconds": after_close,
                **collections,
            }
        )
        return 0
    rows = [
        [business_date, step, _counts(counts)]
        for business_date, summary in result.summaries.items()
        for step, counts in summary.items()
    ]
    rows += [[args.as_of.isoformat(), step, _counts(counts)] for step, counts in collections.items()]
    print_table(["date", "step", "result"], rows)
    print(f"closed {len(result.dates)} business date(s) up to {result.as_of} in {seconds} s")
    return 0


def _parts(text: str) -> int:
    try:
        parts = int(text)
    except ValueError:
        parts = 0
    if parts < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of parts, 1 or more")
    return parts


def _counts(counts: object) -> str:
    if not isinstance(counts, dict):
        return str(counts)
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def _bar(business_date: date, step: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    end = "\n" if done == total else ""
    sys.stderr.write(f"\r{business_date} [{'#' * filled}{'.' * (width - filled)}] {step:<24}{end}")
    sys.stderr.flush()
