"""Reading a report's input: business dates and grouping keys. Pure: no Django."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from recoup.reporting.errors import ReportInputInvalid

# What a report can be grouped by, as the user names it.
GROUP_KEYS = ("product", "jurisdiction", "currency")
CURRENCY = "currency"


def date_parse(text: str, *, field: str) -> date:
    """A business date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportInputInvalid(f"{field}: {text!r} is not a date (YYYY-MM-DD)", field=field) from None


def by_parse(text: str | Iterable[str] | None, *, field: str = "by") -> tuple[str, ...]:
    """Grouping keys from "product,jurisdiction" (or a list of keys), in the order given.

    Currency is always a key, last unless named earlier: amounts in different currencies are
    never added together.
    """
    if text is None:
        parts: list[str] = []
    elif isinstance(text, str):
        parts = [part.strip().lower() for part in text.split(",") if part.strip()]
    else:
        parts = [part.strip().lower() for part in text if part.strip()]
    keys: list[str] = []
    for part in parts:
        if part not in GROUP_KEYS:
            raise ReportInputInvalid(
                f"{field}: unknown key {part!r}; choose from {', '.join(GROUP_KEYS)}", field=field
            )
        if part not in keys:
            keys.append(part)
    if CURRENCY not in keys:
        keys.append(CURRENCY)
    return tuple(keys)
