"""Issue 4 §7: an agent cannot approve their own request nor see masked personal data; a team
leader may reveal it."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.access.authority import authority_defaults_ensure
from recoup.access.models import User
from recoup.collections.arrangements import ArrangementTerms, arrangement_request
from recoup.kernel import clock
from recoup.portfolio.demo import DEMO_PASSWORD
from recoup.portfolio.queries import AccountSummary
from tests.integration.factories import book

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_loan(demo_book: AccountSummary) -> str:
    """A loan booked today for Maria Garcia, born 12 April 1985; its installments are all to come."""
    # A transactional test before this one flushed the starting approval matrix its migration made.
    authority_defaults_ensure()
    today = clock.today()
    return book(origination_date=today, first_due_date=today + timedelta(days=20)).account_number


@pytest.fixture
def own_request(fresh_loan: str) -> str:
    """The agent's own 9-month deferral on it, beyond their authority and awaiting approval."""
    arrangement_request(
        account_number=fresh_loan,
        terms=ArrangementTerms(kind="deferral", periods=9),
        requested_by=User.objects.get(username="agent"),
        as_of=clock.today(),
        at=clock.now(),
    )
    return fresh_loan


def sign_in(page: Page, live_server: LiveServer, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio search")).to_be_visible()


def test_an_agent_cannot_approve_their_own_request(page: Page, live_server: LiveServer, own_request: str):
    sign_in(page, live_server, "agent")

    page.get_by_role("link", name="Approvals").click()

    row = page.locator("#approval-list tbody tr", has_text=own_request)
    expect(row).to_contain_text("Not yours to decide")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)
    expect(row.get_by_role("button", name="Reject")).to_have_count(0)


def test_an_agent_sees_the_date_of_birth_masked_with_no_way_to_reveal_it(
    page: Page, live_server: LiveServer, fresh_loan: str
):
    sign_in(page, live_server, "agent")

    page.goto(f"{live_server.url}/accounts/{fresh_loan}/")

    panel = page.get_by_role("tabpanel", name="Customer")
    birth = panel.locator("dd[data-field='date_of_birth']")
    expect(birth).to_contain_text("••/••/••••")
    expect(birth).to_contain_text("masked for your role")
    expect(birth.get_by_role("button", name="Reveal")).to_have_count(0)
    expect(panel).not_to_contain_text("1985")


def test_a_team_leader_reveals_the_date_of_birth(page: Page, live_server: LiveServer, fresh_loan: str):
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/accounts/{fresh_loan}/")
    birth = page.get_by_role("tabpanel", name="Customer").locator("dd[data-field='date_of_birth']")
    expect(birth).to_contain_text("••/••/••••")

    birth.get_by_role("button", name="Reveal").click()

    expect(birth).to_contain_text("1985-04-12")
    expect(birth).to_contain_text("recorded in the audit trail")
