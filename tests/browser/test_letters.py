"""An agent sends a letter from the account page and finds it, with its PDF, in the account's history."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.comms.models import SentItem, TemplateVersion
from recoup.compliance.models import ContactPolicy
from recoup.portfolio.queries import AccountSummary

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _seeded(settings, tmp_path, demo_book: AccountSummary) -> None:
    """The seeded templates and contact policies, put back when an earlier test's flush took them."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    if not TemplateVersion.objects.exists():
        importlib.import_module("recoup.comms.migrations.0003_demo_templates").publish(apps, None)
    if not ContactPolicy.objects.exists():
        importlib.import_module("recoup.compliance.migrations.0002_default_policies").install(apps, None)


def test_an_agent_previews_and_sends_a_letter_and_sees_it_in_the_history(
    signed_in_page: Page, live_server: LiveServer, demo_book: AccountSummary
):
    page = signed_in_page
    page.goto(f"{live_server.url}/accounts/{demo_book.account_number}/")
    page.get_by_role("tab", name="Contacts & promises").click()
    panel = page.get_by_role("tabpanel", name="Contacts & promises")
    expect(panel.get_by_text("Nothing sent yet.")).to_be_visible()
    # The tab loads its panels as they come into view: choose only once they have all arrived, or
    # the choice could go to a panel about to be replaced.
    page.wait_for_load_state("networkidle")

    panel.get_by_label("Template").select_option("arrears.reminder:letter")
    preview = page.frame_locator("#comms-preview-body")
    expect(preview.get_by_text(f"Dear {demo_book.customer_name},")).to_be_visible()
    for reason in panel.locator("input[name=acknowledged]").all():
        reason.check()  # a demo customer may carry a flag the gate warns about
    panel.get_by_role("button", name="Send").click()

    expect(panel.get_by_role("status")).to_contain_text("Letter sent: Arrears reminder (version 1).")
    history = panel.locator("#communications-history")
    expect(history).to_contain_text("Arrears reminder")
    expect(history).to_contain_text("Your payments are overdue")
    with page.expect_download() as download:
        history.get_by_role("link", name="PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    item = SentItem.objects.get()
    assert item.sent_by.username == "agent"
    assert item.automated is False
