"""Business days by jurisdiction and deadlines in the customer's local time."""

from datetime import UTC, date, datetime, timedelta

import pytest

from recoup.comms.calendars import (
    business_day,
    business_day_on_or_after,
    business_day_on_or_before,
    business_days_after,
    day_end,
    local_date,
    local_zone,
)


def test_boxing_day_on_a_saturday_is_observed_on_the_monday_in_england():
    assert not business_day(date(2026, 12, 28), "GB-ENG")
    assert business_days_after(date(2026, 12, 24), 2, "GB-ENG") == date(2026, 12, 30)


def test_the_second_of_january_is_a_bank_holiday_in_scotland_but_not_in_england():
    assert business_days_after(date(2025, 12, 31), 1, "GB-ENG") == date(2026, 1, 2)
    assert business_days_after(date(2025, 12, 31), 1, "GB-SCT") == date(2026, 1, 5)


def test_saint_patricks_day_counts_only_in_northern_ireland():
    assert not business_day(date(2026, 3, 17), "GB-NIR")
    assert business_day(date(2026, 3, 17), "GB-ENG")
    assert business_day(date(2026, 3, 17), "GB-WLS")


def test_thanksgiving_is_no_business_day_in_any_state():
    assert not business_day(date(2026, 11, 26), "US-KS")
    assert not business_day(date(2026, 11, 26), "US-CA")


def test_patriots_day_is_a_holiday_in_massachusetts_only():
    assert not business_day(date(2026, 4, 20), "US-MA")
    assert business_day(date(2026, 4, 20), "US-KS")


def test_a_weekend_moves_a_customers_last_day_forward_and_a_lenders_back():
    saturday = date(2026, 5, 9)
    assert business_day_on_or_after(saturday, "US-KS") == date(2026, 5, 11)
    assert business_day_on_or_before(saturday, "US-KS") == date(2026, 5, 8)


def test_the_day_before_a_spring_forward_lasts_24_hours_and_the_day_of_it_23():
    zone = local_zone("US-MA")  # America/New_York; clocks went forward on 8 March 2026

    assert day_end(date(2026, 3, 8), zone) - day_end(date(2026, 3, 7), zone) == timedelta(hours=23)
    assert day_end(date(2026, 3, 7), zone) - day_end(date(2026, 3, 6), zone) == timedelta(hours=24)
    assert day_end(date(2026, 3, 8), zone).astimezone(UTC) == datetime(2026, 3, 9, 4, tzinfo=UTC)


def test_a_uk_deadline_ends_at_local_midnight_in_summer_time_and_in_winter():
    zone = local_zone("GB-ENG")  # British Summer Time began on 29 March 2026

    assert day_end(date(2026, 3, 28), zone).astimezone(UTC) == datetime(2026, 3, 29, 0, tzinfo=UTC)
    assert day_end(date(2026, 3, 29), zone).astimezone(UTC) == datetime(2026, 3, 29, 23, tzinfo=UTC)


def test_the_customers_date_is_taken_in_their_zone_across_the_autumn_change():
    zone = local_zone("US-CA")  # clocks went back on 1 November 2026

    assert local_date(datetime(2026, 11, 1, 7, 30, tzinfo=UTC), zone) == date(2026, 11, 1)  # 00:30 PDT
    assert local_date(datetime(2026, 11, 2, 7, 30, tzinfo=UTC), zone) == date(2026, 11, 1)  # 23:30 PST


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2026, 1, 1, 12), "Europe/London")
