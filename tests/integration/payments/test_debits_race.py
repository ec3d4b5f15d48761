"""Two debit runs, or two readings of one return file, at once: they take turns and nothing is
debited or reversed twice (PostgreSQL, where the row locks are real)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection

from recoup.arrears.operations import cob_run
from recoup.ledger.models import JournalEntry, Receipt
from recoup.payments.debits.models import DebitItem, DebitReturn
from recoup.payments.debits.operations import debit_run, returns_import
from recoup.portfolio.schedule_versions import version_schedule
from tests.fixtures.debits.builders import AT, ach_originator, ach_return_file, us_contract_with_mandate

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
FEB_1 = date(2024, 2, 1)


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: there is no race to lose")


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
        thread.join(timeout=60)
    return results, errors


def test_two_runs_for_one_date_at_once_debit_each_installment_once() -> None:
    ach_originator()
    us_contract_with_mandate()
    cob_run(as_of=FEB_1, at=AT)

    def run() -> object:
        return debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)

    _, errors = _race(run, run)

    assert errors == []
    assert DebitItem.objects.count() == 1
    assert Receipt.objects.count() == 1


def test_one_return_file_read_twice_at_once_reverses_once() -> None:
    ach_originator()
    contract, _ = us_contract_with_mandate()
    cob_run(as_of=FEB_1, at=AT)
    debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)
    installment = version_schedule(contract).installments[0].payment_minor
    data = ach_return_file([("021000020000001", installment, "R01")], created=date(2024, 2, 5)).encode()

    def read() -> object:
        return returns_import(data=data, file_name="returns.ach", at=AT)

    _, errors = _race(read, read)

    assert errors == []
    assert DebitReturn.objects.count() == 1
    assert JournalEntry.objects.filter(reason_code="payment_returned").count() == 1
