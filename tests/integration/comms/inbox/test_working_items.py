"""What people do with the inbox: link triaged mail (audited), set aside what is not collections
mail, mark answered, and answer from a template through comms, after which the customer's reply
joins the conversation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.comms.errors import ContactNotPermitted
from recoup.comms.inbox.answering import inbox_item_answer
from recoup.comms.inbox.errors import InboxItemNotFound, InboxNotAllowed, InboxTransitionNotAllowed
from recoup.comms.inbox.models import InboxItem, Reply
from recoup.comms.inbox.operations import (
    inbox_fetch,
    inbox_item_dismiss,
    inbox_item_link,
    inbox_item_mark_answered,
)
from recoup.comms.inbox.queries import inbox_item, inbox_items
from recoup.comms.queries import communications_of
from recoup.compliance.models import ContactAttempt
from recoup.compliance.operations import opt_out_record
from recoup.portfolio.errors import AccountNotFound
from tests.integration.comms.inbox.builders import uk_account, us_account
from tests.integration.comms.inbox.conftest import LiveMailbox
from tests.unit.comms.inbox import samples

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2024, 7, 3, 15, 0, tzinfo=UTC)  # Wednesday, 10:00 in Texas
AT = datetime(2024, 7, 3, 15, 5, tzinfo=UTC)


@pytest.fixture
def agent():
    return user_create(username="sam", password="not-used-here", role=Role.AGENT, first_name="Sam")


@pytest.fixture
def outbox(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"
    settings.RECOUP_BASE_URL = "https://recoup.example"
    return tmp_path / "outbox"


def fetched_item(mailbox: LiveMailbox, message: bytes, *, received_at: datetime = RECEIVED) -> InboxItem:
    mailbox.deliver(message, received_at=received_at)
    inbox_fetch(at=max(AT, received_at), mailbox=mailbox.settings)
    return InboxItem.objects.order_by("-pk").first()


def test_linking_triaged_mail_opens_it_on_the_account_with_its_jurisdictions_deadline_and_is_audited(
    mailbox: LiveMailbox, agent
):
    account = uk_account(jurisdiction="GB-SCT")
    # Thursday 28 November 2024; St Andrew's Day is observed on Monday 2 December in Scotland.
    received = datetime(2024, 11, 28, 10, tzinfo=UTC)
    item = fetched_item(mailbox, samples.plain(sender="adviser@charity.example"), received_at=received)
    assert item.status == "triage"

    linked = inbox_item_link(
        item_id=item.pk, account_number=account.account_number, by=agent, at=received, note="Adviser's letter"
    )

    assert (linked.status, linked.account_number, linked.due_date) == (
        "open",
        account.account_number,
        date(2024, 12, 3),
    )
    item.refresh_from_db()
    assert (item.contract_id, item.matched_by) == (account.contract_id, "person")
    event = AuditEvent.objects.get(action="inbox.link")
    assert (event.actor, event.object_id) == (agent, str(item.pk))
    assert event.before["status"] == "triage"
    assert event.after["account_number"] == account.account_number
    assert event.after["note"] == "Adviser's letter"


def test_linking_to_an_unknown_account_or_twice_is_refused(mailbox: LiveMailbox, agent):
    account = us_account()
    item = fetched_item(mailbox, samples.plain(sender="nobody@example.org"))

    with pytest.raises(AccountNotFound) as unknown:
        inbox_item_link(item_id=item.pk, account_number="1999999999", by=agent, at=AT)
    inbox_item_link(item_id=item.pk, account_number=account.account_number, by=agent, at=AT)
    with pytest.raises(InboxTransitionNotAllowed) as again:
        inbox_item_link(item_id=item.pk, account_number=account.account_number, by=agent, at=AT)

    assert unknown.value.field == "account_number"
    assert again.value.field == "status"
    assert AuditEvent.objects.filter(action="inbox.link").count() == 1


def test_an_auditor_reads_the_inbox_but_cannot_link_or_answer(mailbox: LiveMailbox):
    us_account()
    auditor = user_create(username="ann", password="not-used-here", role=Role.AUDITOR)
    remarketing = user_create(username="rem", password="not-used-here", role=Role.REMARKETING)
    item = fetched_item(mailbox, samples.plain(sender="nobody@example.org"))

    assert [line.id for line in inbox_items(reader=auditor, at=AT, status="triage")] == [item.pk]
    with pytest.raises(InboxNotAllowed) as refused:
        inbox_item_dismiss(item_id=item.pk, by=auditor, at=AT)
    with pytest.raises(InboxNotAllowed):
        inbox_items(reader=remarketing, at=AT)

    assert refused.value.field == "role"


def test_mail_that_is_not_collections_mail_leaves_triage_audited(mailbox: LiveMailbox, agent):
    item = fetched_item(mailbox, samples.plain(sender="sales@tyres.example"))

    inbox_item_dismiss(item_id=item.pk, by=agent, at=AT, note="Advertising")

    item.refresh_from_db()
    assert (item.status, item.closed_note) == ("not_collections", "Advertising")
    assert AuditEvent.objects.get(action="inbox.dismiss").after["status"] == "not_collections"
    assert inbox_items(reader=agent, at=AT, status="triage") == ()


def test_open_mail_is_listed_by_deadline_with_the_overdue_first(mailbox: LiveMailbox, agent):
    us_account()
    older = fetched_item(
        mailbox, samples.plain(message_id="<old@x>"), received_at=datetime(2024, 7, 1, 15, tzinfo=UTC)
    )
    complaint = fetched_item(
        mailbox, samples.plain(message_id="<c@x>", body="This is harassment, I complain.")
    )
    plain = fetched_item(mailbox, samples.plain(message_id="<p@x>"))
    thursday_after = datetime(2024, 7, 4, 12, tzinfo=UTC)

    lines = inbox_items(reader=agent, at=thursday_after)

    assert [line.id for line in lines] == [older.pk, complaint.pk, plain.pk]
    assert [line.overdue for line in lines] == [True, False, False]
    assert lines[1].complaint


def test_marking_answered_closes_the_item_and_names_who(mailbox: LiveMailbox, agent):
    us_account()
    item = fetched_item(mailbox, samples.plain())

    line = inbox_item_mark_answered(item_id=item.pk, by=agent, at=AT, note="Called her back")

    assert line.status == "answered"
    view = inbox_item(item_id=item.pk, reader=agent, at=AT)
    assert (view.answered_by, view.note) == ("Sam", "Called her back")
    with pytest.raises(InboxTransitionNotAllowed):
        inbox_item_mark_answered(item_id=item.pk, by=agent, at=AT)
    with pytest.raises(InboxItemNotFound):
        inbox_item_mark_answered(item_id=item.pk + 1000, by=agent, at=AT)


def test_answering_from_a_template_replies_in_the_thread_closes_the_item_and_keeps_the_email_sent(
    mailbox: LiveMailbox, agent, outbox
):
    account = us_account()
    item = fetched_item(mailbox, samples.with_attachments(message_id="<statement-1@customer.example>"))

    line = inbox_item_answer(item_id=item.pk, template_code="arrears.reminder", by=agent, at=AT)

    assert line.status == "answered"
    (written,) = outbox.glob("*.eml")
    email = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert email["To"] == "maria.garcia@example.com"
    assert email["In-Reply-To"] == "<statement-1@customer.example>"
    assert account.account_number in email["Subject"]
    reply = Reply.objects.get()
    assert reply.message_id == email["Message-ID"]
    (sent,) = communications_of(contract_id=account.contract_id)
    assert (sent.id, sent.channel, sent.template_code, sent.sent_by) == (
        reply.sent_item_id,
        "email",
        "arrears.reminder",
        "Sam",
    )
    assert ContactAttempt.objects.filter(contract_id=account.contract_id, channel="email").count() == 1
    assert AuditEvent.objects.get(action="inbox.answer").after["sent_item_id"] == reply.sent_item_id

    # The customer answers the reply: the conversation opens again, with a new deadline.
    later = datetime(2024, 7, 5, 15, tzinfo=UTC)  # Friday
    mailbox.deliver(
        samples.plain(
            message_id="<thanks@customer.example>",
            sender="someone.else@example.net",
            in_reply_to=reply.message_id,
            references=f"<statement-1@customer.example> {reply.message_id}",
        ),
        received_at=later,
    )
    counts = inbox_fetch(at=later, mailbox=mailbox.settings)

    assert counts["threaded"] == 1
    item.refresh_from_db()
    assert (item.status, item.due_date) == ("open", date(2024, 7, 9))


def test_an_answer_the_gate_refuses_goes_only_once_each_reason_is_acknowledged(
    mailbox: LiveMailbox, agent, outbox
):
    account = us_account()
    item = fetched_item(mailbox, samples.plain())
    opt_out_record(
        party_id=_customer_id(account.contract_id),
        channel="email",
        at=RECEIVED,
        source="customer",
        address="",
    )

    with pytest.raises(ContactNotPermitted) as refused:
        inbox_item_answer(item_id=item.pk, template_code="arrears.reminder", by=agent, at=AT)
    item.refresh_from_db()
    assert item.status == "open"
    assert not outbox.exists() or not list(outbox.glob("*.eml"))

    inbox_item_answer(
        item_id=item.pk,
        template_code="arrears.reminder",
        by=agent,
        at=AT,
        acknowledged_reasons=refused.value.reasons,
    )

    item.refresh_from_db()
    assert item.status == "answered"
    assert len(list(outbox.glob("*.eml"))) == 1


def test_triaged_mail_cannot_be_answered_until_it_is_linked(mailbox: LiveMailbox, agent, outbox):
    item = fetched_item(mailbox, samples.plain(sender="nobody@example.org"))

    with pytest.raises(InboxTransitionNotAllowed):
        inbox_item_answer(item_id=item.pk, template_code="arrears.reminder", by=agent, at=AT)


def _customer_id(contract_id: int) -> int:
    from recoup.portfolio.models import Contract

    return Contract.objects.get(pk=contract_id).customer_id
