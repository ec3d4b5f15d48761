"""Reads of the ledger, as plain dataclasses: balances, dues, history, receipts, trial balance, verify."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import BigIntegerField, Count, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce

from recoup.kernel.money import Money
from recoup.ledger.errors import BookNotFound
from recoup.ledger.models import AccountCode, JournalEntry, LedgerAccount, LedgerBook, Posting, Receipt
from recoup.ledger.reasons import ReasonCode

RECEIVABLE_CODES: tuple[str, ...] = (
    AccountCode.PRINCIPAL,
    AccountCode.PRINCIPAL_DUE,
    AccountCode.INTEREST_ACCRUED,
    AccountCode.INTEREST_DUE,
    AccountCode.FEES_DUE,
)
ACCOUNT_LABELS: dict[str, str] = {code.value: str(code.label) for code in AccountCode}
_CHART_POSITION = {code: position for position, code in enumerate(AccountCode.values)}


@dataclass(frozen=True, slots=True)
class InstallmentOutstanding:
    """What is still owed of one installment (None: charges tied to no installment)."""

    installment: int | None
    fees: Money
    interest: Money
    principal: Money

    @property
    def total(self) -> Money:
        return self.fees + self.interest + self.principal


@dataclass(frozen=True, slots=True)
class PostingView:
    code: str
    amount: Money
    installment: int | None


@dataclass(frozen=True, slots=True)
class EntryView:
    entry_id: int
    idempotency_key: str
    effective_date: date
    posted_at: datetime
    reason_code: str
    memo: str
    postings: tuple[PostingView, ...]
    reverses_id: int | None
    reversed_by_id: int | None
    receipt_id: int | None
    created_by: str | None

    @property
    def reversed(self) -> bool:
        return self.reversed_by_id is not None

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


@dataclass(frozen=True, slots=True)
class ReceiptView:
    receipt_id: int
    sequence: int
    amount: Money
    received_date: date
    reference: str
    status: str
    allocated_at: datetime
    reversed_at: datetime | None
    reversal_reason: str


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    """Totals of one account code in one currency across every book.

    `credit` is a magnitude; `net` is debit − credit (debit positive).
    """

    code: str
    currency: str
    debit: Money
    credit: Money
    net: Money


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One disagreement found by `ledger_verify`.

    kind "kept_balance": an account's kept balance (`found`) differs from its postings (`expected`);
    "unbalanced_entry": an entry's postings sum to `found` instead of zero in `currency`;
    "empty_entry": an entry has no postings; "posting_currency": a posting's currency is not its account's.
    """

    kind: str
    contract_id: int
    currency: str
    code: str | None = None
    entry_id: int | None = None
    expected: Money | None = None
    found: Money | None = None

    def describe(self) -> str:
        where = f"contract {self.contract_id}"
        if self.kind == "kept_balance":
            return f"{where}: {self.code} kept {self.found} {self.currency}, postings say {self.expected}"
        if self.kind == "unbalanced_entry":
            return f"{where}: entry {self.entry_id} is out of balance by {self.found} {self.currency}"
        if self.kind == "empty_entry":
            return f"{where}: entry {self.entry_id} has no postings"
        return (
            f"{where}: entry {self.entry_id} posts {self.currency} to {self.code}, kept in another currency"
        )


def book_balances(contract_id: int) -> dict[str, Money]:
    """Every account of the chart with its kept balance (debit positive); unopened accounts are zero."""
    book = _book(contract_id)
    kept = dict(LedgerAccount.objects.filter(book=book).values_list("code", "balance_minor"))
    return {code: Money(kept.get(code, 0), book.currency) for code in AccountCode.values}


def receivable_total(contract_id: int) -> Money:
    """What the customer owes: principal (due or not), interest accrued and due, fees due."""
    totals = receivable_totals([contract_id])
    if contract_id not in totals:
        raise BookNotFound(f"no ledger book is open for contract {contract_id}", field="contract_id")
    return totals[contract_id]


def receivable_totals(contract_ids: Iterable[int]) -> dict[int, Money]:
    """`receivable_total` for many contracts in one GROUP BY; contracts without a book are left out."""
    rows = (
        LedgerBook.objects.filter(contract_id__in=list(contract_ids))
        .annotate(
            total=Coalesce(
                Sum("accounts__balance_minor", filter=Q(accounts__code__in=RECEIVABLE_CODES)),
                Value(0),
                output_field=BigIntegerField(),
            )
        )
        .values_list("contract_id", "currency", "total")
    )
    return {contract_id: Money(int(total), currency) for contract_id, currency, total in rows}


def last_installments_due(contract_ids: Iterable[int]) -> dict[int, int]:
    """The highest installment number that has fallen due (and not been reversed) per contract,
    counting those a conversion's opening entry made due.

    Contracts with nothing fallen due are left out.
    """
    rows = (
        Posting.objects.filter(
            account__book__contract_id__in=list(contract_ids),
            entry__reason_code__in=[ReasonCode.INSTALLMENT_FELL_DUE, ReasonCode.CONVERSION_OPENING],
            entry__reversed_by__isnull=True,
            installment__isnull=False,
        )
        .values("account__book__contract_id")
        .annotate(last=Max("installment"))
        .order_by()
    )
    return {row["account__book__contract_id"]: int(row["last"]) for row in rows}


def sums_by_installment(book: LedgerBook, codes: list[str]) -> list[tuple[str, int | None, int]]:
    """The book's postings on the accounts `codes`, summed per (code, installment).

    The book's accounts are read first and their postings then by account id, so that each is an
    index probe whatever the tables' statistics say. Joined in one query, a plan made on
    statistics taken while the tables were empty walked the whole postings index once per account.
    """
    accounts = dict(LedgerAccount.objects.filter(book=book, code__in=codes).values_list("pk", "code"))
    rows = (
        Posting.objects.filter(account_id__in=list(accounts))
        .values("account_id", "installment")
        .annotate(total=Sum("amount_minor"))
        .order_by()
    )
    return [(accounts[row["account_id"]], row["installment"], int(row["total"])) for row in rows]


def outstanding_by_installment(contract_id: int) -> list[InstallmentOutstanding]:
    """What is owed per installment, oldest first, then charges tied to none; settled ones are left out."""
    book = _book(contract_id)
    component_of: dict[str, str] = {
        AccountCode.FEES_DUE: "fees",
        AccountCode.INTEREST_DUE: "interest",
        AccountCode.PRINCIPAL_DUE: "principal",
    }
    owed: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(component_of.values(), 0))
    for code, installment, total in sums_by_installment(book, list(component_of)):
        owed[installment][component_of[code]] = total
    ordered = sorted(owed, key=lambda installment: (installment is None, installment or 0))
    return [
        InstallmentOutstanding(
            installment=installment,
            fees=Money(owed[installment]["fees"], book.currency),
            interest=Money(owed[installment]["interest"], book.currency),
            principal=Money(owed[installment]["principal"], book.currency),
        )
        for installment in ordered
        if any(owed[installment].values())
    ]


def ledger_history(contract_id: int, limit: int = 200) -> list[EntryView]:
    """The contract's entries, newest first, with their postings and reversal links (three queries)."""
    book = _book(contract_id)
    entries = list(
        JournalEntry.objects.filter(book=book)
        .select_related("created_by", "reversed_by")
        .order_by("-effective_date", "-pk")[:limit]
    )
    postings: dict[int, list[PostingView]] = defaultdict(list)
    for row in (
        Posting.objects.filter(entry__in=[entry.pk for entry in entries])
        .values("entry_id", "account__code", "amount_minor", "currency", "installment")
        .order_by("entry_id", "pk")
    ):
        postings[row["entry_id"]].append(
            PostingView(row["account__code"], Money(row["amount_minor"], row["currency"]), row["installment"])
        )
    return [
        EntryView(
            entry_id=entry.pk,
            idempotency_key=entry.idempotency_key,
            effective_date=entry.effective_date,
            posted_at=entry.posted_at,
            reason_code=entry.reason_code,
            memo=entry.memo,
            postings=tuple(postings[entry.pk]),
            reverses_id=entry.reverses_id,
            reversed_by_id=_reversed_by_id(entry),
            receipt_id=entry.receipt_id,
            created_by=entry.created_by.get_username() if entry.created_by else None,
        )
        for entry in entries
    ]


def receipts(contract_id: int) -> list[ReceiptView]:
    """The contract's receipts in the order they were taken."""
    book = _book(contract_id)
    return [
        ReceiptView(
            receipt_id=receipt.pk,
            sequence=receipt.sequence,
            amount=Money(receipt.amount_minor, receipt.currency),
            received_date=receipt.received_date,
            reference=receipt.reference,
            status=receipt.status,
            allocated_at=receipt.allocated_at,
            reversed_at=receipt.reversed_at,
            reversal_reason=receipt.reversal_reason,
        )
        for receipt in Receipt.objects.filter(book=book).order_by("sequence")
    ]


def trial_balance(*, as_of: date | None = None) -> list[TrialBalanceRow]:
    """Debits, credits and net per (account code, currency) over every book, from postings in one GROUP BY.

    `as_of` counts entries effective on or before that date; None counts them all.
    """
    postings = Posting.objects.all()
    if as_of is not None:
        postings = postings.filter(entry__effective_date__lte=as_of)
    rows = (
        postings.values("account__code", "currency")
        .annotate(
            debit=Coalesce(
                Sum("amount_minor", filter=Q(amount_minor__gt=0)), Value(0), output_field=BigIntegerField()
            ),
            credit=Coalesce(
                Sum("amount_minor", filter=Q(amount_minor__lt=0)), Value(0), output_field=BigIntegerField()
            ),
        )
        .order_by()
    )
    result = [
        TrialBalanceRow(
            code=row["account__code"],
            currency=row["currency"],
            debit=Money(int(row["debit"]), row["currency"]),
            credit=Money(-int(row["credit"]), row["currency"]),
            net=Money(int(row["debit"]) + int(row["credit"]), row["currency"]),
        )
        for row in rows
    ]
    return sorted(result, key=lambda row: (row.currency, _CHART_POSITION.get(row.code, len(_CHART_POSITION))))


def ledger_verify() -> list[Mismatch]:
    """Every disagreement between kept balances and postings, and every entry that does not balance.

    Set-based: one GROUP BY over accounts and postings, one over postings per entry and currency,
    and one query each for entries without postings and postings in a foreign currency.
    """
    mismatches: list[Mismatch] = []
    kept = (
        LedgerAccount.objects.annotate(
            computed=Coalesce(Sum("postings__amount_minor"), Value(0), output_field=BigIntegerField())
        )
        .exclude(balance_minor=F("computed"))
        .select_related("book")
        .order_by("book__contract_id", "code")
    )
    for account in kept:
        mismatches.append(
            Mismatch(
                kind="kept_balance",
                contract_id=account.book.contract_id,
                currency=account.currency,
                code=account.code,
                expected=Money(int(account.computed), account.currency),
                found=Money(account.balance_minor, account.currency),
            )
        )
    unbalanced = (
        Posting.objects.values("entry_id", "entry__book__contract_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
        .order_by("entry_id", "currency")
    )
    for row in unbalanced:
        mismatches.append(
            Mismatch(
                kind="unbalanced_entry",
                contract_id=row["entry__book__contract_id"],
                currency=row["currency"],
                entry_id=row["entry_id"],
                expected=Money(0, row["currency"]),
                found=Money(int(row["total"]), row["currency"]),
            )
        )
    empty = (
        JournalEntry.objects.annotate(lines=Count("postings"))
        .filter(lines=0)
        .values("pk", "book__contract_id", "book__currency")
        .order_by("pk")
    )
    for hollow in empty:
        mismatches.append(
            Mismatch(
                kind="empty_entry",
                contract_id=hollow["book__contract_id"],
                currency=hollow["book__currency"],
                entry_id=hollow["pk"],
            )
        )
    foreign = (
        Posting.objects.exclude(currency=F("account__currency"))
        .values("entry_id", "account__book__contract_id", "account__code", "currency")
        .order_by("entry_id")
    )
    for stray in foreign:
        mismatches.append(
            Mismatch(
                kind="posting_currency",
                contract_id=stray["account__book__contract_id"],
                currency=stray["currency"],
                code=stray["account__code"],
                entry_id=stray["entry_id"],
            )
        )
    return mismatches


def _book(contract_id: int) -> LedgerBook:
    book = LedgerBook.objects.filter(contract_id=contract_id).first()
    if book is None:
        raise BookNotFound(f"no ledger book is open for contract {contract_id}", field="contract_id")
    return book


def _reversed_by_id(entry: JournalEntry) -> int | None:
    try:
        return entry.reversed_by.pk
    except JournalEntry.DoesNotExist:
        return None
