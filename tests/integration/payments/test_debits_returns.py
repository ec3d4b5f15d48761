"""Returned debits: the receipt reversed, the account re-aged by the next close, the mandate stopped
when it cannot be debited again, and a return file read twice reversing once.

The US loan of the worked examples ($15,000 at 8 % over 60 months, first due 1 February 2024) is
debited by ACH on 1 February; the return comes back on 5 February.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from recoup.access.operations import user_create
from recoup.arrears.models import ArrearsState
from recoup.cli.main import main
from recoup.collections.contacts import contact_record
from recoup.collections.models import Promise, PromisePayment
from recoup.ledger.models import JournalEntry, Receipt
from recoup.ledger.queries import ledger_verify
from recoup.payments.debits.errors import DebitFileRefused
from recoup.payments.debits.formats import nacha
from recoup.payments.debits.models import DebitFile, DebitItem, DebitReturn, Mandate
from recoup.payments.debits.operations import debit_run, returns_import
from recoup.portfolio.models import Contract
from recoup.portfolio.schedule_versions import version_schedule
from tests.fixtures.debits.builders import (
    AT,
    ach_originator,
    ach_return_file,
    arudd_report,
    bacs_service_user,
    uk_contract_with_mandate,
    us_contract_with_mandate,
)

FEB_1 = date(2024, 2, 1)
FEB_5 = date(2024, 2, 5)
TRACE = "021000020000001"  # the originator's first trace number: its ODFI's eight digits and 0000001


@pytest.fixture
def debited() -> tuple[Contract, int]:
    ach_originator()
    contract, _ = us_contract_with_mandate()
    main(["cob", "--as-of", FEB_1.isoformat(), "--json"])
    debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)
    main(["cob", "--as-of", "2024-02-02", "--json"])
    return contract, version_schedule(contract).installments[0].payment_minor


def _state(contract: Contract) -> ArrearsState:
    return ArrearsState.objects.get(contract=contract)


@pytest.mark.django_db
def test_an_nsf_return_reverses_the_receipt_and_the_next_close_puts_the_account_in_arrears(
    debited: tuple[Contract, int],
) -> None:
    contract, installment = debited
    assert _state(contract).arrears_minor == 0
    data = ach_return_file([(TRACE, installment, "R01")], created=FEB_5).encode()

    result = returns_import(data=data, file_name="returns-0205.ach", at=datetime(2024, 2, 5, 9, tzinfo=UTC))
    main(["cob", "--as-of", FEB_5.isoformat(), "--json"])

    assert (result.returned, result.reversed_receipts, result.mandates_stopped) == (1, 1, 0)
    item = DebitItem.objects.get(trace=TRACE)
    assert item.status == "returned"
    assert Receipt.objects.get(pk=item.receipt_id).status == "reversed"
    returned = DebitReturn.objects.get(item=item)
    assert (returned.code, returned.return_date, returned.location) == ("R01", FEB_5, "line 4")
    state = _state(contract)
    assert (state.arrears_minor, state.oldest_unpaid_due_date, state.bucket) == (installment, FEB_1, "1-29")
    assert Mandate.objects.get(pk=item.mandate_id).status == "active"  # R01 may be debited again
    assert ledger_verify() == []


@pytest.mark.django_db
def test_the_same_return_file_twice_reverses_once(debited: tuple[Contract, int]) -> None:
    _, installment = debited
    data = ach_return_file([(TRACE, installment, "R01")], created=FEB_5).encode()
    returns_import(data=data, file_name="returns-0205.ach", at=AT)

    again = returns_import(data=data, file_name="returns-0205.ach", at=AT)

    assert (again.returned, again.already_returned, again.reversed_receipts) == (0, 1, 0)
    assert DebitReturn.objects.count() == 1
    assert JournalEntry.objects.filter(reason_code="payment_returned").count() == 1


@pytest.mark.django_db
def test_an_account_closed_return_stops_the_mandate_so_the_next_installment_is_not_debited(
    debited: tuple[Contract, int],
) -> None:
    _, installment = debited
    data = ach_return_file([(TRACE, installment, "R02")], created=FEB_5).encode()

    result = returns_import(data=data, file_name="returns-0205.ach", at=AT)
    main(["cob", "--as-of", "2024-03-01", "--json"])
    march = debit_run(collection_date=date(2024, 3, 1), as_of=date(2024, 3, 1), at=AT)

    assert result.mandates_stopped == 1
    mandate = Mandate.objects.get()
    assert (mandate.status, mandate.ended_date) == ("stopped", FEB_5)
    assert mandate.end_reason.startswith("R02")
    assert march.items == 0


@pytest.mark.django_db
def test_a_deceased_return_carries_the_date_of_death(debited: tuple[Contract, int]) -> None:
    _, installment = debited
    data = ach_return_file([(TRACE, installment, "R15")], created=FEB_5, date_of_death=date(2024, 1, 20))

    returns_import(data=data.encode(), file_name="returns-0205.ach", at=AT)

    assert DebitReturn.objects.get().date_of_death == date(2024, 1, 20)
    assert Mandate.objects.get().status == "stopped"


@pytest.mark.django_db
def test_a_malformed_return_file_posts_nothing_and_names_the_line(debited: tuple[Contract, int]) -> None:
    _, installment = debited
    lines = ach_return_file([(TRACE, installment, "R01")], created=FEB_5).splitlines()
    lines[3] = lines[3][:90]  # the addenda record cut short

    with pytest.raises(DebitFileRefused) as refused:
        returns_import(data="\n".join(lines).encode(), file_name="bad.ach", at=AT)

    assert refused.value.location == "line 4"
    assert "94 characters" in refused.value.message
    assert not DebitReturn.objects.exists()
    assert Receipt.objects.get().status == "allocated"


@pytest.mark.django_db
def test_a_return_for_a_debit_never_sent_refuses_the_whole_file(debited: tuple[Contract, int]) -> None:
    _, installment = debited
    data = ach_return_file(
        [(TRACE, installment, "R01"), ("021000029999999", 100, "R01")], created=FEB_5
    ).encode()

    with pytest.raises(DebitFileRefused) as refused:
        returns_import(data=data, file_name="returns.ach", at=AT)

    assert refused.value.location == "line 6"
    assert Receipt.objects.get().status == "allocated"
    assert not DebitReturn.objects.exists()


@pytest.mark.django_db
def test_a_promise_kept_by_the_debit_is_judged_broken_once_the_debit_returns() -> None:
    ach_originator()
    contract, _ = us_contract_with_mandate()
    main(["cob", "--as-of", FEB_1.isoformat(), "--json"])
    installment = version_schedule(contract).installments[0].payment_minor
    promise = _promise(contract, due=FEB_1, amount_minor=installment)
    debit_run(collection_date=FEB_1, as_of=FEB_1, at=AT)
    main(["cob", "--as-of", "2024-02-02", "--json"])
    assert Promise.objects.get(pk=promise.pk).status == "kept"

    result = returns_import(
        data=ach_return_file([(TRACE, installment, "R01")], created=FEB_5).encode(), file_name="r.ach", at=AT
    )

    assert result.promises_reopened == 1
    assert PromisePayment.objects.get(promise=promise).status == "broken"
    assert Promise.objects.get(pk=promise.pk).status == "broken"


def _promise(contract: Contract, *, due: date, amount_minor: int) -> Promise:
    """A promise as an agent records it on a call the day before the payment is due."""
    agent = user_create(username="sam", password="not-used-here", role="agent")
    contact_record(
        account_number=contract.account_number,
        channel="call",
        direction="outbound",
        outcome="promise",
        agent=agent,
        at=datetime(2024, 1, 31, 17, 0, tzinfo=UTC),
        next_action_date=None,
        notes="",
        promise=[(due, amount_minor)],
        as_of=date(2024, 1, 31),
    )
    return Promise.objects.get(contract=contract)


@pytest.mark.django_db
def test_an_arudd_unpaid_direct_debit_reverses_its_receipt_and_instruction_cancelled_stops_it() -> None:
    bacs_service_user()
    uk_contract_with_mandate()
    main(["cob", "--as-of", "2024-04-10", "--json"])
    debit_run(collection_date=date(2024, 4, 15), as_of=date(2024, 4, 10), at=AT)  # lodges the instruction
    main(["cob", "--as-of", "2024-05-15", "--json"])
    debit_run(collection_date=date(2024, 5, 15), as_of=date(2024, 5, 15), at=AT)
    item = DebitItem.objects.get()
    report = arudd_report(
        [("RCP0001234", date(2024, 5, 14), item.amount_minor, "1")], processing=date(2024, 5, 17)
    )

    result = returns_import(data=report, file_name="ARUDD-20240517.xml", at=AT)

    assert (result.kind, result.returned, result.reversed_receipts, result.mandates_stopped) == (
        "arudd",
        1,
        1,
        1,
    )
    assert Receipt.objects.get().status == "reversed"
    returned = DebitReturn.objects.get()
    assert (returned.code, returned.description, returned.location) == (
        "1",
        "Instruction cancelled",
        "ReturnedDebitItem[1]",
    )
    assert Mandate.objects.get().status == "stopped"


@pytest.mark.django_db
def test_an_arudd_report_naming_an_unknown_reference_is_refused_by_its_element() -> None:
    bacs_service_user()
    uk_contract_with_mandate()
    report = arudd_report([("RCP9999999", date(2024, 5, 14), 31250, "0")], processing=date(2024, 5, 17))

    with pytest.raises(DebitFileRefused) as refused:
        returns_import(data=report, file_name="ARUDD.xml", at=AT)

    assert refused.value.location == "ReturnedDebitItem[1]"


@pytest.mark.django_db
def test_an_addacs_cancellation_cancels_the_instruction() -> None:
    bacs_service_user()
    uk_contract_with_mandate()
    report = (
        b'<?xml version="1.0" encoding="UTF-8"?><BACSDocument><Data><MessagingAdvices>'
        b'<MessagingHeader reportType="ADDACS" adviceNumber="000001" userNumber="123456"/>'
        b'<MessagingAdvice user-number="123456" record-type="A" effective-date="2024-05-02" '
        b'reference="RCP0001234" payer-name="C REID" payer-account-number="87654321" '
        b'payer-sort-code="203040" reason-code="1"/></MessagingAdvices></Data></BACSDocument>'
    )

    result = returns_import(data=report, file_name="ADDACS-20240502.xml", at=AT)

    assert (result.kind, result.mandates_stopped, result.mandates_changed) == ("addacs", 1, 1)
    mandate = Mandate.objects.get()
    assert (mandate.status, mandate.ended_date) == ("cancelled", date(2024, 5, 2))


@pytest.mark.django_db
def test_a_notification_of_change_puts_the_corrected_account_on_the_next_debit(
    debited: tuple[Contract, int],
) -> None:
    data = ach_return_file([(TRACE, 0, "C01")], created=FEB_5, corrected="000555666777").encode()

    result = returns_import(data=data, file_name="noc-0205.ach", at=AT)
    main(["cob", "--as-of", "2024-03-01", "--json"])
    march = debit_run(collection_date=date(2024, 3, 1), as_of=date(2024, 3, 1), at=AT)

    assert (result.notices_of_change, result.mandates_changed, result.returned) == (1, 1, 0)
    assert Mandate.objects.get().account_last4 == "6777"
    content = DebitFile.objects.get(name=march.files[0].name).content
    assert nacha.file_read(content, file="march.ach").batches[0].entries[0].account == "000555666777"
    assert Receipt.objects.filter(status="allocated").count() == 2
