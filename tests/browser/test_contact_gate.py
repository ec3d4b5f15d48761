"""Issue 5 §1: an agent logging a call to a customer in Breathing Space sees the contact gate's warning
and must tick it before the call is recorded; the acknowledgement stays on the contact."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.kernel import clock
from recoup.parties.operations import party_flag_set
from recoup.portfolio import queries
from recoup.portfolio.demo import DEMO_PASSWORD
from recoup.portfolio.models import Contract
from recoup.portfolio.queries import AccountSummary

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_breathing_space(demo_book: AccountSummary) -> AccountSummary:
    """A UK demo account whose customer entered a standard Breathing Space today."""
    account = queries.account_list(country="GB", limit=1)[0]
    contract = Contract.objects.select_related("customer").get(account_number=account.account_number)
    party_flag_set(
        party=contract.customer,
        kind="breathing_space",
        detail="standard",
        set_date=clock.today(),
        at=clock.now(),
        set_by=None,
    )
    return account


def test_an_agent_sees_the_breathing_space_warning_and_must_tick_it_to_log_the_call(
    page: Page, live_server: LiveServer, in_breathing_space: AccountSummary
):
    number = in_breathing_space.account_number
    page.goto(f"{live_server.url}/accounts/{number}/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("tab", name="Contacts & promises").click()
    panel = page.get_by_role("tabpanel", name="Contacts & promises")
    panel.get_by_label("Channel").select_option("call")
    panel.get_by_label("Direction").select_option("outbound")
    panel.get_by_label("Outcome").select_option("no_answer")
    panel.get_by_label("Notes").fill("Rang the mobile, no answer.")
    panel.get_by_role("button", name="Record contact").click()

    warning = panel.get_by_role("alert", name="Contact gate warning")
    expect(warning).to_contain_text("Breathing Space (standard)")
    expect(warning).to_contain_text("no contact demanding payment")
    tick = panel.get_by_label("I have read the warning and record this contact anyway")
    expect(tick).to_be_focused()
    expect(tick).not_to_be_checked()
    expect(panel.get_by_text("No contacts recorded yet.")).to_be_visible()

    # The first refusal already says "tick the box": wait until this submission's answer has replaced
    # the form, or the tick below could land on the form about to be replaced.
    panel.locator("#contact-form").evaluate("form => { form.dataset.answered = 'no'; }")
    panel.get_by_role("button", name="Record contact").click()
    expect(panel.locator("#contact-form:not([data-answered])")).to_be_attached()
    expect(panel.get_by_role("alert", name="Contact gate warning")).to_contain_text("tick the box")
    expect(panel.get_by_text("No contacts recorded yet.")).to_be_visible()

    panel.get_by_label("I have read the warning and record this contact anyway").check()
    panel.get_by_role("button", name="Record contact").click()

    expect(panel.get_by_role("status")).to_contain_text("Call recorded: no answer.")
    history = panel.locator("#contact-history")
    expect(history).to_contain_text("Rang the mobile, no answer.")
    expect(history.locator(".gate-acknowledged")).to_contain_text(
        "Gate warning acknowledged: Breathing Space (standard)"
    )
