"""Calling hours: 08:00 to 21:00 in every zone the customer may be in (Reg F §1006.6(b)(1))."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from recoup.compliance.calling_hours import (
    JURISDICTION_ZONE_SETS,
    ZONE_SETS,
    callable_time_zones,
    zone_set_callable,
)

NEW_YORK = "America/New_York"
LOS_ANGELES = "America/Los_Angeles"
TEXAS = "America/Chicago America/Denver"


def test_eight_in_the_morning_local_time_is_inside_the_window():
    at = datetime(2024, 1, 15, 13, 0, tzinfo=UTC)  # 08:00 EST

    assert zone_set_callable(zone_set=NEW_YORK, at=at)


def test_a_minute_before_eight_is_outside_it():
    at = datetime(2024, 1, 15, 12, 59, tzinfo=UTC)

    assert not zone_set_callable(zone_set=NEW_YORK, at=at)


def test_nine_in_the_evening_is_the_last_moment_and_a_second_later_is_too_late():
    nine_pm = datetime(2024, 1, 16, 2, 0, tzinfo=UTC)  # 21:00 EST on the 15th

    assert zone_set_callable(zone_set=NEW_YORK, at=nine_pm)
    assert not zone_set_callable(zone_set=NEW_YORK, at=nine_pm + timedelta(seconds=1))


def test_a_customer_in_a_state_spanning_zones_is_called_only_when_all_of_them_allow():
    at = datetime(2024, 1, 15, 14, 30, tzinfo=UTC)  # 08:30 Chicago, 07:30 Denver

    assert zone_set_callable(zone_set="America/Chicago", at=at)
    assert not zone_set_callable(zone_set=TEXAS, at=at)
    assert zone_set_callable(zone_set=TEXAS, at=at + timedelta(hours=1))


def test_daylight_saving_moves_the_window_in_utc():
    winter = datetime(2024, 3, 9, 12, 30, tzinfo=UTC)  # 07:30 EST
    summer = datetime(2024, 3, 11, 12, 30, tzinfo=UTC)  # 08:30 EDT, the day after the change

    assert not zone_set_callable(zone_set=NEW_YORK, at=winter)
    assert zone_set_callable(zone_set=NEW_YORK, at=summer)


def test_the_uk_window_follows_british_summer_time():
    at = datetime(2024, 7, 1, 7, 30, tzinfo=UTC)  # 08:30 BST

    assert zone_set_callable(zone_set="Europe/London", at=at)
    assert not zone_set_callable(zone_set="Europe/London", at=at - timedelta(hours=1))


def test_an_unknown_zone_is_never_callable():
    at = datetime(2024, 1, 15, 17, 0, tzinfo=UTC)

    assert not zone_set_callable(zone_set="", at=at)
    assert not zone_set_callable(zone_set="Mars/Olympus_Mons", at=at)


def test_the_callable_set_at_an_instant_holds_the_east_but_not_yet_the_west():
    at = datetime(2024, 1, 15, 14, 0, tzinfo=UTC)  # 09:00 New York, 06:00 Los Angeles

    zones = callable_time_zones(at=at)

    assert NEW_YORK in zones
    assert LOS_ANGELES not in zones
    assert zones <= ZONE_SETS


def test_at_midnight_in_new_york_only_far_zones_are_callable():
    at = datetime(2024, 1, 16, 5, 0, tzinfo=UTC)

    zones = callable_time_zones(at=at)

    assert NEW_YORK not in zones
    assert "Europe/London" not in zones  # 05:00 in London
    assert "Pacific/Guam" in zones  # 15:00 in Guam


def test_an_instant_in_any_offset_gives_the_same_answer():
    utc = datetime(2024, 1, 15, 14, 0, tzinfo=UTC)
    elsewhere = utc.astimezone(timezone(timedelta(hours=5, minutes=30)))

    assert callable_time_zones(at=utc) == callable_time_zones(at=elsewhere)


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError):
        zone_set_callable(zone_set=NEW_YORK, at=datetime(2024, 1, 15, 14, 0))


def test_every_jurisdiction_falls_back_to_a_known_zone_set():
    assert JURISDICTION_ZONE_SETS["US-TX"] == TEXAS
    assert JURISDICTION_ZONE_SETS["GB-SCT"] == "Europe/London"
    assert set(JURISDICTION_ZONE_SETS.values()) <= ZONE_SETS
