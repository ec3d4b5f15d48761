"""Which slots of the schedule are due, from the clock's reading and the last slots enqueued.

No Django and no clock: the moment, the interval and the dates are passed in.

The inbox is fetched once per interval of `every_minutes`, the intervals counted from the Unix
epoch in UTC (every 5 minutes: 10:00, 10:05, …), so every worker agrees on the slot a moment
falls in. The letter run follows each close of business: once for every business date closed
after the last one it was enqueued for; the first time, for the latest close alone, so that a
schedule started on a book with a long history does not replay it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from recoup.comms.background.errors import InvalidSchedule

INBOX_FETCH = "inbox_fetch"
LETTER_RUN = "letter_run"
SCHEDULED = (INBOX_FETCH, LETTER_RUN)
FETCH_MINUTES_SETTING = "RECOUP_INBOX_FETCH_MINUTES"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def fetch_minutes(value: object) -> int:
    """The fetch interval in whole minutes from its setting (0 turns the scheduled fetch off).

    Raises InvalidSchedule (field RECOUP_INBOX_FETCH_MINUTES) for anything else.
    """
    text = str(value).strip()
    if not text.isdigit():
        raise InvalidSchedule(
            f"{FETCH_MINUTES_SETTING}: {text!r} is not a whole number of minutes (0 turns the fetch off)",
            field=FETCH_MINUTES_SETTING,
        )
    return int(text)


def inbox_fetch_slot(*, at: datetime, every_minutes: int) -> datetime | None:
    """The start of the interval `at` falls in; None while the scheduled fetch is off."""
    if every_minutes <= 0:
        return None
    minutes = int((at - _EPOCH) // timedelta(minutes=1))
    return _EPOCH + timedelta(minutes=minutes - minutes % every_minutes)


def inbox_fetch_due(*, at: datetime, every_minutes: int, last: datetime | None) -> datetime | None:
    """The slot to fetch for now, or None when it is off or the slot was already enqueued."""
    slot = inbox_fetch_slot(at=at, every_minutes=every_minutes)
    if slot is None or (last is not None and slot <= last):
        return None
    return slot


def letter_run_dates(*, closed: Iterable[date], last: date | None) -> list[date]:
    """The business dates due a letter run, oldest first: each closed after `last`, or the latest
    closed date when no letter run was ever enqueued."""
    dates = sorted(set(closed))
    if last is None:
        return dates[-1:]
    return [closed_date for closed_date in dates if closed_date > last]


def slot_text(slot: datetime | date) -> str:
    """How a slot is kept in the schedule's mark."""
    if isinstance(slot, datetime):
        return slot.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return slot.isoformat()


def fetch_slot_from_text(text: str) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC) if text else None


def letter_date_from_text(text: str) -> date | None:
    return date.fromisoformat(text) if text else None
