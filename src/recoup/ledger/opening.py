"""Opening balances in bulk: the ledger of many contracts taken over from another servicing system.

Each contract gets its book and ONE balanced opening entry that leaves the ledger as if the
contract had been funded, its installments had fallen due and its payments had been allocated
up to the conversion date:

    Dr principal          what is not yet due
    Dr principal_due      per installment still unpaid, with its number
    Dr interest_due       per installment still unpaid, with its number
    Dr cash_clearing      what the customer paid
    Cr funding            the amount financed
    Cr interest_income    the interest that fell due

The last installment due is shown gross (Dr what fell due, Cr what was paid of it), so that a
book shows the last installment that fell due, as one posted installment by installment does.

Kept balances are written equal to the postings, the fingerprint is the journal's, and on
PostgreSQL the per-row balance triggers stand aside while a chunk loads (every entry is
checked to balance here, as a whole chunk, before anything is written).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection

from recoup.bulk import BulkLoader
from recoup.ledger.errors import UnbalancedEntry
from recoup.ledger.models import AccountCode, JournalEntry, LedgerAccount, LedgerBook, Posting
from recoup.ledger.reasons import ReasonCode

Ints = npt.NDArray[np.int64]
REASON_CODE = ReasonCode.CONVERSION_OPENING.value
DEFERRED_TRIGGERS = (
    ("ledger_posting", "ledger_posting_entry_balances"),
    ("ledger_journalentry", "ledger_journalentry_has_postings"),
)


@dataclass(frozen=True)
class Openings:
    """One row per contract; the unpaid columns are (contracts, installments), installment j + 1."""

    contract_id: Sequence[int]
    currency: Sequence[str]
    waterfall_order: Sequence[str]
    waterfall_by_installment: Sequence[bool]
    overpayment: Sequence[str]
    opened_at: Sequence[str]  # as the loader's database writes a moment
    idempotency_key: Sequence[str]
    effective_date: str  # ISO date of the conversion
    posted_at: str
    financed: Ints
    principal_not_due: Ints
    paid: Ints
    interest_income: Ints
    installments_due: Ints
    last_principal: Ints  # principal and interest of the last installment due
    last_interest: Ints
    unpaid_interest: Ints
    unpaid_principal: Ints

    def __len__(self) -> int:
        return len(self.contract_id)

    def check_balanced(self) -> None:
        """Raises UnbalancedEntry naming the first contract whose opening would not balance."""
        total = (
            self.principal_not_due
            + self.unpaid_interest.sum(axis=1)
            + self.unpaid_principal.sum(axis=1)
            + self.paid
            - self.financed
            - self.interest_income
        )
        off = np.flatnonzero(total)
        if len(off):
            row = int(off[0])
            raise UnbalancedEntry(
                f"the opening of contract {self.contract_id[row]} is off by {int(total[row])} minor units",
                field="lines",
            )


def memo_for(effective_date: str) -> str:
    return f"opening balances converted as of {effective_date}"


def fingerprint_for(
    *, book_id: int, effective_date: str, memo: str, lines: list[tuple[str, int, str, int]]
) -> str:
    """journal.content_fingerprint of an opening entry, written out rather than built as a dict:
    the same JSON text (sorted keys, no spaces), so the same digest."""
    body = ",".join(
        f'["{code}",{amount},"{currency}",{installment}]'
        for code, amount, currency, installment in sorted(lines)
    )
    text = (
        f'{{"book":{book_id},"effective_date":"{effective_date}","lines":[{body}],"memo":"{memo}",'
        f'"reason_code":"{REASON_CODE}","receipt":null,"reverses":null}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


@contextmanager
def balance_checks_deferred_to_verify() -> Iterator[None]:
    """On PostgreSQL, stand the per-row balance triggers aside inside the caller's transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    # A table with trigger events still pending cannot be altered: check them now.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, trigger in DEFERRED_TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in DEFERRED_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _last_due_gross(
    openings: Openings, row: int, due_count: int, owed: list[tuple[str, int, int]]
) -> list[tuple[str, int, int]]:
    """The unpaid lines, with the last installment due shown gross: Dr what fell due, Cr what was
    paid of it. So every book shows, as installments do when they fall due one by one, the last
    installment that fell due, paid or not."""
    if not due_count:
        return owed
    column = due_count - 1
    for code, gross, unpaid in (
        (AccountCode.PRINCIPAL_DUE.value, openings.last_principal, openings.unpaid_principal),
        (AccountCode.INTEREST_DUE.value, openings.last_interest, openings.unpaid_interest),
    ):
        fell_due, left = int(gross[row]), int(unpaid[row, column])
        if fell_due > 0:
            kept = [line for line in owed if (line[0], line[2]) != (code, due_count)]
            paid = [(code, left - fell_due, due_count)] if left < fell_due else []
            return [*kept, (code, fell_due, due_count), *paid]
    return owed


def openings_write(loader: BulkLoader, openings: Openings) -> tuple[int, int]:
    """Open each contract's book and post its opening entry; returns (entries, postings) written.

    Raises UnbalancedEntry before writing anything when an opening would not balance.
    """
    openings.check_balanced()
    n = len(openings)
    book_ids = loader.ids(LedgerBook._meta.db_table, n)
    entry_ids = loader.ids(JournalEntry._meta.db_table, n)
    memo = memo_for(openings.effective_date)
    rows, columns = np.nonzero((openings.unpaid_interest > 0) | (openings.unpaid_principal > 0))
    due_lines: dict[int, list[tuple[str, int, int]]] = {}
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        owed = due_lines.setdefault(row, [])
        interest = int(openings.unpaid_interest[row, column])
        principal = int(openings.unpaid_principal[row, column])
        if interest:
            owed.append((AccountCode.INTEREST_DUE.value, interest, column + 1))
        if principal:
            owed.append((AccountCode.PRINCIPAL_DUE.value, principal, column + 1))

    accounts: list[tuple[int, str, str, int]] = []
    postings: list[tuple[int, int, int, str, int | None]] = []  # the account as its place in `accounts`
    fingerprints: list[str] = []
    for row, (book, entry, currency, financed, not_due, paid, income, due_count) in enumerate(
        zip(
            book_ids,
            entry_ids,
            openings.currency,
            openings.financed.tolist(),
            openings.principal_not_due.tolist(),
            openings.paid.tolist(),
            openings.interest_income.tolist(),
            openings.installments_due.tolist(),
            strict=True,
        )
    ):
        lines: list[tuple[str, int, int | None]] = [
            (AccountCode.PRINCIPAL.value, not_due, None),
            *_last_due_gross(openings, row, due_count, due_lines.get(row, [])),
            (AccountCode.FUNDING.value, -financed, None),
            (AccountCode.CASH_CLEARING.value, paid, None),
            (AccountCode.INTEREST_INCOME.value, -income, None),
        ]
        balances: dict[str, int] = {}
        for code, amount, _ in lines:
            if amount:
                balances[code] = balances.get(code, 0) + amount
        opened = {}
        for code, balance in balances.items():
            opened[code] = len(accounts)
            accounts.append((book, code, currency, balance))
        for code, amount, installment in lines:
            if amount:
                postings.append((entry, opened[code], amount, currency, installment))
        fingerprints.append(
            fingerprint_for(
                book_id=book,
                effective_date=openings.effective_date,
                memo=memo,
                lines=[
                    (code, amount, currency, installment or 0)
                    for code, amount, installment in lines
                    if amount
                ],
            )
        )

    loader.insert(
        LedgerBook._meta.db_table,
        (
            "id",
            "contract_id",
            "currency",
            "waterfall_order",
            "waterfall_by_installment",
            "overpayment",
            "opened_at",
        ),
        list(
            zip(
                book_ids,
                openings.contract_id,
                openings.currency,
                openings.waterfall_order,
                openings.waterfall_by_installment,
                openings.overpayment,
                openings.opened_at,
                strict=True,
            )
        ),
    )
    first_account = loader.ids(LedgerAccount._meta.db_table, len(accounts)).start
    loader.insert(
        LedgerAccount._meta.db_table,
        ("id", "book_id", "code", "currency", "balance_minor"),
        [(first_account + place, *account) for place, account in enumerate(accounts)],
    )
    loader.insert(
        JournalEntry._meta.db_table,
        (
            "id",
            "idempotency_key",
            "fingerprint",
            "reason_code",
            "book_id",
            "effective_date",
            "posted_at",
            "memo",
        ),
        [
            (entry, key, fingerprint, REASON_CODE, book, openings.effective_date, openings.posted_at, memo)
            for entry, key, fingerprint, book in zip(
                entry_ids, openings.idempotency_key, fingerprints, book_ids, strict=True
            )
        ],
    )
    loader.insert(
        Posting._meta.db_table,
        ("entry_id", "account_id", "amount_minor", "currency", "installment"),
        [
            (entry, first_account + place, amount, currency, number)
            for entry, place, amount, currency, number in postings
        ],
    )
    return n, len(postings)
