"""Sending through the gate: a letter kept with its PDF, an email with its unsubscribe link, an SMS
ending with its opt-out; opt-outs honoured by the next send; a person's send acknowledging the gate."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.comms.errors import ContactNotPermitted, InvalidOptOut, SendNotAllowed
from recoup.comms.models import SentItem as SentItemRow
from recoup.comms.operations import communication_send, sms_inbound_record, unsubscribe_record
from recoup.comms.queries import communications_of, letter_pdf_of
from recoup.compliance.models import ChannelOptOut, ContactAttempt
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

AT = datetime(2024, 3, 1, 16, 0, tzinfo=UTC)  # 10:00 in Houston
LATER = AT + timedelta(hours=1)


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"
    settings.RECOUP_BASE_URL = "https://recoup.example"
    return tmp_path / "outbox"


@pytest.fixture
def agent():
    return user_create(username="sam", password="not-used-here", role=Role.AGENT)


def sent_email(outbox):
    (written,) = outbox.glob("*.eml")
    return message_from_bytes(written.read_bytes(), policy=policy.default)


def test_a_letter_is_kept_with_its_pdf_and_counted_as_a_contact_attempt(settings):
    contract = book()

    item = communication_send(
        contract_id=contract.contract_id,
        channel="letter",
        template_code="arrears.reminder",
        at=AT,
        sent_by=None,
    )

    assert item.channel == "letter"
    assert (item.template_code, item.version) == ("arrears.reminder", 1)
    assert item.pdf_available
    assert item.address == "12 Maple Ave, Houston, TX 77002"
    assert "Dear Maria Garcia," in item.body
    name, pdf = letter_pdf_of(sent_item_id=item.id)
    assert pdf.startswith(b"%PDF-")
    assert name == f"{contract.account_number}-{item.id}.pdf"
    row = SentItemRow.objects.get(pk=item.id)
    assert row.pdf.path.startswith(settings.MEDIA_ROOT)
    attempt = ContactAttempt.objects.get(contract_id=contract.contract_id)
    assert (attempt.channel, attempt.direction, attempt.source) == ("letter", "outbound", "automated")
    assert communications_of(contract_id=contract.contract_id) == [item]


def test_an_email_carries_an_unsubscribe_link_and_header(outbox):
    contract = book()

    item = communication_send(
        contract_id=contract.contract_id,
        channel="email",
        template_code="arrears.reminder",
        at=AT,
        sent_by=None,
    )

    email = sent_email(outbox)
    link = email["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://recoup.example/comms/unsubscribe/")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email["Message-ID"] == item.provider_reference
    assert email["To"] == "maria.garcia@example.com"
    assert link in email.get_body(("plain",)).get_content()
    assert not item.pdf_available


def test_the_unsubscribe_link_is_honoured_by_the_next_email(outbox):
    contract = book()
    communication_send(
        contract_id=contract.contract_id,
        channel="email",
        template_code="arrears.reminder",
        at=AT,
        sent_by=None,
    )
    token = sent_email(outbox)["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[-1]

    address = unsubscribe_record(token=token, at=AT + timedelta(minutes=5))

    assert address == "maria.garcia@example.com"
    assert ChannelOptOut.objects.filter(channel="email", address=address).exists()
    with pytest.raises(ContactNotPermitted) as refused:
        communication_send(
            contract_id=contract.contract_id,
            channel="email",
            template_code="arrears.reminder",
            at=LATER,
            sent_by=None,
        )
    assert any("opted out of email" in reason for reason in refused.value.reasons)
    assert SentItemRow.objects.filter(contract_id=contract.contract_id).count() == 1


def test_a_forged_unsubscribe_token_is_refused():
    with pytest.raises(InvalidOptOut) as refused:
        unsubscribe_record(token="eyJwYXJ0eSI6MX0:forged:signature", at=AT)

    assert refused.value.field == "token"


def test_an_sms_ends_with_the_opt_out_and_a_stop_reply_is_honoured(outbox):
    contract = book()

    item = communication_send(
        contract_id=contract.contract_id, channel="sms", template_code="arrears.reminder", at=AT, sent_by=None
    )
    opted_out = sms_inbound_record(from_phone="+17135550142", body="Stop", at=AT + timedelta(minutes=5))

    assert item.body.endswith("Reply STOP to opt out")
    assert (outbox / next(outbox.glob("*.json")).name).read_text().count("Reply STOP to opt out") == 1
    assert opted_out == {"opted_out": 1, "opted_in": 0}
    with pytest.raises(ContactNotPermitted):
        communication_send(
            contract_id=contract.contract_id,
            channel="sms",
            template_code="arrears.reminder",
            at=LATER,
            sent_by=None,
        )


def test_an_sms_reply_that_is_not_an_opt_out_changes_nothing_and_an_unknown_number_is_refused():
    book()

    assert sms_inbound_record(from_phone="+17135550142", body="I will pay Friday", at=AT) == {
        "opted_out": 0,
        "opted_in": 0,
    }
    assert not ChannelOptOut.objects.exists()
    with pytest.raises(InvalidOptOut) as refused:
        sms_inbound_record(from_phone="+12025550123", body="STOP", at=AT)
    assert refused.value.field == "from_phone"


def test_a_persons_send_the_gate_refuses_goes_only_once_every_reason_is_acknowledged(agent, outbox):
    contract = book()
    sms_inbound_record(from_phone="+17135550142", body="STOP", at=AT)

    with pytest.raises(ContactNotPermitted) as refused:
        communication_send(
            contract_id=contract.contract_id,
            channel="sms",
            template_code="arrears.reminder",
            at=LATER,
            sent_by=agent,
            automated=False,
        )
    item = communication_send(
        contract_id=contract.contract_id,
        channel="sms",
        template_code="arrears.reminder",
        at=LATER,
        sent_by=agent,
        automated=False,
        acknowledged_reasons=refused.value.reasons,
    )

    assert item.sent_by == "sam"
    assert item.acknowledged_reasons == refused.value.reasons
    audit = AuditEvent.objects.get(action="communication.send")
    assert audit.actor == agent
    assert audit.after["acknowledged_reasons"] == list(refused.value.reasons)
    attempt = ContactAttempt.objects.get(contract_id=contract.contract_id)
    assert attempt.source == "agent"


def test_an_auditor_may_not_send():
    contract = book()
    auditor = user_create(username="ada", password="not-used-here", role=Role.AUDITOR)

    with pytest.raises(SendNotAllowed):
        communication_send(
            contract_id=contract.contract_id,
            channel="letter",
            template_code="arrears.reminder",
            at=AT,
            sent_by=auditor,
            automated=False,
        )

    assert not SentItemRow.objects.exists()


def test_the_history_lists_the_newest_first():
    contract = book()
    first = communication_send(
        contract_id=contract.contract_id,
        channel="letter",
        template_code="arrears.reminder",
        at=AT,
        sent_by=None,
    )
    second = communication_send(
        contract_id=contract.contract_id,
        channel="email",
        template_code="arrears.reminder",
        at=LATER,
        sent_by=None,
    )

    history = communications_of(contract_id=contract.contract_id)

    assert [i.id for i in history] == [second.id, first.id]
