from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.arrears.models import AgedDebtTotal

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2024, 6, 14)


def _close(on: date, bucket: str, accounts: int, balance_minor: int, currency: str = "USD") -> None:
    product, jurisdiction = ("US-RIC", "US-TX") if currency == "USD" else ("UK-HP", "GB-ENG")
    AgedDebtTotal.objects.create(
        business_date=on,
        product_code=product,
        jurisdiction=jurisdiction,
        currency=currency,
        bucket=bucket,
        accounts=accounts,
        balance_minor=balance_minor,
        arrears_minor=0,
    )


def test_a_team_leader_opens_aged_debt_from_the_top_bar_and_sees_the_chart_and_table(
    signed_in_page: Page, live_server: LiveServer
):
    _close(AS_OF, "current", 40, 600_000_00)
    _close(AS_OF, "30-59", 6, 90_000_00)
    _close(AS_OF, "current", 12, 180_000_00, currency="GBP")
    page = signed_in_page
    page.goto(f"{live_server.url}/")

    page.get_by_role("navigation", name="Workbench").get_by_role("link", name="Reports").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Aged debt")
    chart = page.get_by_role("img", name="USD balance by bucket on 2024-06-14")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(7)
    expect(page.get_by_role("img", name="GBP balance by bucket on 2024-06-14")).to_be_visible()
    dollars = page.get_by_role("table").get_by_role("rowgroup").filter(has_text="Total USD")
    expect(dollars.get_by_role("row", name="30-59 days")).to_contain_text("$90,000.00")
    expect(dollars.get_by_role("row", name="Total USD")).to_contain_text("$690,000.00")

    page.get_by_label("Product").check()
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_role("columnheader", name="US-RIC · USD")).to_be_visible()
