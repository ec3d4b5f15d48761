"""Card payments through the sandbox provider: a charge taken is allocated by the ledger and gets
the customer a receipt; a decline is kept and posts nothing; a request sent twice takes one payment."""

import pytest

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.comms.context import account_facts
from recoup.comms.models import SentItem
from recoup.compliance.operations import opt_out_record
from recoup.kernel.errors import DomainError
from recoup.ledger.models import Receipt
from recoup.payments.errors import InvalidPayment, PaymentConflict, PaymentNotAllowed
from recoup.payments.models import Payment, PaymentMethod
from recoup.payments.operations import card_payment_take
from recoup.payments.queries import payments_of
from tests.integration.payments.helpers import AS_OF, AT, DECLINING, card_token

pytestmark = pytest.mark.django_db


def take(contract, agent, token, *, amount="304.15", key="web:1:first"):
    return card_payment_take(
        account_number=contract.account_number,
        token=token,
        amount=amount,
        as_of=AS_OF,
        at=AT,
        taken_by=agent,
        request_key=key,
    )


def test_a_card_payment_is_allocated_through_the_ledger(
    contract, agent, provider, django_capture_on_commit_callbacks
):
    token = card_token(provider)

    with django_capture_on_commit_callbacks(execute=True):
        result = take(contract, agent, token)

    assert result.taken
    line = result.payment
    assert (line.card_brand, line.card_last4, line.channel, line.status) == (
        "Visa",
        "4242",
        "card",
        "succeeded",
    )
    assert str(line.amount) == "304.15"
    assert str(result.balance) == "14695.85"
    receipt = Receipt.objects.get(pk=line.ledger_receipt_id)
    assert (receipt.amount_minor, receipt.received_date) == (30415, AS_OF)
    assert receipt.idempotency_key == "payment:web:1:first"
    method = PaymentMethod.objects.get()
    assert (method.brand, method.last4, method.exp_month, method.exp_year) == ("visa", "4242", 12, 2030)
    assert method.token == token
    assert line.provider_reference.startswith("ch_sandbox_")
    event = AuditEvent.objects.get(action="payment.take")
    assert event.after["card"] == "Visa ending 4242"
    assert event.actor == agent


def test_the_customer_is_emailed_a_receipt_after_the_payment(
    contract, agent, provider, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = take(contract, agent, card_token(provider))

    payment = Payment.objects.get(pk=result.payment.payment_id)
    assert payment.customer_receipt_channel == "email"
    item = SentItem.objects.get(pk=payment.customer_receipt_id)
    assert item.template.code == "payment_receipt"
    assert item.address == "maria.garcia@example.com"
    assert "$304.15" in item.body
    assert "Visa card ending 4242" in item.body
    assert "March 1, 2024" in item.body
    assert len(list(outbox.glob("*.eml"))) == 1


def test_a_customer_who_opted_out_of_email_gets_the_receipt_by_letter(
    contract, agent, provider, django_capture_on_commit_callbacks
):
    party_id = account_facts([contract.contract_id], at=AT)[contract.contract_id].party_id
    opt_out_record(party_id=party_id, channel="email", at=AT.replace(hour=1), source="customer_request")

    with django_capture_on_commit_callbacks(execute=True):
        result = take(contract, agent, card_token(provider))

    payment = Payment.objects.get(pk=result.payment.payment_id)
    assert payment.customer_receipt_channel == "letter"
    assert SentItem.objects.get(pk=payment.customer_receipt_id).pdf


def test_no_receipt_is_sent_before_the_payment_commits(
    contract, agent, provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        take(contract, agent, card_token(provider))

    assert len(callbacks) == 1
    assert not SentItem.objects.exists()


@pytest.mark.parametrize(("number", "decline"), DECLINING.items())
def test_a_declined_card_is_recorded_and_posts_nothing(
    contract, agent, provider, number, decline, django_capture_on_commit_callbacks
):
    code, reason = decline

    with django_capture_on_commit_callbacks(execute=True):
        result = take(contract, agent, card_token(provider, number))

    assert not result.taken
    assert (result.payment.status, result.payment.decline_code, result.payment.decline_reason) == (
        "declined",
        code,
        reason,
    )
    assert result.payment.ledger_receipt_id is None
    assert str(result.balance) == "15000.00"
    assert not Receipt.objects.exists()
    assert not SentItem.objects.exists()
    assert AuditEvent.objects.get(action="payment.decline").after["decline_code"] == code
    assert [p.status for p in payments_of(contract.account_number).payments] == ["declined"]


def test_the_same_request_sent_twice_takes_one_payment(contract, agent, provider):
    token = card_token(provider)

    first = take(contract, agent, token)
    again = take(contract, agent, token)

    assert again == first
    assert Payment.objects.count() == 1
    assert Receipt.objects.count() == 1


def test_the_same_request_key_with_another_amount_is_refused(contract, agent, provider):
    token = card_token(provider)
    take(contract, agent, token)

    with pytest.raises(PaymentConflict) as refused:
        take(contract, agent, token, amount="10.00")

    assert refused.value.field == "request_key"
    assert Receipt.objects.count() == 1


def test_a_token_the_provider_did_not_give_is_refused(contract, agent, provider):
    forged = card_token(provider)[:-3] + "AAA"

    with pytest.raises(InvalidPayment) as refused:
        take(contract, agent, forged)

    assert refused.value.field == "token"
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("amount", "field"), [("0", "amount"), ("-1", "amount"), ("1.234", "amount"), ("ten", "amount")]
)
def test_bad_amounts_are_refused_and_nothing_is_charged(contract, agent, provider, amount, field):
    with pytest.raises(DomainError) as refused:
        take(contract, agent, card_token(provider), amount=amount)

    assert refused.value.field == field
    assert not Payment.objects.exists()


def test_an_auditor_may_not_take_payments(contract, provider):
    auditor = user_create(username="ada", password="not-used-here", role=Role.AUDITOR)

    with pytest.raises(PaymentNotAllowed):
        take(contract, auditor, card_token(provider))
