import re
from typing import Any

import pytest
from django.test import Client

from recoup.kernel.errors import DomainError
from recoup.web.quote_form import QuoteForm
from tests.integration.web.forms_html import FormPage

pytestmark = pytest.mark.django_db

LOAN = {
    "mode": "loan",
    "principal": "15000",
    "apr": "8",
    "term": "60",
    "frequency": "monthly",
    "start": "2024-01-01",
    "first_due": "2024-02-01",
    "balloon": "",
    "currency": "USD",
    "day_count": "30/360",
    "rounding": "half-up",
}
LEASE = {
    **LOAN,
    "mode": "lease",
    "principal": "30000",
    "residual": "16500",
    "money_factor": "0.00125",
    "term": "36",
}


def quote(client: Client, terms: dict[str, str] | None = None, **headers: Any) -> str:
    response = client.get("/schedule/", LOAN if terms is None else terms, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def payment(page: str) -> str:
    found = re.search(r'id="quote-payment">([^<]+)<', page)
    assert found, "no payment shown"
    return found.group(1)


def test_a_15000_loan_at_8_percent_over_60_months_pays_304_15(signed_in: Client):
    page = quote(signed_in)

    assert payment(page) == "$304.15"
    assert page.count('<td class="num">$304.15</td>') == 59
    assert "Jan 1, 2029" in page


def test_the_calculator_opens_empty_with_the_amount_focused(signed_in: Client):
    page = quote(signed_in, {})

    form = FormPage(page)
    assert form.autofocused() == ["principal"]
    assert form.invalid() == []
    assert 'id="quote-payment"' not in page
    assert form.controls["currency"] is not None


def test_pounds_are_quoted_the_british_way(signed_in: Client):
    page = quote(signed_in, {**LOAN, "currency": "GBP"})

    assert payment(page) == "£304.15"
    assert "1 Feb 2024" in page


def test_a_lease_is_priced_from_its_residual_and_money_factor(signed_in: Client):
    page = quote(signed_in, LEASE)

    # Depreciation 13,500 / 36 = 375.00; rent charge (30,000 + 16,500) x 0.00125 = 58.13.
    assert payment(page) == "$433.13"
    assert "Rent charge" in page
    assert "Depreciation" in page
    assert "$16,500.00" in page


def test_a_lease_ignores_the_loans_apr_and_balloon_left_in_the_form(signed_in: Client):
    page = quote(signed_in, {**LEASE, "apr": "8", "balloon": "5000"})

    assert payment(page) == "$433.13"


def test_htmx_gets_the_form_and_schedule_without_the_page_around_them(signed_in: Client):
    page = quote(signed_in, LOAN, HX_Request="true")

    assert "<html" not in page
    assert page.lstrip().startswith('<div id="quote">')
    assert payment(page) == "$304.15"
    assert FormPage(page).autofocused() == []


def test_htmx_focuses_the_first_input_in_error(signed_in: Client):
    page = quote(signed_in, {**LOAN, "term": "0"}, HX_Request="true")

    assert FormPage(page).autofocused() == ["term"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"principal": "0"}, "principal", "more than zero"),
        ({"principal": "-15000"}, "principal", "more than zero"),
        ({"principal": "15000.001"}, "principal", "more than 2 decimal places"),
        ({"principal": "1e999999"}, "principal", "Enter a number such as"),
        ({"principal": "1,5"}, "principal", "Enter a number such as"),
        ({"principal": ""}, "principal", "required"),
        ({"apr": "150"}, "apr", "outside 0 to 100"),
        ({"apr": "-1"}, "apr", "outside 0 to 100"),
        ({"apr": "eight"}, "apr", "Enter a number such as"),
        ({"apr": ""}, "apr", "Enter the APR"),
        ({"term": "0"}, "term", "outside 1 to 1200"),
        ({"term": "sixty"}, "term", "not a whole number"),
        ({"start": "2024-02-30"}, "start", "not a date"),
        ({"first_due": "2023-12-01"}, "first_due", "2023-12-01"),
        ({"balloon": "15000"}, "balloon", "less than the principal"),
        ({"balloon": "-1"}, "balloon", "at least zero"),
        ({"currency": "XYZ"}, "currency", "unknown currency 'XYZ'"),
        ({"day_count": "actual/999"}, "day_count", "unknown day count"),
        ({"rounding": "up"}, "rounding", "not one of half-up, half-even"),
        ({"frequency": "daily"}, "frequency", "not one of monthly, biweekly, weekly"),
    ],
)
def test_a_bad_loan_term_is_named_beside_its_input(
    signed_in: Client, changes: dict[str, str], field: str, words: str
):
    page = quote(signed_in, {**LOAN, **changes})

    form = FormPage(page)
    assert words.lower() in form.error_for(field).lower()
    assert form.invalid() == [field]
    assert form.autofocused() == [field]
    assert 'id="quote-payment"' not in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"residual": "30000"}, "residual", "less than the capitalised cost"),
        ({"residual": ""}, "residual", "Enter the residual"),
        ({"money_factor": "0.5"}, "money_factor", "outside 0 to 0.01"),
        ({"money_factor": ""}, "money_factor", "Enter the money factor"),
    ],
)
def test_a_bad_lease_term_is_named_beside_its_input(
    signed_in: Client, changes: dict[str, str], field: str, words: str
):
    page = quote(signed_in, {**LEASE, **changes})

    assert words.lower() in FormPage(page).error_for(field).lower()


def test_an_error_the_form_has_no_input_for_is_shown_above_it():
    form = QuoteForm(LOAN)
    assert form.is_valid()

    form.refuse(DomainError("payment: a payment of 1.00 does not cover a period's interest", field="payment"))

    assert form.non_field_errors() == ["A payment of 1.00 does not cover a period's interest."]


def test_an_error_naming_no_known_input_keeps_its_name_above_the_form():
    form = QuoteForm(LOAN)
    assert form.is_valid()

    form.refuse(DomainError("schedule: something else went wrong", field="schedule"))

    assert form.non_field_errors() == ["Schedule: something else went wrong."]


def test_the_summary_links_each_error_to_its_input(signed_in: Client):
    page = quote(signed_in, {**LOAN, "term": "0"})

    assert 'role="alert"' in page
    assert '<a href="#id_term">Term</a>' in page


def test_anonymous_visitors_are_sent_to_sign_in_from_the_calculator(client: Client):
    response = client.get("/schedule/", LOAN)

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=/schedule/")


def test_the_calculator_takes_no_posts(signed_in: Client):
    response = signed_in.post("/schedule/", LOAN)

    assert response.status_code == 405


def test_every_signed_in_user_finds_the_calculator_in_the_top_bar(signed_in: Client):
    page = signed_in.get("/").content.decode()

    assert '<a href="/schedule/">Schedule calculator</a>' in page
