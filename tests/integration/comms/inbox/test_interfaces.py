"""The inbox through its interfaces: `recoup inbox fetch`, the JSON API and the Customer mail pages."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import api_token_issue, user_create
from recoup.cli.main import main
from recoup.comms.inbox.models import Attachment, InboxItem
from recoup.comms.inbox.operations import inbox_fetch
from tests.integration.comms.inbox.builders import us_account
from tests.integration.comms.inbox.conftest import LiveMailbox
from tests.unit.comms.inbox import samples

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2024, 7, 3, 15, 0, tzinfo=UTC)


def _environ(mailbox: LiveMailbox) -> dict[str, str]:
    settings = mailbox.settings
    return {
        "RECOUP_INBOX_IMAP_HOST": settings.host,
        "RECOUP_INBOX_IMAP_PORT": str(settings.port),
        "RECOUP_INBOX_IMAP_USER": settings.user,
        "RECOUP_INBOX_IMAP_PASSWORD": settings.password,
        "RECOUP_INBOX_IMAP_SSL": "0",
        "RECOUP_INBOX_IMAP_FOLDER": settings.folder,
    }


def _api(role: str) -> Client:
    user = user_create(username=role, password="a-long-password-1", role=role)
    token, _ = api_token_issue(user=user, name="portal", at=datetime(2024, 1, 1, tzinfo=UTC))
    return Client(headers={"Authorization": f"Bearer {token}"})


def _fetched(mailbox: LiveMailbox, *messages: bytes) -> None:
    for message in messages:
        mailbox.deliver(message, received_at=RECEIVED)
    inbox_fetch(at=RECEIVED, mailbox=mailbox.settings)


def test_recoup_inbox_fetch_prints_its_counts_as_json(mailbox: LiveMailbox, monkeypatch, capsys):
    us_account()
    mailbox.deliver(samples.with_attachments(), received_at=RECEIVED)
    for name, value in _environ(mailbox).items():
        monkeypatch.setenv(name, value)

    first = main(["inbox", "fetch", "--json"])
    printed = json.loads(capsys.readouterr().out)
    again = main(["inbox", "fetch"])
    said = capsys.readouterr().out

    assert (first, again) == (0, 0)
    assert printed["configured"] == 1
    assert (printed["stored"], printed["matched"], printed["attachments"]) == (1, 1, 2)
    assert said.startswith("inbox: 0 read, 0 new")


def test_recoup_inbox_fetch_says_when_the_inbox_is_off(monkeypatch, capsys):
    monkeypatch.delenv("RECOUP_INBOX_IMAP_HOST", raising=False)

    code = main(["inbox", "fetch"])

    assert code == 0
    assert "the collections inbox is off" in capsys.readouterr().out


def test_the_api_lists_fetches_and_marks_answered(mailbox: LiveMailbox):
    account = us_account()
    _fetched(mailbox, samples.with_attachments())
    agent = _api(Role.AGENT)
    item_id = InboxItem.objects.get().pk

    listed = agent.get("/api/v1/mail/items").json()
    fetched = agent.get(f"/api/v1/mail/items/{item_id}").json()
    answered = agent.post(
        f"/api/v1/mail/items/{item_id}/answered", {"note": "Phoned back"}, content_type="application/json"
    )

    assert [(row["id"], row["account_number"]) for row in listed] == [(item_id, account.account_number)]
    assert fetched["reply_to"] == "<statement-1@customer.example>"
    assert [a["filename"] for a in fetched["messages"][0]["attachments"]] == [
        "statement-may.pdf",
        "reçu café.jpg",
    ]
    assert answered.status_code == 200
    assert answered.json()["status"] == "answered"
    assert agent.get("/api/v1/mail/items").json() == []
    assert AuditEvent.objects.filter(action="inbox.mark_answered").count() == 1


def test_the_api_refuses_as_problem_documents_naming_the_field(mailbox: LiveMailbox):
    _fetched(mailbox, samples.plain(sender="nobody@example.org"))
    item_id = InboxItem.objects.get().pk
    agent, auditor = _api(Role.AGENT), _api(Role.AUDITOR)

    missing = agent.get("/api/v1/mail/items/999999")
    bad_status = agent.get("/api/v1/mail/items?status=lost")
    not_open = agent.post(f"/api/v1/mail/items/{item_id}/answered", {}, content_type="application/json")
    auditor_links = auditor.post(
        f"/api/v1/mail/items/{item_id}/link", {"account_number": "1"}, content_type="application/json"
    )
    unknown_account = agent.post(
        f"/api/v1/mail/items/{item_id}/link",
        {"account_number": "1999999999"},
        content_type="application/json",
    )

    assert (missing.status_code, missing.json()["field"]) == (404, "item_id")
    assert missing["Content-Type"] == "application/problem+json"
    assert (bad_status.status_code, bad_status.json()["field"]) == (422, "status")
    assert (not_open.status_code, not_open.json()["field"]) == (422, "status")
    assert (auditor_links.status_code, auditor_links.json()["field"]) == (403, "role")
    assert (unknown_account.status_code, unknown_account.json()["field"]) == (404, "account_number")


def test_the_customer_mail_page_lists_open_mail_and_the_triage_queue(mailbox: LiveMailbox, client: Client):
    account = us_account()
    _fetched(
        mailbox,
        samples.plain(message_id="<a@x>", subject="Paying Friday"),
        samples.plain(message_id="<b@x>", sender="stranger@example.org", subject="Who is this?"),
    )
    client.force_login(user_create(username="sam", password="not-used-here", role=Role.AGENT))

    page = client.get("/mail/")
    triage = client.get("/mail/?status=triage", headers={"HX-Request": "true"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Paying Friday" in html
    assert account.account_number in html
    assert "Who is this?" not in html
    assert 'href="/mail/"' in html
    assert "Customer mail" in html
    assert "Who is this?" in triage.content.decode()
    assert "<html" not in triage.content.decode()  # htmx gets the list alone


def test_a_message_shows_as_text_with_its_attachments_to_download(mailbox: LiveMailbox, client: Client):
    us_account()
    _fetched(mailbox, samples.html_only(), samples.with_attachments())
    client.force_login(user_create(username="sam", password="not-used-here", role=Role.AGENT))
    html_item = InboxItem.objects.get(subject="Hardship")
    attachment = Attachment.objects.get(filename="statement-may.pdf")

    shown = client.get(f"/mail/{html_item.pk}/").content.decode()
    download = client.get(f"/mail/attachments/{attachment.pk}/")

    assert "I lost my job &amp; cannot pay." in shown
    assert "<script>alert(1)</script>" not in shown
    assert "&lt;https://evil.example/pay&gt;" in shown
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="statement-may.pdf"')
    assert download.content == samples.PDF


def test_an_html_attachment_is_downloaded_as_bytes_never_rendered(mailbox: LiveMailbox, client: Client):
    us_account()
    raw = samples.with_attachments().replace(b"Content-Type: image/jpeg", b"Content-Type: text/html")
    _fetched(mailbox, raw)
    client.force_login(user_create(username="sam", password="not-used-here", role=Role.AGENT))
    attachment = Attachment.objects.get(content_type="text/html")

    download = client.get(f"/mail/attachments/{attachment.pk}/")

    assert download["Content-Type"] == "application/octet-stream"
    assert "filename*=UTF-8''re%C3%A7u%20caf%C3%A9.jpg" in download["Content-Disposition"]


def test_triage_is_linked_from_the_page_to_a_candidate(mailbox: LiveMailbox, client: Client):
    first, second = us_account(), us_account()
    _fetched(mailbox, samples.plain())
    client.force_login(user_create(username="sam", password="not-used-here", role=Role.AGENT))
    item = InboxItem.objects.get()

    shown = client.get(f"/mail/{item.pk}/").content.decode()
    linked = client.post(f"/mail/{item.pk}/link/", {"account_number": [second.account_number, ""]})

    assert first.account_number in shown
    assert second.account_number in shown
    assert linked.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.contract_id) == ("open", second.contract_id)


def test_a_remarketing_specialist_cannot_read_customer_mail(mailbox: LiveMailbox, client: Client):
    _fetched(mailbox, samples.plain())
    client.force_login(user_create(username="rem", password="not-used-here", role=Role.REMARKETING))

    assert client.get("/mail/").status_code == 403
    assert client.get(f"/mail/{InboxItem.objects.get().pk}/").status_code == 403


def test_the_answer_form_shows_the_gates_reasons_and_sends_once_they_are_acknowledged(
    mailbox: LiveMailbox, client: Client, settings, tmp_path, monkeypatch
):
    from recoup.compliance.operations import opt_out_record
    from recoup.kernel import clock
    from recoup.portfolio.models import Contract

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"
    monkeypatch.setattr(clock, "now", lambda: datetime(2024, 7, 3, 16, 0, tzinfo=UTC))
    account = us_account()
    _fetched(mailbox, samples.plain())
    customer_id = Contract.objects.get(pk=account.contract_id).customer_id
    opt_out_record(party_id=customer_id, channel="email", at=RECEIVED, source="customer")
    client.force_login(user_create(username="sam", password="not-used-here", role=Role.AGENT))
    item = InboxItem.objects.get()

    refused = client.post(f"/mail/{item.pk}/answer/", {"template_code": "arrears.reminder"})
    reasons = [
        html.unescape(line.split('value="', 1)[1].split('"', 1)[0])
        for line in refused.content.decode().splitlines()
        if 'name="acknowledged"' in line
    ]
    sent = client.post(
        f"/mail/{item.pk}/answer/", {"template_code": "arrears.reminder", "acknowledged": reasons}
    )

    assert refused.status_code == 409
    assert reasons
    assert 'id="gate-refusal"' in refused.content.decode()
    assert sent.status_code == 302
    item.refresh_from_db()
    assert item.status == "answered"
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
