"""Worked examples of interest accrual in the close of business, as an operations manual would state them.

A US retail installment contract earns daily simple interest: $15,000 at 8 % over 60 months from
1 January 2024, actual/365, first due 1 February 2024. At each month end the interest earned and
not yet due goes to the ledger (Dr interest accrued, Cr interest income); when the installment
falls due, its interest is taken out of interest accrued first and only the rest is new income.
A hire-purchase agreement (scheduled interest) is billed at its due dates only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection, transaction

from recoup.arrears.accrual_columns import accrual_key
from recoup.arrears.batch.accrual import interest_accrue
from recoup.arrears.models import ArrearsState
from recoup.arrears.operations import cob_run
from recoup.kernel.money import Money
from recoup.ledger import operations as ledger
from recoup.ledger.models import JournalEntry
from recoup.ledger.queries import book_balances, ledger_verify, receivable_total
from recoup.portfolio.models import Contract
from tests.integration.arrears import snapshots
from tests.integration.factories import book, uk_pcp

AT = datetime(2024, 1, 1, 23, 0, tzinfo=UTC)


def _contract(application=None) -> Contract:  # type: ignore[no-untyped-def]
    return Contract.objects.get(pk=book(application).contract_id)


def _accruals(contract: Contract) -> list[tuple[date, int]]:
    """(effective date, amount) of the contract's accrual entries."""
    return [
        (entry.effective_date, entry.postings.get(account__code="interest_accrued").amount_minor)
        for entry in JournalEntry.objects.filter(
            book__contract_id=contract.pk, reason_code="interest_accrued"
        ).order_by("effective_date")
    ]


def _state(contract: Contract) -> ArrearsState:
    return ArrearsState.objects.get(contract=contract)


@pytest.mark.django_db
def test_january_end_accrues_30_days_and_the_february_installment_takes_them_back() -> None:
    loan = _contract()

    cob_run(as_of=date(2024, 1, 31), at=AT)

    # 1 to 31 January is 30 days: $15,000 × 8 % × 30 / 365 = $98.6301…, half up to $98.63.
    assert _accruals(loan) == [(date(2024, 1, 31), 98_63)]
    balances = book_balances(loan.pk)
    assert (balances["interest_accrued"].minor, balances["interest_income"].minor) == (98_63, -98_63)
    assert _state(loan).accrued_interest_minor == 98_63
    assert _state(loan).receivable_minor == receivable_total(loan.pk).minor == 1_500_000 + 98_63

    cob_run(as_of=date(2024, 2, 1), at=AT)

    # The installment bills 31 days, $101.9178… → $101.92: $98.63 from accrued, $3.29 new income.
    fell_due = JournalEntry.objects.get(book__contract_id=loan.pk, reason_code="installment_fell_due")
    lines = dict(fell_due.postings.values_list("account__code", "amount_minor"))
    assert (lines["interest_due"], lines["interest_accrued"], lines["interest_income"]) == (
        101_92,
        -98_63,
        -3_29,
    )
    balances = book_balances(loan.pk)
    assert (balances["interest_accrued"].minor, balances["interest_income"].minor) == (0, -101_92)
    assert _state(loan).accrued_interest_minor == 0
    assert _state(loan).receivable_minor == receivable_total(loan.pk).minor
    assert ledger_verify() == []


@pytest.mark.django_db
def test_a_leap_february_end_accrues_28_days_on_the_balance_after_the_last_installment() -> None:
    loan = _contract()
    cob_run(as_of=date(2024, 1, 31), at=AT)
    cob_run(as_of=date(2024, 2, 1), at=AT)
    balance = _state(loan).schedule_balance_minor

    cob_run(as_of=date(2024, 2, 29), at=AT)

    # From the 1 February due date to the 29th: 28 days, rounded once, half up.
    expected = (balance * 8 * 28 * 2 + 100 * 365) // (2 * 100 * 365)
    assert _accruals(loan) == [(date(2024, 1, 31), 98_63), (date(2024, 2, 29), expected)]
    assert book_balances(loan.pk)["interest_accrued"].minor == expected

    cob_run(as_of=date(2024, 3, 1), at=AT)

    installment = JournalEntry.objects.get(idempotency_key=f"ledger:{loan.pk}:installment:2:due")
    interest = installment.postings.get(account__code="interest_due").amount_minor
    assert installment.postings.get(account__code="interest_accrued").amount_minor == -expected
    assert installment.postings.get(account__code="interest_income").amount_minor == expected - interest
    assert book_balances(loan.pk)["interest_accrued"].minor == 0
    # Over two installments, income is exactly the interest they billed.
    billed = sum(
        JournalEntry.objects.get(idempotency_key=f"ledger:{loan.pk}:installment:{n}:due")
        .postings.get(account__code="interest_due")
        .amount_minor
        for n in (1, 2)
    )
    assert book_balances(loan.pk)["interest_income"].minor == -billed


@pytest.mark.django_db
def test_a_hire_purchase_agreement_accrues_nothing_at_month_end() -> None:
    hire_purchase = _contract(uk_pcp(product_code="UK-HP", balloon="0.00", first_due_date=date(2024, 4, 15)))

    cob_run(as_of=date(2024, 3, 31), at=AT)

    assert _accruals(hire_purchase) == []
    assert book_balances(hire_purchase.pk)["interest_accrued"].minor == 0


@pytest.mark.django_db
def test_a_day_that_is_not_a_month_end_accrues_nothing() -> None:
    loan = _contract()

    cob_run(as_of=date(2024, 1, 30), at=AT)

    assert _accruals(loan) == []


@pytest.mark.django_db
def test_closing_the_month_end_again_posts_nothing_new() -> None:
    loan = _contract()
    cob_run(as_of=date(2024, 1, 31), at=AT)
    before = snapshots.ledger()

    cob_run(as_of=date(2024, 1, 31), at=AT)
    with transaction.atomic(), connection.cursor() as cursor:
        again = interest_accrue(cursor, connection.vendor, date(2024, 1, 31), AT)
    retried = ledger.interest_accrue(
        book=ledger.book_get(contract_id=loan.pk),
        amount=Money(98_63, "USD"),
        accrued_to_date=date(2024, 1, 31),
        at=AT,
        idempotency_key=accrual_key(loan.pk, date(2024, 1, 31)),
    )

    assert again["accruals"] == 0
    assert retried.reason_code == "interest_accrued"
    assert snapshots.ledger() == before
