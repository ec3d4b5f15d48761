"""The schedule's slots: which inbox fetch and which letter runs are due, given the moment and the
last slots enqueued."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.comms.background.errors import InvalidSchedule
from recoup.comms.background.slots import (
    fetch_minutes,
    fetch_slot_from_text,
    inbox_fetch_due,
    inbox_fetch_slot,
    letter_date_from_text,
    letter_run_dates,
    slot_text,
)

TEN = datetime(2024, 6, 14, 10, 0, tzinfo=UTC)


def test_a_moment_falls_in_the_interval_that_starts_on_the_last_multiple_of_the_minutes():
    late = TEN + timedelta(minutes=7, seconds=59)
    assert inbox_fetch_slot(at=late, every_minutes=5) == TEN.replace(minute=5)
    assert inbox_fetch_slot(at=TEN, every_minutes=5) == TEN
    assert inbox_fetch_slot(at=TEN - timedelta(microseconds=1), every_minutes=5) == TEN - timedelta(minutes=5)


def test_the_slot_is_the_same_whatever_time_zone_the_moment_is_read_in():
    in_london = TEN.astimezone(ZoneInfo("Europe/London")) + timedelta(minutes=3)

    assert inbox_fetch_slot(at=in_london, every_minutes=5) == TEN


def test_a_fetch_is_due_once_per_interval():
    first = inbox_fetch_due(at=TEN + timedelta(minutes=1), every_minutes=5, last=None)
    again = inbox_fetch_due(at=TEN + timedelta(minutes=4), every_minutes=5, last=first)
    next_one = inbox_fetch_due(at=TEN + timedelta(minutes=5), every_minutes=5, last=first)

    assert (first, again, next_one) == (TEN, None, TEN + timedelta(minutes=5))


def test_a_worker_that_was_stopped_for_an_hour_fetches_once_not_once_per_missed_interval():
    last = TEN

    due = inbox_fetch_due(at=TEN + timedelta(minutes=62), every_minutes=5, last=last)

    assert due == TEN + timedelta(minutes=60)


def test_no_fetch_is_due_when_the_interval_is_zero():
    assert inbox_fetch_due(at=TEN, every_minutes=0, last=None) is None


def test_a_clock_set_back_does_not_fetch_a_slot_already_taken():
    assert inbox_fetch_due(at=TEN - timedelta(minutes=20), every_minutes=5, last=TEN) is None


def test_slots_across_midnight_and_a_leap_day_are_regular():
    before = datetime(2024, 2, 29, 23, 58, tzinfo=UTC)

    assert inbox_fetch_slot(at=before, every_minutes=5) == datetime(2024, 2, 29, 23, 55, tzinfo=UTC)
    assert inbox_fetch_slot(at=before + timedelta(minutes=3), every_minutes=5) == datetime(
        2024, 3, 1, 0, 0, tzinfo=UTC
    )


@given(
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    every_minutes=st.integers(min_value=1, max_value=24 * 60),
)
def test_every_moment_is_in_exactly_one_slot_no_longer_than_the_interval(at, every_minutes):
    slot = inbox_fetch_slot(at=at, every_minutes=every_minutes)

    assert slot is not None
    assert slot <= at < slot + timedelta(minutes=every_minutes)
    assert (slot.second, slot.microsecond) == (0, 0)
    assert fetch_slot_from_text(slot_text(slot)) == slot


def test_the_first_letter_run_is_for_the_latest_close_alone():
    closed = [date(2024, 6, 12), date(2024, 6, 14), date(2024, 6, 13)]

    assert letter_run_dates(closed=closed, last=None) == [date(2024, 6, 14)]


def test_each_close_since_the_last_letter_run_gets_one_oldest_first():
    closed = [date(2024, 6, 11), date(2024, 6, 12), date(2024, 6, 15), date(2024, 6, 14), date(2024, 6, 13)]

    due = letter_run_dates(closed=closed, last=date(2024, 6, 12))

    assert due == [date(2024, 6, 13), date(2024, 6, 14), date(2024, 6, 15)]


def test_no_letter_run_is_due_before_any_close_or_when_none_closed_since_the_last():
    assert letter_run_dates(closed=[], last=None) == []
    assert letter_run_dates(closed=[date(2024, 6, 14)], last=date(2024, 6, 14)) == []


def test_a_letter_runs_slot_is_its_business_date():
    assert slot_text(date(2024, 2, 29)) == "2024-02-29"
    assert letter_date_from_text("2024-02-29") == date(2024, 2, 29)
    assert letter_date_from_text("") is None


@pytest.mark.parametrize(("value", "minutes"), [("5", 5), (" 15 ", 15), ("0", 0), (10, 10)])
def test_the_interval_setting_is_whole_minutes(value, minutes):
    assert fetch_minutes(value) == minutes


@pytest.mark.parametrize("value", ["", "five", "-5", "2.5"])
def test_an_interval_setting_that_is_not_whole_minutes_is_refused_naming_the_setting(value):
    with pytest.raises(InvalidSchedule) as refused:
        fetch_minutes(value)

    assert refused.value.field == "RECOUP_INBOX_FETCH_MINUTES"
    assert "RECOUP_INBOX_FETCH_MINUTES" in refused.value.message
