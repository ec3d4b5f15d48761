"""Posting in bulk: what the journal already holds is left out, and only that."""

from datetime import date

import polars as pl
import pytest
from django.db import connection

from recoup.ledger import batch
from recoup.ledger.errors import CurrencyNotOfBook
from recoup.ledger.models import JournalEntry, LedgerAccount, Posting
from recoup.ledger.queries import ledger_verify
from tests.integration.ledger.builders import AT, a_book

pytestmark = pytest.mark.django_db


def _entries(book_id: int, keys: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    entries = pl.DataFrame(
        {
            "idempotency_key": keys,
            "book_id": [book_id] * len(keys),
            "reason_code": ["manual_adjustment"] * len(keys),
            "effective_date": [date(2026, 1, 5)] * len(keys),
            "memo": [f"test {k}" for k in keys],
            "fingerprint": [f"print {k}" for k in keys],
        }
    )
    postings = pl.DataFrame(
        {
            "idempotency_key": [k for k in keys for _ in range(2)],
            "code": ["fees_due", "fee_income"] * len(keys),
            "amount_minor": [1_500, -1_500] * len(keys),
            "currency": ["USD"] * (2 * len(keys)),
            "installment": [None] * (2 * len(keys)),
        },
        schema_overrides={"installment": pl.Int64},
    )
    return entries, postings


def _balances(book_id: int) -> dict[str, int]:
    return dict(LedgerAccount.objects.filter(book_id=book_id).values_list("code", "balance_minor"))


def test_a_batch_posted_again_with_one_new_entry_posts_that_entry_alone():
    book = a_book()
    entries, postings = _entries(book.pk, ["t:1", "t:2"])
    first = batch.entries_post_bulk(entries=entries, postings=postings, at=AT)
    assert (first.posted, first.skipped, first.postings) == (2, 0, 4)

    entries, postings = _entries(book.pk, ["t:1", "t:2", "t:3"])
    again = batch.entries_post_bulk(entries=entries, postings=postings, at=AT)

    assert (again.posted, again.skipped, again.postings) == (1, 2, 2)
    assert JournalEntry.objects.filter(book_id=book.pk).count() == 3
    assert Posting.objects.filter(entry__book_id=book.pk).count() == 6
    # The lines of the two entries left out moved no balance.
    assert _balances(book.pk) == {"fees_due": 4_500, "fee_income": -4_500}
    assert ledger_verify() == []


def test_a_batch_the_journal_holds_whole_posts_nothing():
    book = a_book()
    entries, postings = _entries(book.pk, ["w:1", "w:2"])
    batch.entries_post_bulk(entries=entries, postings=postings, at=AT)

    again = batch.entries_post_bulk(entries=entries, postings=postings, at=AT)

    assert (again.posted, again.skipped, again.postings) == (0, 2, 0)
    assert _balances(book.pk) == {"fees_due": 3_000, "fee_income": -3_000}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage parameter")
def test_ledger_accounts_leave_room_on_their_pages_for_new_balances():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'ledger_ledgeraccount'")
        assert cursor.fetchone()[0] == ["fillfactor=85"]


SECOND_LINES = {
    "other": [("fees_due", 1_500, "GBP"), ("fee_income", -1_500, "GBP")],
    # Balanced in each of its currencies, and one of them the book's.
    "mixed": [
        ("fees_due", 1_500, "USD"),
        ("fee_income", -1_500, "USD"),
        ("fees_due", 700, "GBP"),
        ("fee_income", -700, "GBP"),
    ],
}


@pytest.mark.parametrize("lines", list(SECOND_LINES))
def test_an_entry_in_a_currency_not_of_its_book_is_refused_and_nothing_is_written(lines):
    book = a_book()  # in USD
    entries, postings = _entries(book.pk, ["c:1", "c:2"])
    second = pl.DataFrame(
        [("c:2", code, amount, currency, None) for code, amount, currency in SECOND_LINES[lines]],
        schema=postings.schema,
        orient="row",
    )
    postings = pl.concat([postings.filter(pl.col("idempotency_key") == "c:1"), second])

    with pytest.raises(CurrencyNotOfBook, match="'c:2'"):
        batch.entries_post_bulk(entries=entries, postings=postings, at=AT)

    assert not JournalEntry.objects.filter(book_id=book.pk).exists()
    assert _balances(book.pk) == {}
