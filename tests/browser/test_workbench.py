import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.portfolio.demo import DEMO_PASSWORD
from recoup.portfolio.queries import AccountSummary

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_signs_in_searches_and_reads_an_account(
    page: Page,
    live_server: LiveServer,
    demo_book: AccountSummary,
):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio search")).to_be_visible()

    page.locator("#global-search").press_sequentially(demo_book.customer_name, delay=10)
    result = page.locator("#search-results").get_by_role("link", name=demo_book.account_number)
    result.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(demo_book.account_number)
    customer = page.get_by_role("tabpanel", name="Customer")
    expect(customer).to_contain_text(demo_book.customer_name)
    page.get_by_role("tab", name="Schedule").click()
    schedule = page.get_by_role("tabpanel", name="Schedule")
    expect(schedule).to_contain_text("Version 2")
    schedule.get_by_role("link", name=re.compile(r"^v1 ")).click()
    expect(schedule).to_contain_text("Version 1")
    expect(schedule).to_contain_text("Earlier version")
    page.get_by_role("tab", name="Ledger").click()
    ledger = page.get_by_role("tabpanel", name="Ledger")
    expect(ledger.locator("tbody.ledger-entry").first).to_be_visible()
    expect(customer).to_be_hidden()


def test_pressing_slash_focuses_search_from_an_account_page(
    signed_in_page: Page,
    live_server: LiveServer,
    demo_book: AccountSummary,
):
    page = signed_in_page
    page.goto(f"{live_server.url}/accounts/{demo_book.account_number}/")
    page.get_by_role("tab", name="Vehicle").focus()

    page.keyboard.press("/")

    expect(page.locator("#global-search")).to_be_focused()
    page.keyboard.type(demo_book.vin)
    expect(page.locator("#global-search")).to_have_value(demo_book.vin)
