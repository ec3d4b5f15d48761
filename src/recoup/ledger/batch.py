"""Set-based posting: many journal entries on many books in a handful of statements.

The same invariants as `operations.entry_post`: every entry balances per currency, posts in its
book's currency, carries a non-empty reason code and an idempotency key; an entry whose key is
already in the journal with the same fingerprint is skipped (so a re-run posts nothing twice),
and with another fingerprint raises IdempotencyConflict. Kept balances move with the postings
in one UPDATE … FROM. Rows travel through temporary tables (executemany on SQLite, COPY on
PostgreSQL); nothing is looped over in Python but the loading of those tables.

The caller owns the transaction (`transaction.atomic`): on an error nothing is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl
from django.db import connection

from recoup.kernel import bulk
from recoup.ledger.errors import (
    CurrencyNotOfBook,
    EmptyEntry,
    IdempotencyConflict,
    InvalidIdempotencyKey,
    InvalidReasonCode,
    UnbalancedEntry,
    UnknownAccount,
    ZeroAmount,
)
from recoup.ledger.journal import MAX_KEY_LENGTH, MAX_REASON_LENGTH, moment_check
from recoup.ledger.models import AccountCode
from recoup.ledger.reasons import ReasonCode

ENTRY_COLUMNS = ("idempotency_key", "book_id", "reason_code", "effective_date", "memo", "fingerprint")
POSTING_COLUMNS = ("idempotency_key", "code", "amount_minor", "currency", "installment")


@dataclass(frozen=True)
class BulkPosted:
    posted: int  # entries written now
    skipped: int  # entries whose key was already in the journal with the same content
    postings: int


def entries_post_bulk(*, entries: pl.DataFrame, postings: pl.DataFrame, at: datetime) -> BulkPosted:
    """Post every entry of `entries` with its lines from `postings` (joined on idempotency_key).

    entries: idempotency_key, book_id, reason_code, effective_date, memo, fingerprint, and
    optionally receipt_id (the receipt an allocation entry belongs to).
    postings: idempotency_key, code, amount_minor (signed, debit positive), currency, installment.

    Raises InvalidIdempotencyKey, InvalidReasonCode, UnknownAccount, ZeroAmount, EmptyEntry,
    UnbalancedEntry, CurrencyNotOfBook, IdempotencyConflict, NaiveDatetime.
    """
    moment_check(at)
    if entries.is_empty():
        return BulkPosted(0, 0, 0)
    columns = (*ENTRY_COLUMNS, *(("receipt_id",) if "receipt_id" in entries.columns else ()))
    entries = entries.select(columns)
    postings = postings.select(POSTING_COLUMNS)
    _check(entries, postings)
    vendor = connection.vendor
    keyed = (
        entries.with_row_index("seq")
        .with_columns(pl.col("seq").cast(pl.Int64))
        .join(_entry_currencies(postings), on="idempotency_key")
    )
    # Staged entry by entry: each entry's accounts are found next to the last one's (the books'
    # ledger accounts are kept in book order), where lines grouped by account code, as callers
    # build them, went through the accounts' index once per code.
    lines = (
        postings.with_row_index("line")
        .with_columns(pl.col("line").cast(pl.Int64))
        .join(keyed.select("idempotency_key", "seq"), on="idempotency_key")
        .drop("idempotency_key")
        .sort("seq", "line")
    )
    with connection.cursor() as cursor:
        bulk.temp_table_load(cursor, vendor, "bulk_entry", keyed)
        bulk.temp_table_load(cursor, vendor, "bulk_posting", lines)
        # Indexed, so that the planner drives every join from the batch, not from the journal.
        cursor.execute("CREATE UNIQUE INDEX bulk_entry_seq ON bulk_entry (seq)")
        cursor.execute("CREATE UNIQUE INDEX bulk_entry_key ON bulk_entry (idempotency_key)")
        if vendor == "postgresql":
            # SQLite reads the lines in turn and finds each one's entry; PostgreSQL may go the
            # other way round.
            cursor.execute("CREATE INDEX bulk_posting_seq ON bulk_posting (seq)")
            # The same row locks the per-account operations take, so their writers queue behind us;
            # each book found by its key (merged with the batch, the planner walked the books' key
            # index from the first book to the batch's last).
            with bulk.batch_driven(cursor, vendor):
                cursor.execute(
                    "SELECT b.id FROM ledger_ledgerbook b WHERE b.id IN (SELECT book_id FROM bulk_entry) "
                    "ORDER BY b.id FOR UPDATE"
                )
        _currencies_check(cursor)
        skipped = _existing_drop(cursor)
        _entries_insert(cursor, vendor, columns, at)
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_ledgeraccount")
        opened_after = int(cursor.fetchone()[0])
        _lines_resolve(cursor, vendor)
        cursor.execute(
            "INSERT INTO ledger_posting (entry_id, account_id, amount_minor, currency, installment) "
            "SELECT i.id, p.account_id, p.amount_minor, p.currency, p.installment FROM bulk_line p "
            "JOIN bulk_entry_id i ON i.seq = p.seq ORDER BY p.seq, p.line"
        )
        written = cursor.rowcount
        _balances_move(cursor, vendor, opened_after)
        for table in ("bulk_line", "bulk_entry_id", "bulk_posting", "bulk_entry"):
            cursor.execute(f"DROP TABLE {table}")
    return BulkPosted(posted=keyed.height - skipped, skipped=skipped, postings=max(written, 0))


def _lines_resolve(cursor: Any, vendor: str) -> None:
    """Find each line's account once, for the postings and the kept balances both (bulk_line), and
    open the accounts the batch is the first to post to.

    An account the batch opens starts at the sum of its lines, rather than at nothing and then
    moved: one row version, not two (`_balances_move` moves the accounts already open).
    """
    cursor.execute("DROP TABLE IF EXISTS bulk_line")
    with bulk.batch_driven(cursor, vendor):
        cursor.execute(
            "CREATE TEMPORARY TABLE bulk_line AS SELECT p.seq AS seq, p.line AS line, e.book_id AS book_id, "
            "p.code AS code, a.id AS account_id, p.amount_minor AS amount_minor, p.currency AS currency, "
            "p.installment AS installment FROM bulk_posting p JOIN bulk_entry e ON e.seq = p.seq "
            "LEFT JOIN ledger_ledgeraccount a ON a.book_id = e.book_id AND a.code = p.code"
        )
    cursor.execute(
        "INSERT INTO ledger_ledgeraccount (book_id, code, currency, balance_minor) "
        # Every line's currency is its book's (checked above).
        "SELECT book_id, code, currency, SUM(amount_minor) FROM bulk_line WHERE account_id IS NULL "
        "GROUP BY book_id, code, currency"
    )
    if cursor.rowcount:
        cursor.execute(
            "UPDATE bulk_line SET account_id = (SELECT a.id FROM ledger_ledgeraccount a "
            "WHERE a.book_id = bulk_line.book_id AND a.code = bulk_line.code) WHERE account_id IS NULL"
        )


def installment_fingerprints(frame: pl.DataFrame) -> pl.Series:
    """The fingerprint `operations.installment_fall_due` gives each (book_id, installment, principal,
    interest, due_date) row, so that a per-account retry recognises what the batch posted."""
    text = frame.select(
        pl.format(
            '{{"act":"installment_fall_due","book":{},"due_date":"{}","installment":{},"interest":{},'
            '"principal":{}}}',
            pl.col("book_id"),
            pl.col("due_date").dt.to_string("%Y-%m-%d"),
            pl.col("installment"),
            pl.col("interest"),
            pl.col("principal"),
        )
    ).to_series()
    return pl.Series(
        "fingerprint", [hashlib.sha256(value.encode()).hexdigest() for value in text], dtype=pl.Utf8
    )


def installment_key(contract_id: pl.Expr, installment: pl.Expr) -> pl.Expr:
    """The idempotency key `operations.installment_fall_due` uses."""
    return pl.format("ledger:{}:installment:{}:due", contract_id, installment)


def fell_due_reason() -> str:
    return str(ReasonCode.INSTALLMENT_FELL_DUE)


def changed_books(
    *, after_entry_id: int, contracts_from: int | None = None, contracts_below: int | None = None
) -> tuple[pl.DataFrame, int]:
    """Books with an entry after `after_entry_id` (book_id, contract_id, the id of the book's last
    entry, how many entries it has there and how many of them are installments falling due), of the
    contracts with ids in [contracts_from, contracts_below) when given, and the highest entry id now
    in the journal."""
    within, bounds = bulk.sql_id_range("b.contract_id", contracts_from, contracts_below)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_journalentry")
        high = int(cursor.fetchone()[0])
        frame = bulk.frame_query(
            cursor,
            "SELECT b.id, b.contract_id, MAX(j.id), COUNT(*), "  # noqa: S608 - constant bounds
            "SUM(CASE WHEN j.reason_code = %s THEN 1 ELSE 0 END) FROM ledger_journalentry j "
            f"JOIN ledger_ledgerbook b ON b.id = j.book_id WHERE j.id > %s AND j.id <= %s{within} "
            "GROUP BY b.id, b.contract_id",
            [fell_due_reason(), after_entry_id, high, *bounds],
            {
                "book_id": pl.Int64,
                "contract_id": pl.Int64,
                "last_entry_id": pl.Int64,
                "entries": pl.Int64,
                "fell_due": pl.Int64,
            },
        )
    return frame, high


def entries_above(
    *, after_entry_id: int, contracts_from: int | None = None, contracts_below: int | None = None
) -> tuple[int, int]:
    """How many journal entries above `after_entry_id` are on the books of the contracts with ids in
    [contracts_from, contracts_below) (every book when neither is given), and the highest entry id
    now in the journal."""
    within, bounds = bulk.sql_id_range("b.contract_id", contracts_from, contracts_below)
    books = " JOIN ledger_ledgerbook b ON b.id = j.book_id" if within else ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_journalentry")
        high = int(cursor.fetchone()[0])
        cursor.execute(
            f"SELECT COUNT(*) FROM ledger_journalentry j{books} WHERE j.id > %s AND j.id <= %s{within}",  # noqa: S608
            [after_entry_id, high, *bounds],
        )
        count = int(cursor.fetchone()[0])
    return count, high


def _entries_insert(cursor: Any, vendor: str, columns: tuple[str, ...], at: datetime) -> None:
    """Write the batch's entries to the journal and their ids, by batch seq, to bulk_entry_id."""
    inserted = ", ".join(columns)  # the constant column names of ENTRY_COLUMNS
    select = f"SELECT {inserted}, %s FROM bulk_entry ORDER BY seq"  # noqa: S608
    # Raw SQL skips the ORM's conversion: SQLite would keep the caller's offset in the text.
    posted_at = [at.astimezone(UTC)]
    cursor.execute("DROP TABLE IF EXISTS bulk_entry_id")
    cursor.execute("CREATE TEMPORARY TABLE bulk_entry_id (seq BIGINT PRIMARY KEY, id BIGINT NOT NULL)")
    if vendor == "postgresql":
        # The ids come back from the INSERT itself: a lookup by key made the planner walk the whole
        # journal's key index in key order (a merge join), a cost that grows with the book.
        cursor.execute(
            f"WITH written AS (INSERT INTO ledger_journalentry ({inserted}, posted_at) {select} "  # noqa: S608
            "RETURNING id, idempotency_key) INSERT INTO bulk_entry_id (seq, id) "
            "SELECT e.seq, w.id FROM written w JOIN bulk_entry e ON e.idempotency_key = w.idempotency_key",
            posted_at,
        )
        cursor.execute("ANALYZE bulk_entry_id")
        return
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_journalentry")
    before = int(cursor.fetchone()[0])
    cursor.execute(f"INSERT INTO ledger_journalentry ({inserted}, posted_at) {select}", posted_at)
    # The ids just given, read from the journal's newest rows (every id handed out now is above the
    # highest one seen before), rather than looked up key by key in its largest index. CROSS JOIN
    # keeps SQLite from turning the join around.
    cursor.execute(
        "INSERT INTO bulk_entry_id (seq, id) SELECT e.seq, j.id FROM ledger_journalentry j "
        "CROSS JOIN bulk_entry e WHERE j.id > %s AND e.idempotency_key = j.idempotency_key",
        [before],
    )


def _balances_move(cursor: Any, vendor: str, opened_after: int) -> None:
    """Move the kept balance of each account open before the batch (ids up to `opened_after`; the
    batch opened the rest at their sums) by the sum of its new postings, through a keyed temp table
    (a grouped subquery in UPDATE … FROM makes SQLite scan every account of the book)."""
    cursor.execute("DROP TABLE IF EXISTS bulk_delta")
    cursor.execute("CREATE TEMPORARY TABLE bulk_delta (account_id BIGINT PRIMARY KEY, delta BIGINT NOT NULL)")
    cursor.execute(
        "INSERT INTO bulk_delta (account_id, delta) SELECT account_id, SUM(amount_minor) FROM bulk_line "
        # In account order: the UPDATE below walks them in the order they were written, so that it
        # reaches the accounts' index and pages in order too.
        "WHERE account_id <= %s GROUP BY account_id HAVING SUM(amount_minor) <> 0 ORDER BY account_id",
        [opened_after],
    )
    if vendor == "postgresql":
        cursor.execute("ANALYZE bulk_delta")  # temporary tables are never analysed by autovacuum
        with bulk.batch_driven(cursor, vendor):
            cursor.execute(
                "UPDATE ledger_ledgeraccount a SET balance_minor = a.balance_minor + d.delta "
                "FROM bulk_delta d WHERE a.id = d.account_id"
            )
    else:
        cursor.execute(
            "UPDATE ledger_ledgeraccount SET balance_minor = balance_minor + "
            "(SELECT d.delta FROM bulk_delta d WHERE d.account_id = ledger_ledgeraccount.id) "
            "WHERE id IN (SELECT account_id FROM bulk_delta)"
        )
    cursor.execute("DROP TABLE bulk_delta")


def _check(entries: pl.DataFrame, postings: pl.DataFrame) -> None:
    keys = entries["idempotency_key"]
    if keys.null_count() or (keys.str.strip_chars().str.len_chars() == 0).any():
        raise InvalidIdempotencyKey("an idempotency key is required", field="idempotency_key")
    if (keys.str.len_chars() > MAX_KEY_LENGTH).any() or keys.n_unique() != keys.len():
        raise InvalidIdempotencyKey(
            f"idempotency keys are unique and at most {MAX_KEY_LENGTH} characters", field="idempotency_key"
        )
    reasons = entries["reason_code"]
    if (reasons.str.strip_chars().str.len_chars() == 0).any() or (
        reasons.str.len_chars() > MAX_REASON_LENGTH
    ).any():
        raise InvalidReasonCode("every entry needs a reason code", field="reason_code")
    unknown = postings.filter(~pl.col("code").is_in(list(AccountCode.values)))
    if unknown.height:
        raise UnknownAccount(f"no account {unknown['code'][0]!r} in the chart", field="lines.code")
    if (postings["amount_minor"] == 0).any():
        raise ZeroAmount("a line of zero says nothing", field="lines.amount")
    with_lines = postings["idempotency_key"].unique()
    if not keys.is_in(with_lines.implode()).all() or not with_lines.is_in(keys.implode()).all():
        raise EmptyEntry("every entry needs lines, and every line an entry", field="lines")
    off = (
        postings.group_by("idempotency_key", "currency")
        .agg(pl.col("amount_minor").sum())
        .filter(pl.col("amount_minor") != 0)
    )
    if off.height:
        raise UnbalancedEntry(f"entry {off['idempotency_key'][0]!r} does not balance", field="lines")


def _entry_currencies(postings: pl.DataFrame) -> pl.DataFrame:
    """Each entry's currency (idempotency_key, currency), for `_currencies_check` to hold against
    its book's: one look-up per entry, not per line. An entry in more than one currency cannot be
    in its book's alone.

    Raises CurrencyNotOfBook.
    """
    currencies = postings.group_by("idempotency_key").agg(
        pl.col("currency").first(), kinds=pl.col("currency").n_unique()
    )
    mixed = currencies.filter(pl.col("kinds") > 1)
    if mixed.height:
        key = mixed["idempotency_key"].sort()[0]
        raise CurrencyNotOfBook(f"entry {key!r} posts in a currency not of its book", field="lines.amount")
    return currencies.drop("kinds")


def _currencies_check(cursor: object) -> None:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT e.idempotency_key FROM bulk_entry e JOIN ledger_ledgerbook b ON b.id = e.book_id "
        "WHERE e.currency <> b.currency LIMIT 1"
    )
    row = cursor.fetchone()  # type: ignore[attr-defined]
    if row is not None:
        raise CurrencyNotOfBook(f"entry {row[0]!r} posts in a currency not of its book", field="lines.amount")


def _existing_drop(cursor: object) -> int:
    """Drop from the batch what the journal already holds; refuse a key reused for other content.

    One probe per entry, a correlated subquery driven from the batch (as a join, SQLite, with no
    statistics on the temporary tables, scans the whole journal, a cost that grows with the book,
    not the night): the fingerprint the journal holds for its key, if any. Most batches hold none,
    and the probe is the only pass over the journal's key index.
    """
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT idempotency_key, fingerprint = held FROM (SELECT e.idempotency_key, e.fingerprint, "
        "(SELECT j.fingerprint FROM ledger_journalentry j WHERE j.idempotency_key = e.idempotency_key) "
        "AS held FROM bulk_entry e) t WHERE held IS NOT NULL"
    )
    held = cursor.fetchall()  # type: ignore[attr-defined]
    conflict = next((key for key, same in held if not same), None)
    if conflict is not None:
        raise IdempotencyConflict(
            f"idempotency key {conflict!r} was used for a different entry", field="idempotency_key"
        )
    if not held:
        return 0
    cursor.execute(  # type: ignore[attr-defined]
        "DELETE FROM bulk_entry WHERE EXISTS (SELECT 1 FROM ledger_journalentry j "
        "WHERE j.idempotency_key = bulk_entry.idempotency_key)"
    )
    cursor.execute(  # type: ignore[attr-defined]
        "DELETE FROM bulk_posting "
        "WHERE NOT EXISTS (SELECT 1 FROM bulk_entry e WHERE e.seq = bulk_posting.seq)"
    )
    return len(held)
