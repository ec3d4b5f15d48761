import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.portfolio.demo import DEMO_PASSWORD
from recoup.portfolio.models import Contract
from recoup.portfolio.queries import AccountSummary

pytestmark = pytest.mark.django_db(transaction=True)

GOOD_VIN = "1HGCM82633A004352"
MISTYPED_VIN = "1HGCM82633A004353"


def test_a_team_leader_corrects_a_mistyped_vin_and_books_the_contract(
    page: Page,
    live_server: LiveServer,
    demo_book: AccountSummary,
):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Book a contract").click()
    expect(page.get_by_role("heading", name="Book a contract")).to_be_visible()
    expect(page.get_by_label("Given name")).to_be_focused()
    contracts_before = Contract.objects.count()

    page.keyboard.type("Maria")
    page.get_by_label("Family name").fill("Garcia")
    page.get_by_label("Date of birth").fill("1985-04-12")
    page.get_by_label("Address line 1").fill("12 Maple Ave")
    page.get_by_label("City or town").fill("Houston")
    page.get_by_label("State or county").fill("TX")
    page.get_by_label("ZIP or postcode").fill("77002")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Phone").fill("(713) 555-0142")
    page.get_by_label("VIN").fill(MISTYPED_VIN)
    page.get_by_label("Model year").fill("2023")
    page.get_by_label("Make").fill("Honda")
    page.get_by_label("Model", exact=True).fill("Accord")
    page.get_by_label("Product").select_option("US-RIC")
    page.get_by_label("Jurisdiction").select_option("US-TX")
    page.get_by_label("Cash price").fill("15000")
    page.get_by_label("Amount financed").fill("15000")
    page.get_by_label("APR (%)").fill("8")
    page.get_by_label("Term").fill("60")
    page.get_by_label("Origination date").fill("2024-01-01")
    page.get_by_label("First due date").fill("2024-02-01")
    page.get_by_role("button", name="Book contract").click()

    vin = page.get_by_label("VIN")
    expect(vin).to_be_focused()
    expect(vin).to_have_attribute("aria-invalid", "true")
    expect(vin).to_have_accessible_description(re.compile("fails its check digit"))
    expect(page.locator("#id_vin_error")).to_contain_text("look for a mistyped character")
    expect(page.get_by_label("Family name")).to_have_value("Garcia")
    assert Contract.objects.count() == contracts_before

    vin.fill(GOOD_VIN)
    vin.press("Enter")

    expect(page).to_have_url(re.compile(r"/accounts/\d{10}/$"))
    expect(page.get_by_role("status")).to_contain_text("Contract booked for Maria Garcia")
    expect(page.get_by_role("heading", level=1)).to_contain_text(Contract.objects.latest("pk").account_number)
    expect(page.get_by_role("tabpanel", name="Customer")).to_contain_text("Maria Garcia")
