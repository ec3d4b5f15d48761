"""The database itself keeps the journal append-only, and on PostgreSQL balanced."""

from collections.abc import Callable
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from recoup.ledger.models import JournalEntry, LedgerAccount, LedgerBook, Posting
from recoup.ledger.operations import receipt_allocate
from recoup.ledger.queries import Mismatch, ledger_verify
from tests.integration.ledger.builders import AT, a_loan_two_installments_due, rolled_back, usd

pytestmark = pytest.mark.django_db


def _sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_posting SET amount_minor = amount_minor + 1",
        "UPDATE ledger_journalentry SET memo = 'edited'",
        "DELETE FROM ledger_posting",
        "DELETE FROM ledger_journalentry",
    ],
)
def test_postings_and_entries_cannot_be_edited_or_deleted_even_through_raw_sql(statement):
    a_loan_two_installments_due()
    postings_before = sorted(Posting.objects.values_list("pk", "amount_minor"))

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        _sql(statement)

    assert sorted(Posting.objects.values_list("pk", "amount_minor")) == postings_before
    assert not JournalEntry.objects.filter(memo="edited").exists()


def test_the_orm_cannot_edit_a_posting_either():
    a_loan_two_installments_due()

    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.update(installment=7)


def test_kept_balances_may_be_written_and_verify_is_what_catches_a_wrong_one():
    book = a_loan_two_installments_due()

    _sql(
        "UPDATE ledger_ledgeraccount SET balance_minor = 0 WHERE book_id = %s AND code = 'funding'", [book.pk]
    )

    assert [m.code for m in ledger_verify()] == ["funding"]


def _entry_behind_the_ledgers_back(book, key: str) -> int:
    _sql(
        "INSERT INTO ledger_journalentry "
        "(idempotency_key, fingerprint, reason_code, book_id, effective_date, posted_at, memo) "
        "VALUES (%s, 'x', 'sneaky', %s, %s, %s, '')",
        [key, book.pk, date(2026, 2, 1), AT],
    )
    return JournalEntry.objects.get(idempotency_key=key).pk


def _posting_behind_the_ledgers_back(entry_id: int, account: LedgerAccount, minor: int) -> None:
    _sql(
        "INSERT INTO ledger_posting (entry_id, account_id, amount_minor, currency) "
        "VALUES (%s, %s, %s, 'USD')",
        [entry_id, account.pk, minor],
    )


def _checked_as_at_commit(write: Callable[[], object]) -> None:
    """Write, then run the checks PostgreSQL defers to commit; the writing is undone either way."""
    with transaction.atomic():
        write()
        _sql("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)


def _unbalanced_entry(book) -> int:
    entry_id = _entry_behind_the_ledgers_back(book, "sneaky")
    _posting_behind_the_ledgers_back(entry_id, book.accounts.get(code="principal"), 100)
    return entry_id


def test_verify_lists_an_entry_whose_postings_do_not_balance():
    book = a_loan_two_installments_due()

    with rolled_back():
        if connection.vendor == "postgresql":  # as a restore from a broken backup might leave it
            _sql("SET CONSTRAINTS ALL IMMEDIATE")
            _sql("ALTER TABLE ledger_posting DISABLE TRIGGER ledger_posting_entry_balances")
            _sql("SET CONSTRAINTS ALL DEFERRED")
        entry_id = _unbalanced_entry(book)
        mismatches = ledger_verify()

    assert (
        Mismatch(
            kind="unbalanced_entry",
            contract_id=book.contract_id,
            currency="USD",
            entry_id=entry_id,
            expected=usd(0),
            found=usd(100),
        )
        in mismatches
    )


def test_verify_lists_an_entry_without_postings():
    book = a_loan_two_installments_due()

    with rolled_back():
        entry_id = _entry_behind_the_ledgers_back(book, "hollow")
        mismatches = ledger_verify()

    assert Mismatch(kind="empty_entry", contract_id=book.contract_id, currency="USD", entry_id=entry_id) in (
        mismatches
    )


@pytest.mark.postgres_only
def test_postgres_refuses_to_commit_an_entry_whose_postings_do_not_balance():
    book = a_loan_two_installments_due()

    with pytest.raises(IntegrityError, match="does not balance"):
        _checked_as_at_commit(lambda: _unbalanced_entry(book))


@pytest.mark.postgres_only
def test_postgres_refuses_to_commit_an_entry_without_postings():
    book = a_loan_two_installments_due()

    with pytest.raises(IntegrityError, match="no postings"):
        _checked_as_at_commit(lambda: _entry_behind_the_ledgers_back(book, "hollow"))


@pytest.mark.postgres_only
def test_postgres_commits_the_entries_the_operations_write():
    book = a_loan_two_installments_due()

    with transaction.atomic():
        receipt_allocate(
            book=book,
            amount=usd(50_000),
            received_date=date(2026, 2, 3),
            at=AT,
            reference="r",
            idempotency_key="r-1",
        )
        _sql("SET CONSTRAINTS ALL IMMEDIATE")

    assert JournalEntry.objects.filter(receipt__idempotency_key="r-1").count() == 1


def _two_postings_in_one_statement(
    entry_id: int, debit: LedgerAccount, credit: LedgerAccount, minor: int
) -> None:
    _sql(
        "INSERT INTO ledger_posting (entry_id, account_id, amount_minor, currency) "
        "VALUES (%s, %s, %s, 'USD'), (%s, %s, %s, 'USD')",
        [entry_id, debit.pk, minor, entry_id, credit.pk, -minor],
    )


@pytest.mark.postgres_only
def test_postgres_refuses_the_insert_itself_that_leaves_an_entry_unbalanced():
    book = a_loan_two_installments_due()

    with transaction.atomic():
        entry_id = _entry_behind_the_ledgers_back(book, "half")
        with pytest.raises(IntegrityError, match=f"journal entry {entry_id} does not balance"):
            with transaction.atomic():
                _posting_behind_the_ledgers_back(entry_id, book.accounts.get(code="principal"), 100)
        transaction.set_rollback(True)


@pytest.mark.postgres_only
def test_postgres_takes_an_entrys_balanced_postings_over_several_statements():
    book = a_loan_two_installments_due()
    principal, funding = book.accounts.get(code="principal"), book.accounts.get(code="funding")

    def write() -> None:
        entry_id = _entry_behind_the_ledgers_back(book, "in-two-statements")
        _two_postings_in_one_statement(entry_id, principal, funding, 100)
        _two_postings_in_one_statement(entry_id, funding, principal, 40)

    _checked_as_at_commit(write)  # raises if a check at commit refuses it


@pytest.mark.postgres_only
def test_postgres_refuses_the_insert_of_a_posting_naming_an_entry_that_does_not_exist():
    book = a_loan_two_installments_due()
    principal, funding = book.accounts.get(code="principal"), book.accounts.get(code="funding")
    missing = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    with pytest.raises(IntegrityError, match=f"journal entry {missing}, which does not exist"):
        with transaction.atomic():
            _two_postings_in_one_statement(missing, principal, funding, 100)


@pytest.mark.postgres_only
def test_postgres_refuses_the_insert_of_a_posting_naming_an_account_that_does_not_exist():
    book = a_loan_two_installments_due()
    principal = book.accounts.get(code="principal")
    missing = LedgerAccount(
        pk=LedgerAccount.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    )

    with transaction.atomic():
        entry_id = _entry_behind_the_ledgers_back(book, "to-nowhere")
        with pytest.raises(IntegrityError, match=f"ledger account {missing.pk}, which does not exist"):
            with transaction.atomic():
                _two_postings_in_one_statement(entry_id, principal, missing, 100)
        transaction.set_rollback(True)


@pytest.mark.postgres_only
def test_postgres_keeps_a_ledger_account_that_is_named_and_lets_an_unused_one_go():
    book = a_loan_two_installments_due()
    used = book.accounts.get(code="principal")
    unused = LedgerAccount.objects.create(book=book, code="write_off", currency="USD", balance_minor=0)

    with pytest.raises(IntegrityError, match=f"ledger account {used.pk} is named in the ledger"):
        with transaction.atomic():
            _sql("DELETE FROM ledger_ledgeraccount WHERE id = %s", [used.pk])
    with pytest.raises(IntegrityError, match=f"ledger account {used.pk} is named in the ledger"):
        with transaction.atomic():
            _sql("UPDATE ledger_ledgeraccount SET id = id + 100000 WHERE id = %s", [used.pk])
    _sql("DELETE FROM ledger_ledgeraccount WHERE id = %s", [unused.pk])

    assert LedgerAccount.objects.filter(pk=used.pk).exists()
    assert not LedgerAccount.objects.filter(pk=unused.pk).exists()


@pytest.mark.postgres_only
def test_postgres_refuses_the_insert_of_an_entry_naming_a_book_or_receipt_that_does_not_exist():
    book = a_loan_two_installments_due()
    missing = int(LedgerBook.objects.order_by("-pk").values_list("pk", flat=True)[0]) + 1000

    with pytest.raises(IntegrityError, match=f"an entry names ledger book {missing}, which does not exist"):
        with transaction.atomic():
            _entry_behind_the_ledgers_back(LedgerBook(pk=missing), "bookless")
    with pytest.raises(IntegrityError, match="an entry names receipt 987654, which does not exist"):
        with transaction.atomic():
            _sql(
                "INSERT INTO ledger_journalentry (idempotency_key, fingerprint, reason_code, book_id, "
                "effective_date, posted_at, memo, receipt_id) "
                "VALUES ('r', 'x', 'sneaky', %s, %s, %s, '', 987654)",
                [book.pk, date(2026, 2, 1), AT],
            )
    with pytest.raises(IntegrityError, match=f"a receipt names ledger book {missing}, which does not exist"):
        with transaction.atomic():
            _sql(
                "INSERT INTO ledger_receipt (book_id, sequence, amount_minor, currency, received_date, "
                "reference, idempotency_key, status, allocated_at, reversal_reason) "
                "VALUES (%s, 1, 100, 'USD', %s, '', 'k', 'allocated', %s, '')",
                [missing, date(2026, 2, 1), AT],
            )


@pytest.mark.postgres_only
def test_postgres_keeps_a_book_and_a_receipt_the_ledger_names():
    book = a_loan_two_installments_due()
    receipt_allocate(
        book=book,
        amount=usd(50_000),
        received_date=date(2026, 2, 3),
        at=AT,
        reference="r",
        idempotency_key="r-1",
    )
    receipt_id = book.receipts.order_by("-sequence").values_list("pk", flat=True)[0]
    assert JournalEntry.objects.filter(receipt_id=receipt_id).exists()

    with pytest.raises(IntegrityError, match=f"ledger book {book.pk} is named in the ledger"):
        with transaction.atomic():
            _sql("DELETE FROM ledger_ledgerbook WHERE id = %s", [book.pk])
    with pytest.raises(IntegrityError, match=f"receipt {receipt_id} is named in the ledger"):
        with transaction.atomic():
            _sql("DELETE FROM ledger_receipt WHERE id = %s", [receipt_id])


@pytest.mark.postgres_only
def test_postgres_refuses_the_insert_of_an_account_naming_a_book_that_does_not_exist():
    a_loan_two_installments_due()
    missing = int(LedgerBook.objects.order_by("-pk").values_list("pk", flat=True)[0]) + 1000

    with pytest.raises(IntegrityError, match=f"a ledger account names ledger book {missing}, which does not"):
        with transaction.atomic():
            _sql(
                "INSERT INTO ledger_ledgeraccount (book_id, code, currency, balance_minor) "
                "VALUES (%s, 'write_off', 'USD', 0)",
                [missing],
            )
