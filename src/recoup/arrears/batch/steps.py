# ruff: noqa: S608 - the SQL is spliced only from constants, table names and vendor date expressions
"""The steps of one close of business, each set-based: SQL reads into frames, Polars, bulk writes.

Every step is safe to repeat: the ledger skips entries whose idempotency keys it holds, and the
state changes a step writes commit with the step's record in CobRun.steps_done (see run.py).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from recoup.arrears.batch import breathing_space, reads
from recoup.arrears.batch.parts import WHOLE, Part, Seen, parts_split, unseen
from recoup.arrears.buckets import CURRENT, boundaries_parse, buckets_from_boundaries
from recoup.arrears.late_fees import LATE_FEE_REASON
from recoup.arrears.schedule_columns import due_date_of, governing_versions, installment_split
from recoup.kernel import bulk
from recoup.ledger import batch as ledger_batch
from recoup.ledger.models import AccountCode
from recoup.ledger.queries import RECEIVABLE_CODES
from recoup.ledger.reasons import ReasonCode

STATE = "arrears_arrearsstate"
# Entries that cannot move an account's oldest unpaid installment back (see arrears_refresh).
ROUTINE_REASONS = (
    "installment_fell_due",
    "receipt_allocated",
    LATE_FEE_REASON,
    ReasonCode.INTEREST_ACCRUED.value,
)
OWED_CODES = (AccountCode.PRINCIPAL_DUE, AccountCode.INTEREST_DUE)
# The most accounts a step holds in frames at once: a first close reads every account, and holding
# all of a 4,000,000-account book's at once took the process past 4 GiB.
SLICE_ACCOUNTS = 500_000
NOT_STARTED = ""  # the bucket of a state row not yet placed: its first placing records no transition
# The fewest days between two installments of each frequency, to tell which schedules can have had
# later installments fall due within a product's grace days.
SHORTEST_PERIOD_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 28}
# What the late fees and the buckets need of an account's state beyond its arrears, read with the
# account wherever the night first reads it (the installments due, the arrears refresh) and handed
# on, so that a night writes the state of the accounts it works out once (see buckets_update).
HELD = {
    "currency": pl.Utf8,
    "product_code": pl.Utf8,
    "jurisdiction": pl.Utf8,
    "frequency": pl.Utf8,
    "bucket": pl.Utf8,
    "collections_flag": pl.Boolean,
    "bucket_since_date": pl.Date,
    "flagged_date": pl.Date,
    "aged_bucket": pl.Utf8,
    "aged_balance_minor": pl.Int64,
    "aged_arrears_minor": pl.Int64,
}


def _held(vendor: str, hand_on: bool) -> tuple[str, dict[str, Any]]:
    """The HELD columns of the state row `s` (dates as epoch days, see frame_query) and their schema,
    to read when the night hands them on; else the currency alone.

    A first close hands nothing on: it works out every account, more than a step holds at once, and
    writes each slice as it goes. Read with every row of the book, the HELD columns took the close's
    peak memory from 1.9 to 4.1 GB at 4,000,000 accounts.
    """
    columns = HELD if hand_on else {"currency": pl.Utf8}
    sql = ", ".join(
        bulk.sql_epoch_days(vendor, f"s.{name}") if kind == pl.Date else f"s.{name}"
        for name, kind in columns.items()
    )
    return sql, columns


def state_init(
    cursor: Any, vendor: str, as_of: date, books_seen: int | None = None, part: Part = WHOLE
) -> dict[str, int]:
    """Give every contract with a ledger book but no arrears state one, set-based.

    The installments its book already holds as fallen due are walked through the vectorised
    schedule step (without posting), so that the state stands where the ledger does.

    `books_seen` is the highest ledger book id the last close saw: every book up to it has a state,
    so only later ones are looked at (an index probe on a night with no new contract). Without it
    (a first close, or a last close recorded before books had a watermark), every state row belongs
    to a contract with a book, so equal counts of both mean nothing is new.
    """
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_ledgerbook")
    high = int(cursor.fetchone()[0])
    counts = {"initialised": 0, "books_watermark": high}
    # About the number of books (ids are issued in order), unless counted.
    books = high
    if books_seen is not None:
        if high <= books_seen:
            return counts
        newer = "AND b.id > %s "
        params: list[Any] = [books_seen]
    else:
        cursor.execute(f"SELECT (SELECT COUNT(*) FROM ledger_ledgerbook), (SELECT COUNT(*) FROM {STATE})")
        books, states = (int(n) for n in cursor.fetchone())
        if books == states:
            return counts
        newer, params = "", []
    within, bounds = part.where("c.id")
    fresh = bulk.frame_query(
        cursor,
        "SELECT c.id, c.currency, p.code, c.jurisdiction, c.frequency FROM portfolio_contract c "
        "JOIN portfolio_product p ON p.id = c.product_id "
        "JOIN ledger_ledgerbook b ON b.contract_id = c.id "
        f"LEFT JOIN {STATE} s ON s.contract_id = c.id WHERE s.contract_id IS NULL {newer}{within}",
        params + bounds,
        {
            "contract_id": pl.Int64,
            "currency": pl.Utf8,
            "product_code": pl.Utf8,
            "jurisdiction": pl.Utf8,
            "frequency": pl.Utf8,
        },
    )
    if fresh.is_empty():
        return counts
    # In contract order, so that accounts written together (and so falling due together) sit
    # together in the state, as they do in the ledger.
    fresh = fresh.sort("contract_id")
    # In slices, so that a first close over millions of accounts holds one slice's frames at a time.
    for offset in range(0, fresh.height, SLICE_ACCOUNTS):
        _state_init_slice(cursor, vendor, as_of, fresh.slice(offset, SLICE_ACCOUNTS))
    counts["initialised"] = fresh.height
    if vendor == "postgresql" and fresh.height * 10 >= books:
        # So that the steps after it plan with the rows just written rather than wait for
        # autovacuum: a first close (or a large new portfolio) fills the state at once. A night
        # with the day's few new contracts leaves the statistics to autovacuum.
        statistics_refresh(cursor)
        return {**counts, "analysed": True}
    return counts


def statistics_refresh(cursor: Any) -> None:
    """Analyse the tables a close of business rewrites wholesale (PostgreSQL).

    Run when the state is first filled, and again when that date's close ends: the statistics taken
    at the start say no account is in arrears, and the work after the close (the notices, the
    strategies) and the next night, planned on them, would probe the state once per row for what a
    hash join does in one pass.
    """
    for table in (STATE, "ledger_journalentry", "ledger_posting", "ledger_ledgeraccount"):
        cursor.execute(f"ANALYZE {table}")


def state_compact(cursor: Any) -> None:
    """Rewrite the state in contract order (PostgreSQL), after a close that filled it (see run.py).

    That close wrote each row three times (filled, refreshed, placed in its bucket). Left to
    autovacuum, the table and its indexes stay three times the size of the live rows until it
    comes, and the nights in between read the state at scattered places through all of it.
    """
    # CLUSTER refuses a table with foreign-key checks still deferred (a caller's transaction may
    # hold some): they run now instead of at the commit, and later writes are deferred again.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"CLUSTER {STATE} USING {STATE}_pkey")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute(f"ANALYZE {STATE}")


def _state_init_slice(cursor: Any, vendor: str, as_of: date, fresh: pl.DataFrame) -> None:
    reads.ids_load(cursor, vendor, fresh["contract_id"])
    posted = bulk.frame_query(
        cursor,
        "SELECT b.contract_id, MAX(p.installment) FROM cob_ids i "
        "JOIN ledger_ledgerbook b ON b.contract_id = i.contract_id "
        "JOIN ledger_ledgeraccount a ON a.book_id = b.id AND a.code IN (%s, %s) "
        "JOIN ledger_posting p ON p.account_id = a.id AND p.amount_minor > 0 AND p.installment IS NOT NULL "
        "GROUP BY b.contract_id",
        [AccountCode.PRINCIPAL_DUE, AccountCode.INTEREST_DUE],
        {"contract_id": pl.Int64, "posted": pl.Int64},
    )
    versions = reads.versions_read(cursor, vendor)
    walk = (
        fresh.join(posted, on="contract_id", how="left")
        .with_columns(pl.col("posted").fill_null(0))
        .select(
            "contract_id",
            "posted",
            n=pl.lit(1, pl.Int64),
            balance=pl.lit(0, pl.Int64),
            carried=pl.lit(0, pl.Int64),
            due_to_date=pl.lit(0, pl.Int64),
            last_payment=pl.lit(0, pl.Int64),
            last_due_date=pl.lit(None, pl.Date),
        )
    )
    done = [walk.filter(pl.col("posted") == 0)]
    walking = walk.filter(pl.col("posted") > 0)
    while walking.height:
        step = installment_split(governing_versions(walking, versions))
        advanced = step.select(
            "contract_id",
            "posted",
            n=pl.col("n") + 1,
            balance=pl.col("balance_after"),
            carried=pl.col("carried_after"),
            due_to_date=pl.col("due_to_date") + pl.col("payment"),
            last_payment=pl.col("payment"),
            last_due_date=pl.col("due_date"),
        )
        done.append(advanced.filter(pl.col("n") > pl.col("posted")))
        walking = advanced.filter(pl.col("n") <= pl.col("posted"))
    walked = pl.concat(done)
    nexts = due_date_of(walked.select("contract_id", "n"), versions).rename({"due_date": "next_due_date"})
    rows = (
        fresh.join(walked, on="contract_id")
        .join(nexts.drop("n"), on="contract_id", how="left")
        .select(
            "contract_id",
            "currency",
            "product_code",
            "jurisdiction",
            "frequency",
            changed_date=pl.lit(as_of),
            installments_due=pl.col("n") - 1,
            due_to_date_minor=pl.col("due_to_date"),
            paid_to_date_minor=pl.lit(0, pl.Int64),
            arrears_minor=pl.lit(0, pl.Int64),
            installments_missed=pl.lit(0, pl.Int64),
            bucket=pl.lit(NOT_STARTED),
            bucket_since_date=pl.lit(as_of),
            next_due_date=pl.col("next_due_date"),
            receivable_minor=pl.lit(0, pl.Int64),
            accrued_interest_minor=pl.lit(0, pl.Int64),
            accrual_remainder_micro=pl.lit(0, pl.Int64),
            collections_flag=pl.lit(False),
            schedule_balance_minor=pl.col("balance"),
            carried_interest_minor=pl.col("carried"),
            last_due_date=pl.col("last_due_date"),
            last_installment_minor=pl.col("last_payment"),
            refresh_pending=pl.lit(True),
            aged_bucket=pl.lit(None, pl.Utf8),
            aged_balance_minor=pl.lit(0, pl.Int64),
            aged_arrears_minor=pl.lit(0, pl.Int64),
        )
    )
    bulk.frame_insert(cursor, vendor, STATE, rows)


def next_due_dates_refresh(
    cursor: Any,
    vendor: str,
    as_of: date,
    after_version_id: int | None,
    part: Part = WHOLE,
    seen: Seen = (),
) -> tuple[dict[str, int], int]:
    """Take the next due date again from the schedule of every account modified since the last close.

    A deferral or a due-date change moves installments not yet due; the state's next due date,
    worked out from the schedule as it then stood, would otherwise make the next installment fall
    due on its old date. `after_version_id` is the highest schedule version the last close saw
    (None before a first close, whose state is built from the schedules as they stand); `seen`, what
    each part of it saw when it was closed in parts (see `parts.unseen`).

    Returns the counts and the new watermark (the highest schedule version id seen).
    """
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM portfolio_scheduleversion")
    high = int(cursor.fetchone()[0])
    if after_version_id is None or high <= after_version_id:
        return {"rescheduled": 0}, high
    # Driven from the new versions (CROSS JOIN keeps SQLite from scanning the whole state instead).
    within, bounds = part.where("v.contract_id")
    modified = bulk.frame_query(
        cursor,
        "SELECT s.contract_id, s.installments_due + 1, MAX(v.id) FROM portfolio_scheduleversion v "
        f"CROSS JOIN {STATE} s WHERE s.contract_id = v.contract_id AND v.id > %s AND v.id <= %s{within} "
        "GROUP BY s.contract_id, s.installments_due",
        [after_version_id, high, *bounds],
        {"contract_id": pl.Int64, "n": pl.Int64, "last_version_id": pl.Int64},
    )
    modified = unseen(modified, seen, "last_version_id").drop("last_version_id")
    if modified.is_empty():
        return {"rescheduled": 0}, high
    reads.ids_load(cursor, vendor, modified["contract_id"])
    nexts = due_date_of(modified, reads.versions_read(cursor, vendor))
    bulk.frame_update(
        cursor,
        vendor,
        STATE,
        "contract_id",
        modified.join(nexts, on=["contract_id", "n"], how="left").select(
            "contract_id", next_due_date="due_date", changed_date=pl.lit(as_of)
        ),
    )
    return {"rescheduled": modified.height}, high


def installments_fall_due(
    cursor: Any, vendor: str, as_of: date, at: datetime, part: Part = WHOLE, hand_on: bool = True
) -> tuple[dict[str, int], pl.DataFrame]:
    """Post every installment due on or before `as_of` that has not fallen due, oldest first.

    Each round takes one installment per account; a first close over an old book, or a night
    after missed nights, takes as many rounds as installments are outstanding.

    Returns the counts and the state the last round leaves (FALLEN_SCHEMA), not yet written,
    with what the round read of those accounts that the refresh needs too (FALLEN_READ):
    arrears_refresh writes it with the arrears it works out, so that a night reads and writes each
    of those rows once rather than twice. Earlier rounds, which the next round reads back, are
    written as they end, marked for the refresh. Without `hand_on` (a first close), the last round
    is written too, and nothing is handed on.
    """
    total = posted = frozen_entries = 0
    moratoria = breathing_space.moratoria_read(cursor, first_date=date.min, last_date=as_of)
    fallen = pl.DataFrame(schema=FALLEN_SCHEMA)
    # The part's bound kept off the state's key (unary plus), so that the rows are found by their
    # due date. Bounded by key, PostgreSQL walked every state row of the part and kept those due (one
    # in thirty), reading half the table each night; by due date, it reads the pages holding tonight's
    # accounts, which sit together in contract order (contracts written the same day fall due the
    # same day): 0.35 s against 1.3 s for a part of 2,000,000 accounts.
    within, bounds = part.where("+s.contract_id")
    held_sql, held = _held(vendor, hand_on)
    before_sql, before_joins, before = _before_read(hand_on)
    written: list[pl.Series] = []  # the accounts of the rounds written as they ended
    while True:
        due = bulk.frame_query(
            cursor,
            "SELECT s.contract_id, b.id, s.installments_due + 1, s.schedule_balance_minor, "
            "s.carried_interest_minor, s.due_to_date_minor, s.oldest_unpaid_installment, "
            f"COALESCE(a.balance_minor, 0), {bulk.sql_epoch_days(vendor, 's.oldest_unpaid_due_date')}, "
            f"{held_sql}{before_sql} FROM {STATE} s "
            "JOIN portfolio_contract c ON c.id = s.contract_id AND c.status = 'active' "
            "JOIN ledger_ledgerbook b ON b.contract_id = s.contract_id "
            f"LEFT JOIN ledger_ledgeraccount a ON a.book_id = b.id AND a.code = %s{before_joins} "
            f"WHERE s.next_due_date <= %s{within}",
            [AccountCode.INTEREST_ACCRUED, *(OWED_CODES if before else ()), as_of, *bounds],
            {
                "contract_id": pl.Int64,
                "book_id": pl.Int64,
                "n": pl.Int64,
                "balance": pl.Int64,
                "carried": pl.Int64,
                "due_to_date": pl.Int64,
                "oldest": pl.Int64,
                "accrued": pl.Int64,
                "held_oldest_date": pl.Date,
                **held,
                **before,
            },
        )
        if due.is_empty():
            break
        reads.ids_load(cursor, vendor, due["contract_id"])
        versions = reads.versions_read(cursor, vendor)
        split = installment_split(governing_versions(due, versions)).with_columns(
            # What the installment bills of the interest accrued.
            from_accrued=pl.min_horizontal(pl.col("accrued").clip(lower_bound=0), pl.col("interest"))
        )
        result = _installments_post(split, at)
        posted += result.posted
        frozen = breathing_space.interest_frozen(split, moratoria)
        if frozen.height:
            frozen_entries += breathing_space.interest_frozen_post(
                frozen.join(
                    split.select("contract_id", "n", "book_id", "currency", "due_date"),
                    on=["contract_id", "n"],
                ),
                at=at,
            )
        nexts = due_date_of(split.select("contract_id", n=pl.col("n") + 1), versions)
        fallen = split.join(
            nexts.select("contract_id", next_due_date="due_date"), on="contract_id", how="left"
        ).select(
            "contract_id",
            "book_id",
            "held_oldest_date",
            *held,
            *_worked_after(before, result.skipped == 0, frozen["contract_id"], written),
            installments_due=pl.col("n"),
            schedule_balance_minor=pl.col("balance_after"),
            carried_interest_minor=pl.col("carried_after"),
            last_due_date=pl.col("due_date"),
            last_installment_minor=pl.col("payment"),
            due_to_date_minor=pl.col("due_to_date") + pl.col("payment"),
            next_due_date=pl.col("next_due_date"),
            oldest_unpaid_installment=pl.coalesce("oldest", "n"),
        )
        total += split.height
        # Only the accounts of this round can have another installment due (the read took every
        # one due): none, and this round's state waits for the refresh.
        if fallen.filter(pl.col("next_due_date") <= as_of).is_empty():
            break
        fallen_due_write(cursor, vendor, as_of, fallen)
        written.append(fallen["contract_id"])
        fallen = pl.DataFrame(schema=FALLEN_SCHEMA)
    counts = {"installments": total, "entries": posted}
    if frozen_entries:
        counts["interest_frozen"] = frozen_entries
    if fallen.height > SLICE_ACCOUNTS or not hand_on:
        fallen_due_write(cursor, vendor, as_of, fallen)
        fallen = pl.DataFrame(schema=FALLEN_SCHEMA)
    return counts, fallen


FALLEN_DUE_SCHEMA = {
    "contract_id": pl.Int64,
    "installments_due": pl.Int64,
    "schedule_balance_minor": pl.Int64,
    "carried_interest_minor": pl.Int64,
    "last_due_date": pl.Date,
    "last_installment_minor": pl.Int64,
    "due_to_date_minor": pl.Int64,
    "next_due_date": pl.Date,
    "oldest_unpaid_installment": pl.Int64,
}
# What the installments read of the accounts and did not change, handed on with the state they left
# (not written: see fallen_due_write) so that arrears_refresh need not read those accounts again.
# An account's balances and arrears after the installment that fell due tonight, worked out from
# where its ledger and state stood before it (see _worked_after); null where they cannot be.
WORKED = {
    "worked_receivable": pl.Int64,
    "worked_owed": pl.Int64,
    "worked_accrued": pl.Int64,
    "worked_missed": pl.Int64,
}
FALLEN_READ = {"book_id": pl.Int64, "held_oldest_date": pl.Date, **HELD, **WORKED}
FALLEN_SCHEMA = {**FALLEN_DUE_SCHEMA, **FALLEN_READ}
# Read with the installments due when the night hands on (see _before_read).
BEFORE = {
    "receivable_before": pl.Int64,
    "missed_before": pl.Int64,
    "pending_before": pl.Boolean,
    "owed_before": pl.Int64,
}


def _before_read(hand_on: bool) -> tuple[str, str, dict[str, Any]]:
    """What the installments' read takes of an account's state and ledger for _worked_after (columns,
    the joins of its two owed accounts, which take OWED_CODES as parameters, and the schema); nothing
    on a first close, which hands nothing on."""
    if not hand_on:
        return "", "", {}
    return (
        ", s.receivable_minor, s.installments_missed, s.refresh_pending, "
        "COALESCE(pd.balance_minor, 0) + COALESCE(idue.balance_minor, 0)",
        " LEFT JOIN ledger_ledgeraccount pd ON pd.book_id = b.id AND pd.code = %s"
        " LEFT JOIN ledger_ledgeraccount idue ON idue.book_id = b.id AND idue.code = %s",
        BEFORE,
    )


def _worked_after(
    before: dict[str, Any],
    none_skipped: bool,
    frozen: pl.Series,
    written: list[pl.Series],
) -> list[pl.Expr]:
    """The WORKED columns of a round's accounts: what arrears_refresh would read back from the ledger
    once the round's installment has fallen due, for an account with nothing else since its state
    was last worked out (which the refresh checks: one entry since its watermark, the installment's).

    Exact from what stood before: the installment moves the receivable by its interest less the
    accrued interest it bills, what is owed by its principal and interest, and the accrued interest
    by what it bills; it is unpaid, after the installments the state held unpaid (none, when it held
    no oldest unpaid installment: the refresh reads installments from the oldest unpaid on, or from
    tonight's). No act posts to an installment's dues before it falls due, so nothing paid it yet.

    Null (the refresh reads the ledger) for an account marked for the refresh before tonight, one of
    an earlier round tonight (several installments fell due), one whose interest Breathing Space
    froze, one whose installment posts nothing, and every account of a round of which some entries
    were in the journal already (posted account by account: they stood in the balances read).
    """
    if not before:
        return [pl.lit(None, kind).alias(name) for name, kind in WORKED.items()]
    earlier = pl.concat(written) if written else pl.Series("contract_id", [], pl.Int64)
    exact = (
        pl.lit(none_skipped)
        & ~pl.col("pending_before")
        & (pl.col("principal") >= 0)
        & (pl.col("interest") >= 0)
        & ((pl.col("principal") > 0) | (pl.col("interest") > 0))
        & ~pl.col("contract_id").is_in(frozen.implode())
        & ~pl.col("contract_id").is_in(earlier.implode())
    )
    worked = {
        "worked_receivable": pl.col("receivable_before") + pl.col("interest") - pl.col("from_accrued"),
        "worked_owed": pl.col("owed_before") + pl.col("principal") + pl.col("interest"),
        "worked_accrued": pl.col("accrued") - pl.col("from_accrued"),
        "worked_missed": pl.when(pl.col("oldest").is_null()).then(0).otherwise(pl.col("missed_before")) + 1,
    }
    return [pl.when(exact).then(value).otherwise(None).alias(name) for name, value in worked.items()]


def fallen_due_write(cursor: Any, vendor: str, as_of: date, fallen: pl.DataFrame) -> None:
    """Write the state the installments left, marked for arrears_refresh to work out again."""
    bulk.frame_update(
        cursor,
        vendor,
        STATE,
        "contract_id",
        # (Without the HELD columns, where the night hands nothing on.)
        fallen.drop(list(FALLEN_READ), strict=False).with_columns(
            refresh_pending=pl.lit(True), changed_date=pl.lit(as_of)
        ),
    )


def fallen_due_apply(frame: pl.DataFrame, fallen: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    """The rows of `frame` (read from the state) with the columns the installments changed taken
    from `fallen` (see installments_fall_due) where it holds the account: `columns` maps each of
    the frame's column names to the state column it was read from."""
    if fallen.is_empty():
        return frame
    # Nulls included: an account whose last installment fell due has no next due date.
    taken = fallen.select("contract_id", *(pl.col(state).alias(name) for name, state in columns.items()))
    return frame.update(taken, on="contract_id", how="left", include_nulls=True)


def _installments_post(split: pl.DataFrame, at: datetime) -> ledger_batch.BulkPosted:
    """Post the installments' entries as `ledger.operations.installment_fall_due` would, in bulk."""
    owing = split.filter((pl.col("principal") > 0) | (pl.col("interest") > 0)).with_columns(
        idempotency_key=ledger_batch.installment_key(pl.col("contract_id"), pl.col("n")),
    )
    if owing.is_empty():
        return ledger_batch.BulkPosted(0, 0, 0)
    entries = owing.select(
        "idempotency_key",
        "book_id",
        reason_code=pl.lit(ledger_batch.fell_due_reason()),
        effective_date=pl.col("due_date"),
        memo=pl.format("installment {} due", pl.col("n")),
        fingerprint=ledger_batch.installment_fingerprints(
            owing.select("book_id", "due_date", installment="n", interest="interest", principal="principal")
        ),
    )

    def lines(code: str, amount: pl.Expr, installment: bool) -> pl.DataFrame:
        return owing.select(
            "idempotency_key",
            code=pl.lit(code),
            amount_minor=amount,
            currency="currency",
            installment=pl.col("n") if installment else pl.lit(None, pl.Int64),
        ).filter(pl.col("amount_minor") != 0)

    postings = pl.concat(
        [
            lines(AccountCode.PRINCIPAL_DUE, pl.col("principal"), True),
            lines(AccountCode.PRINCIPAL, -pl.col("principal"), False),
            lines(AccountCode.INTEREST_DUE, pl.col("interest"), True),
            lines(AccountCode.INTEREST_ACCRUED, -pl.col("from_accrued"), False),
            lines(AccountCode.INTEREST_INCOME, pl.col("from_accrued") - pl.col("interest"), False),
        ]
    )
    return ledger_batch.entries_post_bulk(entries=entries, postings=postings, at=at)


def arrears_refresh(
    cursor: Any,
    vendor: str,
    as_of: date,
    after_entry_id: int,
    versions_seen: int | None = None,
    fallen: pl.DataFrame | None = None,
    part: Part = WHOLE,
    seen: Seen = (),
    hand_on: bool = True,
) -> tuple[dict[str, int], int, pl.DataFrame | None]:
    """Work out again the arrears of every account whose book moved since `after_entry_id`.

    `versions_seen` is the highest schedule version the last close saw (None: every due date is
    read from the schedules): an account with no version since keeps the due date it holds for an
    oldest unpaid installment that stays the same. `fallen` is the state the night's installments
    left and did not write (see installments_fall_due): its accounts are worked out again too.
    `seen`: what each part of the last close saw, when it was closed in parts (an account is not
    worked out again for entries its part had seen; see `parts.unseen`).

    Returns the counts, the new watermark (the highest journal entry id seen) and the arrears worked
    out (REFRESHED_SCHEMA), not yet written: buckets_update writes them, with `fallen` and each
    account's bucket, in one write per row. Without `hand_on` (a first close), or for more accounts
    than a slice, they are written here, slice by slice, with `fallen`, and nothing is handed on
    (None).
    """
    changed, high = ledger_batch.changed_books(
        after_entry_id=after_entry_id, contracts_from=part.low, contracts_below=part.high
    )
    changed = unseen(changed, seen, "last_entry_id").drop("last_entry_id")
    if fallen is None:
        fallen = pl.DataFrame(schema=FALLEN_SCHEMA)
    # The installments worked out balances and arrears for accounts with nothing else to go on: they
    # hold where the book has one entry since the last close saw it, the installment's.
    alone = changed.filter((pl.col("entries") == 1) & (pl.col("fell_due") == 1))["contract_id"]
    fallen = fallen.with_columns(
        pl.when(pl.col("contract_id").is_in(alone.implode())).then(pl.col(name)).otherwise(None).alias(name)
        for name in WORKED
    )
    if changed.height:
        # An entry that is neither an installment falling due nor a receipt allocated (a reversal,
        # an unwound receipt, a manual entry) can move the oldest unpaid installment back.
        within, bounds = part.where("b.contract_id")
        unusual = bulk.frame_query(
            cursor,
            "SELECT b.contract_id, MAX(j.id) FROM ledger_journalentry j "
            "JOIN ledger_ledgerbook b ON b.id = j.book_id WHERE j.id > %s AND j.id <= %s "
            f"AND j.reason_code NOT IN (%s, %s, %s, %s){within} GROUP BY b.contract_id",
            [after_entry_id, high, *ROUTINE_REASONS, *bounds],
            {"contract_id": pl.Int64, "last_entry_id": pl.Int64},
        )
        unusual = unseen(unusual, seen, "last_entry_id")
    else:
        unusual = pl.DataFrame(schema={"contract_id": pl.Int64})
    pending = _pending_read(cursor, vendor, changed, fallen, part, hand_on)
    if pending.is_empty():
        return {"refreshed": 0}, high, pl.DataFrame(schema=REFRESHED_SCHEMA)
    pending = pending.with_columns(
        lower=pl.when(pl.col("contract_id").is_in(unusual["contract_id"].implode()))
        .then(1)
        .otherwise(pl.col("lower"))
    ).sort("contract_id")
    counts = {
        "refreshed": pending.height,
        "books_moved": changed.height,
        "from_installments": pending.height - pending["worked_receivable"].null_count(),
    }
    if hand_on and pending.height <= SLICE_ACCOUNTS:
        return counts, high, _worked_out(cursor, vendor, as_of, pending, versions_seen)
    for offset in range(0, pending.height, SLICE_ACCOUNTS):
        worked = _worked_out(cursor, vendor, as_of, pending.slice(offset, SLICE_ACCOUNTS), versions_seen)
        refreshed_write(cursor, vendor, worked.select(REFRESHED_WRITTEN), fallen)
    return counts, high, None


# The state columns arrears_refresh works out, and those it hands on with them as it read them (or as
# the installments left them) for the late fees and the buckets.
REFRESHED_WRITTEN = (
    "contract_id",
    "receivable_minor",
    "accrued_interest_minor",
    "arrears_minor",
    "paid_to_date_minor",
    "installments_missed",
    "oldest_unpaid_installment",
    "oldest_unpaid_due_date",
    "refresh_pending",
    "changed_date",
)
REFRESHED_READ = {
    "book_id": pl.Int64,
    "installments_due": pl.Int64,
    "last_due_date": pl.Date,
    "last_installment_minor": pl.Int64,
    **HELD,
}


def refreshed_write(cursor: Any, vendor: str, refreshed: pl.DataFrame, fallen: pl.DataFrame) -> None:
    """Write the arrears worked out (REFRESHED_WRITTEN, and any other state columns `refreshed` holds)
    with the state the installments left where they fell due tonight (`fallen`): one write per row."""
    bulk.frame_update(
        cursor,
        vendor,
        STATE,
        "contract_id",
        refreshed.join(
            fallen.drop(*FALLEN_READ, "oldest_unpaid_installment"),
            on="contract_id",
            how="inner",
        ),
    )
    bulk.frame_update(
        cursor, vendor, STATE, "contract_id", refreshed.join(fallen, on="contract_id", how="anti")
    )


def _worked_out(
    cursor: Any, vendor: str, as_of: date, pending: pl.DataFrame, versions_seen: int | None
) -> pl.DataFrame:
    """The arrears of the accounts in `pending` (see _pending_read) from their ledger: REFRESHED_WRITTEN,
    then the REFRESHED_READ columns `pending` holds, as read.

    An account whose balances and unpaid installments the night's installments worked out (WORKED,
    see _worked_after) is taken from them; the others are read from the ledger.
    """
    worked = pending.filter(pl.col("worked_receivable").is_not_null())
    balances = worked.select(
        "contract_id", receivable="worked_receivable", owed="worked_owed", accrued="worked_accrued"
    )
    unpaid = worked.select("contract_id", oldest="held_oldest", missed="worked_missed")
    read = pending.filter(pl.col("worked_receivable").is_null())
    if read.height:
        bulk.temp_table_load(
            cursor, vendor, "cob_pending", read.select("contract_id", "book_id", "lower"), key="contract_id"
        )
        # Driven from the accounts to refresh, by the ledger's indexes: planned freely on PostgreSQL,
        # both reads hash-joined every ledger account (and the second every posting) of the book, a
        # cost that grows with the book, not the night (10.2 s against 3.3 s at 4,000,000 accounts).
        with bulk.batch_driven(cursor, vendor):
            read_balances, outstanding = _refresh_sums(cursor)
        balances = pl.concat([balances, read_balances])
        unpaid = pl.concat(
            [
                unpaid,
                outstanding.group_by("contract_id").agg(
                    oldest=pl.col("installment").min(), missed=pl.len().cast(pl.Int64)
                ),
            ]
        )
    oldest_dates = _oldest_dates(cursor, vendor, unpaid, pending, versions_seen)
    fresh = (
        pending.join(balances, on="contract_id", how="left")
        .join(unpaid, on="contract_id", how="left")
        .join(oldest_dates, on="contract_id", how="left")
        .with_columns(arrears=pl.max_horizontal(pl.col("owed").fill_null(0), pl.lit(0)))
    )
    in_arrears = pl.col("arrears") > 0
    return fresh.select(
        "contract_id",
        *(column for column in REFRESHED_READ if column in pending.columns),
        receivable_minor=pl.col("receivable").fill_null(0),
        accrued_interest_minor=pl.col("accrued").fill_null(0),
        arrears_minor="arrears",
        paid_to_date_minor=pl.max_horizontal(pl.col("due_to_date") - pl.col("arrears"), pl.lit(0)),
        installments_missed=pl.when(in_arrears).then(pl.col("missed").fill_null(0)).otherwise(0),
        oldest_unpaid_installment=pl.when(in_arrears).then(pl.col("oldest")).otherwise(None),
        oldest_unpaid_due_date=pl.when(in_arrears)
        .then(pl.coalesce("oldest_date", "last_due_date", pl.lit(as_of)))
        .otherwise(None),
        refresh_pending=pl.lit(False),
        changed_date=pl.lit(as_of),
    )


REFRESHED_SCHEMA = {
    "contract_id": pl.Int64,
    "receivable_minor": pl.Int64,
    "accrued_interest_minor": pl.Int64,
    "arrears_minor": pl.Int64,
    "paid_to_date_minor": pl.Int64,
    "installments_missed": pl.Int64,
    "oldest_unpaid_installment": pl.Int64,
    "oldest_unpaid_due_date": pl.Date,
    "refresh_pending": pl.Boolean,
    "changed_date": pl.Date,
    **REFRESHED_READ,
}


def _refresh_sums(cursor: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The balances (receivable, owed, accrued) of each account in cob_pending, and what is still
    owed on each of its installments from its lower bound on."""
    marks = ", ".join(["%s"] * len(RECEIVABLE_CODES))
    balances = bulk.frame_query(
        cursor,
        "SELECT t.contract_id, "
        f"COALESCE(SUM(CASE WHEN a.code IN ({marks}) THEN a.balance_minor ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN a.code IN (%s, %s) THEN a.balance_minor ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN a.code = %s THEN a.balance_minor ELSE 0 END), 0) "
        "FROM cob_pending t LEFT JOIN ledger_ledgeraccount a ON a.book_id = t.book_id GROUP BY t.contract_id",
        [*RECEIVABLE_CODES, *OWED_CODES, AccountCode.INTEREST_ACCRUED],
        {"contract_id": pl.Int64, "receivable": pl.Int64, "owed": pl.Int64, "accrued": pl.Int64},
    )
    outstanding = bulk.frame_query(
        cursor,
        "SELECT t.contract_id, p.installment, SUM(p.amount_minor) FROM cob_pending t "
        "JOIN ledger_ledgeraccount a ON a.book_id = t.book_id AND a.code IN (%s, %s) "
        "JOIN ledger_posting p ON p.account_id = a.id AND p.installment >= t.lower "
        "GROUP BY t.contract_id, p.installment HAVING SUM(p.amount_minor) > 0",
        [AccountCode.PRINCIPAL_DUE, AccountCode.INTEREST_DUE],
        {"contract_id": pl.Int64, "installment": pl.Int64, "amount": pl.Int64},
    )
    return balances, outstanding


def _oldest_dates(
    cursor: Any, vendor: str, unpaid: pl.DataFrame, pending: pl.DataFrame, versions_seen: int | None
) -> pl.DataFrame:
    """The due date of each account's oldest unpaid installment: the one its state holds when the
    installment is the same one (or the last fallen due) and no schedule version came since the
    last close; else from its schedule."""
    same = (pl.col("oldest") == pl.col("held_oldest")) & pl.col("held_oldest_date").is_not_null()
    held = unpaid.join(pending, on="contract_id").select(
        "contract_id",
        "oldest",
        oldest_date=pl.when(same)
        .then(pl.col("held_oldest_date"))
        .when(pl.col("oldest") == pl.col("installments_due"))
        .then(pl.col("last_due_date")),
    )
    if versions_seen is None:
        held = held.clear()
    else:
        # +contract_id: for the DISTINCT, SQLite would read the whole contract_id index in order
        # rather than the new versions by id.
        modified = bulk.frame_query(
            cursor,
            "SELECT DISTINCT +contract_id FROM portfolio_scheduleversion WHERE id > %s",
            [versions_seen],
            {"contract_id": pl.Int64},
        )
        unmodified = ~pl.col("contract_id").is_in(modified["contract_id"].implode())
        held = held.filter(pl.col("oldest_date").is_not_null() & unmodified)
    lookup = unpaid.join(held, on="contract_id", how="anti")
    if lookup.is_empty():
        return held.select("contract_id", "oldest_date")
    reads.ids_load(cursor, vendor, lookup["contract_id"])
    looked_up = due_date_of(lookup.select("contract_id", n="oldest"), reads.versions_read(cursor, vendor))
    return pl.concat(
        [held.select("contract_id", "oldest_date"), looked_up.select("contract_id", oldest_date="due_date")]
    )


def _pending_read(
    cursor: Any, vendor: str, changed: pl.DataFrame, fallen: pl.DataFrame, part: Part, hand_on: bool
) -> pl.DataFrame:
    """The state rows to work out again: those whose installments fell due tonight, as the
    installments left them and with what they read of them (not read again), and those a step marked
    pending and those of the other books that moved (read by key, not marked first: marking them
    wrote every such row once more). With the HELD columns when the night hands them on."""
    held_sql, held = _held(vendor, hand_on)
    columns = (
        "SELECT s.contract_id, b.id, s.due_to_date_minor, COALESCE(s.oldest_unpaid_installment, "
        f"s.installments_due + 1), {bulk.sql_epoch_days(vendor, 's.last_due_date')}, "
        "s.installments_due, s.oldest_unpaid_installment, "
        f"{bulk.sql_epoch_days(vendor, 's.oldest_unpaid_due_date')}, s.last_installment_minor, "
        f"{held_sql} FROM {STATE} s JOIN ledger_ledgerbook b ON b.contract_id = s.contract_id "
    )
    schema = {
        "contract_id": pl.Int64,
        "book_id": pl.Int64,
        "due_to_date": pl.Int64,
        "lower": pl.Int64,
        "last_due_date": pl.Date,
        "installments_due": pl.Int64,
        "held_oldest": pl.Int64,
        "held_oldest_date": pl.Date,
        "last_installment_minor": pl.Int64,
        **held,
    }
    fell = fallen.with_columns(
        due_to_date="due_to_date_minor",
        # What the read's COALESCE gives.
        lower=pl.coalesce("oldest_unpaid_installment", pl.col("installments_due") + 1),
        held_oldest="oldest_unpaid_installment",
    ).select(*schema, *WORKED)
    # Bare, as the partial index's condition is written: SQLite uses that index only for the same
    # expression, and scans every state row for "= TRUE".
    within, bounds = part.where("s.contract_id")
    marked = bulk.frame_query(cursor, f"{columns}WHERE s.refresh_pending{within}", bounds, schema)
    keys = changed.filter(~pl.col("contract_id").is_in(fell["contract_id"].implode()))["contract_id"].unique()
    if keys.is_empty():
        moved = pl.DataFrame(schema=schema)
    else:
        reads.ids_load(cursor, vendor, keys, "cob_changed")
        # By the state's key and the books' contract index: planned freely on PostgreSQL, the read
        # hash-joined every book of the ledger (2.3 s for 280,000 accounts of 4,000,000).
        with bulk.batch_driven(cursor, vendor):
            moved = bulk.frame_query(
                cursor, columns + "WHERE s.contract_id IN (SELECT contract_id FROM cob_changed)", [], schema
            )
    # An account that fell due tonight may be marked too: it is taken as the installments left it.
    unworked = [pl.lit(None, kind).alias(name) for name, kind in WORKED.items()]
    return pl.concat([fell, marked.with_columns(unworked), moved.with_columns(unworked)]).unique(
        "contract_id", keep="first", maintain_order=True
    )


def late_fees_assess(
    cursor: Any,
    vendor: str,
    as_of: date,
    at: datetime,
    part: Part = WHOLE,
    refreshed: pl.DataFrame | None = None,
    worked_out_to: int | None = None,
) -> tuple[dict[str, int], pl.DataFrame | None]:
    """Charge each product's late fee on the installments still unpaid when their grace days end.

    The installment whose grace ends tonight fell due on as_of − grace. On a schedule whose period
    is longer than the grace days it is the account's last installment due; on a weekly or
    fortnightly one, later installments may have fallen due since, so the last few are looked at.
    Runs after arrears_refresh: an installment is unpaid when it is the oldest unpaid one or later.
    The accounts whose arrears the refresh worked out and handed on unwritten (`refreshed`) are
    taken from it, not from the state.

    Returns the counts and `refreshed` with the fees added to its receivables (still unwritten);
    the state of the other accounts charged is written. `worked_out_to` is the highest journal entry
    id arrears_refresh worked out: when the fees are the only entries on the part's books above it,
    the counts hold the journal's highest id now as the night's `watermark`, for the state holds
    them (see `_watermark_past_fees`).
    """
    products = reads.products_read(cursor).filter((pl.col("fixed_minor") > 0) | (pl.col("percent_e4") > 0))
    if products.is_empty():
        return {"late_fees": 0}, refreshed
    # One arm per product and frequency, each read from the partial index arrears_state_late (whose
    # condition the arm repeats word for word, as SQLite needs to use it).
    within, bounds = part.where("s.contract_id")
    arm = (
        "SELECT s.contract_id, b.id, s.currency, s.product_code, s.installments_due, "
        "s.oldest_unpaid_installment, s.last_installment_minor, "
        f"{bulk.sql_epoch_days(vendor, 's.last_due_date')}, s.receivable_minor FROM {STATE} s "
        "JOIN portfolio_contract c ON c.id = s.contract_id AND c.status = 'active' "
        "JOIN ledger_ledgerbook b ON b.contract_id = s.contract_id "
        "WHERE s.arrears_minor > 0 AND s.product_code = %s AND s.frequency = %s "
        f"AND s.last_due_date >= %s AND s.last_due_date <= %s{within}"
    )
    windows = _late_windows(products, as_of)
    params = [value for window in windows for value in (*window, *bounds)]
    candidates = bulk.frame_query(
        cursor, " UNION ALL ".join([arm] * len(windows)), params, LATE_CANDIDATE_SCHEMA
    )
    if refreshed is not None and refreshed.height:
        candidates = pl.concat(
            [
                candidates.join(refreshed.select("contract_id"), on="contract_id", how="anti"),
                _late_candidates_refreshed(cursor, vendor, refreshed, windows),
            ]
        )
    late = _late_installments(cursor, vendor, candidates, products, as_of)
    if late.height:
        late = late.filter(
            ~pl.col("contract_id").is_in(breathing_space.contracts_frozen_on(cursor, as_of).implode())
        )
    if late.is_empty():
        return {"late_fees": 0}, refreshed
    percent_fee = pl.col("installment_minor").cast(pl.Int128) * pl.col("percent_e4")
    fees = late.join(products, on="product_code").with_columns(
        fee=pl.when(pl.col("percent_e4") > 0)
        .then(((percent_fee * 2 + 100 * 10_000) // (2 * 100 * 10_000)).cast(pl.Int64))
        .otherwise(pl.col("fixed_minor"))
    )
    fees = fees.with_columns(
        fee=pl.min_horizontal("fee", pl.col("cap_minor").fill_null(pl.col("fee")))
    ).with_columns(fee=pl.min_horizontal("fee", pl.col("max_cost_minor").fill_null(pl.col("fee"))))
    fees = fees.filter(pl.col("fee") > 0).with_columns(
        idempotency_key=pl.format("arrears:{}:late-fee:{}", pl.col("contract_id"), pl.col("n"))
    )
    if fees.is_empty():
        return {"late_fees": 0}, refreshed
    entries = fees.select(
        "idempotency_key",
        "book_id",
        reason_code=pl.lit(LATE_FEE_REASON),
        effective_date=pl.lit(as_of),
        memo=pl.lit(f"fee {LATE_FEE_REASON}"),
        fingerprint=_fee_fingerprints(fees, as_of),
    )
    postings = pl.concat(
        [
            fees.select(
                "idempotency_key",
                code=pl.lit(AccountCode.FEES_DUE.value),
                amount_minor="fee",
                currency="currency",
                installment="n",
            ),
            fees.select(
                "idempotency_key",
                code=pl.lit(AccountCode.FEE_INCOME.value),
                amount_minor=-pl.col("fee"),
                currency="currency",
                installment=pl.lit(None, pl.Int64),
            ),
        ]
    )
    result = ledger_batch.entries_post_bulk(entries=entries, postings=postings, at=at)
    if result.skipped:
        # Some fees were in the ledger already (charged account by account): take its balances.
        receivables = _receivables_read(cursor, vendor, fees.select("contract_id", "book_id").unique())
    else:
        # Each receivable stands as the refresh just worked it out, from the ledger as it stood
        # then; tonight's fees add to it (entries posted since are the next night's to refresh).
        charged = fees.group_by("contract_id").agg(pl.col("fee").sum())
        held = candidates.select("contract_id", "receivable").unique("contract_id")
        receivables = charged.join(held, on="contract_id").select(
            "contract_id", receivable_minor=pl.col("receivable") + pl.col("fee")
        )
    if refreshed is not None:
        refreshed = refreshed.update(receivables, on="contract_id", how="left")
        receivables = receivables.join(refreshed.select("contract_id"), on="contract_id", how="anti")
    bulk.frame_update(
        cursor, vendor, STATE, "contract_id", receivables.with_columns(changed_date=pl.lit(as_of))
    )
    counts = {"late_fees": result.posted}
    if worked_out_to is not None:
        counts |= _watermark_past_fees(worked_out_to, result.posted, part)
    return counts, refreshed


def _watermark_past_fees(worked_out_to: int, fees: int, part: Part) -> dict[str, int]:
    """The night's watermark moved past its late fees ({"watermark": id}), or left where the refresh
    put it ({}).

    The fees are posted after the refresh has taken the journal's highest id, so without this the
    next night would find every book charged a fee among the books that moved since, and work its
    arrears out again, to the same result: a fee moves only the receivable, which this step writes.
    When the part's books hold no entries above `worked_out_to` but the fees, the state holds every
    entry up to the journal's highest id. Any other entry there (a payment posted meanwhile) leaves
    the watermark where it was, and its book to the next night.
    """
    count, high = ledger_batch.entries_above(
        after_entry_id=worked_out_to, contracts_from=part.low, contracts_below=part.high
    )
    return {"watermark": high} if count == fees else {}


LATE_CANDIDATE_SCHEMA = {
    "contract_id": pl.Int64,
    "book_id": pl.Int64,
    "currency": pl.Utf8,
    "product_code": pl.Utf8,
    "last_n": pl.Int64,
    "oldest": pl.Int64,
    "last_minor": pl.Int64,
    "last_due_date": pl.Date,
    "receivable": pl.Int64,
}


def _late_windows(products: pl.DataFrame, as_of: date) -> list[tuple[str, str, date, date]]:
    """Per product and frequency, the last due dates (from, to) of the accounts whose grace may end
    tonight: the day the grace began, and for schedules whose installments can come closer together
    than the grace days, every day since."""
    windows = []
    for code, grace in products.select("product_code", "grace_days").iter_rows():
        target = as_of - timedelta(days=grace)
        for frequency, shortest in SHORTEST_PERIOD_DAYS.items():
            windows.append((code, frequency, target, as_of if shortest <= grace else target))
    return windows


def _late_candidates_refreshed(
    cursor: Any, vendor: str, refreshed: pl.DataFrame, windows: list[tuple[str, str, date, date]]
) -> pl.DataFrame:
    """The late-fee candidates among the accounts arrears_refresh handed on, by the conditions the
    state's arms read (LATE_CANDIDATE_SCHEMA, in arrears, within one of `windows`), of active
    contracts."""
    matching = pl.lit(False)
    for code, frequency, first, last in windows:
        matching |= (
            (pl.col("product_code") == code)
            & (pl.col("frequency") == frequency)
            & pl.col("last_due_date").is_between(first, last)
        )
    found = refreshed.filter((pl.col("arrears_minor") > 0) & matching).select(
        "contract_id",
        "book_id",
        "currency",
        "product_code",
        last_n="installments_due",
        oldest="oldest_unpaid_installment",
        last_minor="last_installment_minor",
        last_due_date="last_due_date",
        receivable="receivable_minor",
    )
    if found.is_empty():
        return found
    reads.ids_load(cursor, vendor, found["contract_id"])
    active = bulk.frame_query(
        cursor,
        "SELECT c.id FROM cob_ids i JOIN portfolio_contract c ON c.id = i.contract_id "
        "WHERE c.status = 'active'",
        [],
        {"contract_id": pl.Int64},
    )
    return found.join(active, on="contract_id", how="semi")


def _late_installments(
    cursor: Any, vendor: str, candidates: pl.DataFrame, products: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """Of the candidates, the (contract, installment n, installment_minor) whose grace ends on
    `as_of` and that are still unpaid."""
    schema = {"contract_id": pl.Int64, "book_id": pl.Int64, "currency": pl.Utf8, "product_code": pl.Utf8}
    if candidates.is_empty():
        return pl.DataFrame(schema={**schema, "n": pl.Int64, "installment_minor": pl.Int64})
    candidates = candidates.join(
        products.select("product_code", "grace_days"), on="product_code"
    ).with_columns(target=pl.lit(as_of) - pl.duration(days=pl.col("grace_days")))
    latest = candidates.filter(pl.col("last_due_date") == pl.col("target")).select(
        *schema, n="last_n", installment_minor="last_minor", oldest="oldest"
    )
    earlier = candidates.filter(pl.col("last_due_date") > pl.col("target"))
    if earlier.height:
        # Installments due since the target: at most grace / 7 of them on a weekly schedule.
        back = max(products["grace_days"].to_list()) // SHORTEST_PERIOD_DAYS["weekly"]
        wanted = (
            earlier.with_columns(k=pl.int_ranges(1, back + 1))
            .explode("k")
            .with_columns(n=pl.col("last_n") - pl.col("k"))
            .filter(pl.col("n") >= 1)
        )
        reads.ids_load(cursor, vendor, earlier["contract_id"])
        versions = reads.versions_read(cursor, vendor)
        dated = due_date_of(wanted.select("contract_id", "n"), versions)
        found = wanted.join(dated, on=["contract_id", "n"]).filter(pl.col("due_date") == pl.col("target"))
        # An installment with later ones after it is never the final one: it is the level payment.
        level = governing_versions(found.select("contract_id", "n"), versions).select(
            "contract_id", "n", installment_minor="v_payment"
        )
        latest = pl.concat(
            [
                latest,
                found.join(level, on=["contract_id", "n"]).select(
                    *schema, "n", "installment_minor", "oldest"
                ),
            ]
        )
    # No oldest unpaid installment on an account in arrears: its arrears are not tied to installments
    # (an opening balance), and the installment counts as unpaid.
    return latest.filter(pl.col("oldest").is_null() | (pl.col("n") >= pl.col("oldest"))).drop("oldest")


def _receivables_read(cursor: Any, vendor: str, books: pl.DataFrame) -> pl.DataFrame:
    """The ledger's receivable balance of these accounts (contract_id, receivable_minor)."""
    bulk.temp_table_load(cursor, vendor, "cob_books", books)
    marks = ", ".join(["%s"] * len(RECEIVABLE_CODES))
    return bulk.frame_query(
        cursor,
        "SELECT t.contract_id, COALESCE(SUM(a.balance_minor), 0) FROM cob_books t "
        f"LEFT JOIN ledger_ledgeraccount a ON a.book_id = t.book_id AND a.code IN ({marks}) "
        "GROUP BY t.contract_id",
        list(RECEIVABLE_CODES),
        {"contract_id": pl.Int64, "receivable_minor": pl.Int64},
    )


def _fee_fingerprints(fees: pl.DataFrame, as_of: date) -> pl.Series:
    """What `ledger.operations.fee_assess` fingerprints, so a per-account retry matches the batch."""
    text = fees.select(
        pl.format(
            '{{"book":{},"effective_date":"{}","lines":[["fee_income",{},"{}",0],["fees_due",{},"{}",{}]],'
            '"memo":"fee {}","reason_code":"{}","receipt":null,"reverses":null}}',
            pl.col("book_id"),
            pl.lit(as_of.isoformat()),
            -pl.col("fee"),
            pl.col("currency"),
            pl.col("fee"),
            pl.col("currency"),
            pl.col("n"),
            pl.lit(LATE_FEE_REASON),
            pl.lit(LATE_FEE_REASON),
        )
    ).to_series()
    return pl.Series("fingerprint", [hashlib.sha256(v.encode()).hexdigest() for v in text], dtype=pl.Utf8)


def buckets_update(
    cursor: Any,
    vendor: str,
    as_of: date,
    part: Part = WHOLE,
    refreshed: pl.DataFrame | None = None,
    fallen: pl.DataFrame | None = None,
) -> tuple[dict[str, int], pl.DataFrame]:
    """Place every account of `part` that changed today, or crossed a bucket boundary today, in its
    bucket; record each move as a transition and flag accounts in arrears for the collections
    strategies.

    The accounts whose arrears the refresh worked out and handed on (`refreshed`, with the state the
    installments left, `fallen`) are placed from it, and written with their bucket: once a night,
    where a write of their arrears and another of their bucket made two row versions of each, and
    two entries in each of the state's indexes. The others are read from the state.

    Returns the counts and how the rows written move the aged-debt totals (AGED_DEBT_SCHEMA), for
    `aged_debt_write` once every part of the date is placed.
    """
    schemes = reads.schemes_read(cursor)
    boundaries = sorted({b for _, text, _ in schemes for b in boundaries_parse(text)})
    crossing = [as_of - timedelta(days=b) for b in boundaries]
    marks = ", ".join(["%s"] * len(crossing))
    within_part, part_bounds = part.where("s.contract_id")
    where = f"(s.changed_date = %s OR s.oldest_unpaid_due_date IN ({marks})){within_part}"
    params: list[Any] = [as_of, *crossing, *part_bounds]
    # Every row placed (for the counts), and every row written (for the totals).
    placed: list[pl.DataFrame] = []
    written: list[pl.DataFrame] = []
    if refreshed is None:
        refreshed = pl.DataFrame(schema=REFRESHED_SCHEMA)
    for piece in _contract_ranges(cursor, where, params):
        within, bounds = piece.where("s.contract_id")
        held = _buckets_candidates_read(cursor, vendor, where + within, params + bounds)
        placed.append(
            _buckets_place(cursor, vendor, as_of, schemes, held.join(refreshed, on="contract_id", how="anti"))
        )
        # A row whose bucket and share of the totals stay is not written again.
        written.append(placed[-1].filter(pl.col("is_moved") | _share_changed()))
        bulk.frame_update(cursor, vendor, STATE, "contract_id", _bucket_written(written[-1]))
    if refreshed.height:
        placed.append(
            _buckets_place(
                cursor,
                vendor,
                as_of,
                schemes,
                refreshed.select(
                    "contract_id",
                    "product_code",
                    "jurisdiction",
                    "currency",
                    "bucket",
                    "aged_bucket",
                    arrears="arrears_minor",
                    receivable="receivable_minor",
                    oldest="oldest_unpaid_due_date",
                    flagged="collections_flag",
                    since="bucket_since_date",
                    flagged_date="flagged_date",
                    aged_balance="aged_balance_minor",
                    aged_arrears="aged_arrears_minor",
                ),
            )
        )
        written.append(placed[-1])  # every one: its arrears are written with its bucket
        refreshed_write(
            cursor,
            vendor,
            refreshed.select(REFRESHED_WRITTEN).join(
                _bucket_written(placed[-1]).drop("changed_date"), on="contract_id"
            ),
            pl.DataFrame(schema=FALLEN_SCHEMA) if fallen is None else fallen,
        )
    every = pl.concat([frame.select("is_moved", "started", "is_flagged") for frame in placed])
    counts = {
        "transitions": every.filter(pl.col("is_moved") & ~pl.col("started")).height,
        "flagged": every.filter("is_flagged").height,
    }
    return counts, _aged_debt_summed([_aged_debt_moved(frame) for frame in written])


def _contract_ranges(cursor: Any, where: str, params: list[Any]) -> list[Part]:
    """The state rows matching `where`, as ranges of contract ids of about SLICE_ACCOUNTS rows each
    (see `parts.parts_split`). Most nights are one range, the whole book; a first close, which places
    every account, is several."""
    cursor.execute(
        f"SELECT COUNT(*), MIN(contract_id), MAX(contract_id) FROM {STATE} s WHERE {where}", params
    )
    count, low, high = cursor.fetchone()
    if count <= SLICE_ACCOUNTS:
        return [WHOLE]
    return parts_split(int(low), int(high), -(-int(count) // SLICE_ACCOUNTS))


BUCKET_CANDIDATE_SCHEMA = {
    "contract_id": pl.Int64,
    "product_code": pl.Utf8,
    "jurisdiction": pl.Utf8,
    "currency": pl.Utf8,
    "bucket": pl.Utf8,
    "arrears": pl.Int64,
    "receivable": pl.Int64,
    "oldest": pl.Date,
    "flagged": pl.Boolean,
    "since": pl.Date,
    "flagged_date": pl.Date,
    "aged_bucket": pl.Utf8,
    "aged_balance": pl.Int64,
    "aged_arrears": pl.Int64,
}


def _buckets_candidates_read(cursor: Any, vendor: str, where: str, params: list[Any]) -> pl.DataFrame:
    days = bulk.sql_epoch_days
    return bulk.frame_query(
        cursor,
        "SELECT s.contract_id, s.product_code, s.jurisdiction, s.currency, s.bucket, s.arrears_minor, "
        f"s.receivable_minor, {days(vendor, 's.oldest_unpaid_due_date')}, s.collections_flag, "
        f"{days(vendor, 's.bucket_since_date')}, {days(vendor, 's.flagged_date')}, s.aged_bucket, "
        f"s.aged_balance_minor, s.aged_arrears_minor FROM {STATE} s WHERE {where}",
        params,
        BUCKET_CANDIDATE_SCHEMA,
    )


def _buckets_place(
    cursor: Any,
    vendor: str,
    as_of: date,
    schemes: list[tuple[str, str, list[str]]],
    candidates: pl.DataFrame,
) -> pl.DataFrame:
    """Place the candidates (BUCKET_CANDIDATE_SCHEMA) in their buckets and record their transitions.

    Returns each one with the state columns its placing writes (see _bucket_written), whether it moved
    (is_moved; started: a first placing, which records no transition), whether it was flagged
    (is_flagged), and its share of the aged-debt totals at the last close (aged_*) and now
    (new_aged_*).
    """
    placed = candidates.with_columns(
        dpd=pl.when(pl.col("arrears") > 0)
        .then((pl.lit(as_of) - pl.col("oldest")).dt.total_days())
        .otherwise(0)
        .cast(pl.Int64)
    ).with_columns(new_bucket=_bucket_expr(schemes))
    placed = placed.with_columns(
        rank=_rank_expr(schemes, "new_bucket"),
        old_rank=_rank_expr(schemes, "bucket"),
        is_moved=pl.col("new_bucket") != pl.col("bucket"),
    )
    moved = placed.filter("is_moved")
    transitions = moved.filter(pl.col("bucket") != NOT_STARTED).select(
        "contract_id",
        business_date=pl.lit(as_of),
        from_bucket="bucket",
        to_bucket="new_bucket",
        kind=pl.when(pl.col("new_bucket") == CURRENT)
        .then(pl.lit("cure"))
        .when(pl.col("rank") > pl.col("old_rank"))
        .then(pl.lit("roll_forward"))
        .otherwise(pl.lit("roll_back")),
        days_past_due="dpd",
        arrears_minor="arrears",
        receivable_minor="receivable",
    )
    bulk.frame_insert(cursor, vendor, "arrears_buckettransition", transitions)
    # What each row adds to the totals now: nothing without a balance or arrears.
    counted = (pl.col("receivable") != 0) | (pl.col("arrears") != 0)
    in_arrears = pl.col("new_bucket") != CURRENT
    moving = pl.col("is_moved")
    # A row whose bucket stays keeps its date, flag and flag date.
    return placed.select(
        "contract_id",
        "product_code",
        "jurisdiction",
        "currency",
        "aged_bucket",
        "aged_balance",
        "aged_arrears",
        "is_moved",
        started=moving & (pl.col("bucket") == NOT_STARTED),
        is_flagged=moving & in_arrears,
        new_aged_bucket=pl.when(counted).then(pl.col("new_bucket")).otherwise(None),
        new_aged_balance=pl.when(counted).then(pl.col("receivable")).otherwise(0),
        new_aged_arrears=pl.when(counted).then(pl.col("arrears")).otherwise(0),
        bucket="new_bucket",
        bucket_since_date=pl.when(moving).then(pl.lit(as_of)).otherwise(pl.col("since")),
        collections_flag=pl.when(moving).then(in_arrears).otherwise(pl.col("flagged")),
        flagged_date=pl.when(moving)
        .then(pl.when(in_arrears).then(pl.lit(as_of)).otherwise(None))
        .otherwise(pl.col("flagged_date")),
        changed_date=pl.lit(as_of),
    )


def _bucket_written(placed: pl.DataFrame) -> pl.DataFrame:
    """The state columns placing writes, of rows `_buckets_place` placed."""
    return placed.select(
        "contract_id",
        "bucket",
        "bucket_since_date",
        "collections_flag",
        "flagged_date",
        "changed_date",
        aged_bucket="new_aged_bucket",
        aged_balance_minor="new_aged_balance",
        aged_arrears_minor="new_aged_arrears",
    )


def _share_changed() -> pl.Expr:
    """Whether a placed row's share of the aged-debt totals differs from what it added last close."""
    return (
        pl.col("new_aged_bucket").ne_missing(pl.col("aged_bucket"))
        | (pl.col("new_aged_balance") != pl.col("aged_balance"))
        | (pl.col("new_aged_arrears") != pl.col("aged_arrears"))
    )


AGED_DEBT_KEYS = ("product_code", "jurisdiction", "currency", "bucket")
AGED_DEBT_SCHEMA = {
    **dict.fromkeys(AGED_DEBT_KEYS, pl.Utf8),
    "accounts": pl.Int64,
    "balance_minor": pl.Int64,
    "arrears_minor": pl.Int64,
}


def _aged_debt_moved(written: pl.DataFrame) -> pl.DataFrame:
    """How the rows in `written` move the aged-debt totals: less what they added to them at the last
    close (aged_*), plus what they add now (new_aged_*), per product, jurisdiction, currency and
    bucket."""

    def shares(bucket: str, balance: str, arrears: str, sign: int) -> pl.DataFrame:
        return written.filter(pl.col(bucket).is_not_null()).select(
            "product_code",
            "jurisdiction",
            "currency",
            bucket=bucket,
            accounts=pl.lit(sign, pl.Int64),
            balance_minor=sign * pl.col(balance),
            arrears_minor=sign * pl.col(arrears),
        )

    return _aged_debt_summed(
        [
            shares("new_aged_bucket", "new_aged_balance", "new_aged_arrears", 1),
            shares("aged_bucket", "aged_balance", "aged_arrears", -1),
        ]
    )


def _aged_debt_summed(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return (
        pl.concat([pl.DataFrame(schema=AGED_DEBT_SCHEMA), *frames])
        .group_by(AGED_DEBT_KEYS)
        .agg(pl.col("accounts", "balance_minor", "arrears_minor").sum())
    )


def aged_debt_write(cursor: Any, vendor: str, as_of: date, moved: list[pl.DataFrame]) -> int:
    """Write the day's aged-debt totals (accounts, receivable and arrears per product, jurisdiction,
    currency and bucket): the last close's, moved by the rows written tonight (`moved`, as
    `buckets_update` gives them for each part). Every other row adds what it added then.

    The last close is the latest completed one before this date (a close never goes back: see
    `arrears.operations.cob_run`); before a first close the totals start from nothing.
    """
    base = bulk.frame_query(
        cursor,
        "SELECT product_code, jurisdiction, currency, bucket, accounts, balance_minor, arrears_minor "
        "FROM arrears_ageddebttotal WHERE business_date = (SELECT MAX(business_date) FROM arrears_cobrun "
        "WHERE status = %s AND business_date < %s)",
        ["completed", as_of],
        AGED_DEBT_SCHEMA,
    )
    totals = _aged_debt_summed([base, *moved]).filter(pl.col("accounts") != 0).sort(AGED_DEBT_KEYS)
    cursor.execute("DELETE FROM arrears_ageddebttotal WHERE business_date = %s", [as_of])
    bulk.frame_insert(
        cursor, vendor, "arrears_ageddebttotal", totals.with_columns(business_date=pl.lit(as_of))
    )
    return totals.height


def _scheme_of(schemes: list[tuple[str, str, list[str]]]) -> tuple[str, dict[str, str]]:
    default = next((code for code, _, products in schemes if not products), schemes[0][0])
    return default, {product: code for code, _, products in schemes for product in products}


def _bucket_expr(schemes: list[tuple[str, str, list[str]]]) -> pl.Expr:
    default, by_product = _scheme_of(schemes)
    boundaries = {code: buckets_from_boundaries(boundaries_parse(text)) for code, text, _ in schemes}

    def placing(code: str) -> pl.Expr:
        expr = pl.lit(CURRENT)
        for bucket in boundaries[code][1:]:
            expr = pl.when(pl.col("dpd") >= bucket.min_days).then(pl.lit(bucket.code)).otherwise(expr)
        return expr

    expr = placing(default)
    for product, code in by_product.items():
        expr = pl.when(pl.col("product_code") == product).then(placing(code)).otherwise(expr)
    return expr


def _rank_expr(schemes: list[tuple[str, str, list[str]]], column: str) -> pl.Expr:
    """A bucket's position in its scheme (current is 0), to tell a roll forward from a roll back."""
    ranks: dict[str, int] = {}
    for _, text, _ in schemes:
        for bucket in buckets_from_boundaries(boundaries_parse(text)):
            ranks.setdefault(bucket.code, bucket.min_days)
    return pl.col(column).replace_strict(ranks, default=-1, return_dtype=pl.Int64)
