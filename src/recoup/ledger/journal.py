"""The journal's writing primitives, shared by the ledger's operations.

Ledger-internal: other contexts call `recoup.ledger.operations`. The functions that write
expect the caller to hold the book's row lock (`book_lock`) inside its transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from recoup.access.models import User
from recoup.kernel.money import InvalidAmount, Money
from recoup.ledger.errors import (
    AlreadyReversed,
    CurrencyNotOfBook,
    EmptyEntry,
    IdempotencyConflict,
    InvalidIdempotencyKey,
    InvalidInstallment,
    InvalidReasonCode,
    NaiveDatetime,
    NegativeAmount,
    NonPositiveAmount,
    UnbalancedEntry,
    UnknownAccount,
    ZeroAmount,
)
from recoup.ledger.models import AccountCode, JournalEntry, LedgerAccount, LedgerBook, Posting, Receipt

MAX_KEY_LENGTH = 200
MAX_REASON_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an entry to post: signed, debit positive, credit negative."""

    code: str
    amount: Money
    installment: int | None = None


def book_lock(book: LedgerBook) -> LedgerBook:
    """Take the book's row lock for the rest of the transaction: one contract's writers queue on it."""
    return LedgerBook.objects.select_for_update().get(pk=book.pk)


def entry_write(
    book: LedgerBook,
    *,
    idempotency_key: str,
    fingerprint: str,
    reason_code: str,
    effective_date: date,
    at: datetime,
    lines: Sequence[Line],
    memo: str = "",
    created_by: User | None = None,
    receipt: Receipt | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Insert the entry and its postings and move kept balances; the caller holds the book lock."""
    accounts = accounts_for(book, {line.code for line in lines})
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                reason_code=reason_code,
                book=book,
                effective_date=effective_date,
                posted_at=at,
                created_by=created_by,
                memo=memo,
                receipt=receipt,
                reverses=reverses,
            )
    except IntegrityError:
        # The key was taken meanwhile by a writer on another book, which holds another lock.
        if JournalEntry.objects.filter(idempotency_key=idempotency_key).exists():
            raise IdempotencyConflict(
                f"idempotency key {idempotency_key!r} was used for a different entry", field="idempotency_key"
            ) from None
        raise
    Posting.objects.bulk_create(
        Posting(
            entry=entry,
            account=accounts[line.code],
            amount_minor=line.amount.minor,
            currency=line.amount.currency,
            installment=line.installment,
        )
        for line in lines
    )
    deltas: dict[str, int] = defaultdict(int)
    for line in lines:
        deltas[line.code] += line.amount.minor
    for code, delta in sorted(deltas.items()):
        if delta:
            LedgerAccount.objects.filter(pk=accounts[code].pk).update(
                balance_minor=F("balance_minor") + delta
            )
    return entry


def accounts_for(book: LedgerBook, codes: Iterable[str]) -> dict[str, LedgerAccount]:
    """The book's accounts with these codes, opening those it does not have yet."""
    wanted = set(codes)
    found = {account.code: account for account in LedgerAccount.objects.filter(book=book, code__in=wanted)}
    missing = sorted(wanted - found.keys())
    if missing:
        LedgerAccount.objects.bulk_create(
            LedgerAccount(book=book, code=code, currency=book.currency) for code in missing
        )
        found = {
            account.code: account for account in LedgerAccount.objects.filter(book=book, code__in=wanted)
        }
    return found


def reversal_write(
    book: LedgerBook,
    entry: JournalEntry,
    *,
    at: datetime,
    effective_date: date,
    reason_code: str,
    idempotency_key: str | None = None,
    created_by: User | None = None,
    memo: str = "",
) -> JournalEntry:
    """Write the mirror of `entry`; with an explicit key, a retry returns the first reversal.

    Raises AlreadyReversed, IdempotencyConflict.
    """
    mirror = [
        Line(posting.account.code, Money(-posting.amount_minor, posting.currency), posting.installment)
        for posting in entry.postings.select_related("account").order_by("pk")
    ]
    memo = memo or f"reverses entry {entry.pk}"
    fingerprint = content_fingerprint(
        book_id=book.pk,
        reason_code=reason_code,
        effective_date=effective_date,
        memo=memo,
        lines=mirror,
        receipt_id=entry.receipt_id,
        reverses_id=entry.pk,
    )
    if idempotency_key is not None:
        existing = entry_existing(idempotency_key, fingerprint)
        if existing is not None:
            return existing
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise AlreadyReversed(f"entry {entry.pk} is already reversed", field="entry")
    return entry_write(
        book,
        idempotency_key=idempotency_key or f"reversal-of-entry:{entry.pk}",
        fingerprint=fingerprint,
        reason_code=reason_code,
        effective_date=effective_date,
        at=at,
        lines=mirror,
        memo=memo,
        created_by=created_by,
        receipt=entry.receipt,
        reverses=entry,
    )


def balance_minor(book: LedgerBook, code: str) -> int:
    return (
        LedgerAccount.objects.filter(book=book, code=code).values_list("balance_minor", flat=True).first()
        or 0
    )


def entry_existing(idempotency_key: str, fingerprint: str) -> JournalEntry | None:
    existing = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise IdempotencyConflict(
            f"idempotency key {idempotency_key!r} was used for a different entry ({existing.pk})",
            field="idempotency_key",
        )
    return existing


def lines_checked(book: LedgerBook, lines: Sequence[Line]) -> list[Line]:
    if not lines:
        raise EmptyEntry("an entry needs at least one line", field="lines")
    totals: dict[str, int] = defaultdict(int)
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if line.code not in AccountCode.values:
            raise UnknownAccount(f"{where}: no account {line.code!r} in the chart", field=f"{where}.code")
        if not isinstance(line.amount, Money):
            raise InvalidAmount(f"{where}: amount must be Money", field=f"{where}.amount")
        if line.amount.is_zero():
            raise ZeroAmount(f"{where}: a line of zero says nothing", field=f"{where}.amount")
        if line.amount.currency != book.currency:
            raise CurrencyNotOfBook(
                f"{where}: {line.amount.currency} on a book kept in {book.currency}", field=f"{where}.amount"
            )
        if line.installment is not None and (not is_whole(line.installment) or line.installment <= 0):
            raise InvalidInstallment(
                f"{where}: installment must be a positive whole number, not {line.installment!r}",
                field=f"{where}.installment",
            )
        totals[line.amount.currency] += line.amount.minor
    for currency, total in sorted(totals.items()):
        if total:
            side = "debits" if total > 0 else "credits"
            raise UnbalancedEntry(
                f"the lines do not balance: {side} exceed by {Money(abs(total), currency)} {currency}",
                field="lines",
            )
    return list(lines)


def amount_check(book: LedgerBook, amount: Money, *, field: str, allow_zero: bool) -> None:
    if amount.currency != book.currency:
        raise CurrencyNotOfBook(f"{field}: {amount.currency} on a book kept in {book.currency}", field=field)
    if amount.minor < 0 and allow_zero:
        raise NegativeAmount(f"{field} cannot be negative, not {amount}", field=field)
    if amount.minor <= 0 and not allow_zero:
        raise NonPositiveAmount(f"{field} must be positive, not {amount}", field=field)


def key_check(idempotency_key: str) -> None:
    if not isinstance(idempotency_key, str) or not idempotency_key.strip():
        raise InvalidIdempotencyKey("an idempotency key is required", field="idempotency_key")
    if len(idempotency_key) > MAX_KEY_LENGTH:
        raise InvalidIdempotencyKey(
            f"an idempotency key is at most {MAX_KEY_LENGTH} characters", field="idempotency_key"
        )


def reason_check(reason_code: str) -> None:
    if not isinstance(reason_code, str) or not reason_code.strip():
        raise InvalidReasonCode("every entry needs a reason code", field="reason_code")
    if reason_code != reason_code.strip() or len(reason_code) > MAX_REASON_LENGTH:
        raise InvalidReasonCode(
            f"a reason code is at most {MAX_REASON_LENGTH} characters without surrounding spaces",
            field="reason_code",
        )


def moment_check(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetime("`at` must carry a time zone", field="at")


def is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def content_fingerprint(
    *,
    book_id: int,
    reason_code: str,
    effective_date: date,
    memo: str,
    lines: Sequence[Line],
    receipt_id: int | None,
    reverses_id: int | None,
) -> str:
    return digest(
        {
            "book": book_id,
            "reason_code": reason_code,
            "effective_date": effective_date.isoformat(),
            "memo": memo,
            "receipt": receipt_id,
            "reverses": reverses_id,
            "lines": sorted(
                [str(line.code), line.amount.minor, line.amount.currency, line.installment or 0]
                for line in lines
            ),
        }
    )


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
