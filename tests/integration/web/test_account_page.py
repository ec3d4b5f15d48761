import pytest
from django.test import Client

from recoup.portfolio import queries
from recoup.portfolio.queries import AccountSummary
from recoup.web.templatetags.recoup_format import day, money


def account_page(client: Client, account_number: str) -> str:
    response = client.get(f"/accounts/{account_number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_us_account_shows_dollars_and_month_first_dates(signed_in: Client, us_account: AccountSummary):
    page = account_page(signed_in, us_account.account_number)

    assert money(us_account.balance, "en_US") in page
    assert "$" in page
    assert "£" not in page
    assert us_account.next_due_date is not None
    assert day(us_account.next_due_date, "en_US") in page


def test_a_uk_account_shows_pounds_and_day_first_dates(signed_in: Client, uk_account: AccountSummary):
    page = account_page(signed_in, uk_account.account_number)

    assert money(uk_account.balance, "en_GB") in page
    assert "£" in page
    assert "$" not in page
    assert uk_account.next_due_date is not None
    assert day(uk_account.next_due_date, "en_GB") in page


def test_the_account_page_shows_customer_vehicle_contract_schedule_and_ledger(
    signed_in: Client, us_account: AccountSummary
):
    detail = queries.account_detail(us_account.account_number, viewer_role="agent")

    page = account_page(signed_in, us_account.account_number)

    assert detail.parties[0].name in page
    assert detail.parties[0].addresses[0].lines[0] in page
    assert detail.vehicle.vin in page
    assert detail.contract.dealer_name in page
    assert f"/accounts/{us_account.account_number}/schedule/{detail.schedule.version}/" in page
    assert f"/accounts/{us_account.account_number}/ledger/" in page


def test_the_schedule_and_ledger_load_when_their_tabs_are_opened(
    signed_in: Client, us_account: AccountSummary
):
    detail = queries.account_detail(us_account.account_number, viewer_role="agent")
    number = us_account.account_number

    schedule = signed_in.get(
        f"/accounts/{number}/schedule/{detail.schedule.version}/", headers={"HX-Request": "true"}
    )
    ledger = signed_in.get(f"/accounts/{number}/ledger/", headers={"HX-Request": "true"}).content.decode()

    assert 'id="schedule-view"' in schedule.content.decode()
    assert detail.ledger
    assert detail.ledger[0].postings[0].label in ledger
    assert "<html" not in ledger


def test_an_unknown_account_gets_the_apps_own_404_page(signed_in: Client, book: None):
    response = signed_in.get("/accounts/NO-SUCH-1/")

    assert response.status_code == 404
    assert "Account NO-SUCH-1 was not found" in response.content.decode()
    assert 'id="global-search"' in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_address_gets_the_apps_404_page_too(signed_in: Client):
    response = signed_in.get("/no/such/page/")

    assert response.status_code == 404
    assert "This page was not found" in response.content.decode()


def test_an_earlier_schedule_version_loads_as_a_partial_for_htmx(
    signed_in: Client, us_account: AccountSummary
):
    response = signed_in.get(
        f"/accounts/{us_account.account_number}/schedule/1/", headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert 'id="schedule-view"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_a_schedule_version_opened_directly_is_a_whole_page(signed_in: Client, uk_account: AccountSummary):
    response = signed_in.get(f"/accounts/{uk_account.account_number}/schedule/1/")

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "£" in response.content.decode()


def test_a_schedule_version_that_does_not_exist_is_not_found(signed_in: Client, us_account: AccountSummary):
    response = signed_in.get(f"/accounts/{us_account.account_number}/schedule/99/")

    assert response.status_code == 404
    assert "Schedule version 99" in response.content.decode()


def test_account_pages_are_not_kept_in_browser_caches(signed_in: Client, us_account: AccountSummary):
    response = signed_in.get(f"/accounts/{us_account.account_number}/")

    assert "no-store" in response["Cache-Control"]
