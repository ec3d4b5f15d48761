import pytest
from django.test import Client

from recoup.portfolio.queries import AccountSummary


def search(client: Client, text: str, **headers: str) -> str:
    response = client.get("/", {"q": text}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def account_link(account: AccountSummary) -> str:
    return f'href="/accounts/{account.account_number}/"'


def test_search_finds_an_account_by_its_number(signed_in: Client, us_account: AccountSummary):
    assert account_link(us_account) in search(signed_in, us_account.account_number)


def test_search_finds_an_account_by_the_customers_name(signed_in: Client, uk_account: AccountSummary):
    assert account_link(uk_account) in search(signed_in, uk_account.customer_name)


def test_search_finds_an_account_by_the_customers_phone(signed_in: Client, us_account: AccountSummary):
    assert account_link(us_account) in search(signed_in, us_account.phones[0])


def test_search_finds_an_account_by_vin(signed_in: Client, us_account: AccountSummary):
    assert account_link(us_account) in search(signed_in, us_account.vin)


def test_search_finds_an_account_by_registration(signed_in: Client, uk_account: AccountSummary):
    assert account_link(uk_account) in search(signed_in, uk_account.registration)


def test_search_results_show_balance_and_next_due_in_the_accounts_locale(
    signed_in: Client, uk_account: AccountSummary
):
    page = search(signed_in, uk_account.account_number)

    assert "£" in page
    assert uk_account.customer_name in page
    assert uk_account.product_name in page
    assert uk_account.jurisdiction in page


def test_typing_in_search_gets_only_the_results_for_htmx_to_swap_in(
    signed_in: Client, us_account: AccountSummary
):
    response = signed_in.get("/", {"q": us_account.account_number}, headers={"HX-Request": "true"})

    assert account_link(us_account) in response.content.decode()
    assert "<html" not in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_pressing_enter_on_an_exact_account_number_opens_the_account(
    signed_in: Client, us_account: AccountSummary
):
    response = signed_in.get("/", {"q": us_account.account_number, "go": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{us_account.account_number}/"


def test_a_search_matching_nothing_says_so(signed_in: Client, book: None):
    assert "No accounts match" in search(signed_in, "Zzyzx-Nobody")


@pytest.mark.django_db
def test_an_empty_search_explains_what_can_be_searched(signed_in: Client):
    page = search(signed_in, "")

    assert "Find an account" in page
    assert 'id="global-search"' in page
