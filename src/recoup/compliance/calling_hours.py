"""Calling hours: when a customer may be telephoned, by the local time where they live.

FDCPA / Regulation F §1006.6(b)(1)(i): without knowledge to the contrary, a time before 8:00 a.m.
or after 9:00 p.m. local time at the consumer's location is inconvenient. UK lenders follow the
same window (CONC 7.9 asks for no contact at unreasonable hours). An address in a state that spans
zones keeps all of them, space separated; such a customer may be called only when every one of
their zones is inside the window. An unknown zone ("") is never inside it.

Pure: no Django, no clock; the instant is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from recoup.parties.timezones import UK_ZONES, US_STATE_ZONES

WINDOW_OPENS = time(8, 0)
WINDOW_CLOSES = time(21, 0)


def _zone_sets() -> frozenset[str]:
    sets = {" ".join(zones) for zones in US_STATE_ZONES.values()} | {" ".join(UK_ZONES)}
    singles = {zone for zones in (*US_STATE_ZONES.values(), UK_ZONES) for zone in zones}
    return frozenset(sets | singles)


# Every value a work item's time zone can take: each single zone, and each multi-zone state's set.
ZONE_SETS = _zone_sets()


@cache
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_time_callable(local: time) -> bool:
    """08:00 up to and including 21:00 (Reg F calls times *after* 9 p.m. inconvenient)."""
    return WINDOW_OPENS <= local <= WINDOW_CLOSES


def zone_set_callable(*, zone_set: str, at: datetime) -> bool:
    """Whether a customer whose zones are `zone_set` (space separated) may be called at `at`."""
    if at.tzinfo is None:
        raise ValueError("at must be an aware datetime")
    names = zone_set.split()
    if not names:
        return False
    for name in names:
        zone = _zone(name)
        if zone is None:
            return False
        local = at.astimezone(zone).time().replace(tzinfo=None)
        # Seconds past 21:00:00 are after 9 p.m.
        if not local_time_callable(local):
            return False
    return True


def callable_time_zones(*, at: datetime, zone_sets: Iterable[str] = ZONE_SETS) -> frozenset[str]:
    """The time-zone values (of `zone_sets`) whose customers may be called at `at`, for SQL `IN`."""
    instant = at.astimezone(UTC)
    return frozenset(zone_set for zone_set in zone_sets if zone_set_callable(zone_set=zone_set, at=instant))


def _jurisdiction_zone_sets() -> dict[str, str]:
    zones = {f"US-{state}": " ".join(names) for state, names in US_STATE_ZONES.items()}
    zones.update({f"GB-{nation}": " ".join(UK_ZONES) for nation in ("ENG", "SCT", "WLS", "NIR")})
    return zones


# A customer with no current primary address is placed by the contract's jurisdiction.
JURISDICTION_ZONE_SETS = _jurisdiction_zone_sets()
