"""A debit run: the installments due on mandates are debited, the files written, the receipts posted.

The US loan of the worked examples: $15,000 at 8 % over 60 months, first due 1 February 2024, paid by
ACH from a checking account. The UK PCP: first due 15 April 2024, paid by Direct Debit.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from recoup.access.operations import user_create
from recoup.arrears.models import ArrearsState
from recoup.arrears.operations import cob_run
from recoup.collections.arrangements import ArrangementTerms, arrangement_request
from recoup.ledger.models import Receipt
from recoup.payments.debits.errors import DebitRunRefused, MandateInvalid
from recoup.payments.debits.formats import bacs, nacha
from recoup.payments.debits.formats.errors import BankDetailsInvalid
from recoup.payments.debits.models import DebitFile, DebitItem, Mandate
from recoup.payments.debits.operations import MandateView, debit_run, debits_settle, mandate_create
from recoup.portfolio.models import Contract
from recoup.portfolio.schedule_versions import version_schedule
from tests.fixtures.debits.builders import (
    AT,
    RDFI,
    ach_originator,
    bacs_service_user,
    uk_contract_with_mandate,
    us_contract_with_mandate,
)
from tests.integration.factories import book, us_customer
from tests.integration.factories import us_loan as us_loan_application

FEB_1 = date(2024, 2, 1)


Loan = tuple[Contract, MandateView]


@pytest.fixture
def us_loan() -> Loan:
    ach_originator()
    contract, mandate = us_contract_with_mandate()
    cob_run(as_of=date(2024, 1, 31), at=AT)
    return contract, mandate


@pytest.mark.django_db
def test_run_on_the_due_date_debits_the_installment_and_posts_its_receipt(us_loan: Loan) -> None:
    contract, _ = us_loan
    cob_run(as_of=FEB_1, at=AT)
    installment = version_schedule(contract).installments[0].payment_minor

    result = debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)

    assert (result.items, result.settled) == (1, 1)
    item = DebitItem.objects.get(contract=contract)
    assert (item.status, item.amount_minor, item.trace) == ("settled", installment, "021000020000001")
    receipt = Receipt.objects.get(idempotency_key=f"debit-item:{item.pk}")
    assert (receipt.pk, receipt.amount_minor, receipt.received_date) == (item.receipt_id, installment, FEB_1)
    assert receipt.reference == "ACH 021000020000001"
    read = nacha.file_read(DebitFile.objects.get().content, file="run.ach")
    entry = read.batches[0].entries[0]
    assert (read.debit_total_minor, read.batches[0].sec_code) == (installment, "PPD")
    assert (entry.transaction_code, entry.routing, entry.account, entry.individual_id) == (
        "27",
        RDFI,
        "000123456789",
        contract.account_number,
    )
    cob_run(as_of=date(2024, 2, 2), at=AT)
    assert ArrearsState.objects.get(contract=contract).arrears_minor == 0


@pytest.mark.django_db
def test_a_second_run_for_the_same_date_debits_nothing_again(us_loan: Loan) -> None:
    cob_run(as_of=FEB_1, at=AT)
    debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)

    again = debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)

    assert (again.items, again.files, again.settled) == (0, (), 0)
    assert DebitItem.objects.count() == 1
    assert Receipt.objects.count() == 1


@pytest.mark.django_db
def test_a_run_ahead_of_the_date_posts_when_the_date_comes(us_loan: Loan) -> None:
    ahead = debit_run(collection_date=FEB_1, as_of=date(2024, 1, 30), at=AT)
    assert (ahead.items, ahead.settled, Receipt.objects.count()) == (1, 0, 0)
    cob_run(as_of=FEB_1, at=AT)
    settled = debits_settle(as_of=FEB_1, at=AT)

    assert settled == 1
    assert DebitItem.objects.get().status == "settled"
    assert Receipt.objects.get().received_date == FEB_1


@pytest.mark.django_db
def test_a_run_for_a_past_date_is_refused() -> None:
    with pytest.raises(DebitRunRefused) as refused:
        debit_run(collection_date=date(2024, 1, 31), as_of=FEB_1, at=AT)

    assert refused.value.field == "collection_date"


@pytest.mark.django_db
def test_web_and_telephone_authorizations_go_in_their_own_batches(us_loan: Loan) -> None:
    application = us_loan_application()
    vehicle = dataclasses.replace(application.vehicle, vin="1HGCM82653A004353", registration="XYZ9876")
    second = book(dataclasses.replace(application, customer=us_customer(given_name="Ana"), vehicle=vehicle))
    other = Contract.objects.get(pk=second.contract_id)
    mandate_create(
        account_number=other.account_number,
        originator_code="US-AUTOPAY",
        holder_name="Ana Garcia",
        bank_account_number="44556677",
        routing_number="122105278",
        account_type="savings",
        authorization_form="web",
        authorized_date=date(2024, 1, 1),
        at=AT,
    )
    cob_run(as_of=FEB_1, at=AT)

    debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)

    read = nacha.file_read(DebitFile.objects.get().content, file="run.ach")
    assert [b.sec_code for b in read.batches] == ["PPD", "WEB"]
    assert read.batches[1].entries[0].transaction_code == "37"
    assert read.entry_hash == (11100002 + 12210527)


@pytest.mark.django_db
def test_a_direct_debit_instruction_is_lodged_then_first_collected_with_code_01() -> None:
    bacs_service_user()
    _, mandate = uk_contract_with_mandate()
    cob_run(as_of=date(2024, 4, 10), at=AT)

    lodging = debit_run(collection_date=date(2024, 4, 15), as_of=date(2024, 4, 10), at=AT)
    assert (lodging.lodged, lodging.items) == (1, 0)
    assert lodging.skipped  # the first installment comes too soon after lodgement
    assert Mandate.objects.get(pk=mandate.id).status == "lodged"
    submission = bacs.submission_read(DebitFile.objects.get().content, file="lodge.bacs")
    assert [r.code for f in submission.files for r in f.records] == ["0N"]

    cob_run(as_of=date(2024, 5, 15), at=AT)
    collecting = debit_run(collection_date=date(2024, 5, 15), as_of=date(2024, 5, 15), at=AT)

    assert (collecting.items, collecting.settled) == (1, 1)
    content = DebitFile.objects.get(name=collecting.files[0].name).content
    read = bacs.submission_read(content, file="collect.bacs")
    (collection,) = read.files
    assert [r.code for r in collection.records] == ["01"]
    assert collection.contras[0].amount_minor == collection.records[0].amount_minor
    assert collection.processing_date == date(2024, 5, 14)
    assert collection.records[0].reference == "RCP0001234"
    assert Mandate.objects.get(pk=mandate.id).status == "active"
    assert Receipt.objects.get().reference == "DD RCP0001234"


@pytest.mark.django_db
def test_a_routing_number_failing_the_aba_checksum_is_refused_by_name() -> None:
    ach_originator()

    with pytest.raises(BankDetailsInvalid) as refused:
        us_contract_with_mandate(routing_number="111000026")

    assert refused.value.field == "routing_number"


@pytest.mark.django_db
def test_the_account_number_is_kept_sealed_and_shown_by_its_last_four() -> None:
    ach_originator()

    _, view = us_contract_with_mandate()

    mandate = Mandate.objects.get(pk=view.id)
    assert mandate.account_last4 == "6789"
    assert "123456789" not in mandate.account_sealed


@pytest.mark.django_db
def test_a_direct_debit_needs_a_uk_account_in_pounds() -> None:
    bacs_service_user()
    ach_originator()
    contract_id = book().contract_id
    with pytest.raises(MandateInvalid) as refused:
        mandate_create(
            account_number=Contract.objects.get(pk=contract_id).account_number,
            originator_code="UK-DD",
            holder_name="Maria Garcia",
            bank_account_number="87654321",
            sort_code="203040",
            authorized_date=date(2024, 1, 1),
            at=datetime(2024, 1, 2, tzinfo=UTC),
        )

    assert refused.value.field == "originator"


@pytest.mark.django_db
def test_a_date_with_no_installment_due_debits_nothing(us_loan: Loan) -> None:
    cob_run(as_of=date(2024, 2, 14), at=AT)

    result = debit_run(collection_date=date(2024, 2, 15), as_of=date(2024, 2, 14), at=AT)

    assert (result.items, result.files) == (0, ())


@pytest.mark.django_db
def test_a_run_on_the_due_date_before_its_close_posts_the_receipt_after_the_close(us_loan: Loan) -> None:
    contract, _ = us_loan
    before_close = debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)
    assert (before_close.items, before_close.settled) == (1, 0)

    cob_run(as_of=FEB_1, at=AT)
    settled = debits_settle(as_of=FEB_1, at=AT)
    cob_run(as_of=date(2024, 2, 2), at=AT)

    assert settled == 1
    state = ArrearsState.objects.get(contract=contract)
    assert (state.arrears_minor, state.bucket) == (0, "current")


@pytest.mark.django_db
def test_an_account_on_a_reduced_payment_plan_is_debited_the_agreed_amount_not_the_installment(
    us_loan: Loan,
) -> None:
    contract, _ = us_loan
    head = user_create(username="head", password="not-used-here-1", role="head_of_credit")
    plan = ArrangementTerms(kind="reduced_payment", amount="250.00", periods=2, first_date=date(2024, 2, 5))
    agreed = arrangement_request(
        account_number=contract.account_number, terms=plan, requested_by=head, as_of=date(2024, 1, 31), at=AT
    )
    assert agreed.status == "active"
    cob_run(as_of=FEB_1, at=AT)

    on_due_date = debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)
    cob_run(as_of=date(2024, 2, 5), at=AT)
    on_plan_date = debit_run(collection_date=date(2024, 2, 5), as_of=date(2024, 2, 5), at=AT)

    assert on_due_date.items == 0
    assert (on_plan_date.items, on_plan_date.settled) == (1, 1)
    item = DebitItem.objects.get()
    assert (item.amount_minor, item.installment) == (25_000, None)
    assert Receipt.objects.get().amount_minor == 25_000
