"""Importing bank statements: worked examples of matching and the waterfall, as an operations
manual would state them, and the file posting once.

The account: a US retail installment contract of $15,000 at 8 % over 60 months (installment
$304.15, first due 1 February 2024), with February's and March's installments due and unpaid on
5 March 2024 when the bank's statement arrives. Fees, then interest, then principal, oldest
installment first; an overpayment reduces principal.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from recoup.access.operations import user_create
from recoup.arrears.models import ArrearsState
from recoup.arrears.operations import cob_run
from recoup.collections.contacts import contact_record
from recoup.collections.models import Promise
from recoup.collections.promise_evaluation import promises_evaluate
from recoup.kernel.money import Money
from recoup.ledger import operations as ledger
from recoup.ledger.journal import Line, content_fingerprint
from recoup.ledger.models import JournalEntry, Receipt
from recoup.ledger.queries import book_balances, ledger_verify, outstanding_by_installment
from recoup.payments.statements.models import LineStatus, Statement, StatementFile, StatementLine
from recoup.payments.statements.operations import statement_file_import
from recoup.payments.statements.parsed import StatementFileRefused
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import installments_fall_due
from recoup.portfolio.vin import vin_check_digit
from tests.integration.factories import book, uk_pcp, us_customer, us_loan
from tests.integration.payments.statements_builders import AT, credit, debit, file_bytes, statement_file

pytestmark = pytest.mark.django_db

INSTALLMENT = 30415


@pytest.fixture
def loan() -> Contract:
    booked = book()
    contract = Contract.objects.get(pk=booked.contract_id)
    assert booked.payment.minor == INSTALLMENT
    installments_fall_due(contract=contract, as_of=date(2024, 3, 5), at=AT)
    return contract


def _import(*lines, **statement):  # type: ignore[no-untyped-def]
    parsed = statement_file(*lines, **statement)
    return statement_file_import(
        parsed=parsed, data=file_bytes(parsed), file_name="bank-2024-03-05.xml", at=AT
    )


def _another_loan(serial: int, **changes: object):  # type: ignore[no-untyped-def]
    """Another US loan, on its own vehicle."""
    draft = f"1HGCM82600A{serial:06d}"
    vin = draft[:8] + vin_check_digit(draft) + draft[9:]
    return book(vehicle=dataclasses.replace(us_loan().vehicle, vin=vin), **changes)


def _owed(contract: Contract) -> int:
    return sum(row.total.minor for row in outstanding_by_installment(contract.pk))


def test_a_payment_quoting_the_account_number_that_exactly_clears_the_arrears_leaves_nothing_due(loan):
    result = _import(
        credit(2 * INSTALLMENT, remittance=f"Loan {loan.account_number} Feb+Mar", bank_reference="B1")
    )

    assert (result.matched, result.unmatched, result.duplicate) == (1, 0, False)
    assert result.posted_total == Decimal("608.30")
    assert _owed(loan) == 0
    line = StatementLine.objects.get()
    assert (line.status, line.contract_id, line.confidence) == (LineStatus.MATCHED, loan.pk, 100)
    assert "account number" in line.match_reason
    receipt = Receipt.objects.get(pk=line.receipt_id)
    assert (receipt.amount_minor, receipt.reference, receipt.sequence) == (2 * INSTALLMENT, "B1", 1)
    assert book_balances(loan.pk)["cash_clearing"].minor == 2 * INSTALLMENT
    assert ledger_verify() == []


def test_an_overpayment_reduces_principal_on_a_book_whose_policy_says_so(loan):
    principal_before = book_balances(loan.pk)["principal"].minor

    _import(credit(2 * INSTALLMENT + 10000, remittance=loan.account_number))

    assert _owed(loan) == 0
    assert book_balances(loan.pk)["principal"].minor == principal_before - 10000
    assert "unapplied" not in book_balances(loan.pk) or book_balances(loan.pk)["unapplied"].is_zero()


def test_an_overpayment_is_held_unapplied_on_a_book_whose_policy_holds_it():
    booked = book(uk_pcp())
    pcp = Contract.objects.get(pk=booked.contract_id)
    installments_fall_due(contract=pcp, as_of=date(2024, 4, 20), at=AT)
    due = _owed(pcp)

    _import(
        credit(
            due + 5000, currency="GBP", remittance=f"ref {pcp.account_number}", booking_date=date(2024, 4, 20)
        ),
        currency="GBP",
        account_id="GB29NWBK60161331926819",
    )

    assert _owed(pcp) == 0
    assert book_balances(pcp.pk)["unapplied"].minor == -5000


def test_a_payment_in_the_wrong_currency_goes_to_the_unapplied_queue_and_posts_nothing(loan):
    result = _import(credit(INSTALLMENT, currency="EUR", remittance=loan.account_number))

    assert (result.matched, result.unmatched, result.posted_total) == (0, 1, Decimal("0.00"))
    line = StatementLine.objects.get()
    assert line.status == LineStatus.UNMATCHED
    assert "paid in EUR to an account kept in USD" in line.match_reason
    assert line.candidates[0]["contract_id"] == loan.pk
    assert not Receipt.objects.exists()


def test_a_payment_named_by_the_payer_at_the_installment_on_the_due_day_is_matched_with_its_reasons(loan):
    _import(credit(INSTALLMENT, payer_name="GARCIA MARIA", booking_date=date(2024, 3, 1)))

    line = StatementLine.objects.get()
    assert (line.status, line.contract_id, line.confidence) == (LineStatus.MATCHED, loan.pk, 100)
    assert line.match_reason == (
        f"payer name matches the customer of {loan.account_number}, the amount is the installment, "
        "paid on the due day"
    )


def test_a_payer_with_two_accounts_paying_one_installment_is_ambiguous_with_both_candidates(loan):
    second = _another_loan(2)

    _import(credit(INSTALLMENT, payer_name="Maria Garcia"))

    line = StatementLine.objects.get()
    assert line.status == LineStatus.AMBIGUOUS
    assert {c["contract_id"] for c in line.candidates} == {loan.pk, second.contract_id}
    assert not Receipt.objects.exists()


def test_an_unknown_payer_is_unmatched(loan):
    _import(credit(INSTALLMENT, payer_name="Nobody We Know"))

    assert StatementLine.objects.get().status == LineStatus.UNMATCHED


def test_importing_the_same_file_again_posts_nothing(loan):
    parsed = statement_file(credit(INSTALLMENT, remittance=loan.account_number))
    first = statement_file_import(parsed=parsed, data=file_bytes(parsed), file_name="a.xml", at=AT)
    entries = JournalEntry.objects.count()

    again = statement_file_import(parsed=parsed, data=file_bytes(parsed), file_name="a.xml", at=AT)

    assert (first.duplicate, again.duplicate) == (False, True)
    assert (again.matched, again.posted_total, again.lines) == (0, Decimal("0.00"), 1)
    assert JournalEntry.objects.count() == entries
    assert (StatementFile.objects.count(), StatementLine.objects.count()) == (1, 1)


def test_a_different_file_carrying_a_statement_already_imported_posts_nothing_of_it(loan):
    _import(credit(INSTALLMENT, remittance=loan.account_number))
    parsed = statement_file(credit(INSTALLMENT, remittance=loan.account_number))

    again = statement_file_import(
        parsed=parsed, data=b"the same statement, sent again", file_name="b.xml", at=AT
    )

    assert again.duplicate
    assert (StatementFile.objects.count(), Statement.objects.count(), Receipt.objects.count()) == (1, 1, 1)


def test_a_file_in_a_currency_recoup_does_not_keep_is_refused_naming_the_line(loan):
    with pytest.raises(StatementFileRefused) as refused:
        _import(credit(INSTALLMENT, remittance=loan.account_number), credit(100, currency="XYZ"))

    assert refused.value.location == "Stmt[1]/Ntry[2]"
    assert "bank-2024-03-05.xml" in str(refused.value)
    assert not StatementFile.objects.exists()
    assert not Receipt.objects.exists()


def test_a_returned_payment_reverses_its_receipt_and_the_arrears_come_back(loan):
    owed = _owed(loan)
    _import(credit(INSTALLMENT, remittance=loan.account_number, customer_reference="E2E-77"))
    assert _owed(loan) == owed - INSTALLMENT

    result = _import(
        debit(INSTALLMENT, return_code="R01", customer_reference="E2E-77", booking_date=date(2024, 3, 8)),
        statement_id="STMT-2024-03-08",
        statement_date=date(2024, 3, 8),
    )

    assert result.returned == 1
    assert _owed(loan) == owed
    original, returned = StatementLine.objects.order_by("pk")
    assert (original.status, returned.status) == (LineStatus.RETURNED, LineStatus.RETURNED)
    assert original.returned_by_id == returned.pk
    assert "R01" in returned.match_reason
    assert returned.contract_id == loan.pk
    receipt = Receipt.objects.get(pk=original.receipt_id)
    assert (receipt.status, receipt.reversal_reason) == ("reversed", "payment_returned")
    assert ledger_verify() == []


def test_a_return_of_no_payment_we_hold_waits_for_an_agent_and_a_bank_charge_is_not_customer_money(loan):
    _import(
        debit(INSTALLMENT, return_code="R01", customer_reference="NOT-OURS"), debit(1500, type_code="FEE")
    )

    returned, charge = StatementLine.objects.order_by("pk")
    assert returned.status == LineStatus.UNMATCHED
    assert "R01" in returned.match_reason
    assert charge.status == LineStatus.NOT_CUSTOMER


def test_the_bulk_allocation_writes_the_journal_receipt_allocate_would(loan):
    twin = Contract.objects.get(pk=_another_loan(3, customer=us_customer(family_name="Twin")).contract_id)
    installments_fall_due(contract=twin, as_of=date(2024, 3, 5), at=AT)
    amounts = [12345, INSTALLMENT, 99, 2 * INSTALLMENT + 700]
    for n, amount in enumerate(amounts):
        ledger.receipt_allocate(
            book=ledger.book_get(contract_id=twin.pk),
            amount=Money(amount, "USD"),
            received_date=date(2024, 3, 5),
            at=AT,
            reference=f'Réf "{n}"',
            idempotency_key=f"twin-{n}",
        )

    _import(
        *(
            credit(amount, remittance=loan.account_number, bank_reference=f'Réf "{n}"')
            for n, amount in enumerate(amounts)
        )
    )

    assert _journal(loan) == _journal(twin)
    assert book_balances(loan.pk) == book_balances(twin.pk)
    for entry in JournalEntry.objects.filter(book__contract_id=loan.pk, receipt__isnull=False):
        lines = [
            Line(p.account.code, Money(p.amount_minor, p.currency), p.installment)
            for p in entry.postings.all()
        ]
        assert entry.fingerprint == content_fingerprint(
            book_id=entry.book_id,
            reason_code=entry.reason_code,
            effective_date=entry.effective_date,
            memo=entry.memo,
            lines=lines,
            receipt_id=entry.receipt_id,
            reverses_id=None,
        )
    assert ledger_verify() == []


def _journal(contract: Contract) -> list[tuple[object, ...]]:
    entries = JournalEntry.objects.filter(book__contract_id=contract.pk, receipt__isnull=False).order_by("pk")
    return [
        (
            entry.reason_code,
            entry.effective_date,
            entry.memo,
            entry.receipt.sequence,
            entry.receipt.amount_minor,
            [(p.account.code, p.amount_minor, p.installment) for p in entry.postings.order_by("pk")],
        )
        for entry in entries
    ]


def test_matching_ignores_an_account_number_that_fails_its_check_digit(loan):
    wrong = loan.account_number[:-1] + str((int(loan.account_number[-1]) + 1) % 10)

    _import(credit(INSTALLMENT, remittance=wrong))

    assert StatementLine.objects.get().status == LineStatus.UNMATCHED


def test_a_customer_named_in_another_order_is_still_a_candidate():
    booked = _another_loan(4, customer=us_customer(given_name="Ana", family_name="Lopez"))

    _import(credit(1, payer_name="Mrs. LOPEZ, Ana"))

    line = StatementLine.objects.get()
    assert line.status == LineStatus.AMBIGUOUS
    assert line.candidates[0]["contract_id"] == booked.contract_id


def test_a_returned_payment_puts_the_account_back_in_arrears_at_the_next_close():
    contract = Contract.objects.get(pk=book().contract_id)
    for day in (date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 5)):
        cob_run(as_of=day, at=AT)
    arrears = ArrearsState.objects.get(contract=contract).arrears_minor
    assert arrears == INSTALLMENT
    _import(
        credit(
            INSTALLMENT,
            remittance=contract.account_number,
            customer_reference="E2E-1",
            booking_date=date(2024, 2, 5),
        ),
        statement_id="S-0205",
        statement_date=date(2024, 2, 5),
    )
    cob_run(as_of=date(2024, 2, 6), at=AT)
    assert ArrearsState.objects.get(contract=contract).arrears_minor == 0

    _import(
        debit(arrears, return_code="R01", customer_reference="E2E-1", booking_date=date(2024, 2, 7)),
        statement_id="S-0207",
        statement_date=date(2024, 2, 7),
    )
    cob_run(as_of=date(2024, 2, 7), at=AT)

    assert ArrearsState.objects.get(contract=contract).arrears_minor == arrears


def test_a_promise_kept_with_a_payment_that_comes_back_is_judged_broken():
    contract = Contract.objects.get(pk=book().contract_id)
    agent = user_create(username="ada", password="a-long-enough-password", role="agent")
    for day in (date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 5)):
        cob_run(as_of=day, at=AT)
    contact_record(
        account_number=contract.account_number,
        channel="call",
        direction="inbound",
        outcome="promise",
        agent=agent,
        at=AT,
        next_action_date=None,
        notes="Will pay the February installment on the 8th.",
        promise=[(date(2024, 2, 8), INSTALLMENT)],
        as_of=date(2024, 2, 5),
    )
    cob_run(as_of=date(2024, 2, 6), at=AT)
    _import(
        credit(
            INSTALLMENT,
            remittance=contract.account_number,
            customer_reference="E2E-P",
            booking_date=date(2024, 2, 7),
        ),
        statement_id="S-0207",
        statement_date=date(2024, 2, 7),
    )
    for day in (date(2024, 2, 7), date(2024, 2, 8)):
        cob_run(as_of=day, at=AT)
    promises_evaluate(as_of=date(2024, 2, 8), at=AT)  # as `recoup cob` does after the close
    assert Promise.objects.get(contract_id=contract.pk).status == "kept"

    _import(
        debit(INSTALLMENT, return_code="R01", customer_reference="E2E-P", booking_date=date(2024, 2, 9)),
        statement_id="S-0209",
        statement_date=date(2024, 2, 9),
    )

    assert Promise.objects.get(contract_id=contract.pk).status == "broken"
