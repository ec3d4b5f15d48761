# ruff: noqa: S608 - SQL is spliced only from constants and checked identifiers
"""Set-based reads and writes of the statement import: the accounts the lines name, and many
receipts allocated at once.

`receipts_allocate_bulk` writes exactly what `recoup.ledger.operations.receipt_allocate` would for
each payment in turn (the same receipt, sequence, entry, fingerprint, postings and kept balances),
but with a handful of statements for the whole batch: the books are locked in id order, what is
outstanding on all of them is read in one grouped query, the pure waterfall runs per receipt in
Python, receipts go in through a temporary table (COPY on PostgreSQL), and entries and postings
through `recoup.ledger.batch.entries_post_bulk`. The caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from django.db import connection

from recoup.kernel import bulk
from recoup.ledger import batch as ledger_batch
from recoup.ledger.models import AccountCode
from recoup.ledger.operations import COMPONENT_OF_ACCOUNT, DUE_ACCOUNTS
from recoup.ledger.reasons import ReasonCode
from recoup.ledger.waterfall import DueItem, WaterfallPolicy, allocate
from recoup.payments.statements.matching import Candidate, name_key

# The latest schedule version gives the installment and the due day the matching scores against.
_CANDIDATE_SELECT = (
    "SELECT c.id, c.account_number, c.currency, p.search_name, sv.payment_minor, sv.first_due_date, "
    "sv.frequency FROM portfolio_contract c "
    "JOIN parties_party p ON p.id = c.customer_id "
    "JOIN ledger_ledgerbook b ON b.contract_id = c.id "
    "LEFT JOIN portfolio_scheduleversion sv ON sv.contract_id = c.id AND sv.version = "
    "(SELECT MAX(v.version) FROM portfolio_scheduleversion v WHERE v.contract_id = c.id) "
)


def candidates_by_number(numbers: Iterable[str]) -> dict[str, Candidate]:
    """The accounts (with a ledger book) whose numbers are given, in one query."""
    rows = _candidates(
        "stmt_numbers",
        "number",
        sorted(set(numbers)),
        "WHERE c.account_number IN (SELECT number FROM stmt_numbers)",
    )
    return {candidate.account_number: candidate for candidate in rows}


def candidates_by_name(keys: Iterable[str]) -> dict[str, list[Candidate]]:
    """The accounts of the customers found under each name key, in one query."""
    found: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in _candidates(
        "stmt_names", "name", sorted(set(keys)), "WHERE p.search_name IN (SELECT name FROM stmt_names)"
    ):
        found[candidate.name].append(candidate)
    return dict(found)


def _candidates(table: str, column: str, values: list[str], where: str) -> list[Candidate]:
    if not values:
        return []
    vendor = connection.vendor
    with connection.cursor() as cursor:
        bulk.temp_table_load(cursor, vendor, table, pl.DataFrame({column: values}, schema={column: pl.Utf8}))
        cursor.execute(_CANDIDATE_SELECT + where)
        rows = cursor.fetchall()
        cursor.execute(f"DROP TABLE {table}")
    return [
        Candidate(
            contract_id=row[0],
            account_number=row[1],
            currency=row[2],
            name=name_key(row[3]),
            payment_minor=row[4] or 0,
            due_day=_day(row[5]) if row[6] == "monthly" else None,
        )
        for row in rows
    ]


def _day(value: date | str | None) -> int | None:
    if value is None:
        return None
    return value.day if isinstance(value, date) else date.fromisoformat(str(value)[:10]).day


@dataclass(slots=True)  # not frozen, as matching's records (one per line, read only)
class Payment:
    """One payment to allocate: to a contract, keyed as `receipt_allocate` would be."""

    contract_id: int
    amount_minor: int
    currency: str
    received_date: date
    reference: str
    idempotency_key: str


@dataclass(slots=True)
class _Book:
    id: int
    currency: str
    policy: WaterfallPolicy
    sequence: int
    principal_not_due: int
    due: dict[tuple[str, int | None], int]


def receipts_allocate_bulk(*, payments: Sequence[Payment], at: datetime) -> dict[str, int]:
    """Allocate every payment through its book's waterfall, in the order given; returns the receipt
    id of each idempotency key. Every contract must have a book in the payment's currency (the
    matching makes sure of it); a key already used raises the database's IntegrityError.
    """
    if not payments:
        return {}
    vendor = connection.vendor
    with connection.cursor() as cursor:
        books = _books_read(cursor, vendor, {p.contract_id for p in payments})
        receipts, entries, postings = _allocations(payments, books, at)
        ids = _receipts_write(cursor, vendor, receipts, at)
    entries = entries.with_columns(
        pl.col("idempotency_key").str.strip_prefix("receipt:").replace_strict(ids).alias("receipt_id"),
        reason_code=pl.lit(str(ReasonCode.RECEIPT_ALLOCATED)),
    )
    entries = entries.with_columns(_fingerprints(entries, postings))
    ledger_batch.entries_post_bulk(entries=entries, postings=postings, at=at)
    return ids


def _books_read(cursor: Any, vendor: str, contract_ids: set[int]) -> dict[int, _Book]:
    """The books of the contracts, locked, with what is outstanding on each: five queries in all."""
    bulk.temp_table_load(
        cursor,
        vendor,
        "stmt_contracts",
        pl.DataFrame({"contract_id": sorted(contract_ids)}, schema={"contract_id": pl.Int64}),
    )
    lock = " ORDER BY b.id FOR UPDATE" if vendor == "postgresql" else " ORDER BY b.id"
    cursor.execute(
        "SELECT b.id, b.contract_id, b.currency, b.waterfall_order, b.waterfall_by_installment, "
        "b.overpayment FROM ledger_ledgerbook b "
        "WHERE b.contract_id IN (SELECT contract_id FROM stmt_contracts)" + lock
    )
    by_contract: dict[int, _Book] = {}
    by_id: dict[int, _Book] = {}
    policies: dict[tuple[str, bool, str], WaterfallPolicy] = {}  # books share a few policies
    for book_id, contract_id, currency, order, by_installment, overpayment in cursor.fetchall():
        policy_key = (order, bool(by_installment), overpayment)
        policy = policies.get(policy_key)
        if policy is None:
            policy = policies[policy_key] = WaterfallPolicy.from_text(
                order, by_installment=bool(by_installment), overpayment=overpayment
            )
        book = _Book(book_id, currency, policy, 0, 0, {})
        by_contract[contract_id] = by_id[book_id] = book
    in_books = "(SELECT b.id FROM ledger_ledgerbook b JOIN stmt_contracts s ON s.contract_id = b.contract_id)"
    cursor.execute(
        f"SELECT book_id, MAX(sequence) FROM ledger_receipt WHERE book_id IN {in_books} GROUP BY book_id"
    )
    for book_id, sequence in cursor.fetchall():
        by_id[book_id].sequence = int(sequence)
    cursor.execute(
        "SELECT book_id, balance_minor FROM ledger_ledgeraccount WHERE code = %s AND book_id IN " + in_books,
        [AccountCode.PRINCIPAL],
    )
    for book_id, balance in cursor.fetchall():
        by_id[book_id].principal_not_due = max(0, int(balance))
    codes = ", ".join(f"'{code}'" for code in DUE_ACCOUNTS.values())
    cursor.execute(
        "SELECT a.book_id, a.code, p.installment, SUM(p.amount_minor) FROM ledger_ledgeraccount a "
        f"JOIN ledger_posting p ON p.account_id = a.id WHERE a.code IN ({codes}) AND a.book_id IN {in_books} "
        "GROUP BY a.book_id, a.code, p.installment HAVING SUM(p.amount_minor) > 0"
    )
    for book_id, code, installment, total in cursor.fetchall():
        by_id[book_id].due[(COMPONENT_OF_ACCOUNT[code], installment)] = int(total)
    cursor.execute("DROP TABLE stmt_contracts")
    return by_contract


def _allocations(
    payments: Sequence[Payment], books: dict[int, _Book], at: datetime
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Run the waterfall for each payment against its book as the payments before it left it."""
    receipts: dict[str, list[Any]] = defaultdict(list)
    entries: dict[str, list[Any]] = defaultdict(list)
    postings: dict[str, list[Any]] = defaultdict(list)

    def post(key: str, code: str, amount: int, currency: str, installment: int | None) -> None:
        postings["idempotency_key"].append(key)
        postings["code"].append(str(code))
        postings["amount_minor"].append(amount)
        postings["currency"].append(currency)
        postings["installment"].append(installment)

    for payment in payments:
        book = books[payment.contract_id]
        allocation = allocate(
            amount_minor=payment.amount_minor,
            due_items=[
                DueItem(installment, component, total) for (component, installment), total in book.due.items()
            ],
            policy=book.policy,
            principal_not_due_minor=book.principal_not_due,
        )
        book.sequence += 1
        for column, value in (
            ("book_id", book.id),
            ("sequence", book.sequence),
            ("amount_minor", payment.amount_minor),
            ("currency", payment.currency),
            ("received_date", payment.received_date),
            ("reference", payment.reference),
            ("idempotency_key", payment.idempotency_key),
        ):
            receipts[column].append(value)
        key = f"receipt:{payment.idempotency_key}"
        entries["idempotency_key"].append(key)
        entries["book_id"].append(book.id)
        entries["effective_date"].append(payment.received_date)
        entries["memo"].append(payment.reference)
        currency = payment.currency
        post(key, AccountCode.CASH_CLEARING, payment.amount_minor, currency, None)
        for part in allocation.lines:
            post(key, DUE_ACCOUNTS[part.component], -part.amount_minor, currency, part.installment)
            left = book.due[(part.component, part.installment)] - part.amount_minor
            if left > 0:
                book.due[(part.component, part.installment)] = left
            else:
                del book.due[(part.component, part.installment)]
        if allocation.to_principal:
            post(key, AccountCode.PRINCIPAL, -allocation.to_principal, currency, None)
            book.principal_not_due -= allocation.to_principal
        if allocation.to_unapplied:
            post(key, AccountCode.UNAPPLIED, -allocation.to_unapplied, currency, None)
    receipt_frame = pl.DataFrame(
        receipts,
        schema={
            "book_id": pl.Int64,
            "sequence": pl.Int64,
            "amount_minor": pl.Int64,
            "currency": pl.Utf8,
            "received_date": pl.Date,
            "reference": pl.Utf8,
            "idempotency_key": pl.Utf8,
        },
    )
    entry_frame = pl.DataFrame(
        entries,
        schema={"idempotency_key": pl.Utf8, "book_id": pl.Int64, "effective_date": pl.Date, "memo": pl.Utf8},
    )
    posting_frame = pl.DataFrame(
        postings,
        schema={
            "idempotency_key": pl.Utf8,
            "code": pl.Utf8,
            "amount_minor": pl.Int64,
            "currency": pl.Utf8,
            "installment": pl.Int64,
        },
    )
    return receipt_frame, entry_frame, posting_frame


def _receipts_write(cursor: Any, vendor: str, receipts: pl.DataFrame, at: datetime) -> dict[str, int]:
    """Insert the receipts; returns the id each idempotency key was given."""
    bulk.temp_table_load(cursor, vendor, "stmt_receipts", receipts)
    cursor.execute(
        "INSERT INTO ledger_receipt (book_id, sequence, amount_minor, currency, received_date, reference, "
        "idempotency_key, status, allocated_at, reversal_reason) SELECT book_id, sequence, amount_minor, "
        "currency, received_date, reference, idempotency_key, 'allocated', %s, '' FROM stmt_receipts "
        "RETURNING idempotency_key, id",
        # Raw SQL skips the ORM's conversion: SQLite would keep the caller's offset in the text.
        [at.astimezone(UTC)],
    )
    ids = {key: int(pk) for key, pk in cursor.fetchall()}
    cursor.execute("DROP TABLE stmt_receipts")
    return ids


def _fingerprints(entries: pl.DataFrame, postings: pl.DataFrame) -> pl.Series:
    """`journal.content_fingerprint` of each entry, as `receipt_allocate` computes it: the same JSON
    text (keys sorted, lines sorted, no spaces) written by column, since codes and currencies need
    no escaping; only the memo goes through json.dumps."""
    listed = (
        postings.with_columns(pl.col("installment").fill_null(0))
        .sort("idempotency_key", "code", "amount_minor", "currency", "installment")
        .group_by("idempotency_key", maintain_order=True)
        .agg(
            pl.format('["{}",{},"{}",{}]', "code", "amount_minor", "currency", "installment")
            .str.join(",")
            .alias("listed")
        )
    )
    texts = (
        entries.select("idempotency_key", "book_id", "effective_date", "receipt_id")
        .with_columns(memo=pl.Series([json.dumps(memo) for memo in entries["memo"]], dtype=pl.Utf8))
        .join(listed, on="idempotency_key", how="left", maintain_order="left")
        .select(
            pl.format(
                '{{"book":{},"effective_date":"{}","lines":[{}],"memo":{},"reason_code":{},"receipt":{},'
                '"reverses":null}}',
                "book_id",
                pl.col("effective_date").dt.to_string("%Y-%m-%d"),
                "listed",
                "memo",
                pl.lit(json.dumps(str(ReasonCode.RECEIPT_ALLOCATED))),
                "receipt_id",
            )
        )
        .to_series()
    )
    digests = [hashlib.sha256(text.encode()).hexdigest() for text in texts]
    return pl.Series("fingerprint", digests, dtype=pl.Utf8)
