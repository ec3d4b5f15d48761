"""An agent signs in, presses Get next and lands on the account to work."""

import re

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
    """The demo account in a queue, its customer in a time zone where it is calling hours now."""
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


def test_an_agent_presses_get_next_and_lands_on_the_account(page: Page, live_server: LiveServer, queued):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("button", name="Get next").click()

    expect(page).to_have_url(re.compile(rf"/accounts/{queued.account_number}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(queued.account_number)
    expect(page.get_by_role("status")).to_contain_text(f"Next: account {queued.account_number}")


def test_with_nothing_to_work_get_next_says_so(page: Page, live_server: LiveServer, demo_book):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Portfolio search")).to_be_visible()
    page.keyboard.press("Alt+n")

    expect(page).to_have_url(re.compile(r"/work/$"))
    expect(page.get_by_role("status")).to_contain_text("Nothing to work")
