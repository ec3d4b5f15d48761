from datetime import date

import pytest

from recoup.access.models import AuditEvent
from recoup.kernel.money import Money
from recoup.ledger.errors import (
    AlreadyReversed,
    CurrencyNotOfBook,
    IdempotencyConflict,
    InvalidIdempotencyKey,
    InvalidReasonCode,
    InvalidReference,
    NonPositiveAmount,
)
from recoup.ledger.models import JournalEntry, ReceiptStatus
from recoup.ledger.operations import fee_assess, receipt_allocate, receipt_reverse
from recoup.ledger.queries import book_balances, outstanding_by_installment, receipts
from recoup.ledger.reasons import ReasonCode
from recoup.ledger.waterfall import WaterfallPolicy
from tests.integration.ledger.builders import AT, a_loan_two_installments_due, ledger_state, usd

pytestmark = pytest.mark.django_db

RETURNED_ON = date(2026, 3, 10)


def _receive(book, minor, key, *, received=date(2026, 2, 3), reference=None):
    return receipt_allocate(
        book=book,
        amount=usd(minor),
        received_date=received,
        at=AT,
        reference=reference if reference is not None else f"ACH {key}",
        idempotency_key=key,
    )


def _postings(entry: JournalEntry) -> list[tuple[str, int, int | None]]:
    return sorted(entry.postings.values_list("account__code", "amount_minor", "installment"))


def test_a_payment_pays_the_late_fee_then_interest_then_principal_of_the_oldest_installment_first():
    book = a_loan_two_installments_due()
    fee_assess(
        book=book,
        amount=usd(2_500),
        reason_code="late_fee",
        effective_date=date(2026, 2, 16),
        at=AT,
        installment=1,
        idempotency_key="late-fee-1",
    )

    receipt = _receive(book, 110_000, "r-1")

    entry = receipt.entries.get()
    assert entry.reason_code == ReasonCode.RECEIPT_ALLOCATED
    assert entry.effective_date == date(2026, 2, 3)
    assert _postings(entry) == [
        ("cash_clearing", 110_000, None),
        ("fees_due", -2_500, 1),
        ("interest_due", -10_000, 1),
        ("interest_due", -2_500, 2),
        ("principal_due", -95_000, 1),
    ]
    assert receipt.sequence == 1
    assert receipt.status == ReceiptStatus.ALLOCATED


def test_a_payment_beyond_what_is_due_prepays_principal_under_a_principal_policy():
    book = a_loan_two_installments_due()

    receipt = _receive(book, 250_000, "r-1")

    balances = book_balances(book.contract_id)
    assert ("principal", -40_000, None) in _postings(receipt.entries.get())
    assert balances["principal"] == usd(1_200_000 - 95_000 - 95_800 - 40_000)
    assert balances["principal_due"] == usd(0)
    assert balances["unapplied"] == usd(0)


def test_a_payment_beyond_what_is_due_is_held_unapplied_under_an_unapplied_policy():
    book = a_loan_two_installments_due(
        WaterfallPolicy(("fees", "interest", "principal"), by_installment=True, overpayment="unapplied")
    )

    _receive(book, 250_000, "r-1")

    balances = book_balances(book.contract_id)
    assert balances["unapplied"] == usd(-40_000)
    assert balances["principal"] == usd(1_200_000 - 95_000 - 95_800)


def test_a_payment_beyond_the_whole_balance_holds_the_rest_unapplied():
    book = a_loan_two_installments_due()

    _receive(book, 1_300_000, "r-1")

    balances = book_balances(book.contract_id)
    assert balances["principal"] == usd(0)
    assert balances["unapplied"] == usd(-(1_300_000 - 1_200_000 - 10_000 - 9_200))


def test_receipts_are_numbered_in_the_order_they_are_taken():
    book = a_loan_two_installments_due()

    first, second = _receive(book, 1_000, "r-1"), _receive(book, 2_000, "r-2")

    assert (first.sequence, second.sequence) == (1, 2)
    assert [view.sequence for view in receipts(book.contract_id)] == [1, 2]


def test_the_same_receipt_sent_twice_is_taken_once():
    book = a_loan_two_installments_due()
    first = _receive(book, 50_000, "bank-line-881")
    before = ledger_state()

    again = _receive(book, 50_000, "bank-line-881")

    assert again.pk == first.pk
    assert ledger_state() == before


@pytest.mark.parametrize(
    "overrides", [{"minor": 50_001}, {"received": date(2026, 2, 4)}, {"reference": "another line"}]
)
def test_a_receipt_key_reused_for_a_different_payment_is_an_idempotency_conflict(overrides):
    book = a_loan_two_installments_due()
    _receive(book, 50_000, "bank-line-881")
    before = ledger_state()

    with pytest.raises(IdempotencyConflict) as error:
        _receive(
            book,
            overrides.get("minor", 50_000),
            "bank-line-881",
            received=overrides.get("received", date(2026, 2, 3)),
            reference=overrides.get("reference"),
        )

    assert error.value.field == "idempotency_key"
    assert ledger_state() == before


@pytest.mark.parametrize(
    ("arguments", "error_class", "field"),
    [
        ({"amount": usd(0)}, NonPositiveAmount, "amount"),
        ({"amount": usd(-100)}, NonPositiveAmount, "amount"),
        ({"amount": Money(100, "GBP")}, CurrencyNotOfBook, "amount"),
        ({"reference": "x" * 141}, InvalidReference, "reference"),
        ({"idempotency_key": " "}, InvalidIdempotencyKey, "idempotency_key"),
    ],
)
def test_a_receipt_that_cannot_be_taken_is_refused_and_nothing_is_written(arguments, error_class, field):
    book = a_loan_two_installments_due()
    before = ledger_state()

    with pytest.raises(error_class) as error:
        receipt_allocate(
            **(
                {
                    "book": book,
                    "amount": usd(100),
                    "received_date": date(2026, 2, 3),
                    "at": AT,
                    "reference": "ACH",
                    "idempotency_key": "r-1",
                }
                | arguments
            )
        )

    assert error.value.field == field
    assert ledger_state() == before


def test_a_returned_payment_is_unwound_and_restores_what_was_owed():
    book = a_loan_two_installments_due()
    owed_before = outstanding_by_installment(book.contract_id)
    balances_before = book_balances(book.contract_id)
    receipt = _receive(book, 60_000, "r-1")

    returned = receipt_reverse(
        receipt=receipt, at=AT, effective_date=RETURNED_ON, reason_code="ach_return_r01"
    )

    assert returned.status == ReceiptStatus.REVERSED
    assert (returned.reversed_at, returned.reversal_reason) == (AT, "ach_return_r01")
    assert outstanding_by_installment(book.contract_id) == owed_before
    assert book_balances(book.contract_id) == balances_before
    reversal = JournalEntry.objects.get(reverses__receipt=receipt)
    assert (reversal.reason_code, reversal.effective_date, reversal.receipt) == (
        "ach_return_r01",
        RETURNED_ON,
        receipt,
    )


def test_when_the_first_of_three_payments_returns_the_later_two_replay_as_if_it_never_happened():
    book = a_loan_two_installments_due()
    first, second, third = (
        _receive(book, 105_000, "r-1"),
        _receive(book, 50_000, "r-2"),
        _receive(book, 80_000, "r-3"),
    )
    world_without_first = a_loan_two_installments_due()
    _receive(world_without_first, 50_000, "other-2")
    _receive(world_without_first, 80_000, "other-3")

    receipt_reverse(receipt=first, at=AT, effective_date=RETURNED_ON, reason_code="ach_return_r01")

    assert book_balances(book.contract_id) == book_balances(world_without_first.contract_id)
    assert outstanding_by_installment(book.contract_id) == outstanding_by_installment(
        world_without_first.contract_id
    )
    assert [view.status for view in receipts(book.contract_id)] == ["reversed", "allocated", "allocated"]
    replay = JournalEntry.objects.get(idempotency_key="receipt:r-2:replay:1")
    assert (replay.reason_code, replay.effective_date, replay.receipt) == (
        ReasonCode.RECEIPT_REPLAYED,
        RETURNED_ON,
        second,
    )
    assert _postings(replay) == [
        ("cash_clearing", 50_000, None),
        ("interest_due", -10_000, 1),
        ("principal_due", -40_000, 1),
    ]
    unwound = JournalEntry.objects.filter(receipt=third, reason_code=ReasonCode.RECEIPT_UNWOUND)
    assert unwound.count() == 1


def test_a_second_return_replays_the_remaining_later_receipts_again():
    book = a_loan_two_installments_due()
    first, second, _ = (
        _receive(book, 105_000, "r-1"),
        _receive(book, 50_000, "r-2"),
        _receive(book, 80_000, "r-3"),
    )
    receipt_reverse(receipt=first, at=AT, effective_date=RETURNED_ON, reason_code="ach_return_r01")
    world_with_only_the_third = a_loan_two_installments_due()
    _receive(world_with_only_the_third, 80_000, "other-3")

    receipt_reverse(receipt=second, at=AT, effective_date=RETURNED_ON, reason_code="ach_return_r01")

    assert book_balances(book.contract_id) == book_balances(world_with_only_the_third.contract_id)
    assert JournalEntry.objects.filter(idempotency_key="receipt:r-3:replay:2").exists()


def test_returning_the_latest_payment_leaves_earlier_ones_alone():
    book = a_loan_two_installments_due()
    first, second = _receive(book, 105_000, "r-1"), _receive(book, 50_000, "r-2")
    first_entry = first.entries.get()

    receipt_reverse(receipt=second, at=AT, effective_date=RETURNED_ON, reason_code="nsf")

    assert list(first.entries.all()) == [first_entry]


def test_a_receipt_is_reversed_at_most_once():
    book = a_loan_two_installments_due()
    receipt = _receive(book, 60_000, "r-1")
    receipt_reverse(receipt=receipt, at=AT, effective_date=RETURNED_ON, reason_code="nsf")
    before = ledger_state()

    with pytest.raises(AlreadyReversed) as error:
        receipt_reverse(receipt=receipt, at=AT, effective_date=RETURNED_ON, reason_code="nsf")

    assert error.value.field == "receipt"
    assert ledger_state() == before


def test_a_returned_payment_needs_a_reason():
    book = a_loan_two_installments_due()
    receipt = _receive(book, 60_000, "r-1")
    before = ledger_state()

    with pytest.raises(InvalidReasonCode) as error:
        receipt_reverse(receipt=receipt, at=AT, effective_date=RETURNED_ON, reason_code="")

    assert error.value.field == "reason_code"
    assert ledger_state() == before
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ALLOCATED


def test_a_returned_payment_is_audited_with_the_receipts_it_replayed():
    book = a_loan_two_installments_due()
    first, _, _ = _receive(book, 105_000, "r-1"), _receive(book, 50_000, "r-2"), _receive(book, 80_000, "r-3")

    receipt_reverse(receipt=first, at=AT, effective_date=RETURNED_ON, reason_code="nsf")

    event = AuditEvent.objects.get(action="ledger.receipt_reversed")
    assert event.object_id == str(first.pk)
    assert event.after["replayed_receipts"] == [2, 3]
