"""What the words of an email tell the inbox: the account numbers it quotes, and whether it reads
as a complaint. Pure: no Django.

Account numbers are ten digits: a country digit (1 for US, 2 for UK accounts), the contract's
number in eight digits and a Luhn check digit (portfolio's `account_number_for`). People write
them with spaces or dashes ("1 0000 0042 7", "1000-004-27"); the check digit keeps a phone
number or an amount that happens to be ten digits long from being taken for one.
"""

from __future__ import annotations

import re

from recoup.kernel.numbers import luhn_valid

# Ten digits, optionally split by single spaces, dots or dashes, not inside a longer number.
_NUMBER = re.compile(r"(?<![\d])([12](?:[ .\-]?\d){9})(?![\d]|[ .\-]\d)")

# Words that make an email a complaint for the inbox: it gets the shorter internal deadline
# (see deadlines.py). Deliberately broad: a wrongly flagged email is answered a day sooner.
COMPLAINT_WORDS = (
    "complain",  # complain, complaint, complaints, complaining, complained
    "ombudsman",
    "cfpb",
    "consumer financial protection",
    "attorney general",
    "better business bureau",
    "harass",  # harass, harassment, harassing
    "legal action",
    "lawyer",
    "solicitor",
    "unfair",
    "unacceptable",
)
_COMPLAINT = re.compile(r"\b(" + "|".join(re.escape(word) for word in COMPLAINT_WORDS) + r")", re.IGNORECASE)


def account_numbers_in(*texts: str) -> tuple[str, ...]:
    """Account numbers written in the texts, each once, in the order they first appear."""
    found: list[str] = []
    for text in texts:
        for match in _NUMBER.finditer(text):
            digits = re.sub(r"\D", "", match.group(1))
            if len(digits) == 10 and luhn_valid(digits) and digits not in found:
                found.append(digits)
    return tuple(found)


def complaint_words_in(*texts: str) -> tuple[str, ...]:
    """The complaint words the texts use (lower-cased, each once)."""
    found: list[str] = []
    for text in texts:
        for match in _COMPLAINT.finditer(text):
            word = match.group(1).lower()
            if word not in found:
                found.append(word)
    return tuple(found)
