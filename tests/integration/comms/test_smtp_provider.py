"""Email through an SMTP relay: a real SMTP server (aiosmtpd) takes the message as the customer's
mail server would; a relay that is down refuses the send and nothing is recorded as sent."""

import socket
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from recoup.comms.errors import DeliveryFailed
from recoup.comms.models import SentItem
from recoup.comms.operations import communication_send
from recoup.compliance.models import ContactAttempt
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

AT = datetime(2024, 3, 1, 16, 0, tzinfo=UTC)  # 10:00 in Houston


class Collect:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def relay(settings, tmp_path):
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "smtp"
    settings.RECOUP_BASE_URL = "https://recoup.example"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    yield handler
    controller.stop()


def test_an_email_goes_through_the_relay_with_its_unsubscribe_headers(relay):
    contract = book()

    item = communication_send(
        contract_id=contract.contract_id,
        channel="email",
        template_code="arrears.reminder",
        at=AT,
        sent_by=None,
    )

    (envelope,) = relay.envelopes
    assert envelope.rcpt_tos == [item.address]
    email = message_from_bytes(envelope.content, policy=policy.default)
    assert email["Message-ID"] == SentItem.objects.get(pk=item.id).provider_reference
    assert email["Subject"] == item.subject
    assert email["List-Unsubscribe"].startswith("<https://recoup.example/comms/unsubscribe/")
    assert "Dear Maria Garcia," in email.get_body(preferencelist=("plain",)).get_content()


def test_an_sms_with_the_smtp_provider_goes_to_the_outbox_not_the_relay(relay, tmp_path):
    contract = book()

    communication_send(
        contract_id=contract.contract_id, channel="sms", template_code="arrears.reminder", at=AT, sent_by=None
    )

    assert relay.envelopes == []
    assert len(list((tmp_path / "outbox").glob("*.json"))) == 1


def test_a_relay_that_is_down_refuses_the_send_and_nothing_is_recorded(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_PROVIDER = "smtp"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.EMAIL_USE_TLS = False
    contract = book()

    with pytest.raises(DeliveryFailed) as refused:
        communication_send(
            contract_id=contract.contract_id,
            channel="email",
            template_code="arrears.reminder",
            at=AT,
            sent_by=None,
        )

    assert refused.value.field == "channel"
    assert "did not take the email" in refused.value.message
    assert not SentItem.objects.exists()
    assert not ContactAttempt.objects.exists()
