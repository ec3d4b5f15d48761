"""Worked examples of the close of business, as an operations manual would state them.

A US retail installment contract: $15,000 at 8 % over 60 months, first due 1 February 2024;
late fee 5 % of the installment after 10 days, capped at $25.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from recoup.arrears.models import ArrearsState, BucketTransition
from recoup.arrears.operations import cob_run
from recoup.ledger import operations as ledger
from recoup.ledger.models import Receipt
from recoup.ledger.queries import book_balances, ledger_verify
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import payment_apply
from tests.integration.factories import book, us_loan

AT = datetime(2024, 1, 1, 23, 0, tzinfo=UTC)


def _pay(contract: Contract, amount: str, day: date, key: str) -> None:
    payment_apply(
        account_number=contract.account_number,
        amount=amount,
        received_date=day,
        reference=key,
        idempotency_key=key,
        at=AT,
    )


def _state(contract: Contract) -> ArrearsState:
    return ArrearsState.objects.get(contract=contract)


@pytest.fixture
def loan() -> Contract:
    booked = book()
    contract = Contract.objects.get(pk=booked.contract_id)
    cob_run(as_of=date(2024, 1, 31), at=AT)
    return contract


@pytest.mark.django_db
def test_payment_on_due_date_keeps_account_current(loan: Contract) -> None:
    cob_run(as_of=date(2024, 2, 1), at=AT)
    installment = _state(loan).last_installment_minor
    _pay(loan, f"{installment / 100:.2f}", date(2024, 2, 1), "on-time")

    cob_run(as_of=date(2024, 2, 2), at=AT)

    state = _state(loan)
    assert (state.installments_due, state.arrears_minor, state.bucket) == (1, 0, "current")
    assert state.paid_to_date_minor == state.due_to_date_minor == installment
    assert state.next_due_date == date(2024, 3, 1)
    assert not BucketTransition.objects.filter(contract=loan).exists()


@pytest.mark.django_db
def test_one_day_late_rolls_into_1_29_and_payment_cures_it(loan: Contract) -> None:
    cob_run(as_of=date(2024, 2, 2), at=AT)
    assert (_state(loan).bucket, _state(loan).oldest_unpaid_due_date) == ("1-29", date(2024, 2, 1))
    assert _state(loan).collections_flag

    _pay(loan, f"{_state(loan).arrears_minor / 100:.2f}", date(2024, 2, 3), "late")
    cob_run(as_of=date(2024, 2, 3), at=AT)

    kinds = list(BucketTransition.objects.filter(contract=loan).order_by("business_date").values_list("kind"))
    assert kinds == [("roll_forward",), ("cure",)]
    assert not _state(loan).collections_flag


@pytest.mark.django_db
def test_partial_payment_leaves_arrears_and_a_late_fee_after_grace(loan: Contract) -> None:
    cob_run(as_of=date(2024, 2, 1), at=AT)
    installment = _state(loan).last_installment_minor
    _pay(loan, "100.00", date(2024, 2, 5), "part")

    cob_run(as_of=date(2024, 2, 11), at=AT)

    state = _state(loan)
    assert state.arrears_minor == installment - 10_000
    assert state.installments_missed == 1
    assert book_balances(loan.pk)["fees_due"].minor == min(25_00, (installment * 5 + 50) // 100)
    assert ledger.book_get(contract_id=loan.pk).entries.filter(reason_code="late_fee").count() == 1
    assert ledger_verify() == []


@pytest.mark.django_db
def test_payment_then_reversal_puts_the_account_back_in_arrears(loan: Contract) -> None:
    cob_run(as_of=date(2024, 2, 1), at=AT)
    _pay(loan, f"{_state(loan).last_installment_minor / 100:.2f}", date(2024, 2, 1), "bounced")
    cob_run(as_of=date(2024, 2, 2), at=AT)
    assert _state(loan).arrears_minor == 0

    ledger.receipt_reverse(
        receipt=Receipt.objects.get(idempotency_key="bounced"),
        at=AT,
        effective_date=date(2024, 2, 4),
        reason_code="returned_payment",
    )
    cob_run(as_of=date(2024, 2, 4), at=AT)

    state = _state(loan)
    assert (state.oldest_unpaid_due_date, state.bucket) == (date(2024, 2, 1), "1-29")


@pytest.mark.django_db
def test_catch_up_after_missed_nights_runs_each_date_in_order(loan: Contract) -> None:
    result = cob_run(as_of=date(2024, 4, 15), at=AT)

    assert result.dates[0] == date(2024, 2, 1)
    assert result.dates[-1] == date(2024, 4, 15)
    state = _state(loan)
    assert (state.installments_due, state.installments_missed) == (3, 3)
    assert state.oldest_unpaid_due_date == date(2024, 2, 1)
    assert state.bucket == "60-89"
    path = list(
        BucketTransition.objects.filter(contract=loan).order_by("business_date").values_list("to_bucket")
    )
    assert path == [("1-29",), ("30-59",), ("60-89",)]


@pytest.mark.django_db
def test_a_contract_written_after_the_first_close_has_its_state_from_the_next_night(loan: Contract) -> None:
    first = cob_run(as_of=date(2024, 2, 1), at=AT).summaries["2024-02-01"]["state_init"]
    second = us_loan(first_due_date=date(2024, 3, 1))
    later = book(
        dataclasses.replace(second, vehicle=dataclasses.replace(second.vehicle, vin="1M8GDM9AXKP042788"))
    )

    night = cob_run(as_of=date(2024, 2, 2), at=AT).summaries["2024-02-02"]["state_init"]
    quiet = cob_run(as_of=date(2024, 2, 3), at=AT).summaries["2024-02-03"]["state_init"]

    assert first["initialised"] == 0
    assert night["initialised"] == 1
    assert night["books_watermark"] > first["books_watermark"]
    assert (quiet["initialised"], quiet["books_watermark"]) == (0, night["books_watermark"])
    assert _state(Contract.objects.get(pk=later.contract_id)).installments_due == 0
    assert ArrearsState.objects.count() == 2
