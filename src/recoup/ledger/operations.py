"""Writes to the ledger: books, entries and their reversal, funding, dues, fees, receipts.

Every write takes the book's row lock first, so one contract's postings queue while other
contracts' run side by side, and owns its transaction: on any error nothing is written.
Idempotency keys make retries safe: the same key with the same request returns what the
first call made; the same key with a different request raises IdempotencyConflict.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.kernel.money import Money, currency_check
from recoup.ledger import journal
from recoup.ledger.errors import (
    AlreadyReversed,
    BookConflict,
    BookNotFound,
    CreditTooLarge,
    EntryBelongsToReceipt,
    IdempotencyConflict,
    InvalidContractId,
    InvalidCreditKind,
    InvalidInstallment,
    InvalidReference,
    NonPositiveAmount,
    WrongBook,
)
from recoup.ledger.journal import Line
from recoup.ledger.models import (
    AccountCode,
    JournalEntry,
    LedgerBook,
    Receipt,
    ReceiptStatus,
)
from recoup.ledger.queries import sums_by_installment
from recoup.ledger.reasons import ReasonCode
from recoup.ledger.waterfall import DueItem, WaterfallPolicy, allocate

MAX_REFERENCE_LENGTH = 140

# The account holding what is due of each waterfall component.
DUE_ACCOUNTS: dict[str, str] = {
    "fees": AccountCode.FEES_DUE,
    "interest": AccountCode.INTEREST_DUE,
    "principal": AccountCode.PRINCIPAL_DUE,
}
COMPONENT_OF_ACCOUNT: dict[str, str] = {code: component for component, code in DUE_ACCOUNTS.items()}


def book_open(*, contract_id: int, currency: str, policy: WaterfallPolicy, at: datetime) -> LedgerBook:
    """Open the contract's book; opening it again with the same currency and policy returns it.

    Raises InvalidContractId, UnknownCurrency, NaiveDatetime, BookConflict (field "currency"
    or "policy": the book is already open on other terms).
    """
    if not journal.is_whole(contract_id) or contract_id <= 0:
        raise InvalidContractId(
            f"contract id must be a positive whole number, not {contract_id!r}", field="contract_id"
        )
    currency_check(currency)
    journal.moment_check(at)
    with transaction.atomic():
        book = LedgerBook.objects.filter(contract_id=contract_id).first()
        if book is None:
            try:
                with transaction.atomic():
                    book = LedgerBook.objects.create(
                        contract_id=contract_id,
                        currency=currency,
                        waterfall_order=policy.order_text,
                        waterfall_by_installment=policy.by_installment,
                        overpayment=policy.overpayment,
                        opened_at=at,
                    )
            except IntegrityError:
                # Opened by a concurrent caller between our look and our insert.
                book = LedgerBook.objects.get(contract_id=contract_id)
        if book.currency != currency:
            raise BookConflict(
                f"contract {contract_id} already has a book in {book.currency}, not {currency}",
                field="currency",
            )
        if book_policy(book) != policy:
            raise BookConflict(
                f"contract {contract_id} already has a book with another waterfall", field="policy"
            )
        return book


def book_get(*, contract_id: int) -> LedgerBook:
    """The contract's book, for passing to the operations below. Raises BookNotFound."""
    book = LedgerBook.objects.filter(contract_id=contract_id).first()
    if book is None:
        raise BookNotFound(f"no ledger book is open for contract {contract_id}", field="contract_id")
    return book


def book_policy(book: LedgerBook) -> WaterfallPolicy:
    """The waterfall the book allocates receipts by."""
    return WaterfallPolicy.from_text(
        book.waterfall_order, by_installment=book.waterfall_by_installment, overpayment=book.overpayment
    )


def entry_post(
    *,
    book: LedgerBook,
    idempotency_key: str,
    reason_code: str,
    effective_date: date,
    at: datetime,
    lines: Sequence[Line],
    memo: str = "",
    created_by: User | None = None,
    receipt: Receipt | None = None,
) -> JournalEntry:
    """Post one balanced entry and move the kept balances of its accounts with it.

    Accounts are opened on first use. A person's manual entry (`created_by`) is audited.

    Raises EmptyEntry, UnknownAccount, ZeroAmount, CurrencyNotOfBook, InvalidInstallment
    (field "lines[i]..."), UnbalancedEntry (field "lines"), InvalidReasonCode,
    InvalidIdempotencyKey, IdempotencyConflict, NaiveDatetime, WrongBook (field "receipt").
    """
    journal.key_check(idempotency_key)
    journal.reason_check(reason_code)
    journal.moment_check(at)
    checked = journal.lines_checked(book, lines)
    if receipt is not None and receipt.book_id != book.pk:
        raise WrongBook(f"receipt {receipt.pk} belongs to another contract", field="receipt")
    fingerprint = journal.content_fingerprint(
        book_id=book.pk,
        reason_code=reason_code,
        effective_date=effective_date,
        memo=memo,
        lines=checked,
        receipt_id=receipt.pk if receipt else None,
        reverses_id=None,
    )
    with transaction.atomic():
        locked = journal.book_lock(book)
        existing = journal.entry_existing(idempotency_key, fingerprint)
        if existing is not None:
            return existing
        entry = journal.entry_write(
            locked,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            reason_code=reason_code,
            effective_date=effective_date,
            at=at,
            lines=checked,
            memo=memo,
            created_by=created_by,
            receipt=receipt,
        )
        if created_by is not None:
            audit_record(
                actor=created_by,
                action="ledger.entry_posted",
                object_type="ledger.journalentry",
                object_id=entry.pk,
                at=at,
                after=_entry_summary(entry, checked),
            )
        return entry


def entry_reverse(
    *,
    entry: JournalEntry,
    at: datetime,
    effective_date: date,
    reason_code: str,
    idempotency_key: str | None = None,
    created_by: User | None = None,
) -> JournalEntry:
    """Post the mirror of `entry`, undoing it; an entry is reversed at most once. Audited.

    With an explicit idempotency key, a retry of the same reversal returns it.

    Raises AlreadyReversed (field "entry"), EntryBelongsToReceipt (reverse the receipt
    instead), InvalidReasonCode, InvalidIdempotencyKey, IdempotencyConflict, NaiveDatetime.
    """
    journal.reason_check(reason_code)
    journal.moment_check(at)
    if idempotency_key is not None:
        journal.key_check(idempotency_key)
    if entry.receipt_id is not None:
        raise EntryBelongsToReceipt(
            f"entry {entry.pk} allocates receipt {entry.receipt_id}: "
            "reverse the receipt, so that later receipts replay",
            field="entry",
        )
    with transaction.atomic():
        book = journal.book_lock(entry.book)
        reversal = journal.reversal_write(
            book,
            entry,
            at=at,
            effective_date=effective_date,
            reason_code=reason_code,
            idempotency_key=idempotency_key,
            created_by=created_by,
        )
        audit_record(
            actor=created_by,
            action="ledger.entry_reversed",
            object_type="ledger.journalentry",
            object_id=entry.pk,
            at=at,
            after={"reversed_by": reversal.pk, "reason_code": reason_code},
        )
        return reversal


def contract_fund(
    *, book: LedgerBook, amount: Money, effective_date: date, at: datetime, idempotency_key: str | None = None
) -> JournalEntry:
    """Record the advance to the dealer: Dr principal, Cr funding. Once per contract unless keyed otherwise.

    Raises NonPositiveAmount, CurrencyNotOfBook (field "amount"), IdempotencyConflict.
    """
    journal.amount_check(book, amount, field="amount", allow_zero=False)
    return entry_post(
        book=book,
        idempotency_key=idempotency_key or f"ledger:{book.contract_id}:funding",
        reason_code=ReasonCode.CONTRACT_FUNDED,
        effective_date=effective_date,
        at=at,
        lines=[Line(AccountCode.PRINCIPAL, amount), Line(AccountCode.FUNDING, -amount)],
        memo="funded",
    )


def installment_fall_due(
    *, book: LedgerBook, installment: int, principal: Money, interest: Money, due_date: date, at: datetime
) -> JournalEntry:
    """Make an installment due: Dr principal_due / Cr principal, and Dr interest_due / Cr interest.

    The interest is credited to interest_accrued as far as accruals have been posted there
    (so income is recognised once), and to interest_income for the rest. Once per
    installment: a retry returns the first entry, other amounts raise IdempotencyConflict.

    Raises InvalidInstallment, NegativeAmount, NonPositiveAmount (nothing due at all),
    CurrencyNotOfBook (field "principal" or "interest"), IdempotencyConflict, NaiveDatetime.
    """
    if not journal.is_whole(installment) or installment <= 0:
        raise InvalidInstallment(
            f"installment must be a positive whole number, not {installment!r}", field="installment"
        )
    journal.amount_check(book, principal, field="principal", allow_zero=True)
    journal.amount_check(book, interest, field="interest", allow_zero=True)
    if principal.is_zero() and interest.is_zero():
        raise NonPositiveAmount(f"installment {installment} has nothing to fall due", field="principal")
    journal.moment_check(at)
    key = f"ledger:{book.contract_id}:installment:{installment}:due"
    # The request, not the accrued/income split (which depends on the day it runs), is what a retry repeats.
    fingerprint = journal.digest(
        {
            "act": "installment_fall_due",
            "book": book.pk,
            "installment": installment,
            "principal": principal.minor,
            "interest": interest.minor,
            "due_date": due_date.isoformat(),
        }
    )
    with transaction.atomic():
        locked = journal.book_lock(book)
        existing = journal.entry_existing(key, fingerprint)
        if existing is not None:
            return existing
        lines: list[Line] = []
        if principal.is_positive():
            lines += [
                Line(AccountCode.PRINCIPAL_DUE, principal, installment),
                Line(AccountCode.PRINCIPAL, -principal),
            ]
        if interest.is_positive():
            accrued = max(0, journal.balance_minor(locked, AccountCode.INTEREST_ACCRUED))
            from_accrued = Money(min(accrued, interest.minor), interest.currency)
            lines.append(Line(AccountCode.INTEREST_DUE, interest, installment))
            if from_accrued.is_positive():
                lines.append(Line(AccountCode.INTEREST_ACCRUED, -from_accrued))
            if from_accrued != interest:
                lines.append(Line(AccountCode.INTEREST_INCOME, from_accrued - interest))
        return journal.entry_write(
            locked,
            idempotency_key=key,
            fingerprint=fingerprint,
            reason_code=ReasonCode.INSTALLMENT_FELL_DUE,
            effective_date=due_date,
            at=at,
            lines=lines,
            memo=f"installment {installment} due",
        )


def interest_accrue(
    *, book: LedgerBook, amount: Money, accrued_to_date: date, at: datetime, idempotency_key: str
) -> JournalEntry:
    """Recognise interest earned and not yet due: Dr interest_accrued / Cr interest_income.

    Dated `accrued_to_date`. The installment that later bills the interest takes it back out of
    interest_accrued (see installment_fall_due), so the income is recognised once.

    Raises NonPositiveAmount, CurrencyNotOfBook (field "amount"), InvalidIdempotencyKey,
    IdempotencyConflict, NaiveDatetime.
    """
    journal.amount_check(book, amount, field="amount", allow_zero=False)
    return entry_post(
        book=book,
        idempotency_key=idempotency_key,
        reason_code=ReasonCode.INTEREST_ACCRUED,
        effective_date=accrued_to_date,
        at=at,
        lines=[Line(AccountCode.INTEREST_ACCRUED, amount), Line(AccountCode.INTEREST_INCOME, -amount)],
        memo=accrual_memo(accrued_to_date),
    )


def accrual_memo(accrued_to_date: date) -> str:
    """The memo of an accrual entry (part of its fingerprint, which the batch computes too)."""
    return f"interest accrued to {accrued_to_date.isoformat()}"


def fee_assess(
    *,
    book: LedgerBook,
    amount: Money,
    reason_code: str,
    effective_date: date,
    at: datetime,
    idempotency_key: str,
    installment: int | None = None,
) -> JournalEntry:
    """Charge a fee: Dr fees_due (against the installment, if any) / Cr fee_income.

    Raises NonPositiveAmount, CurrencyNotOfBook (field "amount"), InvalidInstallment,
    InvalidReasonCode, IdempotencyConflict.
    """
    journal.amount_check(book, amount, field="amount", allow_zero=False)
    if installment is not None and (not journal.is_whole(installment) or installment <= 0):
        raise InvalidInstallment(
            f"installment must be a positive whole number, not {installment!r}", field="installment"
        )
    return entry_post(
        book=book,
        idempotency_key=idempotency_key,
        reason_code=reason_code,
        effective_date=effective_date,
        at=at,
        lines=[Line(AccountCode.FEES_DUE, amount, installment), Line(AccountCode.FEE_INCOME, -amount)],
        memo=f"fee {reason_code}",
    )


CREDIT_KINDS = ("fee_waiver", "credit")


def credit_grant(
    *,
    book: LedgerBook,
    kind: str,
    amount: Money,
    reason_code: str,
    effective_date: date,
    at: datetime,
    idempotency_key: str,
    created_by: User | None = None,
    memo: str = "",
) -> JournalEntry:
    """Reduce what the customer owes at the lender's cost: Dr credits / Cr what it reduces.

    A fee waiver reduces fees due, oldest installment first. A credit reduces what is due in the
    book's waterfall order, then principal not yet due. Neither is a payment: no receipt is made,
    so a promise to pay is not kept by one.

    Raises NonPositiveAmount, CurrencyNotOfBook (field "amount"), CreditTooLarge (field "amount":
    more than the fees due, or the balance), InvalidCreditKind (field "kind"), InvalidReasonCode,
    IdempotencyConflict.
    """
    if kind not in CREDIT_KINDS:
        raise InvalidCreditKind(f"kind: {kind!r} is not one of {', '.join(CREDIT_KINDS)}", field="kind")
    journal.amount_check(book, amount, field="amount", allow_zero=False)
    with transaction.atomic():
        locked = journal.book_lock(book)
        due, principal_not_due = _creditable(locked, kind)
        room = sum(item.outstanding_minor for item in due) + principal_not_due
        if amount.minor > room:
            what = "the fees due" if kind == "fee_waiver" else "the balance"
            raise CreditTooLarge(
                f"amount: {amount} is more than {what} ({Money(room, amount.currency)})", field="amount"
            )
        policy = book_policy(locked)  # what is left after the dues goes to principal, never unapplied
        allocation = allocate(
            amount_minor=amount.minor,
            due_items=due,
            policy=dataclasses.replace(policy, overpayment="principal"),
            principal_not_due_minor=principal_not_due,
        )
        lines = [Line(AccountCode.CREDITS, amount)]
        lines += [
            Line(DUE_ACCOUNTS[part.component], Money(-part.amount_minor, amount.currency), part.installment)
            for part in allocation.lines
        ]
        if allocation.to_principal:
            lines.append(Line(AccountCode.PRINCIPAL, Money(-allocation.to_principal, amount.currency)))
        return entry_post(
            book=locked,
            idempotency_key=idempotency_key,
            reason_code=reason_code,
            effective_date=effective_date,
            at=at,
            lines=lines,
            memo=memo or f"{kind} {reason_code}",
            created_by=created_by,
        )


def credit_room_minor(*, book: LedgerBook, kind: str) -> int:
    """The most a credit of `kind` could reduce now: the fees due, or the whole balance."""
    if kind not in CREDIT_KINDS:
        raise InvalidCreditKind(f"kind: {kind!r} is not one of {', '.join(CREDIT_KINDS)}", field="kind")
    due, principal_not_due = _creditable(book, kind)
    return sum(item.outstanding_minor for item in due) + principal_not_due


def _creditable(book: LedgerBook, kind: str) -> tuple[list[DueItem], int]:
    """What a credit of `kind` may reduce: due items, and principal not yet due."""
    due = _due_items(book)
    if kind == "fee_waiver":
        return [item for item in due if item.component == "fees"], 0
    return due, max(0, journal.balance_minor(book, AccountCode.PRINCIPAL))


def receipt_allocate(
    *,
    book: LedgerBook,
    amount: Money,
    received_date: date,
    at: datetime,
    reference: str,
    idempotency_key: str,
    created_by: User | None = None,
) -> Receipt:
    """Take a payment and allocate it by the book's waterfall in one entry.

    Dr cash_clearing; Cr each due component (with its installment), Cr principal for a
    prepayment, Cr unapplied for what is held. Same key and same request: the existing receipt.

    Raises NonPositiveAmount, CurrencyNotOfBook (field "amount"), InvalidReference,
    InvalidIdempotencyKey, IdempotencyConflict, NaiveDatetime.
    """
    journal.amount_check(book, amount, field="amount", allow_zero=False)
    journal.key_check(idempotency_key)
    journal.moment_check(at)
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise InvalidReference(
            f"reference is longer than {MAX_REFERENCE_LENGTH} characters", field="reference"
        )
    with transaction.atomic():
        locked = journal.book_lock(book)
        existing = Receipt.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            asked = (locked.pk, amount.minor, amount.currency, received_date, reference)
            held = (
                existing.book_id,
                existing.amount_minor,
                existing.currency,
                existing.received_date,
                existing.reference,
            )
            if asked != held:
                raise IdempotencyConflict(
                    f"idempotency key {idempotency_key!r} was used for a different receipt",
                    field="idempotency_key",
                )
            return existing
        last = Receipt.objects.filter(book=locked).aggregate(last=Max("sequence"))["last"] or 0
        receipt = Receipt.objects.create(
            book=locked,
            sequence=last + 1,
            amount_minor=amount.minor,
            currency=amount.currency,
            received_date=received_date,
            reference=reference,
            idempotency_key=idempotency_key,
            allocated_at=at,
        )
        _allocation_post(
            locked,
            receipt,
            idempotency_key=f"receipt:{idempotency_key}",
            reason_code=ReasonCode.RECEIPT_ALLOCATED,
            effective_date=received_date,
            at=at,
            created_by=created_by,
        )
        if created_by is not None:
            audit_record(
                actor=created_by,
                action="ledger.receipt_allocated",
                object_type="ledger.receipt",
                object_id=receipt.pk,
                at=at,
                after={"amount": str(amount), "currency": amount.currency, "reference": reference},
            )
        return receipt


def receipt_reverse(
    *, receipt: Receipt, at: datetime, effective_date: date, reason_code: str, created_by: User | None = None
) -> Receipt:
    """A payment came back: unwind it, and replay every later receipt as if it had never been. Audited.

    The allocations of this receipt and of every later still-allocated receipt are reversed
    (newest first), this receipt is marked reversed, and the later receipts are allocated
    afresh in sequence order. All of it is dated `effective_date`: earlier days stay as
    they were reported.

    Raises AlreadyReversed (field "receipt"), InvalidReasonCode, NaiveDatetime.
    """
    journal.reason_check(reason_code)
    journal.moment_check(at)
    with transaction.atomic():
        book = journal.book_lock(receipt.book)
        returned = Receipt.objects.get(pk=receipt.pk)
        if returned.status == ReceiptStatus.REVERSED:
            raise AlreadyReversed(f"receipt {returned.sequence} is already reversed", field="receipt")
        later = list(
            Receipt.objects.filter(
                book=book, sequence__gt=returned.sequence, status=ReceiptStatus.ALLOCATED
            ).order_by("sequence")
        )
        unwind_memo = f"receipt {returned.sequence} ({returned.reference}) returned"
        for affected in reversed(later):
            for entry in _live_entries(affected):
                journal.reversal_write(
                    book,
                    entry,
                    at=at,
                    effective_date=effective_date,
                    reason_code=ReasonCode.RECEIPT_UNWOUND,
                    created_by=created_by,
                    memo=unwind_memo,
                )
        for entry in _live_entries(returned):
            journal.reversal_write(
                book,
                entry,
                at=at,
                effective_date=effective_date,
                reason_code=reason_code,
                created_by=created_by,
            )
        Receipt.objects.filter(pk=returned.pk, status=ReceiptStatus.ALLOCATED).update(
            status=ReceiptStatus.REVERSED, reversed_at=at, reversal_reason=reason_code
        )
        for affected in later:
            replays = JournalEntry.objects.filter(
                receipt=affected,
                reason_code__in=[ReasonCode.RECEIPT_ALLOCATED, ReasonCode.RECEIPT_REPLAYED],
            ).count()
            _allocation_post(
                book,
                affected,
                idempotency_key=f"receipt:{affected.idempotency_key}:replay:{replays}",
                reason_code=ReasonCode.RECEIPT_REPLAYED,
                effective_date=effective_date,
                at=at,
                created_by=created_by,
                memo=unwind_memo,
            )
        audit_record(
            actor=created_by,
            action="ledger.receipt_reversed",
            object_type="ledger.receipt",
            object_id=returned.pk,
            at=at,
            before={"status": ReceiptStatus.ALLOCATED},
            after={
                "status": ReceiptStatus.REVERSED,
                "reason_code": reason_code,
                "replayed_receipts": [affected.sequence for affected in later],
            },
        )
        returned.refresh_from_db()
        return returned


def _allocation_post(
    book: LedgerBook,
    receipt: Receipt,
    *,
    idempotency_key: str,
    reason_code: str,
    effective_date: date,
    at: datetime,
    created_by: User | None,
    memo: str = "",
) -> JournalEntry:
    """Allocate the receipt against what is outstanding now and post it; the caller holds the book lock."""
    allocation = allocate(
        amount_minor=receipt.amount_minor,
        due_items=_due_items(book),
        policy=book_policy(book),
        principal_not_due_minor=max(0, journal.balance_minor(book, AccountCode.PRINCIPAL)),
    )
    currency = receipt.currency
    lines = [Line(AccountCode.CASH_CLEARING, Money(receipt.amount_minor, currency))]
    lines += [
        Line(DUE_ACCOUNTS[part.component], Money(-part.amount_minor, currency), part.installment)
        for part in allocation.lines
    ]
    if allocation.to_principal:
        lines.append(Line(AccountCode.PRINCIPAL, Money(-allocation.to_principal, currency)))
    if allocation.to_unapplied:
        lines.append(Line(AccountCode.UNAPPLIED, Money(-allocation.to_unapplied, currency)))
    memo = memo or receipt.reference
    return journal.entry_write(
        book,
        idempotency_key=idempotency_key,
        fingerprint=journal.content_fingerprint(
            book_id=book.pk,
            reason_code=reason_code,
            effective_date=effective_date,
            memo=memo,
            lines=lines,
            receipt_id=receipt.pk,
            reverses_id=None,
        ),
        reason_code=reason_code,
        effective_date=effective_date,
        at=at,
        lines=lines,
        memo=memo,
        created_by=created_by,
        receipt=receipt,
    )


def _due_items(book: LedgerBook) -> list[DueItem]:
    """What is outstanding per (component, installment), summed from postings in one GROUP BY."""
    return [
        DueItem(installment, COMPONENT_OF_ACCOUNT[code], total)
        for code, installment, total in sums_by_installment(book, list(DUE_ACCOUNTS.values()))
        if total > 0
    ]


def _live_entries(receipt: Receipt) -> list[JournalEntry]:
    """The receipt's entries still in force: neither reversals nor reversed. Newest first."""
    return list(
        JournalEntry.objects.filter(
            receipt=receipt, reverses__isnull=True, reversed_by__isnull=True
        ).order_by("-pk")
    )


def _entry_summary(entry: JournalEntry, lines: Sequence[Line]) -> dict[str, Any]:
    return {
        "contract_id": entry.book.contract_id,
        "reason_code": entry.reason_code,
        "effective_date": entry.effective_date.isoformat(),
        "lines": [
            [str(line.code), str(line.amount), line.amount.currency, line.installment] for line in lines
        ],
    }
