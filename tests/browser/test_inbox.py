"""An agent opens a customer's email in Customer mail, downloads its attachment and answers it from a
template, all from the keyboard; the reply goes out in the customer's thread."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.comms.inbox.mailbox import MailboxSettings
from recoup.comms.inbox.models import InboxItem
from recoup.comms.inbox.operations import inbox_fetch
from recoup.comms.operations import template_version_publish
from recoup.kernel import clock
from recoup.parties.models import Email
from recoup.portfolio.models import Contract
from recoup.portfolio.queries import AccountSummary
from tests.imap_server import ImapServer, dovecot_server
from tests.unit.comms.inbox import samples

__all__ = ["dovecot_server"]

pytestmark = pytest.mark.django_db(transaction=True)

# Friday 14 June 2024, 11:00 in New York: within every US customer's contact hours.
NOW = datetime(2024, 6, 14, 15, 0, tzinfo=UTC)


@pytest.fixture
def outbox(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"
    return tmp_path / "outbox"


@pytest.fixture
def customers_email(dovecot_server: ImapServer, demo_book: AccountSummary, monkeypatch) -> str:
    """The demo customer's email with a statement attached, fetched from the mailbox; its address."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    contract = Contract.objects.get(account_number=demo_book.account_number)
    address = Email.objects.filter(party_id=contract.customer_id).values_list("address", flat=True).first()
    assert address
    settings = MailboxSettings(
        host=dovecot_server.host,
        port=dovecot_server.port,
        user=dovecot_server.user,
        password=dovecot_server.password,
        use_ssl=False,
        folder=dovecot_server.new_folder(),
    )
    dovecot_server.append(
        settings.folder,
        samples.with_attachments(sender=address, subject="My statement, as you asked"),
        received_at=NOW,
    )
    counts = inbox_fetch(at=NOW, mailbox=settings)
    assert counts["matched"] == 1
    # A template of the team's own: a flushed database has lost those its migrations seeded.
    template_version_publish(
        code="inbox.received",
        channel="email",
        name="We have your email",
        subject="Your email about account {{ account_number }}",
        body="<p>Dear {{ customer_name }},</p><p>Thank you: we have your email and the papers with it.</p>",
        by=None,
        at=NOW,
    )
    return address


def test_an_agent_opens_a_customers_email_and_answers_it_from_a_template(
    signed_in_page: Page,
    live_server: LiveServer,
    demo_book: AccountSummary,
    customers_email: str,
    outbox: Path,
):
    page = signed_in_page
    page.goto(f"{live_server.url}/work/")

    page.get_by_role("link", name="Customer mail").press("Enter")
    expect(page.get_by_role("heading", name="Customer mail")).to_be_visible()
    row = page.locator("#mail-list tbody tr").first
    expect(row).to_contain_text(customers_email)
    row.get_by_role("link", name="My statement, as you asked").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="My statement, as you asked")).to_be_visible()
    expect(page.locator(".message-text")).to_contain_text("Please find my statement attached.")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="statement-may.pdf").press("Enter")
    assert downloading.value.suggested_filename == "statement-may.pdf"
    assert Path(downloading.value.path()).read_bytes() == samples.PDF

    page.get_by_label("Template").focus()
    page.get_by_label("Template").select_option("inbox.received")
    page.get_by_role("button", name="Send the answer").press("Enter")

    expect(page.get_by_role("status")).to_contain_text(f"Answered: the email to {customers_email} is sent")
    expect(page.locator("#mail-empty")).to_contain_text("No email is awaiting an answer.")
    (written,) = outbox.glob("*.eml")
    email = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert email["To"] == customers_email
    assert email["In-Reply-To"] == "<statement-1@customer.example>"
    assert email["Subject"] == f"Your email about account {demo_book.account_number}"
    assert InboxItem.objects.get().status == "answered"


def test_an_agent_links_mail_from_triage_to_the_account_it_is_about(
    signed_in_page: Page,
    live_server: LiveServer,
    demo_book: AccountSummary,
    dovecot_server: ImapServer,
    monkeypatch,
):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    settings = MailboxSettings(
        host=dovecot_server.host,
        port=dovecot_server.port,
        user=dovecot_server.user,
        password=dovecot_server.password,
        use_ssl=False,
        folder=dovecot_server.new_folder(),
    )
    dovecot_server.append(
        settings.folder,
        samples.plain(sender="adviser@debt-charity.example", subject="Our client's finances"),
        received_at=NOW,
    )
    inbox_fetch(at=NOW, mailbox=settings)
    page = signed_in_page
    page.goto(f"{live_server.url}/mail/")

    page.get_by_role("link", name="Triage").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/mail/?status=triage")
    expect(page.get_by_role("link", name="Triage")).to_have_attribute("aria-current", "page")
    row = page.locator("#mail-list tbody tr").first
    expect(row).to_contain_text("adviser@debt-charity.example")
    row.get_by_role("link", name="Our client's finances").press("Enter")
    page.get_by_label("Account number").fill(demo_book.account_number)
    page.get_by_label("Account number").press("Enter")

    expect(page.get_by_role("status")).to_contain_text(f"Linked to account {demo_book.account_number}")
    expect(page.locator("#mail-facts")).to_contain_text("Awaiting an answer")
    expect(page.locator("#mail-facts")).to_contain_text("Linked by a person")
    expect(page.get_by_role("button", name="Mark answered")).to_be_visible()
