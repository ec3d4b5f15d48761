"""Books, loans and snapshots the ledger tests build on."""

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from django.db import transaction

from recoup.kernel.money import Money
from recoup.ledger.models import JournalEntry, LedgerAccount, LedgerBook, Posting, Receipt
from recoup.ledger.operations import book_open, contract_fund, installment_fall_due
from recoup.ledger.waterfall import WaterfallPolicy

AT = datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)
STANDARD = WaterfallPolicy(("fees", "interest", "principal"), by_installment=True, overpayment="principal")

_contract_ids = itertools.count(10_000)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def a_book(*, currency: str = "USD", policy: WaterfallPolicy = STANDARD) -> LedgerBook:
    return book_open(contract_id=next(_contract_ids), currency=currency, policy=policy, at=AT)


def a_loan_two_installments_due(policy: WaterfallPolicy = STANDARD) -> LedgerBook:
    """12,000.00 funded; installments 1 (950.00 + 100.00) and 2 (958.00 + 92.00) have fallen due."""
    book = a_book(policy=policy)
    contract_fund(book=book, amount=usd(1_200_000), effective_date=date(2026, 1, 1), at=AT)
    installment_fall_due(
        book=book,
        installment=1,
        principal=usd(95_000),
        interest=usd(10_000),
        due_date=date(2026, 2, 1),
        at=AT,
    )
    installment_fall_due(
        book=book, installment=2, principal=usd(95_800), interest=usd(9_200), due_date=date(2026, 3, 1), at=AT
    )
    return book


def ledger_state() -> tuple[dict[str, int], list[tuple[int, int]]]:
    """Row counts of every ledger table and every kept balance: unchanged means nothing was written."""
    counts = {
        "books": LedgerBook.objects.count(),
        "accounts": LedgerAccount.objects.count(),
        "entries": JournalEntry.objects.count(),
        "postings": Posting.objects.count(),
        "receipts": Receipt.objects.count(),
    }
    return counts, sorted(LedgerAccount.objects.values_list("pk", "balance_minor"))


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run a block, then undo it: each hypothesis example starts from the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
