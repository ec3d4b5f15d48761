"""Money, dates and labels as the account's customer would write them.

Each filter takes the account's locale ("en_US", "en_GB") as its argument, so a US and a UK
account side by side each read naturally. Money goes to Babel as an exact Decimal, never a float.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import timezone
from phonenumbers import NumberParseException

from recoup.kernel.money import Money
from recoup.parties.phones import phone_display

register = template.Library()

MISSING = "—"
# When a template does not say, a currency implies the locale its lenders write in.
CURRENCY_LOCALES = {"USD": "en_US", "GBP": "en_GB"}
DEFAULT_LOCALE = "en_US"


def locale_for_currency(currency: str) -> str:
    return CURRENCY_LOCALES.get(currency, DEFAULT_LOCALE)


def _locale(locale: str | None, currency: str | None = None) -> str:
    return locale or locale_for_currency(currency or "")


@register.filter
def money(value: Money | None, locale: str | None = None) -> str:
    """`{{ balance|money:locale }}` → "$1,234.50" (en_US) or "£1,234.50" (en_GB)."""
    if value is None:
        return MISSING
    return format_currency(value.amount, value.currency, locale=_locale(locale, value.currency))


@register.filter
def amount(value: str | None, currency: str) -> str:
    """A decimal amount as plain data carries it: `{{ "304.15"|amount:"USD" }}` → "$304.15"."""
    if value is None or value == "":
        return MISSING
    return format_currency(Decimal(value), currency, locale=locale_for_currency(currency))


@register.filter
def day(value: date | str | None, locale: str | None = None) -> str:
    """`{{ due_date|day:locale }}` → "Feb 1, 2024" (en_US) or "1 Feb 2024" (en_GB); ISO 8601 text too."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return format_date(value, "medium", locale=_locale(locale))


@register.filter
def moment(value: datetime | None, locale: str | None = None) -> str:
    """`{{ posted_at|moment:locale }}` → "Feb 1, 2024 3:04 PM UTC", in the site's time zone."""
    if value is None:
        return MISSING
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    chosen = _locale(locale)
    zone = local.tzname() or ""
    when = (
        f"{format_date(local.date(), 'medium', locale=chosen)} {format_time(local, 'short', locale=chosen)}"
    )
    return f"{when} {zone}".strip()


@register.filter
def number(value: int | Decimal | None, locale: str | None = None) -> str:
    """`{{ reading|number:locale }}` → "12,345"."""
    if value is None:
        return MISSING
    return format_decimal(value, locale=_locale(locale))


@register.filter
def label(value: str | None) -> str:
    """A code as words: "charged_off" → "Charged off"."""
    if not value:
        return MISSING
    words = str(value).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@register.filter
def slug(value: str | None) -> str:
    """A code safe for a CSS class: "Charged off" → "charged-off"."""
    return "".join(c if c.isalnum() else "-" for c in str(value or "").strip().lower())


@register.filter
def rate(value: Decimal | None, locale: str | None = None) -> str:
    """An annual rate held in percent: Decimal("7.9900") → "7.99%"."""
    if value is None:
        return MISSING
    return f"{format_decimal(value, '#,##0.00##', locale=_locale(locale))}%"


@register.filter
def debit(value: Money | None) -> Money | None:
    """The debit side of a signed amount (debit positive), or None when it is a credit."""
    return value if value is not None and value.minor > 0 else None


@register.filter
def credit(value: Money | None) -> Money | None:
    """The credit side of a signed amount as a magnitude, or None when it is a debit."""
    return -value if value is not None and value.minor < 0 else None


@register.filter
def phone(e164: str | None, country: str | None = None) -> str:
    """An E.164 number written nationally for its own country, internationally otherwise."""
    if not e164:
        return MISSING
    try:
        return phone_display(e164, country=country or "")
    except NumberParseException:
        return e164
