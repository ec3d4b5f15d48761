"""How often an account's customer may be called: the rule pack's limits over the calls recorded.

Regulation F 12 CFR 1006.14(b)(2)(i), the US default: a collector is presumed to call too often if
it places a call (A) after seven call attempts within seven consecutive days about the debt, or
(B) within seven days after a telephone conversation about it, the conversation's day being the
first of the seven. Days are the customer's calendar days, so a daylight-saving change (a 23- or
25-hour day) moves nothing. Under 1006.14(b)(3)(i) calls placed with the customer's direct prior
consent within the last seven days (a callback they asked for) do not count toward either. Inbound
calls are not attempts; a conversation on one still starts the seven days (CFPB Debt Collection
Rule FAQs, telephone call frequency: a conversation counts "regardless of which party initiated
the telephone call").

Other packs use the same shape: a state's stricter count (Massachusetts 940 CMR 7.04(1)(f): two
calls in seven days), a daily limit, a shorter quiet period (the UK pack, CONC 7.3 and 7.9: fair,
not excessive contact), and the vulnerable customer's limits (FCA FG21/1).

Pure: no Django, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Drivers whose customers get the policy's seven-day vulnerable limit as well as the daily one.
STRICT_DRIVERS = frozenset({"health", "capability"})


@dataclass(frozen=True)
class Call:
    """A call recorded on the account (compliance.ContactAttempt on the call channel)."""

    at: datetime
    direction: str = "outbound"  # "outbound" or "inbound"
    conversation: bool = False  # the agent spoke with the customer about the debt
    at_customer_request: bool = False  # placed within seven days of the customer asking for it


@dataclass(frozen=True)
class Policy:
    """A rule pack's contact limits (compliance.ContactPolicy), with the words its reasons cite."""

    code: str
    name: str
    label: str  # e.g. "Regulation F (12 CFR 1006.14(b)(2))"
    window_attempts_max: int = 7
    window_days: int = 7
    daily_attempts_max: int | None = None
    # Days no call follows a conversation, its own day counting as day 1; 0 for none.
    conversation_quiet_days: int = 7
    vulnerable_daily_attempts_max: int = 1
    vulnerable_window_attempts_max: int = 3


def _count_between(days: Sequence[date], first: date, last: date) -> int:
    return sum(1 for day in days if first <= day <= last)


def _next_day_under(days: Sequence[date], *, today: date, span: int, limit: int) -> date:
    """The first day after `today` whose `span`-day window ending on it holds fewer than `limit`."""
    day = today + timedelta(days=1)
    while _count_between(days, day - timedelta(days=span - 1), day) >= limit:
        day += timedelta(days=1)
    return day


def _attempts(n: int) -> str:
    return f"{n} call attempt{'s' if n != 1 else ''}"


def frequency_reasons(
    *,
    at: datetime,
    calls: Sequence[Call],
    policy: Policy,
    drivers: Collection[str],
    day_of: Callable[[datetime], date],
) -> list[str]:
    """Why one more call at `at` would be too many (empty when it would not).

    `day_of` gives a moment's calendar day where the customer lives; `drivers` are the customer's
    vulnerability drivers (FG21/1), empty for most.
    """
    today = day_of(at)
    counted = [c for c in calls if c.at <= at and not c.at_customer_request]
    attempt_days = [day_of(c.at) for c in counted if c.direction == "outbound"]
    reasons: list[str] = []

    span = policy.window_days
    window_limits = [(policy.window_attempts_max, policy.label, "the most allowed")]
    daily_limits = (
        [(policy.daily_attempts_max, policy.label, "the most in a day")]
        if policy.daily_attempts_max is not None
        else []
    )
    if drivers:
        named = ", ".join(sorted(drivers))
        who = f"Vulnerability ({named}) treatment (FCA FG21/1)"
        daily_limits.append((policy.vulnerable_daily_attempts_max, who, "the most a day for this customer"))
        if STRICT_DRIVERS & set(drivers):
            window_limits.append((policy.vulnerable_window_attempts_max, who, "the most for this customer"))

    window_count = _count_between(attempt_days, today - timedelta(days=span - 1), today)
    limit, label, words = min(window_limits, key=lambda item: item[0])
    if window_count >= limit:
        after = _next_day_under(attempt_days, today=today, span=span, limit=limit)
        reasons.append(
            f"{label}: {_attempts(window_count)} in the {span} days to {today.isoformat()}, {words}; "
            f"no call before {after.isoformat()}"
        )
    if daily_limits:
        day_count = _count_between(attempt_days, today, today)
        limit, label, words = min(daily_limits, key=lambda item: item[0])
        if day_count >= limit:
            reasons.append(
                f"{label}: {_attempts(day_count)} on {today.isoformat()}, {words}; "
                f"no call before {(today + timedelta(days=1)).isoformat()}"
            )

    quiet = policy.conversation_quiet_days
    conversation_days = [day_of(c.at) for c in counted if c.conversation]
    if quiet > 0 and conversation_days:
        spoke = max(conversation_days)
        resumes = spoke + timedelta(days=quiet)
        if today < resumes:
            reasons.append(
                f"{policy.label}: a telephone conversation on {spoke.isoformat()} (day 1 of {quiet}); "
                f"no call before {resumes.isoformat()}"
            )
    return reasons
