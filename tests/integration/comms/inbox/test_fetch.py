"""Fetching the collections mailbox from a real IMAP server: storing, matching, threads, refetches."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from recoup.comms.inbox.errors import MailboxNotConfigured, MailboxUnavailable
from recoup.comms.inbox.mailbox import MailboxSettings
from recoup.comms.inbox.models import Attachment, InboundMessage, InboxItem, MailboxState
from recoup.comms.inbox.operations import inbox_fetch
from tests.integration.comms.inbox.builders import uk_account, us_account
from tests.integration.comms.inbox.conftest import LiveMailbox
from tests.unit.comms.inbox import samples

pytestmark = pytest.mark.django_db

# Wednesday 3 July 2024, 10:00 in Texas; Independence Day is the next day.
RECEIVED = datetime(2024, 7, 3, 15, 0, tzinfo=UTC)
AT = datetime(2024, 7, 3, 15, 5, tzinfo=UTC)


def test_a_customers_email_with_attachments_becomes_an_item_on_their_account(mailbox: LiveMailbox):
    account = us_account()
    mailbox.deliver(samples.with_attachments(), received_at=RECEIVED)

    counts = inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert counts["fetched"] == counts["stored"] == counts["matched"] == 1
    assert counts["attachments"] == 2
    item = InboxItem.objects.get()
    assert (item.contract_id, item.status, item.matched_by) == (account.contract_id, "open", "sender")
    assert item.subject == "Bank statement attached"
    assert item.received_at == RECEIVED
    # Two business days after Wednesday 3 July, Thursday the 4th being a holiday in Texas.
    assert item.due_date == date(2024, 7, 8)
    message = InboundMessage.objects.get()
    assert message.text_body == "Please find my statement attached."
    assert "<b>statement</b>" in message.html_body
    assert b"Message-ID: <statement-1@customer.example>" in bytes(message.raw)
    stored = [(a.filename, a.content_type, a.size, bytes(a.content)) for a in Attachment.objects.all()]
    assert stored == [
        ("statement-may.pdf", "application/pdf", len(samples.PDF), samples.PDF),
        ("reçu café.jpg", "image/jpeg", len(samples.JPEG), samples.JPEG),
    ]


def test_emails_in_older_charsets_and_html_only_are_stored_as_readable_text(mailbox: LiveMailbox):
    uk_account()
    us_account()
    mailbox.deliver(samples.latin1(), received_at=RECEIVED)
    mailbox.deliver(samples.shift_jis(), received_at=RECEIVED)
    mailbox.deliver(samples.html_only(), received_at=RECEIVED)

    counts = inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert (counts["stored"], counts["matched"], counts["triage"]) == (3, 2, 1)
    by_id = {m.message_id: m for m in InboundMessage.objects.all()}
    latin = by_id["<latin1-1@customer.example>"]
    assert (latin.subject, latin.text_body) == ("Paiement reçu £200", "J'ai payé £200 hier. Grüße.")
    assert by_id["<sjis-1@customer.example>"].text_body == "お支払いは金曜日です。"
    html = by_id["<html-1@customer.example>"]
    assert html.text_body.startswith("I lost my job & cannot pay.")
    assert "<script>" in html.html_body


def test_an_email_quoting_an_account_number_is_matched_to_it_whoever_sends_it(mailbox: LiveMailbox):
    us_account()
    quoted = us_account(email="someone.else@example.com")
    mailbox.deliver(
        samples.plain(sender="accountant@firm.example", subject=f"Account {quoted.account_number} payment"),
        received_at=RECEIVED,
    )

    inbox_fetch(at=AT, mailbox=mailbox.settings)

    item = InboxItem.objects.get()
    assert (item.contract_id, item.matched_by) == (quoted.contract_id, "reference")


def test_an_account_number_spaced_out_in_the_body_is_matched(mailbox: LiveMailbox):
    account = uk_account()
    number = account.account_number
    spaced = f"{number[:1]} {number[1:5]} {number[5:]}"
    mailbox.deliver(
        samples.plain(sender="adviser@stepchange.example", body=f"Our client's account is {spaced}."),
        received_at=RECEIVED,
    )

    inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert InboxItem.objects.get().contract_id == account.contract_id


def test_a_sender_with_several_active_accounts_goes_to_triage_with_them_listed(mailbox: LiveMailbox):
    first = us_account()
    second = us_account()
    mailbox.deliver(samples.plain(sender="MARIA.GARCIA@example.com"), received_at=RECEIVED)

    counts = inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert counts["triage"] == 1
    item = InboxItem.objects.get()
    assert (item.status, item.contract_id, item.triage_reason) == ("triage", None, "several_accounts")
    assert item.candidates == sorted([first.account_number, second.account_number])


def test_an_email_quoting_two_accounts_goes_to_the_senders_own(mailbox: LiveMailbox):
    mine = us_account()
    other = us_account(email="other@example.com")
    mailbox.deliver(
        samples.plain(body=f"Is {other.account_number} mixed up with my {mine.account_number}?"),
        received_at=RECEIVED,
    )

    inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert InboxItem.objects.get().contract_id == mine.contract_id


def test_an_email_quoting_two_accounts_of_strangers_goes_to_triage(mailbox: LiveMailbox):
    one = us_account(email="one@example.com")
    two = us_account(email="two@example.com")
    mailbox.deliver(
        samples.plain(sender="x@nowhere.example", body=f"{two.account_number} and {one.account_number}"),
        received_at=RECEIVED,
    )

    inbox_fetch(at=AT, mailbox=mailbox.settings)

    item = InboxItem.objects.get()
    assert item.status == "triage"
    assert item.candidates == [two.account_number, one.account_number]


def test_an_unknown_sender_quoting_nothing_goes_to_triage(mailbox: LiveMailbox):
    us_account()
    mailbox.deliver(
        samples.plain(sender="sales@tyres.example", body="Best prices on tyres"), received_at=RECEIVED
    )

    inbox_fetch(at=AT, mailbox=mailbox.settings)

    item = InboxItem.objects.get()
    assert (item.status, item.triage_reason, item.candidates) == ("triage", "no_match", [])
    # Triage counts weekends only: Wednesday → Friday.
    assert item.due_date == date(2024, 7, 5)


def test_fetching_twice_stores_nothing_twice(mailbox: LiveMailbox):
    us_account()
    mailbox.deliver(samples.with_attachments(), received_at=RECEIVED)
    inbox_fetch(at=AT, mailbox=mailbox.settings)

    again = inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert again["fetched"] == again["stored"] == 0
    assert (InboundMessage.objects.count(), Attachment.objects.count(), InboxItem.objects.count()) == (
        1,
        2,
        1,
    )
    assert MailboxState.objects.get().last_uid == 1


def test_only_mail_after_the_last_uid_is_read(mailbox: LiveMailbox):
    us_account()
    mailbox.deliver(samples.plain(message_id="<a@x>"), received_at=RECEIVED)
    inbox_fetch(at=AT, mailbox=mailbox.settings)
    mailbox.deliver(samples.plain(message_id="<b@x>"), received_at=RECEIVED)

    counts = inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert (counts["fetched"], counts["stored"]) == (1, 1)
    assert MailboxState.objects.get().last_uid == 2


def test_the_same_message_delivered_twice_is_stored_once(mailbox: LiveMailbox):
    us_account()
    mailbox.deliver(samples.plain(), received_at=RECEIVED)
    mailbox.deliver(samples.plain(), received_at=RECEIVED)

    counts = inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert (counts["fetched"], counts["stored"], counts["duplicates"]) == (2, 1, 1)
    assert InboundMessage.objects.count() == 1


def test_a_new_uidvalidity_reads_the_folder_again_without_storing_twice(mailbox: LiveMailbox):
    us_account()
    mailbox.deliver(samples.plain(message_id="<kept@x>"), received_at=RECEIVED)
    inbox_fetch(at=AT, mailbox=mailbox.settings)
    before = MailboxState.objects.get().uidvalidity
    mailbox.server.recreate(mailbox.settings.folder)
    mailbox.deliver(samples.plain(message_id="<kept@x>"), received_at=RECEIVED)
    mailbox.deliver(samples.plain(message_id="<new@x>"), received_at=RECEIVED)

    counts = inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert counts["uidvalidity_reset"] == 1
    assert (counts["fetched"], counts["stored"], counts["duplicates"]) == (2, 1, 1)
    state = MailboxState.objects.get()
    assert state.uidvalidity != before
    assert state.last_uid == 2
    assert sorted(InboundMessage.objects.values_list("message_id", flat=True)) == ["<kept@x>", "<new@x>"]


def test_a_reply_with_references_joins_its_thread(mailbox: LiveMailbox):
    us_account(email="one@example.com")
    us_account(email="one@example.com")  # the sender alone would be ambiguous
    first = us_account(email="first@example.com")
    mailbox.deliver(samples.plain(sender="first@example.com", message_id="<t1@x>"), received_at=RECEIVED)
    inbox_fetch(at=AT, mailbox=mailbox.settings)
    mailbox.deliver(
        samples.plain(
            sender="one@example.com",
            message_id="<t2@x>",
            in_reply_to="<elsewhere@x>",
            references="<t1@x> <elsewhere@x>",
        ),
        received_at=RECEIVED,
    )

    counts = inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert counts["threaded"] == 1
    item = InboxItem.objects.get()
    assert item.contract_id == first.contract_id
    assert item.messages.count() == 2


def test_a_reply_to_an_answered_item_opens_it_again_with_a_new_deadline(
    mailbox: LiveMailbox, django_user_model
):
    from recoup.comms.inbox.operations import inbox_item_mark_answered

    us_account()
    agent = django_user_model.objects.create_user(username="sam", password="x", role="agent")
    mailbox.deliver(samples.plain(message_id="<q1@x>"), received_at=RECEIVED)
    inbox_fetch(at=AT, mailbox=mailbox.settings)
    item = InboxItem.objects.get()
    inbox_item_mark_answered(item_id=item.pk, by=agent, at=AT, note="Called her back")
    later = datetime(2024, 7, 9, 14, tzinfo=UTC)  # Tuesday
    mailbox.deliver(samples.plain(message_id="<q2@x>", in_reply_to="<q1@x>"), received_at=later)

    inbox_fetch(at=later, mailbox=mailbox.settings)

    item.refresh_from_db()
    assert (item.status, item.received_at, item.due_date) == ("open", later, date(2024, 7, 11))


def test_an_out_of_office_reply_opens_no_work(mailbox: LiveMailbox):
    us_account()
    mailbox.deliver(samples.plain(headers={"Auto-Submitted": "auto-replied"}), received_at=RECEIVED)

    counts = inbox_fetch(at=AT, mailbox=mailbox.settings)

    assert counts["automatic"] == 1
    assert InboxItem.objects.get().status == "not_collections"


def test_a_complaint_gets_the_shorter_deadline(mailbox: LiveMailbox):
    us_account()
    mailbox.deliver(
        samples.plain(body="I want to make a formal complaint about your calls."), received_at=RECEIVED
    )

    inbox_fetch(at=AT, mailbox=mailbox.settings)

    item = InboxItem.objects.get()
    assert item.complaint
    assert item.due_date == date(2024, 7, 5)  # one business day, the 4th a holiday


def test_the_inbox_is_off_while_no_mailbox_is_configured():
    counts = inbox_fetch(at=AT, environ={})

    assert counts["configured"] == 0
    assert counts["fetched"] == 0


def test_a_mailbox_from_the_environment_is_read(mailbox: LiveMailbox):
    us_account()
    mailbox.deliver(samples.plain(), received_at=RECEIVED)
    settings = mailbox.settings
    environ = {
        "RECOUP_INBOX_IMAP_HOST": settings.host,
        "RECOUP_INBOX_IMAP_PORT": str(settings.port),
        "RECOUP_INBOX_IMAP_USER": settings.user,
        "RECOUP_INBOX_IMAP_PASSWORD": settings.password,
        "RECOUP_INBOX_IMAP_SSL": "0",
        "RECOUP_INBOX_IMAP_FOLDER": settings.folder,
    }

    counts = inbox_fetch(at=AT, environ=environ)

    assert (counts["configured"], counts["stored"]) == (1, 1)


def test_half_a_configuration_is_refused_naming_the_variable():
    with pytest.raises(MailboxNotConfigured) as refused:
        inbox_fetch(at=AT, environ={"RECOUP_INBOX_IMAP_HOST": "imap.example", "RECOUP_INBOX_IMAP_USER": "u"})

    assert refused.value.field == "RECOUP_INBOX_IMAP_PASSWORD"


def test_a_wrong_password_or_folder_is_reported_and_nothing_is_written(mailbox: LiveMailbox):
    settings = mailbox.settings
    wrong_password = MailboxSettings(**{**vars(settings), "password": "wrong"})
    wrong_folder = MailboxSettings(**{**vars(settings), "folder": "NoSuchFolder"})

    with pytest.raises(MailboxUnavailable):
        inbox_fetch(at=AT, mailbox=wrong_password)
    with pytest.raises(MailboxUnavailable) as refused:
        inbox_fetch(at=AT, mailbox=wrong_folder)

    assert refused.value.field == "RECOUP_INBOX_IMAP_FOLDER"
    assert not MailboxState.objects.exists()


def test_a_complaint_in_reply_brings_an_open_items_deadline_forward(mailbox: LiveMailbox):
    us_account()
    monday = datetime(2024, 7, 1, 15, tzinfo=UTC)
    mailbox.deliver(samples.plain(message_id="<m1@x>"), received_at=monday)
    inbox_fetch(at=monday, mailbox=mailbox.settings)
    assert InboxItem.objects.get().due_date == date(2024, 7, 3)
    mailbox.deliver(
        samples.plain(message_id="<m2@x>", in_reply_to="<m1@x>", body="I am making a complaint."),
        received_at=monday,
    )

    inbox_fetch(at=monday, mailbox=mailbox.settings)

    item = InboxItem.objects.get()
    assert (item.due_date, item.complaint) == (date(2024, 7, 2), True)
