"""An agent escalates suspected fraud from the account page; a team leader acknowledges it in the inbox."""

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.portfolio.demo import DEMO_PASSWORD
from recoup.portfolio.queries import AccountSummary

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_agent_escalates_fraud_and_a_team_leader_acknowledges_it(
    page: Page, browser: Browser, live_server: LiveServer, demo_book: AccountSummary
):
    account = demo_book.account_number
    sign_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/accounts/{account}/")

    page.get_by_role("link", name="Escalate").click()
    expect(page.get_by_role("heading", name="Escalate")).to_be_visible()
    expect(page.get_by_label("Risk")).to_be_focused()
    page.get_by_label("Risk").select_option("suspected_fraud")
    page.keyboard.press("Tab")  # to what was found, left empty
    page.keyboard.press("Tab")  # to the button
    page.keyboard.press("Enter")
    expect(page.locator("#id_detail_error")).to_contain_text("suspected fraud")
    expect(page.get_by_label("What you found")).to_be_focused()
    page.get_by_label("What you found").fill("The payslip's employer does not exist")
    page.get_by_role("button", name="Escalate").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Escalated: Suspected fraud")
    expect(page.locator("#escalation-list")).to_contain_text("The payslip's employer does not exist")

    leader = browser.new_context(viewport={"width": 1366, "height": 860}, locale="en-US")
    leader.set_default_timeout(5_000)
    leader_page = leader.new_page()
    sign_in(leader_page, live_server, "leader")
    inbox_link = leader_page.get_by_role("link", name="Inbox (1 unread)")
    expect(inbox_link).to_be_visible()
    inbox_link.click()

    row = leader_page.locator("#inbox-list tbody tr").first
    expect(row).to_contain_text(account)
    expect(row).to_contain_text("Suspected fraud")
    expect(row).to_contain_text("The payslip's employer does not exist")
    row.get_by_label(f"Note on {account}").fill("Calling the employer")
    row.get_by_role("button", name="Acknowledge").click()

    expect(leader_page.get_by_role("status")).to_contain_text(f"Acknowledged: Suspected fraud on {account}")
    expect(leader_page.get_by_role("link", name="Inbox (0 unread)")).to_be_visible()
    expect(leader_page.locator("#inbox-list")).to_contain_text("Acknowledged")
    expect(leader_page.locator("#inbox-list")).to_contain_text("leader: Calling the employer")
    leader.close()
