"""Issue 4 §7: an arrangement beyond the agent's authority goes to a team leader, who approves it,
and the account's schedule moves."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.access.authority import authority_defaults_ensure
from recoup.kernel import clock
from recoup.portfolio.demo import DEMO_PASSWORD
from recoup.portfolio.queries import AccountSummary
from tests.integration.factories import book

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_loan(demo_book: AccountSummary) -> str:
    """A loan booked today whose installments are all still to come (the demo book's are past)."""
    # A transactional test before this one flushed the starting approval matrix its migration made.
    authority_defaults_ensure()
    today = clock.today()
    return book(origination_date=today, first_due_date=today + timedelta(days=20)).account_number


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio search")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")


def test_a_nine_month_deferral_goes_to_a_team_leader_who_approves_it_and_the_schedule_moves(
    page: Page, live_server: LiveServer, fresh_loan: str
):
    sign_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/accounts/{fresh_loan}/")
    page.get_by_role("link", name="Arrangements").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{fresh_loan}/arrangements/$"))
    page.get_by_label("Arrangement").select_option("deferral")
    page.get_by_label("Months (or installments)").fill("9")
    page.get_by_role("button", name="Calculate").click()
    expect(page.locator("#quote-authority")).to_contain_text("Beyond your authority")
    first_row = page.locator("#arrangement-quote-result tbody tr").first
    due_before = first_row.locator("td").nth(1).inner_text()
    due_after = first_row.locator("td").nth(3).inner_text()
    assert due_before != due_after
    page.get_by_role("button", name="Send for approval").click()
    expect(page.get_by_role("status")).to_contain_text("sent for approval")
    expect(page.locator("#arrangement-list")).to_contain_text("Pending approval")
    sign_out(page)

    sign_in(page, live_server, "leader")
    page.get_by_role("link", name="Approvals").click()
    expect(page.get_by_role("heading", name="Approvals")).to_be_visible()
    row = page.locator("#approval-list tbody tr", has_text=fresh_loan)
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Approved: the arrangement on {fresh_loan} is in effect"
    )

    page.goto(f"{live_server.url}/accounts/{fresh_loan}/")
    page.get_by_role("tab", name="Schedule").click()
    schedule = page.get_by_role("tabpanel", name="Schedule")
    expect(schedule).to_contain_text("Version 2")
    expect(schedule.locator("tbody tr").first.locator("td").nth(1)).to_have_text(due_after)
    page.goto(f"{live_server.url}/accounts/{fresh_loan}/schedule/1/")
    expect(page.locator("#schedule-view tbody tr").first.locator("td").nth(1)).to_have_text(due_before)
