"""The one place interfaces read the clock; domain code takes `as_of` and `at` as arguments."""

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()
