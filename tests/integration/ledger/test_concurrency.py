"""Two writers on one contract at once: the book's row lock makes them queue, never interleave."""

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection

from recoup.ledger.errors import AlreadyReversed
from recoup.ledger.models import Receipt
from recoup.ledger.operations import receipt_allocate, receipt_reverse
from recoup.ledger.queries import ledger_verify, receipts
from tests.integration.ledger.builders import AT, a_loan_two_installments_due, usd

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _race(*acts: Callable[[], object]) -> tuple[list[object], list[Exception]]:
    """Run the acts in threads released together; each thread has its own database connection."""
    start = threading.Barrier(len(acts))
    results: list[object] = []
    errors: list[Exception] = []

    def run(act: Callable[[], object]) -> None:
        try:
            start.wait()
            results.append(act())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def _take(book, key: str, minor: int = 50_000) -> Callable[[], Receipt]:
    return lambda: receipt_allocate(
        book=book,
        amount=usd(minor),
        received_date=date(2026, 2, 3),
        at=AT,
        reference=key,
        idempotency_key=key,
    )


def test_two_payments_taken_at_once_are_numbered_and_allocated_one_after_the_other():
    book = a_loan_two_installments_due()

    _, errors = _race(_take(book, "r-1"), _take(book, "r-2"))

    assert errors == []
    assert [view.sequence for view in receipts(book.contract_id)] == [1, 2]
    assert ledger_verify() == []


def test_the_same_payment_sent_twice_at_once_is_taken_once():
    book = a_loan_two_installments_due()

    results, errors = _race(_take(book, "r-1"), _take(book, "r-1"))

    assert errors == []
    assert len({receipt.pk for receipt in results}) == 1
    assert Receipt.objects.count() == 1


def test_a_payment_returned_twice_at_once_is_reversed_once():
    book = a_loan_two_installments_due()
    receipt = _take(book, "r-1")()

    def give_back() -> Receipt:
        return receipt_reverse(receipt=receipt, at=AT, effective_date=date(2026, 3, 1), reason_code="nsf")

    results, errors = _race(give_back, give_back)

    assert len(results) == 1
    assert [type(error) for error in errors] == [AlreadyReversed]
    assert ledger_verify() == []
