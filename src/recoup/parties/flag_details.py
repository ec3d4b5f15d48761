"""The fixed vocabularies of some flags' detail, and how long a flag lasts by itself.

Breathing Space (the Debt Respite Scheme, SI 2020/1311): a standard breathing space lasts 60 days
from its start (regulation 26), so its last day is the 60th day counting the start date as day 1;
a mental health crisis breathing space lasts as long as the crisis treatment and 30 days after it
ends (regulation 32), so it has no end date when it starts and is cleared when notified.

Vulnerability: the FCA's four drivers (FG21/1, paragraph 2.5): health, life events, resilience and
capability. A flag names one or more of them; treatment follows the drivers (see compliance).
"""

from __future__ import annotations

from datetime import date, timedelta

BREATHING_SPACE_KINDS = ("standard", "mental_health_crisis")
VULNERABILITY_DRIVERS = ("health", "life_events", "resilience", "capability")
STANDARD_BREATHING_SPACE_DAYS = 60


def detail_normalised(kind: str, detail: str) -> tuple[str, str | None]:
    """The detail as stored for a flag of `kind`, or a message saying what is wrong with it.

    Free text for most kinds; for "breathing_space" one of BREATHING_SPACE_KINDS; for
    "vulnerability" a comma-separated list of drivers, stored in the drivers' own order.
    """
    text = " ".join(detail.split())
    if kind == "breathing_space":
        if text not in BREATHING_SPACE_KINDS:
            return (
                text,
                f"detail: a Breathing Space is one of {', '.join(BREATHING_SPACE_KINDS)}, not {text!r}",
            )
        return text, None
    if kind == "vulnerability":
        named = [part.strip() for part in text.split(",") if part.strip()]
        unknown = [part for part in named if part not in VULNERABILITY_DRIVERS]
        if not named or unknown:
            return text, (
                f"detail: name one or more vulnerability drivers of {', '.join(VULNERABILITY_DRIVERS)}"
                + (f"; {', '.join(repr(u) for u in unknown)} is not one" if unknown else "")
            )
        return ",".join(d for d in VULNERABILITY_DRIVERS if d in named), None
    return text, None


def until_default(kind: str, detail: str, set_date: date) -> date | None:
    """The last day a flag applies by itself when nobody clears it: a standard Breathing Space's 60th."""
    if kind == "breathing_space" and detail == "standard":
        return set_date + timedelta(days=STANDARD_BREATHING_SPACE_DAYS - 1)
    return None


def flag_active_on(
    *, set_date: date, cleared_date: date | None, until_date: date | None, on_date: date
) -> bool:
    """A flag applies from its set date, up to the day before it was cleared and up to its until date."""
    return (
        set_date <= on_date
        and (cleared_date is None or on_date < cleared_date)
        and (until_date is None or on_date <= until_date)
    )
