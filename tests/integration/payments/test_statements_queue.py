"""The unapplied-cash queue and the daily cash reconciliation, worked through as an agent would.

Two US loans of $304.15 a month with two installments due on 5 March 2024, and a statement of
that day: one payment quoting its account number, one from a payer we cannot place, one from a
customer with two accounts.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from recoup.access.models import AuditEvent, User
from recoup.access.operations import user_create
from recoup.ledger import operations as ledger
from recoup.ledger.models import Receipt
from recoup.ledger.queries import ledger_verify
from recoup.payments.statements.errors import InvalidLineAction, LineNotInQueue
from recoup.payments.statements.models import LineAction, LineStatus, StatementLine
from recoup.payments.statements.operations import statement_file_import
from recoup.payments.statements.queries import cash_reconciliation, line_detail, unapplied_queue
from recoup.payments.statements.unapplied import Part, line_apply, line_set_aside, line_split
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import installments_fall_due
from recoup.portfolio.vin import vin_check_digit
from tests.integration.factories import book, us_loan
from tests.integration.payments.statements_builders import AT, credit, debit, file_bytes, statement_file

pytestmark = pytest.mark.django_db

INSTALLMENT = 30415
DAY = date(2024, 3, 5)


def _loan(serial: int) -> Contract:
    draft = f"1HGCM82600A{serial:06d}"
    vin = draft[:8] + vin_check_digit(draft) + draft[9:]
    booked = book(vehicle=dataclasses.replace(us_loan().vehicle, vin=vin))
    contract = Contract.objects.get(pk=booked.contract_id)
    installments_fall_due(contract=contract, as_of=DAY, at=AT)
    return contract


@pytest.fixture
def agent() -> User:
    return user_create(username="ada", password="a-long-enough-password", role="agent")


@pytest.fixture
def day() -> tuple[Contract, Contract]:
    first, second = _loan(1), _loan(2)
    parsed = statement_file(
        credit(INSTALLMENT, remittance=f"ACCT {first.account_number}", bank_reference="B1"),
        credit(50000, payer_name="J SOMEBODY", bank_reference="B2"),
        credit(INSTALLMENT, payer_name="Maria Garcia", bank_reference="B3"),
        debit(1200, type_code="FEE", bank_reference="B4"),
    )
    statement_file_import(parsed=parsed, data=file_bytes(parsed), file_name="day.xml", at=AT)
    return first, second


def _line(reference: str) -> StatementLine:
    return StatementLine.objects.get(bank_reference=reference)


def test_the_queue_lists_the_unmatched_and_ambiguous_lines_oldest_first_with_their_candidates(day):
    queue = unapplied_queue()

    assert [line.bank_reference for line in queue.lines] == ["B2", "B3"]
    assert queue.total == 2
    ambiguous = queue.lines[1]
    assert ambiguous.status == LineStatus.AMBIGUOUS
    assert {c.contract_id for c in ambiguous.candidates} == {day[0].pk, day[1].pk}


def test_an_agent_applies_a_line_to_an_account_through_its_waterfall_and_it_leaves_the_queue(day, agent):
    _, second = day

    worked = line_apply(line_id=_line("B3").pk, account_number=second.account_number, by=agent, at=AT)

    line = _line("B3")
    assert (line.status, line.contract_id) == (LineStatus.APPLIED_BY_AGENT, second.pk)
    receipt = Receipt.objects.get(pk=worked.receipt_ids[0])
    assert (receipt.book.contract_id, receipt.amount_minor) == (second.pk, INSTALLMENT)
    assert [queued.bank_reference for queued in unapplied_queue().lines] == ["B2"]
    assert AuditEvent.objects.filter(
        action="statement_line.applied", object_id=str(line.pk), actor=agent
    ).exists()
    assert line_detail(line_id=line.pk).actions[0].account_number == second.account_number
    assert ledger_verify() == []


def test_an_agent_splits_a_line_between_two_accounts_and_the_parts_must_add_up(day, agent):
    first, second = day
    line = _line("B2")

    with pytest.raises(InvalidLineAction) as short:
        line_split(
            line_id=line.pk,
            parts=[Part(first.account_number, "200.00"), Part(second.account_number, "200.00")],
            by=agent,
            at=AT,
        )
    worked = line_split(
        line_id=line.pk,
        parts=[Part(first.account_number, "300.00"), Part(second.account_number, "200.00")],
        by=agent,
        at=AT,
    )

    assert short.value.field == "parts"
    assert "add up to 400.00, the line is 500.00" in short.value.message
    amounts = sorted(Receipt.objects.filter(pk__in=worked.receipt_ids).values_list("amount_minor", flat=True))
    assert amounts == [20000, 30000]
    assert LineAction.objects.filter(line=line, action="applied").count() == 2
    assert _line("B2").status == LineStatus.APPLIED_BY_AGENT


def test_an_agent_sets_a_line_aside_as_not_customer_money_only_with_a_reason(day, agent):
    line = _line("B2")

    with pytest.raises(InvalidLineAction) as no_reason:
        line_set_aside(line_id=line.pk, reason="  ", by=agent, at=AT)
    line_set_aside(line_id=line.pk, reason="Transfer from our own reserve account", by=agent, at=AT)

    assert no_reason.value.field == "reason"
    assert _line("B2").status == LineStatus.NOT_CUSTOMER
    assert not Receipt.objects.filter(reference="B2").exists()
    assert AuditEvent.objects.filter(action="statement_line.set_aside", object_id=str(line.pk)).exists()


def test_a_line_already_worked_cannot_be_worked_again(day, agent):
    first, _ = day
    line = _line("B2")
    line_apply(line_id=line.pk, account_number=first.account_number, by=agent, at=AT)

    with pytest.raises(LineNotInQueue):
        line_apply(line_id=line.pk, account_number=first.account_number, by=agent, at=AT)

    assert Receipt.objects.filter(reference="B2").count() == 1


def test_applying_to_an_account_that_does_not_exist_names_the_field_and_posts_nothing(day, agent):
    with pytest.raises(InvalidLineAction) as unknown:
        line_apply(line_id=_line("B2").pk, account_number="1999999999", by=agent, at=AT)

    assert unknown.value.field == "account_number"
    assert _line("B2").status == LineStatus.UNMATCHED


def test_the_cash_reconciliation_lists_the_unapplied_lines_until_they_are_worked(day, agent):
    _, second = day

    before = cash_reconciliation(business_date=DAY)
    line_apply(line_id=_line("B3").pk, account_number=second.account_number, by=agent, at=AT)
    line_set_aside(line_id=_line("B2").pk, reason="Our own transfer", by=agent, at=AT)
    after = cash_reconciliation(business_date=DAY)

    (statement,) = before.statements
    assert (str(statement.credits), str(statement.debits)) == ("1108.30", "12.00")
    assert (str(statement.posted), str(statement.unapplied)) == ("304.15", "804.15")
    assert [d.kind for d in statement.differences] == ["unapplied", "unapplied"]
    (worked,) = after.statements
    assert (str(worked.posted), str(worked.unapplied), str(worked.not_customer)) == (
        "608.30",
        "0.00",
        "500.00",
    )
    assert worked.differences == ()


def test_the_cash_reconciliation_names_a_posted_line_whose_receipt_was_reversed_outside_the_statement(day):
    receipt = Receipt.objects.get(pk=_line("B1").receipt_id)
    ledger.receipt_reverse(receipt=receipt, at=AT, effective_date=DAY, reason_code="reversed_by_hand")

    (statement,) = cash_reconciliation(business_date=DAY).statements

    assert "reversed_receipt" in [d.kind for d in statement.differences]
    assert str(statement.posted) == "0.00"
