"""Issue 4 §7: an agent signs in, takes Get next, logs a call with a promise and sees it in the history."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.collections.models import Queue, Strategy, WorkItem
from recoup.compliance.calling_hours import callable_time_zones
from recoup.kernel import clock
from recoup.parties.models import Address
from recoup.portfolio.demo import DEMO_PASSWORD
from recoup.portfolio.models import Contract
from recoup.portfolio.queries import AccountSummary
from tests.browser.conftest import AS_OF

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(demo_book: AccountSummary) -> AccountSummary:
    """The demo account waiting in a queue, its customer in a time zone where it is calling hours now."""
    queue = Queue.objects.create(code="early", name="Early stage")
    strategy = Strategy.objects.create(code="early", name="Early stage", queue=queue)
    contract = Contract.objects.get(account_number=demo_book.account_number)
    zone = sorted(callable_time_zones(at=clock.now()))[0]
    # The contact gate reads the customer's addresses: they live there too.
    Address.objects.filter(party_id=contract.customer_id).update(time_zones=zone)
    WorkItem.objects.create(
        contract=contract,
        queue=queue,
        strategy=strategy,
        treatment="call",
        placed_date=AS_OF,
        time_zone=zone,
    )
    return demo_book


def test_an_agent_takes_get_next_logs_a_call_with_a_promise_and_sees_it_in_the_history(
    page: Page, live_server: LiveServer, queued: AccountSummary
):
    pay_on = clock.today() + timedelta(days=5)
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio search")).to_be_visible()

    page.get_by_role("button", name="Get next").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{queued.account_number}/$"))
    page.get_by_role("tab", name="Contacts & promises").click()
    panel = page.get_by_role("tabpanel", name="Contacts & promises")
    panel.get_by_label("Channel").select_option("call")
    panel.get_by_label("Direction").select_option("outbound")
    panel.get_by_label("Notes").fill("Spoke to the customer; will pay on Friday.")
    panel.get_by_label("Outcome").select_option("promise")
    panel.get_by_label("Date of payment 1").fill(pay_on.isoformat())
    panel.get_by_label("Amount of payment 1").fill("150.00")
    panel.get_by_role("button", name="Record contact").click()

    expect(panel.get_by_role("status")).to_contain_text("Call recorded: promise to pay, $150.00 promised.")
    history = panel.locator("#contact-history")
    expect(history).to_contain_text("Spoke to the customer; will pay on Friday.")
    expect(history).to_contain_text("Promise to pay")
    expect(panel.locator("#promise-list")).to_contain_text("$150.00")
    page.reload()
    page.get_by_role("tab", name="Contacts & promises").click()
    expect(page.locator("#contact-history")).to_contain_text("Spoke to the customer; will pay on Friday.")
