"""Invariants of the ledger, checked against the database over many generated histories."""

from datetime import date, timedelta

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoup.ledger.models import JournalEntry, LedgerAccount, Posting, Receipt, ReceiptStatus
from recoup.ledger.operations import (
    contract_fund,
    fee_assess,
    installment_fall_due,
    receipt_allocate,
    receipt_reverse,
)
from recoup.ledger.queries import book_balances, ledger_verify, outstanding_by_installment
from recoup.ledger.waterfall import COMPONENTS, WaterfallPolicy
from tests.integration.ledger.builders import AT, a_book, rolled_back, usd

pytestmark = pytest.mark.django_db

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

policies = st.builds(
    WaterfallPolicy,
    order=st.permutations(COMPONENTS).map(tuple),
    by_installment=st.booleans(),
    overpayment=st.sampled_from(["principal", "unapplied"]),
)
installments = st.lists(
    st.tuples(st.integers(0, 200_000), st.integers(0, 20_000)).filter(lambda pair: pair != (0, 0)),
    min_size=0,
    max_size=4,
)
acts = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(1, 400_000)),
        st.tuples(st.just("fee"), st.integers(1, 5_000)),
        st.tuples(st.just("return"), st.integers(0, 10)),
    ),
    max_size=8,
)


def _a_history(policy, dues, steps):
    """A book funded for 5,000.00 with `dues` fallen due, then receipts, fees and returns in order."""
    book = a_book(policy=policy)
    contract_fund(book=book, amount=usd(500_000), effective_date=date(2026, 1, 1), at=AT)
    for number, (principal, interest) in enumerate(dues, start=1):
        installment_fall_due(
            book=book,
            installment=number,
            principal=usd(min(principal, 500_000 // 4)),
            interest=usd(interest),
            due_date=date(2026, 1, 1) + timedelta(days=30 * number),
            at=AT,
        )
    for index, (act, value) in enumerate(steps):
        if act == "receive":
            receipt_allocate(
                book=book,
                amount=usd(value),
                received_date=date(2026, 3, 1),
                at=AT,
                reference=f"r{index}",
                idempotency_key=f"{book.contract_id}-r{index}",
            )
        elif act == "fee":
            fee_assess(
                book=book,
                amount=usd(value),
                reason_code="late_fee",
                effective_date=date(2026, 3, 1),
                at=AT,
                installment=(index % max(len(dues), 1)) + 1 if dues else None,
                idempotency_key=f"{book.contract_id}-f{index}",
            )
        else:
            allocated = list(
                Receipt.objects.filter(book=book, status=ReceiptStatus.ALLOCATED).order_by("sequence")
            )
            if allocated:
                receipt_reverse(
                    receipt=allocated[value % len(allocated)],
                    at=AT,
                    effective_date=date(2026, 3, 15),
                    reason_code="nsf",
                )
    return book


@FAST
@given(policy=policies, dues=installments, steps=acts)
def test_every_entry_balances_and_every_kept_balance_equals_its_postings(policy, dues, steps):
    with rolled_back():
        book = _a_history(policy, dues, steps)

        assert ledger_verify() == []
        sums = JournalEntry.objects.filter(book=book).annotate(total=Sum("postings__amount_minor"))
        assert {entry.total for entry in sums} == {0}
        for account in LedgerAccount.objects.filter(book=book):
            posted = Posting.objects.filter(account=account).aggregate(total=Sum("amount_minor"))["total"]
            assert account.balance_minor == posted


@FAST
@given(policy=policies, dues=installments, steps=acts, amount=st.integers(1, 900_000))
def test_allocating_then_reversing_a_payment_restores_every_balance(policy, dues, steps, amount):
    with rolled_back():
        book = _a_history(policy, dues, steps)
        balances = book_balances(book.contract_id)
        owed = outstanding_by_installment(book.contract_id)
        receipt = receipt_allocate(
            book=book,
            amount=usd(amount),
            received_date=date(2026, 4, 1),
            at=AT,
            reference="the payment",
            idempotency_key=f"{book.contract_id}-last",
        )

        receipt_reverse(receipt=receipt, at=AT, effective_date=date(2026, 4, 9), reason_code="nsf")

        assert book_balances(book.contract_id) == balances
        assert outstanding_by_installment(book.contract_id) == owed
