"""Business days and local deadlines, for the notices' clocks and the mailbox's answer deadlines.
Pure: no Django, no clock.

Which days count:
- United States: a business day is Monday to Friday that is neither a federal holiday nor a
  holiday of the account's state (the `holidays` library's tables, e.g. Thanksgiving, and
  Patriots' Day in Massachusetts).
- United Kingdom: a "working day" as the Consumer Credit Act 1974 s.189(1) defines it: not a
  Saturday or Sunday, Christmas Day or Good Friday, nor a bank holiday under the Banking and
  Financial Dealings Act 1971 — and bank holidays differ by nation, so England and Wales, Scotland
  and Northern Ireland each keep their own (`holidays` subdivisions ENG, WLS, SCT, NIR; Boxing
  Day falling on a Saturday is observed on the Monday after).

Statutory periods are counted in calendar days unless the statute says otherwise; these helpers
move a date that lands on a day that is not a business day: a customer's last day forward (they
get more time, never less), a lender's last day to send back (the letter goes earlier, never
late).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from recoup.parties.timezones import US_STATE_ZONES

_UK_ZONE = "Europe/London"


@cache
def _holiday_table(jurisdiction: str, year: int) -> frozenset[date]:
    country, _, region = jurisdiction.partition("-")
    if country == "US":
        return frozenset(holidays.country_holidays("US", subdiv=region or None, years=year).keys())
    if country == "GB":
        return frozenset(holidays.country_holidays("GB", subdiv=region or "ENG", years=year).keys())
    if not jurisdiction:  # mail not yet matched to an account: weekends only
        return frozenset()
    raise ValueError(f"no business-day calendar for jurisdiction {jurisdiction!r}")


def holiday(day: date, jurisdiction: str) -> bool:
    """Whether `day` is a public holiday (federal or state; UK bank holiday of the nation)."""
    return day in _holiday_table(jurisdiction, day.year)


def business_day(day: date, jurisdiction: str) -> bool:
    return day.weekday() < 5 and not holiday(day, jurisdiction)


def business_day_on_or_after(day: date, jurisdiction: str) -> date:
    while not business_day(day, jurisdiction):
        day += timedelta(days=1)
    return day


def business_day_on_or_before(day: date, jurisdiction: str) -> date:
    while not business_day(day, jurisdiction):
        day -= timedelta(days=1)
    return day


def business_days_after(day: date, count: int, jurisdiction: str) -> date:
    """The `count`-th business day after `day` (`day` itself never counts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    while count:
        day += timedelta(days=1)
        if business_day(day, jurisdiction):
            count -= 1
    return day


def local_zone(jurisdiction: str) -> str:
    """The time zone a notice's dates are reckoned in when the customer's own is not known: the UK's
    one, or the zone a state keeps first."""
    country, _, region = jurisdiction.partition("-")
    if country == "GB":
        return _UK_ZONE
    zones = US_STATE_ZONES.get(region)
    if not zones:
        raise ValueError(f"no time zone for jurisdiction {jurisdiction!r}")
    return zones[0]


def local_date(at: datetime, zone: str) -> date:
    """The customer's calendar date at moment `at` (an aware datetime)."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    return at.astimezone(ZoneInfo(zone)).date()


def day_end(day: date, zone: str) -> datetime:
    """The end of `day` in the customer's zone — the next local midnight — in UTC, as moments are
    stored; across a daylight-saving change the day is 23 or 25 hours long and this stays right
    (arithmetic on datetimes sharing a zone would count wall-clock hours instead)."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_moment(day: date, at_time: time, zone: str) -> datetime:
    """A wall-clock time on `day` in the customer's zone (a public sale at 10:00 local time), in UTC."""
    return datetime.combine(day, at_time, tzinfo=ZoneInfo(zone)).astimezone(UTC)
