"""Which account a payment on a bank statement is for. Pure: no Django, no clock, no I/O.

First the account number: a ten-digit Recoup account number (Luhn-checked, so a phone number or
an amount is not taken for one) in the remittance information or the payer's reference. Failing
that, the payer's name against customers' names, with the amount against the account's
installment and the booking date against its due day giving a confidence score from 0 to 100 and
the reason in words. One clear candidate at or above the threshold is applied; several candidates,
or a lower score, go to the unapplied-cash queue as ambiguous, with the candidates for the agent.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from recoup.comms.inbox.references import account_numbers_in

MATCHED, AMBIGUOUS, UNMATCHED = "matched", "ambiguous", "unmatched"
THRESHOLD = 80
NAME_POINTS = 50
AMOUNT_POINTS = 30
AMOUNT_MULTIPLE_POINTS = 15
DATE_POINTS = 20
DATE_NEAR_POINTS = 10
# The best candidates kept for the agent: a common name can belong to thousands of customers.
MAX_CANDIDATES = 10
# A payment of two to six installments at once is common enough to count, less than an exact one.
MULTIPLES = range(2, 7)
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "mx", "sir", "prof"}

# The records below are built once or more per statement line, 100,000 times for a large file,
# and read, never changed: they are not frozen because a frozen dataclass's __init__ costs about
# twice as much.


@dataclass(slots=True)
class Candidate:
    """An account a payment could be for, as the matching needs it."""

    contract_id: int
    account_number: str
    currency: str
    name: str  # the customer's name, normalised by `name_key`
    payment_minor: int  # the regular installment
    due_day: int | None  # the day of the month installments fall due, when monthly


@dataclass(slots=True)
class Scored:
    contract_id: int
    account_number: str
    confidence: int
    reason: str


@dataclass(slots=True)
class LineFacts:
    """What the matching reads of a statement line."""

    amount_minor: int
    currency: str
    booking_date: date
    remittance: str = ""
    customer_reference: str = ""
    payer_name: str = ""
    numbers: tuple[str, ...] = ()  # the account numbers quoted: see `numbers_named`


@dataclass(slots=True)
class Match:
    status: str  # MATCHED, AMBIGUOUS or UNMATCHED
    contract_id: int | None
    confidence: int | None
    reason: str
    candidates: tuple[Scored, ...] = ()


def numbers_named(*, remittance: str, customer_reference: str) -> tuple[str, ...]:
    """The account numbers a line quotes, each once, remittance first."""
    return account_numbers_in(remittance, customer_reference)


@functools.lru_cache(maxsize=65_536)
def name_key(text: str) -> str:
    """A name as compared: lower case, accents and punctuation dropped, titles left out."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [word for word in re.split(r"[^a-z0-9]+", plain) if word and word not in _TITLES]
    return " ".join(words)


def name_keys(payer_name: str) -> tuple[str, ...]:
    """The keys a payer's name may be found under: as written, and surname first turned round
    ("GARCIA MARIA" is Maria Garcia)."""
    key = name_key(payer_name)
    if not key:
        return ()
    words = key.split()
    turned = " ".join([*words[1:], words[0]])
    return (key,) if turned == key else (key, turned)


def line_match(
    *,
    line: LineFacts,
    by_number: Mapping[str, Candidate],
    by_name: Mapping[str, Sequence[Candidate]],
    threshold: int = THRESHOLD,
) -> Match:
    """The account the line is for, or why it is not clear.

    `by_number` holds the accounts whose numbers the lines quote, `by_name` the accounts of the
    customers under each name key.
    """
    named = [by_number[number] for number in line.numbers if number in by_number]
    if len(named) == 1:
        return _by_number(line, named[0])
    if len(named) > 1:
        scored = tuple(
            Scored(c.contract_id, c.account_number, 50, f"account number {c.account_number} quoted")
            for c in named
        )
        return Match(AMBIGUOUS, None, None, f"the payment quotes {len(named)} account numbers", scored)
    return _by_name(line, by_name, threshold)


def _by_number(line: LineFacts, candidate: Candidate) -> Match:
    reason = f"account number {candidate.account_number} in the remittance"
    scored = (Scored(candidate.contract_id, candidate.account_number, 100, reason),)
    if candidate.currency != line.currency:
        return Match(
            UNMATCHED,
            None,
            None,
            f"{reason}, but paid in {line.currency} to an account kept in {candidate.currency}",
            scored,
        )
    return Match(MATCHED, candidate.contract_id, 100, reason, scored)


def _by_name(line: LineFacts, by_name: Mapping[str, Sequence[Candidate]], threshold: int) -> Match:
    seen: dict[int, Candidate] = {}
    for key in name_keys(line.payer_name):
        for candidate in by_name.get(key, ()):
            seen.setdefault(candidate.contract_id, candidate)
    if not seen:
        if line.payer_name.strip():
            return Match(
                UNMATCHED, None, None, f"no account number, and no customer named {line.payer_name!r}"
            )
        return Match(UNMATCHED, None, None, "no account number and no payer name")
    scored = sorted(
        (_score(line, candidate) for candidate in seen.values()),
        key=lambda s: (-s.confidence, s.account_number),
    )
    best = scored[0]
    rivals = [s for s in scored[1:] if s.confidence >= threshold]
    same_currency = seen[best.contract_id].currency == line.currency
    if best.confidence >= threshold and not rivals and same_currency:
        return Match(MATCHED, best.contract_id, best.confidence, best.reason, tuple(scored[:MAX_CANDIDATES]))
    if not same_currency:
        why = f"paid in {line.currency} to an account kept in {seen[best.contract_id].currency}"
        return Match(
            UNMATCHED, None, best.confidence, f"{best.reason}; {why}", tuple(scored[:MAX_CANDIDATES])
        )
    if rivals:
        why = f"{len(rivals) + 1} accounts score {threshold} or more"
    else:
        why = f"the best score {best.confidence} is below {threshold}"
    return Match(AMBIGUOUS, None, best.confidence, f"{why} ({best.reason})", tuple(scored[:MAX_CANDIDATES]))


def _score(line: LineFacts, candidate: Candidate) -> Scored:
    points = NAME_POINTS
    reasons = [f"payer name matches the customer of {candidate.account_number}"]
    if candidate.payment_minor > 0 and line.amount_minor == candidate.payment_minor:
        points += AMOUNT_POINTS
        reasons.append("the amount is the installment")
    elif candidate.payment_minor > 0 and any(
        line.amount_minor == candidate.payment_minor * times for times in MULTIPLES
    ):
        points += AMOUNT_MULTIPLE_POINTS
        reasons.append(f"the amount is {line.amount_minor // candidate.payment_minor} installments")
    else:
        reasons.append("the amount is not the installment")
    if candidate.due_day is not None:
        days = days_from_due_day(line.booking_date, candidate.due_day)
        if days <= 3:
            points += DATE_POINTS
            reasons.append(f"paid {days} days from the due day" if days else "paid on the due day")
        elif days <= 7:
            points += DATE_NEAR_POINTS
            reasons.append(f"paid {days} days from the due day")
        else:
            reasons.append(f"paid {days} days from the due day")
    return Scored(candidate.contract_id, candidate.account_number, min(points, 100), ", ".join(reasons))


@functools.lru_cache(maxsize=4_096)  # a file has few booking dates, a book 28 due days
def days_from_due_day(day: date, due_day: int) -> int:
    """Days between `day` and the nearest day of the month installments fall due on (a due day
    of the 31st falls on the last day of shorter months)."""
    nearest = 31
    for year, month in _months_around(day):
        length = calendar.monthrange(year, month)[1]
        due = date(year, month, min(due_day, length))
        nearest = min(nearest, abs((due - day).days))
    return nearest


def _months_around(day: date) -> tuple[tuple[int, int], ...]:
    before = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    after = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return (before, (day.year, day.month), after)
