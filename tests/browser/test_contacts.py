import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.compliance.calling_hours import callable_time_zones
from recoup.kernel import clock
from recoup.parties.models import Address
from recoup.portfolio.demo import DEMO_PASSWORD
from recoup.portfolio.models import Contract
from recoup.portfolio.queries import AccountSummary

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _customer_in_calling_hours(demo_book: AccountSummary) -> None:
    """Calls are logged as made now: the demo customer lives where it is calling hours now, so that
    the contact gate has nothing to warn of."""
    contract = Contract.objects.get(account_number=demo_book.account_number)
    zone = sorted(callable_time_zones(at=clock.now()))[0]
    Address.objects.filter(party_id=contract.customer_id).update(time_zones=zone)


def test_an_agent_logs_a_call_with_a_promise_of_two_amounts_and_sees_it_open(
    page: Page,
    live_server: LiveServer,
    demo_book: AccountSummary,
):
    # The web app dates a promise from today by the interfaces' clock: pay in a week and a fortnight.
    first, second = clock.today() + timedelta(days=7), clock.today() + timedelta(days=14)
    page.goto(f"{live_server.url}/accounts/{demo_book.account_number}/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo_book.account_number)

    page.get_by_role("tab", name="Contacts & promises").click()
    panel = page.get_by_role("tabpanel", name="Contacts & promises")
    expect(panel.get_by_text("No contacts recorded yet.")).to_be_visible()
    panel.get_by_label("Channel").select_option("call")
    panel.get_by_label("Direction").select_option("outbound")
    panel.get_by_label("Notes").fill("Promised two payments from the next wages.")
    panel.get_by_label("Outcome").select_option("promise")
    panel.get_by_label("Date of payment 1").fill(first.isoformat())
    panel.get_by_label("Amount of payment 1").fill("120.00")
    panel.get_by_label("Date of payment 2").fill(second.isoformat())
    panel.get_by_label("Amount of payment 2").fill("80.50")
    page.keyboard.press("Tab")
    expect(panel.get_by_role("button", name="Add a payment")).to_be_focused()
    page.keyboard.press("Tab")
    expect(panel.get_by_role("button", name="Record contact")).to_be_focused()
    page.keyboard.press("Enter")

    expect(panel.get_by_role("status")).to_contain_text("Call recorded: promise to pay, $200.50 promised.")
    history = panel.locator("#contact-history")
    expect(history).to_contain_text("Promised two payments from the next wages.")
    expect(history).to_contain_text("Promise to pay")
    promises = panel.locator("#promise-list")
    expect(promises).to_contain_text("$120.00")
    expect(promises).to_contain_text("$80.50")
    expect(promises.locator(".promise-total")).to_contain_text("Open")
    expect(panel.get_by_label("Outcome")).to_have_value("")


def test_a_promise_dated_yesterday_is_refused_beside_its_date_and_a_third_line_can_be_added(
    signed_in_page: Page,
    live_server: LiveServer,
    demo_book: AccountSummary,
):
    page = signed_in_page
    page.goto(f"{live_server.url}/accounts/{demo_book.account_number}/#contacts")
    panel = page.get_by_role("tabpanel", name="Contacts & promises")
    panel.get_by_label("Outcome").select_option("promise")
    panel.get_by_label("Amount of payment 1").fill("50")
    panel.get_by_role("button", name="Add a payment").click()
    expect(panel.get_by_label("Amount of payment 3")).to_be_visible()
    expect(panel.get_by_label("Amount of payment 1")).to_have_value("50")
    panel.get_by_label("Date of payment 1").fill((clock.today() - timedelta(days=1)).isoformat())

    panel.get_by_role("button", name="Record contact").click()

    expect(panel.locator("#id_promise_0_date_error")).to_contain_text("cannot be before")
    expect(panel.get_by_label("Date of payment 1")).to_be_focused()
    expect(panel.get_by_text("No contacts recorded yet.")).to_be_visible()
