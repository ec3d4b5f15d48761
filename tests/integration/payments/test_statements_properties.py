"""Invariants of the statement import over many generated statements: every payment's allocations add
up to the payment, the bulk path writes what the one-by-one waterfall would, and a file posts once."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoup.ledger.models import JournalEntry, Posting, Receipt
from recoup.ledger.queries import ledger_verify
from recoup.payments.statements.models import LineStatus, StatementLine
from recoup.payments.statements.operations import statement_file_import
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import installments_fall_due
from recoup.portfolio.vin import vin_check_digit
from tests.integration.factories import book, uk_pcp, us_customer, us_loan
from tests.integration.ledger.builders import rolled_back
from tests.integration.payments.statements_builders import AT, credit, file_bytes, statement_file

pytestmark = pytest.mark.django_db

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
payments = st.lists(
    st.tuples(st.integers(0, 2), st.integers(1, 2_000_000), st.booleans()),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def loans() -> list[Contract]:
    """Three accounts with installments due: two US loans (overpayment to principal), one UK PCP
    (overpayment held unapplied)."""
    contracts = []
    for serial, application in (
        (1, us_loan(customer=us_customer(family_name="Alvarez"))),
        (2, us_loan(customer=us_customer(family_name="Brooks"))),
        (3, uk_pcp()),
    ):
        draft = f"1HGCM82600A{serial:06d}"
        vin = draft[:8] + vin_check_digit(draft) + draft[9:]
        vehicle = dataclasses.replace(application.vehicle, vin=vin)
        contract = Contract.objects.get(
            pk=book(dataclasses.replace(application, vehicle=vehicle)).contract_id
        )
        installments_fall_due(contract=contract, as_of=date(2024, 6, 20), at=AT)
        contracts.append(contract)
    return contracts


@FAST
@given(paid=payments)
def test_the_allocations_of_every_payment_add_up_to_it_and_importing_again_posts_nothing(loans, paid):
    with rolled_back():
        lines = [
            credit(
                amount,
                currency=loans[which].currency,
                remittance=f"acct {loans[which].account_number}" if quoted else "",
                payer_name="" if quoted else "Somebody Unknown",
                bank_reference=f"R{n}",
            )
            for n, (which, amount, quoted) in enumerate(paid)
        ]
        # One statement per currency, as a bank keeps one account per currency.
        parsed = [
            statement_file(
                *[line for line in lines if line.currency == currency], statement_id=f"S-{currency}"
            )
            for currency in sorted({line.currency for line in lines})
        ]
        first = [
            statement_file_import(parsed=p, data=file_bytes(p), file_name="p.xml", at=AT) for p in parsed
        ]
        journal = JournalEntry.objects.count()
        again = [
            statement_file_import(parsed=p, data=file_bytes(p), file_name="p.xml", at=AT) for p in parsed
        ]

        assert sum(r.matched for r in first) == sum(1 for _, _, quoted in paid if quoted)
        for receipt in Receipt.objects.all():
            entry = JournalEntry.objects.get(receipt=receipt)
            credited = Posting.objects.filter(entry=entry, amount_minor__lt=0).aggregate(
                t=Sum("amount_minor")
            )["t"]
            assert -credited == receipt.amount_minor
        matched = (
            StatementLine.objects.filter(status=LineStatus.MATCHED).aggregate(t=Sum("amount_minor"))["t"] or 0
        )
        assert (Receipt.objects.aggregate(t=Sum("amount_minor"))["t"] or 0) == matched
        assert all(r.duplicate for r in again)
        assert JournalEntry.objects.count() == journal
        assert ledger_verify() == []
