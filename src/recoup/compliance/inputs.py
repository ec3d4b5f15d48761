"""Reading the moment of a contact as people and machines write it. Pure: no Django."""

from __future__ import annotations

from datetime import datetime

from recoup.compliance.errors import InvalidMoment


def moment_parse(text: str, *, field: str = "at") -> datetime:
    """An ISO 8601 date and time with its UTC offset ("2026-03-16T10:00:00-05:00", "…Z").

    Raises InvalidMoment naming `field`: a moment without an offset is refused, since the contact
    rules turn it into the customer's local time.
    """
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidMoment(
            f"{field}: {value!r} is not an ISO 8601 date and time (2026-03-16T10:00:00-05:00)", field=field
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidMoment(f"{field}: {value!r} needs its UTC offset (-05:00, +00:00 or Z)", field=field)
    return moment
