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
PostgreSQL the ledger's balance triggers stand aside while a chunk loads (every entry is
checked to balance here, as a whole chunk, before anything is written).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
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


@contextmanager
def balance_checks_deferred_to_verify() -> Iterator[None]:
    """On PostgreSQL, stand the balance triggers aside inside the caller's transaction."""
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


# The codes an opening posts to, and each line's place (slot) in an entry: principal not yet
# due, then per installment its unpaid interest and principal, then the last installment due
# shown gross (what fell due, then what was paid of it), then funding, cash and income.
CODES = np.array(
    [
        AccountCode.PRINCIPAL.value,
        AccountCode.INTEREST_DUE.value,
        AccountCode.PRINCIPAL_DUE.value,
        AccountCode.FUNDING.value,
        AccountCode.CASH_CLEARING.value,
        AccountCode.INTEREST_INCOME.value,
    ]
)
PRINCIPAL, INTEREST_DUE, PRINCIPAL_DUE, FUNDING, CASH_CLEARING, INTEREST_INCOME = range(len(CODES))
ALPHABETICAL = np.argsort(np.argsort(CODES))  # a code's rank when the fingerprint sorts lines


@dataclass(frozen=True)
class _Lines:
    """The non-zero lines of every entry, entry by entry in posting order."""

    row: Ints  # the entry's row in Openings
    code: Ints  # index into CODES
    amount: Ints
    installment: Ints  # 0 for a line of no installment


def _lines(openings: Openings) -> _Lines:
    n, kept = openings.unpaid_interest.shape
    slots = 1 + 2 * kept + 2 + 3
    code = np.zeros((n, slots), dtype=np.int64)
    amount = np.zeros((n, slots), dtype=np.int64)
    installment = np.zeros((n, slots), dtype=np.int64)
    code[:, 0], amount[:, 0] = PRINCIPAL, openings.principal_not_due
    number = np.arange(1, kept + 1)
    code[:, 1 : 1 + 2 * kept : 2], amount[:, 1 : 1 + 2 * kept : 2] = INTEREST_DUE, openings.unpaid_interest
    code[:, 2 : 2 + 2 * kept : 2], amount[:, 2 : 2 + 2 * kept : 2] = PRINCIPAL_DUE, openings.unpaid_principal
    installment[:, 1 : 1 + 2 * kept] = np.repeat(number, 2)[None, :]

    # The last installment due, shown gross: its principal if any fell due, else its interest.
    due = openings.installments_due
    column = np.maximum(due - 1, 0)
    rows = np.arange(n)
    gross_principal = (due > 0) & (openings.last_principal > 0)
    gross_interest = (due > 0) & ~gross_principal & (openings.last_interest > 0)
    gross = gross_principal | gross_interest
    fell_due = np.where(gross_principal, openings.last_principal, openings.last_interest)
    left = np.where(
        gross_principal,
        openings.unpaid_principal[rows, column],
        openings.unpaid_interest[rows, column],
    )
    gross_code = np.where(gross_principal, PRINCIPAL_DUE, INTEREST_DUE)
    replaced = 1 + 2 * column + (gross_code == PRINCIPAL_DUE)
    amount[rows[gross], replaced[gross]] = 0
    at = 1 + 2 * kept
    code[:, at], amount[:, at], installment[:, at] = gross_code, np.where(gross, fell_due, 0), due
    code[:, at + 1], installment[:, at + 1] = gross_code, due
    amount[:, at + 1] = np.where(gross & (left < fell_due), left - fell_due, 0)

    code[:, at + 2], amount[:, at + 2] = FUNDING, -openings.financed
    code[:, at + 3], amount[:, at + 3] = CASH_CLEARING, openings.paid
    code[:, at + 4], amount[:, at + 4] = INTEREST_INCOME, -openings.interest_income
    row, slot = np.nonzero(amount)
    return _Lines(row=row, code=code[row, slot], amount=amount[row, slot], installment=installment[row, slot])


def _fingerprints(lines: _Lines, *, book_ids: range, currency: np.ndarray, effective_date: str) -> list[str]:
    """journal.content_fingerprint of each entry, written out for all entries at once rather than
    built as a dict per entry: the same JSON text (sorted keys, no spaces), so the same digest."""
    order = np.lexsort((lines.installment, lines.amount, ALPHABETICAL[lines.code], lines.row))
    frame = pl.DataFrame(
        {
            "row": lines.row[order],
            "code": CODES[lines.code[order]],
            "amount": lines.amount[order],
            "currency": currency[lines.row[order]],
            "installment": lines.installment[order],
        }
    )
    line = pl.concat_str(
        pl.lit('["'),
        "code",
        pl.lit('",'),
        "amount",
        pl.lit(',"'),
        "currency",
        pl.lit('",'),
        "installment",
        pl.lit("]"),
    )
    bodies = frame.group_by("row", maintain_order=True).agg(line.str.join(",").alias("body"))
    memo = memo_for(effective_date)
    tail = f'],"memo":"{memo}","reason_code":"{REASON_CODE}","receipt":null,"reverses":null}}'
    texts = bodies.select(
        pl.concat_str(
            pl.lit('{"book":'),
            pl.col("row") + book_ids.start,
            pl.lit(f',"effective_date":"{effective_date}","lines":['),
            "body",
            pl.lit(tail),
        )
    ).to_series()
    return [hashlib.sha256(text.encode()).hexdigest() for text in texts.to_list()]


def openings_write(loader: BulkLoader, openings: Openings) -> tuple[int, int]:
    """Open each contract's book and post its opening entry; returns (entries, postings) written.

    An account is opened for each code the entry posts to, in the order its lines first name
    them, with the balance its postings sum to.

    Raises UnbalancedEntry before writing anything when an opening would not balance.
    """
    openings.check_balanced()
    n = len(openings)
    book_ids = loader.ids(LedgerBook._meta.db_table, n)
    entry_ids = loader.ids(JournalEntry._meta.db_table, n)
    currency = np.asarray(openings.currency)
    lines = _lines(openings)

    # One account per (entry, code), numbered in the order the entry's lines first name it.
    keys = lines.row * len(CODES) + lines.code
    by_key = np.argsort(keys, kind="stable")
    accounts_keys, first_line, counts = np.unique(keys, return_index=True, return_counts=True)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    balances = np.add.reduceat(lines.amount[by_key], starts) if len(keys) else keys
    opened = np.argsort(first_line, kind="stable")
    place = np.empty_like(opened)
    place[opened] = np.arange(len(opened))
    first_account = loader.ids(LedgerAccount._meta.db_table, len(opened)).start
    account_of_line = first_account + place[np.searchsorted(accounts_keys, keys)]

    loader.insert(
        LedgerBook._meta.db_table,
        {
            "id": book_ids,
            "contract_id": openings.contract_id,
            "currency": openings.currency,
            "waterfall_order": openings.waterfall_order,
            "waterfall_by_installment": openings.waterfall_by_installment,
            "overpayment": openings.overpayment,
            "opened_at": openings.opened_at,
        },
    )
    account_rows = accounts_keys[opened] // len(CODES)
    loader.insert(
        LedgerAccount._meta.db_table,
        {
            "id": range(first_account, first_account + len(opened)),
            "book_id": book_ids.start + account_rows,
            "code": CODES[accounts_keys[opened] % len(CODES)],
            "currency": currency[account_rows],
            "balance_minor": balances[opened],
        },
    )
    loader.insert(
        JournalEntry._meta.db_table,
        {
            "id": entry_ids,
            "idempotency_key": openings.idempotency_key,
            "fingerprint": _fingerprints(
                lines, book_ids=book_ids, currency=currency, effective_date=openings.effective_date
            ),
            "reason_code": REASON_CODE,
            "book_id": book_ids,
            "effective_date": openings.effective_date,
            "posted_at": openings.posted_at,
            "memo": memo_for(openings.effective_date),
        },
    )
    loader.insert(
        Posting._meta.db_table,
        {
            "entry_id": entry_ids.start + lines.row,
            "account_id": account_of_line,
            "amount_minor": lines.amount,
            "currency": currency[lines.row],
            "installment": [number or None for number in lines.installment.tolist()],
        },
    )
    return n, len(lines.row)


def opening_tables() -> tuple[str, ...]:
    """The tables openings_write fills."""
    return tuple(m._meta.db_table for m in (LedgerBook, LedgerAccount, JournalEntry, Posting))
