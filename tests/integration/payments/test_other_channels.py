"""Money received on other channels: recorded, allocated through the ledger, receipted; a
reference holding a card number is refused, so no card number is ever written down."""

import pytest

from recoup.access.models import AuditEvent
from recoup.comms.models import SentItem
from recoup.ledger.models import Receipt
from recoup.payments.errors import InvalidPayment
from recoup.payments.models import Payment
from recoup.payments.operations import payment_record
from tests.integration.payments.helpers import AS_OF, AT

pytestmark = pytest.mark.django_db


def record(contract, agent, **changes):
    arguments = {
        "account_number": contract.account_number,
        "channel": "cheque",
        "amount": "304.15",
        "received_date": AS_OF,
        "reference": "Cheque 000123",
        "at": AT,
        "taken_by": agent,
        "request_key": "web:1:cheque",
    } | changes
    return payment_record(**arguments)


def test_a_cheque_is_allocated_and_receipted(contract, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = record(contract, agent)

    line = result.payment
    assert (line.channel_label, line.reference, line.method_text) == (
        "Cheque",
        "Cheque 000123",
        "Cheque Cheque 000123",
    )
    assert str(result.balance) == "14695.85"
    receipt = Receipt.objects.get(pk=line.ledger_receipt_id)
    assert (receipt.reference, receipt.amount_minor) == ("Cheque 000123", 30415)
    assert AuditEvent.objects.get(action="payment.take").after["reference"] == "Cheque 000123"
    item = SentItem.objects.get(pk=Payment.objects.get().customer_receipt_id)
    assert item.template.code == "payment_receipt"


@pytest.mark.parametrize(
    "reference",
    ["4242424242424242", "card 4242 4242 4242 4242 paid", "ref4111-1111-1111-1111", "x 378282246310005"],
)
def test_a_reference_holding_a_card_number_is_refused(contract, agent, reference):
    with pytest.raises(InvalidPayment) as refused:
        record(contract, agent, reference=reference)

    assert refused.value.field == "reference"
    assert "4242" not in refused.value.message
    assert not Payment.objects.exists()
    assert not Receipt.objects.exists()


@pytest.mark.parametrize("channel", ["card", "crypto", ""])
def test_cards_and_unknown_channels_are_refused_naming_the_channel(contract, agent, channel):
    with pytest.raises(InvalidPayment) as refused:
        record(contract, agent, channel=channel)

    assert refused.value.field == "channel"


def test_a_payment_in_another_currency_is_refused(contract, agent):
    with pytest.raises(InvalidPayment) as refused:
        record(contract, agent, currency="GBP")

    assert refused.value.field == "currency"
